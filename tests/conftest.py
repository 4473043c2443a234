"""Shared fixtures: a migrated database on SQLite and, when configured, PostgreSQL.

PostgreSQL tests run when `PACKBENCH_TEST_PG_URL` names a server (an admin URL such as
`postgresql+psycopg://postgres@127.0.0.1:5433/postgres`); `.ci/run` starts one. With
`PACKBENCH_REQUIRE_PG=1` a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from station.data.db import make_engine, session_factory, upgrade

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_URL = os.environ.get("PACKBENCH_TEST_PG_URL", "")
REQUIRE_PG = os.environ.get("PACKBENCH_REQUIRE_PG") == "1"
_TEMPLATE = "packbench_template"


def _pg_admin_engine():
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template() -> str | None:
    """Create a migrated template database once per test run."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("PACKBENCH_REQUIRE_PG=1 but PACKBENCH_TEST_PG_URL is not set")
        return None
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {_TEMPLATE}"))
        conn.execute(text(f"CREATE DATABASE {_TEMPLATE}"))
    url = make_url(PG_URL).set(database=_TEMPLATE).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    admin.dispose()
    return _TEMPLATE


def _new_pg_database(template: str) -> str:
    name = f"pb_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path, pg_template) -> str:
    """Return the URL of a fresh, migrated database (SQLite file or PostgreSQL)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'station.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    if pg_template is None:
        pytest.skip("PostgreSQL not configured (PACKBENCH_TEST_PG_URL)")
    return _new_pg_database(pg_template)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """Return the URL of a fresh, migrated SQLite database."""
    url = f"sqlite:///{tmp_path / 'station.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url):
    """Yield an engine on a fresh migrated database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine):
    """Return a session factory on a fresh migrated database."""
    return session_factory(engine)
