"""One aiohttp server for every chat surface (Slack's events endpoint and Socket Mode, Teams' messages
endpoint) and the health check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import text

from bot import metrics
from bot.surface import Surface
from handlers.services import Services

if TYPE_CHECKING:
    from bot.slack.app import SlackSurface


def build_web_app(
    services: Services,
    surfaces: Sequence[Surface] = (),
    *,
    slack: SlackSurface | None = None,
    slack_app_token: str | None = None,
    teams=None,
    drain_seconds: float = 20.0,
) -> web.Application:
    """/healthz and every chat surface's endpoints and start/stop steps on one aiohttp app. `slack` and
    `teams` are shorthands for a surface each (with `slack_app_token`, Slack talks over Socket Mode)."""
    surfaces = list(surfaces)
    if slack is not None:
        if slack_app_token:
            slack.app_token = slack_app_token
        surfaces.append(slack)
    if teams is not None:
        surfaces.append(teams)
    app = web.Application()
    _log_questions_in_batches(app, services)

    async def health(_request: web.Request) -> web.Response:
        checks = {
            "knowledge_base": f"policy {services.knowledge.policy.version}",
            "database": "not configured",
        }
        for surface in surfaces:
            checks.update(surface.health())
        status = 200
        batch = services.question_batch
        if batch is not None:
            checks["question_log"] = f"{batch.pending} waiting" + (
                " for the database" if batch.failing else ""
            )
        if services.database is not None:
            try:
                await services.transaction(lambda session: session.exec(text("SELECT 1")).one())
                checks["database"] = "ok"
            except Exception as error:  # the health check reports, it must not crash
                metrics.DATABASE_ERRORS.labels("health check").inc()
                checks["database"] = f"unreachable: {error.__class__.__name__}"
                status = 503
        return web.json_response({"ok": status == 200, **checks}, status=status)

    async def prometheus(_request: web.Request) -> web.Response:
        return web.Response(body=metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE})

    app.router.add_get("/healthz", health)
    app.router.add_get("/metrics", prometheus)
    for surface in surfaces:
        surface.mount(app, drain_seconds=drain_seconds)
    return app


def _log_questions_in_batches(app: web.Application, services: Services) -> None:
    """While the server runs, asked questions are written a batch at a time (see storage.question_batch);
    what is queued at shutdown is written after the surfaces have finished their work."""
    if services.database is None or services.question_batch is not None:
        return
    from storage.question_batch import QuestionBatch

    batch = QuestionBatch(services.database, services.clock)

    async def start(_app: web.Application) -> None:
        services.question_batch = batch
        metrics.watch_question_log(lambda: batch.pending)
        batch.start()

    async def stop(_app: web.Application) -> None:
        services.question_batch = None  # a straggler logs its question itself, not into a stopped queue
        await batch.stop()

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)
