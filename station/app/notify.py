"""Write the customer-notification events of a decision to the outbox, in its transaction.

- `order.packed` when the order closes, then one `shipment.created` per parcel (carrier,
  service, tracking number and URL, ship date, estimated delivery window, weight, box
  dimensions, contents, ship-to city and postal code only);
- `order.exception` when a pack stops on a short pick or a damaged item: the order will be
  late, which the backend turns into a proactive "your order is delayed" message;
- `shipment.voided` when a label that was announced must not ship.

The relay delivers them later; nothing here touches the network.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.config import StationConfig
from station.data.models import BoxType, Order, Package, PackedUnit, Shipment
from station.domain.edd import Edd, EddError, SuppliedEdd, estimate
from station.domain.state import OrderState, PackerInfo
from sync.outbox.store import enqueue
from sync.payloads import (
    ContentLine,
    MissingLine,
    PackedLine,
    Place,
    order_exception,
    order_packed,
    shipment_created,
    shipment_voided,
)

# Pack stops the customer hears of, and how: both delay the order.
_EXCEPTIONS = {"short_pick": "short_pick", "damaged": "damaged"}


class Notifier:
    """Turn pack outcomes into outbox events for one station."""

    def __init__(self, config: StationConfig) -> None:
        self.config = config
        self.site = config.station.site
        self.station_id = config.station.id
        self.policy = config.edd.policy(config.printing.ship_from.country)

    def _enqueue(self, s: Session, order_id: str, kind: str, data: dict) -> None:
        enqueue(s, site=self.site, station_id=self.station_id, order_id=order_id, kind=kind,
                data=data)

    def order_packed(
        self, s: Session, order_state: OrderState, packer: PackerInfo | None,
        session_id: int, now: datetime | None = None,
    ) -> int:
        """Enqueue `order.packed` and every parcel's `shipment.created`; return the count."""
        now = now or datetime.now(UTC)
        order = s.get(Order, order_state.order_pk)
        assert order is not None
        units = s.execute(
            select(PackedUnit.package_id, PackedUnit.line_pk, PackedUnit.lot,
                   PackedUnit.serial)
            .where(PackedUnit.session_id == session_id, PackedUnit.voided.is_(False))
            .order_by(PackedUnit.id)
        ).all()
        lines = {line.line_pk: line for line in order_state.lines}
        by_line: dict[int, list] = defaultdict(list)
        for unit in units:
            by_line[unit.line_pk].append(unit)
        packed = []
        for line_pk, mine in by_line.items():
            for lot in sorted({u.lot for u in mine}, key=lambda x: x or ""):
                group = [u for u in mine if u.lot == lot]
                serials = [u.serial for u in group if u.serial]
                packed.append(PackedLine(
                    sku=lines[line_pk].sku, qty=len(group), lot=lot,
                    serials=serials if len(serials) == len(group) else (),
                ))
        shipments = s.scalars(
            select(Shipment).join(Package, Shipment.package_id == Package.id)
            .where(Package.session_id == session_id, Shipment.status == "created")
            .order_by(Shipment.package_index)
        ).all()
        self._enqueue(s, order.order_id, "order.packed", order_packed(
            order_id=order.order_id, order_number=order.order_number, packed_at=now,
            station_id=self.station_id, packer_id=str(packer.id) if packer else "unknown",
            package_count=max(1, len(shipments) or len({u.package_id for u in units})),
            lines=packed,
        ))
        for shipment in shipments:
            edd = self._edd(now, order, shipment)
            contents: dict[int, int] = defaultdict(int)
            for unit in units:
                if unit.package_id == shipment.package_id:
                    contents[unit.line_pk] += 1
            self._enqueue(s, order.order_id, "shipment.created", shipment_created(
                order_id=order.order_id, order_number=order.order_number,
                carrier=shipment.carrier, service=shipment.service,
                tracking_number=shipment.tracking_number or "",
                tracking_url_template=self.config.backend.tracking_urls.get(shipment.carrier),
                ship_date=edd.ship_date if edd else now.date(),
                estimated_delivery=edd,
                weight_g=shipment.weight_g or 0.0,
                dimensions_mm=self._dimensions(s, shipment.package_id),
                package_index=shipment.package_index, package_count=shipment.package_count,
                sscc=shipment.sscc,
                contents=[ContentLine(sku=lines[pk].sku, title=lines[pk].title, qty=qty)
                          for pk, qty in contents.items()],
                ship_to=Place.from_address(order.ship_to or {}),
            ))
        return 1 + len(shipments)

    def order_exception(
        self, s: Session, order_state: OrderState, kind: str, now: datetime | None = None,
    ) -> bool:
        """Enqueue `order.exception` for a stop the customer must hear of; tell if it did."""
        if kind not in _EXCEPTIONS:
            return False  # a cancelled pack goes back to ready: nothing changes for them
        now = now or datetime.now(UTC)
        missing = [MissingLine(sku=line.sku, qty_missing=line.qty - line.packed)
                   for line in order_state.lines if line.packed < line.qty]
        reason = {"short_pick": "An item could not be found in stock at packing.",
                  "damaged": "An item was found damaged at packing."}[kind]
        self._enqueue(s, order_state.order_id, "order.exception", order_exception(
            order_id=order_state.order_id, order_number=order_state.order_number,
            kind=_EXCEPTIONS[kind], reason=reason, detected_at=now, customer_impact="delay",
            lines=missing or None,
        ))
        return True

    def shipment_voided(self, s: Session, shipment: Shipment, reason: str,
                        now: datetime | None = None) -> None:
        """Enqueue `shipment.voided` for a label the backend already heard of."""
        order = s.get(Order, shipment.order_pk)
        assert order is not None
        self._enqueue(s, order.order_id, "shipment.voided", shipment_voided(
            order_id=order.order_id, tracking_number=shipment.tracking_number or "",
            package_index=shipment.package_index, reason=reason or "voided",
            voided_at=now or datetime.now(UTC),
        ))

    def _edd(self, now: datetime, order: Order, shipment: Shipment) -> Edd | None:
        """Return the parcel's delivery estimate: the carrier's, the backend's, or ours."""
        supplied = self._supplied(order, shipment)
        if self.policy is None:
            if supplied is None:
                return None
            return Edd(now.date(), supplied.earliest, supplied.latest, supplied.source)
        ship_to = order.ship_to or {}
        try:
            return estimate(now, self.policy, order.carrier, order.service,
                            ship_to.get("country", ""), ship_to.get("region") or None,
                            supplied=supplied)
        except EddError:  # no rule for this service or destination: no estimate
            return None

    @staticmethod
    def _supplied(order: Order, shipment: Shipment) -> SuppliedEdd | None:
        window, source = None, "carrier"
        labels = order.supplied_labels or []
        if shipment.provider == "supplied" and shipment.package_index <= len(labels):
            window = labels[shipment.package_index - 1].get("estimated_delivery")
        if window is None:
            window, source = order.estimated_delivery, "backend"
        if not window:
            return None
        return SuppliedEdd(date.fromisoformat(window["earliest"]),
                           date.fromisoformat(window["latest"]), source)

    @staticmethod
    def _dimensions(s: Session, package_id: int) -> list[float] | None:
        box = s.execute(
            select(BoxType.length_mm, BoxType.width_mm, BoxType.height_mm)
            .join(Package, Package.box_type_id == BoxType.id).where(Package.id == package_id)
        ).first()
        if box is None or None in box:
            return None
        return [float(x) for x in box]
