"""pending uploads: photos checked and held for an item form until it is saved, and
draft products of "Add from photos"

New table only: nothing a shop had changes.

Revision ID: 0011_pending_uploads
Revises: 0010_jobs
Create Date: 2026-12-05 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_pending_uploads'
down_revision = '0010_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('preview', sa.LargeBinary(), nullable=False),
    sa.Column('draft', sa.Boolean(), nullable=False),
    sa.Column('draft_name', sa.String(length=150), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_pending_upload_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_upload')),
    sa.UniqueConstraint('token', name=op.f('uq_pending_upload_token'))
    )
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_pending_upload_shop_id_digest', ['shop_id', 'digest'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_upload_shop_id_digest')
        batch_op.drop_index(batch_op.f('ix_pending_upload_created_at'))

    op.drop_table('pending_upload')
