"""Schema migrations (Alembic), run by `aiguide db upgrade` and at start-up of the CLI and server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from storage.db import Database
from storage.models import SQLModel

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration's revision; a test holds it equal to Alembic's own head. Knowing it without
# loading Alembic (and its templates) saves a third of a second on every `aiguide ask`.
HEAD = "0015"


def _config(database: Database) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# Any number of replicas may start at once on an empty database: one migrates, the others wait on this
# lock and then find the schema current. (SQLite's BEGIN IMMEDIATE is the lock there.)
_LOCK_KEY = 0x616967756964  # "aiguid"


def upgrade(database: Database, revision: str = "head") -> None:
    if revision == "head" and _stored_revision(database) == HEAD:
        return  # already current: Alembic is not even imported
    from alembic import command

    config = _config(database)
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        if revision == "head" and _revision_of(connection) == HEAD:
            return  # another replica migrated while this one waited for the lock
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    from alembic import command

    config = _config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _stored_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return _revision_of(connection)


def _revision_of(connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(database: Database) -> str | None:
    from alembic.migration import MigrationContext

    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def drift(database: Database) -> list:
    """Differences between the models and the migrated schema; empty when they agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage import slack_installations  # noqa: F401 - registers its tables on the metadata

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)
