"""ESC/POS real-time status (`DLE EOT n`): pure encode and parse functions.

Request, three bytes::

    DLE  EOT  n        10 04 n     n = 1 printer status     2 offline cause
                                       3 error cause        4 roll paper sensor

Reply: exactly one byte per request, sent at once (real-time commands are executed on
receipt, even while the printer is offline or its buffer is full). In every reply bits 0 and
7 are fixed to 0 and bits 1 and 4 are fixed to 1, so a status byte always satisfies
`byte & 0x93 == 0x12`; any other byte is not a status byte (`ReceiptPrinterProtocolError`).

    bit  hex   n=1 printer         n=2 offline cause    n=3 error cause      n=4 roll paper
    2    0x04  drawer pin 3 high   cover open           mark detect error    near end  (0x0C)
    3    0x08  offline             feed button feeding  autocutter error     near end  (0x0C)
    5    0x20  waiting recovery    paper-end stop       unrecoverable error  paper out (0x60)
    6    0x40  feed button down    error occurred       auto-recoverable     paper out (0x60)

Roll paper (n=4) examples: `12` paper adequate, `1E` near end, `72` paper out, `7E` paper out
and the near-end sensor empty too (what printers send when the roll has run out). Printers
with two near-end or end sensors set only one bit of a pair, so either bit counts here.
python-escpos's `paper_status()` reads the same byte: `& 0x72 == 0x72` -> 0 (out),
`& 0x1E == 0x1E` -> 1 (near end), else 2; our simulator therefore always sets both bits.

`status_from_replies` combines the replies to `DLE EOT 1`, `2`, `4` (and `3` when `2` says an
error occurred) into one `ReceiptPrinterStatus`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from drivers.receipt_printer.errors import ReceiptPrinterProtocolError

__all__ = [
    "DLE_EOT",
    "ErrorStatus",
    "OfflineStatus",
    "PaperStatus",
    "PrinterStatus",
    "ReceiptPrinterStatus",
    "encode_error_status",
    "encode_offline_status",
    "encode_paper_status",
    "encode_printer_status",
    "encode_status_request",
    "parse_error_status",
    "parse_offline_status",
    "parse_paper_status",
    "parse_printer_status",
    "status_from_replies",
]

DLE_EOT = b"\x10\x04"
PRINTER, OFFLINE, ERROR, PAPER = 1, 2, 3, 4
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
_NEAR_END_BITS, _PAPER_OUT_BITS = 0x0C, 0x60


class PaperStatus(enum.Enum):
    """What the roll paper sensors see."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """Reply to `DLE EOT 1`."""

    offline: bool = False
    drawer_pin3_high: bool = False
    waiting_for_recovery: bool = False
    feed_button_pressed: bool = False


@dataclass(frozen=True, slots=True)
class OfflineStatus:
    """Reply to `DLE EOT 2`: why the printer is offline."""

    cover_open: bool = False
    feeding_by_button: bool = False
    paper_end_stop: bool = False
    error: bool = False


@dataclass(frozen=True, slots=True)
class ErrorStatus:
    """Reply to `DLE EOT 3`: which error occurred."""

    mark_detection: bool = False
    autocutter: bool = False
    unrecoverable: bool = False
    auto_recoverable: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Return the names of the errors that are set."""
        return tuple(
            name for name in ("mark_detection", "autocutter", "unrecoverable", "auto_recoverable")
            if getattr(self, name)
        )


@dataclass(frozen=True, slots=True)
class ReceiptPrinterStatus:
    """The printer's state as one value; `raw` holds the replies to DLE EOT 1, 2, 4 (and 3)."""

    online: bool
    cover_open: bool
    paper: PaperStatus
    paper_end_stop: bool = False
    error: bool = False
    errors: tuple[str, ...] = ()
    raw: bytes = b""

    @property
    def ready(self) -> bool:
        """True when a job sent now would be printed."""
        return (
            self.online and not self.cover_open and not self.error
            and self.paper is not PaperStatus.OUT
        )

    @property
    def problems(self) -> list[str]:
        """Return what stops (or will soon stop) printing, in words, most serious first."""
        found = []
        if self.paper is PaperStatus.OUT:
            found.append("paper out")
        if self.cover_open:
            found.append("cover open")
        if self.error:
            found.append("error: " + (", ".join(self.errors) or "unspecified"))
        if not self.online and not found:
            found.append("offline")
        if self.paper is PaperStatus.NEAR_END:
            found.append("paper near end")
        return found


