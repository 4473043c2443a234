"""Keep what the reference receiver got: each event once, its order checked per subject.

Its own database (a SQLite file or any SQLAlchemy URL), not the station's:

- `received_events`: one row per event id (unique), in arrival order (`arrival`), with the
  event's `subject`, `sequence` and whether it came out of order;
- `order_heads`: the highest `sequence` seen per subject (an order: `order/<id>`);
- `order_violations`: every event that did not come as last + 1 of its subject (`gap`:
  something was skipped; `late`: an older event after a newer one), and every batch that
  held two events of one subject (`two_in_batch`). A head-of-line sender never causes one;
- `receiver_counters`: duplicates (events received again, answered `duplicate`).

`record()` takes the parsed CloudEvents of one request and returns one result per event:
`accepted`, `duplicate` or `rejected` (not a CloudEvent we can use), in order.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)

__all__ = ["ItemResult", "ReceiverStats", "ReceiverStore", "Violation", "database_url"]

_META = MetaData()
EVENTS = Table(
    "received_events", _META,
    Column("arrival", Integer, primary_key=True, autoincrement=True),
    Column("id", String(200), nullable=False, unique=True),
    Column("source", String(500), nullable=False),
    Column("type", String(200), nullable=False),
    Column("subject", String(500), nullable=False, default=""),
    Column("sequence", BigInteger),
    Column("out_of_order", Boolean, nullable=False, default=False),
    Column("body", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
HEADS = Table(
    "order_heads", _META,
    Column("subject", String(500), primary_key=True),
    Column("last_sequence", BigInteger, nullable=False),
)
VIOLATIONS = Table(
    "order_violations", _META,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("expected", BigInteger),
    Column("got", BigInteger),
)
COUNTERS = Table(
    "receiver_counters", _META,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class ItemResult:
    """The answer for one event: `accepted`, `duplicate`, `rejected` or `retry`."""

    id: str
    status: str
    error: str = ""

    def as_json(self) -> dict[str, str]:
        """Return the item as it appears in an answer's `results`."""
        doc = {"id": self.id, "status": self.status}
        if self.error:
            doc["error"] = self.error
        return doc


@dataclass(frozen=True)
class Violation:
    """An event that broke its subject's order."""

    kind: str
    subject: str
    event_id: str
    expected: int | None
    got: int | None


@dataclass(frozen=True)
class ReceiverStats:
    """Counts of what the store holds."""

    stored: int
    duplicates: int
    out_of_order: int
    violations: int


def database_url(db: str) -> str:
    """Return a SQLAlchemy URL for `db`: a URL as is, anything else as a SQLite file path."""
    return db if "://" in db else f"sqlite:///{db}"


def _engine(url: str):
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # A reference receiver: survives its own crash, not a power cut, and is fast.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return engine


