"""EscPosPrinter against SimEscPosPrinter on a real pty and on loopback TCP, faults included."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import zxingcpp

from drivers.receipt_printer import (
    EscPosPrinter,
    PaperStatus,
    ReceiptPrinterConnectionError,
    ReceiptPrinterError,
    ReceiptPrinterNotReadyError,
    ReceiptPrinterProtocolError,
    ReceiptPrinterState,
    ReceiptPrinterStatus,
    ReceiptPrinterTimeoutError,
)
from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from drivers.receipt_printer.raster import with_quiet_zone
from drivers.sim.escpos import SimEscPosPrinter

ROOT = Path(__file__).resolve().parents[2]
URL = "https://example.com/r/1042"
HEALTHY = ReceiptPrinterStatus(online=True, cover_open=False, paper=PaperStatus.OK,
                               raw=b"\x12\x12\x12")


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


@pytest.fixture(params=["pty", "tcp"])
def sim(request):
    s = SimEscPosPrinter(request.param)
    yield s
    s.stop()


@pytest.fixture
def states():
    return []


@pytest.fixture
def printer(sim, states):
    p = EscPosPrinter(sim.url, timeout_s=0.3, profile="58mm",
                      on_state=lambda state, detail: states.append(state))
    yield p
    p.close()


def _receipt(printer: EscPosPrinter, order: str = "1042", native: bool = False) -> bytes:
    return (printer.builder()
            .line("PACKBENCH", align="center", bold=True, width=2, height=2)
            .line(f"Order {order}")
            .qr(URL, native=native)
            .cut()
            .build())


def test_healthy_status(sim, printer):
    assert printer.status() == HEALTHY
    assert sim.status_requests == [1, 2, 4]
    assert printer.state is ReceiptPrinterState.READY
    assert sim.jobs == []  # status requests are not a job


@pytest.mark.parametrize("paper", list(PaperStatus))
def test_paper_status(sim, printer, paper):
    sim.set_paper(paper)
    assert printer.paper_status() is paper
    assert sim.status_requests == [4]


def test_receipt_with_text_and_raster_qr_is_captured_and_the_qr_decodes(sim, printer):
    job = _receipt(printer)
    assert printer.print_job(job) == HEALTHY
    assert sim.wait_for_jobs(1)
    [received] = sim.jobs
    assert received.raw == job  # byte for byte; the status requests are not in it
    assert (received.ended_by, received.cut, received.unknown) == ("cut", True, [])
    assert received.text.split("\n")[:2] == ["PACKBENCH", "Order 1042"]
    [image] = received.images
    assert image.width == 384
    assert [r.text for r in zxingcpp.read_barcodes(with_quiet_zone(image))] == [URL]


def test_native_qr_is_captured_as_data(sim, printer):
    printer.print_job(_receipt(printer, native=True))
    assert sim.wait_for_jobs(1)
    assert sim.jobs[0].qr_codes == [URL.encode()]
    assert sim.jobs[0].images == []


def test_paper_out_refuses_and_sends_nothing(sim, printer, states):
    sim.paper_out()
    with pytest.raises(ReceiptPrinterNotReadyError, match="paper out") as caught:
        printer.print_job(_receipt(printer, "1"))
    assert caught.value.status.paper is PaperStatus.OUT
    assert not caught.value.status.online
    assert caught.value.status.paper_end_stop
    assert printer.state is ReceiptPrinterState.NOT_READY
    sim.paper_out(False)
    printer.print_job(_receipt(printer, "2"))
    assert sim.wait_for_jobs(1)
    assert [j.text.split("\n")[1] for j in sim.jobs] == ["Order 2"]  # order 1 never left
    assert states == [ReceiptPrinterState.NOT_READY, ReceiptPrinterState.READY]


def test_cover_open_refuses(sim, printer):
    sim.cover_open()
    with pytest.raises(ReceiptPrinterNotReadyError, match="cover open") as caught:
        printer.print_job(b"x\n")
    assert caught.value.status.cover_open
    assert printer.status().problems == ["cover open"]
    sim.cover_open(False)
    assert printer.status() == HEALTHY


def test_cutter_error_is_named_and_refuses(sim, printer):
    sim.cutter_error()
    status = printer.status()
    assert (status.error, status.errors, status.ready) == (True, ("autocutter",), False)
    assert sim.status_requests == [1, 2, 4, 3]
    with pytest.raises(ReceiptPrinterNotReadyError, match="autocutter"):
        printer.print_job(b"x\n")
    sim.clear()
    assert printer.print_job(b"x\n") == HEALTHY


def test_paper_near_end_still_prints(sim, printer):
    sim.paper_near_end()
    status = printer.print_job(_receipt(printer))
    assert status.paper is PaperStatus.NEAR_END
    assert status.problems == ["paper near end"]
    assert printer.state is ReceiptPrinterState.PAPER_LOW
    assert sim.wait_for_jobs(1)


def test_dropped_connection_raises_once_then_reconnects(sim, printer, states):
    assert printer.status() == HEALTHY
    sim.drop_connection()
    with pytest.raises(ReceiptPrinterConnectionError):
        printer.print_job(_receipt(printer, "1"))
    assert not printer.is_open
    assert printer.state is ReceiptPrinterState.ERROR
    printer.print_job(_receipt(printer, "2"))
    assert printer.is_open
    assert sim.wait_for_jobs(1)
    assert sim.jobs[-1].text.split("\n")[1] == "Order 2"
    assert states == [ReceiptPrinterState.READY, ReceiptPrinterState.ERROR,
                      ReceiptPrinterState.READY]


def test_garbage_reply_is_a_protocol_error_then_it_recovers(sim, printer):
    sim.answer_garbage()
    with pytest.raises(ReceiptPrinterProtocolError, match=r"DLE EOT 1: 0xA5 is not a status"):
        printer.status()
    assert printer.state is ReceiptPrinterState.ERROR
    assert printer.status() == HEALTHY


def test_no_answer_times_out_within_the_deadline(sim, printer):
    printer.open()
    sim.dont_answer()
    started = time.monotonic()
    with pytest.raises(ReceiptPrinterTimeoutError, match="DLE EOT 4"):
        printer.paper_status()
    assert 0.3 <= time.monotonic() - started < 0.6
    assert printer.paper_status() is PaperStatus.OK


def test_a_late_answer_is_not_taken_for_the_next_one(sim, printer):
    sim.paper_near_end()  # DLE EOT 4 answers 1E; DLE EOT 1 answers 12
    sim.slow(0.45)
    with pytest.raises(ReceiptPrinterTimeoutError):
        printer.paper_status()
    sim.slow(0)
    status = printer.status()  # a late 1E read as DLE EOT 1 would mean "offline"
    assert (status.online, status.paper) == (True, PaperStatus.NEAR_END)


def test_slow_answers_within_the_deadline_are_fine(sim):
    sim.slow(0.1)
    with EscPosPrinter(sim.url, timeout_s=1.0) as printer:
        assert printer.status() == HEALTHY


def test_calls_from_several_threads_are_serialised(sim, printer):
    sim.paper_near_end()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: printer.status(), range(20)))
    assert {r.paper for r in results} == {PaperStatus.NEAR_END}
    assert len(sim.status_requests) == 60


def test_unreachable_printer_then_it_appears():
    probe = SimEscPosPrinter.on_tcp()
    port = int(probe.url.rsplit(":", 1)[1])
    probe.stop()
    printer = EscPosPrinter(f"socket://127.0.0.1:{port}", timeout_s=0.3)
    try:
        with pytest.raises(ReceiptPrinterConnectionError, match=str(port)):
            printer.status()
        assert printer.state is ReceiptPrinterState.ERROR
        with SimEscPosPrinter.on_tcp(port) as sim:
            assert printer.status() == HEALTHY
            assert sim.connections == 1
    finally:
        printer.close()
    assert printer.state is ReceiptPrinterState.DISCONNECTED


def test_every_error_is_a_receipt_printer_error():
    for error in (ReceiptPrinterConnectionError, ReceiptPrinterNotReadyError,
                  ReceiptPrinterProtocolError, ReceiptPrinterTimeoutError):
        assert issubclass(error, ReceiptPrinterError)


# ------------------------------------------------------------ job boundaries
def test_jobs_split_on_cuts_and_status_requests_stay_out(sim, printer):
    printer.print_job(b"one\n\x1dV\x00two\n\x10\x04\x04\x1dV\x01three", check_status=False)
    assert sim.wait_for_jobs(2)
    assert printer.paper_status() is PaperStatus.OK  # the in-job DLE EOT 4 was answered too
    assert [(j.text, j.ended_by) for j in sim.jobs[:2]] == [("one\n", "cut"), ("two\n", "cut")]
    assert sim.jobs[1].raw == b"two\n\x1dV\x01"
    assert sim.status_requests[:1] == [4]


def test_a_job_ends_when_the_tcp_client_goes_away():
    with SimEscPosPrinter.on_tcp(idle_gap_s=None) as sim:
        with EscPosPrinter(sim.url) as printer:
            printer.print_job(b"no cut here\n\x1d(k\x05", check_status=False)
        assert sim.wait_for_jobs(1)
        [job] = sim.jobs
        assert (job.ended_by, job.text) == ("close", "no cut here\n")
        assert [u.reason for u in job.unknown] == [
            "truncated: the stream ended inside this command"]


@pytest.mark.parametrize("kind", ["pty", "tcp"])
def test_a_job_ends_after_an_idle_gap(kind):
    with SimEscPosPrinter(kind, idle_gap_s=0.2) as sim, EscPosPrinter(sim.url) as printer:
        printer.print_job(b"first", check_status=False)
        assert sim.wait_for_jobs(1)
        printer.print_job(b"second", check_status=False)
        assert sim.wait_for_jobs(2)
        assert [(j.text, j.ended_by) for j in sim.jobs] == [("first", "idle"),
                                                            ("second", "idle")]


def test_drop_ends_the_job(sim, printer):
    printer.print_job(b"half a receipt", check_status=False)
    printer.paper_status()  # answered after the job's bytes were read: none is lost in the drop
    sim.drop_connection()
    assert sim.wait_for_jobs(1)
    assert (sim.jobs[0].text, sim.jobs[0].ended_by) == ("half a receipt", "drop")
    sim.clear_jobs()
    assert sim.jobs == []


# ------------------------------------------------------------------ process
@pytest.mark.slow
def test_simulator_runs_as_a_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.escpos", "--listen", "tcp:0"], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )

    def control(line: str) -> str:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        return proc.stdout.readline().strip()

    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("socket://127.0.0.1:")
        assert control("paper out") == "ok"
        with EscPosPrinter(url, timeout_s=1.0) as printer:
            with pytest.raises(ReceiptPrinterNotReadyError):
                printer.print_job(b"x\n")
            assert control("paper ok") == "ok"
            printer.print_job(b"hello\n\x1dV\x00")
            deadline = time.monotonic() + 5
            while control("jobs") != "ok 1":
                assert time.monotonic() < deadline, "the job never arrived"
        assert control("job").startswith("ok ended_by=cut")
        assert "text='hello\\n'" in control("job 0")
        assert control("bogus").startswith("error:")
        assert control("paper sideways").startswith("error:")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
