"""A whole pack through the screen: wrong item, weight out of tolerance, override, label.

The station runs for real (database, core, device workers) against simulated devices: a
pty scanner, an MT-SICS scale, a ZPL label printer and an ESC/POS printer. The packer and
supervisor use the screen's keys and touch buttons; their commands go to the station the
way a scan does.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.zpl import SimZplPrinter
from station.config import StationConfig
from station.data.db import make_engine, session_factory, upgrade
from station.data.models import PackException, ScanEvent, Shipment
from station.ui.app import GuiStation
from station.ui.bridge import EventBridge
from station.ui.main_window import MainWindow
from station.ui.wedge import WedgeFilter
from tests.integration.seed import MUG, SHIRT, seed
from tests.ui.test_wedge import Keys


@pytest.fixture
def rig(qtbot, tmp_path):
    url = f"sqlite:///{tmp_path / 'station.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    seed(sessions)
    scanner, scale = SimScanner("pty"), SimMtSics("tcp")
    label, receipt = SimZplPrinter("tcp"), SimEscPosPrinter("tcp", idle_gap_s=None)
    config = StationConfig.model_validate({
        "station": {"id": "st-1", "database": url},
        "devices": {"scanner": {"url": scanner.url},
                    "scale": {"url": scale.url, "poll_interval_s": 0.05},
                    "label_printer": {"url": label.url, "status_interval_s": 0.2},
                    "receipt_printer": {"url": receipt.url, "status_interval_s": 0.2}},
        "printing": {"ship_from": {"name": "Example Shop", "street": "Lagerstr. 5",
                                   "city": "Berlin", "postal_code": "10115", "country": "DE"}},
    })
    bridge = EventBridge()
    seen: list[dict] = []
    station = GuiStation(config, bridge.post)
    window = MainWindow(bridge, station=station)
    # After the window's own slot: an event seen here is already on the screen.
    bridge.event.connect(seen.append)
    qtbot.addWidget(window)
    window.show()
    wedge = WedgeFilter(station.feed_scan, parent=window)
    QApplication.instance().installEventFilter(wedge)
    station.start()
    qtbot.waitUntil(lambda: any(e["event"] == "station.ready" for e in seen), timeout=5000)
    yield window, scanner, scale, label, seen, sessions
    QApplication.instance().removeEventFilter(wedge)
    station.stop()
    assert station.error is None
    for sim in (scanner, scale, label, receipt):
        sim.stop()
    engine.dispose()


def until(qtbot, seen: list[dict], mark: int, name: str, **fields) -> dict:
    """Wait for an event named `name` (with `fields`) after position `mark`; return it."""
    def found():
        return next((e for e in seen[mark:] if e["event"] == name
                     and all(e.get(k) == v for k, v in fields.items())), None)
    qtbot.waitUntil(lambda: found() is not None, timeout=5000)
    return found()


def scan(qtbot, seen, scanner, code: str) -> dict:
    mark = len(seen)
    assert scanner.scan(code)
    qtbot.waitUntil(lambda: any(e["event"].startswith("scan.") for e in seen[mark:]),
                    timeout=5000)
    return next(e for e in seen[mark:] if e["event"].startswith("scan."))


def test_wrong_item_weight_mismatch_pin_override_and_label(qtbot, rig):
    window, scanner, scale, label, seen, sessions = rig
    assert scan(qtbot, seen, scanner, "BADGE:P1")["event"] == "scan.accepted"
    assert window.actions.enabled("logout") and not window.actions.enabled("new_box")
    scan(qtbot, seen, scanner, "SO-2")
    assert window.actions.enabled("new_box") and window.actions.enabled("short")

    # A wrong item: red, and the panel says to put it aside; Enter acknowledges.
    assert scan(qtbot, seen, scanner, SHIRT)["reason"] == "wrong_item"
    assert window.band_state == "rejected" and window.context.page == "item_problem"
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.context.page == "none"

    assert scan(qtbot, seen, scanner, MUG)["event"] == "scan.accepted"
    assert window.band_state in ("accepted", "waiting")
    qtbot.waitUntil(lambda: window.band_state == "waiting", timeout=5000)
    assert window.boxes.rowCount() == 1 and window.boxes.boxes[0].units == 1

    # Too heavy: the weight is judged out of tolerance, and the panel offers the ways on.
    mark = len(seen)
    scale.place(900.0)
    until(qtbot, seen, mark, "weight.rejected")
    qtbot.waitUntil(lambda: window.context.page == "weight_problem", timeout=3000)
    assert window.band_state == "rejected" and "900 g" in window.band.text()
    assert "too heavy" in window.context.pages["weight_problem"].text.text()
    qtbot.waitUntil(lambda: window.gauge.grams == 900.0, timeout=3000)
    assert "too heavy" in window.gauge.position_label.text()
    assert window.actions.enabled("reweigh") and window.actions.enabled("pin")

    # F8: the supervisor types the badge number and PIN on the touch keypad.
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.context.page == "pin"
    pin_page = window.context.pages["pin"]
    pads = {b.text(): b for b in pin_page.findChildren(type(window.actions.buttons["back"]))}
    window.context.badge_edit.setText("S1")
    window.context._to_pin()
    for digit in "1111":  # a wrong PIN first: refused, nothing changes
        qtbot.mouseClick(pads[digit], Qt.MouseButton.LeftButton)
    mark = len(seen)
    qtbot.mouseClick(pads["Enter\nOK"], Qt.MouseButton.LeftButton)
    assert until(qtbot, seen, mark, "scan.rejected")["reason"] == "pin_wrong"
    assert window.band_state == "rejected"
    window.context.badge_edit.setText("S1")
    window.context._to_pin()
    for digit in "2468":
        qtbot.mouseClick(pads[digit], Qt.MouseButton.LeftButton)
    mark = len(seen)
    qtbot.mouseClick(pads["Enter\nOK"], Qt.MouseButton.LeftButton)
    until(qtbot, seen, mark, "scan.accepted", phase="await_reason")
    qtbot.waitUntil(lambda: window.context.page == "reasons", timeout=3000)
    assert "Sam" in window.context.pages["reasons"].text.text()

    # A reason by touch: the override is applied, the order packs, the label prints.
    jobs_before = len(label.jobs)
    reason = next(b for b in window.context.reason_buttons.values()
                  if "checked by hand" in b.text())
    mark = len(seen)
    qtbot.mouseClick(reason, Qt.MouseButton.LeftButton)
    applied = until(qtbot, seen, mark, "override.applied")
    assert applied["reason"] == "contents_verified"
    packed = until(qtbot, seen, mark, "order.packed")
    assert packed["order_number"] == "SO-2"
    qtbot.waitUntil(lambda: "PACKED" in window.band.text(), timeout=3000)
    until(qtbot, seen, mark, "print.printed", kind="label")
    assert label.wait_for_jobs(jobs_before + 1)
    with sessions() as s:
        tracking = s.scalars(select(Shipment.tracking_number)).one()
        assert s.scalars(select(PackException.reason)).all() == ["contents_verified"]
        raws = s.scalars(select(ScanEvent.raw)).all()
    assert tracking.encode() in label.jobs[-1]
    assert "PIN:S1" in raws and not any("2468" in r or "1111" in r for r in raws)
    assert window.context.page == "none" and window.phase == "idle"


def test_a_badge_scanned_while_the_pin_page_is_open_is_not_typed_into_it(qtbot, rig):
    window, scanner, scale, _, seen, _ = rig
    for code in ("BADGE:P1", "SO-2", MUG):
        scan(qtbot, seen, scanner, code)
    mark = len(seen)
    scale.place(900.0)
    until(qtbot, seen, mark, "weight.rejected")
    assert window.phase == "weight_rejected"
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.context.page == "pin"
    edit = window.context.badge_edit
    edit.setFocus()
    window.activateWindow()
    keys = Keys(edit)
    keys.type("4")  # the supervisor starts typing by hand (slow keys reach the field)...
    qtbot.waitUntil(lambda: edit.text() == "4", timeout=2000)
    mark = len(seen)
    keys.type("BADGE:S1", gap=3)  # ...then scans the badge with the wedge scanner instead
    keys.enter(gap=3)
    assert edit.text() == "4"  # nothing of the scan landed in the field
    until(qtbot, seen, mark, "scan.accepted", phase="await_reason")
    qtbot.waitUntil(lambda: window.context.page == "reasons", timeout=3000)


def test_short_pick_needs_a_second_press(qtbot, rig):
    window, scanner, _, _, seen, _ = rig
    for code in ("BADGE:P1", "SO-1"):
        scan(qtbot, seen, scanner, code)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert window.context.page == "confirm"
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # changed their mind: nothing sent
    assert window.context.page == "none" and window.phase == "scanning"
    mark = len(seen)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    stopped = until(qtbot, seen, mark, "order.exception")
    assert stopped["reason"] == "short_pick"
    qtbot.waitUntil(lambda: window.band_state == "waiting" and window.phase == "idle",
                    timeout=3000)
    assert "HOLD" in window.band.text()


def test_a_scale_unplugged_mid_weighing_turns_its_light_red_and_loses_nothing(qtbot, rig):
    window, scanner, scale, _, seen, _ = rig
    for code in ("BADGE:P1", "SO-2", MUG):
        scan(qtbot, seen, scanner, code)
    qtbot.waitUntil(lambda: window.band_state == "waiting", timeout=5000)
    scale.place(0.0)
    qtbot.waitUntil(lambda: window.gauge.grams == 0.0, timeout=5000)
    scale.drop_connection()
    scale.stop()  # unplugged
    qtbot.waitUntil(lambda: window.lights["scale"].state == "disconnected", timeout=10000)
    assert window.gauge.live_label.text() == "no reading"
    assert window.phase == "weighing" and window.model.lines[0].packed == 1  # nothing lost
    assert "SO-2" in window.order_label.text()
