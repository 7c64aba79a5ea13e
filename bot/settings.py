"""One settings object, read from the environment and `.env`, built on demand (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="AIGUIDE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    knowledge_dir: Path | None = Field(
        None, description="Directory of knowledge-base YAML files; the bundled example when unset."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL, e.g. postgresql://user:pass@host/db; a SQLite file when unset."
    )
    data_dir: Path = Field(Path("."), description="Where the default SQLite file aiguide.db lives.")
    cache_dir: str | None = Field(
        None, description="Where the catalogs' built index is kept between starts; the user's cache "
        "directory ($XDG_CACHE_HOME/aiguide) when unset, `off` to build it at every start.",
    )  # fmt: skip
    directory_file: Path | None = Field(
        None, description="People directory CSV: email, department, optional groups (separated by ';')."
    )
    knowledge_watch_seconds: float = Field(
        10.0, ge=0, description="How often `aiguide serve` looks for changed knowledge-base files and loads "
        "them (a change with problems is not loaded); 0 turns watching off (`aiguide kb reload` still works).",
    )  # fmt: skip
    policy_announce: str = Field(
        "", description="Where a new policy version is announced, with what changed: comma-separated "
        "`slack:CHANNEL_ID` or `teams:CONVERSATION_ID`; nowhere when unset.",
    )  # fmt: skip
    admin_token: str | None = Field(
        None, description="Bearer token for POST /admin/reload (`aiguide kb reload --url`); without it the "
        "endpoint takes requests from the same machine only.",
    )  # fmt: skip
    tools_page: bool = Field(
        True, description="Serve the approved-tools page at GET /tools (for an internal network or behind "
        "the organisation's proxy).",
    )  # fmt: skip
    public_url: str | None = Field(
        None, description="The address people reach `aiguide serve` at, e.g. https://aiguide.example.com: "
        "answers and the App Home then link to its /tools page.",
    )  # fmt: skip
    store_question_text: bool = Field(True, description="Keep the (redacted) text of questions asked.")
    retention_days: int = Field(90, ge=1, description="Days to keep question texts and closed requests.")
    admins: str = Field("", description="Comma-separated platform user ids or emails of aiguide admins.")
    escalation_name: str = Field(
        "the IT team", description="How answers name the people behind 'Ask a human'."
    )
    review_remind_days: int = Field(
        7, ge=0, description="Tool-review requests waiting longer than this are raised in the IT channel "
        "(again every as many days); 0: never.",
    )  # fmt: skip

    digest_targets: str = Field(
        "", description='JSON list of digests to send, e.g. [{"name": "leaders", "kind": "leadership", '
        '"platform": "slack", "channel": "C123", "weekday": "mon", "time": "09:00", "timezone": "Europe/London"}]',
    )  # fmt: skip
    digest_goals: str = Field("", description="90-day goals, e.g. hours=200, staff=60%, departments=all")
    min_group_size: int = Field(5, ge=1, description="Digest groups smaller than this are shown as other.")
    staff_count: int | None = Field(None, description="Head count, for the share-of-staff goal.")
    nudge_day: str = Field("fri", description="Weekday of the opt-in reminder to log wins.")
    nudge_time: str = Field("15:00", description="Local time of the reminder.")
    nudge_timezone: str = Field("UTC", description="IANA time zone of the reminder.")

    host: str = Field("0.0.0.0", description="Address `aiguide serve` listens on.")
    port: int = Field(3000, description="Port `aiguide serve` listens on.")
    log_format: Literal["json", "text"] = Field(
        "json",
        description="`aiguide serve` logs as JSON lines (`json`) or as plain text for development (`text`).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Lowest level logged."
    )
    drain_seconds: float = Field(
        20.0, ge=0, description="On SIGTERM, how long to finish answers already acknowledged before exiting."
    )

    slack_bot_token: str | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_BOT_TOKEN", "AIGUIDE_SLACK_BOT_TOKEN"),
        description="Bot token (xoxb-...) of a single-workspace Slack app; with SLACK_SIGNING_SECRET (HTTP) "
        "or SLACK_APP_TOKEN (Socket Mode) it turns Slack on.",
    )
    slack_signing_secret: str | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "AIGUIDE_SLACK_SIGNING_SECRET"),
        description="Signing secret of the Slack app: POST /slack/events checks every request with it.",
    )
    slack_app_token: str | None = Field(
        None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "AIGUIDE_SLACK_APP_TOKEN"),
        description="App-level token (xapp-...): connect over Socket Mode, no public URL needed.",
    )  # fmt: skip
    slack_client_id: str | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_CLIENT_ID", "AIGUIDE_SLACK_CLIENT_ID"),
        description="Client id of the Slack app, for the OAuth install flow to several workspaces "
        "(/slack/install).",
    )
    slack_client_secret: str | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_CLIENT_SECRET", "AIGUIDE_SLACK_CLIENT_SECRET"),
        description="Client secret of the Slack app, for the OAuth install flow.",
    )
    microsoft_app_id: str = Field(
        "",
        validation_alias=AliasChoices("MICROSOFT_APP_ID", "AIGUIDE_MICROSOFT_APP_ID"),
        description="Application (client) id of the Azure Bot registration; turns Teams on.",
    )
    microsoft_app_password: str = Field(
        "",
        validation_alias=AliasChoices("MICROSOFT_APP_PASSWORD", "AIGUIDE_MICROSOFT_APP_PASSWORD"),
        description="Client secret of the Azure Bot registration.",
    )
    microsoft_app_type: str = Field(
        "SingleTenant",
        validation_alias=AliasChoices("MICROSOFT_APP_TYPE", "AIGUIDE_MICROSOFT_APP_TYPE"),
        description="`SingleTenant`, `MultiTenant` or `UserAssignedMSI`, as in the Azure Bot registration.",
    )
    microsoft_app_tenant_id: str = Field(
        "",
        validation_alias=AliasChoices("MICROSOFT_APP_TENANT_ID", "AIGUIDE_MICROSOFT_APP_TENANT_ID"),
        description="Directory (tenant) id of the Azure Bot registration (single tenant).",
    )
    teams_dev_mode: bool = Field(
        False, description="Teams without an app id, for the Bot Framework Emulator only."
    )
    teams_it_conversation: str | None = Field(
        None, description="Teams conversation id for 'Ask a human' questions."
    )
    teams_service_hosts: str = Field(
        "", description="Comma-separated hosts a Teams serviceUrl may name (a leading '*.' matches subdomains); "
        "Microsoft's Bot Framework and Teams hosts when unset, plus localhost in dev mode.",
    )  # fmt: skip
    slack_api_url: str | None = Field(
        None, description="Slack Web API base URL (only for testing against a stand-in)."
    )
    slack_it_channel: str | None = Field(
        None, description="Channel id where 'Ask a human' questions are posted."
    )

    llm_base_url: str | None = Field(
        None, description="An OpenAI-compatible endpoint IT approved (OpenAI, Azure OpenAI, vLLM, Ollama, "
        "llama.cpp), e.g. http://localhost:11434/v1: the language model then reads questions (docs/llm.md). "
        "Unset: no question leaves aiguide.",
    )  # fmt: skip
    llm_model: str | None = Field(None, description="The model's name at that endpoint, e.g. llama3.1:8b.")
    llm_api_key: str | None = Field(None, description="The endpoint's API key (local servers need none).")
    llm_phrasing: bool = Field(
        False, description="Spanish, French and German questions also get a short summary in their language "
        "above the unchanged answer (docs/llm.md); one that contradicts the answer is dropped.",
    )  # fmt: skip
    llm_timeout: float = Field(
        8.0, gt=0, le=20, description="Seconds an answer waits for the model at most; then it goes out without."
    )  # fmt: skip

    @field_validator(
        "llm_base_url", "llm_model", "llm_api_key",
        "knowledge_dir", "cache_dir", "directory_file", "database_url", "slack_bot_token", "slack_signing_secret", "slack_app_token", "slack_client_id", "slack_client_secret",
        "teams_it_conversation", "admin_token",
        "slack_api_url", "slack_it_channel", mode="before",
    )  # fmt: skip
    @classmethod
    def _empty_means_default(cls, value: object) -> object:
        # `AIGUIDE_KNOWLEDGE_DIR=` in a .env file means "not set", not "the current directory".
        return None if value == "" else value

    @property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.admins.split(",") if a.strip())


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit values (from command-line options) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
