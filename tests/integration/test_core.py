"""Station core on a real database: every decision stored before it is announced."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from station.app.core import StationCore
from station.app.packers import verify_pin
from station.config import StationConfig
from station.data.models import (
    Order,
    Package,
    PackedUnit,
    Packer,
    PackException,
    PackSession,
    Product,
    ScanEvent,
    WeighEvent,
)
from station.domain.state import Phase
from tests.integration.seed import MUG, PHONE, SHIRT, VITAMIN, seed

GS = "\x1d"
FULL_ORDER = ["BADGE:P1", "SO-1", MUG, MUG, SHIRT, PHONE, "SN-1",
              f"]C101{VITAMIN}15230807{GS}10230710"]


class Recorder(list):
    def __call__(self, event):
        self.append(event)

    def names(self):
        return [e["event"] for e in self]


@pytest.fixture
def core_factory(sessions):
    seed(sessions)

    def make(station_id="st-1"):
        config = StationConfig.model_validate({"station": {"id": station_id}})
        events = Recorder()
        core = StationCore(sessions, config, events, today=lambda: date(2023, 1, 1))
        core.start()
        return core, events

    return make


def count(sessions, model, *where):
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_whole_pack_is_stored_and_announced(core_factory, sessions):
    core, events = core_factory()
    assert events.names() == ["station.ready"]
    for code in FULL_ORDER:
        assert core.handle_scan(code).accepted
    assert core.wants_weight
    assert core.handle_weight(1210.0).accepted
    names = events.names()
    for name in ("packer.logged_in", "order.opened", "weight.requested", "weight.accepted",
                 "order.packed"):
        assert name in names
    assert names.count("scan.accepted") == len(FULL_ORDER)
    assert all(e["order_id"] == "ord_1" for e in events if e["event"].startswith("weight"))
    assert [e["seq"] for e in events if e["event"] == "scan.accepted"] == list(range(1, 9))
    gs1 = [e for e in events if e["event"] == "scan.accepted"][-1]
    assert (gs1["symbology"], gs1["symbology_name"]) == ("]C1", "GS1 Code 128")
    with sessions() as s:
        assert s.scalar(select(Order.status).where(Order.order_id == "ord_1")) == "packed"
        ps = s.scalars(select(PackSession)).one()
        assert ps.status == "packed" and ps.ended_at is not None
        pkg = s.scalars(select(Package)).one()
        assert (pkg.status, pkg.weight_g) == ("accepted", 1210.0)
        units = s.scalars(select(PackedUnit)).all()
        assert len(units) == 5
        assert {u.serial for u in units} == {None, "SN-1"}
        assert {u.lot for u in units} == {None, "230710"}
    assert count(sessions, ScanEvent) == len(FULL_ORDER)
    assert count(sessions, WeighEvent) == 1


def test_rejections_are_recorded_and_change_nothing_else(core_factory, sessions):
    core, events = core_factory()
    for code in ["BADGE:P1", "SO-1", MUG, MUG]:
        core.handle_scan(code)
    bad = [MUG, "9780201379624", "NOPE-123", "]C101123", "x\x1bx"]
    reasons = [core.handle_scan(c).reason for c in bad]
    assert reasons == ["over_pick", "wrong_item", "unknown_barcode", "unreadable", "unreadable"]
    assert core.handle_scan_bytes(b"\xff\xfe\x00abc").reason == "invalid_encoding"
    assert core.handle_overflow(1_048_576).reason == "line_too_long"
    assert core.state.phase == Phase.SCANNING
    assert count(sessions, PackedUnit) == 2
    with sessions() as s:
        rows = s.scalars(select(ScanEvent).where(ScanEvent.verdict == "rejected")).all()
        assert [r.reason for r in rows] == [*reasons, "invalid_encoding", "line_too_long"]
        assert rows[-2].raw.startswith("\\xff\\xfe")
    rejected = [e for e in events if e["event"] == "scan.rejected"]
    assert all(e["order_id"] == "ord_1" and e["message"] for e in rejected)


def test_resume_restores_exact_state(core_factory, sessions):
    core, _ = core_factory()
    for code in ["BADGE:P1", "BOX:M", "SO-1", "BOX:M", MUG, PHONE]:
        core.handle_scan(code)
    assert core.state.phase == Phase.AWAIT_SERIAL
    resumed, events = core_factory()  # a second core on the same database = a restart
    state = resumed.state
    ready = events[0]
    assert ready["event"] == "station.ready" and ready["phase"] == "await_serial"
    assert ready["order_id"] == "ord_1" and ready["pending_line"] == "L3"
    assert state.packer.badge_id == "P1" and state.package.box.code == "M"
    assert [ln.packed for ln in state.order.lines] == [1, 0, 0, 0]
    assert resumed.seq == core.seq
    assert resumed.handle_scan("SN-77").accepted
    assert state.order.line(state.order.lines[2].line_pk).packed == 1


def test_resume_in_weight_rejected_and_override(core_factory, sessions):
    core, _ = core_factory()
    for code in ["BADGE:P1", "SO-2", MUG]:
        core.handle_scan(code)
    assert core.handle_weight(900.0).reason == "weight_out_of_tolerance"
    resumed, events = core_factory()
    assert resumed.state.phase == Phase.WEIGHT_REJECTED
    assert resumed.state.last_weight.measured_g == 900.0
    assert resumed.handle_scan("BADGE:S1").accepted
    d = resumed.handle_scan("CMD:REASON-SCALE")
    assert d.accepted and "override.applied" in [e["event"] for e in events]
    with sessions() as s:
        exc = s.scalars(select(PackException)).one()
        sup = s.scalars(select(Packer).where(Packer.badge_id == "S1")).one()
        assert (exc.kind, exc.reason, exc.supervisor_id) == ("override", "scale_issue", sup.id)
        assert s.scalar(select(Order.status).where(Order.order_id == "ord_2")) == "packed"
        assert verify_pin("2468", sup.pin_hash) and not verify_pin("1111", sup.pin_hash)


def test_duplicate_serial_across_orders(core_factory):
    core, _ = core_factory()
    for code in ["BADGE:P1", "SO-1", PHONE, "SN-X", "CMD:SHORT"]:
        core.handle_scan(code)
    # The short pick voided that pack, so the serial is free again.
    for code in ["SO-3", PHONE]:
        assert core.handle_scan(code).accepted
    assert core.handle_scan("SN-X").accepted
    core.handle_weight(200.0)
    for code in ["SO-4"]:
        core.handle_scan(code)
    core.handle_scan("CMD:CANCEL")
    # ord_1 is on hold now; a new order with the phone would refuse SN-X.
    with core.sessions.begin() as s:
        s.execute(Order.__table__.update().where(Order.order_id == "ord_1")
                  .values(status="ready"))
    for code in ["SO-1", PHONE]:
        core.handle_scan(code)
    assert core.handle_scan("SN-X").reason == "duplicate_serial"


def test_exception_puts_order_on_hold(core_factory, sessions):
    core, events = core_factory()
    for code in ["BADGE:P1", "SO-1", MUG, "CMD:DAMAGED"]:
        core.handle_scan(code)
    exc = next(e for e in events if e["event"] == "order.exception")
    assert (exc["order_id"], exc["reason"], exc["order_status"]) == ("ord_1", "damaged", "on_hold")
    with sessions() as s:
        assert s.scalar(select(Order.status).where(Order.order_id == "ord_1")) == "on_hold"
        assert s.scalars(select(PackSession)).one().status == "exception"
        assert all(u.voided for u in s.scalars(select(PackedUnit)))
    assert core.handle_scan("SO-1").reason == "order_on_hold"


def test_learned_weight_refines_expectation(core_factory, sessions):
    core, events = core_factory()
    core.handle_scan("BADGE:P1")
    for order, grams in (("SO-2", 362.0), ("SO-4", 364.0), ("SO-5", 366.0)):
        core.handle_scan(order)
        core.handle_scan(MUG)
        assert core.handle_weight(grams).accepted
        core.scale_cleared()
    with sessions() as s:
        mug = s.scalars(select(Product).where(Product.sku == "MUG-1")).one()
        assert mug.learned_samples == 3 and mug.learned_weight_g == pytest.approx(364.0)
    with sessions.begin() as s:
        s.execute(Order.__table__.update().where(Order.order_id == "ord_2")
                  .values(status="ready"))
    core.handle_scan("SO-2")
    core.handle_scan(MUG)
    requested = [e for e in events if e["event"] == "weight.requested"][-1]
    assert requested["expected_g"] == pytest.approx(364.0)


def test_two_stations_cannot_pack_one_order(core_factory):
    a, _ = core_factory("st-a")
    b, _ = core_factory("st-b")
    a.handle_scan("BADGE:P1")
    a.handle_scan("SO-1")
    b.handle_scan("BADGE:S1")
    assert b.handle_scan("SO-1").reason == "order_in_progress"


def test_control_bytes_are_stored_escaped(core_factory, sessions):
    core, _ = core_factory()
    core.handle_scan("BADGE:P1")
    assert core.handle_scan("bad\x00da\x1bta").reason == "unreadable"
    with sessions() as s:
        row = s.scalars(select(ScanEvent).order_by(ScanEvent.seq.desc())).first()
        assert row.raw == "bad\\x00da\\x1bta"


def test_default_box_tare_counts_and_is_not_learned_as_product_weight(sessions):
    seed(sessions)
    config = StationConfig.model_validate(
        {"station": {"id": "st-1"}, "weight": {"default_box": "M"}}
    )
    events = Recorder()
    core = StationCore(sessions, config, events, today=lambda: date(2023, 1, 1))
    core.start()
    core.handle_scan("BADGE:P1")
    for order, grams in (("SO-2", 512.0), ("SO-4", 514.0), ("SO-5", 516.0)):
        core.handle_scan(order)
        core.handle_scan(MUG)
        requested = [e for e in events if e["event"] == "weight.requested"][-1]
        assert requested["expected_g"] == pytest.approx(150 + 350)  # box M + mug
        assert core.handle_weight(grams).accepted
        core.scale_cleared()
    with sessions() as s:
        mug = s.scalars(select(Product).where(Product.sku == "MUG-1")).one()
        assert mug.learned_weight_g == pytest.approx(364.0)  # tare taken off
        assert {p.box_type_id for p in s.scalars(select(Package))} != {None}


def test_parcel_left_on_scale_does_not_count_even_after_restart(core_factory):
    core, _ = core_factory()
    for code in ["BADGE:P1", "SO-2", MUG]:
        core.handle_scan(code)
    assert core.handle_weight(360.0).accepted
    core, _ = core_factory_restart(core)
    assert core.state.scale_must_clear
    core.handle_scan("SO-4")
    core.handle_scan(MUG)
    assert core.handle_weight(360.0).reason == "scale_not_cleared"  # still the last parcel
    core.scale_cleared()
    core, _ = core_factory_restart(core)
    assert not core.state.scale_must_clear and core.wants_weight
    assert core.handle_weight(361.0).accepted


def core_factory_restart(core: StationCore):
    events = Recorder()
    again = StationCore(core.sessions, core.config, events, today=lambda: date(2023, 1, 1))
    again.start()
    return again, events


@pytest.mark.parametrize("ref", ["ord_1", "SO-1", "TOTE-1", "PL-1"])
def test_any_order_reference_opens_it(core_factory, sessions, ref):
    with sessions.begin() as s:
        s.execute(Order.__table__.update().where(Order.order_id == "ord_1")
                  .values(pick_list_id="PL-1"))
    core, events = core_factory()
    core.handle_scan("BADGE:P1")
    assert core.handle_scan(ref).accepted
    assert events[-1]["event"] == "order.opened" and events[-1]["order_id"] == "ord_1"
