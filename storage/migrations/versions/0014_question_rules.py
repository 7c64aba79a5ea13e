"""The rules and alternatives behind each answer, for the alignment report's red lines

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable with no default: answers stored before, or by a replica still on 0013 during a rolling
    # upgrade, have no record of their rules, and the report must not read that as "no rule applied".
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("alternative_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("alternative_ids")
        batch_op.drop_column("rule_ids")
