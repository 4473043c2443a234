"""Apply command barcodes (`CMD:...`) to the pack state: boxes, re-weigh, stops, reprint."""

from __future__ import annotations

from collections.abc import Callable

from station.domain import effects as fx
from station.domain.commands import OVERRIDE_REASONS, Command
from station.domain.effects import Decision
from station.domain.state import ORDER_PHASES, PackState, Phase
from station.domain.verdicts import accept, not_now, reject, reset_order


class CommandsMixin:
    """The command part of `PackFlow` (box closing and overrides are in `WeighingMixin`)."""

    _close_box: Callable[[PackState], fx.BoxClosed]
    _override: Callable[[PackState, str], Decision]

    def _command(self, state: PackState, code: str) -> Decision:
        try:
            cmd = Command(code)
        except ValueError:
            return reject(state, "command", "unknown_command", f"Unknown command {code!r}.")
        if cmd == Command.SHOW_LABELS:  # for the screen; the pack state does not change
            return Decision("info", "command", message="Showing the last labels.")
        if state.phase == Phase.LOGGED_OUT:
            return reject(state, "command", "not_logged_in", "Scan your badge first.")
        if cmd in (Command.SHORT, Command.DAMAGED, Command.CANCEL):
            return self._stop(state, cmd)
        if cmd == Command.LOGOUT:
            if state.phase != Phase.IDLE or state.packer is None:
                return not_now(state, "Finish or cancel the open order before logging out.")
            packer, state.packer, state.phase = state.packer, None, Phase.LOGGED_OUT
            return accept("command", f"Goodbye {packer.name}.", [fx.LoggedOut(packer)])
        if cmd == Command.NEW_BOX:
            if state.phase != Phase.SCANNING:
                return not_now(state, "A new box can be started while scanning items.")
            if not state.package or not state.package.units:
                return reject(state, "command", "empty_box", "This box is still empty.")
            closed = self._close_box(state)
            return accept(
                "command", f"Box {closed.index} closed: place it on the scale.", [closed]
            )
        if cmd == Command.REWEIGH:
            if state.phase == Phase.WEIGHING:
                return Decision("info", "command", message="Waiting for the weight already.")
            if state.phase != Phase.WEIGHT_REJECTED:
                return not_now(state, "Nothing to re-weigh.")
            state.phase = Phase.WEIGHING
            return accept("command", "Re-weighing: place the parcel on the scale.")
        if cmd == Command.BACK:
            return self._back(state)
        if cmd == Command.REPRINT:
            if state.phase != Phase.AWAIT_LABEL or state.order is None:
                return not_now(state, "Labels can be reprinted while the station asks for them.")
            return accept("command", "Printing the labels again.",
                           [fx.ReprintRequested(state.order)])
        reason = OVERRIDE_REASONS.get(cmd)
        if reason is None or state.phase != Phase.AWAIT_REASON:
            return not_now(state, "No override is waiting for a reason.")
        return self._override(state, reason)

    def _back(self, state: PackState) -> Decision:
        if state.phase in (Phase.AWAIT_LOT, Phase.AWAIT_SERIAL):
            state.pending = None
            state.phase = Phase.SCANNING
            return accept("command", "Unit dropped; continue scanning.")
        if state.phase == Phase.AWAIT_REASON:
            state.supervisor = None
            state.phase = Phase.WEIGHT_REJECTED
            return accept("command", "Override abandoned.")
        if state.phase == Phase.WEIGHING and state.order and not state.order.complete:
            assert state.package is not None
            state.package.status = "open"
            state.phase = Phase.SCANNING
            return accept(
                "command", "Box reopened.", [fx.BoxReopened(state.package.index)]
            )
        return not_now(state, "Nothing to go back from.")

    def _stop(self, state: PackState, cmd: Command) -> Decision:
        if state.phase not in ORDER_PHASES or state.order is None:
            return not_now(state, "No order is open.")
        kind, status = {
            Command.SHORT: ("short_pick", "on_hold"),
            Command.DAMAGED: ("damaged", "on_hold"),
            Command.CANCEL: ("cancelled", "ready"),
        }[cmd]
        order = state.order
        reset_order(state)
        words = {"short_pick": "on hold: short pick", "damaged": "on hold: damaged item",
                 "cancelled": "cancelled; it can be packed again"}[kind]
        return accept(
            "command", f"Order {order.order_number} {words}.",
            [fx.OrderStopped(order, kind, status)],
        )
