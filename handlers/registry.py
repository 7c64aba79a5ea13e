"""Commands as explicit specs in one registry; help text and routing are derived from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from handlers.model import Reply, Request

if TYPE_CHECKING:
    from handlers.services import Services

Handler = Callable[[Request, "Services"], Awaitable[Reply]]


@dataclass(frozen=True)
class Menu:
    """How a command is offered in the platforms' own command menus: Slack's slash commands (when `slash`
    is set) and the Teams command list (when `teams`)."""

    description: str  # one line, as the menus show it
    hint: str = ""  # what follows the command word, as Slack's usage hint shows it
    slash: str | None = None
    teams: bool = True
    # The slash command's text is read like a message, so it may start with any command word
    # (`/aiguide help`); otherwise it is this command's arguments.
    reads_any_command: bool = False


@dataclass(frozen=True)
class Shortcut:
    """A Slack shortcut running this command: from a message (its text is the command's text) or from
    anywhere (the command without text, which opens its form)."""

    kind: Literal["message", "global"]
    callback_id: str
    name: str
    description: str


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
    form_title: str | None = None  # set when the command without text opens a form, titled so
    menu: Menu | None = None
    shortcuts: tuple[Shortcut, ...] = ()

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
        slash = spec.menu.slash if spec.menu else None
        if slash and slash in self.slash_commands():
            raise DuplicateCommandError(f"slash command {slash} is already taken")
        for shortcut in spec.shortcuts:
            if self.shortcut(shortcut.callback_id) is not None:
                raise DuplicateCommandError(f"shortcut {shortcut.callback_id!r} is already taken")
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

    def slash_commands(self) -> dict[str, str | None]:
        """Slack's slash commands and the command each runs (None: the text is routed like a message)."""
        return {
            spec.menu.slash: None if spec.menu.reads_any_command else spec.name
            for spec in self
            if spec.menu is not None and spec.menu.slash
        }

    def shortcut(self, callback_id: str) -> tuple[CommandSpec, Shortcut] | None:
        for spec in self:
            for shortcut in spec.shortcuts:
                if shortcut.callback_id == callback_id:
                    return spec, shortcut
        return None
