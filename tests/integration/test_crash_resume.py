"""Kill -9 the headless station at many points of a pack; it resumes exactly.

The station runs as a real subprocess reading a simulated scanner and an MT-SICS scale
simulator over loopback TCP. A reference core, run in-process on its own database with
the same inputs, says what the state must be after every step. After each kill the test
restarts the station and compares its `station.ready` state with the reference; at the end
every scan is stored exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from station.app.core import StationCore
from station.app.events import state_summary
from station.config import StationConfig
from station.data.db import make_engine, session_factory, upgrade
from station.data.models import Order, ScanEvent
from tests.integration.seed import BOOK, MUG, PHONE, SHIRT, VITAMIN, seed

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = ("phase", "packer", "order_id", "lines", "packages", "pending_line")

# (action, value): scan a code, put grams on the scale, or take the parcel off.
STEPS: list[tuple[str, object]] = [
    ("scan", "BADGE:P1"), ("scan", "SO-1"), ("scan", "BOX:M"), ("scan", MUG), ("scan", MUG),
    ("scan", MUG), ("scan", BOOK), ("scan", SHIRT), ("scan", PHONE), ("scan", "SN-1"),
    ("scan", VITAMIN), ("scan", "230710"), ("weigh", 1350.0), ("clear", None),
    ("scan", "SO-2"), ("scan", MUG), ("weigh", 900.0), ("scan", "CMD:REWEIGH"),
    ("weigh", 905.0), ("scan", "BADGE:S1"), ("scan", "CMD:REASON-SCALE"), ("clear", None),
    ("scan", "SO-3"), ("scan", PHONE), ("scan", "SN-2"), ("weigh", 200.0), ("clear", None),
    ("scan", "SO-4"), ("scan", "NOT-IN-CATALOGUE"), ("scan", "CMD:SHORT"),
]


class EventLog:
    """Follow the station's JSON-lines event file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.events: list[dict] = []
        self._offset = 0

    def poll(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        self.events += [json.loads(line) for line in complete.splitlines() if line]

    def wait_for(self, pred, start: int, timeout: float = 15.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            for event in self.events[start:]:
                if pred(event):
                    return event
            time.sleep(0.005)  # polling a file another process writes
        raise AssertionError(f"no matching event; last: {self.events[-5:]}")


def reference_states(tmp_path: Path) -> list[dict]:
    """Run the steps through an in-process core; return the state after each step."""
    engine = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    seed(sessions)
    core = StationCore(sessions, StationConfig.model_validate({"station": {"id": "st-1"}}),
                       lambda e: None)
    core.start()
    out = []
    for action, value in STEPS:
        if action == "scan":
            core.handle_scan(str(value))
        elif action == "weigh":
            core.handle_weight(float(value))
        out.append({k: v for k, v in state_summary(core.state).items() if k in SUMMARY_KEYS})
    engine.dispose()
    return out


class Station:
    """The headless station as a subprocess."""

    def __init__(self, tmp_path: Path, scanner: SimScanner, scale: SimMtSics) -> None:
        self.db = tmp_path / "station.db"
        self.events_path = tmp_path / "events.jsonl"
        self.config = tmp_path / "station.toml"
        self.config.write_text(
            f'[station]\nid = "st-1"\ndatabase = "sqlite:///{self.db}"\n'
            f'[devices.scanner]\nurl = "{scanner.url}"\nreconnect_s = 0.1\n'
            f'[devices.scale]\nurl = "{scale.url}"\npoll_interval_s = 0.02\nreconnect_s = 0.1\n'
        )
        self.log = EventLog(self.events_path)
        self.proc: subprocess.Popen | None = None

    def start(self) -> dict:
        start = len(self.log.events)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "station.cli", "run", "--config", str(self.config),
             "--headless", "--events-jsonl", str(self.events_path)],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        ready = self.log.wait_for(lambda e: e["event"] == "station.ready", start, timeout=30)
        self.log.wait_for(lambda e: e["event"] == "device.state" and e["device"] == "scanner"
                          and e["state"] == "connected", start, timeout=10)
        return ready

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc.stderr.close()
        self.log.poll()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            finally:
                self.proc.stderr.close()


@pytest.mark.slow
def test_kill_9_at_every_step_resumes_exactly(tmp_path):
    expected = reference_states(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    seed(sessions)

    # TCP, so a line in flight at the kill dies with the socket like a real lost scan.
    scanner = SimScanner.on_tcp()
    scale = SimMtSics.on_tcp()
    station = Station(tmp_path, scanner, scale)
    kills = 0
    try:
        ready = station.start()
        assert ready["phase"] == "logged_out"
        seq = 0
        for i, (action, value) in enumerate(STEPS):
            mark = len(station.log.events)
            in_flight = action == "scan" and i % 3 == 2
            if action == "scan":
                scanner.scan(str(value))
                seq += 1
                if in_flight:
                    # Kill while the scan is on its way: it may or may not have been stored.
                    station.kill()
                else:
                    station.log.wait_for(lambda e, s=seq: e.get("seq") == s and
                                         e["event"].startswith("scan."), mark)
            elif action == "weigh":
                scale.place(float(value))
                station.log.wait_for(lambda e: e["event"] in ("weight.accepted",
                                                              "weight.rejected"), mark)
            else:
                scale.place(0.0)
                station.log.wait_for(lambda e: e["event"] == "scale.cleared", mark)
            if not in_flight:
                station.kill()
            kills += 1
            ready = station.start()
            if in_flight and ready["seq"] == seq - 1:
                # Not stored before the kill: the packer saw no verdict and scans again.
                mark = len(station.log.events)
                scanner.scan(str(value))
                station.log.wait_for(lambda e, s=seq: e.get("seq") == s, mark)
                station.kill()
                ready = station.start()
            assert ready["seq"] == seq
            got = {k: v for k, v in ready.items() if k in SUMMARY_KEYS}
            assert got == expected[i], f"after step {i} {action} {value!r}"
    finally:
        station.stop()
        scanner.stop()
        scale.stop()

    assert kills >= 20
    with sessions() as s:
        scans = s.scalar(select(func.count()).select_from(ScanEvent))
        statuses = dict(s.execute(select(Order.order_id, Order.status)).all())
    assert scans == sum(1 for action, _ in STEPS if action == "scan")
    assert statuses == {"ord_1": "packed", "ord_2": "packed", "ord_3": "packed",
                        "ord_4": "on_hold", "ord_5": "ready"}
    engine.dispose()
