"""Walk an ESC/POS job byte stream and return what it asks for; pure, incremental, bounded.

A job is a stream of printable bytes (text in the current code table) and commands. The
commands recognised, byte by byte (n, m ... are one byte each; `[k]` is k data bytes)::

    LF 0A  CR 0D  HT 09  FF 0C  CAN 18  VT 0B  BEL 07  NUL 00      single-byte controls
    ESC @                  1B 40          initialise (resets style and code table here)
    ESC ! n                1B 21 n        print mode: bit3 bold, bit4 2x high, bit5 2x wide,
                                          bit7 underline
    ESC E n / ESC - n      1B 45 n / 2D   bold (bit 0) / underline (0, 1, 2; 48-50)
    ESC a n                1B 61 n        align: 0/48 left, 1/49 centre, 2/50 right
    ESC t n                1B 74 n        code table (0 PC437, 2 PC850, 16 WPC1252, 19 PC858...)
    ESC d n / ESC J n      1B 64 n        feed n lines / n dots
    ESC D n1..nk NUL       1B 44 ...      tab positions (k <= 32)
    ESC * m nL nH [k]      1B 2A          column bit image, k = n or 3n (m 0,1 / 32,33)
    ESC c x n, ESC p m t1 t2, ESC $/\\ nL nH, ESC B n t, ESC 2/3/{/=/M/G/J/V/R/SP/r ...
    GS ! n                 1D 21 n        size: width (n>>4)+1, height (n&7)+1
    GS V m | GS V m n      1D 56          cut: m 0/48 full, 1/49 partial; m 65/97/103 full,
                                          66/98/104 partial after feeding n
    GS v 0 m xL xH yL yH [k]  1D 76 30    raster image, see `drivers.receipt_printer.raster`
    GS ( x pL pH [pL+256pH]   1D 28 x     x in ACDEHKLMNPQkz; GS ( k = 2-D symbol:
                                          cn fn params (cn 49 QR: fn 65 model, 67 size,
                                          69 error level, 80 store `48 data`, 81 print `48`)
    GS 8 L p1 p2 p3 p4 [p]    1D 38 4C    graphics with a 32-bit length
    GS k m d.. NUL | GS k m n [n]         barcode, function A (m 0-6) / B (m 65-79)
    GS * x y [8xy]; GS B/b/|/H/f/h/w/r/a/I/E/T/ / n; GS L/W/P/\\/$ nL nH; GS ^ r t m; GS :
    DLE EOT n              10 04 n        real-time status request (n 1-4)
    DLE ENQ n, DLE DC4 fn ..., FS p n m, FS ! n, FS - n, FS C n, FS W n, FS S n1 n2, FS & / .

Everything else is reported as `Unknown` (an unknown `ESC x`, `GS x`, `FS x`, `DLE x` takes
two bytes, a stray control byte one) and parsing goes on after it: the parser never raises
on input. Every byte of the stream ends up in exactly one element's `raw`, in order.

Bounds: a text run is cut into elements of at most `max_text_bytes`; a command that declares
more than `max_element_bytes` of data is reported as `Unknown` and its data is skipped, as
`Unknown` chunks, without being buffered. Bytes of an incomplete command wait for the next
`feed()`; `flush()` (end of stream) reports them as one truncated `Unknown`.

Real printers also execute `DLE EOT n` found inside another command's data (a raster image
can contain 10 04 01); this parser only sees it between commands, which is what a well-made
host relies on. `parse_job(data, strict=True)` raises `ReceiptPrinterProtocolError` at the
first `Unknown` instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from drivers.receipt_printer.elements import (
    Command,
    Cut,
    Element,
    RasterImage,
    StatusRequest,
    Symbol2D,
    Text,
    TextStyle,
    Unknown,
)
from drivers.receipt_printer.errors import ReceiptPrinterProtocolError
from drivers.receipt_printer.raster import decode_raster

__all__ = ["DEFAULT_MAX_ELEMENT_BYTES", "JobParser", "parse_job"]

DEFAULT_MAX_ELEMENT_BYTES = 1 << 20
ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
_TEXT = re.compile(rb"[\x20-\xff]+")
_CONTROLS = {0x0A: "LF", 0x0D: "CR", 0x09: "HT", 0x0C: "FF", 0x18: "CAN", 0x0B: "VT",
             0x07: "BEL", 0x00: "NUL"}
# Commands with a fixed number of parameter bytes after the two command bytes.
_ESC_FIXED = {
    b"@": 0, b"!": 1, b"E": 1, b"G": 1, b"-": 1, b"a": 1, b"M": 1, b"t": 1, b"d": 1, b"J": 1,
    b"2": 0, b"3": 1, b"{": 1, b"=": 1, b"p": 3, b"V": 1, b"R": 1, b" ": 1, b"r": 1, b"$": 2,
    b"\\": 2, b"B": 2, b"c": 2, b"S": 0, b"L": 0, b"\x0c": 0, b"T": 1, b"U": 1, b"e": 1,
    b"i": 0, b"m": 0, b"K": 1, b"<": 0, b"W": 8, b"%": 1,
}
_GS_FIXED = {
    b"!": 1, b"B": 1, b"b": 1, b"|": 1, b"H": 1, b"f": 1, b"h": 1, b"w": 1, b"r": 1, b"a": 1,
    b"I": 1, b"E": 1, b"T": 1, b"/": 1, b"L": 2, b"W": 2, b"P": 2, b"\\": 2, b"$": 2, b"^": 3,
    b":": 0,
}
_FS_FIXED = {b"p": 2, b"!": 1, b"-": 1, b"C": 1, b"W": 1, b"S": 2, b"&": 0, b".": 0}
_GS_PAREN = frozenset(b"ACDEHKLMNPQkz")
_ALIGN = {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}
_UNDERLINE = {0: 0, 48: 0, 1: 1, 49: 1, 2: 2, 50: 2}
_RASTER_MODES = frozenset((0, 1, 2, 3, 48, 49, 50, 51))
_FULL_CUT, _PARTIAL_CUT = frozenset((0, 48)), frozenset((1, 49))
_FEED_FULL_CUT, _FEED_PARTIAL_CUT = frozenset((65, 97, 103)), frozenset((66, 98, 104))

_Step = tuple[Element, int] | None  # (element, bytes used) or None: wait for more bytes


def _name(prefix: str, byte: int) -> str:
    return f"{prefix} {chr(byte)}" if 0x21 <= byte <= 0x7E else f"{prefix} 0x{byte:02X}"


class JobParser:
    """Parse a job stream fed in pieces; see the module docstring for what it recognises."""

    def __init__(
        self, *, max_element_bytes: int = DEFAULT_MAX_ELEMENT_BYTES, max_text_bytes: int = 4096
    ) -> None:
        if max_element_bytes < 1 or max_text_bytes < 1:
            raise ValueError("limits must be positive")
        self.max_element_bytes = max_element_bytes
        self.max_text_bytes = max_text_bytes
        self.reset()

    def reset(self) -> None:
        """Forget buffered bytes and return to the power-on style and code table."""
        self._buf = bytearray()
        self._offset = 0  # stream offset of _buf[0]
        self._skip = 0  # data bytes of an oversized command still to pass over
        self._style = TextStyle()
        self._code_table = 0

    @property
    def pending(self) -> int:
        """How many bytes wait for the rest of an incomplete element."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Element]:
        """Add `data`; return the elements it completes, in stream order."""
        self._buf += data
        return self._drain(final=False)

    def flush(self) -> list[Element]:
        """End the stream: return what is left, an incomplete command as a truncated `Unknown`."""
        return self._drain(final=True)

    # ----------------------------------------------------------------- engine
    def _drain(self, final: bool) -> list[Element]:
        out: list[Element] = []
        buf, pos = self._buf, 0
        while pos < len(buf):
            if self._skip:
                size = min(self._skip, len(buf) - pos)
                self._skip -= size
                out.append(Unknown(bytes(buf[pos:pos + size]), self._offset + pos,
                                   "data of an oversized command, skipped"))
                pos += size
                continue
            step = self._step(buf, pos, final)
            if step is None:
                if not final:
                    break
                step = Unknown(bytes(buf[pos:]), self._offset + pos,
                               "truncated: the stream ended inside this command"), len(buf) - pos
            element, size = step
            self._apply(element)
            out.append(element)
            pos += size
        del buf[:pos]
        self._offset += pos
        return out

    def _apply(self, element: Element) -> None:
        """Track the style and code table that later text is printed with."""
        if not isinstance(element, Command):
            return
        name, value = element.name, element.args[0] if element.args else 0
        style = self._style
        if name == "ESC @":
            self._style, self._code_table = TextStyle(), 0
        elif name == "ESC a" and value in _ALIGN:
            self._style = style.replace(align=_ALIGN[value])
        elif name == "ESC E":
            self._style = style.replace(bold=bool(value & 1))
        elif name == "ESC -" and value in _UNDERLINE:
            self._style = style.replace(underline=_UNDERLINE[value])
        elif name == "ESC !":
            self._style = style.replace(
                bold=bool(value & 0x08), height=2 if value & 0x10 else 1,
                width=2 if value & 0x20 else 1, underline=1 if value & 0x80 else 0,
            )
        elif name == "GS !":
            self._style = style.replace(width=(value >> 4 & 7) + 1, height=(value & 7) + 1)
        elif name == "ESC t":
            self._code_table = value

    def _step(self, buf: bytearray, pos: int, final: bool) -> _Step:
        first = buf[pos]
        if first >= 0x20:
            return self._text(buf, pos, final)
        if first in _CONTROLS:
            return Command(_CONTROLS[first], bytes((first,)), b""), 1
        if pos + 1 >= len(buf):
            return None if first in (ESC, GS, DLE, FS) else self._unknown(buf, pos, 1,
                                                                          "control byte")
        second = buf[pos + 1]
        if first == ESC:
            return self._esc(buf, pos, second)
        if first == GS:
            return self._gs(buf, pos, second)
        if first == DLE:
            return self._dle(buf, pos, second)
        if first == FS:
            return self._fixed(buf, pos, "FS", _FS_FIXED, second)
        return self._unknown(buf, pos, 1, "control byte")

    def _text(self, buf: bytearray, pos: int, final: bool) -> _Step:
        end = _TEXT.match(buf, pos, pos + self.max_text_bytes).end()
        if end == len(buf) and end - pos < self.max_text_bytes and not final:
            return None  # the run may go on in the next piece
        return Text(bytes(buf[pos:end]), self._style, self._code_table), end - pos

    def _unknown(self, buf: bytearray, pos: int, size: int, why: str = "unknown command") -> _Step:
        return Unknown(bytes(buf[pos:pos + size]), self._offset + pos, why), size

    def _fixed(self, buf, pos, prefix: str, table: dict[bytes, int], second: int) -> _Step:
        count = table.get(bytes((second,)))
        if count is None:
            return self._unknown(buf, pos, 2)
        end = pos + 2 + count
        if end > len(buf):
            return None
        raw = bytes(buf[pos:end])
        return Command(_name(prefix, second), raw, raw[2:]), end - pos

    def _with_data(self, buf, pos, header: int, size: int, make) -> _Step:
        """Handle a command of `header` bytes followed by `size` data bytes."""
        if size > self.max_element_bytes:
            self._skip = size
            return self._unknown(buf, pos, header, f"declares {size} data bytes, over the"
                                 f" {self.max_element_bytes} byte limit")
        end = pos + header + size
        if end > len(buf):
            return None
        return make(bytes(buf[pos:end]), bytes(buf[pos + header:end])), end - pos

    def _esc(self, buf: bytearray, pos: int, second: int) -> _Step:
        if second == 0x44:  # ESC D n1 ... nk NUL
            end = buf.find(0, pos + 2, pos + 2 + 33)
            if end < 0:
                return None if len(buf) < pos + 2 + 33 else self._unknown(buf, pos, 2, "ESC D"
                                                                         " without NUL")
            return Command("ESC D", bytes(buf[pos:end + 1]), bytes(buf[pos + 2:end + 1])), \
                end + 1 - pos
        if second == 0x2A:  # ESC * m nL nH [data]
            if pos + 5 > len(buf):
                return None
            m, n = buf[pos + 2], buf[pos + 3] | buf[pos + 4] << 8
            if m not in (0, 1, 32, 33):
                return self._unknown(buf, pos, 5, f"ESC * mode {m}")
            size = n if m < 32 else 3 * n
            return self._with_data(buf, pos, 5, size,
                                   lambda raw, _d: Command("ESC *", raw, raw[2:]))
        return self._fixed(buf, pos, "ESC", _ESC_FIXED, second)

    def _gs(self, buf: bytearray, pos: int, second: int) -> _Step:
        if second == 0x56:  # GS V m [n]
            if pos + 3 > len(buf):
                return None
            m = buf[pos + 2]
            if m in _FULL_CUT or m in _PARTIAL_CUT:
                return Cut(bytes(buf[pos:pos + 3]), partial=m in _PARTIAL_CUT, feed=0), 3
            if m in _FEED_FULL_CUT or m in _FEED_PARTIAL_CUT:
                if pos + 4 > len(buf):
                    return None
                return Cut(bytes(buf[pos:pos + 4]), partial=m in _FEED_PARTIAL_CUT,
                           feed=buf[pos + 3]), 4
            return self._unknown(buf, pos, 3, f"GS V mode {m}")
        if second == 0x76:
            return self._raster(buf, pos)
        if second == 0x28:  # GS ( x pL pH [data]
            if pos + 5 > len(buf):
                return None
            x = buf[pos + 2]
            if x not in _GS_PAREN:
                return self._unknown(buf, pos, 3)
            size = buf[pos + 3] | buf[pos + 4] << 8
            if x == 0x6B:
                return self._with_data(buf, pos, 5, size, lambda raw, data: _symbol(
                    raw, data, self._offset + pos))
            return self._with_data(buf, pos, 5, size,
                                   lambda raw, data: Command(_name("GS (", x), raw, raw[3:]))
        if second == 0x38:  # GS 8 L p1 p2 p3 p4 [data]
            if pos + 7 > len(buf):
                return None
            if buf[pos + 2] != 0x4C:
                return self._unknown(buf, pos, 2)
            size = int.from_bytes(buf[pos + 3:pos + 7], "little")
            return self._with_data(buf, pos, 7, size,
                                   lambda raw, _d: Command("GS 8 L", raw, raw[3:]))
        if second == 0x6B:
            return self._barcode(buf, pos)
        if second == 0x2A:  # GS * x y [8xy]
            if pos + 4 > len(buf):
                return None
            size = 8 * buf[pos + 2] * buf[pos + 3]
            return self._with_data(buf, pos, 4, size,
                                   lambda raw, _d: Command("GS *", raw, raw[2:]))
        return self._fixed(buf, pos, "GS", _GS_FIXED, second)

    def _raster(self, buf: bytearray, pos: int) -> _Step:
        if pos + 3 > len(buf):
            return None
        if buf[pos + 2] != 0x30:
            return self._unknown(buf, pos, 2)
        if pos + 8 > len(buf):
            return None
        m = buf[pos + 3]
        width = buf[pos + 4] | buf[pos + 5] << 8
        height = buf[pos + 6] | buf[pos + 7] << 8
        size = width * height
        if size == 0:
            return self._unknown(buf, pos, 8, "GS v 0 with no data (k = 0)")
        if m not in _RASTER_MODES:
            return self._with_data(buf, pos, 8, size, lambda raw, _d: Unknown(
                raw, self._offset + pos, f"GS v 0 mode {m}"))
        return self._with_data(buf, pos, 8, size, lambda raw, data: RasterImage(
            raw, m, width, height, decode_raster(width, height, data)))

    def _barcode(self, buf: bytearray, pos: int) -> _Step:
        if pos + 3 > len(buf):
            return None
        m = buf[pos + 2]
        if m <= 6:  # function A: data ends with NUL
            end = buf.find(0, pos + 3, pos + 3 + 256)
            if end < 0:
                return None if len(buf) < pos + 3 + 256 else self._unknown(
                    buf, pos, 3, "GS k without NUL")
            return Command("GS k", bytes(buf[pos:end + 1]), bytes(buf[pos + 2:end + 1])), \
                end + 1 - pos
        if 65 <= m <= 79:  # function B: length byte, then data
            if pos + 4 > len(buf):
                return None
            return self._with_data(buf, pos, 4, buf[pos + 3],
                                   lambda raw, _d: Command("GS k", raw, raw[2:]))
        return self._unknown(buf, pos, 3, f"GS k type {m}")

    def _dle(self, buf: bytearray, pos: int, second: int) -> _Step:
        if second in (0x04, 0x05):  # DLE EOT n / DLE ENQ n
            if pos + 3 > len(buf):
                return None
            n = buf[pos + 2]
            raw = bytes(buf[pos:pos + 3])
            if second == 0x05:
                return Command("DLE ENQ", raw, raw[2:]), 3
            if 1 <= n <= 4:
                return StatusRequest(raw, n), 3
            return self._unknown(buf, pos, 3, f"DLE EOT {n}")
        if second == 0x14:  # DLE DC4 fn ...
            if pos + 3 > len(buf):
                return None
            count = {1: 2, 2: 2, 7: 1, 8: 7}.get(buf[pos + 2])
            if count is None:
                return self._unknown(buf, pos, 3, f"DLE DC4 {buf[pos + 2]}")
            end = pos + 3 + count
            if end > len(buf):
                return None
            return Command("DLE DC4", bytes(buf[pos:end]), bytes(buf[pos + 2:end])), end - pos
        return self._unknown(buf, pos, 2)


def _symbol(raw: bytes, data: bytes, offset: int) -> Element:
    if len(data) < 2:
        return Unknown(raw, offset, "GS ( k shorter than cn fn")
    return Symbol2D(raw, cn=data[0], fn=data[1], params=data[2:])


def parse_job(
    data: bytes, *, strict: bool = False, max_element_bytes: int = DEFAULT_MAX_ELEMENT_BYTES
) -> list[Element]:
    """Parse a whole job; with `strict`, raise `ReceiptPrinterProtocolError` on anything unknown."""
    parser = JobParser(max_element_bytes=max_element_bytes)
    elements = parser.feed(data) + parser.flush()
    if strict:
        _check(elements)
    return elements


def _check(elements: Iterable[Element]) -> None:
    for element in elements:
        if isinstance(element, Unknown):
            raise ReceiptPrinterProtocolError(
                f"at byte {element.offset}: {element.reason}: {element.raw[:16].hex(' ')}"
            )

