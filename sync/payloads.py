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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sync.payload_checks import (
    CONDITIONS,
    CUSTOMER_IMPACTS,
    EXCEPTION_KINDS,
    ID_PATTERN,
    MAX_PACKAGES,
    MAX_QTY,
    MAX_WEIGHT_G,
    REASON_MAX,
    TITLE_MAX,
    URL_MAX,
    Check,
    DeliveryWindow,
    Estimate,
    PayloadError,
    Place,
    check_tracking_url_template,
    fill_tracking_url,
)

# The names callers use; the checking half lives in `sync.payload_checks`.
__all__ = [
    "ID_PATTERN", "ContentLine", "DeliveryWindow", "Estimate", "InspectedLine", "MissingLine",
    "PackedLine", "PayloadError", "Place", "ReturnLine", "check_tracking_url_template",
    "fill_tracking_url", "order_exception", "order_packed", "return_inspected",
    "return_received", "shipment_created", "shipment_voided",
]


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
    c = Check("shipment.created")
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
    c = Check("order.packed")

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
    c = Check("shipment.voided")
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
    c = Check("order.exception")
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
    c = Check("return.received")
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
    c = Check("return.inspected")
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


# --------------------------------------------------------------------- helpers
def _tracking_url(c: Check, template: str | None, tracking: str,
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
