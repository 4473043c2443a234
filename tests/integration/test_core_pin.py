"""Badge by PIN at the screen: a supervisor override without the badge, never storing the PIN."""

from __future__ import annotations

from sqlalchemy import select

from station.app.core import PIN_ATTEMPTS, PIN_LOCK_S
from station.data.models import Packer, PackException, ScanEvent
from station.domain.state import Phase
from tests.integration.seed import MUG
from tests.integration.test_core import core_factory  # noqa: F401  (fixture)


def _rejected_weight(core):
    for code in ["BADGE:P1", "SO-2", MUG]:
        core.handle_scan(code)
    assert core.handle_weight(900.0).reason == "weight_out_of_tolerance"


def test_supervisor_pin_overrides_like_a_badge(core_factory, sessions):  # noqa: F811
    core, events = core_factory()
    _rejected_weight(core)
    d = core.handle_pin("S1", "2468")
    assert d.accepted and core.state.phase == Phase.AWAIT_REASON
    last = events[-1]
    assert (last["event"], last["phase"], last["code"]) == ("scan.accepted", "await_reason",
                                                           "BADGE:S1")
    assert core.handle_scan("CMD:REASON-VERIFIED").accepted
    with sessions() as s:
        rows = s.scalars(select(ScanEvent.raw).order_by(ScanEvent.seq)).all()
        assert "PIN:S1" in rows and not any("2468" in r for r in rows)
        exc = s.scalars(select(PackException)).one()
        sup = s.scalars(select(Packer).where(Packer.badge_id == "S1")).one()
        assert (exc.reason, exc.supervisor_id) == ("contents_verified", sup.id)


def test_wrong_pin_is_rejected_and_stored_without_the_pin(core_factory, sessions):  # noqa: F811
    core, events = core_factory()
    _rejected_weight(core)
    d = core.handle_pin("S1", "1357")
    assert (d.verdict, d.reason) == ("rejected", "pin_wrong")
    assert core.state.phase == Phase.WEIGHT_REJECTED
    assert events[-1]["event"] == "scan.rejected" and events[-1]["reason"] == "pin_wrong"
    assert core.handle_pin("NOBODY", "2468").reason == "pin_wrong"
    assert core.handle_pin("P1", "2468").reason == "pin_wrong"  # a packer without a PIN
    with sessions() as s:
        rows = s.scalars(select(ScanEvent.raw)).all()
        assert not any("1357" in r or "2468" in r for r in rows)


def test_repeated_wrong_pins_lock_the_pin_for_a_while(core_factory):  # noqa: F811
    core, _ = core_factory()
    now = [1000.0]
    core.clock = lambda: now[0]
    _rejected_weight(core)
    for _ in range(PIN_ATTEMPTS):
        assert core.handle_pin("S1", "0000").reason == "pin_wrong"
    assert core.handle_pin("S1", "2468").reason == "pin_locked"  # even the right one
    assert core.state.phase == Phase.WEIGHT_REJECTED
    assert core.handle_scan("BADGE:S1").accepted  # the badge still works
    core.handle_scan("CMD:BACK")
    now[0] += PIN_LOCK_S + 1
    assert core.handle_pin("S1", "2468").accepted


def test_every_decision_event_says_the_phase_and_progress(core_factory):  # noqa: F811
    core, events = core_factory()
    core.handle_scan("BADGE:P1")
    assert events[-1]["phase"] == "idle" and "units_total" not in events[-1]
    core.handle_scan("SO-2")
    opened = [e for e in events if e["event"] == "order.opened"][-1]
    assert (opened["phase"], opened["units_packed"], opened["units_total"]) == ("scanning", 0, 1)
    core.handle_scan(MUG)
    assert {e["phase"] for e in events[-2:]} == {"weighing"}
    assert events[-1]["units_packed"] == 1
