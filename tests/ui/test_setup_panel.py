"""The device setup panel against real simulators: tests on worker threads, live bytes, save."""

from __future__ import annotations

import threading
import tomllib

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from drivers.sim.kardex import SimKardexVlm
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.zpl import SimZplPrinter
from station.app.doctor import list_serial_ports
from station.config import load_config
from station.ui.setup_panel import SetupPanel

CONFIG = """\
# station at door 3
[station]
id = "st-3"

[devices.scale]
url = "{scale}"  # the bench scale
timeout_s = 0.75

[weight]
tolerance_g = 25
"""


@pytest.fixture
def scale():
    with SimMtSics("tcp") as sim:
        sim.place(1234.5)
        yield sim


@pytest.fixture
def config_path(tmp_path, scale):
    path = tmp_path / "station.toml"
    path.write_text(CONFIG.format(scale=scale.url), encoding="utf-8")
    return path


@pytest.fixture
def panel(qtbot, config_path):
    widget = SetupPanel(load_config(config_path), config_path)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    qtbot.waitUntil(lambda: not widget.busy, timeout=10000)  # no worker outlives the test


def wait_result(qtbot, tab, timeout: int = 8000) -> str:
    qtbot.waitUntil(lambda: tab.result_kind in ("ok", "fail"), timeout=timeout)
    return tab.result.text()


def test_read_scale_shows_the_weight_and_the_bytes_exchanged(qtbot, panel):
    tab = panel.tabs["scale"]
    panel.pages.setCurrentWidget(tab)
    qtbot.mouseClick(tab.buttons["read"], Qt.MouseButton.LeftButton)
    assert wait_result(qtbot, tab).startswith("OK: 1234.5 g, stable")
    text = tab.monitor_view.toPlainText()
    assert "TX >  53 49 0D 0A" in text and "SI<CR><LF>" in text
    assert "RX <  53 20 53 20 20 20 20 31 32 33 34 2E 35 30 20 67  S S    1234.50 g\n" \
           "                0D 0A" in text
    assert "I4<CR><LF>" in text


