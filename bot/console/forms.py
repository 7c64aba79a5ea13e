"""Fills a Reply's form in the terminal, one prompt per field, for `win` without text."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from handlers.model import Form, FormField

CANCEL = {"cancel", "quit", "exit"}


def fill(console: Console, form: Form) -> dict[str, str] | None:
    """The values typed, or None when the person cancels. Enter keeps the shown value."""
    console.print(Text(f"{form.title} (Enter skips a field, 'cancel' stops)", style="bold"))
    values: dict[str, str] = dict(form.hidden)
    for field in form.fields:
        answer = _ask(console, field)
        if answer is None:
            return None
        values[field.name] = answer
    return values


def _ask(console: Console, field: FormField) -> str | None:
    if field.error:
        console.print(Text(f"  ⚠ {field.error}", style="red"))
    if field.kind == "choice":
        for number, (_, label) in enumerate(field.choices, start=1):
            console.print(Text(f"    {number}. {label}", style="dim"))
    label = field.label + (" *" if field.required else "")
    if field.hint:
        label += f" ({field.hint})"
    if field.kind == "checkbox":
        label += " [y/N]"
    current = f" [{field.value}]" if field.value else ""
    try:
        typed = console.input(Text(f"  {label}{current}: ").markup).strip()
    except (EOFError, KeyboardInterrupt):
        return None
    if typed.lower() in CANCEL:
        return None
    if not typed:
        return field.value
    if field.kind == "checkbox":
        return "true" if typed.lower() in ("y", "yes", "true", "1", "on") else "false"
    if field.kind == "choice":
        return _choice(field, typed)
    return typed


def _choice(field: FormField, typed: str) -> str:
    if typed.isdigit() and 1 <= int(typed) <= len(field.choices):
        return field.choices[int(typed) - 1][0]
    for value, label in field.choices:
        if typed.lower() in (value.lower(), label.lower()):
            return value
    return typed  # the handler says what is wrong and asks again
