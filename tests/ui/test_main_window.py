"""The packing screen shows what the station events say, whichever thread sent them."""

from __future__ import annotations

import sys
import threading

import PySide6
import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from station.app.events import make_event
from station.ui.bridge import EventBridge
from station.ui.lines_model import LinesModel
from station.ui.main_window import COLOURS, LIGHT_COLOURS, MainWindow

SID = "st-1"


@pytest.fixture
def screen(qtbot):
    bridge = EventBridge()
    window = MainWindow(bridge)
    qtbot.addWidget(window)
    window.show()
    return bridge, window


def send(qtbot, bridge: EventBridge, *events: dict) -> None:
    """Post events from a worker thread, as the core does, and wait until they are shown."""
    shown: list[dict] = []
    bridge.event.connect(shown.append)
    worker = threading.Thread(target=lambda: [bridge.post(e) for e in events])
    worker.start()
    worker.join(5)
    qtbot.waitUntil(lambda: len(shown) == len(events), timeout=3000)
    bridge.event.disconnect(shown.append)


def opened() -> dict:
    return make_event(
        "order.opened", SID, order_id="ord_2", order_number="SO-2", units=3,
        customer_first_name="Ana", carrier="DHL", service="Paket",
        lines=[{"line_id": "L1", "sku": "MUG-1", "qty": 2, "title": "Stoneware mug"},
               {"line_id": "L2", "sku": "VIT-1", "qty": 1, "title": "Vitamin D3"}],
    )


def accepted_item(packed: int) -> dict:
    return make_event("scan.accepted", SID, seq=3, order_id="ord_2", kind="item",
                      code="4006381333931", message="Stoneware mug: 1 of 2",
                      prompt="Scan the next item", line_id="L1", sku="MUG-1", packed=packed,
                      qty=2)


def colour(widget) -> str:
    return widget.styleSheet().split("background-color:")[1].split(";")[0].strip()


def test_accepted_scan_shows_a_green_band_with_the_message_and_the_prompt(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, opened(), accepted_item(1))
    assert window.band_state == "accepted"
    assert colour(window.band) == COLOURS["accepted"][0]
    assert "Stoneware mug: 1 of 2" in window.band.text()
    assert window.band.text().startswith("OK")  # not colour alone
    assert window.prompt_label.text() == "Scan the next item"
    assert "SO-2" in window.order_label.text() and "Ana" in window.order_label.text()
    assert window.carrier_label.text() == "DHL Paket"


def test_rejected_scan_shows_a_red_band_with_the_reason_in_words(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, opened(), make_event(
        "scan.rejected", SID, seq=4, order_id="ord_2", kind="item", code="036000291452",
        reason="wrong_item", message="Organic T-shirt is not in this order",
        prompt="Scan an item of order SO-2"))
    assert window.band_state == "rejected"
    assert colour(window.band) == COLOURS["rejected"][0]
    assert "STOP" in window.band.text()
    assert "Organic T-shirt is not in this order" in window.band.text()
    assert window.prompt_label.text() == "Scan an item of order SO-2"


def test_weight_requested_turns_amber_with_the_expected_weight_and_band(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, opened(), make_event(
        "weight.requested", SID, order_id="ord_2", package=1, expected_g=352.0, low_g=334.4,
        high_g=369.6))
    assert window.band_state == "waiting"
    assert colour(window.band) == COLOURS["waiting"][0]
    assert "352 g" in window.band.text()
    assert "352 g" in window.gauge.caption.text()
    assert "334 g" in window.gauge.band_label.text() and "370 g" in window.gauge.band_label.text()


def test_weight_rejected_says_how_far_off_it_was(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, make_event(
        "weight.rejected", SID, order_id="ord_2", package=1, weight_g=500.0, expected_g=352.0,
        allowance_g=17.6, reason="weight_out_of_tolerance"))
    assert window.band_state == "rejected"
    assert "500 g" in window.band.text() and "352" in window.band.text()


@pytest.mark.parametrize(("state", "detail"), [
    ("connected", ""), ("not_ready", "paper out"), ("disconnected", "offline, 12 event(s) "
                                                                    "waiting"),
    ("error", "garbage reply"),
])
def test_device_state_sets_the_light_colour_text_and_tooltip(qtbot, screen, state, detail):
    bridge, window = screen
    send(qtbot, bridge, make_event("device.state", SID, device="backend", state=state,
                                   detail=detail))
    light = window.lights["backend"]
    assert light.state == state
    assert colour(light) == LIGHT_COLOURS[state][0]
    assert detail in light.text() and detail in light.toolTip()
    assert "Backend" in light.text()
    assert window.lights["scanner"].state == "unknown"  # the others are untouched


