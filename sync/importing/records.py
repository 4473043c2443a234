"""Define what one product, order or box-type record of an import file must look like.

Types are strict (a JSON string is never taken for a number); CSV cells are converted to
typed values before they get here (see `csvmap`). Lengths match the database columns so
SQLite and PostgreSQL accept and refuse the same files.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from drivers.label_printer.errors import LabelJobError
from drivers.label_printer.protocol import split_formats

_CONFIG = ConfigDict(
    extra="forbid", strict=True, str_strip_whitespace=True, allow_inf_nan=False, frozen=True
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_COUNTRY = re.compile(r"[A-Za-z]{2}")


def _text(max_length: int, *, min_length: int = 1):
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length)]


def _url(value: str) -> str:
    parts = urlsplit(value)
    if value and (parts.scheme.lower() not in ("http", "https") or not parts.netloc
                  or any(ch.isspace() for ch in value)):
        raise ValueError("must be an http:// or https:// URL")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("must be an email address like name@example.com")
    return value


def _country(value: str) -> str:
    if not _COUNTRY.fullmatch(value):
        raise ValueError("must be a 2-letter ISO 3166 country code like DE or US")
    return value.upper()


def _dimensions(value: list[float] | None) -> list[float] | None:
    if value is not None and len(value) != 3:
        raise ValueError("must be three numbers: [length, width, height]")
    return value


def _none_if_empty(value: str | None) -> str | None:
    return value or None


Url = Annotated[str, StringConstraints(max_length=500), AfterValidator(_url)]
LongUrl = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_url)]
Dimensions = Annotated[
    list[Annotated[float, Field(gt=0)]] | None, AfterValidator(_dimensions)
]
OptionalId = Annotated[_text(64, min_length=0) | None, AfterValidator(_none_if_empty)]


class ProductRecord(BaseModel):
    """One catalogue product."""

    model_config = _CONFIG

    sku: _text(64)
    title: _text(300)
    barcodes: list[_text(128)] = Field(min_length=1)
    unit_weight_g: float = Field(gt=0)
    dimensions_mm: Dimensions = None
    category: _text(100, min_length=0) | None = None
    fragile: bool | None = None
    requires_serial: bool | None = None
    requires_lot: bool | None = None
    image_url: Url | None = None


class BoxTypeRecord(BaseModel):
    """One box (or bag) a packer can choose; `tare_g` is its empty weight."""

    model_config = _CONFIG

    code: _text(32)
    name: _text(100)
    tare_g: float = Field(ge=0)
    dimensions_mm: Dimensions = None


class Customer(BaseModel):
    model_config = _CONFIG

    first_name: _text(100)
    last_name: _text(100, min_length=0)
    email: Annotated[_text(254), AfterValidator(_email)]


class ShipTo(BaseModel):
    model_config = _CONFIG

    name: _text(200)
    street: _text(300)
    city: _text(100)
    postal_code: _text(20, min_length=0)
    region: _text(100, min_length=0)
    country: Annotated[str, AfterValidator(_country)]


class Insert(BaseModel):
    """The packing-slip insert: a message and links printed as QR codes."""

    model_config = _CONFIG

    message: _text(2000, min_length=0) = ""
    review_url: LongUrl = ""
    returns_url: LongUrl = ""


def _no_empty_insert(value: Insert | None) -> Insert | None:
    # An all-empty insert is no insert, so JSON `{}` and empty CSV cells hash the same.
    return value if value and (value.message or value.review_url or value.returns_url) else None


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2026-12-24") from None
    if len(value) != 10:
        raise ValueError(f"{value!r} is not a date like 2026-12-24")
    return value


def _zpl_label(value: str) -> str:
    try:
        split_formats(value)
    except LabelJobError as exc:
        raise ValueError(f"not a ZPL label: {exc}") from None
    return value


class DeliveryWindow(BaseModel):
    """A delivery estimate given by the carrier or the backend (ISO dates)."""

    model_config = _CONFIG

    earliest: Annotated[str, AfterValidator(_iso_date)]
    latest: Annotated[str, AfterValidator(_iso_date)]

    @model_validator(mode="after")
    def _ordered(self) -> DeliveryWindow:
        if self.latest < self.earliest:
            raise ValueError("latest is before earliest")
        return self


class SuppliedLabel(BaseModel):
    """A shipping label the backend made for one parcel of the order."""

    model_config = _CONFIG

    estimated_delivery: DeliveryWindow | None = None  # the carrier's, for this parcel
    tracking_number: _text(64)
    zpl: Annotated[str, StringConstraints(min_length=6, max_length=500_000),
                   AfterValidator(_zpl_label)]


class LineRecord(BaseModel):
    model_config = _CONFIG

    line_id: _text(64)
    sku: _text(64)
    qty: int = Field(gt=0, le=100_000)
    lot: OptionalId = None


class OrderRecord(BaseModel):
    """One order with its lines, as the warehouse system sends it."""

    model_config = _CONFIG

    order_id: _text(64)
    order_number: _text(64)
    customer: Customer
    ship_to: ShipTo
    carrier: _text(64)
    service: _text(64)
    lines: list[LineRecord] = Field(min_length=1)
    insert: Annotated[Insert | None, AfterValidator(_no_empty_insert)] = None
    pick_list_id: OptionalId = None
    tote_id: OptionalId = None
    brand: _text(64, min_length=0) = ""
    channel: _text(64, min_length=0) = ""
    labels: list[SuppliedLabel] = Field(default_factory=list, max_length=99)
    estimated_delivery: DeliveryWindow | None = None  # the backend's, for the whole order
