"""Render every label template with a third-party ZPL renderer and read the barcodes back.

zplkit (an offline ZPL renderer with a ZD621 profile) draws the label; zxing-cpp decodes it.
For every packaged template, at 203 and 300 dpi, with ordinary, long and non-Latin values:

- the raster is exactly 4 x 6 in (812 x 1218 / 1218 x 1827 dots);
- the tracking number reads back as Code 128 (`]C0`) and the SSCC as GS1-128 (`]C1`,
  `00` + SSCC as plain text, `(00)` + SSCC as zxing's HRI);
- nothing is drawn outside the label or its 2 mm margin: the label is rendered again on a
  larger canvas without ^PW/^LL, and the ink must be identical and inside;
- every field, rendered alone, stays inside its own box (text inside its ^FB block, which
  never needs to wrap or overprint), and no two fields overlap: text by its whole block,
  barcodes with their quiet zones.
"""

from __future__ import annotations

import dataclasses
import re
from itertools import combinations

import numpy as np
import pytest
import zplkit
import zxingcpp

from station.printing.label import LABEL_DOTS, render_label
from station.printing.templates import label_templates
from tests.unit import test_label_render as samples

KNOWN_WARNING = "Resident fonts use captured bitmap strikes"
CASES = {
    **samples.CASES,
    "numeric": dataclasses.replace(samples.SAMPLE, tracking_number="9" * 30,
                                   sscc="000000000000000000"),
    "bare": dataclasses.replace(
        samples.SAMPLE, reference="", notes="", service="", carrier="X", package_index=1,
        package_count=1, weight_g=0, tracking_number="Z",
        ship_to=samples.Address("Ёжик Łódź 中文", "", "", "", "")),
}
TEMPLATES = label_templates()
LABELS = [(ref, case, dpi) for ref in TEMPLATES for case in CASES for dpi in (203, 300)]
IDS = [f"{r.brand or 'default'}-{r.name}-{c}-{d}" for r, c, d in LABELS]
_FIELD = re.compile(rb"\^FO(\d+),(\d+)")
_BLOCK = re.compile(rb"\^A([A-Z0-9])N,(\d+),(\d+)\^FB(\d+),(\d+),(-?\d+),")


def render(zpl: bytes, dpi: int, width: int | None = None, height: int | None = None):
    doc = zplkit.render(zpl, zplkit.Options(profile="zd621", dpi=dpi, width=width,
                                            height=height))
    assert all(w.startswith(KNOWN_WARNING) for w in doc.warnings), doc.warnings
    (scene,) = doc.labels
    raster = scene.rasterize()
    return np.frombuffer(raster.pixels, dtype=np.uint8).reshape(raster.height, raster.width)


def ink_box(img: np.ndarray) -> tuple[int, int, int, int] | None:
    """Return (x0, y0, x1, y1) of the dark dots, exclusive end, or None if blank."""
    ys, xs = np.nonzero(img < 128)
    if not len(xs):
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


@pytest.fixture(scope="module", params=LABELS, ids=IDS)
def label(request):
    ref, case, dpi = request.param
    data = CASES[case]
    zpl = render_label(data, dpi=dpi, template=ref.name, brand=ref.brand, channel=ref.channel)
    return data, dpi, zpl


def test_raster_is_exactly_4_by_6_inches(label) -> None:
    _, dpi, zpl = label
    img = render(zpl, dpi)
    assert img.shape[::-1] == LABEL_DOTS[dpi]


def test_tracking_and_sscc_read_back(label) -> None:
    data, dpi, zpl = label
    img = render(zpl, dpi)
    plain = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.Code128,
                                   text_mode=zxingcpp.TextMode.Plain)
    got = sorted((b.position.top_left.y, b.symbology_identifier, b.text) for b in plain)
    assert [(sym, text) for _, sym, text in got] == [
        ("]C0", data.tracking_number), ("]C1", "00" + data.sscc)]
    hri = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.Code128)
    gs1 = [b for b in hri if b.symbology_identifier == "]C1"]
    assert [b.text for b in gs1] == [f"(00){data.sscc}"]
    assert gs1[0].content_type == zxingcpp.ContentType.GS1


def test_nothing_is_drawn_outside_the_label(label) -> None:
    _, dpi, zpl = label
    width, height = LABEL_DOTS[dpi]
    img = render(zpl, dpi)
    unclipped = re.sub(rb"\^(PW|LL)\d+\n?", b"", zpl)
    big = render(unclipped, dpi, width + 400, height + 400)
    assert (big[height:, :] >= 128).all() and (big[:, width:] >= 128).all()
    assert np.array_equal(big[:height, :width], img)  # the printer clips nothing away
    margin = 2 * {203: 8, 300: 12}[dpi]
    x0, y0, x1, y1 = ink_box(img)
    assert x0 >= margin and y0 >= margin and x1 <= width - margin and y1 <= height - margin


def fields(zpl: bytes) -> list[bytes]:
    """Split a label into its fields, each `^FO...` up to its `^FS`."""
    return [chunk[chunk.index(b"^FO"):] + b"^FS" for chunk in zpl.split(b"^FS")
            if b"^FO" in chunk]


def field_box(field: bytes, dpi: int, width: int, height: int):
    box = ink_box(render(b"^XA^CI28" + field + b"^XZ", dpi, width + 400, height + 400))
    assert box is not None, f"field draws nothing: {field!r}"
    by = re.search(rb"\^BY(\d+)", field)
    if by:  # barcodes keep a 10-module quiet zone left and right
        q = 10 * int(by[1])
        box = (box[0] - q, box[1], box[2] + q, box[3])
    return box


def test_every_field_stays_in_its_box_and_off_the_others(label) -> None:
    _, dpi, zpl = label
    width, height = LABEL_DOTS[dpi]
    boxes = []
    for field in fields(zpl):
        box = field_box(field, dpi, width, height)
        x, y = map(int, _FIELD.match(field).groups())
        assert box[0] >= 0 and box[2] <= width and box[3] <= height, field
        block = _BLOCK.search(field)
        if block:
            h, w_, lines, gap = (int(block[i]) for i in (2, 4, 5, 6))
            assert x <= box[0] and box[2] <= x + w_, f"text wider than its block: {field!r}"
            assert y <= box[1] and box[3] <= y + lines * (h + gap) - gap, field
            # ^FB never had to wrap or cut: left-justified, more room changes nothing
            left = re.sub(rb"(\^FB\d+,\d+,-?\d+,)[LCR]", rb"\1L", field)
            roomy = left.replace(b"^FB%d,%d," % (w_, lines), b"^FB%d,99," % (w_ * 2))
            assert field_box(roomy, dpi, width, height) == field_box(left, dpi, width,
                                                                     height), field
            # a block claims all its room, whatever this label's text happens to fill
            box = (x, y, x + w_, y + lines * (h + gap) - gap)
            assert box[2] <= width and box[3] <= height, field
        boxes.append((field, box))
    for (fa, a), (fb, b) in combinations(boxes, 2):
        if b"^FR" in fa or b"^FR" in fb:  # reversed text is printed on its bar on purpose
            continue
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, f"fields overlap:\n{fa!r} {a}\n{fb!r} {b}"


def test_every_template_is_covered() -> None:
    assert {(r.brand, r.name) for r in TEMPLATES} >= {("", "shipping_4x6"),
                                                      ("acme", "shipping_4x6")}
