"""Make each parcel's shipping label and the order's insert, and queue them for printing.

Everything here runs inside the transaction that accepts the order's last box: the
shipments (tracking number, SSCC, the exact ZPL), the print jobs and the serial numbers
they use are committed together with the decision, or not at all. SSCC serial references
and offline tracking serials come from gap-free counters (`station.data.counters`).

Label source (`[printing] label_provider`): `supplied` uses the labels the backend sent
with the order (one per parcel, in parcel order); `offline` makes them here with UPU S10
tracking numbers; `auto` uses the supplied ones when there are enough, else offline.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from station.config import StationConfig
from station.data.counters import allocate
from station.data.models import (
    Order,
    Package,
    PackedUnit,
    PrintJob,
    Product,
    Shipment,
    utcnow,
)
from station.domain.state import LabelState, OrderState, PackerInfo
from station.printing.gs1_ids import sscc18
from station.printing.insert import InsertData, InsertLine, render_insert
from station.printing.label import Address
from station.printing.providers import (
    LabelProvider,
    LabelRequest,
    OfflineLabelProvider,
    SuppliedLabelProvider,
)
from station.printing.templates import LabelError


class ShippingError(Exception):
    """A parcel's label or the insert cannot be made; nothing of the decision is stored."""


def _address(parts: dict, fallback_name: str = "") -> Address:
    return Address(
        name=parts.get("name") or fallback_name, street=parts.get("street", ""),
        city=parts.get("city", ""), postal_code=parts.get("postal_code", ""),
        country=parts.get("country", ""), region=parts.get("region", ""),
    )