def test_f5_runs_the_test_of_the_page_shown(qtbot, panel, scale):
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    qtbot.keyClick(panel, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert panel.pages.currentWidget() is panel.tabs["scale"]
    qtbot.keyClick(panel, Qt.Key.Key_F5)
    assert wait_result(qtbot, panel.tabs["scale"]).startswith("OK: 1234.5 g")
    assert panel.tabs["label_printer"].result_kind == "idle"  # hidden pages ignore F5


def test_the_gui_stays_responsive_while_a_device_never_answers(qtbot, panel, scale):
    scale.dont_answer(100)
    tab = panel.tabs["scale"]
    panel.pages.setCurrentWidget(tab)
    tab.timeout.setValue(1.5)
    ticks, live, workers = [0], [], set()
    timer = QTimer()
    timer.setInterval(20)

    def tick() -> None:
        ticks[0] += 1
        if tab.result_kind == "busy" and "SI<CR><LF>" in tab.monitor_view.toPlainText():
            live.append(ticks[0])  # the question is shown before any answer came
        workers.update(t.name for t in threading.enumerate())

    timer.timeout.connect(tick)
    timer.start()
    qtbot.mouseClick(tab.buttons["read"], Qt.MouseButton.LeftButton)
    assert not tab.buttons["read"].isEnabled()  # a second press cannot start a second test
    text = wait_result(qtbot, tab)
    timer.stop()
    assert text.startswith("FAIL: SI: no reply from") and tab.result_kind == "fail"
    assert ticks[0] >= 30  # 1.5 s of test at 20 ms a tick, with room for a slow machine
    assert live, "the byte monitor showed nothing while the test ran"
    assert "setup-scale-read" in workers  # the port was opened on a worker thread
    assert tab.buttons["read"].isEnabled()


def test_save_writes_the_toml_and_says_where(qtbot, panel, config_path):
    tab = panel.tabs["label_printer"]
    tab.url.setEditText("socket://10.0.0.31:9100")
    panel.tabs["scale"].baudrate.setEditText("19200")
    with qtbot.waitSignal(panel.saved, timeout=5000) as saved:
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.status_kind == "ok"
    assert str(config_path) in panel.status.text() and "Restart" in panel.status.text()
    text = config_path.read_text(encoding="utf-8")
    assert text.startswith("# station at door 3\n")
    assert "# the bench scale" in text
    doc = tomllib.loads(text)
    assert doc["devices"]["label_printer"] == {"url": "socket://10.0.0.31:9100"}
    assert doc["devices"]["scale"]["baudrate"] == 19200
    assert doc["devices"]["scale"]["timeout_s"] == 0.75  # untouched: not rounded to the box
    assert doc["weight"] == {"tolerance_g": 25}
    assert saved.args[0].devices.label_printer.url == "socket://10.0.0.31:9100"


def test_an_invalid_setting_is_not_saved_and_the_panel_says_why(qtbot, panel, config_path):
    before = config_path.read_text(encoding="utf-8")
    panel.tabs["scale"].model.setEditText("nope")
    panel.save()
    qtbot.waitUntil(lambda: panel.status_kind == "fail", timeout=5000)
    assert "Not saved" in panel.status.text() and "nope" in panel.status.text()
    assert config_path.read_text(encoding="utf-8") == before


def test_without_a_config_file_save_is_off_and_explained(qtbot):
    widget = SetupPanel(load_config(None), None)
    qtbot.addWidget(widget)
    assert not widget.save_button.isEnabled()
    assert "--config" in widget.status.text()
    qtbot.waitUntil(lambda: not widget.busy, timeout=10000)


def test_serial_ports_are_listed_in_every_url_field(qtbot, panel):
    qtbot.waitUntil(lambda: panel.ports is not None, timeout=10000)
    expected = list_serial_ports()
    assert panel.ports == expected
    for tab in panel.tabs.values():
        items = [tab.url.itemText(i) for i in range(tab.url.count())]
        assert items[:len(expected)] == [p.device for p in expected]
        assert any(i.startswith("socket://") for i in items)
    if expected:
        assert f"Serial ports found: {len(expected)}" in panel.ports_label.text()
    else:
        assert panel.ports_label.text().startswith("No serial ports found")
    assert panel.tabs["scale"].url.currentText() == load_config(panel.config_path) \
        .devices.scale.url  # the configured URL stays in the field


def test_print_test_label_reaches_the_printer_and_the_monitor(qtbot, panel):
    with SimZplPrinter("tcp") as printer:
        tab = panel.tabs["label_printer"]
        panel.pages.setCurrentWidget(tab)
        tab.url.setEditText(printer.url)
        qtbot.mouseClick(tab.buttons["print"], Qt.MouseButton.LeftButton)
        text = wait_result(qtbot, tab)
        assert text.startswith("OK: ready; test label printed"), text
        assert printer.wait_for_jobs(1, 5)
        shown = tab.monitor_view.toPlainText()
        assert "~HS" in shown and "^XA" in shown


def test_ping_vlm_and_a_stopped_vlm(qtbot, panel):
    tab = panel.tabs["vlm"]
    panel.pages.setCurrentWidget(tab)
    with SimKardexVlm("tcp", dialect="jmif-pipe") as vlm:
        tab.url.setEditText(vlm.url)
        tab.model.setEditText("jmif-pipe")
        qtbot.mouseClick(tab.buttons["ping"], Qt.MouseButton.LeftButton)
        assert wait_result(qtbot, tab) == "OK: answers the ping"
        assert "61|ping" in tab.monitor_view.toPlainText()
    qtbot.mouseClick(tab.buttons["ping"], Qt.MouseButton.LeftButton)
    text = wait_result(qtbot, tab)
    assert tab.result_kind == "fail" and "Connection refused" in text


def test_listen_to_scanner_shows_the_scan(qtbot, panel):
    with SimScanner("pty") as scanner:
        tab = panel.tabs["scanner"]
        panel.pages.setCurrentWidget(tab)
        tab.url.setEditText(scanner.url)
        qtbot.mouseClick(tab.buttons["listen"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.result.text().startswith("Listening"), timeout=5000)
        assert scanner.scan("4006381333931")
        assert wait_result(qtbot, tab) == "OK: 1 scan(s): 4006381333931"
        assert "4006381333931<CR><LF>" in tab.monitor_view.toPlainText()


def test_controls_are_large_and_every_button_shows_its_key(panel):
    buttons = panel.findChildren(QPushButton)
    assert len(buttons) >= 9
    for button in buttons:
        assert button.minimumHeight() >= 56, button.text()
        assert button.font().pointSize() >= 14
        assert not button.shortcut().isEmpty(), button.text()
        assert button.shortcut().toString() in button.text()
    assert panel.tabs["scale"].url.font().pointSize() >= 14
    assert panel.tabs["scale"].result.font().pointSize() >= 14
