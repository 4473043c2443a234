"""Previews drawn from print job bytes: read back with zxing-cpp, laid out like the paper.

Labels are real shipping labels from `station.printing.label`; their preview must decode to
the tracking number and SSCC the bytes carry, and be exactly what zplkit rasterises. Inserts
are real inserts from `station.printing.insert`; the QR codes in their preview must decode
to the review and returns URLs, every printed line of the job must be laid out (text the
driver's parser reads from the bytes), with ink inside its box and nowhere else.
"""

from __future__ import annotations

import dataclasses
import os
import random
import zlib
from datetime import UTC, datetime

import numpy as np
import pytest
import zplkit
import zxingcpp
from PIL import Image, ImageChops

from drivers.receipt_printer import ReceiptBuilder
from drivers.receipt_printer.elements import job_text
from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from drivers.receipt_printer.job import parse_job
from drivers.receipt_printer.raster import encode_raster
from station.printing.insert import InsertData, InsertLine, render_insert
from station.printing.label import LABEL_DOTS, render_label
from station.printing.preview import (
    MAX_PREVIEW_DOTS,
    PreviewError,
    layout_escpos,
    render_escpos_preview,
    render_zpl_preview,
)
from tests.unit.test_label_render import CASES

WIDTHS = {"58mm": 384, "80mm": 576}
REVIEW = "https://shop.example/review/ord_9?src=insert"
RETURNS = "https://shop.example/returns/SO-9?name=L%C3%A9a"
INSERT = InsertData(
    order_number="SO-9", order_id="ord_9", customer_first_name="Léa",
    lines=[InsertLine(sku="MUG-1", title="Stoneware mug", qty=2),
           InsertLine(sku="TEE-1", title="Organic T-shirt, size M", qty=1)],
    message="We hope the mug keeps your tea warm for many winters to come.",
    review_url=REVIEW, returns_url=RETURNS, categories=["kitchen"], station_id="ST-07",
    packer_name="Zoë", packed_at=datetime(2025, 3, 14, 16, 5, tzinfo=UTC),
)


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


def dark(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L")) < 128


# ------------------------------------------------------------------------ labels
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("case", sorted(CASES))
def test_label_preview_reads_back_to_the_tracking_number_and_sscc(case: str, dpi: int) -> None:
    data = CASES[case]
    zpl = render_label(data, dpi=dpi)
    image = render_zpl_preview(zpl, dpi)
    assert (image.mode, image.size) == ("L", LABEL_DOTS[dpi])
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128,
                                   text_mode=zxingcpp.TextMode.Plain)
    got = sorted((b.position.top_left.y, b.symbology_identifier, b.text) for b in found)
    assert [(sym, text) for _, sym, text in got] == [
        ("]C0", data.tracking_number), ("]C1", "00" + data.sscc)]
    raster = zplkit.render(zpl, zplkit.Options(profile="zd621", dpi=dpi)).labels[0].rasterize()
    assert image.tobytes() == raster.pixels  # the printer's picture, dot for dot


def test_another_label_gives_another_preview() -> None:
    data = dataclasses.replace(CASES["sample"], tracking_number="PB000000013GB")
    image = render_zpl_preview(render_label(data), 203)
    assert "PB000000013GB" in [b.text for b in zxingcpp.read_barcodes(image)]


def test_label_size_comes_from_pw_ll_else_from_the_caller_or_the_dpi() -> None:
    sized = b"^XA^PW400^LL300^FO20,20^GB100,100,100^FS^XZ"
    bare = b"^XA^FO20,20^GB100,100,100^FS^XZ"
    assert render_zpl_preview(sized, 203, width=900, height=900).size == (400, 300)
    assert render_zpl_preview(bare, 203).size == LABEL_DOTS[203]
    assert render_zpl_preview(bare, 300).size == LABEL_DOTS[300]
    image = render_zpl_preview(bare, 203, width=600, height=200)
    assert image.size == (600, 200)
    ys, xs = np.nonzero(dark(image))
    assert (xs.min(), ys.min(), xs.max(), ys.max()) == (20, 20, 119, 119)


def test_a_payload_of_two_labels_shows_both_one_under_the_other() -> None:
    one = b"^XA^PW200^LL100^FO0,0^GB50,50,50^FS^XZ"
    two = b"^XA^PW300^LL120^FO0,0^GB50,50,50^FS^XZ"
    image = render_zpl_preview(one + b"\n" + two, 203)
    assert image.size == (300, 100 + 24 + 120)
    assert dark(image)[124:174, :50].all() and not dark(image)[100:124].any()


@pytest.mark.parametrize("payload", [
    b"", b"  \r\n", random.Random(3).randbytes(4096), b"Hello, printer", b"^XA^FO10,10",
    b"^XA^PW99999^LL99999^XZ", zlib.compress(b"^XA^FDx^FS^XZ" * 50),
], ids=["empty", "blank", "random", "text", "unterminated", "huge", "compressed"])
def test_a_payload_that_is_no_label_raises_preview_error(payload: bytes) -> None:
    with pytest.raises(PreviewError, match=r"label|ZPL"):
        render_zpl_preview(payload, 203)


# ----------------------------------------------------------------------- inserts
def text_rows(blocks) -> list[str]:
    """Return the printed text of each row of text blocks, top to bottom."""
    rows: dict[int, list] = {}
    for block in blocks:
        if block.kind == "text":
            rows.setdefault(block.box[3], []).append(block)
    return ["".join(b.text for b in sorted(row, key=lambda b: b.box[0])).rstrip()
            for _, row in sorted(rows.items())]


