"""The Slack app manifest an admin pastes into "Create app from manifest"."""

from __future__ import annotations

from bot.slack.inbound import ASK_ABOUT_MESSAGE, LOG_A_WIN, SLASH_COMMANDS

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
DESCRIPTIONS = {
    "/aiguide": (
        "Ask whether you may use an AI tool, for what, with which data",
        "can I paste a contract into ChatGPT?",
    ),
    "/aiwin": ("Log time AI saved you, and what it led to", "45m drafted the RFP with Copilot -> sent early"),
    "/aitools": ("The approved AI tools, or one tool in detail", "[tool name]"),
    "/airequest": ("Ask IT to review a tool that is not approved yet", "TOOL because REASON"),
}


def slack_manifest(url: str | None, *, name: str = "aiguide", socket_mode: bool = False) -> dict:
    """A v1 manifest. With `url` Slack posts to URL/slack/events; with socket mode no public URL is needed."""
    endpoint = f"{url.rstrip('/')}/slack/events" if url else None
    commands = []
    for command in SLASH_COMMANDS:
        description, hint = DESCRIPTIONS[command]
        entry = {"command": command, "description": description, "usage_hint": hint, "should_escape": True}
        if endpoint and not socket_mode:
            entry["url"] = endpoint
        commands.append(entry)
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
    return {
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
            "shortcuts": [
                {
                    "name": "Ask aiguide about this",
                    "type": "message",
                    "callback_id": ASK_ABOUT_MESSAGE,
                    "description": "May this be used with AI? Only you see the answer.",
                },
                {
                    "name": "Log an AI win",
                    "type": "global",
                    "callback_id": LOG_A_WIN,
                    "description": "Log time AI saved you, and what it led to",
                },
            ],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": settings,
    }
