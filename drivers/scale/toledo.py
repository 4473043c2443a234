"""Toledo 8217/8213 retail scale protocol (9600 7E1): pure encode and parse functions.

The host sends one ASCII letter, no terminator; the scale answers one frame::

    W  weight      STX <weight> [N] CR      or   STX ? <status> CR
    Z  zero        STX ? <status> CR        (zero is captured if stable, in range, gross)
    T  tare        STX ? <status> CR        (tare is taken if stable and above zero)
    C  clear tare  STX ? <status> CR

    b"\\x02" b"01.250" b"N" b"\\r"     02 | 30 31 2e 32 35 30 | 4e | 0d
        STX  weight      net  CR      net 1.250 kg; no N: gross
    b"\\x02?A\\r"                       02 | 3f | 41 | 0d
        STX  ?  status  CR            0x41 = always-1 bit + motion

- weight: digits with a decimal point, leading zeros kept, no sign and no unit: the unit
  is set up on the scale, so it is part of the profile (`kg`: `WW.WWW`, `lb`: `0WW.WW`).
  The 8217 sends a weight only when it is stable and in range; otherwise, a status.
- status: one byte (7 data bits on the wire; bit 7 is the parity bit, removed by the UART).
  It may be any value, CR and STX included, so a status frame is always exactly 4 bytes.

    bit 0  0x01  motion                  bit 4  0x10  centre of zero
    bit 1  0x02  over capacity           bit 5  0x20  net weight (8213: always 1)
    bit 2  0x04  under zero              bit 6  0x40  always 1 (Mettler Toledo's 8217
    bit 3  0x08  outside zero capture                 description), or "bad command"

Bit 6 differs between descriptions of the protocol, so profiles (`PROFILES`) say which
bits are constant and which, if any, flags a bad command. `check_status` turns a status
into the matching `ScaleError`: motion `ScaleMotionError`, over capacity
`ScaleOverloadError`, under zero `ScaleUnderloadError`, bad command `ScaleCommandError`.

`split_frame` cuts the first frame off a byte buffer; `parse_frame` raises
`ScaleProtocolError` (only) for anything that is not a well-formed frame.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from drivers.scale.errors import (
    ScaleBusyError,
    ScaleCommandError,
    ScaleMotionError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleUnderloadError,
)

__all__ = [
    "COMMANDS", "PROFILES", "StatusBits", "StatusFrame", "ToledoProfile", "WeightFrame",
    "check_status", "describe_status", "encode_command", "encode_status", "encode_weight",
    "parse_frame", "split_frame",
]

STX, CR, QUERY = 0x02, 0x0D, 0x3F
COMMANDS = {"W": "weight", "Z": "zero", "T": "tare", "C": "clear tare"}
MAX_FRAME = 16
_WEIGHT = re.compile(rb" *(?P<value>\d+(?:\.\d*)?|\.\d+)(?P<net>N?)")


class StatusBits(enum.IntFlag):
    """The bits of a Toledo status byte."""

    MOTION = 0x01
    OVER_CAPACITY = 0x02
    UNDER_ZERO = 0x04
    OUTSIDE_ZERO_CAPTURE = 0x08
    CENTRE_OF_ZERO = 0x10
    NET = 0x20
    BIT6 = 0x40


@dataclass(frozen=True, slots=True)
class ToledoProfile:
    """How one scale uses the protocol: unit, digits, constant bits, bad-command bit."""

    name: str
    unit: str = "kg"
    decimals: int = 3
    always_one: int = 0x40
    bad_command: int = 0

    def meaningful(self, status: int) -> StatusBits:
        """Return the status bits that carry information in this profile."""
        return StatusBits(status & 0x7F & ~self.always_one)


PROFILES: Mapping[str, ToledoProfile] = MappingProxyType({
    # Mettler Toledo's 8217 description (DIVA scanner-scales, Ariva, Viva): bit 6 always 1.
    "8217": ToledoProfile("8217"),
    "8217-lb": ToledoProfile("8217-lb", unit="lb", decimals=2),
    # 8213 "demand" format (e.g. Transcell, Rice Lake): bits 5 and 6 always 1, pounds.
    "8213": ToledoProfile("8213", unit="lb", decimals=2, always_one=0x60),
    "8213-kg": ToledoProfile("8213-kg", always_one=0x60),
    # Descriptions that read bit 6 as "bad command from the host".
    "8217-badcmd": ToledoProfile("8217-badcmd", always_one=0, bad_command=0x40),
})


@dataclass(frozen=True, slots=True)
class WeightFrame:
    """A weight as the scale sent it (in the profile's unit); `net` if it ended with N."""

    value: Decimal
    net: bool
    text: str


@dataclass(frozen=True, slots=True)
class StatusFrame:
    """A status byte (`STX ? <status> CR`)."""

    status: int


Frame = WeightFrame | StatusFrame


def encode_command(cmd: str) -> bytes:
    """Encode a host command: one letter of `COMMANDS`, no terminator."""
    if cmd not in COMMANDS:
        raise ValueError(f"not a Toledo command: {cmd!r} (one of {', '.join(COMMANDS)})")
    return cmd.encode("ascii")


def encode_weight(value: Decimal | float | int, *, decimals: int, net: bool = False,
                  width: int = 6) -> bytes:
    """Encode a weight frame: zero-padded to `width` characters, `N` if net."""
    quantum = Decimal(1).scaleb(-decimals)
    text = str(Decimal(str(value)).quantize(quantum))
    if text.startswith("-"):
        raise ValueError("a Toledo weight frame has no sign: send an under-zero status")
    if len(text) > width:
        raise ValueError(f"weight {text} does not fit {width} characters")
    return b"\x02" + text.zfill(width).encode("ascii") + (b"N" if net else b"") + b"\r"


def encode_status(status: int) -> bytes:
    """Encode a status frame `STX ? <status> CR`."""
    if not 0 <= status <= 0x7F:
        raise ValueError(f"status must fit 7 bits: {status:#x}")
    return bytes((STX, QUERY, status, CR))


def split_frame(buf: bytes | bytearray, max_bytes: int = MAX_FRAME) -> tuple[bytes | None, int]:
    """Return (first frame, bytes it took) from `buf`, or (None, 0) if it is not complete.

    A frame ends with CR; one that starts `STX ?` is exactly 4 bytes (its status byte may be
    a CR). Garbage before a frame is part of the frame returned, so that `parse_frame`
    rejects it. Raise `ScaleProtocolError` if `max_bytes` pass without a CR.
    """
    if len(buf) >= 2 and buf[0] == STX and buf[1] == QUERY:
        return (bytes(buf[:4]), 4) if len(buf) >= 4 else (None, 0)
    end = buf.find(b"\r")
    if end < 0 or end >= max_bytes:
        if len(buf) >= max_bytes:
            raise ScaleProtocolError(
                f"no CR within {max_bytes} bytes: {_preview(bytes(buf[:max_bytes]))}"
            )
        return None, 0
    return bytes(buf[: end + 1]), end + 1


def parse_frame(frame: bytes) -> Frame:
    """Parse one frame (CR included); raise `ScaleProtocolError` if it is not one."""
    if len(frame) < 3 or frame[0] != STX or frame[-1] != CR:
        raise ScaleProtocolError(f"not a Toledo frame (STX ... CR): {_preview(frame)}")
    body = frame[1:-1]
    if body[:1] == b"?":
        if len(body) != 2:
            raise ScaleProtocolError(f"malformed status frame: {_preview(frame)}")
        if body[1] > 0x7F:
            raise ScaleProtocolError(f"status byte is not 7-bit: {_preview(frame)}")
        return StatusFrame(body[1])
    m = _WEIGHT.fullmatch(body)
    if m is None:
        raise ScaleProtocolError(f"malformed weight frame: {_preview(frame)}")
    return WeightFrame(Decimal(m["value"].decode("ascii")), bool(m["net"]), body.decode("ascii"))


def describe_status(status: int, profile: ToledoProfile) -> str:
    """Name the meaningful bits of `status`, e.g. `0x41 (motion)`."""
    bits = profile.meaningful(status)
    names = [b.name.lower().replace("_", " ") for b in StatusBits if b in bits]
    if profile.bad_command & status:
        names = [n for n in names if n != "bit6"] + ["bad command"]
    return f"{status:#04x} ({', '.join(names) or 'no flags'})"


def check_status(status: int, profile: ToledoProfile, cmd: str) -> StatusBits:
    """Raise the `ScaleError` a status stands for; return its meaningful bits if none."""
    bits = profile.meaningful(status)
    text = f"{cmd}: status {describe_status(status, profile)}"
    if profile.bad_command and status & profile.bad_command:
        raise ScaleCommandError(f"{text}: the scale rejected the command")
    if StatusBits.OVER_CAPACITY in bits:
        raise ScaleOverloadError(f"{text}: over capacity")
    if StatusBits.UNDER_ZERO in bits:
        raise ScaleUnderloadError(f"{text}: under zero")
    if StatusBits.MOTION in bits:
        raise ScaleMotionError(f"{text}: the load is in motion")
    if StatusBits.OUTSIDE_ZERO_CAPTURE in bits:
        if cmd == "Z":
            raise ScaleCommandError(f"{text}: zero refused, the load is outside the zero range")
        if cmd == "W":
            raise ScaleBusyError(f"{text}: the scale needs zeroing (outside zero capture range)")
    return bits


def _preview(data: bytes) -> str:
    return repr(data[:32]) + ("..." if len(data) > 32 else "")
