"""ScannerReader against SimScanner on a real pty and on loopback TCP."""

from __future__ import annotations

import queue
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.scanner.device import CONNECTED_STATES, ScannerReader, ScannerState
from drivers.scanner.errors import ScannerConnectionError, ScannerDecodeError
from drivers.scanner.protocol import decode_line
from drivers.sim.scanner import SimScanner

GS = "\x1d"
ROOT = Path(__file__).resolve().parents[2]


class Events:
    """Collect reader callbacks; wait for them with deadlines."""

    def __init__(self) -> None:
        self.q: queue.Queue[tuple] = queue.Queue()
        self.seen: list[tuple] = []

    def on_line(self, data: bytes) -> None:
        self.q.put(("line", data))

    def on_overflow(self, discarded: int) -> None:
        self.q.put(("overflow", discarded))

    def on_state(self, state: ScannerState, detail: str) -> None:
        self.q.put(("state", state, detail))

    def next(self, kind: str, timeout: float = 2.0) -> tuple:
        """Return the next event of `kind`; events of other kinds are kept in `seen`."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.q.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {kind} within {timeout} s; saw {self.seen}") from None
            self.seen.append(event)
            if event[0] == kind:
                return event

    def line(self, timeout: float = 2.0) -> bytes:
        return self.next("line", timeout)[1]

    def state(self, wanted: ScannerState, timeout: float = 2.0) -> str:
        while True:
            _, state, detail = self.next("state", timeout)
            if state is wanted:
                return detail

    def nothing_pending(self) -> bool:
        return self.q.empty()


def start_reader(sim: SimScanner, events: Events, **kw) -> ScannerReader:
    reader = ScannerReader(
        sim.url, reconnect_s=0.05, on_line=events.on_line, on_overflow=events.on_overflow,
        on_state=events.on_state, **kw,
    )
    reader.start()
    events.state(ScannerState.CONNECTED)
    assert sim.wait_for_client()
    return reader


@pytest.fixture(params=["pty", "tcp"])
def sim(request):
    scanner = SimScanner(request.param)
    yield scanner
    scanner.stop()


@pytest.fixture
def events():
    return Events()


@pytest.fixture
def reader(sim, events):
    r = start_reader(sim, events)
    yield r
    r.stop()


def test_lines_arrive_in_order(sim, events, reader):
    assert reader.state in CONNECTED_STATES
    codes = ["4006381333931", "SO-1", f"]C10109501101020917{GS}10ABC", "Größe-€"]
    for code in codes:
        sim.scan(code)
    sim.scan("LF-only", terminator=b"\n")
    sim.scan("tab", terminator=b"\t")
    sim.send_raw(b"two\rlines\r\n\r\n")
    got = [events.line() for _ in range(len(codes) + 4)]
    assert got == [c.encode() for c in codes] + [b"LF-only", b"tab", b"two", b"lines"]


def test_megabyte_without_newline_is_reported_once_then_scans_arrive(sim, events, reader):
    sim.scan("before")
    assert events.line() == b"before"
    sim.send_raw(b"A" * 1_048_576)
    _, discarded = events.next("overflow", timeout=5)
    assert discarded > 4096
    sim.send_raw(b"\r\n")
    sim.scan("NEXT")
    assert events.line() == b"NEXT"
    assert [e for e in events.seen if e[0] == "overflow"] == [("overflow", discarded)]


def test_invalid_utf8_passes_through_as_bytes(sim, events, reader):
    sim.send_raw(b"\xff\xfe\xc3\x28bad\r\n")
    data = events.line()
    assert data == b"\xff\xfe\xc3\x28bad"
    with pytest.raises(ScannerDecodeError, match="ff fe c3 28"):
        decode_line(data)


def test_prefix_suffix_and_terminator_are_configurable(sim, events):
    reader = start_reader(sim, events, terminator="CR", prefix=b"\x02", suffix=b"\x03")
    try:
        sim.scan(b"\x02ABC\x03", terminator=b"\r")
        sim.scan(b"X\nY", terminator=b"\r")
        assert events.line() == b"ABC"
        assert events.line() == b"X\nY"
    finally:
        reader.stop()


def test_dropped_connection_reconnects_within_2_s(sim, events, reader):
    sim.scan("first")
    assert events.line() == b"first"
    started = time.monotonic()
    sim.drop_connection()
    events.state(ScannerState.DISCONNECTED)
    events.state(ScannerState.CONNECTED, timeout=2)
    assert sim.wait_for_client(min_connections=2, timeout=2)  # TCP: a second client; pty: any
    assert time.monotonic() - started < 2
    assert isinstance(reader.last_error, ScannerConnectionError)
    sim.scan("after")
    assert events.line() == b"after"


def test_unreachable_scanner_reports_error_and_keeps_retrying(events):
    probe = SimScanner.on_tcp()
    url = probe.url
    probe.stop()  # nothing listens on that port now
    reader = ScannerReader(url, reconnect_s=0.05, on_line=events.on_line,
                           on_state=events.on_state)
    reader.start()
    try:
        detail = events.state(ScannerState.ERROR)
        assert url in detail
        # About five more failed attempts follow in 0.25 s; none is reported again.
        with pytest.raises(queue.Empty):
            events.q.get(timeout=0.25)
        sim = SimScanner.on_tcp(port=int(url.rsplit(":", 1)[1]))
        try:
            events.state(ScannerState.CONNECTED)
            assert sim.wait_for_client()
            sim.scan("hello")
            assert events.line() == b"hello"
        finally:
            sim.stop()
    finally:
        reader.stop()
    states = [e[1] for e in events.seen if e[0] == "state"]
    assert states[:3] == [ScannerState.CONNECTING, ScannerState.ERROR, ScannerState.CONNECTED]


def test_a_failing_listener_does_not_kill_the_reader(sim, caplog):
    got: queue.Queue[bytes] = queue.Queue()
    connected: queue.Queue[ScannerState] = queue.Queue()

    def on_line(data: bytes) -> None:
        if data == b"boom":
            raise RuntimeError("listener bug")
        got.put(data)

    reader = ScannerReader(sim.url, on_line=on_line,
                           on_state=lambda s, d: connected.put(s) if s in CONNECTED_STATES else 0)
    reader.start()
    try:
        assert connected.get(timeout=2) is ScannerState.CONNECTED
        assert sim.wait_for_client()
        sim.scan("boom")
        sim.scan("fine")
        assert got.get(timeout=2) == b"fine"
    finally:
        reader.stop()
    assert "listener bug" in caplog.text


def test_stop_is_quick_even_while_waiting_to_reconnect(events):
    reader = ScannerReader("socket://127.0.0.1:1", reconnect_s=30, on_state=events.on_state)
    reader.start()
    events.state(ScannerState.ERROR)
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 1
    assert reader.state is ScannerState.DISCONNECTED


def test_stop_is_quick_while_connected(sim, events, reader):
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 1
    assert events.state(ScannerState.DISCONNECTED) == "stopped"


def test_bad_configuration_fails_in_the_caller():
    with pytest.raises(ValueError):
        ScannerReader("loop://", terminator="NUL")


def test_simulator_runs_as_a_process(events):
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.scanner", "--listen", "pty"], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        reader = ScannerReader(url, on_line=events.on_line, on_state=events.on_state)
        reader.start()
        try:
            events.state(ScannerState.CONNECTED)
            for line in ("scan Größe 42", "SO-1 with spaces", "raw 1d4142"):
                proc.stdin.write(line + "\n")
                proc.stdin.flush()
                assert proc.stdout.readline().startswith("ok")
            assert [events.line() for _ in range(2)] == [
                "Größe 42".encode(), b"SO-1 with spaces"
            ]
            proc.stdin.write("help\n")
            proc.stdin.flush()
            assert "drop" in proc.stdout.readline()
        finally:
            reader.stop()
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
