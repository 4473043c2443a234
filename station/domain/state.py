"""Hold what a pack station knows: who packs, which order, what is in which box.

Plain data, no I/O. The application layer loads it from the database at start (so a
restarted station resumes exactly where it was) and persists every change the flow makes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from station.domain.weight import WeightVerdict


class Phase(StrEnum):
    LOGGED_OUT = "logged_out"
    IDLE = "idle"
    SCANNING = "scanning"
    AWAIT_LOT = "await_lot"
    AWAIT_SERIAL = "await_serial"
    WEIGHING = "weighing"
    WEIGHT_REJECTED = "weight_rejected"
    AWAIT_REASON = "await_reason"
    AWAIT_LABEL = "await_label"  # every box accepted; each printed label is to be scanned


ORDER_PHASES = frozenset(Phase) - {Phase.LOGGED_OUT, Phase.IDLE}


@dataclass(frozen=True, slots=True)
class PackerInfo:
    id: int
    badge_id: str
    name: str
    role: str
    active: bool = True

    @property
    def is_supervisor(self) -> bool:
        """Tell whether this badge may authorise overrides."""
        return self.role == "supervisor"


@dataclass(frozen=True, slots=True)
class BoxInfo:
    id: int
    code: str
    name: str
    tare_g: float


@dataclass(frozen=True, slots=True)
class ProductRef:
    id: int
    sku: str
    title: str


@dataclass(slots=True)
class LineState:
    line_pk: int
    line_id: str
    product_id: int
    sku: str
    title: str
    qty: int
    keys: frozenset[str]
    unit_weight_g: float
    requires_lot: bool = False
    requires_serial: bool = False
    required_lot: str | None = None
    packed: int = 0

    @property
    def remaining(self) -> int:
        """Return how many units are still to pack."""
        return self.qty - self.packed


@dataclass(slots=True)
class OrderState:
    order_pk: int
    order_id: str
    order_number: str
    customer_first_name: str
    carrier: str
    service: str
    lines: list[LineState]
    _by_key: dict[str, list[LineState]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for line in self.lines:
            for key in line.keys:
                self._by_key.setdefault(key, []).append(line)

    def lines_for(self, keys: tuple[str, ...]) -> list[LineState]:
        """Return the lines a scanned code matches, in order position."""
        for key in keys:
            found = self._by_key.get(key)
            if found:
                return found
        return []

    def line(self, line_pk: int) -> LineState:
        """Return the line with this primary key."""
        for line in self.lines:
            if line.line_pk == line_pk:
                return line
        raise KeyError(line_pk)

    @property
    def complete(self) -> bool:
        """Tell whether every unit of every line is packed."""
        return all(line.remaining <= 0 for line in self.lines)

    @property
    def units_total(self) -> int:
        """Return the number of units the order holds."""
        return sum(line.qty for line in self.lines)

    @property
    def units_packed(self) -> int:
        """Return the number of units packed so far."""
        return sum(line.packed for line in self.lines)


@dataclass(frozen=True, slots=True)
class OrderLookup:
    order: OrderState
    status: str
    busy_at_station: str | None = None  # station holding an open session, if any


@dataclass(frozen=True, slots=True)
class UnitState:
    line_pk: int
    product_id: int
    lot: str | None = None
    serial: str | None = None


@dataclass(slots=True)
class PackageState:
    index: int
    box: BoxInfo | None = None
    units: list[UnitState] = field(default_factory=list)
    status: str = "open"  # open | weighing | accepted | overridden
    weight_g: float | None = None

    def expected_g(self, order: OrderState) -> float:
        """Return tare plus the unit weights of what is in this box, grams."""
        tare = self.box.tare_g if self.box else 0.0
        return tare + sum(order.line(u.line_pk).unit_weight_g for u in self.units)


@dataclass(slots=True)
class PendingUnit:
    line_pk: int
    lot: str | None = None
    serial: str | None = None


@dataclass(slots=True)
class LabelState:
    """The shipping label of one parcel, as the packer must scan it back."""

    index: int
    tracking_number: str
    sscc: str | None = None
    confirmed: bool = False


@dataclass(slots=True)
class PackState:
    station_id: str
    phase: Phase = Phase.LOGGED_OUT
    packer: PackerInfo | None = None
    session_id: int | None = None
    order: OrderState | None = None
    packages: list[PackageState] = field(default_factory=list)
    pending: PendingUnit | None = None
    supervisor: PackerInfo | None = None
    last_weight: WeightVerdict | None = None
    # An accepted parcel is still on the scale: no weight counts until it reads empty.
    scale_must_clear: bool = False
    labels: list[LabelState] = field(default_factory=list)  # this order's, once made

    @property
    def package(self) -> PackageState | None:
        """Return the box being filled or weighed."""
        return self.packages[-1] if self.packages else None

    def serials_in_pack(self) -> set[tuple[int, str]]:
        """Return (product id, serial) pairs already packed in this order."""
        return {
            (u.product_id, u.serial) for p in self.packages for u in p.units if u.serial
        }


class Lookup(Protocol):
    """Read access the flow needs; the application implements it on the database."""

    def packer_by_badge(self, badge_id: str) -> PackerInfo | None: ...

    def order_by_ref(self, ref: str) -> OrderLookup | None: ...

    def product_by_keys(self, keys: tuple[str, ...]) -> ProductRef | None: ...

    def serial_in_use(self, product_id: int, serial: str) -> bool: ...

    def label_owner(self, code: str) -> str | None:
        """Return the order number whose shipping label has this tracking number or SSCC."""
        ...

    def box_by_code(self, code: str) -> BoxInfo | None: ...
