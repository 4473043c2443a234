"""ZplPrinter against SimZplPrinter on a real pty and on loopback TCP, faults included."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from drivers.label_printer.device import ZplPrinter
from drivers.label_printer.errors import (
    LabelJobError,
    LabelPrinterConnectionError,
    LabelPrinterNotReadyError,
    LabelPrinterProtocolError,
    LabelPrinterTimeoutError,
)
from drivers.label_printer.status import PrinterState, Problem
from drivers.sim.zpl import SimZplPrinter

LABEL = b"^XA^FO50,50^A0N,40,40^FDOrder 1042^FS^BY2^FO50,120^BCN,80^FD1042^FS^XZ"

FAULTS = [  # simulator control, problem reported, state
    ("paper_out", Problem.PAPER_OUT, PrinterState.PAPER_OUT),
    ("head_open", Problem.HEAD_OPEN, PrinterState.HEAD_OPEN),
    ("ribbon_out", Problem.RIBBON_OUT, PrinterState.RIBBON_OUT),
    ("pause", Problem.PAUSED, PrinterState.PAUSED),
    ("buffer_full", Problem.BUFFER_FULL, PrinterState.BUFFER_FULL),
    ("over_temperature", Problem.OVER_TEMPERATURE, PrinterState.ERROR),
]


@pytest.fixture(params=["pty", "tcp"])
def sim(request):
    s = SimZplPrinter(request.param)
    yield s
    s.stop()


@pytest.fixture
def printer(sim):
    p = ZplPrinter(sim.url, timeout_s=1.0)
    yield p
    p.close()


def test_a_ready_printer(sim, printer):
    assert printer.state is PrinterState.DISCONNECTED
    status = printer.status()
    assert status.ready
    assert status.problems == ()
    assert printer.state is PrinterState.READY
    assert sim.commands_received == ["~HS"]


@pytest.mark.parametrize(("fault", "problem", "state"), FAULTS)
def test_each_fault_is_reported(sim, printer, fault, problem, state):
    getattr(sim, fault)()
    status = printer.status()
    assert status.problems == (problem,)
    assert not status.ready
    assert status.state is state
    assert printer.state is state
    getattr(sim, fault)(False)
    assert printer.status().ready


def test_print_label_sends_the_formats_exactly_and_confirms(sim, printer):
    result = printer.print_label(LABEL + b"\r\n" + LABEL, copies=2)
    assert sim.wait_for_jobs(2)
    assert sim.jobs == [LABEL[:-3] + b"^PQ2^XZ"] * 2
    assert sim.printed == sim.jobs
    assert sim.labels_printed == 4
    assert (result.formats, result.copies, result.bytes_sent) == (2, 2, 2 * (len(LABEL) + 4))
    assert result.confirmed
    assert result.before.ready and result.after.ready
    assert sim.commands_received == ["~HS", "~HS"]


def test_a_str_job_is_sent_as_utf8(sim, printer):
    printer.print_label("^XA^CI28^FDGrüße^FS^XZ")
    assert sim.jobs == ["^XA^CI28^FDGrüße^FS^XZ".encode()]


@pytest.mark.parametrize(("fault", "problem", "state"), FAULTS)
def test_print_label_refuses_when_the_printer_cannot_print(sim, printer, fault, problem, state):
    getattr(sim, fault)()
    with pytest.raises(LabelPrinterNotReadyError) as refused:
        printer.print_label(LABEL)
    assert refused.value.status.problems == (problem,)
    assert not refused.value.job_sent
    assert sim.commands_received == ["~HS"]
    assert sim.jobs == [] and sim.printed == []
    assert printer.state is state


def test_a_job_sent_unchecked_while_paused_is_held_not_printed(sim, printer):
    sim.pause()
    result = printer.print_label(LABEL, check=False)
    assert not result.confirmed and result.after is None
    assert sim.wait_for_jobs(1)
    assert sim.held == [LABEL] and sim.printed == []
    status = printer.status()
    assert status.paused and status.formats_in_buffer == 1 and status.labels_remaining == 1
    printer.resume()
    assert sim.wait_for_commands(2)  # ~HS, ~PS
    assert sim.printed == [LABEL] and sim.held == []
    assert printer.status().ready


def test_paper_running_out_during_the_job_is_reported_after_sending(sim, printer):
    sim.load_paper(labels=2)
    with pytest.raises(LabelPrinterNotReadyError) as stopped:
        printer.print_label(LABEL, copies=3)
    assert stopped.value.job_sent
    assert stopped.value.status.paper_out
    assert stopped.value.status.labels_remaining == 1
    assert sim.labels_printed == 2 and sim.printed == []
    sim.load_paper()
    assert sim.printed == [LABEL[:-3] + b"^PQ3^XZ"]
    assert sim.labels_printed == 3


def test_an_empty_roll_is_noticed_on_the_next_label(sim, printer):
    sim.load_paper(labels=1)
    assert printer.print_label(LABEL).confirmed  # the last label on the roll
    with pytest.raises(LabelPrinterNotReadyError) as stopped:
        printer.print_label(LABEL)  # the printer only finds out when it feeds the next
    assert stopped.value.job_sent and stopped.value.status.state is PrinterState.PAPER_OUT
    assert sim.held == [LABEL]


def test_cancel_all_drops_held_formats(sim, printer):
    sim.head_open()
    printer.print_label(LABEL, check=False)
    printer.cancel_all()
    assert sim.wait_for_commands(1)
    assert sim.jobs == [LABEL] and sim.held == []
    sim.head_open(False)
    assert sim.printed == []


def test_a_bad_job_is_refused_before_anything_is_sent(sim, printer):
    with pytest.raises(LabelJobError):
        printer.print_label(b"^XA^FDno end^FS")
    with pytest.raises(LabelJobError):
        printer.print_label(LABEL, copies=0)
    assert not printer.is_open
    assert sim.commands_received == [] and sim.jobs == []


def test_garbage_is_a_protocol_error_and_the_next_call_works(sim, printer):
    sim.answer_garbage()
    with pytest.raises(LabelPrinterProtocolError):
        printer.status()
    assert printer.state is PrinterState.ERROR
    assert printer.status().ready


def test_garbage_makes_print_label_refuse(sim, printer):
    sim.answer_garbage()
    with pytest.raises(LabelPrinterProtocolError) as refused:
        printer.print_label(LABEL)
    assert not refused.value.job_sent
    assert sim.jobs == []


def test_no_answer_times_out_within_the_deadline(sim):
    printer = ZplPrinter(sim.url, timeout_s=0.3)
    try:
        printer.open()
        sim.dont_answer()
        started = time.monotonic()
        with pytest.raises(LabelPrinterTimeoutError):
            printer.status()
        assert 0.3 <= time.monotonic() - started < 0.6
        assert printer.state is PrinterState.ERROR
        assert printer.status().ready
    finally:
        printer.close()


def test_a_timeout_before_sending_refuses_the_job(sim):
    printer = ZplPrinter(sim.url, timeout_s=0.3)
    try:
        sim.dont_answer()
        with pytest.raises(LabelPrinterTimeoutError) as lost:
            printer.print_label(LABEL)
        assert not lost.value.job_sent
        assert sim.jobs == []
    finally:
        printer.close()


def test_a_late_reply_on_the_old_connection_is_never_read():
    with SimZplPrinter.on_tcp() as sim:
        printer = ZplPrinter(sim.url, timeout_s=0.1)
        try:
            sim.slow(0.3)
            with pytest.raises(LabelPrinterTimeoutError):
                printer.status()
            sim.slow(0)
            sim.paper_out()
            printer.timeout_s = 1.0  # the first reply is still being delayed
            assert printer.status().paper_out  # not the late "ready" reply
        finally:
            printer.close()


def test_dropped_connection_raises_once_then_reconnects(sim, printer):
    assert printer.status().ready
    sim.drop_connection()
    with pytest.raises(LabelPrinterConnectionError):
        printer.status()
    assert not printer.is_open
    assert printer.state is PrinterState.DISCONNECTED
    assert printer.status().ready
    assert printer.is_open


def test_unreachable_printer_then_it_appears():
    probe = SimZplPrinter.on_tcp()
    port = int(probe.url.rsplit(":", 1)[1])
    probe.stop()
    printer = ZplPrinter(f"socket://127.0.0.1:{port}")
    try:
        with pytest.raises(LabelPrinterConnectionError, match=str(port)):
            printer.print_label(LABEL)
        with SimZplPrinter.on_tcp(port) as sim:
            assert printer.print_label(LABEL).confirmed
            assert sim.printed == [LABEL]
    finally:
        printer.close()


def test_extended_status_adds_paper_low_and_error_flags(sim):
    printer = ZplPrinter(sim.url, extended_status=True)
    try:
        sim.paper_low()
        status = printer.status()
        assert status.paper_low is True
        assert status.problems == (Problem.PAPER_LOW,)
        assert status.ready
        sim.head_open()
        status = printer.status()
        assert status.extended.error_present
        assert status.problems == (Problem.HEAD_OPEN, Problem.PAPER_LOW)
        assert sim.commands_received == ["~HS", "~HQES", "~HS", "~HQES"]
    finally:
        printer.close()


def test_firmware_silent_in_a_fault_is_never_taken_for_ready():
    with SimZplPrinter.on_tcp(silent_in_fault=True) as sim:
        sim.paper_out()
        plain = ZplPrinter(sim.url, timeout_s=0.2)
        extended = ZplPrinter(sim.url, timeout_s=0.2, extended_status=True)
        try:
            with pytest.raises(LabelPrinterTimeoutError):
                plain.print_label(LABEL)
            plain.close()
            status = extended.status()
            assert status.host is None and status.state is PrinterState.PAPER_OUT
            with pytest.raises(LabelPrinterNotReadyError):
                extended.print_label(LABEL)
            assert sim.jobs == []
        finally:
            plain.close()
            extended.close()


def test_state_changes_are_announced(sim):
    seen = []
    printer = ZplPrinter(sim.url, on_printer_state_changed=lambda old, new: seen.append(new))
    try:
        printer.status()
        printer.status()  # no change, no call
        sim.ribbon_out()
        printer.status()
        sim.drop_connection()
        with pytest.raises(LabelPrinterConnectionError):
            printer.status()
        sim.ribbon_out(False)
        printer.status()
        assert seen == [PrinterState.READY, PrinterState.RIBBON_OUT, PrinterState.DISCONNECTED,
                        PrinterState.READY]
    finally:
        printer.close()


def test_calls_from_several_threads_are_serialised(sim, printer):
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: printer.print_label(b"^XA^FD%d^FS^XZ" % i), range(20)))
    assert all(r.confirmed for r in results)
    assert sim.wait_for_jobs(20)
    assert sorted(sim.printed) == sorted(b"^XA^FD%d^FS^XZ" % i for i in range(20))
    assert sim.commands_received == ["~HS"] * 40
