"""tool reviews: decisions, their notices, publishing

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_ACTIVE = "status IN ('open', 'in_review')"


def upgrade() -> None:
    with op.batch_alter_table("tool_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref", _TEXT(length=16), nullable=True))
        batch_op.add_column(sa.Column("decision", _TEXT(length=16), nullable=True))
        batch_op.add_column(sa.Column("decided_at", storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decided_by", _TEXT(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("note", _TEXT(length=2000), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("ceiling", _TEXT(length=64), nullable=True))
        batch_op.add_column(sa.Column("pilot_group", _TEXT(length=200), nullable=True))
        batch_op.add_column(sa.Column("alternative", _TEXT(length=64), nullable=True))
        batch_op.add_column(sa.Column("published_at", storage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("it_message", _TEXT(length=200), nullable=True))
    bind = op.get_bind()
    # Requests closed before reviews had outcomes were taken back: they are withdrawn now.
    bind.execute(sa.text("UPDATE tool_requests SET status = 'withdrawn' WHERE status = 'closed'"))
    for (row_id,) in bind.execute(sa.text("SELECT id FROM tool_requests")).fetchall():
        bind.execute(
            sa.text("UPDATE tool_requests SET ref = :ref WHERE id = :id"),
            {"ref": uuid.uuid4().hex[:12], "id": row_id},
        )
    # A replica still on the previous release inserts requests without a ref during a rolling upgrade:
    # the database makes one up rather than refuse the request.
    random_ref = (
        "substr(md5(random()::text), 1, 12)"
        if bind.dialect.name == "postgresql"
        else "lower(hex(randomblob(6)))"
    )
    with op.batch_alter_table("tool_requests", schema=None) as batch_op:
        batch_op.alter_column(
            "ref", existing_type=_TEXT(length=16), nullable=False, server_default=sa.text(f"({random_ref})")
        )
        batch_op.create_unique_constraint("uq_tool_requests_ref", ["ref"])
        batch_op.drop_index(
            "uq_tool_requests_open_tool",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.create_index(
            "uq_tool_requests_open_tool",
            ["tool_key"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
    with op.batch_alter_table("tool_requesters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("told", _TEXT(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tool_requesters", schema=None) as batch_op:
        batch_op.drop_column("told")
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE tool_requests SET status = 'open' WHERE status = 'in_review'"))
    bind.execute(sa.text("UPDATE tool_requests SET status = 'closed' WHERE status <> 'open'"))
    with op.batch_alter_table("tool_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tool_requests_open_tool", sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE)
        )
        batch_op.create_index(
            "uq_tool_requests_open_tool",
            ["tool_key"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_constraint("uq_tool_requests_ref", type_="unique")
        for column in ("it_message", "published_at", "alternative", "pilot_group", "ceiling", "note",
                       "decided_by", "decided_at", "decision", "ref"):  # fmt: skip
            batch_op.drop_column(column)
