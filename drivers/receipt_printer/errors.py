"""Receipt printer exception family: catch `ReceiptPrinterError` for anything the driver raises."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drivers.receipt_printer.protocol import ReceiptPrinterStatus

__all__ = [
    "ReceiptPrinterConnectionError",
    "ReceiptPrinterError",
    "ReceiptPrinterNotReadyError",
    "ReceiptPrinterProtocolError",
    "ReceiptPrinterTimeoutError",
]


class ReceiptPrinterError(Exception):
    """Base of every receipt printer driver error."""


class ReceiptPrinterConnectionError(ReceiptPrinterError):
    """The printer's byte stream could not be opened or was lost; the next call reconnects."""


class ReceiptPrinterTimeoutError(ReceiptPrinterError):
    """The printer did not answer a status request before the deadline."""


class ReceiptPrinterProtocolError(ReceiptPrinterError):
    """The printer (or a job stream) sent bytes that are not well-formed ESC/POS."""


class ReceiptPrinterNotReadyError(ReceiptPrinterError):
    """The printer cannot print now (paper out, cover open, offline, error); nothing was sent."""

    def __init__(self, status: ReceiptPrinterStatus) -> None:
        super().__init__(f"receipt printer not ready: {', '.join(status.problems) or 'offline'}")
        self.status = status
