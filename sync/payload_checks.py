"""Check the values that go into ship events; fill tracking URL templates.

`Check` validates one event type's inputs and raises `PayloadError` (a ValueError) naming
the event and the field. The limits and patterns are the same as the JSON Schemas' in
`resources/schemas/`. `Place` and `Estimate` are the typed values the builders in
`sync.payloads` take.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NoReturn, Protocol
from urllib.parse import quote

from station.domain.barcodes import gs1_check_digit

ID_MAX = 64
TITLE_MAX = 300
REASON_MAX = 500
CITY_MAX = 100
POSTAL_CODE_MAX = 20
REGION_MAX = 100
URL_MAX = 2000
MAX_PACKAGES = 999
MAX_QTY = 100_000
MAX_LINES = 1000
MAX_WEIGHT_G = 1_000_000
MAX_DIMENSION_MM = 10_000
# An id: no control characters, no whitespace at either end. The schemas use the same text.
ID_PATTERN = (r"^[^\s\u0000-\u001f\u007f](?:[^\u0000-\u001f\u007f]*"
              r"[^\s\u0000-\u001f\u007f])?$")
COUNTRY_PATTERN = r"^[A-Z]{2}$"
SSCC_PATTERN = r"^[0-9]{18}$"
ESTIMATE_SOURCES = ("computed", "carrier", "backend")
EXCEPTION_KINDS = ("short_pick", "damaged", "hold", "cancelled", "other")
CUSTOMER_IMPACTS = ("delay", "none")
CONDITIONS = ("resellable", "damaged", "missing")
TRACKING_URL_FIELDS = ("tracking", "postal_code", "country")

_ID = re.compile(ID_PATTERN)
_COUNTRY = re.compile(COUNTRY_PATTERN)
_SSCC = re.compile(SSCC_PATTERN)


class PayloadError(ValueError):
    """An event payload input that is missing, malformed or out of range."""


class DeliveryWindow(Protocol):
    """A delivery estimate: `station.domain.edd.Edd` is one."""

    earliest: date
    latest: date
    source: str


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """A delivery window and where it comes from ("computed", "carrier", "backend")."""

    earliest: date
    latest: date
    source: str = "computed"


@dataclass(frozen=True, kw_only=True)
class Place:
    """Where a parcel goes, at city level: never a street, name or contact."""

    city: str
    country: str  # ISO 3166 alpha-2
    postal_code: str | None = None
    region: str | None = None

    @classmethod
    def from_address(cls, address: Mapping[str, Any]) -> Place:
        """Return the city-level part of a full address; every other key is dropped."""
        def text(key: str) -> str | None:
            value = address.get(key)
            return value.strip() or None if isinstance(value, str) else value

        return cls(city=text("city") or "", country=(text("country") or "").upper(),
                   postal_code=text("postal_code"), region=text("region"))


def check_tracking_url_template(template: str) -> None:
    """Raise `PayloadError` unless `template` is an http(s) URL using only known fields."""
    _parse_template(template)


def fill_tracking_url(template: str, *, tracking: str, postal_code: str | None = None,
                      country: str | None = None) -> str:
    """Return the tracking URL: `{tracking}`, `{postal_code}`, `{country}` percent-encoded."""
    values = {"tracking": tracking, "postal_code": postal_code or "", "country": country or ""}
    return "".join(text + ("" if name is None else quote(values[name], safe=""))
                   for text, name in _parse_template(template))


def _parse_template(template: str) -> list[tuple[str, str | None]]:
    if not isinstance(template, str) or not re.match(r"https?://\S+$", template):
        raise PayloadError(f"tracking URL template {template!r}: must be an http(s) URL "
                           "without spaces")
    known = ", ".join("{" + f + "}" for f in TRACKING_URL_FIELDS)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise PayloadError(f"tracking URL template {template!r}: {exc}") from None
    pieces: list[tuple[str, str | None]] = []
    for text, name, spec, conversion in parsed:
        if name is not None and (name not in TRACKING_URL_FIELDS or spec or conversion):
            raise PayloadError(f"tracking URL template {template!r}: unknown field "
                               f"{{{name}}} (known: {known})")
        pieces.append((text, name))
    if not any(name == "tracking" for _, name in pieces):
        raise PayloadError(f"tracking URL template {template!r}: has no {{tracking}}")
    return pieces


class Check:
    """Check values for one event type; every failure names the type and the field."""

    def __init__(self, event: str) -> None:
        self.event = event

    def fail(self, where: str, message: str) -> NoReturn:
        raise PayloadError(f"{self.event}: {where}: {message}")

    def ident(self, where: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            self.fail(where, f"must be a non-empty string, got {value!r}")
        if len(value) > ID_MAX:
            self.fail(where, f"longer than {ID_MAX} characters")
        if not _ID.match(value):
            self.fail(where, f"{value!r} has control characters or surrounding spaces")
        return self._unicode(where, value)

    def text(self, where: str, value: Any, limit: int, *, required: bool = True) -> str:
        if not isinstance(value, str):
            self.fail(where, f"must be a string, got {value!r}")
        if required and not re.search(r"\S", value):
            self.fail(where, "must not be empty")
        if len(value) > limit:
            self.fail(where, f"longer than {limit} characters")
        return self._unicode(where, value)

    def choice(self, where: str, value: Any, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.fail(where, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def integer(self, where: str, value: Any, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(where, f"must be a whole number {low}..{high}, got {value!r}")
        return value

    def number(self, where: str, value: Any, high: float) -> float:
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or not 0 < value <= high):
            self.fail(where, f"must be a number above 0 and at most {high}, got {value!r}")
        return value

    def day(self, where: str, value: Any) -> str:
        if not isinstance(value, date) or isinstance(value, datetime):
            self.fail(where, f"must be a date (not a datetime), got {value!r}")
        return value.isoformat()

    def moment(self, where: str, value: Any) -> str:
        if not isinstance(value, datetime) or value.utcoffset() is None:
            self.fail(where, f"must be a timezone-aware datetime, got {value!r}")
        utc = value.astimezone(UTC)
        return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def estimate(self, where: str, value: DeliveryWindow | None) -> dict[str, Any] | None:
        if value is None:
            return None
        earliest = self.day(f"{where}.earliest", getattr(value, "earliest", None))
        latest = self.day(f"{where}.latest", getattr(value, "latest", None))
        if latest < earliest:  # ISO dates compare as dates
            self.fail(where, f"latest {latest} is before earliest {earliest}")
        source = self.choice(f"{where}.source", getattr(value, "source", None),
                             ESTIMATE_SOURCES)
        return {"earliest": earliest, "latest": latest, "source": source}

    def dimensions(self, where: str, value: Sequence[float] | None) -> list[float] | None:
        if value is None:
            return None
        if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 3:
            self.fail(where, f"must be [length, width, height] in mm, got {value!r}")
        return [self.number(f"{where}[{i}]", v, MAX_DIMENSION_MM) for i, v in enumerate(value)]

    def sscc(self, where: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _SSCC.match(value):
            self.fail(where, f"must be 18 digits, got {value!r}")
        if gs1_check_digit(value[:-1]) != int(value[-1]):
            self.fail(where, f"{value!r} has a wrong check digit")
        return value

    def place(self, where: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, Place):
            self.fail(where, "must be a Place (city level; see Place.from_address)")
        country = value.country
        if not isinstance(country, str) or not _COUNTRY.match(country):
            self.fail(f"{where}.country", f"must be an ISO 3166 code like 'DE', got {country!r}")
        return {
            "city": self.text(f"{where}.city", value.city, CITY_MAX),
            "postal_code": self._optional(f"{where}.postal_code", value.postal_code,
                                          POSTAL_CODE_MAX),
            "region": self._optional(f"{where}.region", value.region, REGION_MAX),
            "country": country,
        }

    def lines(self, where: str, values: Any, kind: type, build) -> list[dict[str, Any]]:
        if isinstance(values, str) or not isinstance(values, Sequence) or not values:
            self.fail(where, "must be a non-empty list")
        if len(values) > MAX_LINES:
            self.fail(where, f"more than {MAX_LINES} lines")
        out = []
        for i, value in enumerate(values):
            if not isinstance(value, kind):
                self.fail(f"{where}[{i}]", f"must be a {kind.__name__}, got {value!r}")
            out.append(build(f"{where}[{i}]", value))
        return out

    def _unicode(self, where: str, value: str) -> str:
        try:  # a lone surrogate (undecodable input) cannot be sent as UTF-8 JSON
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(where, f"{value!r} is not valid Unicode")
        return value

    def _optional(self, where: str, value: Any, limit: int) -> str | None:
        return None if value is None else self.text(where, value, limit)