def test_lines_follow_order_opened_and_scans(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, opened())
    model = window.model
    assert model.rowCount() == 2
    assert [model.data(model.index(0, c)) for c in range(4)] == [
        "MUG-1", "Stoneware mug", "0 / 2", ""]
    send(qtbot, bridge, accepted_item(1), make_event(
        "scan.accepted", SID, seq=5, order_id="ord_2", kind="lot", code="230710",
        message="Lot 230710", prompt="Scan the next item", line_id="L2", sku="VIT-1",
        packed=1, qty=1))
    assert model.data(model.index(0, 2)) == "1 / 2"
    assert model.data(model.index(1, 2)) == "1 / 1"
    assert model.data(model.index(1, 3)) == "230710"
    send(qtbot, bridge, make_event("order.packed", SID, order_id="ord_2", order_number="SO-2",
                                   packages=[{"index": 1, "weight_g": 352.0}]))
    assert model.rowCount() == 0
    assert window.band_state == "accepted" and "PACKED" in window.band.text()
    assert window.order_label.text() == "No order"


def test_station_ready_restores_an_open_pack(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, make_event(
        "station.ready", SID, seq=7, site="s", phase="packing", packer="P1",
        prompt="Scan the next item", order_id="ord_2", order_number="SO-2",
        lines=[{"line_id": "L1", "sku": "MUG-1", "packed": 1, "qty": 2}]))
    assert window.model.data(window.model.index(0, 2)) == "1 / 2"
    assert "P1" in window.packer_label.text() and SID in window.packer_label.text()
    assert window.prompt_label.text() == "Scan the next item"


def test_the_window_has_no_text_input_to_swallow_scans_but_the_pin_page(screen):
    _, window = screen
    for kind in (QTextEdit, QPlainTextEdit):
        assert window.findChildren(kind) == []
    edits = window.findChildren(QLineEdit)
    assert {e.parent() for e in edits} == {window.context.pages["pin"]}
    assert not any(e.isVisible() for e in edits)


def test_lines_model_passes_the_qt_model_tester(qtmodeltester):
    model = LinesModel()
    model.set_lines([{"line_id": "L1", "sku": "MUG-1", "qty": 2, "title": "Mug"},
                     {"line_id": "L2", "sku": "TEE-1", "qty": 1}])
    model.update_line("L1", packed=1, captured="SN-1")
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


# PySide6 6.12.0 returns borrowed references to None/True/False from wrapped calls; on
# Python < 3.12 (where those objects are not immortal) every signal emit or void Qt call
# takes one reference away, and the process aborts after a few thousand of them.
_REFCOUNT_BUG = PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12)


@pytest.mark.xfail(_REFCOUNT_BUG, strict=True,
                   reason="PySide6 6.12.0 drops references to None/True on Python < 3.12")
def test_posting_events_keeps_none_and_true_alive(qtbot, screen):
    bridge, _ = screen
    send(qtbot, bridge, opened())
    events = [accepted_item(1) for _ in range(50)]
    before = sys.getrefcount(True), sys.getrefcount(None)
    send(qtbot, bridge, *events)
    after = sys.getrefcount(True), sys.getrefcount(None)
    # Other threads may hold a few transient references; 50 posts must not cost 50.
    assert abs(after[0] - before[0]) < 20 and abs(after[1] - before[1]) < 20


def test_an_item_waiting_for_its_lot_or_serial_is_amber_not_green(qtbot, screen):
    bridge, window = screen
    send(qtbot, bridge, opened(), make_event(
        "scan.accepted", SID, seq=3, order_id="ord_2", kind="item", code="VIT", line_id="L2",
        sku="VIT-1", packed=0, qty=1, phase="await_lot", pending_sku="VIT-1",
        message="VIT-1: scan the lot number."))
    assert window.band_state == "waiting" and "lot number of VIT-1" in window.band.text()
    send(qtbot, bridge, make_event(
        "scan.accepted", SID, seq=4, order_id="ord_2", kind="lot", code="L1", line_id="L2",
        sku="VIT-1", packed=1, qty=1, phase="scanning", message="VIT-1 1/1."))
    assert window.band_state == "accepted"
    send(qtbot, bridge, make_event(
        "scan.accepted", SID, seq=5, order_id="ord_2", kind="item", code="PH", line_id="L1",
        sku="MUG-1", packed=0, qty=2, phase="await_serial", pending_sku="MUG-1"))
    assert window.band_state == "waiting" and "serial number of MUG-1" in window.band.text()


def test_touching_the_band_silences_a_repeating_reject(qtbot):
    from PySide6.QtCore import Qt

    from station.config import SoundSection
    from station.ui.sound import VerdictSounds

    bridge = EventBridge()
    sounds = VerdictSounds(SoundSection(repeat_reject_s=0.05))
    window = MainWindow(bridge, sounds=sounds)
    qtbot.addWidget(window)
    window.show()
    played: list[str] = []
    sounds.played.connect(played.append)
    send(qtbot, bridge, opened(), make_event(
        "scan.rejected", SID, seq=4, order_id="ord_2", kind="item", code="X",
        reason="wrong_item", message="Wrong item."))
    qtbot.waitUntil(lambda: played.count("reject") >= 3, timeout=3000)
    assert sounds.repeating
    qtbot.mouseClick(window.band, Qt.MouseButton.LeftButton)
    assert not sounds.repeating
    assert window.lights["sound"].state in ("connected", "error")  # it says either way
