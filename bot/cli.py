"""The `aiguide` command line: ask, chat, and the knowledge-base tools for IT admins."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.console import forms, inbound, render
from bot.console.json_answer import json_answer
from bot.console.log_after import QuestionsToLog
from bot.directory import DirectoryError
from bot.explain import explain_kb, explain_question, words_json
from bot.settings import Settings, load_settings
from bot.surface import UnknownConversation
from bot.wiring import ConfigError, build_services, open_database
from handlers import ask as ask_handler
from handlers.services import Services
from knowledge import KnowledgeError, load_knowledge, schema, validate_knowledge

# The database, the command registry and the exporters are imported where a command needs them:
# `aiguide ask --json` and the `kb` commands then start without SQLAlchemy and Alembic.


def build_router():
    from handlers.commands import build_router as build

    return build()


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


def _services(knowledge: Path | None, *, with_database: bool = True) -> Services:
    with _friendly_errors(with_database=with_database):
        return build_services(load_settings(knowledge_dir=knowledge), with_database=with_database)


@contextmanager
def _friendly_errors(*, with_database: bool = True) -> Iterator[None]:
    """A broken knowledge base, directory or database URL: say what and how to fix it, no traceback."""
    if with_database:
        from sqlalchemy.exc import SQLAlchemyError
    else:  # no database, no SQLAlchemy to load (and no error of its kind to expect)

        class SQLAlchemyError(Exception):  # type: ignore[no-redef]
            pass

    try:
        yield
    except KnowledgeError as error:
        typer.secho("The knowledge base has problems:", fg="red", bold=True, err=True)
        for problem in error.problems:
            typer.echo(f"  {problem}", err=True)
        typer.echo("Fix them, then check again with: aiguide kb validate DIR", err=True)
        raise typer.Exit(1) from None
    except DirectoryError as error:
        typer.secho(f"The people directory has a problem: {error}", fg="red", err=True)
        raise typer.Exit(1) from None
    except ConfigError as error:
        typer.secho(f"The configuration has a problem: {error}", fg="red", err=True)
        raise typer.Exit(1) from None
    except SQLAlchemyError as error:
        typer.secho("Cannot open the database:", fg="red", bold=True, err=True)
        typer.echo(f"  {error.__class__.__name__}: {str(error).splitlines()[0]}", err=True)
        typer.echo("Check AIGUIDE_DATABASE_URL (unset it to use the SQLite file aiguide.db).", err=True)
        raise typer.Exit(1) from None


DataOpt = Annotated[
    str | None,
    typer.Option(
        "--data", "-d", help="The kind of information involved: a data-class id (see `aiguide kb list`)."
    ),
]


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in quotes.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also show which words were read as what.")
    ] = False,
    data: DataOpt = None,
    knowledge: KnowledgeOpt = None,
    group: GroupOpt = None,
) -> None:
    """Answer one question and exit (`--json` answers are not logged: they are for scripts and tests)."""
    actor = inbound.console_actor(group)
    request = inbound.to_request(question, actor)
    router = None if as_json else build_router()
    # A question is answered from the knowledge base alone and logged after it is shown; any other
    # command (`me`, `requests`) may read the database, which is then opened first.
    asked = router is not None and router.resolve(request)[0].name in ("ask", "clarify")
    later = QuestionsToLog() if asked else None
    services = _services(knowledge, with_database=not as_json and later is None)
    services.question_batch = later  # type: ignore[assignment]
    _check_data_class(services, data)
    if as_json:
        payload, assessment = json_answer(request, services, data_class=data)
        if explain:
            payload["explain"] = words_json(assessment)
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    reading = ask_handler.assess_request(request, services, data_class=data) if explain else None
    if data is not None:
        request = replace(request, command="clarify", text=f"{data} {question}")
    assert router is not None
    reply = asyncio.run(router.dispatch(request, services))
    console = Console()
    # One answer and done: there is no conversation in which to press a button.
    console.print(render.to_rich(replace(reply, actions=())))
    if reading is not None:
        explain_question(reading, console)
    if later is not None:
        sys.stdout.flush()
        with _friendly_errors():
            later.write(load_settings(knowledge_dir=knowledge))


def _check_data_class(services: Services, data: str | None) -> None:
    kb = services.knowledge
    if data is not None and data not in kb.data_class:
        names = ", ".join(c.id for c in kb.data_classes)
        typer.secho(
            f"--data {data!r} is not a data class of this knowledge base; use one of: {names}.",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)


@app.command()
def chat(
    knowledge: KnowledgeOpt = None,
    group: GroupOpt = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Read one question a line on standard input; print one JSON answer a line."
        ),
    ] = False,
) -> None:
    """Talk to aiguide in the terminal: ask questions, `tools`, `help`, `quit`."""
    services = _services(knowledge, with_database=not as_json)
    actor = inbound.console_actor(group)
    session = inbound.session_id()
    if as_json:
        for line in sys.stdin:
            if line.strip():
                request = inbound.to_request(line.strip(), actor, conversation=session)
                payload, _ = json_answer(request, services)
                typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    console = Console()
    router = build_router()
    kb = services.knowledge
    intro = Text("aiguide", style="bold cyan")
    intro.append(f" · {kb.policy.organization} · policy {kb.policy.version}\n", style="dim")
    intro.append("Ask whether you may use an AI tool, e.g. “can I paste a client contract into ChatGPT?”\n")
    intro.append("Type help, tools, or quit.", style="dim")
    console.print(intro)

    async def loop() -> None:
        choices: tuple = ()
        while True:
            await _show_notices(console, services, actor)
            try:
                line = console.input("[bold]you ›[/] ")
            except (EOFError, KeyboardInterrupt):
                console.print()
                return
            if line.strip().lower() in QUIT_WORDS:
                return
            if not line.strip():
                continue
            request = inbound.to_request(line, actor, conversation=session)
            picked = render.pick(choices, line)
            if picked is not None:
                request = replace(request, command=picked.command, text=picked.text)
            reply = await router.dispatch(request, services)
            choices = render.choices(reply)
            console.print(render.to_rich(reply))
            while reply.form is not None:
                values = forms.fill(console, reply.form)
                if values is None:
                    console.print(Text("Form cancelled; nothing was saved.", style="dim"))
                    break
                reply = await router.dispatch(
                    inbound.to_request("", actor, form=values, command=reply.form.command), services
                )
                console.print(render.to_rich(reply))

    asyncio.run(loop())
    console.print(Text("Bye. Ask again any time.", style="dim"))


async def _show_notices(console: Console, services: Services, actor) -> None:
    """What became of this person's tool reviews, before the next prompt: the console's direct messages."""
    if services.database is None:
        return
    from handlers import reviews

    try:
        for reply in await reviews.due_for(services, inbound.to_request("", actor)):
            console.print(render.to_rich(reply))
    except Exception as error:  # the conversation goes on; the notice waits for the next prompt
        console.print(Text(f"(could not check your tool reviews: {error.__class__.__name__})", style="dim"))


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


@kb_app.command("explain")
def kb_explain(
    directory: Annotated[
        Path | None, typer.Argument(help="Knowledge-base directory (default: the one in use).")
    ] = None,
) -> None:
    """Show how aiguide's signal catalogs land on this knowledge base's classes, use cases, rules and tools."""
    directory = directory or load_settings().knowledge_dir
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as error:
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None
    explain_kb(kb, Console(width=160))


@kb_app.command("schema")
def kb_schema() -> None:
    """Print the JSON Schema of a knowledge-base file, for editor completion."""
    typer.echo(json.dumps(schema(), indent=2))


@kb_app.command("list")
def kb_list(knowledge: KnowledgeOpt = None) -> None:
    """Show the tools as a table."""
    kb = _services(knowledge, with_database=False).knowledge
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


@kb_app.command("propose")
def kb_propose(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the draft to this file (default: print it).", dir_okay=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Draft knowledge-base YAML for tool-review decisions the knowledge base does not reflect yet."""
    from handlers.kb_proposal import propose

    if out is not None and out.exists() and not force:
        typer.echo(
            f"{out} exists: it may hold last week's entries. Choose a new file, or add --force to replace it.",
            err=True,
        )
        raise typer.Exit(1)
    services = _services(knowledge)
    with _friendly_errors():
        proposal = asyncio.run(propose(services))
    for name in proposal.reflected:
        typer.echo(f"{name}: this knowledge base already says what IT decided; the server marks it published "
                   "once it answers from it.", err=True)  # fmt: skip
    if not proposal.text:
        typer.echo("Nothing to propose: every decided tool review is in the knowledge base.", err=True)
        return
    if out is None:
        typer.echo(proposal.text, nl=False)
    else:
        out.write_text(proposal.text, encoding="utf-8")
        typer.echo(f"Wrote {out}", err=True)
    drafted = ", ".join(proposal.drafted) or "none"
    typer.echo(
        f"Drafted: {drafted}."
        + (f" Listed already, change by hand: {', '.join(proposal.changed)}." if proposal.changed else ""),
        err=True,
    )


