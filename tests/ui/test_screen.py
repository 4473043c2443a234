"""The assembled screen (window, sounds, print preview, supervisor window) on a real station."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.zpl import SimZplPrinter
from station.config import load_config
from station.data.db import make_engine, session_factory, upgrade
from station.ui.app import GuiStation, Screen
from station.ui.bridge import EventBridge
from tests.integration.seed import MUG, seed


@pytest.fixture
def screen(qtbot, tmp_path):
    url = f"sqlite:///{tmp_path / 'station.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    sims = SimScanner("pty"), SimMtSics("tcp"), SimZplPrinter("tcp"), \
        SimEscPosPrinter("tcp", idle_gap_s=None)
    scanner, scale, label, receipt = sims
    path = tmp_path / "station.toml"
    path.write_text(
        f'# this station\n[station]\nid = "st-1"\ndatabase = "{url}"\n'
        f'[devices.scanner]\nurl = "{scanner.url}"\n'
        f'[devices.scale]\nurl = "{scale.url}"\npoll_interval_s = 0.05\n'
        f'[devices.label_printer]\nurl = "{label.url}"\nstatus_interval_s = 0.2\n'
        f'[devices.receipt_printer]\nurl = "{receipt.url}"\nstatus_interval_s = 0.2\n'
        '[printing.ship_from]\nname = "Example Shop"\nstreet = "Lagerstr. 5"\n'
        'city = "Berlin"\npostal_code = "10115"\ncountry = "DE"\n', encoding="utf-8")
    config = load_config(path)
    bridge = EventBridge()
    seen: list[dict] = []
    station = GuiStation(config, bridge.post)
    built = Screen(bridge, station, config, path)
    # After the window's own slot: an event seen here is already on the screen.
    bridge.event.connect(seen.append)
    qtbot.addWidget(built.window)
    built.window.show()
    station.start()
    qtbot.waitUntil(lambda: built.preview.ready, timeout=5000)
    yield built, sims, seen
    built.close()
    station.stop()
    assert station.error is None
    for sim in sims:
        sim.stop()


def test_a_packed_order_shows_what_was_printed_and_sounds_complete(qtbot, screen):
    built, (scanner, scale, label, receipt), seen = screen
    window = built.window
    played: list[str] = []
    built.sounds.played.connect(played.append)
    light = window.lights["sound"]  # heard or not, the screen says so
    if built.sounds.audio_available:
        assert light.state == "connected" and built.sounds.audio_problem == ""
    else:
        assert light.state == "error" and built.sounds.audio_problem in light.text()
    for code in ("BADGE:P1", "SO-2", MUG):
        mark = len(seen)
        scanner.scan(code)
        qtbot.waitUntil(lambda m=mark: any(e["event"].startswith("scan.") for e in seen[m:]),
                        timeout=5000)
    assert played[:3] == ["accept", "accept", "accept"]
    qtbot.waitUntil(lambda: "attention" in played, timeout=5000)  # weigh the parcel
    scale.place(352.0)
    qtbot.waitUntil(lambda: "complete" in played, timeout=5000)
    assert window.preview_open and built.preview.isVisible()
    assert not window.boxes_table.isVisible()
    qtbot.waitUntil(lambda: built.preview.label_panel.view.image is not None
                    and built.preview.insert_panel.view.image is not None, timeout=10000)
    assert "Tracking" in built.preview.label_panel.details.text()
    assert "SO-2" in built.preview.insert_panel.details.text()
    assert label.wait_for_jobs(1) and receipt.wait_for_jobs(1)
    qtbot.keyClick(window, Qt.Key.Key_F11)  # the packer closes the preview
    assert not built.preview.isVisible() and window.boxes_table.isVisible()
    scanner.scan("CMD:SHOW-LABELS")  # and opens it again with the scanner alone
    qtbot.waitUntil(lambda: built.preview.isVisible(), timeout=5000)


def test_f12_opens_the_supervisor_window_with_its_panels(qtbot, screen):
    built, _, _ = screen
    qtbot.keyClick(built.window, Qt.Key.Key_F12)
    supervisor = built.supervisor
    assert supervisor is not None and supervisor.isVisible()
    assert supervisor.tabs.count() == 3
    assert supervisor.tabs.widget(0) is supervisor.tools
    assert supervisor.tabs.widget(1) is supervisor.setup
    assert not supervisor.setup.isWindow()
    supervisor.close()
    qtbot.keyClick(built.window, Qt.Key.Key_F12)
    assert built.supervisor is supervisor and supervisor.isVisible()  # the same, state kept


def test_settings_change_the_volume_now_and_save_to_the_station_file(qtbot, screen, tmp_path):
    built, _, _ = screen
    qtbot.keyClick(built.window, Qt.Key.Key_F12)
    supervisor = built.supervisor
    settings = supervisor.settings
    supervisor.tabs.setCurrentWidget(settings)
    settings.volume.setValue(35)
    assert built.sounds.volume == 35
    assert built.sounds.effect("reject").volume() == pytest.approx(0.35, abs=1e-6)
    settings.repeat.setValue(2.5)
    settings.language.setCurrentIndex(settings.language.findData("es"))
    with qtbot.waitSignal(settings.saved, timeout=5000) as saved:
        qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    config = saved.args[0]
    assert (config.sound.volume, config.sound.repeat_reject_s, config.station.language) == (
        35, 2.5, "es")
    text = (tmp_path / "station.toml").read_text(encoding="utf-8")
    assert text.startswith("# this station") and "volume = 35" in text
    assert "Saved in" in settings.result.text()
