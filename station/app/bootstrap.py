"""Build the station's object graph from a configuration; nothing happens at import."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from station.app.core import StationCore
from station.app.events import Emit
from station.config import StationConfig
from station.data.db import make_engine, needs_upgrade, session_factory, upgrade


class SchemaOutdated(RuntimeError):
    """The database schema is older than this version and auto_migrate is off."""


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


def open_database(config: StationConfig, *, migrate: bool | None = None) -> Database:
    """Open the configured database, applying migrations when allowed."""
    engine = make_engine(config.database_url())
    migrate = config.station.auto_migrate if migrate is None else migrate
    if needs_upgrade(engine):
        if not migrate:
            engine.dispose()
            raise SchemaOutdated(
                "the database schema is out of date: run `packbench db upgrade --config FILE`"
            )
        upgrade(engine)
    return Database(engine, session_factory(engine))


def bootstrap(config: StationConfig, emit: Emit) -> tuple[Database, StationCore]:
    """Return the database and the station core for a configuration."""
    db = open_database(config)
    return db, StationCore(db.sessions, config, emit)
