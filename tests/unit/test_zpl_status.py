"""From `~HS` / `~HQES` replies to problems, readiness and state; the exception family."""

from __future__ import annotations

import pytest

from drivers.label_printer.errors import (
    LabelJobError,
    LabelPrinterConnectionError,
    LabelPrinterError,
    LabelPrinterNotReadyError,
    LabelPrinterProtocolError,
    LabelPrinterTimeoutError,
)
from drivers.label_printer.protocol import ErrorFlag, ExtendedStatus, HostStatus, WarningFlag
from drivers.label_printer.status import (
    BLOCKING_PROBLEMS,
    FAULT_STATES,
    PrinterState,
    PrinterStatus,
    Problem,
)


def test_a_healthy_printer_is_ready():
    status = PrinterStatus.from_replies(HostStatus())
    assert status.problems == ()
    assert status.ready
    assert status.state is PrinterState.READY
    assert status.paper_low is None  # ~HS does not say


@pytest.mark.parametrize(
    ("fields", "problem", "state"),
    [
        ({"paper_out": True}, Problem.PAPER_OUT, PrinterState.PAPER_OUT),
        ({"head_up": True}, Problem.HEAD_OPEN, PrinterState.HEAD_OPEN),
        ({"ribbon_out": True}, Problem.RIBBON_OUT, PrinterState.RIBBON_OUT),
        ({"paused": True}, Problem.PAUSED, PrinterState.PAUSED),
        ({"buffer_full": True}, Problem.BUFFER_FULL, PrinterState.BUFFER_FULL),
        ({"over_temperature": True}, Problem.OVER_TEMPERATURE, PrinterState.ERROR),
    ],
)
def test_each_blocking_flag_stops_printing(fields, problem, state):
    status = PrinterStatus.from_replies(HostStatus(**fields))
    assert status.problems == (problem,)
    assert not status.ready
    assert status.state is state


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"under_temperature": True}, Problem.UNDER_TEMPERATURE),
        ({"corrupt_ram": True}, Problem.CORRUPT_RAM),
        ({"label_waiting": True}, Problem.LABEL_WAITING),
    ],
)
def test_warnings_are_reported_but_do_not_stop_printing(fields, problem):
    status = PrinterStatus.from_replies(HostStatus(**fields))
    assert status.problems == (problem,)
    assert status.ready
    assert status.state is PrinterState.READY


def test_problems_in_words_and_the_most_important_one_decides_the_state():
    status = PrinterStatus.from_replies(HostStatus(paper_out=True, paused=True, head_up=True,
                                                   under_temperature=True))
    assert [p.value for p in status.problems] == [
        "print head open", "paper out", "paused", "print head under temperature"]
    assert status.state is PrinterState.HEAD_OPEN


def test_counts_come_from_the_host_status():
    status = PrinterStatus.from_replies(HostStatus(formats_in_buffer=3, labels_remaining=40,
                                                   partial_format=True))
    assert (status.formats_in_buffer, status.labels_remaining, status.partial_format) == (
        3, 40, True)


@pytest.mark.parametrize(
    ("errors", "problem"),
    [
        (ErrorFlag.MEDIA_OUT, Problem.PAPER_OUT),
        (ErrorFlag.HEAD_OPEN, Problem.HEAD_OPEN),
        (ErrorFlag.RIBBON_OUT, Problem.RIBBON_OUT),
        (ErrorFlag.PRINTHEAD_OVER_TEMPERATURE, Problem.OVER_TEMPERATURE),
        (ErrorFlag.CUTTER_FAULT, Problem.CUTTER_FAULT),
        (ErrorFlag.PAUSED, Problem.PAUSED),
        (ErrorFlag.MOTOR_OVER_TEMPERATURE, Problem.PRINTER_ERROR),
        (0x400, Problem.PRINTER_ERROR),  # a bit the guide does not name
        (1 << 40, Problem.PRINTER_ERROR),  # group 2
        (0, Problem.PRINTER_ERROR),  # the flag alone
    ],
)
def test_extended_errors_count_even_when_host_status_looks_fine(errors, problem):
    status = PrinterStatus.from_replies(HostStatus(), ExtendedStatus(True, int(errors)))
    assert problem in status.problems
    assert not status.ready


def test_paper_near_end_is_paper_low_and_printing_goes_on():
    ext = ExtendedStatus(warning_present=True, warnings=int(WarningFlag.PAPER_NEAR_END))
    status = PrinterStatus.from_replies(HostStatus(), ext)
    assert status.paper_low is True
    assert status.problems == (Problem.PAPER_LOW,)
    assert status.ready
    assert PrinterStatus.from_replies(HostStatus(), ExtendedStatus()).paper_low is False


def test_extended_status_alone():
    status = PrinterStatus.from_replies(None, ExtendedStatus(True, int(ErrorFlag.MEDIA_OUT)))
    assert status.host is None
    assert status.state is PrinterState.PAPER_OUT
    with pytest.raises(ValueError):
        PrinterStatus.from_replies(None, None)


def test_named_sets():
    assert PrinterState.READY not in FAULT_STATES
    assert PrinterState.DISCONNECTED not in FAULT_STATES
    assert PrinterState.PAPER_OUT in FAULT_STATES
    assert Problem.PAPER_LOW not in BLOCKING_PROBLEMS
    assert Problem.PAUSED in BLOCKING_PROBLEMS


def test_not_ready_error_carries_the_status_and_says_why():
    status = PrinterStatus.from_replies(HostStatus(paper_out=True, head_up=True))
    refused = LabelPrinterNotReadyError(status)
    assert refused.status is status
    assert not refused.job_sent
    assert str(refused) == "printer not ready (print head open, paper out); job not sent"
    held = LabelPrinterNotReadyError(status, job_sent=True)
    assert held.job_sent
    assert "held in the printer's buffer" in str(held)


def test_every_error_is_a_label_printer_error():
    for error in (LabelPrinterConnectionError, LabelPrinterTimeoutError,
                  LabelPrinterProtocolError, LabelPrinterNotReadyError, LabelJobError):
        assert issubclass(error, LabelPrinterError)
    assert LabelPrinterTimeoutError("x").job_sent is False
