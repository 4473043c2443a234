"""Define the station database: catalogue, orders, packers and every pack decision.

Times are stored as timezone-aware UTC. Weights are grams (float). The same models run on
SQLite (embedded default) and PostgreSQL (multi-station sites).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    unit_weight_g: Mapped[float] = mapped_column(Float)
    length_mm: Mapped[float | None] = mapped_column(Float)
    width_mm: Mapped[float | None] = mapped_column(Float)
    height_mm: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str] = mapped_column(String(100), default="")
    fragile: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_serial: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_lot: Mapped[bool] = mapped_column(Boolean, default=False)
    image_url: Mapped[str] = mapped_column(String(500), default="")
    # Learned from accepted single-SKU parcels: running mean of the measured unit weight.
    learned_weight_g: Mapped[float | None] = mapped_column(Float)
    learned_samples: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    barcodes: Mapped[list[ProductBarcode]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )


class ProductBarcode(Base):
    """One scannable code of a product; `code` is normalised (GTIN-14 for GTINs)."""

    __tablename__ = "product_barcodes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # gtin | alias
    original: Mapped[str] = mapped_column(String(128))

    product: Mapped[Product] = relationship(back_populates="barcodes")


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[str] = mapped_column(String(64), unique=True)
    order_number: Mapped[str] = mapped_column(String(64), unique=True)
    pick_list_id: Mapped[str | None] = mapped_column(String(64), index=True)
    tote_id: Mapped[str | None] = mapped_column(String(64), index=True)
    customer_first_name: Mapped[str] = mapped_column(String(100), default="")
    customer_last_name: Mapped[str] = mapped_column(String(100), default="")
    customer_email: Mapped[str] = mapped_column(String(254), default="")
    ship_to: Mapped[dict] = mapped_column(JSON, default=dict)
    carrier: Mapped[str] = mapped_column(String(64), default="")
    service: Mapped[str] = mapped_column(String(64), default="")
    insert_message: Mapped[str] = mapped_column(Text, default="")
    review_url: Mapped[str] = mapped_column(String(1000), default="")
    returns_url: Mapped[str] = mapped_column(String(1000), default="")
    brand: Mapped[str] = mapped_column(String(64), default="")  # picks templates
    channel: Mapped[str] = mapped_column(String(64), default="")
    # Labels the backend made for this order: [{"tracking_number", "zpl"}], one per parcel.
    supplied_labels: Mapped[list] = mapped_column(JSON, default=list)
    # The backend's delivery estimate {"earliest", "latest"}; it overrides the computed one.
    estimated_delivery: Mapped[dict | None] = mapped_column(JSON)
    # ready | packing | packed | on_hold
    status: Mapped[str] = mapped_column(String(16), default="ready", index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.position"
    )


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_pk", "line_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    qty: Mapped[int] = mapped_column(Integer)
    lot: Mapped[str | None] = mapped_column(String(64))  # required lot, when the order fixes one

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class Packer(Base):
    __tablename__ = "packers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    badge_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # packer | supervisor
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class BoxType(Base):
    __tablename__ = "box_types"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    tare_g: Mapped[float] = mapped_column(Float)
    length_mm: Mapped[float | None] = mapped_column(Float)
    width_mm: Mapped[float | None] = mapped_column(Float)
    height_mm: Mapped[float | None] = mapped_column(Float)


class StationState(Base):
    """What a station was doing, so a restart resumes exactly there."""

    __tablename__ = "station_state"

    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    packer_id: Mapped[int | None] = mapped_column(ForeignKey("packers.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("pack_sessions.id"))
    # Flow phase and its small payload (pending unit, pending override...), as JSON.
    phase: Mapped[str] = mapped_column(String(32), default="logged_out")
    pending: Mapped[dict] = mapped_column(JSON, default=dict)
    scan_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PackSession(Base):
    __tablename__ = "pack_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    packer_id: Mapped[int] = mapped_column(ForeignKey("packers.id"))
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    # open | packed | exception | cancelled
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ScanEvent(Base):
    """Every line the scanner delivered, with the verdict the station gave it."""

    __tablename__ = "scan_events"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("pack_sessions.id"), index=True)
    packer_id: Mapped[int | None] = mapped_column(ForeignKey("packers.id"))
    raw: Mapped[str] = mapped_column(Text)  # text as received; undecodable bytes as \\x escapes
    code: Mapped[str] = mapped_column(Text, default="")
    symbology: Mapped[str] = mapped_column(String(8), default="")
    kind: Mapped[str] = mapped_column(String(16))  # item | badge | order | command | data | bad
    verdict: Mapped[str] = mapped_column(String(16))  # accepted | rejected | info
    reason: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    line_pk: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Package(Base):
    __tablename__ = "packages"
    __table_args__ = (UniqueConstraint("session_id", "index"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("pack_sessions.id"), index=True)
    index: Mapped[int] = mapped_column(Integer)  # 1-based within the pack session
    box_type_id: Mapped[int | None] = mapped_column(ForeignKey("box_types.id"))
    # open | weighing | accepted | overridden
    status: Mapped[str] = mapped_column(String(16), default="open")
    expected_g: Mapped[float | None] = mapped_column(Float)
    weight_g: Mapped[float | None] = mapped_column(Float)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PackedUnit(Base):
    """One unit verified into a package, with its lot and serial when captured."""

    __tablename__ = "packed_units"
    __table_args__ = (Index("ix_packed_units_serial", "product_id", "serial"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("pack_sessions.id"), index=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    line_pk: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str | None] = mapped_column(String(64))
    serial: Mapped[str | None] = mapped_column(String(64))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan_events.id"))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)


class WeighEvent(Base):
    """Every weight the station judged, with its verdict."""

    __tablename__ = "weigh_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    weight_g: Mapped[float] = mapped_column(Float)
    expected_g: Mapped[float] = mapped_column(Float)
    allowance_g: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(16))  # accepted | rejected
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Shipment(Base):
    """One parcel's shipping label: tracking number, SSCC, the ZPL that was printed."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    package_index: Mapped[int] = mapped_column(Integer)
    package_count: Mapped[int] = mapped_column(Integer)
    carrier: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(32), default="")  # offline | supplied
    tracking_number: Mapped[str | None] = mapped_column(String(64), index=True)
    sscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    weight_g: Mapped[float | None] = mapped_column(Float)
    label_zpl: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="created")  # created | voided
    reprints: Mapped[int] = mapped_column(Integer, default=0)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrintJob(Base):
    """A durable print job: queued in the transaction that decided it, printed later."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_station_status", "station_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(32))  # label_printer | receipt_printer
    kind: Mapped[str] = mapped_column(String(16))  # label | insert | test
    order_pk: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # queued | printed | held (the printer has it, waiting for a fault to clear) | cancelled
    status: Mapped[str] = mapped_column(String(16), default="queued")
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdCounter(Base):
    """Gap-free serial numbers (SSCC serial references, tracking serials), by name."""

    __tablename__ = "id_counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger, default=1)


class PackException(Base):
    """A stop in the normal flow: short pick, damage, cancelled pack, supervisor override."""

    __tablename__ = "pack_exceptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("pack_sessions.id"), index=True)
    order_pk: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # short_pick | damaged | cancelled | override
    reason: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    packer_id: Mapped[int | None] = mapped_column(ForeignKey("packers.id"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("packers.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxEvent(Base):
    """One event for the customer-notification backend, written with the change it tells.

    `id` (UUIDv7) is fixed at write time and is the idempotency key for ever; `body` is the
    CloudEvent exactly as it will be sent. Nothing is deleted before it is acknowledged.
    """

    __tablename__ = "outbox_events"
    __table_args__ = (
        UniqueConstraint("order_id", "order_seq"),
        UniqueConstraint("station_id", "station_seq"),
        Index("ix_outbox_events_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64))
    station_seq: Mapped[int] = mapped_column(BigInteger)
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    order_seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # the CloudEvent, JSON
    # pending | delivered | dead (refused by the backend; kept, visible, retryable)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer)  # HTTP status of the last try
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

