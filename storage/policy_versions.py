"""The policy versions replicas have served, so exactly one of them announces a new version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import PolicyVersion


def first_to_serve(session: Session, *, version: str, summary: dict, now: datetime) -> dict | None:
    """Records `version`. The summary of the version served before it when this call recorded it first
    (that caller announces); None when the version was known already or is the first one ever served."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PolicyVersion).values(
        version=version[:200], summary=summary, first_seen_at=now
    )
    new_id = session.execute(
        insert.on_conflict_do_nothing(index_elements=["version"]).returning(PolicyVersion.id)
    ).scalar()
    if new_id is None:
        return None
    before = session.exec(
        select(PolicyVersion.summary).where(PolicyVersion.id < new_id).order_by(col(PolicyVersion.id).desc())
    ).first()
    return before
