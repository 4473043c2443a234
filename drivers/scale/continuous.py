"""Continuous-output ASCII scales (CAS, A&D, Ohaus...): line formats as data, pure parsing.

Such a scale sends one line per reading, on its own, several times a second. Each model
has its own line; a `ContinuousFormat` describes one as a regular expression with named
groups, matched against the whole line (decoded as Latin-1, so every byte is one
character; CR LF removed):

    stability  required  the token saying stable / in motion / overload (see the sets)
    value      required  the number; ignored on an overload line
    sign       optional  `+`, `-` or empty; `-` on an overload line means underload
    unit       optional  g, kg, mg, t, lb, oz (any case); needed on a weight line
    mode       optional  gross (`GS`, `G`) or net (`NT`, `N`, `NET`)

Presets (`PRESETS`), as documented in the makers' manuals::

    cas    ST,GS,+  1.234kg           CAS 18-byte (A&D-style) and, with the device id and
           ST,NT,1@,000013.5 kg       lamp byte after the mode, the 22-byte format;
                                      ST/US/OL stable/unstable/overload, GS/NT gross/net
    ad     ST,+00123.45  g            A&D standard format: ST/QT stable, US unstable,
           OL,+9999999E+19            OL out of range (- sign: below), optional LO/OK/HI
    ohaus  "    192.21 g     ?"       Ohaus: weight right-aligned in 10, unit, `?` while
                                      unstable or blank when stable, optional G/N legend

`parse_line` returns a `Reading` or raises `ScaleProtocolError` (only); `encode_line`
writes a preset's line (for simulators and tests). A custom format comes from
`custom_format(pattern)`: its stability tokens are `ST`/`S` (stable), `US`/`U`/`D`/`?`/`M`
(motion) and `OL`/`O` (overload).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from drivers.scale.errors import ScaleProtocolError

__all__ = [
    "PRESETS", "UNITS", "ContinuousFormat", "Reading", "ReadingState", "custom_format",
    "encode_line", "parse_line", "resolve_format",
]

UNITS: Mapping[str, Decimal] = MappingProxyType({
    "g": Decimal(1), "kg": Decimal(1000), "mg": Decimal("0.001"), "t": Decimal(1_000_000),
    "lb": Decimal("453.59237"), "oz": Decimal("28.349523125"),
})
GROUPS = frozenset({"stability", "value", "sign", "unit", "mode"})
_NET = frozenset({"NT", "N", "NET"})
_GROSS = frozenset({"GS", "G"})
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")


class ReadingState(enum.Enum):
    """What one line says about the load."""

    STABLE = "stable"
    MOTION = "motion"
    OVERLOAD = "overload"
    UNDERLOAD = "underload"


@dataclass(frozen=True, slots=True)
class Reading:
    """One parsed line: state, signed value in `unit` (None on over/underload), gross/net."""

    state: ReadingState
    value: Decimal | None
    unit: str
    net: bool | None
    raw: str

    @property
    def grams(self) -> Decimal:
        """The value in grams; `ScaleProtocolError` if the line carried none."""
        if self.value is None or self.unit not in UNITS:
            raise ScaleProtocolError(f"no weight in {self.raw!r}")
        return self.value * UNITS[self.unit]


@dataclass(frozen=True, slots=True)
class ContinuousFormat:
    """One model's line: a pattern with named groups and what its stability tokens mean."""

    name: str
    pattern: re.Pattern[str]
    stable: frozenset[str] = frozenset({"ST", "S"})
    motion: frozenset[str] = frozenset({"US", "U", "D", "?", "M"})
    overload: frozenset[str] = frozenset({"OL", "O"})
    zero_command: bytes | None = None
    tare_command: bytes | None = None
    encoder: Callable[[Reading], str] | None = None


def _cas(r: Reading) -> str:
    stab = {"stable": "ST", "motion": "US"}.get(r.state.value, "OL")
    sign = "-" if r.value is not None and r.value < 0 else "+"
    value = "" if r.value is None else f"{abs(r.value):f}"
    return f"{stab},{'NT' if r.net else 'GS'},{sign}{value:>7}{r.unit}"


def _ad(r: Reading) -> str:
    if r.value is None:
        return f"OL,{'-' if r.state is ReadingState.UNDERLOAD else '+'}9999999E+19"
    stab = "ST" if r.state is ReadingState.STABLE else "US"
    sign = "-" if r.value < 0 else "+"
    digits = f"{abs(r.value):f}"
    return f"{stab},{sign}{digits:0>8}{r.unit:>3}"


def _ohaus(r: Reading) -> str:
    if r.value is None:
        raise ValueError("the ohaus format has no overload line")
    legend = " N" if r.net else " G" if r.net is False else ""
    stab = "?" if r.state is ReadingState.MOTION else " "
    value = f"{r.value:f}"
    return f"{value:>10} {r.unit:<5} {stab}{legend}"


