"""The headless station as a process: real pty scanner, MT-SICS scale, bad input survived."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from station.data.db import make_engine, session_factory, upgrade
from station.data.models import Order, OrderLine, PackedUnit, ScanEvent
from tests.integration.seed import MUG, seed
from tests.integration.test_crash_resume import ROOT, Station


@pytest.fixture
def station(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    scanner = SimScanner.on_pty()
    scale = SimMtSics.on_tcp()
    st = Station(tmp_path, scanner, scale)
    st.start()
    yield st, scanner, scale
    st.stop()
    scanner.stop()
    scale.stop()


def scan_and_wait(st: Station, scanner: SimScanner, data: bytes | str) -> dict:
    mark = len(st.log.events)
    if isinstance(data, bytes):
        scanner.send_raw(data)
    else:
        scanner.scan(data)
    return st.log.wait_for(lambda e: e["event"].startswith("scan."), mark)


@pytest.mark.slow
def test_bad_input_is_reported_and_the_station_keeps_packing(station):
    st, scanner, scale = station
    assert scan_and_wait(st, scanner, "BADGE:P1")["event"] == "scan.accepted"
    assert scan_and_wait(st, scanner, "SO-2")["event"] == "scan.accepted"
    # 1 MB without a line end, then a good scan: reported once, then back in sync.
    e = scan_and_wait(st, scanner, b"A" * 1_048_576)
    assert (e["event"], e["reason"]) == ("scan.rejected", "line_too_long")
    mark = len(st.log.events)
    scanner.send_raw(b"\r\n")
    e = scan_and_wait(st, scanner, b"\xff\xfe\xc3\x28bad\r\n")
    assert (e["reason"], e["order_id"]) == ("invalid_encoding", "ord_2")
    e = scan_and_wait(st, scanner, "0000000000000")
    assert e["reason"] == "unknown_barcode"
    e = scan_and_wait(st, scanner, "]C1" + "01123")
    assert e["reason"] == "unreadable" and "GS1" in e["message"]
    # A broken order file imported while the station packs: refused whole, station unharmed.
    before = db_counts(st)
    broken = st.config.parent / "orders.json"
    broken.write_text(json.dumps([{"order_id": "ord_new", "order_number": "SO-NEW",
                                   "lines": [{"line_id": "1", "sku": "MUG-1", "qty": 1}]}])[:-9])
    proc = subprocess.run(
        [sys.executable, "-m", "station.cli", "orders", "import", str(broken),
         "--config", str(st.config), "--no-progress"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1 and "nothing imported" in proc.stderr, proc.stderr
    assert "line 1" in proc.stderr
    assert db_counts(st) == before
    assert before["units"] == 0  # none of the bad lines packed anything
    e = scan_and_wait(st, scanner, MUG)
    assert e["event"] == "scan.accepted" and e["packed"] == 1
    mark = len(st.log.events)
    st.log.wait_for(lambda e: e["event"] == "weight.requested", mark - 3)
    scale.place(352.0)
    st.log.wait_for(lambda e: e["event"] == "order.packed", mark)
    assert st.proc.poll() is None
    assert db_counts(st)["units"] == 1
    # Every event carries the monotonic timestamp; every pack event names its order.
    assert all(isinstance(e["ts"], float) for e in st.log.events)
    after_open = st.log.events[[x["event"] for x in st.log.events].index("order.opened"):]
    assert all(e.get("order_id") == "ord_2" for e in after_open
               if e["event"].startswith(("scan.", "weight.", "order.")))


def db_counts(st: Station) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{st.db}")
    try:
        with session_factory(engine)() as s:
            return {
                name: s.scalar(select(func.count()).select_from(model))
                for name, model in (("orders", Order), ("lines", OrderLine),
                                    ("units", PackedUnit), ("scans", ScanEvent))
            }
    finally:
        engine.dispose()


@pytest.mark.slow
def test_unstable_scale_never_yields_a_weight(station):
    st, scanner, scale = station
    scan_and_wait(st, scanner, "BADGE:P1")
    scan_and_wait(st, scanner, "SO-2")
    mark = len(st.log.events)
    scale.set_unstable(True)
    scale.place(350.0)
    scan_and_wait(st, scanner, MUG)
    st.log.wait_for(lambda e: e["event"] == "weight.requested", mark)
    # Let the station take at least 20 readings of the swaying parcel.
    seen = len(scale.commands_received)
    deadline = time.monotonic() + 10
    while len(scale.commands_received) < seen + 20:
        assert time.monotonic() < deadline, "the station stopped reading the scale"
        time.sleep(0.01)  # polling the simulator's counter
    e = scan_and_wait(st, scanner, MUG)
    assert e["reason"] == "waiting_for_weight"
    assert not [e for e in st.log.events[mark:] if e["event"].startswith("weight.")
                and e["event"] != "weight.requested"]
    scale.set_unstable(False)
    st.log.wait_for(lambda e: e["event"] == "weight.accepted", mark)
