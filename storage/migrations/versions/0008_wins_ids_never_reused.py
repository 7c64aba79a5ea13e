"""wins ids never reused on SQLite

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Undo, edit and outcome buttons name a win by its id. SQLite hands a deleted row's id to the next
    # row unless the table is AUTOINCREMENT, so an old Undo button would delete someone's new win.
    # PostgreSQL's sequences never reuse a value. No table refers to wins, so the copy is safe.
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("wins", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("wins", recreate="always"):
            pass
