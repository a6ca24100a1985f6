"""form submissions: one-time keys of create forms, so a double submit makes one item

Revision ID: 0007_form_submissions
Revises: 0006_photo_position_index
Create Date: 2026-11-25 00:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_form_submissions'
down_revision = '0006_photo_position_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=43), nullable=False),
    sa.Column('result', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_form_submission_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_form_submission'))
    )
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submission_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submission_created_at'))
    op.drop_table('form_submission')
