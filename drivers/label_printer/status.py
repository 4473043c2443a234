"""Turn `~HS` / `~HQES` replies into one typed printer status, its problems and its state.

`PrinterStatus.problems` names everything the printer reports, in words (the enum values);
`ready` is False when any of them stops printing (`BLOCKING_PROBLEMS`): paper out, head open,
ribbon out, paused, receive buffer full, head over temperature, cutter fault, any other
`~HQES` error. Paper low, under temperature, lost configuration and a label waiting to be
taken are reported but do not stop a print. `state` is the single most important of them,
for a status light; DISCONNECTED is only ever set by the device, never from a reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from drivers.label_printer.protocol import ErrorFlag, ExtendedStatus, HostStatus, WarningFlag

__all__ = [
    "BLOCKING_PROBLEMS", "FAULT_STATES", "PrinterState", "PrinterStatus", "Problem",
]


class Problem(Enum):
    """Something the printer reports; the value says it in words."""

    HEAD_OPEN = "print head open"
    PAPER_OUT = "paper out"
    RIBBON_OUT = "ribbon out"
    BUFFER_FULL = "receive buffer full"
    PAUSED = "paused"
    OVER_TEMPERATURE = "print head over temperature"
    CUTTER_FAULT = "cutter fault"
    PRINTER_ERROR = "printer reports an error"
    UNDER_TEMPERATURE = "print head under temperature"
    CORRUPT_RAM = "configuration lost (corrupt RAM)"
    PAPER_LOW = "paper low"
    LABEL_WAITING = "label waiting to be taken"


BLOCKING_PROBLEMS = frozenset({
    Problem.HEAD_OPEN, Problem.PAPER_OUT, Problem.RIBBON_OUT, Problem.BUFFER_FULL,
    Problem.PAUSED, Problem.OVER_TEMPERATURE, Problem.CUTTER_FAULT, Problem.PRINTER_ERROR,
})


class PrinterState(Enum):
    """What a status light shows."""

    READY = "ready"
    HEAD_OPEN = "print head open"
    PAPER_OUT = "paper out"
    RIBBON_OUT = "ribbon out"
    BUFFER_FULL = "receive buffer full"
    PAUSED = "paused"
    ERROR = "error"
    DISCONNECTED = "disconnected"


FAULT_STATES = frozenset(set(PrinterState) - {PrinterState.READY, PrinterState.DISCONNECTED})

_STATE_OF = {  # in this order: the first problem present decides the state
    Problem.HEAD_OPEN: PrinterState.HEAD_OPEN,
    Problem.PAPER_OUT: PrinterState.PAPER_OUT,
    Problem.RIBBON_OUT: PrinterState.RIBBON_OUT,
    Problem.BUFFER_FULL: PrinterState.BUFFER_FULL,
    Problem.PAUSED: PrinterState.PAUSED,
}

# ~HQES error bits that already have a Problem of their own; the rest are PRINTER_ERROR.
_NAMED_ERRORS = {
    ErrorFlag.MEDIA_OUT: Problem.PAPER_OUT,
    ErrorFlag.RIBBON_OUT: Problem.RIBBON_OUT,
    ErrorFlag.HEAD_OPEN: Problem.HEAD_OPEN,
    ErrorFlag.PRINTHEAD_OVER_TEMPERATURE: Problem.OVER_TEMPERATURE,
    ErrorFlag.CUTTER_FAULT: Problem.CUTTER_FAULT,
    ErrorFlag.PAUSED: Problem.PAUSED,
}
_NAMED_MASK = sum(_NAMED_ERRORS)


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """The printer's status from `~HS` (and `~HQES` when queried); see the module docstring.

    `paper_low` is None when `~HQES` was not queried (`~HS` does not report it). `host` and
    `extended` are the parsed replies; `host` is None when only `~HQES` answered.
    """

    paper_out: bool = False
    head_open: bool = False
    ribbon_out: bool = False
    paused: bool = False
    buffer_full: bool = False
    over_temperature: bool = False
    under_temperature: bool = False
    corrupt_ram: bool = False
    cutter_fault: bool = False
    label_waiting: bool = False
    partial_format: bool = False
    formats_in_buffer: int = 0
    labels_remaining: int = 0
    paper_low: bool | None = None
    other_errors: bool = False
    host: HostStatus | None = field(default=None, repr=False)
    extended: ExtendedStatus | None = field(default=None, repr=False)

    @classmethod
    def from_replies(
        cls, host: HostStatus | None, extended: ExtendedStatus | None = None
    ) -> PrinterStatus:
        """Combine a `~HS` reply and/or a `~HQES` reply (a flag set in either one counts)."""
        if host is None and extended is None:
            raise ValueError("need a ~HS or a ~HQES reply")
        h = host or HostStatus()
        errors = extended.error_flags if extended else ErrorFlag(0)
        # An error flag without a bit we know still means "not ready", never "healthy".
        unnamed = bool(extended and extended.error_present and not errors & _NAMED_MASK)
        return cls(
            paper_out=h.paper_out or ErrorFlag.MEDIA_OUT in errors,
            head_open=h.head_up or ErrorFlag.HEAD_OPEN in errors,
            ribbon_out=h.ribbon_out or ErrorFlag.RIBBON_OUT in errors,
            paused=h.paused or ErrorFlag.PAUSED in errors,
            buffer_full=h.buffer_full,
            over_temperature=(h.over_temperature
                              or ErrorFlag.PRINTHEAD_OVER_TEMPERATURE in errors),
            under_temperature=h.under_temperature,
            corrupt_ram=h.corrupt_ram,
            cutter_fault=ErrorFlag.CUTTER_FAULT in errors,
            label_waiting=h.label_waiting,
            partial_format=h.partial_format,
            formats_in_buffer=h.formats_in_buffer,
            labels_remaining=h.labels_remaining,
            paper_low=(WarningFlag.PAPER_NEAR_END in extended.warning_flags
                       if extended else None),
            other_errors=unnamed or bool(errors & ~_NAMED_MASK),
            host=host,
            extended=extended,
        )

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem reported, blocking ones first."""
        found = [
            (self.head_open, Problem.HEAD_OPEN), (self.paper_out, Problem.PAPER_OUT),
            (self.ribbon_out, Problem.RIBBON_OUT), (self.buffer_full, Problem.BUFFER_FULL),
            (self.paused, Problem.PAUSED), (self.over_temperature, Problem.OVER_TEMPERATURE),
            (self.cutter_fault, Problem.CUTTER_FAULT), (self.other_errors, Problem.PRINTER_ERROR),
            (self.under_temperature, Problem.UNDER_TEMPERATURE),
            (self.corrupt_ram, Problem.CORRUPT_RAM), (bool(self.paper_low), Problem.PAPER_LOW),
            (self.label_waiting, Problem.LABEL_WAITING),
        ]
        return tuple(problem for present, problem in found if present)

    @property
    def ready(self) -> bool:
        """True when nothing reported stops the printer from printing."""
        return not any(p in BLOCKING_PROBLEMS for p in self.problems)

    @property
    def state(self) -> PrinterState:
        """The most important blocking problem as a state, READY when there is none."""
        for problem in self.problems:
            if problem in _STATE_OF:
                return _STATE_OF[problem]
            if problem in BLOCKING_PROBLEMS:
                return PrinterState.ERROR
        return PrinterState.READY
