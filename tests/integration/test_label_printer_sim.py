"""SimZplPrinter on the wire: how it splits the stream, answers, holds jobs, runs as a process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.label_printer.device import ZplPrinter
from drivers.label_printer.protocol import (
    ErrorFlag,
    HostStatus,
    WarningFlag,
    parse_extended_status,
    parse_host_status_frames,
    scan_frames,
)
from drivers.sim.zpl import GARBAGE, SimZplPrinter
from drivers.transport import close_transport, open_transport, read_available, write_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["pty", "tcp"])
def sim(request):
    s = SimZplPrinter(request.param)
    yield s
    s.stop()


@pytest.fixture
def wire(sim):
    port = open_transport(sim.url)
    sim.wait_for_client()
    yield port
    close_transport(port)


def read_frames(port, count: int, timeout: float = 2.0) -> list[bytes]:
    """Read until `count` STX...ETX frames have arrived (a deadline, never a hang)."""
    buf = b""
    deadline = time.monotonic() + timeout
    while len(found := scan_frames(buf)[0]) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"only {len(found)} frames in time: {buf!r}")
        buf += read_available(port, wait_s=remaining)
    return found


def test_host_status_reply_reflects_the_state(sim, wire):
    sim.ribbon_out()
    sim.pause()
    write_all(wire, b"~HS")
    status = parse_host_status_frames(read_frames(wire, 3))
    assert status == HostStatus(paused=True, ribbon_out=True)


def test_a_tilde_command_inside_a_format_is_answered_at_once_and_kept_out_of_the_job(
        sim, wire):
    write_all(wire, b"^XA^FO10,10^FDhi^FS~HS^XZ")
    status = parse_host_status_frames(read_frames(wire, 3))
    assert status.partial_format
    assert sim.wait_for_jobs(1)
    assert sim.jobs == [b"^XA^FO10,10^FDhi^FS^XZ"]


def test_the_stream_may_arrive_one_byte_at_a_time(sim, wire):
    for byte in b"^xa^FDone^FS^xz\r\n^XA^FDtwo^FS^PQ2^XZ~HQES~hs":
        write_all(wire, bytes([byte]))
    frames = read_frames(wire, 4)
    assert parse_extended_status(frames[0]).error_present is False
    assert parse_host_status_frames(frames[1:]) == HostStatus()
    assert sim.jobs == [b"^xa^FDone^FS^xz", b"^XA^FDtwo^FS^PQ2^XZ"]
    assert sim.printed == sim.jobs and sim.labels_printed == 3
    assert sim.commands_received == ["~HQES", "~HS"]


def test_extended_status_reply_reflects_faults_and_warnings(sim, wire):
    sim.head_open()
    sim.paper_out()
    sim.paper_low()
    write_all(wire, b"~HQES")
    ext = parse_extended_status(read_frames(wire, 1)[0])
    assert ext.error_flags == ErrorFlag.HEAD_OPEN | ErrorFlag.MEDIA_OUT
    assert ext.warning_flags == WarningFlag.PAPER_NEAR_END


def test_pause_resume_and_cancel_commands(sim, wire):
    write_all(wire, b"~PP^XA^FD1^FS^XZ^XA^FD2^FS^XZ")
    assert sim.wait_for_jobs(2)
    assert sim.held == sim.jobs and sim.printed == []
    assert sim.status().formats_in_buffer == 2
    write_all(wire, b"~JA^XA^FD3^FS^XZ~PS~HQOD~XY")
    assert sim.wait_for_commands(5)
    assert sim.printed == [b"^XA^FD3^FS^XZ"] and sim.held == []
    assert sim.commands_received == ["~PP", "~JA", "~PS", "~HQOD", "~XY"]
    assert read_available(wire, wait_s=0.05) == b""  # none of them answers


def test_bytes_outside_formats_and_broken_formats_are_counted_and_dropped(sim, wire):
    write_all(wire, b"hello^XZ\r\n^XA^FDlost^XA^FDkept^FS^XZ~HS")
    read_frames(wire, 3)
    assert sim.jobs == [b"^XA^FDkept^FS^XZ"]
    assert (sim.stray_bytes, sim.malformed) == (8, 1)


def test_held_jobs_print_in_order_once_every_fault_is_cleared(sim, wire):
    sim.head_open()
    sim.ribbon_out()
    write_all(wire, b"^XA^FD1^FS^XZ^XA^FD2^FS^XZ")
    assert sim.wait_for_jobs(2)
    sim.head_open(False)
    assert sim.printed == []  # still no ribbon
    sim.clear()
    assert sim.printed == [b"^XA^FD1^FS^XZ", b"^XA^FD2^FS^XZ"]


def test_fault_injection_applies_to_queries_only(sim, wire):
    sim.dont_answer()
    sim.answer_garbage()
    write_all(wire, b"~HS~PP~HS~HS")
    data = b""
    deadline = time.monotonic() + 2
    while data.count(b"\x03") < 3 and time.monotonic() < deadline:
        data += read_available(wire, wait_s=0.1)
    assert data.startswith(GARBAGE)  # the first is not answered, the second gets garbage
    assert parse_host_status_frames(scan_frames(data[len(GARBAGE):])[0]).paused


@pytest.mark.slow
def test_simulator_runs_as_a_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.zpl", "--listen", "tcp:0"], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )

    def control(line: str) -> str:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        return proc.stdout.readline().strip()

    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("socket://127.0.0.1:")
        with ZplPrinter(url) as printer:
            assert printer.print_label(b"^XA^FDx^FS^XZ").confirmed
            assert control("printed") == "ok 1"
            assert control("paper_out") == "ok"
            assert printer.status().paper_out
            assert control("paper_out off") == "ok"
            assert control("load_paper 5") == "ok"
            assert printer.status().ready
        assert control("help").startswith("paper_out")  # one line, like every answer
        proc.stdin.write("bogus\nquit\n")
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("error:")
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
