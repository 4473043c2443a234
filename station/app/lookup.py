"""Answer the pack flow's questions from the station database."""

from __future__ import annotations

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from station.data.models import (
    BoxType,
    Order,
    OrderLine,
    PackedUnit,
    Packer,
    PackSession,
    Product,
    ProductBarcode,
    Shipment,
)
from station.domain.state import (
    BoxInfo,
    LineState,
    OrderLookup,
    OrderState,
    PackerInfo,
    ProductRef,
)
from station.domain.weight import WeightPolicy, unit_weight


class SqlLookup:
    """Implement the flow's `Lookup` port on one database session."""

    def __init__(self, session: Session, policy: WeightPolicy) -> None:
        self.s = session
        self.policy = policy

    def packer_by_badge(self, badge_id: str) -> PackerInfo | None:
        """Return the packer with this badge."""
        row = self.s.scalars(select(Packer).where(Packer.badge_id == badge_id)).first()
        return packer_info(row) if row else None

    def packer(self, packer_id: int) -> PackerInfo | None:
        """Return the packer with this id."""
        row = self.s.get(Packer, packer_id)
        return packer_info(row) if row else None

    def order_by_ref(self, ref: str) -> OrderLookup | None:
        """Find the order an order id, number, pick-list or tote scan refers to."""
        if not ref or len(ref) > 64:
            return None
        # A tote is reused for later orders: prefer the one not yet packed, newest first.
        stmt = (
            select(Order)
            .where(
                or_(
                    Order.order_id == ref,
                    Order.order_number == ref,
                    Order.pick_list_id == ref,
                    Order.tote_id == ref,
                )
            )
            .order_by(case((Order.status == "packed", 1), else_=0), Order.id.desc())
            .limit(1)
        )
        row = self.s.scalars(stmt).first()
        if row is None:
            return None
        busy = self.s.scalars(
            select(PackSession.station_id).where(
                PackSession.order_pk == row.id, PackSession.status == "open"
            )
        ).first()
        return OrderLookup(self.order_state(row), row.status, busy)

    def order_state(self, row: Order) -> OrderState:
        """Build the in-memory order with each line's barcodes and expected weight."""
        lines = self.s.execute(
            select(OrderLine, Product)
            .join(Product, OrderLine.product_id == Product.id)
            .where(OrderLine.order_pk == row.id)
            .order_by(OrderLine.position)
        ).all()
        product_ids = {p.id for _, p in lines}
        keys: dict[int, set[str]] = {pid: set() for pid in product_ids}
        if product_ids:
            for pid, code in self.s.execute(
                select(ProductBarcode.product_id, ProductBarcode.code).where(
                    ProductBarcode.product_id.in_(product_ids)
                )
            ):
                keys[pid].add(code)
        states = [
            LineState(
                line_pk=line.id,
                line_id=line.line_id,
                product_id=product.id,
                sku=product.sku,
                title=product.title,
                qty=line.qty,
                keys=frozenset(keys[product.id]),
                unit_weight_g=unit_weight(
                    product.unit_weight_g,
                    product.learned_weight_g,
                    product.learned_samples,
                    self.policy.learn_min_samples,
                ),
                requires_lot=product.requires_lot,
                requires_serial=product.requires_serial,
                required_lot=line.lot,
            )
            for line, product in lines
        ]
        return OrderState(
            order_pk=row.id,
            order_id=row.order_id,
            order_number=row.order_number,
            customer_first_name=row.customer_first_name,
            carrier=row.carrier,
            service=row.service,
            lines=states,
        )

    def product_by_keys(self, keys: tuple[str, ...]) -> ProductRef | None:
        """Return the catalogue product one of these barcode keys belongs to."""
        if not keys:
            return None
        row = self.s.execute(
            select(Product.id, Product.sku, Product.title)
            .join(ProductBarcode, ProductBarcode.product_id == Product.id)
            .where(ProductBarcode.code.in_(keys))
            .limit(1)
        ).first()
        return ProductRef(row.id, row.sku, row.title) if row else None

    def serial_in_use(self, product_id: int, serial: str) -> bool:
        """Tell whether this serial was packed in another, not voided, pack."""
        return (
            self.s.scalars(
                select(PackedUnit.id)
                .where(
                    PackedUnit.product_id == product_id,
                    PackedUnit.serial == serial,
                    PackedUnit.voided.is_(False),
                )
                .limit(1)
            ).first()
            is not None
        )

    def box_by_code(self, code: str) -> BoxInfo | None:
        """Return the box type with this code."""
        row = self.s.scalars(select(BoxType).where(BoxType.code == code)).first()
        return box_info(row) if row else None


    def label_owner(self, code: str) -> str | None:
        """Return the order number of the live shipping label with this tracking or SSCC."""
        return self.s.scalars(
            select(Order.order_number).join(Shipment, Shipment.order_pk == Order.id)
            .where(or_(Shipment.tracking_number == code, Shipment.sscc == code),
                   Shipment.status == "created")
            .limit(1)
        ).first()


def packer_info(row: Packer) -> PackerInfo:
    """Convert a packer row."""
    return PackerInfo(row.id, row.badge_id, row.name, row.role, row.active)


def box_info(row: BoxType) -> BoxInfo:
    """Convert a box type row."""
    return BoxInfo(row.id, row.code, row.name, row.tare_g)
