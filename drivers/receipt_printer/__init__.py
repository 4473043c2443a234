"""ESC/POS receipt and insert printers: status protocol, job parser, builder, device API.

- `protocol`: real-time status (`DLE EOT n`) encode/parse, `PaperStatus`,
  `ReceiptPrinterStatus`.
- `job` / `elements` / `raster`: a pure parser of job streams (text, commands, cuts, `GS v 0`
  raster images decoded to PIL, `GS ( k` 2-D codes), used by the simulator and the tests.
- `builder`: `ReceiptBuilder`, job bytes from python-escpos's command set (no transport).
- `device`: `EscPosPrinter`, status with deadlines and checked job sending over any URL.

python-escpos is imported only when a `ReceiptBuilder` is first made.
"""

from drivers.receipt_printer.builder import ReceiptBuilder
from drivers.receipt_printer.device import (
    CONNECTED_STATES,
    READY_STATES,
    EscPosPrinter,
    ReceiptPrinterState,
)
from drivers.receipt_printer.errors import (
    ReceiptPrinterConnectionError,
    ReceiptPrinterError,
    ReceiptPrinterNotReadyError,
    ReceiptPrinterProtocolError,
    ReceiptPrinterTimeoutError,
)
from drivers.receipt_printer.profiles import PROFILE_58MM, PROFILE_80MM, ReceiptProfile
from drivers.receipt_printer.protocol import PaperStatus, ReceiptPrinterStatus

__all__ = [
    "CONNECTED_STATES",
    "PROFILE_58MM",
    "PROFILE_80MM",
    "READY_STATES",
    "EscPosPrinter",
    "PaperStatus",
    "ReceiptBuilder",
    "ReceiptPrinterConnectionError",
    "ReceiptPrinterError",
    "ReceiptPrinterNotReadyError",
    "ReceiptPrinterProtocolError",
    "ReceiptPrinterState",
    "ReceiptPrinterStatus",
    "ReceiptPrinterTimeoutError",
    "ReceiptProfile",
]