@kb_app.command("reload")
def kb_reload(
    url: Annotated[
        str | None,
        typer.Option(help="The running server (default http://127.0.0.1:$AIGUIDE_PORT)."),
    ] = None,
) -> None:
    """Ask a running `aiguide serve` to load the knowledge-base files again now; a change with problems is
    not loaded, and they are listed."""
    import urllib.error
    import urllib.request

    settings = load_settings()
    target = (url or f"http://127.0.0.1:{settings.port}").rstrip("/") + "/admin/reload"
    headers = {"Authorization": f"Bearer {settings.admin_token}"} if settings.admin_token else {}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(target, method="POST", headers=headers), timeout=60
        ) as r:
            body = json.loads(r.read())
    except urllib.error.HTTPError as error:
        if error.code != 422:
            detail = error.read().decode(errors="replace")[:300]
            typer.echo(f"{target} answered {error.code}: {detail}", err=True)
            raise typer.Exit(2) from None
        body = json.loads(error.read())
    except (urllib.error.URLError, OSError) as error:
        typer.echo(f"No aiguide server at {target} ({error}). Is `aiguide serve` running there?", err=True)
        raise typer.Exit(2) from None
    if body["outcome"] == "rejected":
        for problem in body["problems"]:
            typer.echo(problem)
        typer.echo(f"Not loaded: policy {body['policy_version']} goes on serving.", err=True)
        raise typer.Exit(1)
    if body["outcome"] == "unchanged":
        typer.echo(f"Unchanged: policy {body['policy_version']} is serving.")
        return
    typer.echo(f"Reloaded: policy {body['previous']} -> {body['policy_version']}")
    for change in body["changes"]:
        typer.echo(f"  {change}")


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default $AIGUIDE_HOST, 0.0.0.0).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default $AIGUIDE_PORT, 3000).")] = None,
) -> None:
    """Run the chat server: Slack's /slack/events and /healthz on one port."""

    from aiohttp import web

    from bot import logs
    from bot.app_factory import create_app

    settings = load_settings(host=host, port=port)
    logs.configure(settings.log_format, settings.log_level)

    def warn(line: str) -> None:
        typer.secho(
            line,
            fg="red" if line.startswith("WARNING") else "yellow",
            bold=line.startswith("WARNING"),
            err=True,
        )

    with _friendly_errors():
        # aiohttp's own wait for open HTTP requests is longer than our drain of acknowledged answers.
        web.run_app(create_app(settings, say=typer.echo, warn=warn), host=settings.host, port=settings.port,
                    print=typer.echo, shutdown_timeout=settings.drain_seconds + 5,
                    access_log_class=logs.RefusedRequests)  # fmt: skip


