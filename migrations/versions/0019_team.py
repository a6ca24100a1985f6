"""A shop's team: memberships with a role, every existing shop's owner its first member

Each shop keeps its owner (shop.owner_id stays, in step with the owner's membership);
the owner becomes the shop's member with the role 'owner'. A partial unique index keeps
a shop to one owner. Invitations (by link, single use) get their table too. Going down drops both: managers and staff lose their access,
owners keep their shops.

Revision ID: 0019_team
Revises: 0018_update_texts
Create Date: 2026-12-05 23:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019_team'
down_revision = '0018_update_texts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'membership',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column(
            'role',
            sa.Enum('owner', 'manager', 'staff', name='membership_role',
                    native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shop.id'],
                                name=op.f('fk_membership_shop_id_shop'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_membership_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
        sa.UniqueConstraint('shop_id', 'user_id', name=op.f('uq_membership_shop_id_user_id')),
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)
    op.create_index(
        'uq_membership_one_owner', 'membership', ['shop_id'], unique=True,
        sqlite_where=sa.text("role = 'owner'"), postgresql_where=sa.text("role = 'owner'"),
    )
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column(
            'role',
            sa.Enum('owner', 'manager', 'staff', name='invitation_role',
                    native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('used_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['shop_id'], ['shop.id'],
                                name=op.f('fk_invitation_shop_id_shop'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'],
                                name=op.f('fk_invitation_invited_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['used_by_id'], ['user_account.id'],
                                name=op.f('fk_invitation_used_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash')),
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_shop_id'), ['shop_id'], unique=False)
    op.execute(
        "INSERT INTO membership (shop_id, user_id, role, created_at) "
        "SELECT id, owner_id, 'owner', created_at FROM shop"
    )


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_shop_id'))
    op.drop_table('invitation')
    op.drop_index('uq_membership_one_owner', table_name='membership')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
    op.drop_table('membership')
