"""Reprint, void and list shipping labels outside a pack (supervisor tasks)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from station.app.notify import Notifier
from station.app.shipping import Shipping
from station.app.work import CancelToken, Progress, ProgressFn
from station.config import StationConfig
from station.data.models import Order, PackSession, Shipment

T = TypeVar("T")
_CHUNK = 500  # values per IN (...) query: old SQLite builds allow only 999 parameters
_SHOWN = 20  # problems named in one refusal


class ShipmentError(Exception):
    """The label or order asked for does not exist or cannot be changed."""


def find_order(s: Session, ref: str) -> Order | None:
    """Return the order whose id or number is `ref`."""
    return s.scalars(select(Order).where(or_(Order.order_id == ref,
                                             Order.order_number == ref))).first()


def _order(s: Session, ref: str) -> Order:
    order = find_order(s, ref)
    if order is None:
        raise ShipmentError(f"no order {ref!r}")
    return order


def reprint_order(sessions: sessionmaker[Session], config: StationConfig, ref: str) -> int:
    """Queue the live labels of an order again; return how many."""
    shipping = Shipping(config)
    with sessions.begin() as s:
        order = _order(s, ref)
        live = s.scalars(select(Shipment).where(Shipment.order_pk == order.id,
                                                Shipment.status == "created")
                         .order_by(Shipment.package_index)).all()
        if not live:
            raise ShipmentError(f"order {order.order_number} has no live shipping label")
        return shipping.reprint_shipments(s, live)


@dataclass(frozen=True, slots=True)
class OrderReprint:
    """What a batch reprint did for one order: labels queued again, or why none were."""

    order_number: str
    labels: int = 0
    error: str = ""


@dataclass(frozen=True, slots=True)
class BatchReprint:
    """What a batch reprint did, order by order; `not_done` were left when it was stopped."""

    orders: tuple[OrderReprint, ...] = ()
    not_done: tuple[str, ...] = ()
    cancelled: bool = False

    @property
    def total(self) -> int:
        """Return how many orders the batch had."""
        return len(self.orders) + len(self.not_done)

    @property
    def labels(self) -> int:
        """Return how many labels were queued again in all."""
        return sum(order.labels for order in self.orders)

    @property
    def failed(self) -> tuple[OrderReprint, ...]:
        """Return the orders that were tried but got no label."""
        return tuple(order for order in self.orders if order.error)


@dataclass
class _Resolved:
    orders: list[tuple[int, str]] = field(default_factory=list)  # (order pk, order number)
    problems: list[str] = field(default_factory=list)


def _chunks(values: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _resolve(s: Session, refs: list[str]) -> _Resolved:
    """Find the order of every ref (order id or number) and check each has a live label."""
    by_id: dict[str, tuple[int, str]] = {}
    by_number: dict[str, tuple[int, str]] = {}
    for batch in _chunks(refs):
        for pk, order_id, number in s.execute(
            select(Order.id, Order.order_id, Order.order_number)
            .where(or_(Order.order_id.in_(batch), Order.order_number.in_(batch)))
        ):
            by_id[order_id] = by_number[number] = (pk, number)
    out = _Resolved()
    seen: set[int] = set()
    for ref in refs:
        found = by_id.get(ref) or by_number.get(ref)
        if found is None:
            out.problems.append(f"no order {ref!r}")
        elif found[0] not in seen:  # an order named twice (by id and number) prints once
            seen.add(found[0])
            out.orders.append(found)
    live: set[int] = set()
    for batch_pks in _chunks([pk for pk, _ in out.orders]):
        live.update(s.scalars(select(Shipment.order_pk).where(
            Shipment.order_pk.in_(batch_pks), Shipment.status == "created")))
    out.problems += [f"order {number} has no live shipping label"
                     for pk, number in out.orders if pk not in live]
    return out


def reprint_orders(sessions: sessionmaker[Session], config: StationConfig, refs: Iterable[str],
                   progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> BatchReprint:
    """Queue the live labels of several orders again, one order per transaction.

    Every ref is checked first: if any names no order, or an order without a live label,
    ShipmentError lists them all and nothing is queued. A cancel stops the batch after the
    order being reprinted; `progress` hears of each order done.
    """
    wanted = list(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    with sessions() as s:
        resolved = _resolve(s, wanted)
    if resolved.problems:
        shown = resolved.problems[:_SHOWN]
        if len(resolved.problems) > _SHOWN:
            shown.append(f"and {len(resolved.problems) - _SHOWN} more")
        raise ShipmentError("; ".join(shown))
    shipping = Shipping(config)
    total = len(resolved.orders)
    done: list[OrderReprint] = []
    if progress is not None:
        progress(Progress(0, total, "reprinting"))
    for pk, number in resolved.orders:
        if cancel is not None and cancel.cancelled:
            break
        with sessions.begin() as s:
            live = s.scalars(select(Shipment).where(Shipment.order_pk == pk,
                                                    Shipment.status == "created")
                             .order_by(Shipment.package_index)).all()
            # Checked above, but a label may be voided meanwhile at another station.
            done.append(OrderReprint(number, shipping.reprint_shipments(s, live)) if live
                        else OrderReprint(number, error="no live shipping label"))
        if progress is not None:
            progress(Progress(len(done), total, "reprinting", number))
    left = tuple(number for _, number in resolved.orders[len(done):])
    return BatchReprint(tuple(done), left, cancelled=bool(left))


def packed_today(sessions: sessionmaker[Session], station_id: str, *,
                 now: datetime | None = None) -> list[str]:
    """Return the numbers of orders packed at `station_id` today (local time) with a live label.

    They come in the order they were packed.
    """
    local = (now or datetime.now()).astimezone()
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    # Stored times are UTC (SQLite keeps them without an offset): compare in UTC.
    start_utc, end_utc = start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
    last = func.max(PackSession.ended_at)
    with sessions() as s:
        rows = s.execute(
            select(Order.order_number, last)
            .join(PackSession, PackSession.order_pk == Order.id)
            .where(PackSession.station_id == station_id, PackSession.status == "packed",
                   PackSession.ended_at >= start_utc, PackSession.ended_at < end_utc,
                   Order.id.in_(select(Shipment.order_pk)
                                .where(Shipment.status == "created")))
            .group_by(Order.id, Order.order_number)
            .order_by(last, Order.id)
        ).all()
    return [number for number, _ in rows]


def void_shipment(sessions: sessionmaker[Session], config: StationConfig, tracking: str,
                  reason: str) -> str:
    """Void the live label with this tracking number; return its order number."""
    with sessions.begin() as s:
        shipment = s.scalars(select(Shipment).where(Shipment.tracking_number == tracking,
                                                    Shipment.status == "created")).first()
        if shipment is None:
            raise ShipmentError(f"no live shipping label {tracking!r}")
        Shipping(config).void(s, shipment, reason.strip()[:200])
        order = s.get(Order, shipment.order_pk)
        assert order is not None
        if order.status == "packed":  # the backend heard of this label: tell it
            Notifier(config).shipment_voided(s, shipment, reason.strip()[:200])
        return order.order_number


def list_shipments(sessions: sessionmaker[Session], ref: str | None) -> list[tuple[str, ...]]:
    """Return (order, package, tracking, sscc, status, reprints, created) rows, newest first."""
    with sessions() as s:
        query = select(Shipment, Order.order_number).join(Order, Shipment.order_pk == Order.id)
        if ref:
            query = query.where(Shipment.order_pk == _order(s, ref).id)
        rows = s.execute(query.order_by(Shipment.id.desc()).limit(200)).all()
        return [
            (number, f"{sh.package_index}/{sh.package_count}", sh.tracking_number or "-",
             sh.sscc or "-", sh.status, f"reprints={sh.reprints}",
             sh.created_at.isoformat(timespec="seconds"))
            for sh, number in rows
        ]
