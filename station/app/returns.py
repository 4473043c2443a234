"""Record returned parcels and their inspection, and tell the backend (outbox events).

A return is checked against what was shipped: a SKU that was not in the order, or more
units than were packed, is refused with a clear message and nothing is written. The event
goes to the outbox in the same transaction as the check, like every other event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from station.app.shipments import find_order
from station.config import StationConfig
from station.data.models import Order, OrderLine, PackedUnit, PackSession, Product
from sync.outbox.store import enqueue
from sync.payloads import InspectedLine, ReturnLine, return_inspected, return_received


class ReturnError(ValueError):
    """The return does not match the order as shipped."""


def _shipped(s: Session, ref: str) -> tuple[Order, Counter]:
    order = find_order(s, ref)
    if order is None:
        raise ReturnError(f"no order {ref!r}")
    if order.status != "packed":
        raise ReturnError(f"order {order.order_number} was not shipped (status {order.status})")
    rows = s.execute(
        select(Product.sku, func.count())
        .select_from(PackedUnit).join(PackSession, PackedUnit.session_id == PackSession.id)
        .join(OrderLine, PackedUnit.line_pk == OrderLine.id)
        .join(Product, OrderLine.product_id == Product.id)
        .where(PackSession.order_pk == order.id, PackSession.status == "packed",
               PackedUnit.voided.is_(False))
        .group_by(Product.sku)
    ).all()
    return order, Counter(dict(rows))


def _check(shipped: Counter, lines: Sequence[tuple[str, int]], number: str) -> None:
    asked: Counter = Counter()
    for sku, qty in lines:
        if qty < 1:
            raise ReturnError(f"{sku}: quantity must be at least 1")
        asked[sku] += qty
    for sku, qty in asked.items():
        if sku not in shipped:
            raise ReturnError(f"{sku} was not shipped in order {number}")
        if qty > shipped[sku]:
            raise ReturnError(f"{sku}: {qty} returned but {shipped[sku]} shipped in {number}")


def receive_return(sessions: sessionmaker[Session], config: StationConfig, ref: str,
                   return_id: str, lines: Sequence[tuple[str, int]]) -> str:
    """Record a received return; return the order number."""
    if not lines:
        raise ReturnError("a return needs at least one line")
    with sessions.begin() as s:
        order, shipped = _shipped(s, ref)
        _check(shipped, lines, order.order_number)
        enqueue(s, site=config.station.site, station_id=config.station.id,
                order_id=order.order_id, kind="return.received", data=return_received(
                    order_id=order.order_id, return_id=return_id,
                    received_at=datetime.now(UTC),
                    lines=[ReturnLine(sku=sku, qty=qty) for sku, qty in lines]))
        return order.order_number


def inspect_return(sessions: sessionmaker[Session], config: StationConfig, ref: str,
                   return_id: str, lines: Sequence[tuple[str, int, str]],
                   refund_recommended: bool) -> str:
    """Record the inspection of a return; return the order number."""
    if not lines:
        raise ReturnError("an inspection needs at least one line")
    with sessions.begin() as s:
        order, shipped = _shipped(s, ref)
        _check(shipped, [(sku, qty) for sku, qty, _ in lines], order.order_number)
        enqueue(s, site=config.station.site, station_id=config.station.id,
                order_id=order.order_id, kind="return.inspected", data=return_inspected(
                    order_id=order.order_id, return_id=return_id,
                    inspected_at=datetime.now(UTC), refund_recommended=refund_recommended,
                    lines=[InspectedLine(sku=sku, qty=qty, condition=cond)
                           for sku, qty, cond in lines]))
        return order.order_number
