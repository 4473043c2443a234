"""Claim the outbox events that may be sent now, and record what became of them.

Every function runs inside the caller's (short) transaction; no network I/O ever happens
while one is open.

Head of line: an event is claimable only when every earlier event of its order
(`order_seq` lower) is delivered, so event n+1 of an order is never sent before event n is
acknowledged, and a dead event holds back the rest of its order until it is retried. As a
consequence a claim holds at most one event per order, which is what a batch may carry.

Several senders (stations) may drain one PostgreSQL outbox: `claim()` selects due head
events `FOR UPDATE SKIP LOCKED` and sets `claimed_by`/`claimed_until` (a lease) before the
transaction commits, so two senders never hold the same event. The head-of-line condition
is checked in the same statement, so it holds across senders too: event n+1 cannot be
claimed while n, claimed by another sender, is not yet marked delivered. If a sender dies
mid-send its lease runs out and the event becomes claimable again (and may reach the
backend twice, which the event id makes harmless). On SQLite the same statement runs
without the lock clause (SQLAlchemy omits it): there, `BEGIN IMMEDIATE` serialises writers.

Failures are recorded only by the holder of the claim (`claimed_by = sender`), so a sender
whose lease was taken over cannot undo the newer holder's work; an acknowledgement is
recorded whoever holds the claim, since the backend has the event either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, exists, func, literal, or_, select, update
from sqlalchemy.orm import Session

from station.data.models import OutboxEvent

__all__ = ["Claimed", "Failure", "claim", "mark_delivered", "mark_failed", "next_due",
           "outstanding_count", "release"]

_T = OutboxEvent.__table__
_EARLIER = _T.alias("earlier")


@dataclass(frozen=True)
class Claimed:
    """One claimed event: what the sender needs to send it and to schedule a retry."""

    id: str
    order_id: str
    order_seq: int
    attempts: int
    body: str


@dataclass(frozen=True)
class Failure:
    """A failed attempt to record: dead or due again at `next_attempt_at`."""

    id: str
    dead: bool
    next_attempt_at: datetime
    last_status: int | None
    last_error: str


def _is_head():
    """Return the condition "no earlier event of this order is undelivered"."""
    return ~exists(
        select(literal(1)).where(
            _EARLIER.c.order_id == _T.c.order_id,
            _EARLIER.c.order_seq < _T.c.order_seq,
            _EARLIER.c.status != "delivered",
        )
    )


def claim(s: Session, *, sender: str, now: datetime, lease_s: float, limit: int) -> list[Claimed]:
    """Claim up to `limit` due head-of-line events for `sender`; return them, oldest first."""
    rows = s.execute(
        select(_T.c.id, _T.c.order_id, _T.c.order_seq, _T.c.attempts, _T.c.body)
        .where(
            _T.c.status == "pending",
            _T.c.next_attempt_at <= now,
            or_(_T.c.claimed_until.is_(None), _T.c.claimed_until <= now),
            _is_head(),
        )
        .order_by(_T.c.next_attempt_at, _T.c.station_seq)
        .limit(limit)
        .with_for_update(skip_locked=True, of=_T)
    ).all()
    seen: set[str] = set()
    picked: list[Claimed] = []
    for row in rows:
        # Head of line already gives one event per order; this guards the batch rule anyway.
        if row.order_id not in seen:
            seen.add(row.order_id)
            picked.append(Claimed(row.id, row.order_id, row.order_seq, row.attempts, row.body))
    if picked:
        s.execute(
            update(_T).where(_T.c.id.in_([c.id for c in picked]))
            .values(claimed_by=sender, claimed_until=now + timedelta(seconds=lease_s))
        )
    return picked


def mark_delivered(s: Session, ids: list[str], *, now: datetime, status: int | None) -> int:
    """Record the acknowledgement of `ids`; return how many rows changed."""
    if not ids:
        return 0
    done = s.execute(
        update(_T).where(_T.c.id.in_(ids), _T.c.status == "pending")
        .values(status="delivered", delivered_at=now, attempts=_T.c.attempts + 1,
                last_status=status, last_error="", claimed_by=None, claimed_until=None)
    )
    return done.rowcount


def mark_failed(s: Session, failures: list[Failure], *, sender: str) -> int:
    """Record failed attempts of events `sender` still holds; return how many rows changed."""
    if not failures:
        return 0
    stmt = (
        update(_T)
        .where(_T.c.id == bindparam("b_id"), _T.c.claimed_by == sender,
               _T.c.status == "pending")
        .values(status=bindparam("b_status"), attempts=_T.c.attempts + 1,
                next_attempt_at=bindparam("b_next"), last_status=bindparam("b_http"),
                last_error=bindparam("b_error"), claimed_by=None, claimed_until=None)
    )
    done = s.connection().execute(stmt, [
        {"b_id": f.id, "b_status": "dead" if f.dead else "pending", "b_next": f.next_attempt_at,
         "b_http": f.last_status, "b_error": f.last_error}
        for f in failures
    ])
    return done.rowcount


def release(s: Session, ids: list[str], *, sender: str) -> int:
    """Give back claims of `sender` without counting an attempt (e.g. never sent)."""
    if not ids:
        return 0
    done = s.execute(
        update(_T).where(_T.c.id.in_(ids), _T.c.claimed_by == sender)
        .values(claimed_by=None, claimed_until=None)
    )
    return done.rowcount


def next_due(s: Session, now: datetime) -> datetime | None:
    """Return when the next head-of-line event becomes claimable (None: none is waiting)."""
    free = or_(_T.c.claimed_until.is_(None), _T.c.claimed_until <= now)
    heads = and_(_T.c.status == "pending", _is_head())
    due = s.scalar(select(func.min(_T.c.next_attempt_at)).where(heads, free))
    lease = s.scalar(select(func.min(_T.c.claimed_until)).where(heads, ~free))
    times = [_aware(t) for t in (due, lease) if t is not None]
    return min(times) if times else None


def outstanding_count(s: Session) -> int:
    """Return how many pending events can still be delivered (all senders).

    Events held back by a dead event of their order are not counted: they wait for a
    person to retry (or give up on) the dead one.
    """
    held_back = exists(select(literal(1)).where(
        _EARLIER.c.order_id == _T.c.order_id,
        _EARLIER.c.order_seq < _T.c.order_seq,
        _EARLIER.c.status == "dead",
    ))
    return s.scalar(select(func.count()).select_from(_T)
                    .where(_T.c.status == "pending", ~held_back)) or 0


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
