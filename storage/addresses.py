"""Stored addresses for proactive messages (digests): saved on every turn, reloaded after a restart."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import now
from storage.models import StoredAddress


def save_address(
    session: Session, *, platform: str, key: str, reference: dict, kind: str = "", name: str = ""
) -> StoredAddress:
    """Insert or refresh: the service URL in a reference can change, the latest one wins."""
    query = select(StoredAddress).where(StoredAddress.platform == platform, StoredAddress.key == key)
    address = session.exec(query).first()
    if address is None:
        address = StoredAddress(platform=platform, key=key[:300], updated_at=now(session))
        try:
            with session.begin_nested():
                address.reference = reference
                session.add(address)
                session.flush()
        except IntegrityError:
            address = session.exec(query).one()
    address.reference = reference
    address.kind = kind[:32] or address.kind
    address.name = name[:200] or address.name
    address.updated_at = now(session)
    session.add(address)
    session.flush()
    return address


def find_address(session: Session, *, platform: str, key: str) -> StoredAddress | None:
    query = select(StoredAddress).where(StoredAddress.platform == platform, StoredAddress.key == key)
    return session.exec(query).first()


def list_addresses(session: Session, *, platform: str) -> list[StoredAddress]:
    query = select(StoredAddress).where(StoredAddress.platform == platform).order_by(col(StoredAddress.name))
    return list(session.exec(query))


def forget_address(session: Session, *, platform: str, key: str) -> bool:
    address = find_address(session, platform=platform, key=key)
    if address is None:
        return False
    session.delete(address)
    session.flush()
    return True


def personal_conversation(session: Session, *, platform: str, user_id: str) -> str | None:
    """The key of the 1:1 chat with this person, if the bot has one (saved under their user id)."""
    query = select(StoredAddress.key).where(
        StoredAddress.platform == platform, StoredAddress.kind == "personal", StoredAddress.name == user_id
    )
    return session.exec(query).first()
