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
import random
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
SUMMARY_KEYS = ("phase", "packer", "order_id", "lines", "packages", "pending_line", "pending_lot",
                "pending_serial", "supervisor", "last_weight_g", "scale_must_clear")

# (action, value): scan a code, put grams on the scale, take the parcel off ("clear"), or
# lift a rejected parcel to fix it ("lift": no state change, so no kill).
STEPS: list[tuple[str, object]] = [
    ("scan", "BADGE:P1"), ("scan", "SO-1"), ("scan", "BOX:M"), ("scan", MUG), ("scan", MUG),
    ("scan", MUG), ("scan", BOOK), ("scan", SHIRT), ("scan", PHONE), ("scan", "SN-1"),
    ("scan", VITAMIN), ("scan", "230710"), ("weigh", 1350.0), ("clear", None),
    ("scan", "SO-2"), ("scan", MUG), ("weigh", 900.0), ("lift", None), ("scan", "CMD:REWEIGH"),
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
    """Run the steps through an in-process core; return the state before and after each."""
    engine = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    seed(sessions)
    core = StationCore(sessions, StationConfig.model_validate({"station": {"id": "st-1"}}),
                       lambda e: None)
    core.start()
    out = [summary(state_summary(core.state))]
    for action, value in STEPS:
        if action == "scan":
            core.handle_scan(str(value))
        elif action == "weigh":
            core.handle_weight(float(value))
        else:
            core.scale_cleared()
        out.append(summary(state_summary(core.state)))
    engine.dispose()
    return out


def summary(event: dict) -> dict:
    return {k: v for k, v in event.items() if k in SUMMARY_KEYS and v is not None}


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


def _is_ack(action: str, seq: int):
    """Return a predicate for the event that acknowledges a step."""
    if action == "scan":
        return lambda e: e["event"].startswith("scan.") and e.get("seq") == seq
    if action == "weigh":
        return lambda e: e["event"] in ("weight.accepted", "weight.rejected")
    return lambda e: e["event"] == "scale.cleared"


@pytest.mark.slow
def test_kill_9_at_every_step_resumes_exactly(tmp_path):
    """Kill after every step, half the time at a random instant while the step is handled.

    Whatever the instant, the restarted station is either exactly before or exactly after
    the step, and never before a step it had already acknowledged (announced).
    """
    expected = reference_states(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    seed(sessions)
    rng = random.Random(20261201)

    # TCP, so a line in flight at the kill dies with the socket like a real lost scan.
    scanner = SimScanner.on_tcp()
    scale = SimMtSics.on_tcp()
    station = Station(tmp_path, scanner, scale)
    points: set[tuple[int, str]] = set()
    try:
        ready = station.start()
        assert summary(ready) == expected[0]
        seq = 0
        for i, (action, value) in enumerate(STEPS):
            seq += action == "scan"
            if action == "lift":
                mark = len(station.log.events)
                scale.place(0.0)
                station.log.wait_for(_is_ack(action, seq), mark)
                continue
            is_ack = _is_ack(action, seq)
            mark = len(station.log.events)
            if action == "scan":
                scanner.scan(str(value))
            else:
                scale.place(float(value) if action == "weigh" else 0.0)
            in_flight = i % 2 == 0
            if in_flight:
                # Scans take milliseconds; the scale is polled every 20 ms.
                time.sleep(rng.uniform(0, 0.006 if action == "scan" else 0.04))
            else:
                station.log.wait_for(is_ack, mark)
            station.kill()
            acked = any(is_ack(e) for e in station.log.events[mark:])
            mark = len(station.log.events)
            ready = station.start()
            got = summary(ready)
            if action == "scan":
                assert ready["seq"] in (seq, seq - 1)
                applied = ready["seq"] == seq
            else:
                assert expected[i] != expected[i + 1]
                applied = got == expected[i + 1]
            if applied:
                assert got == expected[i + 1], f"after step {i} {action} {value!r}"
                points.add((i, "after"))
            else:
                assert not acked, f"step {i} {action} {value!r} was announced, then lost"
                assert got == expected[i], f"step {i} {action} {value!r}: half applied"
                points.add((i, "before"))
                # Not stored: the packer saw no verdict and scans again; a weight still on
                # the scale, or a scale already empty, is read again by the new process.
                if action == "scan":
                    scanner.scan(str(value))
                station.log.wait_for(is_ack, mark)
                station.kill()
                ready = station.start()
                assert summary(ready) == expected[i + 1], f"after step {i} {action} {value!r}"
            assert ready["seq"] == seq
    finally:
        station.stop()
        scanner.stop()
        scale.stop()

    # Every step was killed at least once: more than 20 distinct points of the pack.
    killed = {i for i, (action, _) in enumerate(STEPS) if action != "lift"}
    assert {i for i, _ in points} == killed and len(killed) >= 20
    with sessions() as s:
        scans = s.scalar(select(func.count()).select_from(ScanEvent))
        statuses = dict(s.execute(select(Order.order_id, Order.status)).all())
    assert scans == sum(1 for action, _ in STEPS if action == "scan")
    assert statuses == {"ord_1": "packed", "ord_2": "packed", "ord_3": "packed",
                        "ord_4": "on_hold", "ord_5": "ready"}
    engine.dispose()