def encode_status_request(n: int) -> bytes:
    """Return `DLE EOT n` for n in 1..4."""
    if n not in (PRINTER, OFFLINE, ERROR, PAPER):
        raise ValueError(f"DLE EOT n: n must be 1..4, not {n!r}")
    return DLE_EOT + bytes((n,))


def _bits(*pairs: tuple[bool, int]) -> bytes:
    value = _FIXED_BITS
    for on, mask in pairs:
        if on:
            value |= mask
    return bytes((value,))


def encode_printer_status(status: PrinterStatus) -> bytes:
    """Return the one-byte reply to `DLE EOT 1`."""
    return _bits((status.drawer_pin3_high, 0x04), (status.offline, 0x08),
                 (status.waiting_for_recovery, 0x20), (status.feed_button_pressed, 0x40))


def encode_offline_status(status: OfflineStatus) -> bytes:
    """Return the one-byte reply to `DLE EOT 2`."""
    return _bits((status.cover_open, 0x04), (status.feeding_by_button, 0x08),
                 (status.paper_end_stop, 0x20), (status.error, 0x40))


def encode_error_status(status: ErrorStatus) -> bytes:
    """Return the one-byte reply to `DLE EOT 3`."""
    return _bits((status.mark_detection, 0x04), (status.autocutter, 0x08),
                 (status.unrecoverable, 0x20), (status.auto_recoverable, 0x40))


def encode_paper_status(paper: PaperStatus) -> bytes:
    """Return the one-byte reply to `DLE EOT 4`: `12`, `1E` (near end) or `7E` (out)."""
    return _bits((paper is not PaperStatus.OK, _NEAR_END_BITS),
                 (paper is PaperStatus.OUT, _PAPER_OUT_BITS))


def _status_byte(reply: bytes, n: int) -> int:
    if len(reply) != 1:
        raise ReceiptPrinterProtocolError(
            f"DLE EOT {n}: expected one status byte, got {len(reply)}: {reply[:16]!r}"
        )
    value = reply[0]
    if value & _FIXED_MASK != _FIXED_BITS:
        raise ReceiptPrinterProtocolError(
            f"DLE EOT {n}: 0x{value:02X} is not a status byte (fixed bits 0,1,4,7 wrong)"
        )
    return value


def parse_printer_status(reply: bytes) -> PrinterStatus:
    """Parse the reply to `DLE EOT 1`."""
    v = _status_byte(reply, PRINTER)
    return PrinterStatus(offline=bool(v & 0x08), drawer_pin3_high=bool(v & 0x04),
                         waiting_for_recovery=bool(v & 0x20), feed_button_pressed=bool(v & 0x40))


def parse_offline_status(reply: bytes) -> OfflineStatus:
    """Parse the reply to `DLE EOT 2`."""
    v = _status_byte(reply, OFFLINE)
    return OfflineStatus(cover_open=bool(v & 0x04), feeding_by_button=bool(v & 0x08),
                         paper_end_stop=bool(v & 0x20), error=bool(v & 0x40))


def parse_error_status(reply: bytes) -> ErrorStatus:
    """Parse the reply to `DLE EOT 3`."""
    v = _status_byte(reply, ERROR)
    return ErrorStatus(mark_detection=bool(v & 0x04), autocutter=bool(v & 0x08),
                       unrecoverable=bool(v & 0x20), auto_recoverable=bool(v & 0x40))


def parse_paper_status(reply: bytes) -> PaperStatus:
    """Parse the reply to `DLE EOT 4`; paper out wins over near end."""
    v = _status_byte(reply, PAPER)
    if v & _PAPER_OUT_BITS:
        return PaperStatus.OUT
    if v & _NEAR_END_BITS:
        return PaperStatus.NEAR_END
    return PaperStatus.OK


def status_from_replies(
    printer: bytes, offline: bytes, paper: bytes, error: bytes | None = None
) -> ReceiptPrinterStatus:
    """Combine the replies to `DLE EOT 1`, `2`, `4` (and `3`, if asked) into one status."""
    p, o = parse_printer_status(printer), parse_offline_status(offline)
    roll = parse_paper_status(paper)
    errors = parse_error_status(error).names if error is not None else ()
    return ReceiptPrinterStatus(
        online=not p.offline, cover_open=o.cover_open, paper=roll,
        paper_end_stop=o.paper_end_stop, error=o.error, errors=errors,
        raw=printer + offline + paper + (error or b""),
    )
