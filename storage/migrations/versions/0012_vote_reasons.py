"""a reason with a 👎

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.alter_column("reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.drop_column("reason")
