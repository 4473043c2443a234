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

Commands and their replies (each reply also may be a bare `ES`/`ET`/`EL`)::

    S    stable weight     S S <w> | S I | S + | S -      (the scale waits for stability)
    SI   weight now        S S <w> | S D <w> | S I | S + | S -
    SIR  weight, repeated  S S <w> | S D <w> | ... one line per reading until the next
                           command or `@` (`SR` likewise, on weight changes)
    Z    zero              Z A | Z I | Z + | Z -          (waits for stability)
    ZI   zero now          ZI S | ZI D | ZI I | ZI + | ZI - (S/D: done stable/dynamic)
    T    tare              T S <w> | T I | T + | T -      (<w> = the stored tare)
    TI   tare now          TI S <w> | TI D <w> | TI I | TI L | TI + | TI -
    TA   tare value        TA A <w> | TA I ;  `TA <value> <unit>` presets it: TA A <w> |
                           TA I | TA L (value or unit not accepted)
    TAC  clear tare        TAC A | TAC I
    @    reset             I4 A "<serial number>"          (stops SIR, clears the tare)
    I2   balance data      I2 A "<type> <capacity> <unit>" | I2 I
    I4   serial number     I4 A "<serial number>" | I4 I

where <w> is `value10 SP unit`.

Quirks: implementations that deviate from the manual are described as data
(`MtSicsQuirks`, named in `QUIRKS`), not as code paths: e.g. the `mt-sics-emulator` package
answers `SI` with id `SI`, `ZI` with `ZI A`, and names the balance type in `I1` (its `I2`
returns the serial number). `check_reply(reply, cmd, quirks)` accepts what the quirks allow.

`parse_reply` returns a typed value for every well-formed reply, error replies included, and
raises `ScaleProtocolError` (only) for anything else. It accepts any run of spaces before the
weight value (padding differs between firmware versions); `encode_reply` pads exactly.
`check_reply` turns error and status replies into the matching `ScaleError` subclass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from drivers.scale.errors import (
    ScaleBusyError,
    ScaleCommandError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleUnderloadError,
)

__all__ = [
    "GRAMS_PER_UNIT", "QUIRKS", "STANDARD", "BusyReply", "ErrorReply", "MtSicsQuirks",
    "OverloadReply", "Reply", "StatusReply", "UnderloadReply", "WeightReply", "check_reply",
    "encode_command", "encode_reply", "format_weight", "from_grams", "parse_reply", "reply_id",
    "reply_ids", "to_grams", "weight_fields",
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
_NO_WEIGHT_IDS = frozenset({"ZI"})  # their S/D statuses carry no weight field
_REPLY_IDS = {"SI": "S", "SIR": "S", "SR": "S", "@": "I4"}


@dataclass(frozen=True, slots=True)
class MtSicsQuirks:
    """Known deviations of one MT-SICS implementation from the reference manual.

    - `reply_ids`: extra reply ids accepted per command (besides the manual's);
    - `ok_statuses`: extra success statuses per command;
    - `model_command`: the inquiry whose text names the balance type (`I2` in the manual).
    """

    name: str = "standard"
    reply_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ok_statuses: Mapping[str, str] = field(default_factory=dict)
    model_command: str = "I2"


STANDARD = MtSicsQuirks()
QUIRKS: Mapping[str, MtSicsQuirks] = MappingProxyType({
    "standard": STANDARD,
    # mt-sics-emulator 0.1.x: `SI` answers `SI S ...` (the manual says `S S ...`), `ZI`
    # answers `ZI A` (manual: `ZI S`/`ZI D`), `I1` returns the model name and `I2` the serial
    # number (manual: `I1` = MT-SICS level and versions, `I2` = balance type and capacity).
    "mt-sics-emulator": MtSicsQuirks(
        name="mt-sics-emulator", reply_ids={"SI": ("SI",)}, ok_statuses={"ZI": "A"},
        model_command="I1",
    ),
})


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
    return _REPLY_IDS.get(cmd, cmd)


def reply_ids(cmd: str, quirks: MtSicsQuirks = STANDARD) -> tuple[str, ...]:
    """Return every ID accepted as an answer to `cmd`: the manual's first, then the quirks'."""
    return (reply_id(cmd), *quirks.reply_ids.get(cmd, ()))


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
    if status in "SD" and not (id_ in _NO_WEIGHT_IDS and not fields):
        return _weight(id_, status, fields, line)
    if status == "I":
        return BusyReply(id_)
    if status == "+":
        return OverloadReply(id_)
    if status == "-":
        return UnderloadReply(id_)
    return StatusReply(id_, status, fields)


def check_reply(reply: Reply, cmd: str, quirks: MtSicsQuirks = STANDARD) -> Reply:
    """Return `reply` if it answers `cmd` successfully; raise the matching `ScaleError` if not."""
    if isinstance(reply, ErrorReply):
        raise ScaleCommandError(f"{cmd}: {reply.code} ({reply.meaning})")
    expected = reply_id(cmd)
    if reply.id not in reply_ids(cmd, quirks):
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


def weight_fields(reply: StatusReply) -> WeightReply:
    """Read the `value unit` fields of a status reply (`TA A      100.00 g`) as a weight."""
    text = " ".join(reply.fields)
    if len(reply.fields) != 2 or not _NUMBER.fullmatch(reply.fields[0]):
        raise ScaleProtocolError(f"{reply.id}: expected a weight, got {text!r}")
    if not _UNIT.fullmatch(reply.fields[1]):
        raise ScaleProtocolError(f"{reply.id}: expected a weight unit, got {text!r}")
    return WeightReply(stable=True, value=Decimal(reply.fields[0]), unit=reply.fields[1],
                       id=reply.id)


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
