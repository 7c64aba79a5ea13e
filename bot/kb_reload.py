"""Live policy reloads: the server watches the knowledge-base files and swaps a valid change in whole.

A change is loaded and indexed off the event loop, then `services.knowledge` is replaced in one
assignment, so a request sees the old policy or the new one, never a mix. A change with problems is
rejected: its file:line problems are logged, posted to IT once (however many replicas see it), and the
last good policy goes on answering. The replica that first serves a new version announces what changed
to the configured channels; the previous version's summary comes from the database, so a restart with
new files is announced as well as a reload.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from bot import metrics
from bot.background import cancel
from handlers import policy_news
from handlers.model import Reply
from handlers.services import Services
from knowledge import EXAMPLE_DIR, KnowledgeBase, KnowledgeError, load_knowledge
from knowledge.changes import Reload, describe, summary

log = logging.getLogger(__name__)

Post = Callable[[Reply, str], Awaitable[None]]  # posts a message with its once-only key


def fingerprint(directory: Path) -> str:
    """What the loader reads, hashed: every *.yaml and *.yml file's name and bytes (a Kubernetes
    ConfigMap's symbolic links are followed, so its atomic swap shows as one change)."""
    digest = hashlib.sha256()
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as error:  # a file being replaced; the next look sees the new one
            digest.update(repr(error).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _load(directory: Path) -> KnowledgeBase:
    kb = load_knowledge(directory)
    _ = kb.indexes  # built here, off the event loop, not by the first question after the swap
    return kb


class KnowledgeReloader:
    def __init__(self, services: Services, directory: Path | None, *, watch_seconds: float = 10.0):
        self.services = services
        self.directory = Path(directory) if directory is not None else EXAMPLE_DIR
        self.watch_seconds = watch_seconds
        self.loaded_at: datetime = services.clock()
        self.problems: tuple[str, ...] = ()  # of the last change that was rejected, until one loads
        self.announce: list[Post] = []  # to the channels that hear about new versions
        self.tell_it: list[Post] = []  # to IT, for changes that were not loaded
        self._loaded = fingerprint(self.directory)
        self._seen = self._loaded
        self._lock = asyncio.Lock()
        self._watching: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        metrics.KNOWLEDGE_VERSION.labels(services.knowledge.policy.version).set(1)

    def health(self) -> dict[str, object]:
        return {
            "knowledge_loaded_at": self.loaded_at.isoformat(),
            "knowledge_errors": list(self.problems),
        }

    async def reload(self, reason: str) -> Reload:
        async with self._lock:
            return await self._reload(reason)

    async def _reload(self, reason: str) -> Reload:
        old = self.services.knowledge
        seen = await asyncio.to_thread(fingerprint, self.directory)
        self._seen = seen
        if seen == self._loaded:
            metrics.KNOWLEDGE_RELOADS.labels("unchanged").inc()
            return Reload("unchanged", old.policy.version, old.policy.version)
        started = time.monotonic()
        try:
            kb = await asyncio.to_thread(_load, self.directory)
        except KnowledgeError as error:
            return await self._rejected(old, seen, tuple(self._where(p) for p in error.problems), reason)
        except (OSError, ValueError) as error:
            return await self._rejected(old, seen, (f"{self.directory}: {error}",), reason)
        changes = tuple(describe(summary(old), summary(kb)))
        previous = old.policy.version
        self.services.knowledge = kb
        self._loaded, self.problems, self.loaded_at = seen, (), self.services.clock()
        del old
        _release()
        metrics.KNOWLEDGE_RELOADS.labels("changed").inc()
        metrics.KNOWLEDGE_PROBLEMS.set(0)
        metrics.KNOWLEDGE_VERSION.clear()
        metrics.KNOWLEDGE_VERSION.labels(kb.policy.version).set(1)
        log.info(
            "knowledge base reloaded (%s): policy %s -> %s, %d change(s), %.2f s",
            reason, previous, kb.policy.version, len(changes), time.monotonic() - started,
        )  # fmt: skip
        if kb.policy.version == previous and changes:
            log.warning(
                "the knowledge base changed but its policy version is still %s; raise `version` so answers "
                "show which policy they rest on", kb.policy.version,
            )  # fmt: skip
        # In the background: a slow chat platform must hold back neither the caller nor the next reload.
        self.announce_in_background()
        return Reload("changed", kb.policy.version, previous, changes)

    def _where(self, problem) -> str:
        # Paths relative to the knowledge-base directory: what IT sees in its repository, not the mount point.
        name = Path(problem.file).name if problem.file != str(self.directory) else str(problem.file)
        return f"{name}:{problem.line}: {problem.message}"

    async def _rejected(
        self, old: KnowledgeBase, seen: str, problems: tuple[str, ...], reason: str
    ) -> Reload:
        self.problems = problems
        metrics.KNOWLEDGE_RELOADS.labels("rejected").inc()
        metrics.KNOWLEDGE_PROBLEMS.set(len(problems))
        log.error(
            "knowledge base change not loaded (%s); policy %s goes on serving. Problems:\n%s",
            reason, old.policy.version, "\n".join(problems),
        )  # fmt: skip
        self._background(self._tell_it(old, seen, problems))
        return Reload("rejected", old.policy.version, old.policy.version, problems=problems)

    async def _tell_it(self, old: KnowledgeBase, seen: str, problems: tuple[str, ...]) -> None:
        if await self._first(f"kb-rejected:{seen[:32]}"):
            await self._post(self.tell_it, policy_news.rejected(old, problems), f"kb-rejected:{seen[:16]}")

    def announce_in_background(self) -> None:
        self._background(self.announce_if_new())

    def _background(self, work) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def finish(self, timeout: float = 10.0) -> None:
        """At shutdown: stop watching, and give messages being posted a few seconds to go out."""
        await self.stop_watching()
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                log.warning("policy message not posted before shutdown")
                task.cancel()

    async def announce_if_new(self) -> None:
        """Record the serving version; announce it when this replica is the first to serve it."""
        kb = self.services.knowledge
        if self.services.database is None:
            return
        from storage.policy_versions import first_to_serve

        now = self.services.clock()
        try:
            previous = await self.services.transaction(
                lambda session: first_to_serve(
                    session, version=kb.policy.version, summary=summary(kb), now=now
                )
            )
        except Exception as error:  # an outage must not stop a reload; this version is announced by no one
            metrics.DATABASE_ERRORS.labels("policy version").inc()
            log.warning("policy %s not recorded, so not announced: %r", kb.policy.version, error)
            return
        if previous is None:
            return
        changes = describe(previous, summary(kb))
        if changes:
            reply = policy_news.announcement(kb, str(previous.get("version", "?")), changes)
            await self._post(self.announce, reply, f"policy:{kb.policy.version}"[:100])

    async def _first(self, key: str) -> bool:
        if self.services.database is None:
            return True
        from storage.events import first_delivery

        try:
            return await self.services.transaction(lambda session: first_delivery(session, key=key))
        except Exception as error:  # better twice than never
            log.warning("could not check whether IT was told already: %r", error)
            return True

    async def _post(self, posts: list[Post], reply: Reply, key: str) -> None:
        for post in posts:
            try:
                await post(reply, key)
            except Exception as error:  # logged and counted; the reload itself stands
                log.error("policy message %s not posted: %r", key, error)

    def start_watching(self) -> None:
        if self.watch_seconds > 0 and self._watching is None:
            self._watching = asyncio.get_running_loop().create_task(self._watch())

    async def stop_watching(self) -> None:
        await cancel(self._watching)
        self._watching = None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.watch_seconds)
            try:
                now = await asyncio.to_thread(fingerprint, self.directory)
                if now == self._seen:
                    continue
                # Editors and `git checkout` write files one after another: wait until they are still.
                await asyncio.sleep(min(1.0, self.watch_seconds))
                if await asyncio.to_thread(fingerprint, self.directory) != now:
                    continue
                await self.reload("the files changed")
            except asyncio.CancelledError:
                raise
            except Exception:  # the watcher must outlive any one bad look at the files
                log.exception("knowledge-base watcher")


def _release() -> None:
    # The indexes were frozen out of the cycle collector when built (knowledge.base); thaw them so the
    # replaced policy's are freed, then freeze what stays.
    gc.unfreeze()
    gc.collect()
    gc.freeze()
