"""Build the flow's decisions and describe the next step to the packer (shared helpers)."""

from __future__ import annotations

from station.domain.effects import Decision
from station.domain.state import PackState, Phase


def box_weights(state: PackState) -> tuple[tuple[int, float | None], ...]:
    """Return (index, weight) of every box of the order."""
    return tuple((p.index, p.weight_g) for p in state.packages)


def reset_order(state: PackState) -> None:
    """Forget the order that just closed or stopped; the packer stays logged in."""
    state.labels = []
    state.order = None
    state.packages = []
    state.pending = None
    state.supervisor = None
    state.last_weight = None
    state.session_id = None
    state.phase = Phase.IDLE


def accept(kind: str, message: str, effects=None, *, line_pk: int | None = None) -> Decision:
    """Return an accepted decision."""
    return Decision("accepted", kind, message=message, effects=list(effects or []), line_pk=line_pk)


def reject(
    state: PackState, kind: str, reason: str, message: str, *, line_pk: int | None = None,
    code: str = "",
) -> Decision:
    """Return a rejection that leaves the state as it is."""
    return Decision(
        "rejected", kind, reason, message, prompt=prompt(state), line_pk=line_pk, code=code
    )


def not_now(state: PackState, message: str) -> Decision:
    """Refuse a command that does not apply in this phase."""
    return reject(state, "command", "command_not_allowed", message)


def weigh_hint(state: PackState) -> str:
    """Say what to do while the station waits for a weight."""
    if state.phase == Phase.WEIGHT_REJECTED:
        return "Weight rejected: fix the parcel and scan CMD:REWEIGH, or call a supervisor."
    return "Waiting for the weight: place the parcel on the scale."


def prompt(state: PackState) -> str:
    """Return the next thing the packer should do, in words."""
    phase = state.phase
    if phase == Phase.LOGGED_OUT:
        return "Scan your badge"
    if phase == Phase.IDLE:
        return "Scan an order"
    order = state.order
    assert order is not None
    if phase == Phase.SCANNING:
        return f"Scan items ({order.units_packed}/{order.units_total})"
    if phase in (Phase.AWAIT_LOT, Phase.AWAIT_SERIAL):
        assert state.pending is not None
        line = order.line(state.pending.line_pk)
        what = "lot" if phase == Phase.AWAIT_LOT else "serial"
        return f"Scan the {what} number of {line.sku}"
    if phase == Phase.WEIGHING:
        return "Place the parcel on the scale"
    if phase == Phase.WEIGHT_REJECTED:
        return "Re-weigh (CMD:REWEIGH) or supervisor override"
    if phase == Phase.AWAIT_LABEL:
        done = sum(label.confirmed for label in state.labels)
        return f"Scan the shipping label ({done}/{len(state.labels)})"
    return "Supervisor: scan a reason code"
