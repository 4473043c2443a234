"""Parts of the packing screen: boxes, pictures, the weight gauge, actions, texts."""

from __future__ import annotations

import http.server
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from station.app.events import make_event
from station.ui.actions import ACTIONS, ActionBar
from station.ui.boxes_model import BoxesModel
from station.ui.images import ImageCache, read_image
from station.ui.lines_model import LinesModel
from station.ui.texts import prompt_text, reason_text
from station.ui.weight_gauge import WeightGauge, band_position, view_range

SID = "st-1"
LINES = [{"line_id": "L1", "sku": "MUG-1", "qty": 2}, {"line_id": "L2", "sku": "TEE-1", "qty": 1}]


def boxes_after(*events) -> BoxesModel:
    model = BoxesModel()
    for e in events:
        model.apply_event(e)
    return model


def test_boxes_follow_the_pack_and_pass_the_model_tester(qtmodeltester):
    model = boxes_after(
        make_event("order.opened", SID, order_id="o", lines=LINES),
        make_event("box.selected", SID, order_id="o", package=1, box="M", tare_g=150.0),
        make_event("scan.accepted", SID, line_id="L1", packed=1, qty=2),
        make_event("scan.accepted", SID, line_id="L1", packed=1, qty=2),  # no new unit
        make_event("scan.accepted", SID, line_id="L1", packed=2, qty=2),
        make_event("weight.requested", SID, package=1, expected_g=700, low_g=650, high_g=750),
        make_event("weight.accepted", SID, package=1, weight_g=702.0),
        make_event("box.opened", SID, package=2),
        make_event("scan.accepted", SID, line_id="L2", packed=1, qty=1),
        make_event("weight.rejected", SID, package=2, weight_g=90.0),
        make_event("override.applied", SID, package=2, weight_g=90.0, supervisor="S1",
                   reason="scale_issue"),
        make_event("label.created", SID, package=1, tracking_number="RR000000016DE"),
        make_event("label.confirmed", SID, package=1, tracking_number="RR000000016DE"),
        make_event("print.printed", SID, package=1),  # not a box event: ignored
    )
    qtmodeltester.check(model)
    rows = [[model.data(model.index(r, c)) for c in range(5)] for r in range(model.rowCount())]
    assert rows == [["1", "M", "2", "weight OK (702 g)", "RR000000016DE ✓"],
                    ["2", "-", "1", "overridden (90 g)", ""]]
    model.apply_event(make_event("order.packed", SID, order_number="SO-1"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_boxes_restore_from_station_ready():
    model = boxes_after(make_event(
        "station.ready", SID, packages=[{"index": 1, "units": 2, "status": "accepted"},
                                        {"index": 2, "units": 1, "status": "open"}],
        lines=[{"line_id": "L1", "packed": 2, "qty": 2}, {"line_id": "L2", "packed": 1,
                                                           "qty": 2}]))
    model.apply_event(make_event("scan.accepted", SID, line_id="L2", packed=2, qty=2))
    assert [b.units for b in model.boxes] == [2, 2]  # the new unit went into the open box


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "mug.png"
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(path))
    return path


def test_pictures_load_from_files_and_http_off_the_gui_thread(qtbot, picture, tmp_path):
    assert read_image(str(picture)).width() == 64  # scaled, aspect kept
    assert read_image(picture.as_uri()).height() == 32
    (tmp_path / "not-an-image.png").write_bytes(b"garbage")
    assert read_image(str(tmp_path / "not-an-image.png")) is None
    assert read_image(str(tmp_path / "missing.png")) is None

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *_a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/mug.png"
        cache = ImageCache()
        model = LinesModel(images=cache)
        model.set_lines([dict(LINES[0], image_url=url), LINES[1]])
        changed = []
        model.dataChanged.connect(lambda a, _b: changed.append(a.row()))
        first = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
        assert first.cacheKey() == cache.placeholder("MUG-1").cacheKey()  # meanwhile
        qtbot.waitUntil(lambda: cache.has_picture(url), timeout=5000)
        assert 0 in changed
        shown = model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole)
        assert shown.width() == 64 and shown.toImage().pixelColor(32, 16) == QColor("#3366cc")
        # No picture: the SKU's placeholder tile.
        tile = model.data(model.index(1, 0), Qt.ItemDataRole.DecorationRole)
        assert tile.cacheKey() == cache.placeholder("TEE-1").cacheKey()
        cache.wait()
    finally:
        server.shutdown()
        server.server_close()


