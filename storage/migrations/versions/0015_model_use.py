"""What the language model cost each answer, and why an answer went out without it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: NULL says no model was configured (or the answer predates the record), not "0 tokens".
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("model_tokens", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("model_fallback", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("model_fallback")
        batch_op.drop_column("model_tokens")
