"""Reprint, void and list shipping labels outside a pack (supervisor tasks)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from station.app.notify import Notifier
from station.app.shipping import Shipping
from station.config import StationConfig
from station.data.models import Order, Shipment


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