def test_lines_mark_the_last_scanned_line(qtmodeltester):
    model = LinesModel(images=ImageCache())
    model.set_lines(LINES)
    model.apply_event(make_event("scan.accepted", SID, line_id="L1", packed=1, qty=2))
    ok = model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole)
    model.apply_event(make_event("scan.rejected", SID, line_id="L2", reason="over_pick"))
    bad = model.data(model.index(1, 1), Qt.ItemDataRole.BackgroundRole)
    assert ok != bad and model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is None
    qtmodeltester.check(model)


@pytest.mark.parametrize(("grams", "where"), [(600, "below"), (650, "inside"), (700, "inside"),
                                              (750, "inside"), (751, "above")])
def test_band_position(grams, where):
    assert band_position(grams, 650, 750) == where


def test_view_range_keeps_band_and_reading_in_view():
    assert view_range(650, 750, None) == (550, 850)
    lo, hi = view_range(650, 750, 2000)
    assert lo == 550 and hi > 2000
    assert view_range(10, 30, None)[0] == 0  # never below zero


def test_gauge_says_live_weight_against_the_band(qtbot):
    gauge = WeightGauge()
    qtbot.addWidget(gauge)
    assert gauge.live_label.text() == "no reading"
    gauge.set_live(420.0, stable=True)
    assert gauge.live_label.text() == "420 g" and gauge.position_label.text() == ""
    gauge.set_expected({"package": 1, "expected_g": 700, "low_g": 650, "high_g": 750})
    assert gauge.position_label.text() == "280 g too light"
    gauge.set_live(780.0, stable=False)
    assert gauge.position_label.text() == "80 g too heavy · settling…"
    gauge.set_live(700.0, stable=True)
    assert gauge.position_label.text() == "in range" and gauge.bar.colour == "#0b6e1f"
    gauge.show()
    gauge.grab()  # paints without error with band and needle


def test_action_bar_enables_by_phase_and_fires_by_key_or_touch(qtbot):
    bar = ActionBar()
    qtbot.addWidget(bar)
    fired: list[str] = []
    bar.triggered.connect(fired.append)
    for phase in ("logged_out", "idle", "scanning", "weight_rejected", "await_label"):
        bar.set_phase(phase)
        for action in ACTIONS:
            assert bar.buttons[action.name].isEnabled() == (phase in action.phases)
            assert action.key in bar.buttons[action.name].text()  # the key is shown
    bar.set_phase("scanning")
    qtbot.mouseClick(bar.buttons["new_box"], Qt.MouseButton.LeftButton)
    bar.trigger("reweigh")  # not in this phase: nothing
    assert fired == ["new_box"]
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in bar.buttons.values())
    assert all(b.minimumHeight() >= 56 for b in bar.buttons.values())


def test_texts_fall_back_to_the_station_message_in_english():
    e = make_event("scan.rejected", SID, reason="wrong_item", code="036000291452",
                   message="Wrong item: TEE-1 Organic T-shirt is not in this order.")
    assert reason_text(e) == e["message"]
    assert reason_text({"reason": "never_heard_of", "message": ""}) == "never heard of"
    assert prompt_text({"phase": "scanning", "units_packed": 1, "units_total": 3,
                        "prompt": "Scan items (1/3)"}) == "Scan items (1/3)"
    assert prompt_text({"phase": "no_such_phase", "prompt": "x"}) == "x"


def test_device_details_are_translated_phrase_by_phrase(qtbot):
    from PySide6.QtWidgets import QApplication

    from station.ui.i18n import install_translator, remove_translators
    from station.ui.texts import device_detail
    from station.ui.widgets import DeviceLight

    assert device_detail("offline, 12 event(s) waiting") == "offline, 12 event(s) waiting"
    app = QApplication.instance()
    install_translator(app, "es")
    try:
        assert device_detail("offline, 12 event(s) waiting") == \
            "sin conexión, 12 evento(s) en espera"
        assert device_detail("paper out, cover open") == "sin papel, tapa abierta"
        assert device_detail("cannot open /dev/ttyUSB0") == "cannot open /dev/ttyUSB0"
        light = DeviceLight("label_printer")
        qtbot.addWidget(light)
        light.set_state("not_ready", "paper out")
        assert "sin papel" in light.text()
    finally:
        remove_translators(app)