manifest_app = typer.Typer(help="App manifests for the chat platforms.", no_args_is_help=True)
app.add_typer(manifest_app, name="manifest")


@manifest_app.command("slack")
def manifest_slack(
    url: Annotated[
        str | None, typer.Option(help="Public base URL of `aiguide serve`, e.g. https://aiguide.example")
    ] = None,
    socket: Annotated[bool, typer.Option("--socket", help="Socket Mode: no public URL needed.")] = False,
    workflow_steps: Annotated[
        bool,
        typer.Option(
            "--workflow-steps",
            help="Offer Workflow Builder steps (needs an org-ready app installed on an Enterprise Grid org).",
        ),
    ] = False,
    name: Annotated[str, typer.Option(help="App name shown in Slack.")] = "aiguide",
) -> None:
    """Print the Slack app manifest (JSON) to paste into "Create app from manifest"."""
    from bot.slack.manifest import slack_manifest

    if not url and not socket:
        typer.secho("Give --url https://YOUR-HOST, or --socket for Socket Mode.", fg="red", err=True)
        raise typer.Exit(2)
    if url and not url.startswith("https://"):
        typer.secho(
            "Slack only calls https:// URLs; give the public https address of aiguide.", fg="red", err=True
        )
        raise typer.Exit(2)
    manifest = slack_manifest(url, name=name, socket_mode=socket, workflow_steps=workflow_steps)
    typer.echo(json.dumps(manifest, indent=2))


