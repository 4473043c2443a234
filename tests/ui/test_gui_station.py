"""A whole pack through the packing screen, with the real drivers on simulated devices."""

from __future__ import annotations

import threading

import pytest

from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from station.config import StationConfig
from station.data.db import make_engine, session_factory, upgrade
from station.ui.app import GuiStation
from station.ui.bridge import EventBridge
from station.ui.main_window import COLOURS, MainWindow
from tests.integration.seed import MUG, SHIRT, seed


@pytest.fixture
def gui(qtbot, tmp_path):
    url = f"sqlite:///{tmp_path / 'station.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    scanner, scale = SimScanner("pty"), SimMtSics("tcp")
    config = StationConfig.model_validate({
        "station": {"id": "st-1", "database": url},
        "devices": {"scanner": {"url": scanner.url},
                    "scale": {"url": scale.url, "poll_interval_s": 0.05}},
    })
    bridge = EventBridge()
    window = MainWindow(bridge)
    qtbot.addWidget(window)
    window.show()
    seen: list[str] = []
    slot_threads: set[str] = set()

    def record(event: dict) -> None:
        seen.append(event["event"])
        slot_threads.add(threading.current_thread().name)

    bridge.event.connect(record)
    station = GuiStation(config, bridge.post, str(tmp_path / "events.jsonl"))
    station.start()
    qtbot.waitUntil(lambda: "station.ready" in seen, timeout=5000)
    yield window, scanner, scale, seen, slot_threads, station
    station.stop()
    assert station.error is None
    scanner.stop()
    scale.stop()


def scan(qtbot, seen: list[str], scanner: SimScanner, code: str, until: str = "scan.") -> None:
    """Scan `code`; wait for its verdict and then for an event starting with `until`."""
    mark = len(seen)
    assert scanner.scan(code)
    qtbot.waitUntil(lambda: any(e.startswith("scan.") for e in seen[mark:]), timeout=5000)
    qtbot.waitUntil(lambda: any(e.startswith(until) for e in seen[mark:]), timeout=5000)


def test_a_whole_pack_through_the_screen(qtbot, gui, tmp_path):
    window, scanner, scale, seen, slot_threads, _ = gui
    scan(qtbot, seen, scanner, "BADGE:P1", "packer.logged_in")
    assert window.band_state == "accepted"
    assert "Pat" in window.packer_label.text()
    scan(qtbot, seen, scanner, "SO-2", "order.opened")
    assert "SO-2" in window.order_label.text() and "Ana" in window.order_label.text()
    assert window.carrier_label.text() == "DHL Paket"
    assert window.model.data(window.model.index(0, 1)) == "Stoneware mug"
    scan(qtbot, seen, scanner, MUG)
    assert window.model.data(window.model.index(0, 2)) == "1 / 1"
    qtbot.waitUntil(lambda: window.band_state == "waiting", timeout=5000)
    assert "350 g" in window.gauge.caption.text()
    scale.place(352.0)
    qtbot.waitUntil(lambda: "order.packed" in seen, timeout=5000)
    assert window.band_state == "accepted"
    assert "PACKED" in window.band.text() and "SO-2" in window.band.text()
    assert window.model.rowCount() == 0
    assert window.lights["scanner"].state == "connected"
    assert window.lights["scale"].state == "connected"
    assert slot_threads == {threading.main_thread().name}  # slots ran on the GUI thread only
    assert "order.packed" in (tmp_path / "events.jsonl").read_text()


def test_a_rejected_scan_shows_red(qtbot, gui):
    window, scanner, _, seen, _, _ = gui
    scan(qtbot, seen, scanner, "BADGE:P1", "packer.logged_in")
    scan(qtbot, seen, scanner, "SO-2", "order.opened")
    scan(qtbot, seen, scanner, SHIRT)
    assert window.band_state == "rejected"
    assert window.band.styleSheet().count(COLOURS["rejected"][0]) == 1
    assert window.band.text().startswith("STOP") and len(window.band.text()) > 8
    assert window.model.data(window.model.index(0, 2)) == "0 / 1"


def test_scans_from_the_keyboard_wedge_reach_the_same_core(qtbot, gui):
    window, _, _, seen, _, station = gui
    mark = len(seen)
    station.feed_scan(b"BADGE:P1")
    qtbot.waitUntil(lambda: "packer.logged_in" in seen[mark:], timeout=5000)
    station.feed_scan(b"\xff\xfe")  # bytes as the wedge delivers them: judged the same way
    qtbot.waitUntil(lambda: window.band_state == "rejected", timeout=5000)


def test_a_keyboard_wedge_scan_on_the_screen_packs_like_a_serial_one(qtbot, gui):
    from PySide6.QtWidgets import QApplication

    from station.ui.wedge import WedgeFilter
    from tests.ui.test_wedge import Keys

    window, _, _, seen, _, station = gui
    wedge = WedgeFilter(station.feed_scan)
    QApplication.instance().installEventFilter(wedge)
    try:
        keys = Keys(window)
        for code, until in (("BADGE:P1", "packer.logged_in"), ("SO-2", "order.opened")):
            mark = len(seen)
            keys.type(code)
            keys.enter()
            qtbot.waitUntil(lambda m=mark, u=until: u in seen[m:], timeout=5000)
        assert window.band_state == "accepted" and "SO-2" in window.order_label.text()
    finally:
        QApplication.instance().removeEventFilter(wedge)
