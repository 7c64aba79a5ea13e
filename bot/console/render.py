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
from handlers.model import Action, Reply, Section, Status

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


def choices(reply: Reply) -> tuple[Action, ...]:
    """The buttons shown as numbered choices (a clarifying question's kinds of information)."""
    return tuple(a for a in reply.actions if a.command == "clarify")


def pick(offered: tuple[Action, ...], line: str) -> Action | None:
    """The choice a typed number picks, if the last answer offered numbered choices."""
    text = line.strip().rstrip(".)")
    if offered and text.isdigit() and 1 <= int(text) <= len(offered):
        return offered[int(text) - 1]
    return None


def _typeable(reply: Reply) -> list[str]:
    """Buttons as the words to type; ones that carry an internal reference (rating an answer) are for
    platforms with real buttons, not for typing."""
    words = [f"{a.command} {a.text}".strip() for a in reply.actions if a.command != "clarify"]
    return [w for w in words if len(w) <= 40]


def _numbered(reply: Reply) -> list[str]:
    return [f"  {i}. {a.label}" for i, a in enumerate(choices(reply), start=1)]


def to_plain(reply: Reply) -> str:
    lines = [f"{ICON[reply.status]} {reply.headline}"]
    for section in reply.sections:
        lines.append("")
        lines.extend(_plain_section(section))
    if reply.chart is not None:
        lines += ["", reply.chart.as_text()]
    if choices(reply):
        lines += ["", "Type the number of your answer:", *_numbered(reply)]
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
    if reply.chart is not None:
        parts.append(Text(reply.chart.as_text(), style="dim"))
    if choices(reply):
        parts.append(Text("\n".join(["Type the number of your answer:", *_numbered(reply)]), style="bold"))
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
