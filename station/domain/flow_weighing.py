"""Close boxes, judge parcel weights, apply overrides and close the order (part of PackFlow)."""

from __future__ import annotations

from collections.abc import Callable

from station.domain import effects as fx
from station.domain.effects import Decision
from station.domain.state import PackageState, PackState, Phase
from station.domain.verdicts import accept, box_weights, prompt, reset_order
from station.domain.weight import WeightPolicy, judge
from station.domain.weight import allowance as weight_allowance


def weight_band(state: PackState, policy: WeightPolicy) -> fx.BoxClosed | None:
    """Return the box on the scale with its expected weight and band (None: none is)."""
    if state.order is None or state.package is None or state.phase not in (
            Phase.WEIGHING, Phase.WEIGHT_REJECTED, Phase.AWAIT_REASON):
        return None
    expected = state.package.expected_g(state.order)
    allow = weight_allowance(expected, policy)
    return fx.BoxClosed(state.package.index, expected, max(0.0, expected - allow),
                        expected + allow)


class WeighingMixin:
    """The weighing part of `PackFlow`."""

    policy: WeightPolicy
    confirm_labels: bool
    _default_box: Callable[[PackState], list[fx.Effect]]

    def _close_box(self, state: PackState) -> fx.BoxClosed:
        assert state.order is not None and state.package is not None
        package = state.package
        package.status = "weighing"
        state.phase = Phase.WEIGHING
        closed = weight_band(state, self.policy)
        assert closed is not None
        return closed

    def wants_weight(self, state: PackState) -> bool:
        """Tell whether the station is waiting for a parcel weight."""
        return state.phase == Phase.WEIGHING

    def scale_cleared(self, state: PackState) -> bool:
        """Note that the scale reads empty; tell whether that changed the state."""
        changed, state.scale_must_clear = state.scale_must_clear, False
        return changed

    def handle_weight(self, state: PackState, grams: float) -> Decision:
        """Judge a stable parcel weight."""
        if state.phase != Phase.WEIGHING or state.order is None or state.package is None:
            return Decision("info", "weight", reason="not_weighing", message="Weight ignored.")
        if state.scale_must_clear:
            return Decision(
                "info", "weight", reason="scale_not_cleared",
                message="Take the previous parcel off the scale first.",
            )
        package = state.package
        verdict = judge(grams, package.expected_g(state.order), self.policy)
        state.last_weight = verdict
        effects: list[fx.Effect] = [fx.WeightJudged(package.index, verdict)]
        if not verdict.accepted:
            state.phase = Phase.WEIGHT_REJECTED
            d = Decision(
                "rejected", "weight", "weight_out_of_tolerance",
                f"Weight {grams:.0f} g, expected {verdict.expected_g:.0f} g "
                f"± {verdict.allowance_g:.0f} g.", effects=effects,
            )
            d.prompt = prompt(state)
            return d
        package.status, package.weight_g = "accepted", grams
        d = self._after_box(state, effects, f"Weight {grams:.0f} g OK.")
        d.kind = "weight"
        return d

    def _override(self, state: PackState, reason: str) -> Decision:
        assert state.package is not None and state.supervisor is not None
        verdict = state.last_weight
        assert verdict is not None
        package = state.package
        package.status, package.weight_g = "overridden", verdict.measured_g
        effects: list[fx.Effect] = [
            fx.OverrideApplied(package.index, state.supervisor, reason, verdict)
        ]
        state.supervisor = None
        return self._after_box(state, effects, f"Override accepted ({reason}).")

    def _after_box(self, state: PackState, effects: list[fx.Effect], msg: str) -> Decision:
        order = state.order
        assert order is not None
        state.scale_must_clear = True
        if order.complete:
            effects.append(fx.ShipmentsRequested(order, box_weights(state)))
            if self.confirm_labels:
                state.phase = Phase.AWAIT_LABEL
                many = "s" if len(state.packages) > 1 else ""
                return accept("command", f"{msg} Scan the shipping label{many}.", effects)
            effects.append(fx.OrderPacked(order, box_weights(state)))
            reset_order(state)
            return accept("command", f"{msg} Order {order.order_number} packed.", effects)
        nxt = PackageState(index=len(state.packages) + 1)
        state.packages.append(nxt)
        state.phase = Phase.SCANNING
        effects.append(fx.BoxOpened(nxt.index))
        effects.extend(self._default_box(state))
        return accept("command", f"{msg} Continue in box {nxt.index}.", effects)
