"""ZPL II label jobs and host status (`~HS`, `~HQES`): pure encode and parse functions.

Label jobs
    A label format is `^XA` ... `^XZ` (5E 58 41 ... 5E 58 5A); a job is one or more formats
    with only whitespace (SP HT CR LF) between them. `split_formats` checks that every `^XA`
    is closed by `^XZ` before the next one and returns the formats; `set_quantity` adds
    `^PQn` (print n copies) before a format's `^XZ`. A `str` job is sent as UTF-8 (select it
    with `^CI28` in the format). `~` commands are obeyed by the printer as soon as they
    arrive, even inside a format. Binary graphic data (`^GFB`) that happens to contain
    `^XA`/`^XZ` is not supported: use ASCII hex (`^GFA`).

Host status, `~HS` (ZPL II Programming Guide, "~HS Host Status Return")::

    host -> printer  7E 48 53                      "~HS", no terminator: acts at once
    printer -> host  02 <string 1> 03 0D 0A        STX string ETX CR LF, three times
                     02 <string 2> 03 0D 0A
                     02 <string 3> 03 0D 0A

    string 1  aaa,b,c,dddd,eee,f,g,h,iii,j,k,l     e.g. 030,0,0,1218,000,0,0,0,000,0,0,0
      aaa   communication settings, a 9-bit value in decimal (baud, data/stop bits, parity,
            handshake: 030 = 9600 8N1 Xon/Xoff)
      b     paper out (1)            c  pause active (1)
      dddd  label length, dots       eee  formats in the receive buffer
      f     receive buffer full (1)  g  communications diagnostic mode (1)
      h     partial format in progress (1)        iii  unused, 000
      j     corrupt RAM: configuration lost (1)
      k     under temperature (1)    l  over temperature (1)
    string 2  mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www     e.g. 001,0,0,0,1,2,4,0,00000000,1,000
      mmm   function settings (media type, sensor profile, diagnostics, print method bits)
      n     unused                   o  head up / open (1)      p  ribbon out (1)
      q     thermal transfer mode (1)
      r     print mode: 0 rewind, 1 peel-off, 2 tear-off, 3 cutter, 4 applicator,
            5 delayed cut, 6 linerless peel, 7 linerless rewind, 8 partial cutter, 9 RFID,
            K kiosk, S/A kiosk cut stream (newer firmware)
      s     print width mode         t  label waiting to be taken in peel-off mode (1)
      uuuuuuuu  labels remaining in the batch      v  format while printing (always 1)
      www   graphic images stored in memory
    string 3  xxxx,y                               e.g. 0000,0
      xxxx  password (0000 on newer firmware)      y  static RAM installed (1)

    Flags are one digit, 0 or 1. Numbers are zero-padded decimal; the widths above are what
    `encode_host_status` writes, the parser takes any width up to a bound (firmware differs).
    Some firmware does not answer `~HS` at all while the paper or ribbon is out, the head is
    open or the head is over temperature (Zebra's guide says so): the host sees a timeout.

Extended status, `~HQES` (host query "ES"; flags as in the guide's ~WQES tables)::

    host -> printer  7E 48 51 45 53                "~HQES"
    printer -> host  02 0D 0A 0D 0A "  PRINTER STATUS" 0D 0A
                     "   ERRORS:         " e " " gggggggg " " hhhhhhhh 0D 0A
                     "   WARNINGS:       " w " " gggggggg " " hhhhhhhh 0D 0A 03

      e / w     1 if any error / warning is present, else 0
      gggggggg  group 2, eight hex digits (00000000 on current printers)
      hhhhhhhh  group 1, eight hex digits: the `ErrorFlag` / `WarningFlag` bits, e.g. error
                00000005 = head open (4) + media out (1); warning 00000008 = paper near end

    Spacing and trailing blanks differ between firmware; the parser takes any run of spaces
    and blank lines, and a CR LF after the ETX.

Framing (`scan_frames`): between frames only CR and LF may appear; inside a frame only
printable ASCII, CR and LF. Anything else is a `LabelPrinterProtocolError` at once, so
garbage is reported without waiting for the deadline. The parsers raise nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntFlag

from drivers.label_printer.errors import LabelJobError, LabelPrinterProtocolError

__all__ = [
    "CANCEL_ALL", "ETX", "EXTENDED_STATUS", "HOST_STATUS", "PAUSE", "RESUME", "STX",
    "ErrorFlag", "ExtendedStatus", "HostStatus", "WarningFlag", "encode_extended_status",
    "encode_host_status", "is_extended_frame", "parse_extended_status", "parse_host_status",
    "parse_host_status_frames", "scan_frames", "set_quantity", "split_formats",
]

STX, ETX, CRLF = b"\x02", b"\x03", b"\r\n"
HOST_STATUS = b"~HS"
EXTENDED_STATUS = b"~HQES"
CANCEL_ALL = b"~JA"  # cancel every format in the buffer
PAUSE = b"~PP"
RESUME = b"~PS"  # print start: leave pause
MAX_FRAME = 1024
MAX_COPIES = 99_999_999  # the range of ^PQ's quantity

_TOKEN = re.compile(rb"\^X[AZ]", re.IGNORECASE)
_QUANTITY = re.compile(rb"\^PQ", re.IGNORECASE)
_BLANK = b" \t\r\n"
_S1 = re.compile(
    rb"(\d{1,3}),([01]),([01]),(\d{1,5}),(\d{1,3}),([01]),([01]),([01]),(\d{1,3}),"
    rb"([01]),([01]),([01])"
)
_S2 = re.compile(
    rb"(\d{1,3}),(\d),([01]),([01]),([01]),([0-9A-Z]),(\d{1,2}),([01]),(\d{1,8}),([01]),"
    rb"(\d{1,3})"
)
_S3 = re.compile(rb"(\d{1,4}),([01])")
_HQ_LINE = re.compile(rb" *(ERRORS|WARNINGS): +([01]) +([0-9A-Fa-f]{8}) +([0-9A-Fa-f]{8}) *")
_HQ_TITLE = b"PRINTER STATUS"


class ErrorFlag(IntFlag):
    """`~HQES` error bits (group 1); some exist only on kiosk printers (KR403)."""

    MEDIA_OUT = 0x1
    RIBBON_OUT = 0x2
    HEAD_OPEN = 0x4
    CUTTER_FAULT = 0x8
    PRINTHEAD_OVER_TEMPERATURE = 0x10
    MOTOR_OVER_TEMPERATURE = 0x20
    BAD_PRINTHEAD_ELEMENT = 0x40
    PRINTHEAD_DETECTION_ERROR = 0x80
    INVALID_FIRMWARE_CONFIG = 0x100
    PRINTHEAD_THERMISTOR_OPEN = 0x200
    PAPER_JAM_DURING_RETRACT = 0x1000
    PRESENTER_NOT_RUNNING = 0x2000
    PAPER_FEED_ERROR = 0x4000
    CLEAR_PAPER_PATH_FAILED = 0x8000
    PAUSED = 0x10000
    RETRACT_TIMED_OUT = 0x20000
    BLACK_MARK_CALIBRATE_ERROR = 0x40000
    BLACK_MARK_NOT_FOUND = 0x80000


class WarningFlag(IntFlag):
    """`~HQES` warning bits (group 1); the sensor bits exist only on kiosk printers."""

    NEED_TO_CALIBRATE_MEDIA = 0x1
    CLEAN_PRINTHEAD = 0x2
    REPLACE_PRINTHEAD = 0x4
    PAPER_NEAR_END = 0x8
    SENSOR_1_PAPER_BEFORE_HEAD = 0x10
    SENSOR_2_BLACK_MARK = 0x20
    SENSOR_3_PAPER_AFTER_HEAD = 0x40
    SENSOR_4_LOOP_READY = 0x80
    SENSOR_5_PRESENTER = 0x100
    SENSOR_6_RETRACT_READY = 0x200
    SENSOR_7_IN_RETRACT = 0x400
    SENSOR_8_AT_BIN = 0x800


@dataclass(frozen=True, slots=True)
class HostStatus:
    """Every field of a `~HS` reply (the unused ones excepted), typed."""

    comm_settings: int = 30
    paper_out: bool = False
    paused: bool = False
    label_length_dots: int = 1218
    formats_in_buffer: int = 0
    buffer_full: bool = False
    comm_diagnostic_mode: bool = False
    partial_format: bool = False
    corrupt_ram: bool = False
    under_temperature: bool = False
    over_temperature: bool = False
    function_settings: int = 1
    head_up: bool = False
    ribbon_out: bool = False
    thermal_transfer: bool = True
    print_mode: str = "2"
    print_width_mode: int = 4
    label_waiting: bool = False
    labels_remaining: int = 0
    format_while_printing: bool = True
    graphics_in_memory: int = 0
    password: str = "0000"
    static_ram_installed: bool = False


@dataclass(frozen=True, slots=True)
class ExtendedStatus:
    """A `~HQES` reply: the error and warning flags (group 2 in the high 32 bits)."""

    error_present: bool = False
    errors: int = 0
    warning_present: bool = False
    warnings: int = 0

    @property
    def error_flags(self) -> ErrorFlag:
        """The known group 1 error bits."""
        return ErrorFlag(self.errors & sum(ErrorFlag))

    @property
    def warning_flags(self) -> WarningFlag:
        """The known group 1 warning bits."""
        return WarningFlag(self.warnings & sum(WarningFlag))


# ------------------------------------------------------------------ label jobs
def split_formats(job: bytes | str) -> list[bytes]:
    """Return the `^XA...^XZ` formats of `job`; raise `LabelJobError` if it is not balanced."""
    data = job.encode("utf-8") if isinstance(job, str) else bytes(job)
    formats: list[bytes] = []
    start = None  # offset of the open ^XA
    pos = 0
    for m in _TOKEN.finditer(data):
        opening = m.group().upper() == b"^XA"
        if start is None:
            if not opening:
                raise LabelJobError(f"^XZ at byte {m.start()} without an open ^XA")
            if data[pos : m.start()].strip(_BLANK):
                raise LabelJobError(f"data outside a ^XA...^XZ format at byte {pos}")
            start = m.start()
        elif opening:
            raise LabelJobError(f"^XA at byte {m.start()} before the ^XZ of the format "
                                f"opened at byte {start}")
        else:
            formats.append(data[start : m.end()])
            start, pos = None, m.end()
    if start is not None:
        raise LabelJobError(f"the format opened at byte {start} has no ^XZ")
    if data[pos:].strip(_BLANK):
        raise LabelJobError(f"data outside a ^XA...^XZ format at byte {pos}")
    if not formats:
        raise LabelJobError("no ^XA...^XZ format in the job")
    return formats


def set_quantity(fmt: bytes, copies: int) -> bytes:
    """Return `fmt` (one format from `split_formats`) printing `copies` labels.

    `^PQcopies` goes just before the format's `^XZ`; a format that has its own `^PQ` only
    takes copies=1, so that a quantity is never silently overridden.
    """
    if isinstance(copies, bool) or not isinstance(copies, int):
        raise LabelJobError(f"copies must be an int, not {copies!r}")
    if not 1 <= copies <= MAX_COPIES:
        raise LabelJobError(f"copies must be 1..{MAX_COPIES}, not {copies}")
    if copies == 1:
        return fmt
    if _QUANTITY.search(fmt):
        raise LabelJobError("the format sets its own quantity (^PQ); send it with copies=1")
    return fmt[:-3] + b"^PQ%d" % copies + fmt[-3:]


# --------------------------------------------------------------------- framing
def scan_frames(
    data: bytes, max_frame: int = MAX_FRAME, stop_after: int | None = None
) -> tuple[list[bytes], int]:
    """Return the payloads of the complete STX...ETX frames in `data` and where the last ends.

    An incomplete last frame is left for later; with `stop_after`, so is everything after
    that many frames. Raises `LabelPrinterProtocolError` for any byte before that point that
    cannot belong to a status reply (see the module docstring).
    """
    frames: list[bytes] = []
    pos = used = 0
    while pos < len(data) and len(frames) != stop_after:
        byte = data[pos]
        if byte in (0x0D, 0x0A):
            pos += 1
            continue
        if byte != 0x02:
            raise LabelPrinterProtocolError(f"unexpected byte 0x{byte:02x} outside a reply "
                                            f"frame: {_preview(data[pos:])}")
        end = data.find(ETX, pos + 1)
        body = data[pos + 1 : end if end >= 0 else len(data)]
        bad = next((b for b in body if not (0x20 <= b < 0x7F or b in (0x0D, 0x0A))), None)
        if bad is not None:
            raise LabelPrinterProtocolError(f"byte 0x{bad:02x} inside a reply frame: "
                                            f"{_preview(data[pos:])}")
        if len(body) > max_frame:
            raise LabelPrinterProtocolError(f"reply frame longer than {max_frame} bytes")
        if end < 0:
            break
        frames.append(body)
        pos = used = end + 1
    return frames, used


def is_extended_frame(payload: bytes) -> bool:
    """True if a frame payload is a `~HQES` reply rather than a `~HS` string."""
    return _HQ_TITLE in payload


# ----------------------------------------------------------------- host status
def parse_host_status(reply: bytes) -> HostStatus:
    """Parse a whole `~HS` reply (three frames); raise `LabelPrinterProtocolError` if bad."""
    frames, used = scan_frames(reply)
    if used != len(reply.rstrip(CRLF)) or len(frames) != 3:
        raise LabelPrinterProtocolError(f"~HS: expected three STX...ETX strings, got "
                                        f"{_preview(reply)}")
    return parse_host_status_frames(frames)


def parse_host_status_frames(frames: list[bytes]) -> HostStatus:
    """Parse the three payloads of a `~HS` reply (without STX/ETX)."""
    if len(frames) != 3:
        raise LabelPrinterProtocolError(f"~HS: expected three strings, got {len(frames)}")
    m1, m2, m3 = (rx.fullmatch(f) for rx, f in zip((_S1, _S2, _S3), frames, strict=True))
    for n, (m, frame) in enumerate(((m1, frames[0]), (m2, frames[1]), (m3, frames[2])), 1):
        if m is None:
            raise LabelPrinterProtocolError(f"~HS: malformed string {n}: {_preview(frame)}")
    a = [int(g) for g in m1.groups()]
    b = m2.groups()
    return HostStatus(
        comm_settings=a[0], paper_out=a[1] == 1, paused=a[2] == 1, label_length_dots=a[3],
        formats_in_buffer=a[4], buffer_full=a[5] == 1, comm_diagnostic_mode=a[6] == 1,
        partial_format=a[7] == 1, corrupt_ram=a[9] == 1, under_temperature=a[10] == 1,
        over_temperature=a[11] == 1,
        function_settings=int(b[0]), head_up=b[2] == b"1", ribbon_out=b[3] == b"1",
        thermal_transfer=b[4] == b"1", print_mode=b[5].decode("ascii"),
        print_width_mode=int(b[6]), label_waiting=b[7] == b"1", labels_remaining=int(b[8]),
        format_while_printing=b[9] == b"1", graphics_in_memory=int(b[10]),
        password=m3[1].decode("ascii"), static_ram_installed=m3[2] == b"1",
    )


def encode_host_status(s: HostStatus) -> bytes:
    """Encode a `~HS` reply exactly as a printer sends it (for simulators and tests)."""
    def f(flag: bool) -> str:
        return "1" if flag else "0"

    one = (f"{s.comm_settings:03d},{f(s.paper_out)},{f(s.paused)},{s.label_length_dots:04d},"
           f"{s.formats_in_buffer:03d},{f(s.buffer_full)},{f(s.comm_diagnostic_mode)},"
           f"{f(s.partial_format)},000,{f(s.corrupt_ram)},{f(s.under_temperature)},"
           f"{f(s.over_temperature)}")
    two = (f"{s.function_settings:03d},0,{f(s.head_up)},{f(s.ribbon_out)},"
           f"{f(s.thermal_transfer)},{s.print_mode},{s.print_width_mode},"
           f"{f(s.label_waiting)},{s.labels_remaining:08d},{f(s.format_while_printing)},"
           f"{s.graphics_in_memory:03d}")
    three = f"{s.password},{f(s.static_ram_installed)}"
    return b"".join(STX + part.encode("ascii") + ETX + CRLF for part in (one, two, three))


# ------------------------------------------------------------- extended status
def parse_extended_status(payload: bytes) -> ExtendedStatus:
    """Parse a `~HQES` reply: a whole frame (STX...ETX [CR LF]) or its payload only."""
    body = payload
    if payload.startswith(STX):
        frames, used = scan_frames(payload)
        if len(frames) != 1 or used != len(payload.rstrip(CRLF)):
            raise LabelPrinterProtocolError(f"~HQES: expected one STX...ETX frame, got "
                                            f"{_preview(payload)}")
        body = frames[0]
    found: dict[bytes, tuple[bool, int]] = {}
    title = False
    for line in body.split(b"\n"):
        line = line.removesuffix(b"\r")
        if not line.strip(b" "):
            continue
        if line.strip(b" ") == _HQ_TITLE and not title and not found:
            title = True
            continue
        m = _HQ_LINE.fullmatch(line)
        if m is None or not title or m[1] in found:
            raise LabelPrinterProtocolError(f"~HQES: unexpected line {_preview(line)}")
        found[m[1]] = (m[2] == b"1", int(m[3], 16) << 32 | int(m[4], 16))
    if set(found) != {b"ERRORS", b"WARNINGS"}:
        raise LabelPrinterProtocolError(f"~HQES: ERRORS and WARNINGS lines expected in "
                                        f"{_preview(body)}")
    (e_on, errors), (w_on, warnings) = found[b"ERRORS"], found[b"WARNINGS"]
    return ExtendedStatus(error_present=e_on, errors=errors, warning_present=w_on,
                          warnings=warnings)


def encode_extended_status(s: ExtendedStatus) -> bytes:
    """Encode a `~HQES` reply in the layout Zebra printers use (for simulators and tests)."""
    def line(name: str, on: bool, value: int) -> str:
        label = f"   {name}:".ljust(19)
        return f"{label}{int(on)} {value >> 32 & 0xFFFFFFFF:08X} {value & 0xFFFFFFFF:08X}\r\n"

    text = ("\r\n\r\n  PRINTER STATUS\r\n" + line("ERRORS", s.error_present, s.errors)
            + line("WARNINGS", s.warning_present, s.warnings))
    return STX + text.encode("ascii") + ETX


def _preview(data: bytes) -> str:
    return repr(bytes(data[:48])) + ("..." if len(data) > 48 else "")
