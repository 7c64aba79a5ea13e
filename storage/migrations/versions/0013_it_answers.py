"""IT's answers to questions passed to a human

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_ref", _TEXT(length=200), nullable=True))
        batch_op.add_column(sa.Column("it_answer", _TEXT(length=2000), nullable=True))
        batch_op.add_column(sa.Column("it_answered_by", _TEXT(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("it_answered_at", storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answer_told", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f("ix_questions_escalation_ref"), ["escalation_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_escalation_ref"))
        for column in ("answer_told", "it_answered_at", "it_answered_by", "it_answer", "escalation_ref"):
            batch_op.drop_column(column)