def _sequence(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def invalid_reason(item: Any) -> str:
    """Return why `item` is not a usable CloudEvent 1.0, or "" if it is."""
    if not isinstance(item, dict):
        return "not a JSON object"
    if item.get("specversion") != "1.0":
        return "specversion must be 1.0"
    for name in ("id", "source", "type"):
        value = item.get(name)
        if not isinstance(value, str) or not value or len(value) > 200:
            return f"{name} must be a non-empty string"
    return ""


class ReceiverStore:
    """The receiver's database; `record()` is serialised, so one process may share it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = _engine(url)
        _META.create_all(self._engine)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database connections."""
        self._engine.dispose()

    def record(self, items: list[Any]) -> list[ItemResult]:
        """Store the new events among `items`; return one result per item, in order."""
        results: list[ItemResult | None] = [None] * len(items)
        valid: list[tuple[int, dict]] = []
        for i, item in enumerate(items):
            reason = invalid_reason(item)
            if reason:
                event_id = item.get("id") if isinstance(item, dict) else None
                results[i] = ItemResult(event_id if isinstance(event_id, str) else "", "rejected",
                                        reason)
            else:
                valid.append((i, item))
        with self._lock, self._engine.begin() as conn:
            self._store(conn, valid, results)
        return [r for r in results if r is not None]

    def _store(self, conn, valid: list[tuple[int, dict]], results: list) -> None:
        ids = [item["id"] for _, item in valid]
        known = set()
        for k in range(0, len(ids), _CHUNK):
            chunk = ids[k:k + _CHUNK]
            known.update(conn.scalars(select(EVENTS.c.id).where(EVENTS.c.id.in_(chunk))))
        subjects = sorted({str(item.get("subject") or "") for _, item in valid} - {""})
        heads: dict[str, int] = {}
        for k in range(0, len(subjects), _CHUNK):
            heads.update(conn.execute(select(HEADS.c.subject, HEADS.c.last_sequence)
                                      .where(HEADS.c.subject.in_(subjects[k:k + _CHUNK]))).all())
        in_db = set(heads)
        rows, violations, changed, in_batch = [], [], set(), set()
        now = datetime.now(UTC)
        duplicates = 0
        for i, item in valid:
            event_id = item["id"]
            subject = str(item.get("subject") or "")
            seq = _sequence(item.get("sequence"))
            repeat = {"kind": "two_in_batch", "subject": subject, "event_id": event_id,
                      "expected": None, "got": seq} if subject and subject in in_batch else None
            in_batch.add(subject)
            if event_id in known:
                results[i] = ItemResult(event_id, "duplicate")
                duplicates += 1
                violations.extend([repeat] if repeat else [])
                continue
            known.add(event_id)
            late = False
            if subject and seq is not None:
                last = heads.get(subject, 0)
                if seq != last + 1:
                    late = True
                    violations.append({"kind": "gap" if seq > last + 1 else "late",
                                       "subject": subject, "event_id": event_id,
                                       "expected": last + 1, "got": seq})
                heads[subject] = max(last, seq)
                changed.add(subject)
            violations.extend([repeat] if repeat else [])
            rows.append({"id": event_id, "source": item["source"], "type": item["type"],
                         "subject": subject, "sequence": seq, "out_of_order": late,
                         "body": json.dumps(item, ensure_ascii=False, separators=(",", ":")),
                         "received_at": now})
            results[i] = ItemResult(event_id, "accepted")
        if rows:
            conn.execute(insert(EVENTS), rows)
        new_heads = [{"subject": s, "last_sequence": heads[s]} for s in changed if s not in in_db]
        old_heads = [{"b_subject": s, "b_last": heads[s]} for s in changed if s in in_db]
        if new_heads:
            conn.execute(insert(HEADS), new_heads)
        if old_heads:
            conn.execute(update(HEADS).where(HEADS.c.subject == bindparam("b_subject"))
                         .values(last_sequence=bindparam("b_last")), old_heads)
        if violations:
            conn.execute(insert(VIOLATIONS), violations)
        if duplicates:
            self._bump(conn, "duplicates", duplicates)

    def _bump(self, conn, name: str, by: int) -> None:
        done = conn.execute(update(COUNTERS).where(COUNTERS.c.name == name)
                            .values(value=COUNTERS.c.value + by))
        if done.rowcount == 0:
            conn.execute(insert(COUNTERS).values(name=name, value=by))

    def stats(self) -> ReceiverStats:
        """Return how many events are stored, duplicates seen, out-of-order events, violations."""
        with self._engine.connect() as conn:
            stored = conn.scalar(select(func.count()).select_from(EVENTS)) or 0
            late = conn.scalar(select(func.count()).select_from(EVENTS)
                               .where(EVENTS.c.out_of_order)) or 0
            dups = conn.scalar(select(COUNTERS.c.value).where(COUNTERS.c.name == "duplicates"))
            bad = conn.scalar(select(func.count()).select_from(VIOLATIONS)) or 0
        return ReceiverStats(stored, dups or 0, late, bad)

    def sequences(self) -> dict[str, list[int | None]]:
        """Return each subject's sequences in arrival order."""
        out: dict[str, list[int | None]] = {}
        with self._engine.connect() as conn:
            for subject, seq in conn.execute(
                select(EVENTS.c.subject, EVENTS.c.sequence).order_by(EVENTS.c.arrival)
            ):
                out.setdefault(subject, []).append(seq)
        return out

    def since(self, arrival: int = 0) -> list[tuple[int, str, str, int | None]]:
        """Return (arrival, type, subject, sequence) of events stored after `arrival`."""
        with self._engine.connect() as conn:
            return [tuple(row) for row in conn.execute(
                select(EVENTS.c.arrival, EVENTS.c.type, EVENTS.c.subject, EVENTS.c.sequence)
                .where(EVENTS.c.arrival > arrival).order_by(EVENTS.c.arrival))]

    def ids(self) -> list[str]:
        """Return the stored event ids in arrival order."""
        with self._engine.connect() as conn:
            return list(conn.scalars(select(EVENTS.c.id).order_by(EVENTS.c.arrival)))

    def violations(self) -> list[Violation]:
        """Return the recorded order violations."""
        with self._engine.connect() as conn:
            return [Violation(*row) for row in conn.execute(
                select(VIOLATIONS.c.kind, VIOLATIONS.c.subject, VIOLATIONS.c.event_id,
                       VIOLATIONS.c.expected, VIOLATIONS.c.got).order_by(VIOLATIONS.c.n))]
