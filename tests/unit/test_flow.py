"""Pack-flow state machine, driven with scans and weights, no database or devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from station.domain import effects as fx
from station.domain.barcodes import gs1_check_digit, normalize_catalogue_barcode
from station.domain.flow import PackFlow
from station.domain.state import (
    BoxInfo,
    LabelState,
    LineState,
    OrderLookup,
    OrderState,
    PackerInfo,
    PackState,
    Phase,
    ProductRef,
)
from station.domain.weight import WeightPolicy

GS = "\x1d"
MUG = "4006381333931"  # EAN-13
SHIRT = "036000291452"  # UPC-A
PHONE = "5901234123457"
VITAMIN = "07035620052163"
OTHER = "9780201379624"  # in the catalogue, not in the order


def key(code: str) -> str:
    return normalize_catalogue_barcode(code).key


@dataclass
class FakeLookup:
    packers: dict[str, PackerInfo] = field(default_factory=dict)
    orders: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    products: dict[str, ProductRef] = field(default_factory=dict)
    used_serials: set[tuple[int, str]] = field(default_factory=set)
    boxes: dict[str, BoxInfo] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def packer_by_badge(self, badge_id):
        return self.packers.get(badge_id)

    def order_by_ref(self, ref):
        if ref not in self.orders:
            return None
        _, status, busy = self.orders[ref]
        return OrderLookup(make_order(), status, busy)

    def product_by_keys(self, keys):
        for k in keys:
            if k in self.products:
                return self.products[k]
        return None

    def serial_in_use(self, product_id, serial):
        return (product_id, serial) in self.used_serials

    def box_by_code(self, code):
        return self.boxes.get(code)

    def label_owner(self, code):
        return self.labels.get(code)


def make_order() -> OrderState:
    return OrderState(
        order_pk=10, order_id="ord_1", order_number="SO-1", customer_first_name="Ana",
        carrier="DHL", service="Paket",
        lines=[
            LineState(1, "L1", 101, "MUG-1", "Mug", 2, frozenset({key(MUG)}), 350.0),
            LineState(2, "L2", 102, "TEE-1", "T-shirt", 1, frozenset({key(SHIRT), "TEE-ALIAS"}),
                      180.0),
            LineState(3, "L3", 103, "PHN-1", "Phone", 1, frozenset({key(PHONE)}), 200.0,
                      requires_serial=True),
            LineState(4, "L4", 104, "VIT-1", "Vitamins", 1, frozenset({key(VITAMIN)}), 120.0,
                      requires_lot=True, required_lot="230710"),
        ],
    )


@pytest.fixture
def lookup() -> FakeLookup:
    return FakeLookup(
        packers={
            "P1": PackerInfo(1, "P1", "Pat", "packer"),
            "P2": PackerInfo(2, "P2", "Kim", "packer"),
            "S1": PackerInfo(9, "S1", "Sam", "supervisor"),
            "OFF": PackerInfo(5, "OFF", "Old", "packer", active=False),
        },
        orders={"SO-1": ("ord_1", "ready", None), "ord_1": ("ord_1", "ready", None),
                "TOTE-7": ("ord_1", "ready", None)},
        products={key(OTHER): ProductRef(200, "BOOK-1", "A book")},
        boxes={"M": BoxInfo(1, "M", "Medium", 150.0)},
    )


@pytest.fixture
def flow(lookup) -> PackFlow:
    return PackFlow(lookup, WeightPolicy(tolerance_g=20, tolerance_pct=5),
                    today=lambda: date(2023, 1, 1))


def scan_all(flow, state, *codes):
    return [flow.handle_scan(state, c) for c in codes]


def opened(flow) -> PackState:
    state = PackState("st-1")
    d1, d2 = scan_all(flow, state, "BADGE:P1", "SO-1")
    assert d1.accepted and d2.accepted
    return state


def pack_all_but_weight(flow, state):
    ds = scan_all(flow, state, MUG, MUG, SHIRT, PHONE, "SN-1",
                  f"]C101{VITAMIN}15230807{GS}10230710")
    assert all(d.accepted for d in ds), [(d.reason, d.message) for d in ds]
    return ds


def test_badge_first(flow):
    state = PackState("st-1")
    d = flow.handle_scan(state, "SO-1")
    assert (d.verdict, d.reason) == ("rejected", "not_logged_in")
    assert flow.handle_scan(state, "BADGE:NOPE").reason == "unknown_badge"
    assert flow.handle_scan(state, "BADGE:OFF").reason == "badge_inactive"
    d = flow.handle_scan(state, "BADGE:P1")
    assert d.accepted and state.phase == Phase.IDLE
    assert isinstance(d.effects[0], fx.LoggedIn)


@pytest.mark.parametrize("ref", ["SO-1", "ord_1", "TOTE-7", "]C0SO-1"])
def test_open_order_by_any_reference(flow, ref):
    state = PackState("st-1")
    flow.handle_scan(state, "BADGE:P1")
    d = flow.handle_scan(state, ref)
    assert d.accepted and state.phase == Phase.SCANNING
    assert isinstance(d.effects[0], fx.OrderOpened)


def test_open_order_refusals(flow, lookup):
    state = PackState("st-1")
    flow.handle_scan(state, "BADGE:P1")
    assert flow.handle_scan(state, "SO-404").reason == "order_not_found"
    assert flow.handle_scan(state, OTHER).reason == "no_order_open"
    lookup.orders["SO-1"] = ("ord_1", "packed", None)
    assert flow.handle_scan(state, "SO-1").reason == "order_already_packed"
    lookup.orders["SO-1"] = ("ord_1", "on_hold", None)
    assert flow.handle_scan(state, "SO-1").reason == "order_on_hold"
    lookup.orders["SO-1"] = ("ord_1", "packing", "st-2")
    assert flow.handle_scan(state, "SO-1").reason == "order_in_progress"
    assert state.phase == Phase.IDLE


def test_items_counted_and_rejections_keep_order_open(flow):
    state = opened(flow)
    d = flow.handle_scan(state, MUG)
    assert d.accepted and state.order.line(1).packed == 1
    assert flow.handle_scan(state, "0" + MUG).accepted  # same GTIN as GTIN-14
    d = flow.handle_scan(state, MUG)
    assert (d.reason, d.line_pk) == ("over_pick", 1)
    assert flow.handle_scan(state, OTHER).reason == "wrong_item"
    assert flow.handle_scan(state, "NOT-A-THING").reason == "unknown_barcode"
    assert flow.handle_scan(state, "SO-1").reason == "order_open"
    assert flow.handle_scan(state, "TEE-ALIAS").accepted  # alias
    assert state.phase == Phase.SCANNING
    assert state.order.line(1).packed == 2 and state.order.line(2).packed == 1


def test_serial_capture_and_duplicates(flow, lookup):
    state = opened(flow)
    d = flow.handle_scan(state, PHONE)
    assert d.accepted and state.phase == Phase.AWAIT_SERIAL and not d.effects
    d = flow.handle_scan(state, PHONE)
    assert d.reason == "item_barcode_scanned" and state.phase == Phase.AWAIT_SERIAL
    lookup.used_serials.add((103, "SN-USED"))
    d = flow.handle_scan(state, "SN-USED")
    assert d.reason == "duplicate_serial" and state.phase == Phase.SCANNING
    flow.handle_scan(state, PHONE)
    d = flow.handle_scan(state, "SN-9")
    assert d.accepted and isinstance(d.effects[0], fx.UnitPacked)
    assert d.effects[0].unit.serial == "SN-9"


def test_serial_in_gs1_code_and_duplicate_in_same_order(flow, lookup):
    state = opened(flow)
    # A second phone line would be needed to scan twice; simulate by reopening the unit.
    d = flow.handle_scan(state, f"]C101{PHONE.zfill(14)}21SN-42")
    assert d.accepted and d.effects[0].unit.serial == "SN-42"
    state.order.line(3).packed = 0  # pretend one more unit is needed
    d = flow.handle_scan(state, f"]C101{PHONE.zfill(14)}21SN-42")
    assert d.reason == "duplicate_serial"


def test_lot_capture_and_wrong_lot(flow):
    state = opened(flow)
    d = flow.handle_scan(state, f"]C101{VITAMIN}10WRONG")
    assert (d.verdict, d.reason) == ("rejected", "wrong_lot")
    d = flow.handle_scan(state, VITAMIN)
    assert d.accepted and state.phase == Phase.AWAIT_LOT
    assert flow.handle_scan(state, "999999").reason == "wrong_lot"
    assert state.phase == Phase.AWAIT_LOT
    d = flow.handle_scan(state, "230710")
    assert d.accepted and d.effects[0].unit.lot == "230710"
    assert state.phase == Phase.SCANNING


def test_back_drops_pending_unit(flow):
    state = opened(flow)
    flow.handle_scan(state, VITAMIN)
    d = flow.handle_scan(state, "CMD:BACK")
    assert d.accepted and state.phase == Phase.SCANNING and state.pending is None
    assert state.order.line(4).packed == 0


def test_expired_item_rejected(flow):
    state = opened(flow)
    d = flow.handle_scan(state, f"]C101{VITAMIN}17221231{GS}10230710")
    assert d.reason == "expired"


def test_completion_then_weight_accepted(flow):
    state = opened(flow)
    flow.handle_scan(state, "BOX:M")
    ds = pack_all_but_weight(flow, state)
    closed = [e for e in ds[-1].effects if isinstance(e, fx.BoxClosed)]
    assert closed and closed[0].expected_g == pytest.approx(150 + 2 * 350 + 180 + 200 + 120)
    assert state.phase == Phase.WEIGHING
    assert flow.handle_scan(state, MUG).reason == "waiting_for_weight"
    d = flow.handle_weight(state, 1350.0 + 40)
    assert d.accepted
    kinds = [type(e) for e in d.effects]
    assert kinds == [fx.WeightJudged, fx.ShipmentsRequested, fx.OrderPacked]
    assert state.phase == Phase.IDLE and state.order is None


def test_weight_rejected_reweigh_and_override(flow):
    state = opened(flow)
    pack_all_but_weight(flow, state)
    d = flow.handle_weight(state, 2000.0)
    assert (d.verdict, d.reason) == ("rejected", "weight_out_of_tolerance")
    assert state.phase == Phase.WEIGHT_REJECTED
    assert flow.handle_scan(state, "CMD:REWEIGH").accepted and state.phase == Phase.WEIGHING
    flow.handle_weight(state, 2000.0)
    assert flow.handle_scan(state, "BADGE:P2").reason == "not_supervisor"
    assert flow.handle_scan(state, "BADGE:S1").accepted and state.phase == Phase.AWAIT_REASON
    assert flow.handle_scan(state, MUG).reason == "reason_required"
    d = flow.handle_scan(state, "CMD:REASON-PACKAGING")
    assert d.accepted
    ov = d.effects[0]
    assert isinstance(ov, fx.OverrideApplied) and ov.reason == "packaging_variance"
    assert ov.supervisor.badge_id == "S1" and ov.verdict.measured_g == 2000.0
    assert isinstance(d.effects[-1], fx.OrderPacked)
    assert state.packer.badge_id == "P1"  # the packer stays logged in


def test_reason_without_override_is_refused(flow):
    state = opened(flow)
    assert flow.handle_scan(state, "CMD:REASON-SCALE").reason == "command_not_allowed"


def test_multi_box(flow):
    state = opened(flow)
    assert flow.handle_scan(state, "CMD:NEW-BOX").reason == "empty_box"
    scan_all(flow, state, MUG, MUG)
    d = flow.handle_scan(state, "CMD:NEW-BOX")
    assert d.accepted and state.phase == Phase.WEIGHING
    assert flow.handle_weight(state, 700.0).accepted
    assert state.scale_must_clear  # box 1 must come off before box 2 counts
    assert flow.handle_weight(state, 505.0).reason == "not_weighing"
    assert flow.scale_cleared(state) and not flow.scale_cleared(state)
    assert state.phase == Phase.SCANNING and state.package.index == 2
    ds = scan_all(flow, state, SHIRT, PHONE, "SN-2", VITAMIN, "230710")
    assert all(d.accepted for d in ds)
    assert state.phase == Phase.WEIGHING
    closed = [e for e in ds[-1].effects if isinstance(e, fx.BoxClosed)]
    assert closed[0].index == 2 and closed[0].expected_g == pytest.approx(500)
    d = flow.handle_weight(state, 505.0)
    packed = d.effects[-1]
    assert isinstance(packed, fx.OrderPacked) and packed.packages == ((1, 700.0), (2, 505.0))


def test_new_box_by_mistake_can_be_reopened(flow):
    state = opened(flow)
    flow.handle_scan(state, MUG)
    flow.handle_scan(state, "CMD:NEW-BOX")
    d = flow.handle_scan(state, "CMD:BACK")
    assert d.accepted and state.phase == Phase.SCANNING and state.package.index == 1


@pytest.mark.parametrize(
    ("cmd", "kind", "status"),
    [("CMD:SHORT", "short_pick", "on_hold"), ("CMD:DAMAGED", "damaged", "on_hold"),
     ("CMD:CANCEL", "cancelled", "ready")],
)
def test_exceptions(flow, cmd, kind, status):
    state = opened(flow)
    flow.handle_scan(state, MUG)
    d = flow.handle_scan(state, cmd)
    stop = d.effects[0]
    assert isinstance(stop, fx.OrderStopped) and (stop.kind, stop.order_status) == (kind, status)
    assert state.phase == Phase.IDLE and state.order is None


def test_exception_needs_an_order(flow):
    state = PackState("st-1")
    flow.handle_scan(state, "BADGE:P1")
    assert flow.handle_scan(state, "CMD:SHORT").reason == "command_not_allowed"
    assert flow.handle_scan(state, "CMD:WHAT").reason == "unknown_command"


def test_logout_and_switch(flow):
    state = opened(flow)
    assert flow.handle_scan(state, "CMD:LOGOUT").reason == "command_not_allowed"
    assert flow.handle_scan(state, "BADGE:P2").reason == "order_open"
    flow.handle_scan(state, "CMD:CANCEL")
    d = flow.handle_scan(state, "BADGE:P2")
    assert [type(e) for e in d.effects] == [fx.LoggedOut, fx.LoggedIn]
    assert flow.handle_scan(state, "CMD:LOGOUT").accepted
    assert state.phase == Phase.LOGGED_OUT


def test_box_choice(flow):
    state = opened(flow)
    assert flow.handle_scan(state, "BOX:ZZ").reason == "unknown_box"
    d = flow.handle_scan(state, "BOX:M")
    assert d.accepted and state.package.box.tare_g == 150.0


def test_unreadable_scan_is_rejected_not_raised(flow):
    state = opened(flow)
    d = flow.handle_scan(state, "bad\x00data")
    assert (d.verdict, d.reason) == ("rejected", "unreadable")
    assert state.phase == Phase.SCANNING


def test_prompt_follows_the_flow(flow):
    state = PackState("st-1")
    assert flow.handle_scan(state, "x").prompt == "Scan your badge"
    assert flow.handle_scan(state, "BADGE:P1").prompt == "Scan an order"
    assert flow.handle_scan(state, "SO-1").prompt == "Scan items (0/5)"
    assert flow.handle_scan(state, PHONE).prompt == "Scan the serial number of PHN-1"


def test_weight_ignored_until_previous_parcel_is_taken_off(flow):
    state = opened(flow)
    pack_all_but_weight(flow, state)
    assert flow.handle_weight(state, 1200.0).accepted and state.scale_must_clear
    scan_all(flow, state, "ord_1")
    assert state.phase == Phase.SCANNING
    state.order.line(1).packed = 0  # needs the mugs again, as a new pack would
    for line in state.order.lines[1:]:
        line.packed = line.qty
    scan_all(flow, state, MUG, MUG)
    assert state.phase == Phase.WEIGHING
    d = flow.handle_weight(state, 700.0)
    assert (d.verdict, d.reason) == ("info", "scale_not_cleared")
    flow.scale_cleared(state)
    assert flow.handle_weight(state, 700.0).accepted


def test_default_box_applies_to_every_new_box(lookup):
    flow = PackFlow(lookup, WeightPolicy(tolerance_g=20, tolerance_pct=5),
                    today=lambda: date(2023, 1, 1), default_box="M")
    state = opened(flow)
    assert state.package.box.code == "M"
    scan_all(flow, state, MUG)
    d = flow.handle_scan(state, "CMD:NEW-BOX")
    closed = next(e for e in d.effects if isinstance(e, fx.BoxClosed))
    assert closed.expected_g == pytest.approx(150 + 350)
    d = flow.handle_weight(state, 500.0)
    assert [type(e) for e in d.effects][-2:] == [fx.BoxOpened, fx.BoxSelected]
    assert state.package.index == 2 and state.package.box.code == "M"


def _labels_made(state, d):
    """Do what the application does with ShipmentsRequested: give each parcel its label."""
    made = next(e for e in d.effects if isinstance(e, fx.ShipmentsRequested))
    def sscc(i):
        body = f"00614141{i:09d}"
        return body + str(gs1_check_digit(body))

    state.labels = [LabelState(i, f"PB{i:08d}5DE", sscc(i)) for i, _ in made.packages]


def test_scan_to_confirm_refuses_a_label_of_another_parcel(lookup):
    flow = PackFlow(lookup, WeightPolicy(tolerance_g=20, tolerance_pct=5),
                    today=lambda: date(2023, 1, 1), confirm_labels=True)
    lookup.labels["PB99999999DE"] = "SO-77"
    state = opened(flow)
    scan_all(flow, state, MUG, MUG, "CMD:NEW-BOX")
    flow.handle_weight(state, 700.0)
    flow.scale_cleared(state)
    pack_rest = scan_all(flow, state, SHIRT, PHONE, "SN-1", VITAMIN, "230710")
    assert all(x.accepted for x in pack_rest)
    d = flow.handle_weight(state, 500.0)
    assert d.accepted and state.phase == Phase.AWAIT_LABEL
    assert not any(isinstance(e, fx.OrderPacked) for e in d.effects)
    _labels_made(state, d)
    assert flow.handle_scan(state, "PB99999999DE").reason == "label_of_other_order"
    assert flow.handle_scan(state, MUG).reason == "label_mismatch"
    assert state.phase == Phase.AWAIT_LABEL
    assert flow.handle_scan(state, "CMD:REPRINT").effects[0] == fx.ReprintRequested(state.order)
    d = flow.handle_scan(state, "pb00000002 5de")  # HRI typed with spaces, any case
    assert d.accepted and d.effects == [fx.LabelConfirmed(2, "PB000000025DE")]
    assert d.prompt == "Scan the shipping label (1/2)"
    assert flow.handle_scan(state, "PB000000025DE").reason == "label_already_scanned"
    sscc = state.labels[0].sscc
    d = flow.handle_scan(state, f"]C100{sscc}")  # the SSCC barcode counts as well
    assert d.accepted and isinstance(d.effects[-1], fx.OrderPacked)
    assert state.phase == Phase.IDLE and state.labels == []


def test_without_scan_to_confirm_the_order_closes_with_its_labels(flow):
    state = opened(flow)
    pack_all_but_weight(flow, state)
    d = flow.handle_weight(state, 1200.0)
    kinds = [type(e) for e in d.effects]
    assert kinds == [fx.WeightJudged, fx.ShipmentsRequested, fx.OrderPacked]
    assert flow.handle_scan(state, "CMD:REPRINT").reason == "command_not_allowed"


def test_show_labels_changes_nothing_in_any_phase(flow):
    state = PackState(station_id="st-1")
    d = flow.handle_scan(state, "CMD:SHOW-LABELS")
    assert (d.verdict, d.code, d.effects) == ("info", "CMD:SHOW-LABELS", [])
    assert state.phase == Phase.LOGGED_OUT
    state = opened(flow)
    before = (state.phase, state.order.units_packed)
    assert flow.handle_scan(state, "CMD:SHOW-LABELS").verdict == "info"
    assert (state.phase, state.order.units_packed) == before
