"""The print preview panel fetches and renders off the GUI thread and shows what printed.

A real SQLite station database holds label and insert jobs with real payloads; the panel's
loader reads and renders them on its worker thread and the images reach the widget through
a queued signal. The label shown must still scan to its tracking number.
"""

from __future__ import annotations

import gc
import os
import threading
from datetime import UTC, datetime

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from station.data.db import make_engine, session_factory
from station.data.models import PrintJob
from station.ui.preview import STATUS_COLOURS, PreviewLoader, PrintPreview, pil_to_qimage
from tests.integration.seed import seed
from tests.integration.test_printed import SID, pack

TRACKING = "PB000000013DE"


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


@pytest.fixture
def db(sqlite_url):
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    seed(sessions)
    yield sessions
    engine.dispose()


@pytest.fixture
def panel(qtbot, db):
    loader = PreviewLoader(db, SID, label_dpi=203, paper_width_dots=384)
    widget = PrintPreview(loader)
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    yield widget
    widget.shutdown()


def pixels(image: QImage) -> np.ndarray:
    """Return a grayscale QImage's pixels as a (height, width) array."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(gray.constBits(), np.uint8).reshape(gray.height(), gray.bytesPerLine())
    return rows[:, :gray.width()].copy()


def delivered(widget: PrintPreview) -> bool:
    return all(p.view.image is not None for p in (widget.label_panel, widget.insert_panel))


def background(panel) -> str:
    return panel.status.styleSheet().split("background-color:")[1].split(";")[0].strip()


def test_request_renders_off_the_gui_thread_and_shows_label_and_insert(qtbot, panel, db):
    order = pack(db, "SO-1", [TRACKING])
    threads: list[str] = []
    panel.loader.loaded.connect(lambda *_: threads.append(threading.current_thread().name),
                                Qt.ConnectionType.DirectConnection)
    panel.request(order["order_pk"])
    assert not delivered(panel)  # request() only starts the work
    qtbot.waitUntil(lambda: delivered(panel), timeout=5000)
    assert threads and threads[0].startswith("preview") and threads[0] != "MainThread"

    label, insert = panel.label_panel, panel.insert_panel
    assert label.view.image.size().toTuple() == (812, 1218)
    assert insert.view.image.width() == 384 and insert.view.image.height() > 200
    codes = zxingcpp.read_barcodes(pixels(label.view.image))
    assert TRACKING in [c.text for c in codes]
    assert "Order SO-1" in label.details.text() and f"Tracking {TRACKING}" in \
        label.details.text()
    assert "Order SO-1" in insert.details.text() and "Tracking" not in insert.details.text()
    assert (label.title.text(), insert.title.text()) == ("Shipping label", "Insert")
    for side in (label, insert):
        assert side.status.text() == "waiting: in the print queue"
        assert background(side) == STATUS_COLOURS["waiting"][0]
    assert all(w.focusPolicy() == Qt.FocusPolicy.NoFocus
               for w in [panel, *panel.findChildren(QWidget)])


def test_printed_time_and_the_printer_state_a_job_waits_for(qtbot, panel, db):
    order = pack(db, "SO-1", [TRACKING])
    at = datetime(2025, 3, 14, 11, 3, tzinfo=UTC)
    with db.begin() as s:
        s.get(PrintJob, order["labels"][0][0]).status = "printed"
        s.get(PrintJob, order["labels"][0][0]).printed_at = at
    panel.request(None)
    qtbot.waitUntil(lambda: delivered(panel), timeout=5000)
    label, insert = panel.label_panel, panel.insert_panel
    assert label.status.text() == f"printed {at.astimezone().strftime('%H:%M')}"
    assert background(label) == STATUS_COLOURS["printed"][0]

    panel.set_device_state("receipt_printer", "not_ready", "paper out")
    assert insert.status.text() == "waiting: paper out"
    panel.set_device_state("receipt_printer", "connected", "socket://127.0.0.1:9100")
    assert insert.status.text() == "waiting: in the print queue"
    panel.set_device_state("label_printer", "disconnected", "")
    assert label.status.text().startswith("printed")  # a printed job waits for nothing


def test_only_the_newest_request_is_shown(qtbot, panel, db):
    first = pack(db, "SO-1", [TRACKING])
    second = pack(db, "SO-2", ["PB000000027DE"])
    panel.request(first["order_pk"])
    panel.request(second["order_pk"])
    qtbot.waitUntil(lambda: panel.label_panel.record is not None, timeout=5000)
    panel.loader.shutdown(wait=True)  # every answer is sent: deliver what is queued
    QApplication.processEvents()
    assert panel.label_panel.record.order_number == "SO-2"
    assert panel.insert_panel.record.job_id == second["insert"][0]


def test_a_payload_that_cannot_be_drawn_says_so(qtbot, panel, db):
    order = pack(db, "SO-1", [TRACKING])
    with db.begin() as s:
        s.get(PrintJob, order["insert"][0]).payload = bytes(range(256)) * 8
    panel.request(order["order_pk"])
    qtbot.waitUntil(lambda: panel.insert_panel.record is not None, timeout=5000)
    insert = panel.insert_panel
    assert insert.view.image is None
    assert insert.view.message.startswith("Cannot show the preview: not an ESC/POS job")
    assert background(insert) == STATUS_COLOURS["error"][0]
    assert "preview not available" in insert.status.text()
    assert panel.label_panel.view.image is not None  # the label still shows


def test_an_order_with_nothing_printed_and_a_database_that_fails(qtbot, panel, db, tmp_path):
    pack(db, "SO-1", [TRACKING])
    panel.request(999)
    qtbot.waitUntil(lambda: panel.label_panel.view.message == "Nothing printed yet",
                    timeout=5000)
    assert panel.label_panel.record is None and panel.label_panel.state == "none"

    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables: every read fails
    broken = PrintPreview(PreviewLoader(session_factory(empty), SID))
    qtbot.addWidget(broken)
    broken.request(None)
    qtbot.waitUntil(lambda: broken.insert_panel.state == "error", timeout=5000)
    assert "print_jobs" in broken.label_panel.view.message
    assert broken.label_panel.status.text() == "Cannot read the print jobs"
    broken.shutdown()
    empty.dispose()


def test_pil_images_become_qimages_that_own_their_pixels():
    ramp = Image.frombytes("L", (37, 5), bytes(range(185)))  # odd width: padded rows
    image = pil_to_qimage(ramp)
    del ramp
    gc.collect()
    assert (image.width(), image.height()) == (37, 5)
    assert pixels(image).tobytes() == bytes(range(185))
    one_bit = pil_to_qimage(Image.new("1", (9, 2), 0))
    assert set(pixels(one_bit).ravel()) == {0}
