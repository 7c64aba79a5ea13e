"""index on questions.escalated_at

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 21:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The IT digest lists the week's "ask a human" questions; without this it reads every question.
    op.create_index("ix_questions_escalated_at", "questions", ["escalated_at"])


def downgrade() -> None:
    op.drop_index("ix_questions_escalated_at", table_name="questions")
