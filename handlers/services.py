"""Everything a handler may use, handed over in one object so handlers do no I/O of their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handlers.model import Actor
from knowledge import Asker, KnowledgeBase


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    knowledge: KnowledgeBase
    clock: Callable[[], datetime] = _utc_now
    admins: frozenset[str] = field(default_factory=frozenset)

    def asker(self, actor: Actor) -> Asker:
        ids = {actor.user_id} | ({actor.email} if actor.email else set())
        return Asker(ids=frozenset(i for i in ids if i), groups=actor.groups)

    def is_admin(self, actor: Actor) -> bool:
        admins = {a.lower() for a in self.admins}
        return actor.user_id.lower() in admins or bool(actor.email and actor.email.lower() in admins)
