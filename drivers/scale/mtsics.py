"""MT-SICS (Mettler Toledo Standard Interface Command Set): pure encode and parse functions.

Frames, byte by byte (all ASCII, 0x20-0x7E between the delimiters)::

    command   CMD [SP arg]* CR LF            b"SI\\r\\n", b"S\\r\\n", b"Z\\r\\n", b"@\\r\\n"
    reply     ID SP status [SP field]* CR LF b"Z A\\r\\n", b'I4 A "0123456789"\\r\\n'
    weight    ID SP status SP value10 SP unit CR LF
                  b"S S      12.35 kg\\r\\n"  (value right-aligned in 10 characters)
    error     ES | ET | EL CR LF             (no ID, no status)

    b"S S      12.35 kg\\r\\n" in hex:
    53 | 20 | 53     | 20 | 20 20 20 20 20 31 32 2e 33 35 | 20 | 6b 67 | 0d 0a
    ID   SP   status   SP   value10 "     12.35"            SP   unit    CR LF

- CMD is upper-case letters/digits (`@` alone for reset); string arguments with spaces are
  sent in double quotes.
- ID is the command name, except that `SI`, `SIR` and `SR` answer with `S` and `@` answers
  like `I4` (`I4 A "<serial number>"`).
- status: `S` stable weight, `D` dynamic (unstable) weight, `A` done, `B` more lines follow,
  `I` cannot execute now (busy, or no stable weight before the scale's own timeout),
  `L` bad parameter, `+` overload / above range, `-` underload / below range.
- value10: sign and decimal point included, padded on the left with spaces to 10 characters,
  then one space and the unit (`g`, `kg`, `mg`, `lb`, `oz`, ...).
- bare errors: `ES` syntax error (unknown command), `ET` transmission error, `EL` logical
  error (command cannot be executed).

Commands supported here: `S` (stable weight: the scale waits for stability, `S I` if it is not
reached in its timeout), `SI` (weight now, `S S` or `S D`), `Z` (zero, `Z A`), `T` (tare,
`T S <tare weight>`), `@` (reset, `I4 A "<sn>"`), `I4` (serial number).

`parse_reply` returns a typed value for every well-formed reply, error replies included, and
raises `ScaleProtocolError` (only) for anything else. It accepts any run of spaces before the
weight value (padding differs between firmware versions); `encode_reply` pads exactly.
`check_reply` turns error and status replies into the matching `ScaleError` subclass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from drivers.scale.errors import (
    ScaleBusyError,
    ScaleCommandError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleUnderloadError,
)

__all__ = [
    "GRAMS_PER_UNIT", "BusyReply", "ErrorReply", "OverloadReply", "Reply", "StatusReply",
    "UnderloadReply", "WeightReply", "check_reply", "encode_command", "encode_reply",
    "format_weight", "from_grams", "parse_reply", "reply_id", "to_grams",
]

CRLF = b"\r\n"
ERROR_MEANINGS = {
    "ES": "syntax error: the scale does not know this command",
    "ET": "transmission error: the scale could not read the command",
    "EL": "logical error: the command cannot be executed",
}
STATUSES = "SDABIL+-"
GRAMS_PER_UNIT: dict[str, Decimal] = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "mg": Decimal("0.001"),
    "lb": Decimal("453.59237"),  # exact, by definition
    "oz": Decimal("28.349523125"),  # avoirdupois ounce, exact
}
_COMMAND = re.compile(r"@|[A-Z][A-Z0-9]*")
_REPLY = re.compile(r"(?P<id>@|[A-Z][A-Z0-9]*) (?P<status>[^ ])(?: (?P<rest>.*))?")
_FIELD = re.compile(r' *(?:"(?P<quoted>[^"]*)"|(?P<bare>[^ "]+))')
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_UNIT = re.compile(r"[A-Za-z%]{1,8}")


@dataclass(frozen=True, slots=True)
class WeightReply:
    """A weight: status `S` (stable) or `D` (dynamic); `id` is `S` for S/SI, `T` for a tare."""

    stable: bool
    value: Decimal
    unit: str
    id: str = "S"


@dataclass(frozen=True, slots=True)
class StatusReply:
    """Any other `ID status [fields]` reply; quoted fields are unquoted."""

    id: str
    status: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BusyReply:
    """`ID I`: the command cannot be executed now."""

    id: str


@dataclass(frozen=True, slots=True)
class OverloadReply:
    """`ID +`: above the weighing range (or the zero/tare range)."""

    id: str


@dataclass(frozen=True, slots=True)
class UnderloadReply:
    """`ID -`: below the weighing range (or the zero/tare range)."""

    id: str


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """A bare `ES`, `ET` or `EL`."""

    code: str

    @property
    def meaning(self) -> str:
        """What the error code means, in words."""
        return ERROR_MEANINGS[self.code]


Reply = WeightReply | StatusReply | BusyReply | OverloadReply | UnderloadReply | ErrorReply


def encode_command(cmd: str, *args: object) -> bytes:
    """Encode one command line: `CMD [SP arg]* CR LF`; raise ValueError if it is not valid."""
    if not _COMMAND.fullmatch(cmd):
        raise ValueError(f"not an MT-SICS command name: {cmd!r}")
    parts = [cmd]
    for arg in args:
        text = str(arg)
        if not text.isascii() or not text.isprintable() or '"' in text:
            raise ValueError(f"MT-SICS argument must be printable ASCII without quotes: {arg!r}")
        parts.append(f'"{text}"' if " " in text or not text else text)
    return " ".join(parts).encode("ascii") + CRLF


def reply_id(cmd: str) -> str:
    """Return the ID that answers command `cmd` (`SI` → `S`, `@` → `I4`)."""
    return {"SI": "S", "SIR": "S", "SR": "S", "@": "I4"}.get(cmd, cmd)


def format_weight(value: Decimal | float | int, decimals: int) -> str:
    """Format a weight value right-aligned in the 10-character MT-SICS field."""
    quantum = Decimal(1).scaleb(-decimals)
    text = str(Decimal(str(value)).quantize(quantum))
    if len(text) > 10:
        raise ValueError(f"weight {text} does not fit the 10-character field")
    return text.rjust(10)


def encode_reply(
    id: str, status: str, *fields: str, weight: tuple[Decimal | float, int, str] | None = None
) -> bytes:
    """Encode a reply line as a scale sends it (for simulators and tests).

    Text `fields` are sent quoted; `weight` = (value, decimals, unit) becomes the
    10-character value field, a space and the unit.
    """
    parts = [id, status]
    if weight is not None:
        value, decimals, unit = weight
        parts += [format_weight(value, decimals), unit]
    parts += [f'"{f}"' for f in fields]
    return " ".join(parts).encode("ascii") + CRLF


def parse_reply(line: bytes) -> Reply:
    """Parse one reply line (the trailing CR LF is optional); raise `ScaleProtocolError` if bad."""
    body = line[:-2] if line.endswith(CRLF) else line
    if not body:
        raise ScaleProtocolError("empty reply line")
    if not all(0x20 <= b < 0x7F for b in body):
        raise ScaleProtocolError(f"reply is not printable ASCII: {_preview(line)}")
    text = body.decode("ascii")
    if text in ERROR_MEANINGS:
        return ErrorReply(text)
    m = _REPLY.fullmatch(text)
    if m is None or m["status"] not in STATUSES:
        raise ScaleProtocolError(f"not an MT-SICS reply: {_preview(line)}")
    id_, status = m["id"], m["status"]
    fields = _split_fields(m["rest"] or "", line)
    if status in "SD":
        return _weight(id_, status, fields, line)
    if status == "I":
        return BusyReply(id_)
    if status == "+":
        return OverloadReply(id_)
    if status == "-":
        return UnderloadReply(id_)
    return StatusReply(id_, status, fields)


def check_reply(reply: Reply, cmd: str) -> Reply:
    """Return `reply` if it answers `cmd` successfully; raise the matching `ScaleError` if not."""
    if isinstance(reply, ErrorReply):
        raise ScaleCommandError(f"{cmd}: {reply.code} ({reply.meaning})")
    expected = reply_id(cmd)
    if reply.id != expected:
        raise ScaleProtocolError(f"{cmd}: expected a reply with id {expected}, got {reply}")
    if isinstance(reply, BusyReply):
        raise ScaleBusyError(f"{cmd}: the scale cannot execute the command now ({expected} I)")
    if isinstance(reply, OverloadReply):
        raise ScaleOverloadError(f"{cmd}: overload, above the scale's range ({expected} +)")
    if isinstance(reply, UnderloadReply):
        raise ScaleUnderloadError(f"{cmd}: underload, below the scale's range ({expected} -)")
    if isinstance(reply, StatusReply) and reply.status == "L":
        raise ScaleCommandError(f"{cmd}: parameter rejected ({expected} L)")
    return reply


def to_grams(value: Decimal | float | int, unit: str) -> Decimal:
    """Convert `value` in `unit` (g, kg, mg, lb, oz) to grams, exactly."""
    try:
        factor = GRAMS_PER_UNIT[unit]
    except KeyError:
        raise ScaleProtocolError(f"unsupported weight unit {unit!r}") from None
    return Decimal(str(value)) * factor


def from_grams(grams: Decimal | float | int, unit: str) -> Decimal:
    """Convert grams to `unit` (g, kg, mg, lb, oz)."""
    return Decimal(str(grams)) / to_grams(1, unit)


def _split_fields(rest: str, line: bytes) -> tuple[str, ...]:
    fields, pos = [], 0
    while pos < len(rest):
        m = _FIELD.match(rest, pos)
        if m is None or m.end() == pos:
            if rest[pos:].strip(" ") == "":
                break  # trailing spaces
            raise ScaleProtocolError(f"malformed reply fields: {_preview(line)}")
        fields.append(m["quoted"] if m["quoted"] is not None else m["bare"])
        pos = m.end()
    return tuple(fields)


def _weight(id_: str, status: str, fields: tuple[str, ...], line: bytes) -> WeightReply:
    if len(fields) != 2 or not _NUMBER.fullmatch(fields[0]) or not _UNIT.fullmatch(fields[1]):
        raise ScaleProtocolError(f"malformed weight reply: {_preview(line)}")
    try:
        value = Decimal(fields[0])
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        raise ScaleProtocolError(f"malformed weight value: {_preview(line)}") from None
    return WeightReply(stable=status == "S", value=value, unit=fields[1], id=id_)


def _preview(data: bytes) -> str:
    return repr(data[:48]) + ("..." if len(data) > 48 else "")
