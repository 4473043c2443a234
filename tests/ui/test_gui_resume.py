"""After a restart in the middle of weighing, the screen shows where the pack stands."""

from __future__ import annotations

from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from station.config import StationConfig
from station.data.db import make_engine, session_factory, upgrade
from station.ui.app import GuiStation
from station.ui.bridge import EventBridge
from station.ui.main_window import MainWindow
from tests.integration.seed import MUG, seed


def start(qtbot, config):
    bridge = EventBridge()
    seen: list[dict] = []
    station = GuiStation(config, bridge.post)
    window = MainWindow(bridge, station=station)
    # After the window's own slot: an event seen here is already on the screen.
    bridge.event.connect(seen.append)
    qtbot.addWidget(window)
    window.show()
    station.start()
    qtbot.waitUntil(lambda: any(e["event"] == "station.ready" for e in seen), timeout=5000)
    return station, window, seen


def test_a_restart_after_a_refused_weight_shows_the_band_and_the_problem(qtbot, tmp_path):
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
    try:
        station, window, seen = start(qtbot, config)
        for code in ("BADGE:P1", "SO-2", MUG):
            mark = len(seen)
            scanner.scan(code)
            qtbot.waitUntil(lambda m=mark: any(e["event"].startswith("scan.")
                                               for e in seen[m:]), timeout=5000)
        scale.place(900.0)
        qtbot.waitUntil(lambda: window.context.page == "weight_problem", timeout=5000)
        band = window.gauge.band_label.text()
        station.stop()
        window.close()

        station, window, seen = start(qtbot, config)  # the station restarts
        ready = next(e for e in seen if e["event"] == "station.ready")
        assert ready["phase"] == "weight_rejected" and ready["weighing"]["package"] == 1
        assert window.context.page == "weight_problem"
        problem = window.context.pages["weight_problem"].text.text()
        assert "too heavy" in problem and f"{ready['weighing']['expected_g']:.0f} g" in problem
        assert window.gauge.band_label.text() == band  # the same band as before
        assert window.actions.enabled("reweigh") and window.actions.enabled("pin")
        station.stop()
        assert station.error is None
    finally:
        scanner.stop()
        scale.stop()
