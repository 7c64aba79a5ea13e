"""The `aiguide` command line: ask, chat, and the knowledge-base tools for IT admins."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.console import inbound, render
from bot.settings import load_settings
from bot.wiring import build_services
from handlers import ask as ask_handler
from handlers.commands import build_router
from handlers.services import Services
from knowledge import KnowledgeError, load_knowledge, schema, validate_knowledge

app = typer.Typer(
    name="aiguide",
    help="Which AI tools may I use, for what, and with which data? Answers from your approved-tools list.",
    no_args_is_help=True,
    add_completion=False,
)
kb_app = typer.Typer(help="Check and inspect a knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

KnowledgeOpt = Annotated[
    Path | None,
    typer.Option(
        "--knowledge",
        "-k",
        help="Knowledge-base directory (default: $AIGUIDE_KNOWLEDGE_DIR, else the bundled example).",
        file_okay=False,
    ),
]
GroupOpt = Annotated[
    str | None, typer.Option("--group", "-g", help="A group you belong to, e.g. engineering.")
]
QUIT_WORDS = {"quit", "exit", "bye", "q", ":q"}


def _services(knowledge: Path | None) -> Services:
    try:
        return build_services(load_settings(knowledge_dir=knowledge))
    except KnowledgeError as error:
        typer.secho("The knowledge base has problems:", fg="red", bold=True, err=True)
        for problem in error.problems:
            typer.echo(f"  {problem}", err=True)
        typer.echo("Fix them, then check again with: aiguide kb validate DIR", err=True)
        raise typer.Exit(1) from None


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")] = False,
    knowledge: KnowledgeOpt = None,
    group: GroupOpt = None,
) -> None:
    """Answer one question and exit."""
    services = _services(knowledge)
    actor = inbound.console_actor(group)
    request = inbound.to_request(question, actor)
    if as_json:
        assessment = ask_handler.assess_request(request, services)
        reply = ask_handler.reply_for(assessment, services.knowledge)
        payload = ask_handler.answer_json(assessment, render.to_plain(reply))
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    reply = asyncio.run(build_router().dispatch(request, services))
    Console().print(render.to_rich(reply))


@app.command()
def chat(knowledge: KnowledgeOpt = None, group: GroupOpt = None) -> None:
    """Talk to aiguide in the terminal: ask questions, `tools`, `help`, `quit`."""
    services = _services(knowledge)
    console = Console()
    router = build_router()
    actor = inbound.console_actor(group)
    kb = services.knowledge
    intro = Text("aiguide", style="bold cyan")
    intro.append(f" · {kb.policy.organization} · policy {kb.policy.version}\n", style="dim")
    intro.append("Ask whether you may use an AI tool, e.g. “can I paste a client contract into ChatGPT?”\n")
    intro.append("Type help, tools, or quit.", style="dim")
    console.print(intro)

    async def loop() -> None:
        while True:
            try:
                line = console.input("[bold]you ›[/] ")
            except (EOFError, KeyboardInterrupt):
                console.print()
                return
            if line.strip().lower() in QUIT_WORDS:
                return
            if not line.strip():
                continue
            reply = await router.dispatch(inbound.to_request(line, actor), services)
            console.print(render.to_rich(reply))

    asyncio.run(loop())
    console.print(Text("Bye. Ask again any time.", style="dim"))


@kb_app.command("validate")
def kb_validate(
    directory: Annotated[
        Path | None, typer.Argument(help="Directory to check (default: the one in use).")
    ] = None,
) -> None:
    """Check a knowledge base and print every problem as file:line: message."""
    directory = directory or load_settings().knowledge_dir
    problems = validate_knowledge(directory)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    kb = load_knowledge(directory)
    typer.echo(
        f"OK: {len(kb.tools)} tools, {len(kb.data_classes)} data classes, {len(kb.use_cases)} use cases, "
        f"{len(kb.rules)} rules (policy {kb.policy.version}, {kb.source})."
    )


@kb_app.command("schema")
def kb_schema() -> None:
    """Print the JSON Schema of a knowledge-base file, for editor completion."""
    typer.echo(json.dumps(schema(), indent=2))


@kb_app.command("list")
def kb_list(knowledge: KnowledgeOpt = None) -> None:
    """Show the tools as a table."""
    kb = _services(knowledge).knowledge
    table = Table(title=f"{kb.policy.organization} · policy {kb.policy.version}")
    for column in ("id", "name", "status", "max data", "available to", "aliases"):
        table.add_column(column)
    for tool in kb.tools:
        audience = "everyone" if tool.available_to == "everyone" else ", ".join(tool.available_to)
        table.add_row(
            *(
                Text(v)
                for v in (tool.id, tool.name, tool.status, tool.max_data, audience, ", ".join(tool.aliases))
            )
        )
    Console().print(table)


def main() -> None:
    app()
