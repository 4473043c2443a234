"""Render a 4 x 6 inch shipping label as one ZPL II format from a Jinja2 template.

`render_label(data)` checks the data, picks the template (lookup order in
`station.printing.templates`), renders it at 203 or 300 dpi (812 x 1218 or 1218 x 1827 dots;
the template is written in 203-dpi dots and scaled) and returns the UTF-8 bytes of exactly
one `^XA ... ^XZ` format (`^CI28`), checked with `drivers.label_printer.protocol`.

What a template gets (besides the helpers described in `templates`):

    data            the LabelData itself
    ship_from       list of address lines, ship_to likewise (empty parts left out)
    carrier, service, order_number, reference, notes      strings
    package         "n of m"           weight     "1.24 kg" (grams, half up to 10 g)
    tracking        the tracking number (Code 128 data)
    sscc, sscc_data, sscc_hri          "1061...", "00" + SSCC, "(00) 1061..."
    dpi, width, height                 the dpi and the label size in dots at that dpi
    design_width, design_height        812 and 1218: the 203-dpi size templates are drawn in
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import jinja2

from drivers.label_printer.errors import LabelJobError
from drivers.label_printer.protocol import split_formats
from station.printing.gs1_ids import sscc_element_string, sscc_hri, validate_sscc
from station.printing.templates import (
    LabelError,
    LabelTemplateError,
    select_label_template,
)

__all__ = ["LABEL_DOTS", "Address", "LabelData", "format_weight", "render_label"]

DESIGN_WIDTH, DESIGN_HEIGHT = 812, 1218  # 4 x 6 in at 8 dots/mm
LABEL_DOTS = {203: (812, 1218), 300: (1218, 1827)}
MAX_TRACKING = 30  # what fits as Code 128 at 2-dot modules in the worst case
_TRACKING = re.compile(rf"[0-9A-Za-z]{{1,{MAX_TRACKING}}}")


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as printed; `country` is an ISO 3166-1 alpha-2 code or a name."""

    name: str
    street: str
    city: str
    postal_code: str
    country: str
    street2: str = ""
    region: str = ""

    def lines(self) -> list[str]:
        """Return the printed lines: name, street(s), postal code and city, region, country.

        Each is its own paragraph, so a long name or street is shortened before the city
        or the country is (see `templates.fit_lines`).
        """
        place = " ".join(p for p in (self.postal_code.strip(), self.city.strip()) if p)
        parts = (self.name, self.street, self.street2, place, self.region, self.country)
        return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True, slots=True)
class LabelData:
    """Everything printed on one parcel's shipping label."""

    ship_from: Address
    ship_to: Address
    carrier: str
    service: str
    order_number: str
    package_index: int  # 1-based
    package_count: int
    weight_g: int
    tracking_number: str
    sscc: str  # "" when the shipper has no GS1 company prefix: the label then has no SSCC
    reference: str = ""
    notes: str = ""


def format_weight(weight_g: int) -> str:
    """Return grams as kilograms with two decimals, rounded half up: 1235 -> "1.24 kg"."""
    kg = (Decimal(weight_g) / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{kg} kg"


def _int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LabelError(f"{name} must be an int, not {value!r}")
    return value


def check_label_data(data: LabelData) -> None:
    """Raise LabelError if `data` cannot be printed as a valid label."""
    count, index = _int("package_count", data.package_count), _int("package_index",
                                                                   data.package_index)
    if not 1 <= index <= count:
        raise LabelError(f"package {index} of {count}: the index must be 1..count")
    if not 0 <= _int("weight_g", data.weight_g) <= 10_000_000:
        raise LabelError(f"weight_g must be 0..10000000, not {data.weight_g}")
    if not isinstance(data.tracking_number, str) or not _TRACKING.fullmatch(
            data.tracking_number):
        raise LabelError(f"tracking number must be 1-{MAX_TRACKING} letters and digits, "
                         f"not {data.tracking_number!r}")
    if data.sscc and not validate_sscc(data.sscc):
        raise LabelError(f"not a valid SSCC (18 digits, GS1 check digit): {data.sscc!r}")
    for who in (data.ship_from, data.ship_to):
        if not isinstance(who, Address) or not who.lines():
            raise LabelError(f"ship_from and ship_to must be non-empty Addresses, not {who!r}")


def label_context(data: LabelData, dpi: int) -> dict[str, object]:
    """Return the variables a label template sees (module docstring)."""
    width, height = LABEL_DOTS[dpi]
    return {
        "data": data, "ship_from": data.ship_from.lines(), "ship_to": data.ship_to.lines(),
        "carrier": data.carrier, "service": data.service, "order_number": data.order_number,
        "reference": data.reference, "notes": data.notes,
        "package": f"{data.package_index} of {data.package_count}",
        "weight": format_weight(data.weight_g), "tracking": data.tracking_number,
        "sscc": data.sscc,
        "sscc_data": sscc_element_string(data.sscc) if data.sscc else "",
        "sscc_hri": sscc_hri(data.sscc) if data.sscc else "",
        "dpi": dpi, "width": width, "height": height,
        "design_width": DESIGN_WIDTH, "design_height": DESIGN_HEIGHT,
    }


def render_label(data: LabelData, *, dpi: int = 203, template: str = "shipping_4x6",
                 brand: str = "", channel: str = "",
                 templates_dir: str | Path | None = None) -> bytes:
    """Return one `^XA...^XZ` label for `data`; raise LabelError (or LabelTemplateError)."""
    if dpi not in LABEL_DOTS:
        raise LabelError(f"dpi must be one of {sorted(LABEL_DOTS)}, not {dpi!r}")
    check_label_data(data)
    tmpl = select_label_template(template, brand, channel, templates_dir)
    try:
        text = tmpl.render(label_context(data, dpi))
    except LabelError:
        raise
    except jinja2.TemplateError as exc:
        raise LabelTemplateError(f"label template {tmpl.name}: {exc}") from exc
    zpl = "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"
    raw = zpl.encode("utf-8")
    try:
        formats = split_formats(raw)
    except LabelJobError as exc:
        raise LabelTemplateError(f"label template {tmpl.name}: {exc}") from exc
    if len(formats) != 1:
        raise LabelTemplateError(f"label template {tmpl.name} made {len(formats)} formats")
    width, height = LABEL_DOTS[dpi]
    if f"^PW{width}".encode() not in raw or f"^LL{height}".encode() not in raw:
        raise LabelTemplateError(f"label template {tmpl.name} must set ^PW{{{{ 812|d }}}} "
                                 f"and ^LL{{{{ 1218|d }}}} ({width} x {height} at {dpi} dpi)")
    return raw