class Shipping:
    """Create shipments and print jobs for one station, from its configuration."""

    def __init__(self, config: StationConfig) -> None:
        self.config = config
        self.printing = config.printing
        self.station_id = config.station.id

    # ---------------------------------------------------------------- create
    def create(
        self, s: Session, order_state: OrderState, packer: PackerInfo | None, session_id: int,
        packages: tuple[tuple[int, float | None], ...],
    ) -> list[LabelState]:
        """Make and queue every parcel's label (and the insert); return what to scan back."""
        order = s.get(Order, order_state.order_pk)
        assert order is not None
        try:
            labels = self._labels(s, order, session_id, packages)
            if self.printing.print_insert and self.config.devices.receipt_printer.url:
                insert = self._insert(s, order_state, packer, order, session_id)
                self._queue(s, "receipt_printer", "insert", order.id, None, insert)
        except (LabelError, ValueError) as exc:
            raise ShippingError(f"order {order.order_number}: {exc}") from exc
        return labels

    def _labels(self, s: Session, order: Order, session_id: int,
                packages: tuple[tuple[int, float | None], ...]) -> list[LabelState]:
        p = self.printing
        count = len(packages)
        supplied = list(order.supplied_labels or [])
        provider = self._provider(s, order, supplied, count)
        ship_from = _address(p.ship_from.model_dump(), fallback_name=self.config.station.site)
        ship_to = _address(order.ship_to or {})
        package_ids = dict(s.execute(
            select(Package.index, Package.id).where(Package.session_id == session_id)
        ).all())
        out = []
        for index, weight in packages:
            sscc = ""
            if p.sscc_company_prefix:
                serial = allocate(s, f"sscc:{p.sscc_extension}{p.sscc_company_prefix}")
                sscc = sscc18(p.sscc_extension, p.sscc_company_prefix, serial)
            given = supplied[index - 1] if isinstance(provider, SuppliedLabelProvider) else {}
            made = provider.create(LabelRequest(
                ship_from=ship_from, ship_to=ship_to, carrier=order.carrier,
                service=order.service, order_number=order.order_number, package_index=index,
                package_count=count, weight_g=round(weight or 0), sscc=sscc,
                reference=order.order_id, supplied_zpl=given.get("zpl"),
                supplied_tracking=given.get("tracking_number"),
            ))
            shipment = Shipment(
                package_id=package_ids[index], order_pk=order.id, package_index=index,
                package_count=count, carrier=made.carrier, service=made.service,
                provider=made.provider, tracking_number=made.tracking_number,
                sscc=sscc or None, weight_g=weight, label_zpl=made.zpl,
            )
            s.add(shipment)
            s.flush()
            if self.config.devices.label_printer.url:
                self._queue(s, "label_printer", "label", order.id, shipment.id, made.zpl)
            out.append(LabelState(index, made.tracking_number, sscc or None))
        return out

    def _provider(self, s: Session, order: Order, supplied: list, count: int) -> LabelProvider:
        p = self.printing
        if p.label_provider == "supplied" or (p.label_provider == "auto" and supplied):
            if len(supplied) < count:
                if p.label_provider == "supplied":
                    raise LabelError(f"{len(supplied)} supplied label(s) for {count} parcel(s)")
            else:
                return SuppliedLabelProvider()
        counter = f"s10:{p.tracking_service}{p.tracking_country}"
        return OfflineLabelProvider(
            lambda: allocate(s, counter), tracking_service=p.tracking_service,
            country=p.tracking_country, dpi=p.label_dpi, template=p.label_template,
            brand=order.brand, channel=order.channel, templates_dir=p.templates_dir or None,
        )

    def _insert(self, s: Session, order_state: OrderState, packer: PackerInfo | None,
                order: Order, session_id: int) -> bytes:
        units = s.execute(
            select(PackedUnit.line_pk, PackedUnit.lot, PackedUnit.serial)
            .where(PackedUnit.session_id == session_id, PackedUnit.voided.is_(False))
        ).all()
        lines = []
        for line in order_state.lines:
            mine = [u for u in units if u.line_pk == line.line_pk]
            lots = sorted({u.lot for u in mine if u.lot})
            lines.append(InsertLine(
                sku=line.sku, title=line.title, qty=line.qty, lot=", ".join(lots),
                serials=tuple(u.serial for u in mine if u.serial),
            ))
        product_ids = {line.product_id for line in order_state.lines}
        categories = s.scalars(
            select(Product.category).where(Product.id.in_(product_ids), Product.category != "")
        ).all()
        p = self.printing
        data = InsertData(
            order_number=order.order_number, order_id=order.order_id,
            customer_first_name=order.customer_first_name, lines=tuple(lines),
            message=order.insert_message, review_url=order.review_url,
            returns_url=order.returns_url, categories=tuple(sorted(set(categories))),
            station_id=self.station_id,
            packer_name=packer.name if packer else "",
            brand=order.brand, channel=order.channel,
        )
        return render_insert(
            data, profile=p.insert_profile, template=p.insert_template, brand=order.brand,
            channel=order.channel, review_url_template=p.review_url_template,
            returns_url_template=p.returns_url_template, templates_dir=p.templates_dir or None,
        )

    def _queue(self, s: Session, device: str, kind: str, order_pk: int,
               shipment_id: int | None, payload: bytes, *, reprint: bool = False) -> None:
        s.add(PrintJob(station_id=self.station_id, device=device, kind=kind, order_pk=order_pk,
                       shipment_id=shipment_id, payload=payload, reprint=reprint))

    # ------------------------------------------------------- after creation
    def confirm(self, s: Session, session_id: int, index: int) -> None:
        """Record that parcel `index`'s label was scanned back."""
        s.execute(
            update(Shipment).where(
                Shipment.package_id.in_(
                    select(Package.id).where(Package.session_id == session_id,
                                             Package.index == index)),
                Shipment.status == "created",
            ).values(confirmed_at=utcnow())
        )

    def reprint(self, s: Session, session_id: int) -> int:
        """Queue the live labels of a pack session again; return how many."""
        shipments = s.scalars(
            select(Shipment).join(Package, Shipment.package_id == Package.id)
            .where(Package.session_id == session_id, Shipment.status == "created")
            .order_by(Shipment.package_index)
        ).all()
        return self.reprint_shipments(s, shipments)

    def reprint_shipments(self, s: Session, shipments: Sequence[Shipment]) -> int:
        """Queue these labels again, exactly as first printed; count the reprints."""
        for shipment in shipments:
            shipment.reprints += 1
            if self.config.devices.label_printer.url and shipment.label_zpl:
                self._queue(s, "label_printer", "label", shipment.order_pk, shipment.id,
                            shipment.label_zpl, reprint=True)
        return len(shipments)

    def void_session(self, s: Session, session_id: int, reason: str) -> list[Shipment]:
        """Void the labels of a pack session that stopped; cancel their unprinted jobs."""
        shipments = s.scalars(
            select(Shipment).join(Package, Shipment.package_id == Package.id)
            .where(Package.session_id == session_id, Shipment.status == "created")
        ).all()
        if shipments:  # the insert of a pack that stopped must not print either
            s.execute(update(PrintJob).where(PrintJob.order_pk == shipments[0].order_pk,
                                             PrintJob.status == "queued")
                      .values(status="cancelled"))
        return [self.void(s, shipment, reason) for shipment in shipments]

    def void(self, s: Session, shipment: Shipment, reason: str) -> Shipment:
        """Void one label: it must not ship; its queued print jobs are cancelled."""
        shipment.status, shipment.voided_at, shipment.void_reason = "voided", utcnow(), reason
        s.execute(update(PrintJob).where(PrintJob.shipment_id == shipment.id,
                                         PrintJob.status == "queued")
                  .values(status="cancelled"))
        return shipment
