"""Installing aiguide into several Slack workspaces: the OAuth flow, with installations in our database.

slack_sdk's SQLAlchemy stores are synchronous; AsyncApp wants async ones, so each call runs in a thread.
"""

from __future__ import annotations

import asyncio

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.slack.manifest import BOT_SCOPES
from storage import slack_installations as tables
from storage.db import Database

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


class ThreadedInstallationStore(AsyncInstallationStore):
    def __init__(self, store: SQLAlchemyInstallationStore):
        self.store = store

    @property
    def logger(self):
        return self.store.logger

    async def async_save(self, installation):
        await asyncio.to_thread(self.store.save, installation)

    async def async_save_bot(self, bot):
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(self, *, enterprise_id, team_id, is_enterprise_install=False):
        return await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self, *, enterprise_id, team_id, user_id=None, is_enterprise_install=False
    ):
        return await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id, team_id):
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id, team_id, user_id=None):
        await asyncio.to_thread(
            self.store.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    def __init__(self, store: SQLAlchemyOAuthStateStore):
        self.store = store

    @property
    def logger(self):
        return self.store.logger

    async def async_issue(self, *args, **kwargs) -> str:
        return await asyncio.to_thread(self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.store.consume, state)


def oauth_settings(database: Database, *, client_id: str, client_secret: str) -> AsyncOAuthSettings:
    installations = SQLAlchemyInstallationStore(
        client_id=client_id,
        engine=database.engine,
        bots_table_name=tables.BOTS_TABLE,
        installations_table_name=tables.INSTALLATIONS_TABLE,
    )
    states = SQLAlchemyOAuthStateStore(
        expiration_seconds=600, engine=database.engine, table_name=tables.STATES_TABLE
    )
    return AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=BOT_SCOPES,
        installation_store=ThreadedInstallationStore(installations),
        state_store=ThreadedStateStore(states),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
    )