@manifest_app.command("teams")
def manifest_teams(
    app_id: Annotated[str, typer.Option(help="The bot's Microsoft App ID (a GUID), e.g. from Azure Bot.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Zip file to write.", dir_okay=False)] = Path(
        "aiguide-teams.zip"
    ),
    name: Annotated[str, typer.Option(help="App name shown in Teams.")] = "aiguide",
    version: Annotated[str, typer.Option(help="Package version; raise it for every upload.")] = "1.0.0",
    website: Annotated[
        str, typer.Option(help="Your organisation's page about aiguide (https).")
    ] = "https://aiguide.example",
    public_url: Annotated[
        str | None,
        typer.Option(
            help="Where people reach aiguide serve (https; default $AIGUIDE_PUBLIC_URL): adds a personal tab "
            "with its approved-tools page."
        ),
    ] = None,
) -> None:
    """Build the Teams app package (manifest.json and two icons) to upload in Teams."""
    import re

    from bot.teams.package import app_package

    if not re.fullmatch(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", app_id
    ):
        typer.secho(
            f"{app_id!r} is not an app id; it looks like 00000000-0000-0000-0000-000000000000.",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        typer.secho("--version must look like 1.0.0.", fg="red", err=True)
        raise typer.Exit(2)
    public_url = public_url or load_settings().public_url
    if public_url and not public_url.startswith("https://"):
        typer.secho(
            "--public-url must start with https:// (Teams loads tabs over https only).", fg="red", err=True
        )
        raise typer.Exit(2)
    tools_url = f"{public_url.rstrip('/')}/tools" if public_url else None
    out.write_bytes(
        app_package(app_id, name=name, version=version, website=website.rstrip("/"), tools_url=tools_url)
    )
    typer.echo(f"Wrote {out}: upload it in Teams under Apps → Manage your apps → Upload an app.")


digest_app = typer.Typer(help="The weekly digests for leadership and IT.", no_args_is_help=True)
app.add_typer(digest_app, name="digest")


@digest_app.command("preview")
def digest_preview(
    it: Annotated[bool, typer.Option("--it", help="The IT digest instead of the leadership one.")] = False,
    week: Annotated[
        str | None, typer.Option(help="ISO week, e.g. 2026-W47 (default: the week just ended).")
    ] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="Also write the 8-week chart to this PNG file.")
    ] = None,
) -> None:
    """Show a digest in the terminal, as it would be sent."""
    from bot.chart import png as draw
    from handlers import digest

    services = _services(None)
    try:
        start, end = digest.parse_week(week) if week else digest.last_full_week(services.today())
    except ValueError as error:
        typer.secho(str(error), fg="red", err=True)
        raise typer.Exit(2) from None
    if it:
        reply = asyncio.run(digest.it_digest(services, start, end))
    else:
        reply = asyncio.run(digest.leadership(services, start, end, services.digest))
    Console().print(render.to_rich(reply))
    if png is not None and reply.chart is not None:
        png.write_bytes(draw(reply.chart))
        typer.echo(f"Chart written to {png}.")


