"""The neutral values every surface translates to and from: Request in, Reply out.

Everything inside a Reply is plain text; each platform's renderer escapes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType


class Platform(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    TEAMS = "teams"
    SCHEDULER = "scheduler"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    display_name: str = ""
    email: str | None = None
    department: str | None = None
    groups: frozenset[str] | None = None  # None: not known


@dataclass(frozen=True, slots=True)
class Address:
    """Where a reply goes. Opaque to handlers; storable so digests can reach it later."""

    platform: Platform
    channel: str
    thread: str | None = None
    workspace: str | None = None


_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Request:
    platform: Platform
    actor: Actor
    address: Address
    text: str = ""  # the user's words, mention removed, unescaped
    command: str | None = None  # set when the platform says which command (a slash command, a button)
    form: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    request_id: str = ""
    # Which conversation a follow-up continues (a DM, a thread, a console session); "" lets handlers
    # fall back to the address. Set by the platform's inbound translator.
    conversation: str = ""
    # When the platform says the person wrote it; None when it does not. Stored times come from the
    # clock in Services instead, so that one clock governs what is recorded.
    received_at: datetime | None = None


class Status(StrEnum):
    ALLOWED = "allowed"
    CONDITIONAL = "conditional"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_TOOL = "unknown_tool"
    INFO = "info"
    SUCCESS = "success"
    ERROR = "error"


class Visibility(StrEnum):
    PRIVATE = "private"  # only the asker sees it
    PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    title: str = ""
    text: str = ""
    bullets: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class Action:
    """A button that runs a registered command with `text` as its argument."""

    label: str
    command: str
    text: str = ""
    style: str = "default"  # "primary" | "danger" | "default"


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    kind: str = "text"  # "text" | "long_text" | "number" | "choice" | "checkbox"
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    required: bool = False
    value: str = ""
    error: str = ""
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    command: str  # the command the submitted values go to
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"
    # Values sent back with the submission but not shown: which item the form is about.
    hidden: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Chart:
    """A stacked bar chart as data; each surface draws it its own way (a PNG, a card, text)."""

    title: str
    categories: tuple[str, ...]  # x axis labels
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (name, one value per category), stacked
    unit: str = ""

    def totals(self) -> tuple[float, ...]:
        """The height of each stacked bar."""
        return tuple(sum(values[i] for _, values in self.series) for i in range(len(self.categories)))

    def as_text(self) -> str:
        """One line a reader without the picture can still read: every bar with its label."""
        unit = f" {self.unit[:1]}" if self.unit else ""
        return f"{self.title}: " + " · ".join(
            f"{label} {value:,.1f}{unit}" for label, value in zip(self.categories, self.totals(), strict=True)
        )


@dataclass(frozen=True, slots=True)
class Reply:
    status: Status
    headline: str  # one line; doubles as the notification text
    sections: tuple[Section, ...] = ()
    actions: tuple[Action, ...] = ()
    form: Form | None = None
    visibility: Visibility = Visibility.PRIVATE
    footer: str = ""
    escalation: Reply | None = None  # a message for the humans behind aiguide (the IT channel)
    # With `escalation`: the question it passes on, so that a failed post to IT can be taken back
    # (`handlers.feedback.escalation_failed`) and the person told the truth.
    escalated_question: int | None = None
    chart: Chart | None = None
    # On IT's card for a review: the review's ref, so the surface can record where the card went.
    review_card: str = ""
    # A message posted earlier to change now, as (where it was posted, what it shows now): IT's card
    # once the review is decided, so its buttons cannot be pressed again.
    update: tuple[str, Reply] | None = None
    # What the request changed, for the server's counters: "win_logged" when a new win was stored.
    stored: str = ""
