"""Allocate serial numbers without gaps or reuse, also with several stations on PostgreSQL.

A counter is one row of `id_counters`. `allocate()` increments it inside the caller's
transaction (`UPDATE ... RETURNING`): the row stays locked until that transaction ends, so
concurrent allocators queue behind each other, and a transaction that rolls back takes its
numbers back with it. Numbers used by committed work are therefore consecutive and never
handed out twice. (On SQLite the station's `BEGIN IMMEDIATE` serialises writers anyway.)
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from station.data.models import IdCounter

_TABLE = IdCounter.__table__


def allocate(session: Session, name: str, count: int = 1, *, start: int = 1) -> int:
    """Return the first of `count` consecutive new numbers of counter `name`."""
    if count < 1:
        raise ValueError("count must be at least 1")
    conn = session.connection()
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(
        insert(_TABLE).values(name=name, next_value=start).on_conflict_do_nothing()
    )
    after = conn.execute(
        update(_TABLE).where(_TABLE.c.name == name)
        .values(next_value=_TABLE.c.next_value + count)
        .returning(_TABLE.c.next_value)
    ).scalar_one()
    return after - count


def peek(session: Session, name: str) -> int | None:
    """Return the next number counter `name` would give, or None if it was never used."""
    row = session.get(IdCounter, name)
    return row.next_value if row else None
