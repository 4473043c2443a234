"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from station.data.db import (
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    needs_upgrade,
    upgrade,
)
from station.data.models import Base


def test_schema_matches_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision(engine)
    assert not needs_upgrade(engine)


def test_upgrade_is_idempotent(engine):
    upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_sqlite_runs_in_wal_with_full_sync(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_upgrade_keeps_existing_orders(engine):
    downgrade(engine, "0001")  # the fixture's database is at head
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO orders (order_id, order_number, customer_first_name, "
            "customer_last_name, customer_email, ship_to, carrier, service, insert_message, "
            "review_url, returns_url, status, content_hash, imported_at) VALUES ('o1', 'SO-1', "
            "'Ana', '', '', '{}', 'DHL', 'Paket', '', '', '', 'ready', 'x', CURRENT_TIMESTAMP)"
        ))
    upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT brand, channel, supplied_labels FROM orders")).one()
    assert (row[0], row[1]) == ("", "")
    assert row[2] in ("[]", [])
