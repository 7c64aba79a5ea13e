"""pending answers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_answers",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("surface", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("lease_until", storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("pending_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_answers_owner"), ["owner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_answers_owner"))
    op.drop_table("pending_answers")
