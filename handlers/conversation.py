"""What each conversation has established, so a follow-up can inherit what it does not restate.

Kept in the process's memory: a follow-up comes seconds or minutes after its question, and a context
lost to a restart only means the person restates the tool or the data. A context ends after
`TTL` of silence, and where the platform starts a new conversation (a new top-level message in a
channel gets its own thread, so its own key).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Lock

from handlers.model import Request
from knowledge.followup import Context

TTL = timedelta(minutes=30)
MAX_CONVERSATIONS = 10_000


def key_of(request: Request) -> tuple[str, str, str]:
    where = request.conversation or f"{request.address.channel}:{request.address.thread or ''}"
    return (str(request.platform), where, request.actor.user_id)


@dataclass
class Conversations:
    ttl: timedelta = TTL
    limit: int = MAX_CONVERSATIONS
    _items: OrderedDict[tuple[str, str, str], tuple[Context, datetime]] = field(default_factory=OrderedDict)
    _lock: Lock = field(default_factory=Lock)

    def get(self, request: Request, now: datetime) -> Context | None:
        key = key_of(request)
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            context, at = item
            if now - at > self.ttl or now < at - self.ttl:
                del self._items[key]
                return None
            return context

    def put(self, request: Request, context: Context, now: datetime) -> None:
        key = key_of(request)
        with self._lock:
            self._items[key] = (context, now)
            self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def forget(self, request: Request) -> None:
        with self._lock:
            self._items.pop(key_of(request), None)
