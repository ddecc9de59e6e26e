"""figures and responses: each response and answer carries its event date (the period it counts in),
invitations record how far the chase got (delivered, reminded, called), and the indexes the dashboard
and the responses list read

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 06:32:24.214880

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Handed to Notify or kept in the outbox (feedback/insight/figures/funnel.py and the chase agree on these).
SENT = "('sent', 'outbox', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure')"


def upgrade():
    bind = op.get_bind()
    # A response counts in its event's period; an open survey's (no invitation) on the London day it came.
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_date', sa.Date(), nullable=True))
    op.execute(
        "UPDATE response SET event_date = (SELECT invitation.event_date FROM invitation "
        "WHERE invitation.id = response.invitation_id) WHERE invitation_id IS NOT NULL"
    )
    if bind.dialect.name == 'postgresql':
        op.execute("UPDATE response SET event_date = (submitted_at AT TIME ZONE 'Europe/London')::date "
                   "WHERE event_date IS NULL")
    else:
        op.execute("UPDATE response SET event_date = date(submitted_at) WHERE event_date IS NULL")
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.alter_column('event_date', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_response_event_order', ['event_date', 'submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_response_period', ['event_date', 'survey_key', 'channel'], unique=False, postgresql_include=['invitation_id'])
        batch_op.create_index('ix_response_safeguarding', ['event_date', 'submitted_at', 'id'], unique=False, postgresql_where=sa.text('safeguarding'), sqlite_where=sa.text('safeguarding'))

    # Each answer carries its response's survey and event date.
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('event_date', sa.Date(), nullable=True))
    op.execute(
        "UPDATE answer SET "
        "survey_key = (SELECT response.survey_key FROM response WHERE response.id = answer.response_id), "
        "event_date = (SELECT response.event_date FROM response WHERE response.id = answer.response_id)"
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.alter_column('survey_key', existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column('event_date', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_answer_period', ['event_date', 'survey_key', 'question_key', 'choice'], unique=False, postgresql_where=sa.text('choice IS NOT NULL'), sqlite_where=sa.text('choice IS NOT NULL'))

    # How far the chase got with each invitation, from the messages and calls already recorded.
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('called_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE invitation SET "
        "delivered_at = (SELECT min(COALESCE(message.status_at, message.sent_at, message.created_at)) FROM message "
        "WHERE message.invitation_id = invitation.id AND message.status = 'delivered'), "
        "reminded_at = (SELECT min(COALESCE(message.sent_at, message.created_at)) FROM message "
        f"WHERE message.invitation_id = invitation.id AND message.purpose = 'reminder' AND message.status IN {SENT}), "
        "called_at = (SELECT min(call_record.created_at) FROM call_record WHERE call_record.invitation_id = invitation.id)"
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_event_date'))
        batch_op.create_index('ix_invitation_period', ['event_date', 'survey_key', 'status'], unique=False, postgresql_include=['first_sent_at', 'delivered_at', 'reminded_at', 'call_list_at', 'call_reason', 'called_at'])


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_safeguarding', postgresql_where=sa.text('safeguarding'), sqlite_where=sa.text('safeguarding'))
        batch_op.drop_index('ix_response_period', postgresql_include=['invitation_id'])
        batch_op.drop_index('ix_response_event_order')
        batch_op.drop_column('event_date')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_period', postgresql_include=['first_sent_at', 'delivered_at', 'reminded_at', 'call_list_at', 'call_reason', 'called_at'])
        batch_op.create_index(batch_op.f('ix_invitation_event_date'), ['event_date'], unique=False)
        batch_op.drop_column('called_at')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('delivered_at')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_period', postgresql_where=sa.text('choice IS NOT NULL'), sqlite_where=sa.text('choice IS NOT NULL'))
        batch_op.drop_column('event_date')
        batch_op.drop_column('survey_key')
