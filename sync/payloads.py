"""Build the `data` of every ship event from plain typed values.

Each builder checks its inputs and raises `PayloadError` (a ValueError) naming the field,
and returns a JSON-ready dict: dates as `YYYY-MM-DD`, times as UTC `...T12:34:56.789Z`,
absent values as null (keys are always present, so consumers see one shape).

Personal data never enters an event: the destination is the city, postal code, region and
country (`Place.from_address` keeps only those of a full address), the packer is an opaque
id, and no builder accepts a name, street, phone or email. The schemas in
`resources/schemas/` forbid any other key, so a leak is also refused at validation.
The catalogue is `docs/events.md`.
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


@dataclass(frozen=True, kw_only=True)
class ContentLine:
    """What a parcel holds: one product and how many."""

    sku: str
    title: str
    qty: int


@dataclass(frozen=True, kw_only=True)
class PackedLine:
    """A packed order line, with the lot and serial numbers scanned for it."""

    sku: str
    qty: int
    lot: str | None = None
    serials: Sequence[str] = ()


@dataclass(frozen=True, kw_only=True)
class MissingLine:
    """An order line that could not be packed in full."""

    sku: str
    qty_missing: int


@dataclass(frozen=True, kw_only=True)
class ReturnLine:
    """A returned product and how many arrived."""

    sku: str
    qty: int


@dataclass(frozen=True, kw_only=True)
class InspectedLine:
    """A returned product as inspected: how many, in which condition."""

    sku: str
    qty: int
    condition: str  # "resellable" | "damaged" | "missing"


def shipment_created(
    *, order_id: str, order_number: str, carrier: str, service: str, tracking_number: str,
    tracking_url_template: str | None, ship_date: date,
    estimated_delivery: DeliveryWindow | None, weight_g: float,
    dimensions_mm: Sequence[float] | None, package_index: int, package_count: int,
    sscc: str | None, contents: Sequence[ContentLine], ship_to: Place,
) -> dict[str, Any]:
    """Return the data of `shipment.created`: one parcel handed to its carrier."""
    c = _Check("shipment.created")
    count = c.integer("package_count", package_count, 1, MAX_PACKAGES)
    index = c.integer("package_index", package_index, 1, MAX_PACKAGES)
    if index > count:
        c.fail("package_index", f"{index} is beyond package_count {count}")
    place = c.place("ship_to", ship_to)
    tracking = c.ident("tracking_number", tracking_number)
    return {
        "order_id": c.ident("order_id", order_id),
        "order_number": c.ident("order_number", order_number),
        "carrier": c.ident("carrier", carrier),
        "service": c.ident("service", service),
        "tracking_number": tracking,
        "tracking_url": _tracking_url(c, tracking_url_template, tracking, place),
        "ship_date": c.day("ship_date", ship_date),
        "estimated_delivery": c.estimate("estimated_delivery", estimated_delivery),
        "weight_g": c.number("weight_g", weight_g, MAX_WEIGHT_G),
        "dimensions_mm": c.dimensions("dimensions_mm", dimensions_mm),
        "package_index": index,
        "package_count": count,
        "sscc": c.sscc("sscc", sscc),
        "contents": c.lines("contents", contents, ContentLine, lambda p, x: {
            "sku": c.ident(f"{p}.sku", x.sku),
            "title": c.text(f"{p}.title", x.title, TITLE_MAX, required=False),
            "qty": c.integer(f"{p}.qty", x.qty, 1, MAX_QTY),
        }),
        "ship_to": place,
    }


def order_packed(
    *, order_id: str, order_number: str, packed_at: datetime, station_id: str,
    packer_id: str, package_count: int, lines: Sequence[PackedLine],
) -> dict[str, Any]:
    """Return the data of `order.packed`: every line verified and every parcel accepted."""
    c = _Check("order.packed")

    def line(p: str, x: PackedLine) -> dict[str, Any]:
        qty = c.integer(f"{p}.qty", x.qty, 1, MAX_QTY)
        if isinstance(x.serials, str) or not isinstance(x.serials, Sequence):
            c.fail(f"{p}.serials", "must be a list of serial numbers")
        serials = [c.ident(f"{p}.serials[{i}]", s) for i, s in enumerate(x.serials)]
        if serials and len(serials) != qty:
            c.fail(f"{p}.serials", f"{len(serials)} serial numbers for qty {qty}")
        if len(set(serials)) != len(serials):
            c.fail(f"{p}.serials", "a serial number appears twice")
        lot = None if x.lot is None else c.ident(f"{p}.lot", x.lot)
        return {"sku": c.ident(f"{p}.sku", x.sku), "qty": qty, "lot": lot, "serials": serials}

    return {
        "order_id": c.ident("order_id", order_id),
        "order_number": c.ident("order_number", order_number),
        "packed_at": c.moment("packed_at", packed_at),
        "station_id": c.ident("station_id", station_id),
        "packer_id": c.ident("packer_id", packer_id),
        "package_count": c.integer("package_count", package_count, 1, MAX_PACKAGES),
        "lines": c.lines("lines", lines, PackedLine, line),
    }


def shipment_voided(
    *, order_id: str, tracking_number: str, package_index: int, reason: str,
    voided_at: datetime,
) -> dict[str, Any]:
    """Return the data of `shipment.voided`: a label that must not ship."""
    c = _Check("shipment.voided")
    return {
        "order_id": c.ident("order_id", order_id),
        "tracking_number": c.ident("tracking_number", tracking_number),
        "package_index": c.integer("package_index", package_index, 1, MAX_PACKAGES),
        "reason": c.text("reason", reason, REASON_MAX),
        "voided_at": c.moment("voided_at", voided_at),
    }


def order_exception(
    *, order_id: str, order_number: str, kind: str, reason: str, detected_at: datetime,
    customer_impact: str, lines: Sequence[MissingLine] | None = None,
    revised_estimated_delivery: DeliveryWindow | None = None,
) -> dict[str, Any]:
    """Return the data of `order.exception`: an order that cannot ship as planned."""
    c = _Check("order.exception")
    impact = c.choice("customer_impact", customer_impact, CUSTOMER_IMPACTS)
    if impact == "none" and revised_estimated_delivery is not None:
        c.fail("revised_estimated_delivery", "given, but customer_impact is 'none'")
    affected = None if lines is None else c.lines(
        "lines", lines, MissingLine, lambda p, x: {
            "sku": c.ident(f"{p}.sku", x.sku),
            "qty_missing": c.integer(f"{p}.qty_missing", x.qty_missing, 1, MAX_QTY),
        })
    return {
        "order_id": c.ident("order_id", order_id),
        "order_number": c.ident("order_number", order_number),
        "kind": c.choice("kind", kind, EXCEPTION_KINDS),
        "reason": c.text("reason", reason, REASON_MAX),
        "lines": affected,
        "detected_at": c.moment("detected_at", detected_at),
        "customer_impact": impact,
        "revised_estimated_delivery": c.estimate(
            "revised_estimated_delivery", revised_estimated_delivery),
    }


def return_received(
    *, order_id: str, return_id: str, received_at: datetime, lines: Sequence[ReturnLine],
) -> dict[str, Any]:
    """Return the data of `return.received`: a return parcel arrived and was counted."""
    c = _Check("return.received")
    return {
        "order_id": c.ident("order_id", order_id),
        "return_id": c.ident("return_id", return_id),
        "received_at": c.moment("received_at", received_at),
        "lines": c.lines("lines", lines, ReturnLine, lambda p, x: {
            "sku": c.ident(f"{p}.sku", x.sku), "qty": c.integer(f"{p}.qty", x.qty, 1, MAX_QTY),
        }),
    }


def return_inspected(
    *, order_id: str, return_id: str, inspected_at: datetime, lines: Sequence[InspectedLine],
    refund_recommended: bool,
) -> dict[str, Any]:
    """Return the data of `return.inspected`: each returned unit's condition is known."""
    c = _Check("return.inspected")
    if not isinstance(refund_recommended, bool):
        c.fail("refund_recommended", f"must be true or false, got {refund_recommended!r}")
    return {
        "order_id": c.ident("order_id", order_id),
        "return_id": c.ident("return_id", return_id),
        "inspected_at": c.moment("inspected_at", inspected_at),
        "lines": c.lines("lines", lines, InspectedLine, lambda p, x: {
            "sku": c.ident(f"{p}.sku", x.sku),
            "qty": c.integer(f"{p}.qty", x.qty, 1, MAX_QTY),
            "condition": c.choice(f"{p}.condition", x.condition, CONDITIONS),
        }),
        "refund_recommended": refund_recommended,
    }


def check_tracking_url_template(template: str) -> None:
    """Raise `PayloadError` unless `template` is an http(s) URL using only known fields."""
    _parse_template(template)


def fill_tracking_url(template: str, *, tracking: str, postal_code: str | None = None,
                      country: str | None = None) -> str:
    """Return the tracking URL: `{tracking}`, `{postal_code}`, `{country}` percent-encoded."""
    values = {"tracking": tracking, "postal_code": postal_code or "", "country": country or ""}
    return "".join(text + ("" if name is None else quote(values[name], safe=""))
                   for text, name in _parse_template(template))


# --------------------------------------------------------------------- helpers
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


def _tracking_url(c: _Check, template: str | None, tracking: str,
                  place: dict[str, Any]) -> str | None:
    if template is None or template == "":
        return None
    try:
        url = fill_tracking_url(template, tracking=tracking, postal_code=place["postal_code"],
                                country=place["country"])
    except PayloadError as exc:
        c.fail("tracking_url_template", str(exc))
    if len(url) > URL_MAX:
        c.fail("tracking_url", f"longer than {URL_MAX} characters")
    return url


class _Check:
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

