"""Commands as explicit specs in one registry; help text and routing are derived from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.model import Reply, Request

if TYPE_CHECKING:
    from handlers.services import Services

Handler = Callable[[Request, "Services"], Awaitable[Reply]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: Handler
    summary: str
    usage: str
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    admin_only: bool = False
    hidden: bool = False  # reached through buttons, not typed, so help does not list it
    accepts: Callable[[str], bool] | None = None  # when set, the command word routes here only if this holds

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class NotMine(Exception):
    """Raised by a handler the platform named (a relay) when the request is not for it after all: the
    router then reads the request's text as if no command had been named."""


class DuplicateCommandError(ValueError):
    pass


class Registry:
    """Command words are unique: a second command claiming one is refused when it registers."""

    def __init__(self) -> None:
        self._specs: dict[str, CommandSpec] = {}
        self._by_word: dict[str, CommandSpec] = {}

    def register(self, spec: CommandSpec) -> CommandSpec:
        for word in spec.words:
            if word.lower() in self._by_word:
                owner = self._by_word[word.lower()].name
                raise DuplicateCommandError(f"command word {word!r} is already taken by {owner!r}")
        self._specs[spec.name] = spec
        for word in spec.words:
            self._by_word[word.lower()] = spec
        return spec

    def get(self, word: str) -> CommandSpec | None:
        return self._by_word.get(word.lower())

    def __contains__(self, name: str) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(self._specs.values())
