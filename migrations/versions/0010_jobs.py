"""jobs: background work with progress, the steps each job finished, the workers seen

New tables only: nothing a shop had changes.

Revision ID: 0010_jobs
Revises: 0009_catalog_version
Create Date: 2026-12-05 07:53:32.391755

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_jobs'
down_revision = '0009_catalog_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_worker',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_worker'))
    )
    with op.batch_alter_table('job_worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_worker_seen_at'), ['seen_at'], unique=False)

    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='job_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('worker_id', sa.String(length=80), nullable=True),
    sa.Column('active_key', sa.String(length=80), nullable=True),
    sa.Column('once_key', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_job_shop_id_shop'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_job_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    sa.UniqueConstraint('active_key', name=op.f('uq_job_active_key')),
    sa.UniqueConstraint('once_key', name=op.f('uq_job_once_key')),
    sa.UniqueConstraint('token', name=op.f('uq_job_token'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_job_shop_id_created_at', ['shop_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_state'), ['state'], unique=False)

    op.create_table('job_step',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_job_step_job_id_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'key', name=op.f('pk_job_step'))
    )


def downgrade():
    op.drop_table('job_step')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_state'))
        batch_op.drop_index('ix_job_shop_id_created_at')
        batch_op.drop_index(batch_op.f('ix_job_created_at'))

    op.drop_table('job')
    with op.batch_alter_table('job_worker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_worker_seen_at'))

    op.drop_table('job_worker')
