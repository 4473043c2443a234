"""Query and write many rows in few round trips, within SQLite's parameter limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from sync.importing.issues import ImportFailed, ImportIssue

T = TypeVar("T")
CHUNK = 500  # values per IN (...) query: old SQLite builds allow only 999 parameters


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Yield lists of at most `size` values."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def select_in(
    session: Session, build: Callable[[list], Select], values: Iterable[Any]
) -> list[Any]:
    """Run `build(chunk)` for each chunk of distinct `values` and return all result rows."""
    rows: list[Any] = []
    conn = session.connection()  # Core rows: the ORM's per-row bookkeeping is not needed
    for batch in chunks(sorted(set(values))):
        rows.extend(conn.execute(build(batch)).all())
    return rows


def delete_in(session: Session, model: type, column: Any, values: Sequence[Any]) -> None:
    """Delete the `model` rows whose `column` is one of `values`."""
    for batch in chunks(values):
        session.execute(
            delete(model).where(column.in_(batch)).execution_options(synchronize_session=False)
        )


def insert_many(session: Session, model: type, rows: list[dict]) -> None:
    """Insert `rows` with executemany; column defaults (timestamps, counters) still apply."""
    # Core, not ORM bulk insert: the ORM's per-row bookkeeping doubled the time for 100k rows.
    conn = session.connection()
    for batch in chunks(rows, 5000):
        conn.execute(insert(model.__table__), batch)


def insert_new(session: Session, model: type, rows: list[dict], key: Any) -> dict[Any, int]:
    """Insert `rows` and return {key: id} of the rows this call created (and any newer)."""
    # Ids only grow, so the new rows are those above the old maximum. One range query: faster
    # than RETURNING (4x slower on psycopg) and than IN (...) batches on a table whose
    # planner statistics do not know about the rows just written.
    before = session.scalar(select(func.max(model.id))) or 0
    insert_many(session, model, rows)
    if not rows:
        return {}
    found = session.connection().execute(select(key, model.id).where(model.id > before))
    return {k: v for k, v in found}


def update_many(session: Session, model: type, rows: list[dict]) -> None:
    """Update rows by primary key (each dict has `id`) with executemany."""
    for batch in chunks(rows, 5000):
        session.execute(update(model), batch)


def refresh_statistics(session: Session, written: int, *models: type) -> None:
    """After a large write on PostgreSQL, update the planner statistics of `models`' tables.

    Until autovacuum gets to them, a freshly bulk-loaded table looks empty to the planner,
    which then scans it for each IN (...) batch: re-importing 20k orders took a minute.
    """
    if written >= 1000 and session.get_bind().dialect.name == "postgresql":
        names = ", ".join(model.__table__.name for model in models)
        session.execute(text(f"ANALYZE {names}"))


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Open one transaction for checks and writes; turn a database refusal into ImportFailed.

    An ImportFailed raised inside rolls the transaction back like any other exception.
    """
    try:
        with sessions.begin() as session:
            yield session
    except DBAPIError as exc:
        raise ImportFailed([ImportIssue(
            0, "database", f"the database refused the import, so nothing was imported: {exc.orig}"
        )]) from exc