PRESETS: Mapping[str, ContinuousFormat] = MappingProxyType({
    "cas": ContinuousFormat(
        "cas",
        re.compile(r"(?P<stability>ST|US|OL),(?P<mode>GS|NT),(?:[\x00-\xff]{2},)?"
                   r" *(?P<sign>[+-]?) *(?P<value>[^,]*?) *(?P<unit>kg|g|lb|t)"),
        stable=frozenset({"ST"}), motion=frozenset({"US"}), overload=frozenset({"OL"}),
        encoder=_cas,
    ),
    "ad": ContinuousFormat(
        "ad",
        re.compile(r"(?P<stability>ST|QT|US|OL),(?:(?:LO|OK|HI|--),)?(?P<sign>[+-])"
                   r"(?P<value>[0-9.E+]+)(?:,? *(?P<unit>[A-Za-z%]{1,3}))?"),
        stable=frozenset({"ST", "QT"}), motion=frozenset({"US"}), overload=frozenset({"OL"}),
        zero_command=b"Z\r\n", tare_command=b"T\r\n", encoder=_ad,
    ),
    "ohaus": ContinuousFormat(
        "ohaus",
        re.compile(r" *(?P<sign>-?)(?P<value>[0-9.]+) (?P<unit>[A-Za-z]{1,5}) *"
                   r"(?P<stability>\??) *(?P<mode>G|N|NET)?(?: .*)? *"),
        stable=frozenset({""}), motion=frozenset({"?"}), overload=frozenset(),
        zero_command=b"Z\r\n", tare_command=b"T\r\n", encoder=_ohaus,
    ),
})


def custom_format(pattern: str, name: str = "custom") -> ContinuousFormat:
    """Build a format from a pattern; ValueError if it does not compile or lacks groups."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid pattern {pattern!r}: {exc}") from exc
    groups = set(compiled.groupindex)
    if not {"stability", "value"} <= groups:
        raise ValueError("the pattern needs named groups (?P<stability>...) and (?P<value>...)")
    if groups - GROUPS:
        raise ValueError(f"unknown named groups {sorted(groups - GROUPS)}: use {sorted(GROUPS)}")
    return ContinuousFormat(name, compiled)


def resolve_format(model: str = "", pattern: str = "") -> ContinuousFormat:
    """Return the preset named `model` (default `cas`) or the custom `pattern`."""
    if pattern:
        if model:
            raise ValueError("give a preset name or a custom pattern, not both")
        return custom_format(pattern)
    name = model or "cas"
    if name not in PRESETS:
        raise ValueError(f"unknown continuous format {name!r}: one of {sorted(PRESETS)}")
    return PRESETS[name]


def parse_line(line: bytes, fmt: ContinuousFormat) -> Reading:
    """Parse one line (terminator removed); raise `ScaleProtocolError` if it does not fit."""
    text = line.decode("latin-1").removesuffix("\r")
    m = fmt.pattern.fullmatch(text)
    if m is None:
        raise ScaleProtocolError(f"{fmt.name}: line does not match the format: {_preview(text)}")
    groups = m.groupdict()
    token = groups.get("stability") or ""
    sign = (groups.get("sign") or "").strip()
    mode = (groups.get("mode") or "").strip().upper()
    net = True if mode in _NET else False if mode in _GROSS else None
    unit = (groups.get("unit") or "").strip().lower()
    if token in fmt.overload:
        state = ReadingState.UNDERLOAD if sign == "-" else ReadingState.OVERLOAD
        return Reading(state, None, unit, net, text)
    if token in fmt.stable:
        state = ReadingState.STABLE
    elif token in fmt.motion:
        state = ReadingState.MOTION
    else:
        raise ScaleProtocolError(f"{fmt.name}: unknown stability {token!r}: {_preview(text)}")
    if sign not in ("", "+", "-"):
        raise ScaleProtocolError(f"{fmt.name}: bad sign {sign!r}: {_preview(text)}")
    number = (groups.get("value") or "").strip()
    if not _NUMBER.fullmatch(number):
        raise ScaleProtocolError(f"{fmt.name}: not a number {number!r}: {_preview(text)}")
    if unit not in UNITS:
        raise ScaleProtocolError(f"{fmt.name}: not a weight unit {unit!r}: {_preview(text)}")
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
        raise ScaleProtocolError(f"{fmt.name}: not a number: {_preview(text)}") from None
    return Reading(state, -value if sign == "-" else value, unit, net, text)


def encode_line(fmt: ContinuousFormat, reading: Reading) -> bytes:
    """Write `reading` as the preset's line, CR LF ended; ValueError for custom formats."""
    if fmt.encoder is None:
        raise ValueError(f"format {fmt.name!r} has no encoder (custom patterns parse only)")
    return fmt.encoder(reading).encode("latin-1") + b"\r\n"


def _preview(text: str) -> str:
    return repr(text[:48]) + ("..." if len(text) > 48 else "")
