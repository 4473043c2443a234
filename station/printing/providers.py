"""Get a parcel's shipping label and tracking number: made here, or supplied by a backend.

A `LabelProvider` turns a `LabelRequest` into a `ProvidedLabel` (ZPL bytes of one label
plus its tracking number). Two are built in:

- `OfflineLabelProvider` numbers the parcel itself with a UPU S10 identifier (serial from
  an injected allocator, e.g. a database sequence, so numbers survive restarts and are
  never reused) and renders the label with `render_label`.
- `SuppliedLabelProvider` passes on the label a backend sent with the order (a carrier's
  ZPL and tracking number), unchanged, after checking that it is one well-formed
  `^XA...^XZ` format.

Both raise `LabelProviderError` (a `LabelError`) when they cannot give a label.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from drivers.label_printer.errors import LabelJobError
from drivers.label_printer.protocol import split_formats
from station.printing.label import LABEL_DOTS, Address, LabelData, render_label
from station.printing.templates import LabelError
from station.printing.tracking import s10

__all__ = [
    "LabelProvider",
    "LabelProviderError",
    "LabelRequest",
    "OfflineLabelProvider",
    "ProvidedLabel",
    "SuppliedLabelProvider",
]

_SUPPLIED_TRACKING = re.compile(r"[\x21-\x7e]{1,64}")


class LabelProviderError(LabelError):
    """A provider cannot give a label for this request."""


@dataclass(frozen=True, slots=True)
class LabelRequest:
    """What a label is asked for with: LabelData without the tracking number.

    `supplied_zpl` / `supplied_tracking` carry a label that came with the order.
    """

    ship_from: Address
    ship_to: Address
    carrier: str
    service: str
    order_number: str
    package_index: int
    package_count: int
    weight_g: int
    sscc: str
    reference: str = ""
    notes: str = ""
    supplied_zpl: bytes | str | None = None
    supplied_tracking: str | None = None

    def label_data(self, tracking_number: str) -> LabelData:
        """Return the LabelData for this request with `tracking_number`."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(LabelData)
                  if f.name != "tracking_number"}
        return LabelData(tracking_number=tracking_number, **fields)


@dataclass(frozen=True, slots=True)
class ProvidedLabel:
    """A label ready to print: one ZPL format and the tracking number it carries."""

    tracking_number: str
    zpl: bytes
    carrier: str
    service: str
    provider: str


@runtime_checkable
class LabelProvider(Protocol):
    """Anything that gives a label for a request."""

    name: str

    def create(self, request: LabelRequest) -> ProvidedLabel:
        """Return the label for `request`; raise LabelProviderError if there is none."""
        ...


class OfflineLabelProvider:
    """Number parcels with S10 identifiers and render their labels locally."""

    def __init__(
        self,
        next_serial: Callable[[], int],
        *,
        tracking_service: str = "PB",
        country: str = "DE",
        dpi: int = 203,
        template: str = "shipping_4x6",
        brand: str = "",
        channel: str = "",
        templates_dir: str | Path | None = None,
        name: str = "offline",
    ) -> None:
        try:  # refuse a bad service or country now, not on every label
            s10(tracking_service, 0, country)
        except ValueError as exc:
            raise LabelProviderError(str(exc)) from exc
        if dpi not in LABEL_DOTS:
            raise LabelProviderError(f"dpi must be one of {sorted(LABEL_DOTS)}, not {dpi!r}")
        self.name = name
        self._next_serial = next_serial
        self._service, self._country = tracking_service, country
        self._render = {"dpi": dpi, "template": template, "brand": brand,
                        "channel": channel, "templates_dir": templates_dir}

    def create(self, request: LabelRequest) -> ProvidedLabel:
        """Allocate the next serial, make its S10 number and render the label."""
        serial = self._next_serial()
        try:
            tracking = s10(self._service, serial, self._country)
        except ValueError as exc:
            raise LabelProviderError(f"serial allocator gave {serial!r}: {exc}") from exc
        try:
            zpl = render_label(request.label_data(tracking), **self._render)
        except LabelError as exc:
            raise LabelProviderError(f"cannot render the label for {tracking}: {exc}") from exc
        return ProvidedLabel(tracking_number=tracking, zpl=zpl, carrier=request.carrier,
                             service=request.service, provider=self.name)


class SuppliedLabelProvider:
    """Pass on the label a backend supplied with the order, unchanged."""

    def __init__(self, *, name: str = "supplied") -> None:
        self.name = name

    def create(self, request: LabelRequest) -> ProvidedLabel:
        """Check and return the supplied label; raise LabelProviderError if it is unusable."""
        zpl, tracking = request.supplied_zpl, request.supplied_tracking
        if zpl is None or tracking is None:
            raise LabelProviderError(f"order {request.order_number}: no supplied label and "
                                     f"tracking number")
        if not isinstance(tracking, str) or not _SUPPLIED_TRACKING.fullmatch(tracking):
            raise LabelProviderError(f"supplied tracking number must be 1-64 printable ASCII "
                                     f"characters, not {tracking!r}")
        if not isinstance(zpl, (bytes, bytearray, str)):
            raise LabelProviderError(f"supplied label must be ZPL bytes or text, not "
                                     f"{type(zpl).__name__}")
        data = zpl.encode("utf-8") if isinstance(zpl, str) else bytes(zpl)
        try:
            formats = split_formats(data)
        except LabelJobError as exc:
            raise LabelProviderError(f"supplied label is not well-formed ZPL: {exc}") from exc
        if len(formats) != 1:
            raise LabelProviderError(f"supplied label has {len(formats)} formats, not one")
        return ProvidedLabel(tracking_number=tracking, zpl=data, carrier=request.carrier,
                             service=request.service, provider=self.name)
