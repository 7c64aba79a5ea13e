"""Builds the Services handlers run on from Settings: the one place objects are assembled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.directory import load_directory
from bot.llm import build_reader
from bot.settings import Settings
from handlers.digest_settings import DigestSettings, Goals
from handlers.services import Services
from knowledge import layer_cache, load_knowledge

if TYPE_CHECKING:
    from storage.db import Database


def open_database(settings: Settings) -> Database:
    """The configured database, migrated to the newest schema."""
    from storage.db import Database, build_engine_url
    from storage.migrate import upgrade

    database = Database(build_engine_url(settings.database_url, settings.data_dir))
    upgrade(database)
    return database


def build_services(settings: Settings, *, with_database: bool = True) -> Services:
    layer_cache.configure(settings.cache_dir)
    return Services(
        knowledge=load_knowledge(settings.knowledge_dir),
        database=open_database(settings) if with_database else None,
        admins=settings.admin_ids,
        directory=load_directory(settings.directory_file),
        store_question_text=settings.store_question_text,
        digest=DigestSettings(
            min_group_size=settings.min_group_size,
            goals=Goals.parse(settings.digest_goals, settings.staff_count),
        ),
        tools_url=f"{settings.public_url.rstrip('/')}/tools"
        if settings.tools_page and settings.public_url
        else None,
        reader=build_reader(settings),
        escalation_target=(
            settings.escalation_name if settings.slack_it_channel or settings.teams_it_conversation else None
        ),
    )


def build_slack(settings: Settings, services: Services, router):
    """The Slack surface, when Slack is configured: a bot token (one workspace) or OAuth client credentials
    (several), and a signing secret or an app token."""
    oauth = bool(settings.slack_client_id and settings.slack_client_secret and settings.slack_signing_secret)
    if not (settings.slack_bot_token or oauth) or not (
        settings.slack_signing_secret or settings.slack_app_token
    ):
        return None
    from bot.slack.app import SlackConfig, SlackSurface

    config = SlackConfig(
        signing_secret=settings.slack_signing_secret,
        bot_token=settings.slack_bot_token,
        api_url=settings.slack_api_url,
        it_channel=settings.slack_it_channel,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        app_token=settings.slack_app_token,
    )
    return SlackSurface(config, services, router)


def build_teams(settings: Settings, services: Services, router):
    """The Teams bot, when an app id is configured (or dev mode is switched on)."""
    if not settings.microsoft_app_id and not settings.teams_dev_mode:
        return None
    if settings.teams_dev_mode and settings.microsoft_app_id:
        raise ConfigError(
            "AIGUIDE_TEAMS_DEV_MODE is for the Bot Framework Emulator without an app id; it cannot be on "
            "with MICROSOFT_APP_ID set. Unset one of them."
        )
    from bot.teams.bot import AiguideTeamsBot
    from bot.teams.transport import TeamsConfig, TeamsTransport

    config = TeamsConfig(
        app_id=settings.microsoft_app_id,
        app_password=settings.microsoft_app_password,
        app_type=settings.microsoft_app_type,
        tenant_id=settings.microsoft_app_tenant_id,
        dev_mode=settings.teams_dev_mode,
        it_conversation=settings.teams_it_conversation,
        service_hosts=service_hosts(settings),
    )
    return AiguideTeamsBot(TeamsTransport(config), services, router)


# Every chat platform aiguide can run: a builder each, returning its Surface or None when not configured.
SURFACES = (build_slack, build_teams)


def build_surfaces(settings: Settings, services: Services, router) -> list:
    return [surface for build in SURFACES if (surface := build(settings, services, router)) is not None]


class ConfigError(ValueError):
    """Settings that contradict each other; the message says which and what to do."""


# Where Teams and the Bot Framework send from: the public cloud, the US government clouds.
TEAMS_SERVICE_HOSTS = (
    "smba.trafficmanager.net", "*.botframework.com", "*.botframework.us", "*.botframework.azure.us",
    "smba.infra.gcc.teams.microsoft.com", "smba.infra.gov.teams.microsoft.us", "smba.infra.dod.teams.microsoft.us",
)  # fmt: skip


def service_hosts(settings: Settings) -> tuple[str, ...]:
    configured = tuple(h.strip().lower() for h in settings.teams_service_hosts.split(",") if h.strip())
    hosts = configured or TEAMS_SERVICE_HOSTS
    return (*hosts, "localhost", "127.0.0.1") if settings.teams_dev_mode else hosts


def digest_targets(settings: Settings):
    """The configured digest targets, validated; an empty list when none are set."""
    import json

    from bot.scheduler import DigestTarget

    if not settings.digest_targets.strip():
        return []
    return [DigestTarget.model_validate(item) for item in json.loads(settings.digest_targets)]


def announce_channels(settings: Settings) -> list[tuple[str, str]]:
    """AIGUIDE_POLICY_ANNOUNCE as (platform, channel) pairs; a Teams conversation id keeps its colons."""
    pairs = []
    for item in settings.policy_announce.split(","):
        platform, _, channel = item.strip().partition(":")
        if not item.strip():
            continue
        if platform.strip().lower() not in ("slack", "teams") or not channel.strip():
            raise ConfigError(
                f"AIGUIDE_POLICY_ANNOUNCE: {item.strip()!r} is not `slack:CHANNEL_ID` or `teams:CONVERSATION_ID`."
            )
        pairs.append((platform.strip().lower(), channel.strip()))
    return pairs
