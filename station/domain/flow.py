"""Decide what every scan and weight means for the pack in progress.

The flow is a state machine over `PackState`: badge login, open an order, verify each item
against the order (wrong item, over-pick, wrong lot, expired, duplicate serial are refused
and the order stays open), capture lot and serial numbers, close boxes, judge weights,
exceptions and supervisor overrides. It mutates the state it is given and returns a
`Decision` listing the effects, which the application persists before announcing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from station.domain import effects as fx
from station.domain.commands import (
    BADGE_PREFIX,
    BOX_PREFIX,
    COMMAND_PREFIX,
)
from station.domain.effects import Decision
from station.domain.flow_commands import CommandsMixin
from station.domain.flow_weighing import WeighingMixin
from station.domain.labels import confirm_label
from station.domain.scan import ScanError, ScannedCode, parse_scan
from station.domain.state import (
    ORDER_PHASES,
    Lookup,
    PackageState,
    PackState,
    PendingUnit,
    Phase,
    UnitState,
)
from station.domain.verdicts import (
    accept,
    box_weights,
    prompt,
    reject,
    reset_order,
    weigh_hint,
)
from station.domain.weight import WeightPolicy

__all__ = ["PackFlow", "prompt"]

MAX_DATA_LEN = 64


class PackFlow(CommandsMixin, WeighingMixin):
    """Apply scans and weights to a station's pack state."""

    def __init__(
        self,
        lookup: Lookup,
        policy: WeightPolicy | None = None,
        *,
        gs_aliases: tuple[str, ...] | None = None,
        today: Callable[[], date] = date.today,
        default_box: str = "",
        confirm_labels: bool = False,
    ) -> None:
        self.lookup = lookup
        self.policy = policy or WeightPolicy()
        self.gs_aliases = gs_aliases
        self.today = today
        self.default_box = default_box
        self.confirm_labels = confirm_labels

    # ------------------------------------------------------------------ scans
    def handle_scan(self, state: PackState, text: str) -> Decision:
        """Judge one scanned line."""
        try:
            scan = (
                parse_scan(text, self.gs_aliases) if self.gs_aliases is not None
                else parse_scan(text)
            )
        except ScanError as exc:
            return reject(state, "bad", "unreadable", str(exc), code=text)
        code = scan.text
        if code.startswith(BADGE_PREFIX):
            d = self._badge(state, code[len(BADGE_PREFIX):].strip())
        elif code.startswith(COMMAND_PREFIX):
            d = self._command(state, code)
        elif state.phase == Phase.LOGGED_OUT:
            d = reject(state, "bad", "not_logged_in", "Scan your badge first.")
        elif code.startswith(BOX_PREFIX):
            d = self._box(state, code[len(BOX_PREFIX):].strip())
        elif state.phase == Phase.IDLE:
            d = self._open_order(state, scan)
        elif state.phase == Phase.AWAIT_LOT:
            d = self._lot(state, scan)
        elif state.phase == Phase.AWAIT_SERIAL:
            d = self._serial(state, scan)
        elif state.phase == Phase.SCANNING:
            d = self._item(state, scan)
        elif state.phase == Phase.AWAIT_LABEL:
            d = self._label(state, scan)
        elif state.phase in (Phase.WEIGHING, Phase.WEIGHT_REJECTED):
            d = reject(state, "item", "waiting_for_weight", weigh_hint(state))
        else:  # AWAIT_REASON
            d = reject(state, "bad", "reason_required", "Supervisor: scan a reason code.")
        d.code = code
        d.symbology = scan.symbology
        d.prompt = prompt(state)
        return d

    def _badge(self, state: PackState, badge: str) -> Decision:
        packer = self.lookup.packer_by_badge(badge)
        if packer is None:
            return reject(state, "badge", "unknown_badge", f"Badge {badge!r} is not registered.")
        if not packer.active:
            return reject(state, "badge", "badge_inactive", f"Badge of {packer.name} is disabled.")
        if state.phase == Phase.WEIGHT_REJECTED:
            if not packer.is_supervisor:
                return reject(
                    state, "badge", "not_supervisor",
                    f"{packer.name} cannot override; a supervisor badge is needed.",
                )
            state.supervisor = packer
            state.phase = Phase.AWAIT_REASON
            return accept("badge", f"Override by {packer.name}: scan a reason code.")
        if state.phase in ORDER_PHASES:
            if state.packer and packer.id == state.packer.id:
                return Decision("info", "badge", message=f"{packer.name} is already logged in.")
            return reject(
                state, "badge", "order_open", "Finish or cancel the open order before switching."
            )
        effects: list[fx.Effect] = []
        if state.packer and state.packer.id != packer.id:
            effects.append(fx.LoggedOut(state.packer))
        state.packer = packer
        state.phase = Phase.IDLE
        effects.append(fx.LoggedIn(packer))
        return accept("badge", f"Hello {packer.name}.", effects)

    def _open_order(self, state: PackState, scan: ScannedCode) -> Decision:
        found = self.lookup.order_by_ref(scan.text)
        if found is None:
            product = self.lookup.product_by_keys(scan.lookup_keys())
            if product is not None:
                return reject(
                    state, "order", "no_order_open",
                    f"That is an item ({product.sku}). Scan an order first.",
                )
            return reject(state, "order", "order_not_found", f"No order {scan.text!r}.")
        order = found.order
        if found.status == "packed":
            return reject(
                state, "order", "order_already_packed",
                f"Order {order.order_number} is already packed.",
            )
        if found.status == "on_hold":
            return reject(
                state, "order", "order_on_hold", f"Order {order.order_number} is on hold.",
            )
        if found.busy_at_station and found.busy_at_station != state.station_id:
            return reject(
                state, "order", "order_in_progress",
                f"Order {order.order_number} is being packed at {found.busy_at_station}.",
            )
        state.order = order
        state.packages = [PackageState(index=1)]
        state.pending = None
        state.supervisor = None
        state.last_weight = None
        state.phase = Phase.SCANNING
        return accept(
            "order", f"Order {order.order_number}: {order.units_total} items.",
            [fx.OrderOpened(order), *self._default_box(state)],
        )

    def _default_box(self, state: PackState) -> list[fx.Effect]:
        """Give a new box the configured default box type, so its tare counts."""
        package = state.package
        if not self.default_box or package is None:
            return []
        box = self.lookup.box_by_code(self.default_box)
        if box is None:
            return []
        package.box = box
        return [fx.BoxSelected(package.index, box)]

    def _item(self, state: PackState, scan: ScannedCode) -> Decision:
        order = state.order
        assert order is not None
        lines = order.lines_for(scan.lookup_keys())
        if not lines:
            if self.lookup.order_by_ref(scan.text) is not None:
                return reject(
                    state, "item", "order_open",
                    f"Order {order.order_number} is open; finish or cancel it first.",
                )
            product = self.lookup.product_by_keys(scan.lookup_keys())
            if product is not None:
                return reject(
                    state, "item", "wrong_item",
                    f"Wrong item: {product.sku} {product.title} is not in this order.",
                )
            return reject(state, "item", "unknown_barcode", f"Unknown barcode {scan.text!r}.")
        open_lines = [line for line in lines if line.remaining > 0]
        if not open_lines:
            line = lines[0]
            return reject(
                state, "item", "over_pick",
                f"Too many: {line.sku} needs {line.qty}, {line.packed} already packed.",
                line_pk=line.line_pk,
            )
        if scan.expiry is not None and scan.expiry < self.today():
            return reject(
                state, "item", "expired",
                f"Expired on {scan.expiry.isoformat()}: {lines[0].sku} cannot ship.",
                line_pk=lines[0].line_pk,
            )
        line = open_lines[0]
        if scan.lot is not None:
            fixed = [ln for ln in open_lines if ln.required_lot is not None]
            if fixed and len(fixed) == len(open_lines):
                matching = [ln for ln in fixed if ln.required_lot == scan.lot]
                if not matching:
                    return reject(
                        state, "item", "wrong_lot",
                        f"Wrong lot {scan.lot}: order needs lot {fixed[0].required_lot}.",
                        line_pk=fixed[0].line_pk,
                    )
                line = matching[0]
        pending = PendingUnit(line.line_pk, lot=scan.lot, serial=scan.serial)
        return self._advance_unit(state, pending, "item")

    def _advance_unit(self, state: PackState, pending: PendingUnit, kind: str) -> Decision:
        """Pack the unit, or ask for the lot or serial it still needs."""
        order = state.order
        assert order is not None
        line = order.line(pending.line_pk)
        if pending.serial is not None:
            reason = self._serial_problem(state, line.product_id, pending.serial)
            if reason:
                state.pending = None
                state.phase = Phase.SCANNING
                return reject(state, kind, "duplicate_serial", reason, line_pk=line.line_pk)
        if line.requires_lot and pending.lot is None:
            state.pending = pending
            state.phase = Phase.AWAIT_LOT
            return accept(kind, f"{line.sku}: scan the lot number.", line_pk=line.line_pk)
        if line.requires_serial and pending.serial is None:
            state.pending = pending
            state.phase = Phase.AWAIT_SERIAL
            return accept(kind, f"{line.sku}: scan the serial number.", line_pk=line.line_pk)
        state.pending = None
        package = state.package
        assert package is not None
        unit = UnitState(line.line_pk, line.product_id, pending.lot, pending.serial)
        package.units.append(unit)
        line.packed += 1
        effects: list[fx.Effect] = [fx.UnitPacked(package.index, unit)]
        message = f"{line.sku} {line.packed}/{line.qty}."
        state.phase = Phase.SCANNING
        if order.complete:
            effects.append(self._close_box(state))
            message += " All items packed: place the parcel on the scale."
        return accept(kind, message, effects, line_pk=line.line_pk)

    def _serial_problem(self, state: PackState, product_id: int, serial: str) -> str:
        if (product_id, serial) in state.serials_in_pack():
            return f"Serial {serial} was already scanned in this order."
        if self.lookup.serial_in_use(product_id, serial):
            return f"Serial {serial} has already been packed in another order."
        return ""

    def _data_value(self, state: PackState, scan: ScannedCode, what: str) -> str | Decision:
        pending = state.pending
        assert pending is not None and state.order is not None
        line = state.order.line(pending.line_pk)
        if set(scan.lookup_keys()) & line.keys:
            return reject(
                state, what, "item_barcode_scanned",
                f"That is the item barcode; scan the {what} number of {line.sku}.",
            )
        value = (scan.lot if what == "lot" else scan.serial) or scan.text
        if not value or len(value) > MAX_DATA_LEN:
            return reject(state, what, f"invalid_{what}", f"That is not a {what} number.")
        return value

    def _lot(self, state: PackState, scan: ScannedCode) -> Decision:
        value = self._data_value(state, scan, "lot")
        if isinstance(value, Decision):
            return value
        pending = state.pending
        assert pending is not None and state.order is not None
        line = state.order.line(pending.line_pk)
        if line.required_lot is not None and value != line.required_lot:
            return reject(
                state, "lot", "wrong_lot",
                f"Wrong lot {value}: order needs lot {line.required_lot}.", line_pk=line.line_pk,
            )
        pending.lot = value
        if scan.serial is not None and pending.serial is None:
            pending.serial = scan.serial
        return self._advance_unit(state, pending, "lot")

    def _serial(self, state: PackState, scan: ScannedCode) -> Decision:
        value = self._data_value(state, scan, "serial")
        if isinstance(value, Decision):
            return value
        pending = state.pending
        assert pending is not None
        pending.serial = value
        return self._advance_unit(state, pending, "serial")

    def _label(self, state: PackState, scan: ScannedCode) -> Decision:
        d = confirm_label(state, scan, self.lookup)
        if d.accepted and all(label.confirmed for label in state.labels):
            order = state.order
            assert order is not None
            d.effects.append(fx.OrderPacked(order, box_weights(state)))
            d.message += f" Order {order.order_number} packed."
            reset_order(state)
        return d

    def _box(self, state: PackState, code: str) -> Decision:
        if state.phase not in (Phase.SCANNING, Phase.IDLE) or state.package is None:
            return reject(state, "box", "command_not_allowed", "Choose the box while packing.")
        box = self.lookup.box_by_code(code)
        if box is None:
            return reject(state, "box", "unknown_box", f"Unknown box type {code!r}.")
        state.package.box = box
        return accept("box", f"Box {box.name}.", [fx.BoxSelected(state.package.index, box)])
