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
    # A server default, so a replica still on 0013 can insert questions during a rolling upgrade.
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("alternative_ids", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("alternative_ids")
        batch_op.drop_column("rule_ids")
