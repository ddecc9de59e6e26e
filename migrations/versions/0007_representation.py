"""representation: the index that reads a period's events (a child and a day) and whether they were answered,
in child order, replacing the plain index on invitation.child_id

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_child_event', ['child_id', 'event_date', 'survey_key'], unique=False,
                              postgresql_include=['responded_at'])
        batch_op.drop_index('ix_invitation_child_id')


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_child_id', ['child_id'], unique=False)
        batch_op.drop_index('ix_invitation_child_event')
