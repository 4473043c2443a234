"""Label printer exception family: catch `LabelPrinterError` for anything the driver raises."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drivers.label_printer.status import PrinterStatus

__all__ = [
    "LabelJobError",
    "LabelPrinterConnectionError",
    "LabelPrinterError",
    "LabelPrinterNotReadyError",
    "LabelPrinterProtocolError",
    "LabelPrinterTimeoutError",
]


class LabelPrinterError(Exception):
    """Base of every label printer driver error.

    `job_sent` is True when `print_label` raised it after the job (or part of it) may have
    reached the printer: printing it again may print it twice.
    """

    job_sent: bool = False


class LabelPrinterConnectionError(LabelPrinterError):
    """The printer's byte stream could not be opened or was lost; the next call reconnects."""


class LabelPrinterTimeoutError(LabelPrinterError):
    """The printer sent no complete status reply before the deadline."""


class LabelPrinterProtocolError(LabelPrinterError):
    """The printer sent bytes that are not a well-formed status reply."""


class LabelJobError(LabelPrinterError, ValueError):
    """A label job is not well-formed ZPL (unbalanced `^XA`/`^XZ`, bad copy count, ...)."""


class LabelPrinterNotReadyError(LabelPrinterError):
    """The printer says it cannot print now; `status` says why.

    `job_sent` is False when the job was refused before sending. When it is True the printer
    has the job in its buffer and prints it once the problem is cleared (unless cancelled).
    """

    def __init__(self, status: PrinterStatus, *, job_sent: bool = False) -> None:
        words = ", ".join(p.value for p in status.problems) or "not ready"
        where = "job is held in the printer's buffer" if job_sent else "job not sent"
        super().__init__(f"printer not ready ({words}); {where}")
        self.status = status
        self.job_sent = job_sent
