"""Name the changes a pack decision makes, for the application to persist and announce."""

from __future__ import annotations

from dataclasses import dataclass, field

from station.domain.state import BoxInfo, OrderState, PackerInfo, UnitState
from station.domain.weight import WeightVerdict


@dataclass(frozen=True, slots=True)
class LoggedIn:
    packer: PackerInfo


@dataclass(frozen=True, slots=True)
class LoggedOut:
    packer: PackerInfo


@dataclass(frozen=True, slots=True)
class OrderOpened:
    order: OrderState


@dataclass(frozen=True, slots=True)
class BoxSelected:
    index: int
    box: BoxInfo


@dataclass(frozen=True, slots=True)
class UnitPacked:
    index: int
    unit: UnitState


@dataclass(frozen=True, slots=True)
class BoxClosed:
    index: int
    expected_g: float
    low_g: float
    high_g: float


@dataclass(frozen=True, slots=True)
class BoxReopened:
    index: int


@dataclass(frozen=True, slots=True)
class WeightJudged:
    index: int
    verdict: WeightVerdict


@dataclass(frozen=True, slots=True)
class OverrideApplied:
    index: int
    supervisor: PackerInfo
    reason: str
    verdict: WeightVerdict


@dataclass(frozen=True, slots=True)
class BoxOpened:
    index: int


@dataclass(frozen=True, slots=True)
class OrderPacked:
    order: OrderState
    packages: tuple[tuple[int, float | None], ...]  # (index, weight_g)


@dataclass(frozen=True, slots=True)
class ShipmentsRequested:
    """Every box is accepted: make each parcel's shipping label and print it (and the insert)."""

    order: OrderState
    packages: tuple[tuple[int, float | None], ...]  # (index, weight_g)


@dataclass(frozen=True, slots=True)
class LabelConfirmed:
    index: int
    code: str


@dataclass(frozen=True, slots=True)
class ReprintRequested:
    """Print this order's labels again (jammed, smudged or lost)."""

    order: OrderState


@dataclass(frozen=True, slots=True)
class OrderStopped:
    order: OrderState
    kind: str  # short_pick | damaged | cancelled
    order_status: str  # on_hold | ready


Effect = (
    LoggedIn | LoggedOut | OrderOpened | BoxSelected | UnitPacked | BoxClosed | BoxReopened
    | WeightJudged | OverrideApplied | BoxOpened | OrderPacked | OrderStopped
    | ShipmentsRequested | LabelConfirmed | ReprintRequested
)


@dataclass(slots=True)
class Decision:
    """The verdict on one input, what changed, and what the packer should do next."""

    verdict: str  # accepted | rejected | info
    kind: str  # badge | order | item | lot | serial | command | box | weight | bad
    reason: str = ""
    message: str = ""
    prompt: str = ""
    line_pk: int | None = None
    code: str = ""
    symbology: str = ""
    effects: list[Effect] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Tell whether the input was accepted."""
        return self.verdict == "accepted"
