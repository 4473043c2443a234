"""Write events to the outbox in the caller's transaction; report and retry them.

An event is written in the same transaction as the business change it tells of, so the
change and its event exist together or not at all. Each event gets, at write time and for
ever:

- `id`: a UUIDv7 (time-ordered), the idempotency key the backend dedupes by;
- `sequence`: 1, 2, 3... per order (what the backend orders an order's events by);
- `stationsequence`: 1, 2, 3... per station;

and its body, a CloudEvents 1.0 structured JSON object, is serialised once here, so every
delivery attempt sends the same bytes. Nothing is deleted before it is acknowledged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import uuid6
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from station.data.counters import allocate
from station.data.models import OutboxEvent, utcnow

SPEC_VERSION = "1.0"
TYPE_PREFIX = "packbench."
EVENT_TYPES = (
    "order.packed", "shipment.created", "shipment.voided", "order.exception",
    "return.received", "return.inspected",
)


def source_of(site: str, station_id: str) -> str:
    """Return the CloudEvents `source` of a station."""
    return f"urn:packbench:{site}:station:{station_id}"


def cloudevent_type(kind: str) -> str:
    """Return the full CloudEvents type of an event kind: `packbench.<kind>.v1`."""
    if kind not in EVENT_TYPES:
        raise ValueError(f"unknown event kind {kind!r}")
    return f"{TYPE_PREFIX}{kind}.v1"


def enqueue(
    s: Session, *, site: str, station_id: str, order_id: str, kind: str,
    data: dict[str, Any], at: datetime | None = None,
) -> OutboxEvent:
    """Add one event to the outbox in the caller's transaction; return its row."""
    event_id = str(uuid6.uuid7())
    order_seq = allocate(s, f"events:order:{order_id}")
    station_seq = allocate(s, f"events:station:{station_id}")
    when = (at or datetime.now(UTC)).astimezone(UTC)
    envelope = {
        "specversion": SPEC_VERSION,
        "id": event_id,
        "source": source_of(site, station_id),
        "type": cloudevent_type(kind),
        "subject": f"order/{order_id}",
        "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "sequence": order_seq,
        "stationsequence": station_seq,
        "data": data,
    }
    row = OutboxEvent(
        id=event_id, station_id=station_id, station_seq=station_seq, order_id=order_id,
        order_seq=order_seq, type=envelope["type"],
        body=json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
        status="pending", attempts=0, next_attempt_at=utcnow(), last_error="",
    )
    s.add(row)
    return row


@dataclass(frozen=True)
class OutboxStatus:
    """How the outbox stands: counts by status, the oldest waiting event, dead ones."""

    pending: int
    delivered: int
    dead: int
    oldest_pending: datetime | None
    dead_events: list[tuple[str, str, str, int | None, str]]  # id, order, type, http, error


def outbox_status(s: Session, station_id: str | None = None) -> OutboxStatus:
    """Return the outbox status (of one station, or of all)."""
    where = [OutboxEvent.station_id == station_id] if station_id else []
    counts = dict(s.execute(
        select(OutboxEvent.status, func.count()).where(*where).group_by(OutboxEvent.status)
    ).all())
    oldest = s.scalar(select(func.min(OutboxEvent.created_at))
                      .where(OutboxEvent.status == "pending", *where))
    dead = s.execute(
        select(OutboxEvent.id, OutboxEvent.order_id, OutboxEvent.type, OutboxEvent.last_status,
               OutboxEvent.last_error)
        .where(OutboxEvent.status == "dead", *where).order_by(OutboxEvent.station_seq)
        .limit(100)
    ).all()
    return OutboxStatus(counts.get("pending", 0), counts.get("delivered", 0),
                        counts.get("dead", 0), oldest, [tuple(r) for r in dead])


def retry(s: Session, event_ids: list[str] | None = None) -> int:
    """Make dead events (all, or these) pending again, due now; return how many."""
    where = [OutboxEvent.status == "dead"]
    if event_ids:
        where.append(OutboxEvent.id.in_(event_ids))
    done = s.execute(update(OutboxEvent).where(*where).values(
        status="pending", next_attempt_at=utcnow(), claimed_by=None, claimed_until=None,
    ))
    return done.rowcount