@digest_app.command("send")
def digest_send(
    target_name: Annotated[str, typer.Argument(metavar="TARGET", help="A name from AIGUIDE_DIGEST_TARGETS.")],
    now: Annotated[bool, typer.Option("--now", help="Send it now, outside its schedule.")] = False,
) -> None:
    """Send one digest now (for admins: whoever can run this command on the server)."""
    from bot.wiring import build_surfaces, digest_targets
    from handlers import digest

    if not now:
        typer.secho("Add --now to send outside the schedule.", fg="red", err=True)
        raise typer.Exit(2)
    settings = load_settings()
    targets = {t.name: t for t in digest_targets(settings)}
    target = targets.get(target_name)
    if target is None:
        known = ", ".join(targets) or "none configured"
        typer.secho(f"No digest target {target_name!r} (known: {known}).", fg="red", err=True)
        raise typer.Exit(2)
    services = _services(None)
    with _friendly_errors():
        surface = next(
            (s for s in build_surfaces(settings, services, build_router()) if s.name == target.platform), None
        )
    if surface is None:
        typer.secho(
            f"{target.platform} is not configured, so {target_name} cannot be sent.", fg="red", err=True
        )
        raise typer.Exit(1)
    sender = surface.digest_sender()
    start, end = digest.last_full_week(services.today())

    async def send() -> str:
        if target.kind == "it":
            reply = await digest.it_digest(services, start, end)
        else:
            reply = await digest.leadership(services, start, end, services.digest)
        return await sender(target, reply, f"{target.name}:manual:{services.clock():%Y-%m-%dT%H:%M}")

    try:
        reference = asyncio.run(send())
    except UnknownConversation as error:
        typer.secho(f"{error}. Add aiguide to it in Teams, or fix the target's channel.", fg="red", err=True)
        raise typer.Exit(1) from None
    except Exception as error:
        typer.secho(f"{target_name} was not sent: {error.__class__.__name__}: {error}", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Sent {target_name} for the week of {start:%d %b} ({reference}).")


report_app = typer.Typer(
    help="Reports that employees, IT and leadership read together.", no_args_is_help=True
)
app.add_typer(report_app, name="report")


@report_app.command("alignment")
def report_alignment(
    period: Annotated[
        str | None,
        typer.Option(help="A quarter (2026-Q4) or a month (2026-11); default: this quarter so far."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the report as plain text to this file.")
    ] = None,
) -> None:
    """The alignment report: what people need help with, IT's red lines, the 90-day goals, what is
    standard and what flexible, the experiments. Leadership channels get it monthly."""
    from bot.console.render import to_plain
    from handlers import alignment, periods

    services = _services(None)
    try:
        chosen = periods.parse_period(period, services.today())
    except ValueError as error:
        typer.secho(str(error), fg="red", err=True)
        raise typer.Exit(2) from None
    with _friendly_errors():
        reply = asyncio.run(alignment.report(services, chosen))
    Console().print(render.to_rich(reply))
    if out is not None:
        out.write_text(to_plain(reply) + "\n", encoding="utf-8")
        typer.echo(f"Written to {out}.")


@app.command("demo-data")
def demo_data(
    weeks: Annotated[int, typer.Option(help="How many weeks of history to make up.")] = 13,
    force: Annotated[bool, typer.Option(help="Add it even to a database that holds real data.")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Take back everything demo-data added.")] = False,
) -> None:
    """Fill the database with a made-up quarter of wins and questions, to see a full digest at once."""
    from bot.demo import RealData, fill
    from bot.demo import remove as take_back

    services = _services(None)
    assert services.database is not None
    if remove:
        counts = take_back(services.database)
        typer.echo(
            f"Removed {counts['people']} made-up people, {counts['wins']} wins and {counts['questions']} questions."
        )
        return
    try:
        counts = fill(services.database, services.knowledge, today=services.today(), weeks=weeks, force=force)
    except RealData:
        typer.secho(
            "This database holds real people or questions; made-up ones would mix with them in the digests. "
            "Use an empty database (AIGUIDE_DATA_DIR=/tmp/demo aiguide demo-data), or --force.",
            fg="red", err=True,
        )  # fmt: skip
        raise typer.Exit(1) from None
    typer.echo(
        f"Added {counts['people']} people, {counts['wins']} wins and {counts['questions']} questions over {weeks} weeks. "
        "Try: aiguide digest preview --png digest.png. Take them back with: aiguide demo-data --remove"
    )


db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema (also done at every start)."""
    settings = load_settings()
    database = _open(settings)
    from storage.migrate import current_revision

    typer.echo(f"Database at revision {current_revision(database)} ({database.url.render_as_string()}).")


def _open(settings: Settings):
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return open_database(settings)
    except SQLAlchemyError as error:
        typer.secho(f"Cannot open the database: {str(error).splitlines()[0]}", fg="red", err=True)
        raise typer.Exit(1) from None


@app.command()
def purge(
    days: Annotated[
        int | None, typer.Option(help="Keep this many days (default: AIGUIDE_RETENTION_DAYS, 90).")
    ] = None,
) -> None:
    """Forget question texts and closed review requests older than the retention period."""
    settings = load_settings()
    keep = days or settings.retention_days
    from storage.events import forget_events
    from storage.questions import forget_question_texts
    from storage.tool_requests import purge_closed_requests

    database = _open(settings)
    cutoff = database.clock() - timedelta(days=keep)
    with database.session() as session:
        texts = forget_question_texts(session, before=cutoff)
        closed = purge_closed_requests(session, before=cutoff)
        # Platforms retry a delivery within minutes; a day of remembered event ids is plenty.
        forget_events(session, before=database.clock() - timedelta(days=1))
    typer.echo(
        f"Removed the text of {texts} question(s) and {closed} closed request(s) older than {keep} days."
    )


class ExportKind(StrEnum):
    wins = "wins"
    questions = "questions"
    requests = "requests"


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _exports(kind: ExportKind):
    from storage import exports

    return {
        ExportKind.wins: (exports.WIN_COLUMNS, exports.win_rows),
        ExportKind.questions: (exports.QUESTION_COLUMNS, exports.question_rows),
        ExportKind.requests: (exports.REQUEST_COLUMNS, exports.request_rows),
    }[kind]


@app.command()
def export(
    kind: Annotated[ExportKind, typer.Argument(help="What to export.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write.", dir_okay=False)],
    since: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default: 90 days ago).")] = None,
    fmt: Annotated[
        ExportFormat | None, typer.Option("--format", help="csv or xlsx (default: from --out).")
    ] = None,
) -> None:
    """Export wins, questions or review requests for a spreadsheet; people are named only with consent."""
    database = _open(load_settings())
    try:
        first = date.fromisoformat(since) if since else database.clock().date() - timedelta(days=90)
    except ValueError:
        typer.secho(
            f"--since {since!r} is not a date; use YYYY-MM-DD, e.g. --since 2026-09-01.", fg="red", err=True
        )
        raise typer.Exit(2) from None
    chosen = fmt or (ExportFormat.xlsx if out.suffix.lower() == ".xlsx" else ExportFormat.csv)
    from bot import export as exporting

    columns, rows_of = _exports(kind)
    with database.session() as session:
        rows = rows_of(session, since=first)
    if chosen == ExportFormat.xlsx:
        with _friendly_errors(with_database=False):
            kb = load_knowledge(load_settings().knowledge_dir)
        until = database.clock().date()
        exporting.write_xlsx(out, str(kind), rows, kb=kb, since=first, until=until)
    else:
        exporting.write_csv(out, columns, rows)
    typer.echo(f"Wrote {len(rows)} {kind} row(s) since {first.isoformat()} to {out}.")


def main() -> None:
    app()
