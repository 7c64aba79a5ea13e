"""Everything a handler may use, handed over in one object so handlers do no I/O of their own."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from handlers.conversation import Conversations
from handlers.digest_settings import DigestSettings
from handlers.model import Actor
from knowledge import Asker, KnowledgeBase

if TYPE_CHECKING:
    from sqlmodel import Session

    from knowledge.changes import Reload
    from storage.db import Database
    from storage.models import Person
    from storage.question_batch import QuestionBatch

T = TypeVar("T")
log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DirectoryEntry:
    department: str | None = None
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Directory:
    """Who is in which department and group, from the admins' people file (keyed by lower-case email)."""

    entries: dict[str, DirectoryEntry] = field(default_factory=dict)

    def lookup(self, actor: Actor) -> DirectoryEntry | None:
        return self.entries.get(actor.email.lower()) if actor.email else None


@dataclass
class Services:
    knowledge: KnowledgeBase
    database: Database | None = None
    clock: Callable[[], datetime] = _utc_now
    admins: frozenset[str] = field(default_factory=frozenset)
    directory: Directory = field(default_factory=Directory)
    store_question_text: bool = True
    escalation_target: str | None = None  # where "ask a human" goes, e.g. "#it-ai-help"; None: nowhere
    tools_url: str | None = None  # the approved-tools page, when it is served and its address is known
    # The optional language model's reader (bot.llm): `await reader.read(redacted question, kb)` gives
    # a ModelReading or None, never raises and never waits longer than its timeout.
    reader: Any = None
    digest: DigestSettings = field(default_factory=DigestSettings)
    conversations: Conversations = field(default_factory=Conversations)
    # Set by the server: questions are logged in batches. None (the CLI, most tests): one at a time.
    question_batch: QuestionBatch | None = None
    # Set by the server: read the knowledge-base files again now (the admins' `reload`); the reason is logged.
    reload_knowledge: Callable[[str], Awaitable[Reload]] | None = None
    # Set by the server: a review changed, so its requesters' notices go out now rather than at the next poll.
    reviews_changed: Callable[[], None] | None = None

    def today(self) -> date:
        return self.clock().date()

    def asker(self, actor: Actor) -> Asker:
        ids = {actor.user_id} | ({actor.email} if actor.email else set())
        groups = actor.groups
        entry = self.directory.lookup(actor)
        if entry is not None:
            # Someone the directory lists has exactly the groups it gives, so membership is known.
            groups = (groups or frozenset()) | entry.groups
        return Asker(ids=frozenset(i for i in ids if i), groups=groups)

    def is_admin(self, actor: Actor) -> bool:
        admins = {a.lower() for a in self.admins}
        return actor.user_id.lower() in admins or bool(actor.email and actor.email.lower() in admins)

    async def transaction(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one database transaction, off the event loop."""
        database = self.database
        if database is None:
            raise RuntimeError("this command needs a database, and none is configured")
        clock = self.clock

        def run() -> T:
            with database.session(clock) as session:
                return work(session)

        return await database.run(run)

    async def questions_written(self) -> None:
        """Write queued questions now, before something looks one up (a 👍, "Ask a human")."""
        if self.question_batch is not None:
            try:
                await self.question_batch.flush()
            except Exception as error:  # the queue keeps them; the lookup goes ahead with what is stored
                log.warning("questions not written before a lookup: %r", error)

    def person(self, session: Session, actor: Actor, platform: str) -> Person:
        from storage.people import upsert_person  # the database layer loads only where it is used

        entry = self.directory.lookup(actor)
        return upsert_person(
            session,
            platform=platform,
            user_id=actor.user_id,
            display_name=actor.display_name,
            email=actor.email,
            directory_department=entry.department if entry else None,
        )
