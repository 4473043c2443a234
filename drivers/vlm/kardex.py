r"""Kardex JMIF-style host telegrams: pure encode and parse functions.

One telegram per line, ISO-8859-1, ended by CR LF. The host sends a *task*; the controller
answers with an *echo* of the task whose first field is replaced by a result code. Two
layouts (`Dialect`) are supported, as documented by public Kardex integrations (the OCA
`stock_vertical_lift_kardex` Odoo module and its JMIF proxy):

`JMIF` (";" layout, 11 fields, no trailing separator)::

    TASK_TYPE;TASK_ID;ADDRESS;CARRIER;POS_X;POS_Y;QTY;INFO1;INFO2;INFO3;INFO4 CR LF

    b"4;1001;SH1-1;17;120;40;3;4006381333931;Screw M4x20;ORD-0815;\r\n"
    34 | 3b | 31 30 30 31 | 3b | 53 48 31 2d 31 | 3b | 31 37 | 3b | 31 32 30 | 3b | 34 30 | 3b |
    "4"       "1001"             "SH1-1"               "17"         "120"            "40"
    33 | 3b | 34 30 ... 33 31 | 3b | 53 63 ... 32 30 | 3b | 4f 52 ... 31 35 | 3b | 0d 0a
    "3"       INFO1 article        INFO2 description    INFO3 order            INFO4 ""  CR LF

`JMIF_PIPE` (the older "|" layout, 12 fields, each followed by "|")::

    CODE|HOST_ID|ADDR|CARRIER|CARRIER_NEXT|X|Y|BOX_TYPE|QTY|ORDER|PART|DESC| CR LF
    b"1|1001|SH1-1|17|0|120|40||3|ORD-0815|4006381333931|Screw M4x20|\r\n"
    b"61|ping1|SH1-1|0|0||||||||\r\n"                    keep-alive ping

Fields:

- TASK_TYPE / CODE: decimal task type, configured on the machine (`TaskCodes`). `JMIF`
  defaults: 0 release, 3 put, 4 get (pick), 5 count. `JMIF_PIPE`: 1 pick, 2 put,
  5 inventory (count), 61 ping; it releases with the open task's code and carrier 0.
- TASK_ID / HOST_ID: the host's id for the task (printable, no separator); the echo carries
  it back, so a reply is matched to its task by this field.
- ADDRESS: the VLM unit and opening, e.g. `SH1-1` (shuttle 1, opening 1).
- CARRIER: tray number; `0` releases (closes) the open tray. CARRIER_NEXT: tray to prepare
  next, 0 for none.
- POS_X / POS_Y: cell centre in mm from the tray's bottom-left corner, for the light pointer.
- QTY: in a task the quantity to pick/put; in a `0` echo the quantity the operator confirmed.
- INFO1..INFO4 (`;`) = article, description, order, note; PART/DESC/ORDER (`|`) = article,
  description, order: free text shown to the operator.
- Numeric fields are unsigned decimal integers; an empty field is None.

Echo (reply): the same fields, the first replaced by the result code; the public integration
reads it as `code, _, rest = answer.partition("|")` and matches the task by field 2. Codes
(`RESULT_MEANINGS`, as the public integration lists them): `0` done (operator confirmed;
QTY = confirmed quantity), `101` common error, `102`..`108` specific errors, `201` accepted
and queued, `202` processing started, `203` carrier arrived (may be skipped in favour of
`0`), `301`/`302` opening occupied; 1..99 interface errors, 501..999 and 1000.. machine errors.
The `;` layout puts the code in the same first field; no public source shows its echo.

Escaping: no escape mechanism is documented (the public integration formats fields raw, so a
separator in a description would shift every later field). `encode_task` therefore replaces
the separator in free-text fields with `Dialect.substitute` ("," or "/"), control characters
with a space and characters outside ISO-8859-1 with "?" (`sanitize_text`). Identifiers
(TASK_ID, ADDRESS) that contain a separator or control character are refused (ValueError).

`parse_reply` returns a `Telegram` for any well-formed line and raises `VlmProtocolError`
(only) otherwise. `encode_reply`/`parse_task` are the controller's side, for simulators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from drivers.vlm.errors import VlmProtocolError

__all__ = [
    "DIALECTS", "JMIF", "JMIF_PIPE", "OK", "RESULT_ARRIVED", "RESULT_MEANINGS", "Dialect",
    "TaskCodes", "Telegram", "carried", "dialect_named", "encode_reply", "encode_task",
    "is_error", "is_progress", "parse_reply", "parse_task", "result_meaning", "sanitize_text",
]

ENCODING = "iso-8859-1"
CRLF = b"\r\n"
OK = 0
RESULT_ARRIVED = 203
RESULT_MEANINGS: dict[int, str] = {
    0: "success",
    101: "common error",
    102: "sequence number invalid",
    103: "machine busy",
    104: "timeout",
    105: "max retry reached",
    106: "carrier in use or undefined",
    107: "cancelled",
    108: "invalid user input data",
    201: "request accepted and queued",
    202: "request processing started",
    203: "carrier arrived",
    301: "opening occupied (move back / put)",
    302: "opening occupied (fetch / pick)",
}
NUMERIC = ("code", "carrier", "carrier_next", "pos_x", "pos_y", "qty")
IDENTIFIERS = ("task_id", "address")
TEXT = ("article", "description", "order", "note", "box_type")
_DIGITS = re.compile(r"[0-9]{1,9}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_ID = 32


@dataclass(frozen=True, slots=True)
class TaskCodes:
    """Task type codes configured on the machine; None where the machine has no such task."""

    pick: int = 4
    put: int = 3
    count: int = 5
    release: int | None = 0  # None: release with the open task's code (and carrier 0)
    ping: int | None = None


@dataclass(frozen=True, slots=True)
class Dialect:
    """A telegram layout: separator, field order (`Telegram` attribute names), task codes."""

    name: str
    separator: str
    layout: tuple[str, ...]
    trailing_separator: bool
    substitute: str
    codes: TaskCodes = field(default_factory=TaskCodes)


JMIF = Dialect(
    "jmif", ";",
    ("code", "task_id", "address", "carrier", "pos_x", "pos_y", "qty",
     "article", "description", "order", "note"),
    trailing_separator=False, substitute=",",
)
JMIF_PIPE = Dialect(
    "jmif-pipe", "|",
    ("code", "task_id", "address", "carrier", "carrier_next", "pos_x", "pos_y", "box_type",
     "qty", "order", "article", "description"),
    trailing_separator=True, substitute="/",
    codes=TaskCodes(pick=1, put=2, count=5, release=None, ping=61),
)
DIALECTS = {d.name: d for d in (JMIF, JMIF_PIPE)}


def dialect_named(name: str | Dialect) -> Dialect:
    """Return the dialect called `name` ("jmif", "jmif-pipe"); a `Dialect` is returned as is."""
    if isinstance(name, Dialect):
        return name
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown Kardex dialect {name!r}; known: {sorted(DIALECTS)}") from None


@dataclass(frozen=True, slots=True)
class Telegram:
    """One telegram: `code` is the task type in a task and the result code in an echo.

    Attributes a dialect does not carry (`note` and `carrier_next`/`box_type` depending on
    the layout) are not sent and parse as their defaults.
    """

    code: int
    task_id: str
    address: str = ""
    carrier: int | None = None
    pos_x: int | None = None
    pos_y: int | None = None
    qty: int | None = None
    article: str = ""
    description: str = ""
    order: str = ""
    note: str = ""
    carrier_next: int | None = None
    box_type: str = ""


def sanitize_text(text: str, dialect: Dialect) -> str:
    """Make free text safe for a field: no separator, no control characters, ISO-8859-1 only."""
    text = _CONTROL.sub(" ", text).replace(dialect.separator, dialect.substitute)
    return text.encode(ENCODING, "replace").decode(ENCODING)


def encode_task(task: Telegram, dialect: Dialect = JMIF) -> bytes:
    """Encode one telegram line (see the module docstring); ValueError if it cannot be sent."""
    parts = []
    for name in dialect.layout:
        value = getattr(task, name)
        if name in NUMERIC:
            if value is not None and not (isinstance(value, int) and 0 <= value <= 999_999_999):
                raise ValueError(f"{name} must be an unsigned integer below 10**9, not {value!r}")
            parts.append("" if value is None else str(value))
        elif name in IDENTIFIERS:
            _check_identifier(name, value, dialect, required=name == "task_id")
            parts.append(value)
        else:
            parts.append(sanitize_text(value, dialect))
    line = dialect.separator.join(parts) + (dialect.separator if dialect.trailing_separator else "")
    return line.encode(ENCODING) + CRLF


encode_reply = encode_task  # the echo has the same layout, with the result code first


def parse_reply(line: bytes, dialect: Dialect = JMIF) -> Telegram:
    """Parse one line (CR LF optional); raise `VlmProtocolError` if it is not a telegram."""
    body = line[:-2] if line.endswith(CRLF) else line.removesuffix(b"\n")
    if not body:
        raise VlmProtocolError("empty telegram line")
    text = body.decode(ENCODING)  # every byte is a character in ISO-8859-1
    if _CONTROL.search(text):
        raise VlmProtocolError(f"control characters in telegram: {_preview(line)}")
    sep = dialect.separator
    if dialect.trailing_separator:
        if not text.endswith(sep):
            raise VlmProtocolError(f"telegram must end with {sep!r}: {_preview(line)}")
        text = text[:-1]
    parts = text.split(sep)
    if len(parts) != len(dialect.layout):
        raise VlmProtocolError(
            f"expected {len(dialect.layout)} fields separated by {sep!r}, got {len(parts)}: "
            f"{_preview(line)}"
        )
    values: dict[str, object] = {}
    for name, part in zip(dialect.layout, parts, strict=True):
        if name in NUMERIC:
            if part == "" and name != "code":
                values[name] = None
            elif _DIGITS.fullmatch(part):
                values[name] = int(part)
            else:
                raise VlmProtocolError(f"{name} is not a number ({part!r}): {_preview(line)}")
        elif name == "task_id" and not part:
            raise VlmProtocolError(f"telegram without task id: {_preview(line)}")
        else:
            values[name] = part
    return Telegram(**values)


parse_task = parse_reply  # the controller reads tasks with the same grammar


def is_progress(code: int) -> bool:
    """True for intermediate results (2xx: queued, started, carrier arrived)."""
    return 200 <= code <= 299


def is_error(code: int) -> bool:
    """True for every result that is neither done (`0`) nor progress (2xx)."""
    return code != OK and not is_progress(code)


def result_meaning(code: int) -> str:
    """Describe a result code in words, as far as it is known."""
    if code in RESULT_MEANINGS:
        return RESULT_MEANINGS[code]
    if 1 <= code <= 99:
        return "interface error"
    if 501 <= code <= 999:
        return "MM260 error"
    if code >= 1000:
        return "machine error"
    return "unknown result code"


def carried(dialect: Dialect, telegram: Telegram) -> Telegram:
    """Return `telegram` with the attributes `dialect` does not carry reset to their defaults."""
    dropped = {f.name: f.default for f in fields(Telegram) if f.name not in dialect.layout}
    return replace(telegram, **dropped)


def _check_identifier(name: str, value: str, dialect: Dialect, *, required: bool) -> None:
    if required and not value:
        raise ValueError(f"{name} must not be empty")
    if len(value) > _MAX_ID:
        raise ValueError(f"{name} is longer than {_MAX_ID} characters: {value!r}")
    if dialect.separator in value or _CONTROL.search(value):
        raise ValueError(f"{name} must not contain {dialect.separator!r} or controls: {value!r}")
    try:
        value.encode(ENCODING)
    except UnicodeEncodeError:
        raise ValueError(f"{name} must be ISO-8859-1: {value!r}") from None


def _preview(data: bytes) -> str:
    return repr(data[:64]) + ("..." if len(data) > 64 else "")
