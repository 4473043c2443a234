"""Define what the station sees of a vertical lift module (VLM), whatever the controller speaks.

A pick from a VLM is one transaction with four steps; every adapter (`kardex-jmif`, `modbus`)
implements them the same way:

1. `call_tray(TrayLocation)`: ask for a tray (carrier) at an opening; the controller accepts
   the task (or rejects it: `VlmRejectedError`). The light pointer shows `pos_x`/`pos_y`.
2. `wait_tray_present(timeout_s)`: True once the tray is at the opening (False on timeout:
   the tray is still travelling, which is not an error).
3. `wait_confirmation(timeout_s)`: the quantity the operator confirmed at the machine, or
   None on timeout (the operator has not confirmed yet).
4. `release_tray()`: send the tray back; the call is closed.

Waiting for the machine or the operator returns False/None on timeout; only a controller that
does not answer a *request* in time raises `VlmTimeoutError`. `status()` does no I/O.

State (`VlmState`) is kept by each adapter and reported to listeners registered with
`on_vlm_state_changed`; the station maps it into its own states at one boundary.
`AdapterBase` holds what every adapter does alike there: `state`, the listeners, `with`
(closes at the end) and the deadline of a request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, Self, runtime_checkable

__all__ = [
    "CONNECTED_STATES",
    "TRAY_OPEN_STATES",
    "AdapterBase",
    "Confirmation",
    "Operation",
    "StateKeeper",
    "TrayCall",
    "TrayLocation",
    "VlmController",
    "VlmState",
    "VlmStatus",
]

log = logging.getLogger(__name__)


class VlmState(Enum):
    """Where the controller and the current tray call are."""

    DISCONNECTED = "disconnected"  # not connected: not opened yet, lost, or closed
    IDLE = "idle"  # connected, no tray called
    CALLING = "calling"  # a tray was requested and is travelling to the opening
    PRESENT = "present"  # the tray is at the opening, waiting for the operator
    CONFIRMED = "confirmed"  # the operator confirmed the quantity; the tray is still open
    RELEASING = "releasing"  # the tray is being sent back
    FAULT = "fault"  # the controller is not ready (e.g. out of automatic mode)


CONNECTED_STATES = frozenset(set(VlmState) - {VlmState.DISCONNECTED})
TRAY_OPEN_STATES = frozenset({VlmState.PRESENT, VlmState.CONFIRMED})


class Operation(Enum):
    """What the operator does at the tray; each maps to a task type of the controller."""

    PICK = "pick"
    PUT = "put"
    COUNT = "count"


@dataclass(frozen=True, slots=True)
class TrayLocation:
    """Which tray to bring and which cell to point at, with what the operator should see.

    `carrier` is the tray number (1..), `address` the VLM unit/opening as the controller names
    it ("" = the adapter's default), `pos_x`/`pos_y` the cell centre in mm from the tray's
    bottom-left corner for the light pointer (None = no pointer), `quantity` the quantity to
    pick/put (shown to the operator, who confirms what was actually taken).
    """

    carrier: int
    address: str = ""
    pos_x: int | None = None
    pos_y: int | None = None
    quantity: int = 0
    operation: Operation = Operation.PICK
    article: str = ""
    description: str = ""
    order: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.carrier < 1:
            raise ValueError(f"carrier must be 1 or more (0 means release), not {self.carrier}")
        if self.quantity < 0:
            raise ValueError(f"quantity must not be negative, not {self.quantity}")
        for name in ("pos_x", "pos_y"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")


@dataclass(frozen=True, slots=True)
class TrayCall:
    """A tray call the controller has been sent; `task_id` identifies it on the wire."""

    task_id: str
    location: TrayLocation
    accepted: bool  # the controller acknowledged the task (False: sent, no ack expected/seen)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The operator's confirmation: `quantity` actually taken/put/counted, `requested` asked."""

    task_id: str
    quantity: int
    requested: int

    @property
    def short(self) -> bool:
        """True when the operator confirmed less than requested (e.g. the cell was empty)."""
        return self.quantity < self.requested


@dataclass(frozen=True, slots=True)
class VlmStatus:
    """A snapshot of an adapter: state, open call, last controller error (for diagnostics)."""

    state: VlmState
    call: TrayCall | None
    last_error: str = ""

    @property
    def connected(self) -> bool:
        """True in every state but DISCONNECTED."""
        return self.state in CONNECTED_STATES


@runtime_checkable
class VlmController(Protocol):
    """The interface every VLM adapter implements (see the module docstring for the flow)."""

    @property
    def state(self) -> VlmState:
        """The current state."""
        ...

    def call_tray(self, location: TrayLocation, *, timeout_s: float | None = None) -> TrayCall:
        """Ask for the tray and wait for the acknowledgement; raise `VlmStateError` if a call
        is open, `VlmRejectedError` if the controller refuses the task."""
        ...

    def wait_tray_present(self, timeout_s: float) -> bool:
        """Wait until the called tray is at the opening; False on timeout."""
        ...

    def tray_present(self) -> bool:
        """Return whether the called tray is at the opening, without waiting."""
        ...

    def wait_confirmation(self, timeout_s: float) -> Confirmation | None:
        """Wait for the operator's confirmation of the quantity; None on timeout."""
        ...

    def release_tray(self, *, timeout_s: float | None = None) -> None:
        """Send the open tray back (also when no call is known, e.g. after a restart)."""
        ...

    def ping(self) -> None:
        """Check that the controller answers; raise a `VlmError` if it does not."""
        ...

    def status(self) -> VlmStatus:
        """Return a snapshot of the state (no I/O)."""
        ...

    def on_vlm_state_changed(self, listener: Callable[[VlmState], None]) -> None:
        """Call `listener(new_state)` on every state change (on the thread that caused it)."""
        ...

    def close(self) -> None:
        """Close the connection (the next call reconnects)."""
        ...


class StateKeeper:
    """Hold a `VlmState` and notify listeners when it changes; a listener that fails is logged."""

    def __init__(self) -> None:
        self._state = VlmState.DISCONNECTED
        self._listeners: list[Callable[[VlmState], None]] = []
        self._lock = threading.Lock()

    @property
    def state(self) -> VlmState:
        """The current state."""
        return self._state

    def add_listener(self, listener: Callable[[VlmState], None]) -> None:
        """Register `listener` for state changes."""
        with self._lock:
            self._listeners.append(listener)

    def set(self, state: VlmState) -> None:
        """Change the state; notify listeners if it changed."""
        with self._lock:
            if state is self._state:
                return
            self._state = state
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(state)
            except Exception:  # a broken listener must not break the device
                log.exception("VLM state listener failed")


class AdapterBase:
    """The state, listener and `with` plumbing of an adapter with a `StateKeeper` (`_states`)."""

    _states: StateKeeper
    timeout_s: float

    @property
    def state(self) -> VlmState:
        """The current state."""
        return self._states.state

    def on_vlm_state_changed(self, listener: Callable[[VlmState], None]) -> None:
        """Call `listener(new_state)` on every state change."""
        self._states.add_listener(listener)

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _deadline(self, timeout_s: float | None) -> float:
        """Return the monotonic deadline `timeout_s` from now (None: the adapter's timeout)."""
        return time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