@pytest.mark.parametrize("profile", ["58mm", "80mm"])
def test_insert_preview_scans_to_the_urls_and_lays_out_every_line(profile: str) -> None:
    job = render_insert(INSERT, profile=profile)
    width = WIDTHS[profile]
    image = render_escpos_preview(job, width)
    assert image.mode == "L" and image.width == width
    codes = sorted((b.position.top_left.y, b.text) for b in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode))
    assert [text for _, text in codes] == [REVIEW, RETURNS]

    blocks, height = layout_escpos(job, width)
    assert height == image.height
    printed = [line.rstrip() for line in job_text(parse_job(job)).split("\n")]
    assert text_rows(blocks) == [line for line in printed if line]
    thanks = next(b for b in blocks if b.kind == "text" and b.text == "Thank you, Léa!")
    assert thanks.style.bold and thanks.style.height == 2  # the template's @big / @tall
    x0, y0, x1, y1 = thanks.box
    assert (x1 - x0, y1 - y0) == (12 * thanks.style.width * len(thanks.text), 48)
    assert abs(x0 - (width - x1)) <= 1  # centred
    assert INSERT.customer_first_name in thanks.text

    ink = dark(image)
    inside = np.zeros_like(ink)
    for block in blocks:
        bx0, by0, bx1, by1 = block.box
        inside[by0:by1, bx0:bx1] = True
        if block.kind == "text" and block.text.strip():
            assert ink[by0:by1, bx0:bx1].any(), block.text
    assert not (ink & ~inside).any()  # nothing is drawn where the job prints nothing
    assert [b.kind for b in blocks].count("image") == 2
    assert blocks[-1].kind == "cut"


def test_a_cut_is_a_dashed_line_across_the_paper() -> None:
    image = render_escpos_preview(ReceiptBuilder("58mm").line("slip").cut().build(), 384)
    blocks, _ = layout_escpos(ReceiptBuilder("58mm").line("slip").cut().build(), 384)
    cut = blocks[-1]
    assert cut.kind == "cut" and (cut.box[0], cut.box[2]) == (0, 384)
    row = dark(image)[cut.box[1]]
    edges = np.count_nonzero(np.diff(row.astype(int)))
    assert row.mean() > 0.5 and edges > 30  # dashes: mostly ink, with gaps


def test_unknown_and_undrawn_commands_are_skipped() -> None:
    job = render_insert(INSERT, profile="80mm")
    assert job.startswith(b"\x1b@")
    # ESC DEL (no such command), a drawer kick (ESC p) and a 1-D barcode (GS k): no ink.
    extra = b"\x1b\x7f" + b"\x1bp\x00\x19\xfa" + b"\x1dk\x04CODE39\x00"
    noisy = job[:2] + extra + job[2:]
    clean = render_escpos_preview(job, 576)
    assert ImageChops.difference(render_escpos_preview(noisy, 576), clean).getbbox() is None


def test_size_bold_and_wrapping_follow_the_commands() -> None:
    job = (ReceiptBuilder("58mm").line("AB", width=2, height=2).line("AB")
           .line("AB", bold=True).line("x" * 40).build())
    blocks, _ = layout_escpos(job, 384)
    sizes = [(b.text, b.box[2] - b.box[0], b.box[3] - b.box[1]) for b in blocks]
    assert sizes == [("AB", 48, 48), ("AB", 24, 24), ("AB", 24, 24), ("x" * 32, 384, 24),
                     ("x" * 8, 96, 24)]
    ink = dark(render_escpos_preview(job, 384))
    normal, bold = (ink[b.box[1]:b.box[3], b.box[0]:b.box[2]].sum() for b in blocks[1:3])
    assert bold > normal > 0


def test_native_qr_codes_and_scaled_raster_images_are_drawn() -> None:
    url = "https://shop.example/r/1042"
    job = ReceiptBuilder("58mm").qr(url, native=True, size=6).cut().build()
    image = render_escpos_preview(job, 384)
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [url]
    qr = layout_escpos(job, 384)[0][0]
    assert qr.kind == "image" and abs(qr.box[0] - (384 - qr.box[2])) <= 1

    width_bytes, height, data = encode_raster(Image.new("L", (16, 10), 0))
    header = bytes([width_bytes, 0, height, 0])
    quad = b"\x1b@\x1dv0\x03" + header + data + b"\x1dv0\x00" + header + data
    blocks, total = layout_escpos(quad, 384)
    assert [b.box for b in blocks] == [(0, 0, 32, 20), (0, 20, 16, 30)] and total == 30


@pytest.mark.parametrize("payload", [
    b"", random.Random(7).randbytes(4096), random.Random(8).randbytes(512),
    zlib.compress(random.Random(9).randbytes(2048))
], ids=["empty", "random-4k", "random-512", "compressed"])
def test_a_payload_that_is_no_job_raises_preview_error(payload: bytes) -> None:
    with pytest.raises(PreviewError):
        render_escpos_preview(payload, 576)


def test_a_job_cut_short_raises_preview_error() -> None:
    job = render_insert(INSERT, profile="80mm")
    image_at = job.index(b"\x1dv0")
    with pytest.raises(PreviewError, match="cut short"):
        render_escpos_preview(job[:image_at + 100], 576)


def test_a_job_longer_than_any_paper_roll_raises_preview_error() -> None:
    feeds = b"\x1b@" + b"\x1bd\xff" * (MAX_PREVIEW_DOTS // (255 * 30) + 1)
    with pytest.raises(PreviewError, match=f"more than {MAX_PREVIEW_DOTS} dots"):
        render_escpos_preview(feeds, 576)
