"""Long work runs off the GUI thread: the screen keeps turning, shows progress, can cancel."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from sqlalchemy import func, select

from station.app.work import Cancelled, Progress
from station.config import StationConfig
from station.data.db import make_engine, session_factory
from station.data.models import Order
from station.ui.long_work import BAR_STEPS, LongWork, ProgressPanel, phase_text
from station.ui.tools_panel import ToolsPanel
from sync.importing import import_products
from tests.integration.seed import seed
from tests.integration.test_import_progress import orders_csv, products_csv
from tests.integration.test_reprint_batch import PACKED, pack, station_config

LINES = 40_000  # about 1.5 s to import on SQLite: long enough to watch the screen


@pytest.fixture
def sessions(sqlite_url):
    engine = make_engine(sqlite_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def panel(qtbot, sessions):
    tools = ToolsPanel(sessions, StationConfig.model_validate({"station": {"id": "st-1"}}))
    qtbot.addWidget(tools)
    tools.show()
    qtbot.waitExposed(tools)
    yield tools
    assert tools.work.shutdown(10)


def orders_in(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(Order))


def test_progress_is_throttled_on_the_gui_thread_and_the_last_one_arrives(qtbot):
    work = LongWork()
    shown: list[tuple[Progress, bool]] = []
    work.progressed.connect(
        lambda p: shown.append((p, threading.current_thread() is threading.main_thread())))
    n = 300_000

    def job(progress, cancel):
        for i in range(1, n + 1):
            progress(Progress(i, n, "writing"))
        return "done"

    began = time.monotonic()
    with qtbot.waitSignal(work.finished, timeout=30_000) as ended:
        work.start(job)
    elapsed = time.monotonic() - began
    assert ended.args == ["done"]
    assert all(on_gui for _, on_gui in shown)
    assert shown[-1][0] == Progress(n, n, "writing")  # delivered before finished
    assert 1 <= len(shown) <= elapsed * 20 + 2, (len(shown), elapsed)
    assert [p.done for p, _ in shown] == sorted(p.done for p, _ in shown)
    assert not work.running


def test_failures_and_cancels_end_in_their_own_signals(qtbot):
    work = LongWork()

    def broken(progress, cancel):
        raise ValueError("the file is on fire")

    with qtbot.waitSignal(work.failed) as failed:
        work.start(broken)
    assert failed.args == ["the file is on fire"] and isinstance(work.error, ValueError)

    def stops(progress, cancel):
        raise Cancelled

    with qtbot.waitSignal(work.cancelled):
        work.start(stops)
    assert not work.running


def test_the_panel_shows_progress_and_cancels_by_button_and_by_escape(qtbot):
    work = LongWork()
    view = ProgressPanel(work)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()

    def until_cancelled(progress, cancel):
        i = 0
        while not cancel.wait(0.001):
            i += 1
            progress(Progress(min(i, 999), 1000, "checking"))
        raise Cancelled

    for press in (lambda: qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton),
                  lambda: QTest.keyClick(view, Qt.Key.Key_Escape)):
        work.start(until_cancelled)
        qtbot.waitUntil(lambda: 0 < view.bar.value() < BAR_STEPS)
        assert view.cancel_button.isEnabled()
        assert view.phase_label.text().startswith("Checking rows:")
        with qtbot.waitSignal(work.cancelled, timeout=5000):
            press()
        assert view.phase_label.text() == "Stopped" and not view.cancel_button.isEnabled()


def test_phase_words():
    assert phase_text(Progress(512, 1024, "reading")) == "Reading the file: 50 %"
    assert phase_text(Progress(2, 5, "reprinting", "SO-7")) == \
        "Reprinting labels: order 2 of 5 (SO-7)"


def test_a_large_import_keeps_the_screen_turning(qtbot, panel, sessions, tmp_path):
    import_products(sessions, products_csv(tmp_path))
    path = orders_csv(tmp_path, LINES)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    bars: list[tuple[str, int]] = []
    panel.work.progressed.connect(
        lambda p: bars.append((p.phase, panel.progress_panel.bar.value())))
    timer.start()
    began = time.monotonic()
    assert panel.start_import("orders", path)
    assert not panel.start_import("orders", path)  # one job at a time
    assert not panel.buttons["orders"].isEnabled()
    qtbot.waitUntil(lambda: not panel.work.running, timeout=60_000)
    timer.stop()
    stamps = [began, *ticks]  # the start itself must not stall either
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert len(ticks) > 20 and max(gaps) < 0.25, (len(ticks), max(gaps))
    for phase in ("reading", "checking", "writing"):
        values = [v for p, v in bars if p == phase]
        assert values == sorted(values) and len(set(values)) >= 2, (phase, values)
    assert bars[-1] == ("writing", BAR_STEPS)
    assert panel.outcome == "ok"
    assert panel.result_label.text() == (
        "Imported orders.csv: 10000 records, 10000 created, 0 updated, 0 unchanged.")
    assert panel.buttons["orders"].isEnabled() and orders_in(sessions) == 10_000


def test_cancel_by_the_button_imports_nothing(qtbot, panel, sessions, tmp_path):
    import_products(sessions, products_csv(tmp_path))
    path = orders_csv(tmp_path, LINES)
    panel.start_import("orders", path)
    qtbot.waitUntil(lambda: panel.work.progress is not None)
    qtbot.mouseClick(panel.progress_panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.work.running, timeout=30_000)
    assert panel.outcome == "stopped"
    assert panel.result_label.text() == "Import of orders.csv stopped: nothing was imported."
    assert orders_in(sessions) == 0


def test_import_problems_are_shown_with_their_lines(qtbot, panel, sessions, tmp_path):
    import_products(sessions, products_csv(tmp_path))
    path = orders_csv(tmp_path, 8, name="bad.csv")
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",SKU-2,1", ",SKU-2,lots")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    panel.start_import("orders", path)
    qtbot.waitUntil(lambda: not panel.work.running, timeout=30_000)
    assert panel.outcome == "failed"
    assert panel.result_label.text() == "Nothing was imported from bad.csv."
    details = panel.details.toPlainText().splitlines()
    assert details == ["Fix these lines and import again:",
                       "line 4: qty: must be a whole number"]
    assert orders_in(sessions) == 0


def test_reprints_from_the_panel(qtbot, sessions):
    seed(sessions)
    config = station_config()
    pack(sessions, config)
    tools = ToolsPanel(sessions, config)
    qtbot.addWidget(tools)
    tools.show()
    tools.show_reprint_form()
    assert tools.reprint_form.isVisible()
    tools.refs_edit.setPlainText("SO-2\n\nord_5\n")
    assert tools.start_reprint_from_form()
    qtbot.waitUntil(lambda: not tools.work.running)
    assert tools.outcome == "ok"
    assert tools.result_label.text() == "Reprinted 2 of 2 orders: 2 label(s) queued again."
    assert tools.details.toPlainText().splitlines() == [
        "SO-2: 1 label(s) queued again", "SO-5: 1 label(s) queued again"]
    tools.today_check.setChecked(True)
    assert not tools.refs_edit.isEnabled()
    assert tools.start_reprint_from_form()
    qtbot.waitUntil(lambda: not tools.work.running)
    assert tools.result_label.text() == "Reprinted 3 of 3 orders: 3 label(s) queued again."
    assert [line.split(":")[0] for line in tools.details.toPlainText().splitlines()] == \
        list(PACKED)
    assert tools.start_reprint(["SO-2", "SO-999"])
    qtbot.waitUntil(lambda: not tools.work.running)
    assert tools.outcome == "failed"
    assert tools.result_label.text() == "Nothing was reprinted: no order 'SO-999'"
    assert tools.work.shutdown(10)
