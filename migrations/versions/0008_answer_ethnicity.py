"""answer ethnicity: each answer carries its response's ethnicity snapshot, and ix_answer_period ends with it,
so that the weighted % agree counts a period's answers by ethnic group from the index alone, with no join

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ethnicity', sa.String(length=4), nullable=True))
        batch_op.drop_index('ix_answer_period', postgresql_where=sa.text('choice IS NOT NULL'), sqlite_where=sa.text('choice IS NOT NULL'))
    # The response's ethnicity is fixed when the family answers, so the copy never goes stale.
    op.execute(
        "UPDATE answer SET ethnicity = response.ethnicity FROM response "
        "WHERE response.id = answer.response_id AND response.ethnicity IS NOT NULL"
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_period', ['event_date', 'survey_key', 'question_key', 'choice', 'ethnicity'], unique=False, postgresql_where=sa.text('choice IS NOT NULL'), sqlite_where=sa.text('choice IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_period', postgresql_where=sa.text('choice IS NOT NULL'), sqlite_where=sa.text('choice IS NOT NULL'))
        batch_op.create_index('ix_answer_period', ['event_date', 'survey_key', 'question_key', 'choice'], unique=False, postgresql_where=sa.text('choice IS NOT NULL'), sqlite_where=sa.text('choice IS NOT NULL'))
        batch_op.drop_column('ethnicity')
