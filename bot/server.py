"""One aiohttp server for every chat surface (Slack's events endpoint and Socket Mode, Teams' messages
endpoint) and the health check."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import text

from bot import metrics
from bot.surface import Surface
from handlers.services import Services

if TYPE_CHECKING:
    from bot.kb_reload import KnowledgeReloader
    from bot.slack.app import SlackSurface


HEALTH_WAIT = 2.0  # seconds the database check may take; a hung database is reported, not waited for


def build_web_app(
    services: Services,
    surfaces: Sequence[Surface] = (),
    *,
    slack: SlackSurface | None = None,
    slack_app_token: str | None = None,
    teams=None,
    drain_seconds: float = 20.0,
    reloader: KnowledgeReloader | None = None,
    admin_token: str | None = None,
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

    state = {"serving": False}  # True from start-up until shutdown begins (then no new traffic is wanted)

    async def checks() -> dict[str, object]:
        kb = services.knowledge
        found: dict[str, object] = {
            "policy_version": kb.policy.version,
            "knowledge_base": f"policy {kb.policy.version}",
            "database": "not configured",
        }
        reader = services.reader
        found["language_model"] = reader.health() if reader is not None else {"enabled": False}
        if reloader is not None:
            found.update(reloader.health())
        for surface in surfaces:
            found.update(surface.health())
        batch = services.question_batch
        if batch is not None:
            found["question_log"] = f"{batch.pending} waiting" + (
                " for the database" if batch.failing else ""
            )
        if services.database is not None:
            try:
                await asyncio.wait_for(
                    services.transaction(lambda session: session.exec(text("SELECT 1")).one()), HEALTH_WAIT
                )
                found["database"] = "ok"
            except Exception as error:  # the health check reports, it must not crash
                metrics.DATABASE_ERRORS.labels("health check").inc()
                found["database"] = f"unreachable: {error.__class__.__name__}"
        return found

    async def health(_request: web.Request) -> web.Response:
        """Liveness: the process answers. A database outage is reported, and answers still go out."""
        found = await checks()
        degraded = found["database"] not in ("ok", "not configured")
        return web.json_response({"status": "degraded" if degraded else "ok", "ok": not degraded, **found})

    async def ready(_request: web.Request) -> web.Response:
        """Readiness: the knowledge base is loaded and every surface can take requests; a stopping server
        is not ready, so that a load balancer sends new requests elsewhere while it drains."""
        found = await checks()
        waiting = [s.name for s in surfaces if not s.ready()]
        is_ready = state["serving"] and not waiting
        found["surfaces"] = ", ".join(s.name for s in surfaces) or "none"
        if waiting:
            found["not_ready"] = ", ".join(waiting)
        if not state["serving"]:
            found["not_ready"] = "stopping"
        return web.json_response({"status": "ready" if is_ready else "not ready", **found},
                                 status=200 if is_ready else 503)  # fmt: skip

    async def serving(_app: web.Application) -> None:
        state["serving"] = True

    async def stopping(_app: web.Application) -> None:
        state["serving"] = False

    app.on_startup.append(serving)
    app.on_shutdown.insert(0, stopping)

    async def prometheus(_request: web.Request) -> web.Response:
        return web.Response(body=metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE})

    app.router.add_get("/healthz", health)
    app.router.add_get("/readyz", ready)
    app.router.add_get("/metrics", prometheus)
    if reloader is not None:
        _reloads(app, reloader, admin_token)
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


def _reloads(app: web.Application, reloader: KnowledgeReloader, admin_token: str | None) -> None:
    """The watcher runs while the server does; POST /admin/reload (what `aiguide kb reload` calls) reloads
    now, for the holder of AIGUIDE_ADMIN_TOKEN or, without one, for a caller on this machine."""

    async def start(_app: web.Application) -> None:
        reloader.start_watching()
        reloader.announce_in_background()  # a slow database must not hold back start-up

    async def stop(_app: web.Application) -> None:
        await reloader.finish()

    async def reload(request: web.Request) -> web.Response:
        if not _may_reload(request, admin_token):
            return web.json_response(
                {
                    "error": "send `Authorization: Bearer` with AIGUIDE_ADMIN_TOKEN, or call from the same machine"
                },
                status=403,
            )
        result = await reloader.reload("POST /admin/reload")
        body = {"outcome": result.outcome, "policy_version": result.version, "previous": result.previous,
                "changes": list(result.changes), "problems": list(result.problems)}  # fmt: skip
        return web.json_response(body, status=422 if result.outcome == "rejected" else 200)

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
    app.router.add_post("/admin/reload", reload)


LOOPBACK = ("127.0.0.1", "::1")


def _may_reload(request: web.Request, admin_token: str | None) -> bool:
    import hmac

    if admin_token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), admin_token.encode())
    # A proxy in front forwards from its own address; what it forwards carries the header.
    return request.remote in LOOPBACK and "X-Forwarded-For" not in request.headers
