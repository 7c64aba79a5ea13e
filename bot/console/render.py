"""Reply → terminal: rich renderables for people, plain text for `--json` and pipes.

User and knowledge-base text goes into rich `Text` objects, never into markup strings, so a
question containing "[bold]" or "[link=...]" prints as typed.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.icons import STATUS_ICON
from handlers.model import Reply, Section, Status

ICON = {status: icon + (" " if status == Status.CONDITIONAL else "") for status, icon in STATUS_ICON.items()}
COLOUR = {
    Status.ALLOWED: "green",
    Status.CONDITIONAL: "yellow",
    Status.NOT_ALLOWED: "red",
    Status.UNKNOWN_TOOL: "magenta",
    Status.INFO: "cyan",
    Status.SUCCESS: "green",
    Status.ERROR: "red",
}


def _typeable(reply: Reply) -> list[str]:
    """Buttons as the words to type; ones that carry an internal reference (rating an answer) are for
    platforms with real buttons, not for typing."""
    words = [f"{a.command} {a.text}".strip() for a in reply.actions]
    return [w for w in words if len(w) <= 40]


def to_plain(reply: Reply) -> str:
    lines = [f"{ICON[reply.status]} {reply.headline}"]
    for section in reply.sections:
        lines.append("")
        lines.extend(_plain_section(section))
    if _typeable(reply):
        lines.append("")
        lines.append("Next: " + " | ".join(_typeable(reply)))
    if reply.footer:
        lines += ["", reply.footer]
    return "\n".join(lines)


def _plain_section(section: Section) -> list[str]:
    lines = []
    if section.title:
        lines.append(section.title)
    indent = "  " if section.title else ""
    if section.text:
        lines.append(indent + section.text)
    lines += [f"{indent}• {b}" for b in section.bullets]
    lines += [f"{indent}{f.label}: {f.value}" for f in section.facts]
    return lines


def to_rich(reply: Reply) -> RenderableType:
    colour = COLOUR[reply.status]
    parts: list[RenderableType] = []
    for section in reply.sections:
        parts.append(_rich_section(section))
    if _typeable(reply):
        hint = Text("Next: ", style="dim")
        hint.append(" | ".join(_typeable(reply)), style="bold")
        parts.append(hint)
    if reply.footer:
        parts.append(Text(reply.footer, style="dim"))
    headline = Text(f"{ICON[reply.status]} ")
    headline.append(reply.headline, style=f"bold {colour}")
    return Panel(Group(headline, Text(""), *parts), border_style=colour)


def _rich_section(section: Section) -> RenderableType:
    body: list[RenderableType] = []
    if section.title:
        body.append(Text(section.title, style="bold"))
    if section.text:
        body.append(Padding(Text(section.text), (0, 0, 0, 2)))
    for bullet in section.bullets:
        body.append(Padding(Text(f"• {bullet}"), (0, 0, 0, 2)))
    if section.facts:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold dim", no_wrap=True)
        table.add_column()
        for fact in section.facts:
            table.add_row(Text(fact.label), Text(fact.value))
        body.append(Padding(table, (0, 0, 0, 2)))
    return Padding(Group(*body), (0, 0, 1, 0))
