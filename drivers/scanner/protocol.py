"""Frame a scanner's byte stream into lines; pure, incremental, bounded.

Wire format (serial, USB-CDC or TCP scanners in "serial" mode), byte by byte::

    [prefix] data... [suffix] terminator

- `data` is whatever the scanner decoded, sent as-is: usually ASCII, UTF-8 for some
  symbologies, and GS1 barcodes carry FNC1 as GS (0x1D) between fields. GS is data and is
  preserved; so is every byte other than the terminator.
- `prefix` / `suffix` are optional byte strings the scanner is configured to add (for example
  an AIM symbology identifier belongs to `data`, but a fixed `STX` could be a prefix). They
  are stripped when present; a line without them is delivered unchanged.
- `terminator` is one of
    `CR`   0x0D            `LF`  0x0A            `TAB` 0x09
    `CRLF` 0x0D 0x0A (a lone CR or LF is then data)
    `ANY`  CR, LF, CRLF or TAB; CR LF counts as one terminator, even across two reads.
  A CR ends the line at once (a scanner that sends CR only is not kept waiting for an LF).
- Empty lines (two terminators in a row, or a line that was only prefix + suffix) are dropped.

Bounds: a line may hold at most `max_line_bytes` bytes (prefix and suffix included,
terminator excluded). The first time a line grows past that, `feed()` emits one
`Overflow(discarded)` where `discarded` is the number of bytes of that line received up to
the end of that `feed()` call (or up to its terminator, if that came in the same call). Then
everything up to the next terminator is dropped silently, and framing resumes after it. The
framer never buffers more than `max_line_bytes` bytes, whatever it is fed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from drivers.scanner.aim import AimId, split_aim
from drivers.scanner.errors import ScannerDecodeError

__all__ = ["TERMINATORS", "Frame", "LineFramer", "Overflow", "ScanLine", "decode_line"]

Terminator = Literal["ANY", "CR", "LF", "CRLF", "TAB"]

TERMINATORS: dict[str, re.Pattern[bytes]] = {
    "ANY": re.compile(rb"\r\n|[\r\n\t]"),
    "CR": re.compile(rb"\r"),
    "LF": re.compile(rb"\n"),
    "CRLF": re.compile(rb"\r\n"),
    "TAB": re.compile(rb"\t"),
}
_TERMINATOR_BYTES = {"ANY": b"\r\n\t", "CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t"}
_CR, _LF = 0x0D, 0x0A


@dataclass(frozen=True, slots=True)
class ScanLine:
    """One complete line: prefix, suffix and terminator removed; never empty."""

    data: bytes

    @property
    def aim(self) -> AimId | None:
        """Return the line's AIM symbology identifier, if the scanner sent one."""
        return split_aim(self.data)[0]


@dataclass(frozen=True, slots=True)
class Overflow:
    """A line grew past the limit; `discarded` bytes of it were dropped so far."""

    discarded: int


Frame = ScanLine | Overflow


class LineFramer:
    """Turn chunks of bytes into `ScanLine` and `Overflow` frames."""

    def __init__(
        self,
        terminator: Terminator = "ANY",
        max_line_bytes: int = 4096,
        prefix: bytes = b"",
        suffix: bytes = b"",
    ) -> None:
        if terminator not in TERMINATORS:
            raise ValueError(f"terminator must be one of {sorted(TERMINATORS)}, not {terminator!r}")
        if max_line_bytes < 1:
            raise ValueError("max_line_bytes must be at least 1")
        for name, value in (("prefix", prefix), ("suffix", suffix)):
            if any(b in _TERMINATOR_BYTES[terminator] for b in value):
                raise ValueError(f"{name} {value!r} contains a terminator byte")
        self.terminator = terminator
        self.max_line_bytes = max_line_bytes
        self.prefix = bytes(prefix)
        self.suffix = bytes(suffix)
        self._pattern = TERMINATORS[terminator]
        self._buf = bytearray()
        self._discarding = False  # after an overflow, until the next terminator
        self._pending_cr = False  # CRLF mode: a CR ended the last chunk
        self._skip_lf = False  # ANY mode: a CR ended the last chunk and was a terminator
        self._overflow_at: int | None = None  # index in this feed's output of an open Overflow
        self._overflow_count = 0

    @property
    def buffered_bytes(self) -> int:
        """Bytes of the current, incomplete line held in memory (≤ `max_line_bytes`)."""
        return len(self._buf)

    def reset(self) -> None:
        """Forget any partial line (for example after a reconnect)."""
        self._buf.clear()
        self._discarding = self._pending_cr = self._skip_lf = False

    def feed(self, data: bytes) -> list[Frame]:
        """Consume `data`; return the frames it completes, in order."""
        out: list[Frame] = []
        if not data:
            return out
        pos, end = 0, len(data)
        if self._skip_lf:
            self._skip_lf = False
            if data[0] == _LF:
                pos = 1
        if self._pending_cr:
            self._pending_cr = False
            if data[0] == _LF:
                self._end_line(out)
                pos = 1
            else:
                self._append(b"\r", out)
        while pos < end:
            match = self._pattern.search(data, pos)
            if match is None:
                segment = data[pos:]
                if self.terminator == "CRLF" and segment[-1] == _CR:
                    segment = segment[:-1]
                    self._pending_cr = True
                self._append(segment, out)
                break
            self._append(data[pos : match.start()], out)
            self._end_line(out)
            pos = match.end()
            if self.terminator == "ANY" and match.group() == b"\r" and pos == end:
                self._skip_lf = True
        self._close_overflow(out)
        return out

    def _append(self, segment: bytes, out: list[Frame]) -> None:
        if self._discarding:
            self._overflow_count += len(segment)
            return
        total = len(self._buf) + len(segment)
        if total > self.max_line_bytes:
            self._buf.clear()
            self._discarding = True
            self._overflow_at, self._overflow_count = len(out), total
            out.append(Overflow(total))
            return
        self._buf += segment

    def _close_overflow(self, out: list[Frame]) -> None:
        """Put the final count into this feed's Overflow frame, if it emitted one."""
        if self._overflow_at is not None:
            out[self._overflow_at] = Overflow(self._overflow_count)
            self._overflow_at = None

    def _end_line(self, out: list[Frame]) -> None:
        if self._discarding:
            self._close_overflow(out)
            self._discarding = False
            return
        line = bytes(self._buf)
        self._buf.clear()
        if self.prefix and line.startswith(self.prefix):
            line = line[len(self.prefix) :]
        if self.suffix and line.endswith(self.suffix):
            line = line[: -len(self.suffix)]
        if line:
            out.append(ScanLine(line))


def decode_line(data: bytes) -> str:
    """Decode a scanned line as UTF-8; raise `ScannerDecodeError` with a hex preview if invalid."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        preview = data[:24].hex(" ") + (" ..." if len(data) > 24 else "")
        raise ScannerDecodeError(
            f"scanner line is not UTF-8 (byte {exc.start} of {len(data)}): {preview}"
        ) from exc
