"""The composition root of `aiguide serve`: services, chat surfaces, clocks and the web app, built in one
place and inside the running event loop.

Slack's Socket Mode client, aiohttp sessions and botbuilder's adapters bind to the loop they are made
in; building them before `web.run_app` starts its loop is what made Socket Mode fail at start-up.
`aiguide serve`, the tests and the benchmarks all start the server through `create_app`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from bot import llm
from bot.settings import Settings
from handlers.commands import build_router, load_handlers

log = logging.getLogger(__name__)

Say = Callable[[str], None]
SERVICES = web.AppKey("services", object)


async def create_app(
    settings: Settings, *, say: Say | None = None, warn: Say | None = None
) -> web.Application:
    """The whole server. `say` and `warn` print the start-up summary (the CLI passes its console)."""
    from bot.kb_reload import KnowledgeReloader
    from bot.review_notices import OverdueReviews
    from bot.scheduler import DigestScheduler, NudgeScheduler, start_ticking
    from bot.server import build_web_app
    from bot.wiring import build_services, build_surfaces, digest_targets

    say = say or log.info
    warn = warn or log.warning
    services = build_services(settings)
    load_handlers()  # a first win or vote must not wait on an import on the event loop
    surfaces = build_surfaces(settings, services, build_router())
    names = {s.name for s in surfaces}
    if "slack" not in names:
        warn(
            "Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)."
        )
    else:
        if settings.slack_signing_secret:
            say("Slack: POST /slack/events")
        if settings.slack_app_token:
            say("Slack: Socket Mode")
    if "teams" not in names:
        warn("Teams is off: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD to turn it on.")
    else:
        say("Teams: POST /api/messages")
        if settings.teams_dev_mode and not settings.microsoft_app_id:
            warn(
                "WARNING: Teams DEV MODE: /api/messages accepts unauthenticated requests and replies to any "
                "serviceUrl a caller names. Use it only with the Bot Framework Emulator on your own machine."
            )
    model = llm.describe(settings)
    if model["enabled"]:
        say(f"Language model: {model['model']} at {model['endpoint']} reads questions (sent: {model['sent']}); "
            f"answers never wait more than {model['timeout_seconds']:g} s for it.")  # fmt: skip
    else:
        say("Language model: off (no question leaves aiguide; AIGUIDE_LLM_BASE_URL turns it on).")
    reloader = KnowledgeReloader(
        services, settings.knowledge_dir, watch_seconds=settings.knowledge_watch_seconds
    )
    services.reload_knowledge = reloader.reload
    web_app = build_web_app(
        services,
        surfaces,
        drain_seconds=settings.drain_seconds,
        reloader=reloader,
        admin_token=settings.admin_token,
    )
    _pending_answers(web_app, services, surfaces)
    if settings.tools_page:
        from bot.web import tools_page

        tools_page.mount(web_app, services)
        where = services.tools_url or "/tools on this server (set AIGUIDE_PUBLIC_URL to link it from answers)"
        say(f"Approved-tools page: {where}; AIGUIDE_TOOLS_PAGE=false turns it off.")

    senders = {s.name: s.digest_sender() for s in surfaces}
    _policy_messages(settings, reloader, senders, say, warn)
    nudgers = {s.name: s.nudger() for s in surfaces}
    checks = {s.name: check for s in surfaces if (check := s.posted_check()) is not None}
    targets = digest_targets(settings)
    for target in targets:
        if target.platform not in senders:
            warn(f"Digest {target.name}: {target.platform} is off, so it will not be sent.")
    usable = [t for t in targets if t.platform in senders]
    clocks: list = []
    if usable:
        clocks.append(DigestScheduler(services, usable, senders, checks=checks))
        say(f"Digests: {', '.join(f'{t.name} ({t.weekday} {t.time} {t.timezone})' for t in usable)}")
    if nudgers:
        clocks.append(
            NudgeScheduler(
                services,
                nudgers,
                weekday=settings.nudge_day,
                time_of_day=settings.nudge_time,
                timezone=settings.nudge_timezone,
            )
        )
    notices = _review_notices(web_app, services, surfaces)
    posters = {s.name: (senders[s.name], target) for s in surfaces if (target := s.it_target())}
    if settings.review_remind_days and posters:
        clocks.append(OverdueReviews(services, posters, days=settings.review_remind_days))
    if notices is not None:
        say(f"Tool reviews: decisions are sent to requesters; waiting over {settings.review_remind_days} days is raised to IT"
            if settings.review_remind_days and posters else "Tool reviews: decisions are sent to requesters")  # fmt: skip
    if clocks:
        running: list = []

        async def start_clock(_app: web.Application) -> None:
            running.append(start_ticking(*clocks, clock=services.clock))

        async def stop_clock(_app: web.Application) -> None:
            for scheduler in running:
                scheduler.shutdown(wait=False)

        web_app.on_startup.append(start_clock)
        web_app.on_cleanup.append(stop_clock)
    web_app[SERVICES] = services
    return web_app


def _review_notices(web_app: web.Application, services, surfaces):
    """The requesters' notices of review decisions, sent while the server runs."""
    from bot.review_notices import ReviewNotices

    messengers = {s.name: s.messenger() for s in surfaces}
    if services.database is None or not messengers:
        return None
    notices = ReviewNotices(services, messengers)
    services.reviews_changed = notices.wake

    async def start(_app: web.Application) -> None:
        notices.start()

    async def stop(_app: web.Application) -> None:
        await notices.stop()

    web_app.on_startup.append(start)
    web_app.on_shutdown.append(stop)
    return notices


def _policy_messages(settings: Settings, reloader, senders: dict, say: Say, warn: Say) -> None:
    """Where announcements of new policy versions and notices of rejected changes go."""
    from bot.wiring import announce_channels

    for platform, channel in announce_channels(settings):
        if platform in senders:
            reloader.announce.append(_poster(senders[platform], platform, channel))
        else:
            warn(f"Policy announcements to {platform}:{channel}: {platform} is off, so none will be posted.")
    if reloader.announce:
        say(f"Policy announcements: {settings.policy_announce}")
    for platform, channel in (
        ("slack", settings.slack_it_channel),
        ("teams", settings.teams_it_conversation),
    ):
        if channel and platform in senders:
            reloader.tell_it.append(_poster(senders[platform], platform, channel))
    if settings.knowledge_watch_seconds:
        say(f"Knowledge base: watching {reloader.directory} every {settings.knowledge_watch_seconds:g} s")


def _poster(send, platform: str, channel: str):
    from bot import metrics
    from bot.scheduler import DigestTarget

    target = DigestTarget(name="policy", kind="it", platform=platform, channel=channel)

    async def post(reply, key: str) -> None:
        try:
            await send(target, reply, key)
        except Exception as error:
            metrics.failed(platform, str(error) or error.__class__.__name__)
            raise
        metrics.delivered(platform)

    return post


def _pending_answers(web_app: web.Application, services, surfaces: list) -> None:
    """Acknowledged requests written down, renewed while this replica runs and answered by another if it
    dies (bot.pending_answers). Stopped only after the surfaces have drained: a lease left to run out
    while answers are still being finished would have them answered twice."""
    from bot.pending_answers import PendingAnswers

    pending = PendingAnswers(services)
    for surface in surfaces:
        if hasattr(surface, "replay"):
            pending.replayers[surface.name] = surface.replay
            surface.pending = pending

    async def start(_app: web.Application) -> None:
        pending.start()

    async def stop(_app: web.Application) -> None:
        await pending.stop()

    web_app.on_startup.append(start)
    web_app.on_cleanup.append(stop)
