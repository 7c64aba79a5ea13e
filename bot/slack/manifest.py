"""The Slack app manifest an admin pastes into "Create app from manifest"."""

from __future__ import annotations

from bot.slack import workflow_steps as steps
from handlers.commands import build_registry
from handlers.registry import Registry

BOT_SCOPES = [
    "app_mentions:read",  # @aiguide in channels
    "chat:write",  # answers, confirmations, the IT channel
    "commands",  # /aiguide, /aiwin, /aitools, /airequest
    "im:history",  # direct messages to the bot
    "im:read",
    "im:write",  # writing to someone who used a button on the App Home
    "users:read",
    "users:read.email",  # match people to the directory file by email
    "files:write",  # the digest chart
    # A replica taking over a digest whose sender died reads the digest channel's recent history for
    # the digest's message metadata, so that it is never posted twice.
    "channels:history",
    "groups:history",
    "assistant:write",  # the AI-app view: suggested prompts, "is checking the policy…", thread titles
]
BOT_EVENTS = [
    "app_home_opened", "app_mention", "message.im", "app_uninstalled", "tokens_revoked",
    "assistant_thread_started", "assistant_thread_context_changed",
]  # fmt: skip


def slack_manifest(
    url: str | None,
    *,
    name: str = "aiguide",
    socket_mode: bool = False,
    registry: Registry | None = None,
    workflow_steps: bool = False,
) -> dict:
    """A v1 manifest. With `url` Slack posts to URL/slack/events; with socket mode no public URL is needed.
    Its slash commands and shortcuts are the command registry's. With `workflow_steps`, a v2 manifest
    (the version that declares functions) of an org-ready app offering the Workflow Builder steps."""
    endpoint = f"{url.rstrip('/')}/slack/events" if url else None
    specs = list(registry or build_registry())
    commands = []
    for spec in specs:
        if spec.menu is None or not spec.menu.slash:
            continue
        entry = {"command": spec.menu.slash, "description": spec.menu.description, "should_escape": True}
        if spec.menu.hint:
            entry["usage_hint"] = spec.menu.hint
        if endpoint and not socket_mode:
            entry["url"] = endpoint
        commands.append(entry)
    shortcuts = [
        {"name": s.name, "type": s.kind, "callback_id": s.callback_id, "description": s.description}
        for spec in specs
        for s in spec.shortcuts
    ]
    settings: dict = {
        "event_subscriptions": {"bot_events": BOT_EVENTS},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if endpoint and not socket_mode:
        settings["event_subscriptions"]["request_url"] = endpoint
        settings["interactivity"]["request_url"] = endpoint
    built = {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name[:35],
            "description": "Which AI tools may I use, for what, with which data? And what did AI save us?",
            "background_color": "#1d3557",
            "long_description": (
                "aiguide answers employees' questions about AI tools from the approved-tools list IT keeps: "
                "allowed, allowed with conditions, not allowed or unknown tool, with the policy line it rests "
                "on and the approved alternative. Staff log the time AI saves them and what it led to; leaders "
                "get a weekly digest of hours saved and outcomes; IT sees which unapproved tools people ask "
                "about. Ask in a direct message, mention @aiguide in a thread, or use /aiguide."
            ),
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name[:80], "always_online": True},
            "slash_commands": commands,
            # Slack's AI-app view (the one new apps get; `assistant_view` is being retired). The prompts
            # here are the defaults; each new thread gets prompts drawn from the knowledge base in force.
            "agent_view": {
                "agent_description": "Ask whether you may use an AI tool, for what, and with which information; "
                "log the time AI saved you.",
                "suggested_prompts": [
                    {"title": "ChatGPT with client data?", "message": "Can I use ChatGPT with client data?"},
                    {"title": "Meeting notes", "message": "What can I use for meeting notes?"},
                    {"title": "Log an AI win", "message": "win"},
                ],
            },
            "shortcuts": shortcuts,
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": settings,
    }
    if workflow_steps:
        built["_metadata"] = {"major_version": 2, "minor_version": 1}
        built["functions"] = steps.functions()
        settings["org_deploy_enabled"] = True  # Slack offers custom steps of org-ready apps only
        settings["function_runtime"] = "remote"  # run here, by aiguide serve, not on Slack's servers
        settings["event_subscriptions"]["bot_events"] = [*BOT_EVENTS, "function_executed"]
    return built
