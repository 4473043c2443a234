"""Describe what every scale driver offers: the `Weight` value, the `Scale` protocol, link states.

Every device class (`MtSicsScale`, `ToledoScale`, `ContinuousScale`) implements `Scale`:

- weights are in grams, whatever unit the scale uses on the wire;
- `Weight.stable` says whether the scale reported the load as settled; `weight_stable()`
  never returns a weight the scale reported in motion (it raises `ScaleMotionError`, a
  `ScaleBusyError`, when the load does not settle before the deadline);
- overload and underload are exceptions (`ScaleOverloadError`, `ScaleUnderloadError`), never
  a weight;
- the stream opens on first use; after a lost connection the call that saw it raises
  `ScaleConnectionError` and the next call reconnects.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["CONNECTED_STATES", "Scale", "ScaleState", "Weight"]


@dataclass(frozen=True, slots=True)
class Weight:
    """A net weight in grams; `raw` is the reply line as received (without its terminator)."""

    grams: float
    stable: bool
    raw: str


class ScaleState(enum.Enum):
    """State of the link to one scale, as the last call left it."""

    DISCONNECTED = "disconnected"  # not open, or lost (the next call reconnects)
    CONNECTED = "connected"  # the last exchange was well-formed
    FAULT = "fault"  # open, but the last reply was missing or malformed


CONNECTED_STATES = frozenset({ScaleState.CONNECTED, ScaleState.FAULT})


@runtime_checkable
class Scale(Protocol):
    """What the station needs from any scale."""

    url: str

    def weight_immediate(self) -> Weight:
        """Return the current weight, stable or not (raise if the scale sends none)."""
        ...

    def weight_stable(self, timeout_s: float | None = None) -> Weight:
        """Return a stable weight; `ScaleBusyError` if there is none before the deadline."""
        ...

    def zero(self) -> None:
        """Set the scale to zero."""
        ...

    def tare(self) -> Weight | None:
        """Tare the scale; return the tare weight when the scale reports it."""
        ...

    def close(self) -> None:
        """Close the stream (the next call opens it again)."""
        ...
