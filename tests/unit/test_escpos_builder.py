"""ReceiptBuilder: python-escpos commands for our profiles, read back with our parser."""

from __future__ import annotations

import os

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from drivers.receipt_printer.builder import ReceiptBuilder
from drivers.receipt_printer.elements import (
    Command,
    Cut,
    Text,
    TextStyle,
    job_text,
    printed_qr_codes,
    raster_images,
)
from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from drivers.receipt_printer.job import parse_job
from drivers.receipt_printer.profiles import (
    PROFILE_58MM,
    PROFILE_80MM,
    ReceiptProfile,
    get_profile,
)
from drivers.receipt_printer.raster import with_quiet_zone

URL = "https://example.com/r/1042"


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


def _texts(job: bytes) -> list[Text]:
    return [e for e in parse_job(job, strict=True) if isinstance(e, Text)]


def test_profiles():
    assert (PROFILE_58MM.width_px, PROFILE_80MM.width_px) == (384, 576)
    assert get_profile() is PROFILE_80MM
    assert get_profile("58mm") is PROFILE_58MM
    assert get_profile(PROFILE_58MM.with_width(360)).width_px == 360
    with pytest.raises(ValueError, match="known"):
        get_profile("110mm")
    with pytest.raises(ValueError):
        PROFILE_80MM.with_width(0)


def test_text_styles_are_sent_and_read_back():
    job = (ReceiptBuilder("58mm")
           .line("PACKBENCH", align="center", bold=True, width=2, height=2)
           .line("Order 1042")
           .text("Total", align="right", underline=1)
           .text(" 12,50 €", align="right", underline=1)
           .build())
    assert job.startswith(b"\x1b@")
    assert job_text(parse_job(job)) == "PACKBENCH\nOrder 1042\nTotal 12,50 €"
    texts = _texts(job)  # python-escpos switches code table (ESC t) for the euro sign
    assert [t.text for t in texts] == ["PACKBENCH", "Order 1042", "Total 12,50 ", "€"]
    assert [t.style for t in texts] == [
        TextStyle(align="center", bold=True, width=2, height=2), TextStyle(),
        TextStyle(align="right", underline=1), TextStyle(align="right", underline=1)]


def test_style_is_sent_only_when_it_changes():
    job = ReceiptBuilder().line("a", bold=True).line("b", bold=True).line("c", bold=True).build()
    commands = [e.name for e in parse_job(job) if isinstance(e, Command)]
    assert commands.count("ESC E") == 1


def test_bad_text_arguments_are_refused():
    with pytest.raises(ValueError):
        ReceiptBuilder().text("x", width=9)
    with pytest.raises(ValueError):
        ReceiptBuilder().text("x", underline=3)
    with pytest.raises(ValueError):
        ReceiptBuilder().qr("")
    with pytest.raises(ValueError):
        ReceiptBuilder().qr("x", error_level="Z")


@pytest.mark.parametrize("profile", [PROFILE_58MM, PROFILE_80MM])
def test_raster_qr_is_centred_on_the_paper_and_decodes(profile):
    job = ReceiptBuilder(profile).qr(URL).cut().build()
    [image] = raster_images(parse_job(job, strict=True))
    assert image.width == profile.width_px  # padded to the paper width: centred
    assert [r.text for r in zxingcpp.read_barcodes(with_quiet_zone(image))] == [URL]
    bbox = Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()
    assert abs(bbox[0] - (profile.width_px - bbox[2])) <= 8


def test_native_qr_is_centred_with_esc_a():
    elements = parse_job(ReceiptBuilder().qr(URL, native=True, size=6).build(), strict=True)
    assert printed_qr_codes(elements) == [URL.encode()]
    aligns = [e.args for e in elements if isinstance(e, Command) and e.name == "ESC a"]
    assert aligns[-1] == b"\x01"
    assert raster_images(elements) == []


def test_image_must_fit_the_paper():
    logo = Image.new("L", (200, 40), 255)
    ImageDraw.Draw(logo).rectangle((10, 10, 190, 30), fill=0)
    [printed] = raster_images(parse_job(ReceiptBuilder("58mm").image(logo).build()))
    assert printed.crop((0, 0, 200, 40)).convert("L").tobytes() == logo.point(
        lambda v: 0 if v < 128 else 255).tobytes()
    with pytest.raises(ValueError, match="384"):
        ReceiptBuilder("58mm").image(Image.new("1", (400, 10), 255))


def test_cut_full_partial_and_no_cutter():
    elements = parse_job(ReceiptBuilder().line("x").cut().build())
    assert elements[-1] == Cut(b"\x1dV\x00")
    assert parse_job(ReceiptBuilder().cut(partial=True).build())[-1] == Cut(b"\x1dV\x01",
                                                                           partial=True)
    tearoff = ReceiptProfile("tear-off", paper_mm=80, width_px=576, cutter=False)
    elements = parse_job(ReceiptBuilder(tearoff).line("x").cut().build())
    assert not any(isinstance(e, Cut) for e in elements)
    assert elements[-1] == Command("ESC d", b"\x1bd\x06", b"\x06")


def test_raw_bytes_and_feed():
    job = ReceiptBuilder(initialize=False).raw(b"\x1bp\x00\x19\xfa").feed(3).line("a").build()
    assert job.startswith(b"\x1bp\x00\x19\xfa\x1bd\x03")
    assert job_text(parse_job(job)) == "a\n"
    assert bytes(ReceiptBuilder(initialize=False)) == b""
