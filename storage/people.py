"""People: platform user id → display name, email, department, reminder preference."""

from __future__ import annotations

import secrets

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.db import now
from storage.models import Person

# Built once: nearly every command looks its sender up, and building the statement cost more than running it.
_BY_USER = select(Person).where(
    Person.platform == bindparam("platform"), Person.user_id == bindparam("user_id")
)


def get_person(session: Session, *, platform: str, user_id: str) -> Person | None:
    return session.execute(_BY_USER, {"platform": platform, "user_id": user_id}).scalars().first()


def upsert_person(
    session: Session,
    *,
    platform: str,
    user_id: str,
    display_name: str = "",
    email: str | None = None,
    directory_department: str | None = None,
) -> Person:
    """Find or create; names and emails follow the platform, a directory department wins over an asked one."""
    person = get_person(session, platform=platform, user_id=user_id)
    if person is None:
        person = Person(
            platform=platform,
            user_id=user_id,
            pseudonym=f"person-{secrets.token_hex(4)}",
            created_at=now(session),
        )
        try:
            with session.begin_nested():
                session.add(person)
                _refresh(person, display_name, email, directory_department)
                session.flush()
        except IntegrityError:
            # Another request created this person at the same moment: use theirs.
            person = get_person(session, platform=platform, user_id=user_id)
            assert person is not None
    if _refresh(person, display_name, email, directory_department):
        # Most commands come from someone already known and unchanged: no flush to pay for then.
        session.add(person)
        session.flush()
    return person


def _refresh(person: Person, display_name: str, email: str | None, directory_department: str | None) -> bool:
    """Bring the row up to date; True when anything changed."""
    wanted = {
        "display_name": display_name[:200] if display_name else person.display_name,
        "email": email.lower()[:320] if email else person.email,
        "department": directory_department[:120] if directory_department else person.department,
        "department_source": "directory" if directory_department else person.department_source,
    }
    changed = {k: v for k, v in wanted.items() if getattr(person, k) != v}
    for name, value in changed.items():
        setattr(person, name, value)
    return bool(changed)


def set_department(session: Session, *, person_id: int, department: str, source: str = "set") -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    person.department = department.strip()[:120]
    person.department_source = source
    session.add(person)
    session.flush()
    return person


def set_reminders(session: Session, *, person_id: int, enabled: bool) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    person.reminders = enabled
    session.add(person)
    session.flush()
    return person


def set_days_off(session: Session, *, person_id: int, days: list[str]) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    person.days_off = ",".join(days)[:40]
    session.add(person)
    session.flush()
    return person
