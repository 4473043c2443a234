"""The ESC/POS job parser against python-escpos's own output, byte tables and random streams."""

from __future__ import annotations

import os

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from drivers.receipt_printer.elements import (
    Command,
    Cut,
    RasterImage,
    StatusRequest,
    Symbol2D,
    Text,
    TextStyle,
    Unknown,
    job_text,
    printed_qr_codes,
    raster_images,
)
from drivers.receipt_printer.errors import ReceiptPrinterError, ReceiptPrinterProtocolError
from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV, new_dummy
from drivers.receipt_printer.job import JobParser, parse_job
from drivers.receipt_printer.raster import decode_raster, encode_raster, with_quiet_zone

URL = "https://example.com/r/1"


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


def _pattern(width: int, height: int) -> Image.Image:
    img = Image.new("1", (width, height), 255)
    if width >= 16 and height >= 8:
        draw = ImageDraw.Draw(img)
        draw.rectangle((3, 2, width // 2, height // 3), fill=0)
        draw.line((0, height - 1, width - 1, 0), fill=0, width=3)
        draw.ellipse((width // 3, height // 2, width - 5, height - 3), outline=0, width=2)
    img.putpixel((width - 1, height - 1), 0)  # the last dot of an unpadded row
    return img


def _pixels(image: Image.Image) -> bytes:
    return image.convert("L").tobytes()


def _decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(with_quiet_zone(image))]


# ------------------------------------------------------------ python-escpos
@pytest.mark.parametrize(("width", "height"), [(100, 50), (64, 8), (1, 1), (203, 37)])
def test_python_escpos_image_decodes_to_the_same_pixels(width, height):
    original = _pattern(width, height)
    dummy = new_dummy()
    dummy.image(original)
    elements = parse_job(dummy.output, strict=True)
    [raster] = elements
    assert isinstance(raster, RasterImage)
    assert (raster.mode, raster.width_bytes, raster.height) == (0, (width + 7) // 8, height)
    assert raster.image.mode == "1"
    assert _pixels(raster.image.crop((0, 0, width, height))) == _pixels(original)
    padding = raster.image.crop((width, 0, raster.width_bytes * 8, height))
    assert set(_pixels(padding)) <= {255}  # padding bits print nothing


def test_python_escpos_splits_tall_images_and_the_parts_reassemble():
    original = _pattern(48, 2000)
    dummy = new_dummy()
    dummy.image(original)  # fragments of 960 rows
    images = raster_images(parse_job(dummy.output, strict=True))
    assert [im.height for im in images] == [960, 960, 80]
    whole = Image.new("1", (48, 2000), 255)
    for i, im in enumerate(images):
        whole.paste(im.crop((0, 0, 48, im.height)), (0, 960 * i))
    assert _pixels(whole) == _pixels(original)


def test_python_escpos_raster_qr_decodes_back_to_the_url():
    dummy = new_dummy()
    dummy.qr(URL)
    elements = parse_job(dummy.output, strict=True)
    assert [getattr(e, "name", "raster") for e in elements] == [
        "ESC t", "LF", "raster", "LF", "LF"]  # python-escpos selects the code table first
    assert printed_qr_codes(elements) == []
    [image] = raster_images(elements)
    assert _decode(image) == [URL]


def test_python_escpos_native_qr_is_read_as_qr_functions():
    dummy = new_dummy()
    dummy.qr(URL, native=True, size=5, ec=2)
    elements = parse_job(dummy.output, strict=True)
    assert [(e.symbol, e.fn, e.params) for e in elements] == [
        ("QR", 65, b"2\x00"), ("QR", 67, b"\x05"), ("QR", 69, b"2"),
        ("QR", 80, b"0" + URL.encode()), ("QR", 81, b"0")]
    assert printed_qr_codes(elements) == [URL.encode()]


def test_python_escpos_text_styles_and_cuts():
    dummy = new_dummy()
    dummy.hw("INIT")
    dummy.set(align="center", bold=True, double_width=True, double_height=True)
    dummy.textln("TOTAL")
    dummy.set(normal_textsize=True, bold=False, align="right", underline=1)
    dummy.textln("Grüße")
    dummy.set(custom_size=True, width=3, height=2)
    dummy.text("x")
    dummy.cut()
    dummy.cut(mode="PART")
    dummy.cut(feed=False)
    elements = parse_job(dummy.output, strict=True)
    texts = [e for e in elements if isinstance(e, Text)]
    assert [t.text for t in texts] == ["TOTAL", "Grüße", "x"]
    assert texts[0].style == TextStyle(align="center", bold=True, width=2, height=2)
    assert texts[1].style == TextStyle(align="right", underline=1)
    assert texts[2].style == TextStyle(align="right", underline=1, width=3, height=2)
    assert job_text(elements) == "TOTAL\nGrüße\nx"
    cuts = [e for e in elements if isinstance(e, Cut)]
    assert cuts == [Cut(b"\x1dV\x00"), Cut(b"\x1dV\x01", partial=True),
                    Cut(b"\x1dVB\x00", partial=True, feed=0)]
    assert [e.args for e in elements if isinstance(e, Command) and e.name == "ESC d"] == [
        b"\x06", b"\x06"]


def test_python_escpos_barcode_status_queries_and_drawer():
    dummy = new_dummy()
    dummy.barcode("4006381333931", "EAN13")
    dummy.barcode("{B012345", "CODE128", function_type="B")
    dummy.cashdraw(2)
    dummy._raw(b"\x10\x04\x04\x10\x04\x01")
    elements = parse_job(dummy.output, strict=True)
    barcodes = [e.args for e in elements if isinstance(e, Command) and e.name == "GS k"]
    assert barcodes == [b"\x024006381333931\x00", b"I\x08{B012345"]
    assert [e.n for e in elements if isinstance(e, StatusRequest)] == [4, 1]
    assert any(isinstance(e, Command) and e.name == "ESC p" for e in elements)


# ----------------------------------------------------------------- byte tables
@pytest.mark.parametrize(
    ("wire", "element"),
    [(b"\x1b@", Command("ESC @", b"\x1b@")),
     (b"\x1ba\x01", Command("ESC a", b"\x1ba\x01", b"\x01")),
     (b"\x1bE\x01", Command("ESC E", b"\x1bE\x01", b"\x01")),
     (b"\x1d!\x11", Command("GS !", b"\x1d!\x11", b"\x11")),
     (b"\x1bd\x03", Command("ESC d", b"\x1bd\x03", b"\x03")),
     (b"\x1bD\x08\x10\x00", Command("ESC D", b"\x1bD\x08\x10\x00", b"\x08\x10\x00")),
     (b"\x1b*\x00\x02\x00\xff\x81", Command("ESC *", b"\x1b*\x00\x02\x00\xff\x81",
                                            b"\x00\x02\x00\xff\x81")),
     (b"\x1dV0", Cut(b"\x1dV0")), (b"\x1dV1", Cut(b"\x1dV1", partial=True)),
     (b"\x1dVA\x10", Cut(b"\x1dVA\x10", feed=16)),
     (b"\x1dVh\x05", Cut(b"\x1dVh\x05", partial=True, feed=5)),
     (b"\x10\x04\x02", StatusRequest(b"\x10\x04\x02", 2)),
     (b"\x10\x05\x02", Command("DLE ENQ", b"\x10\x05\x02", b"\x02")),
     (b"\x10\x14\x01\x00\x05", Command("DLE DC4", b"\x10\x14\x01\x00\x05", b"\x01\x00\x05")),
     (b"\x1d(k\x03\x001Q0", Symbol2D(b"\x1d(k\x03\x001Q0", cn=49, fn=81, params=b"0")),
     (b"\x1d(L\x02\x0002", Command("GS ( L", b"\x1d(L\x02\x0002", b"\x02\x0002")),
     (b"\x1d8L\x02\x00\x00\x0002", Command("GS 8 L", b"\x1d8L\x02\x00\x00\x0002",
                                             b"\x02\x00\x00\x0002")),
     (b"\x1c&", Command("FS &", b"\x1c&")),
     (b"\x0a", Command("LF", b"\n")), (b"\x00", Command("NUL", b"\x00")),
     (b"\x1b\x07", Unknown(b"\x1b\x07", 0, "unknown command")),
     (b"\x1dVZ", Unknown(b"\x1dVZ", 0, "GS V mode 90")),
     (b"\x10\x04\x09", Unknown(b"\x10\x04\t", 0, "DLE EOT 9")),
     (b"\x01", Unknown(b"\x01", 0, "control byte")),
     (b"\x1d(k\x01\x001", Unknown(b"\x1d(k\x01\x001", 0, "GS ( k shorter than cn fn")),
     (b"\x1dv0\x00\x00\x00\x05\x00", Unknown(b"\x1dv0\x00\x00\x00\x05\x00", 0,
                                             "GS v 0 with no data (k = 0)"))],
)
def test_one_element(wire, element):
    assert parse_job(wire) == [element]


def test_raster_bits_msb_first_and_modes():
    elements = parse_job(b"\x1dv0\x31\x02\x00\x02\x00\x80\x01\xff\x00")
    [raster] = elements
    assert (raster.mode, raster.width_bytes, raster.height) == (49, 2, 2)
    pixels = list(_pixels(raster.image))
    assert pixels[:16] == [0] + [255] * 14 + [0]  # 0x80 0x01: first and last dot
    assert pixels[16:] == [0] * 8 + [255] * 8
    assert encode_raster(raster.image) == (2, 2, b"\x80\x01\xff\x00")
    bad_mode = parse_job(b"\x1dv0\x07\x01\x00\x01\x00\xff")
    assert bad_mode == [Unknown(b"\x1dv0\x07\x01\x00\x01\x00\xff", 0, "GS v 0 mode 7")]
    with pytest.raises(ValueError):
        decode_raster(2, 2, b"\x00")


def test_text_runs_keep_style_and_code_table():
    elements = parse_job(b"ab\x1bt\x02\x82\x1b!\x38big\x1b@z")
    texts = [e for e in elements if isinstance(e, Text)]
    assert [(t.text, t.code_table) for t in texts] == [("ab", 0), ("é", 2), ("big", 2), ("z", 0)]
    assert texts[2].style == TextStyle(bold=True, width=2, height=2)
    assert texts[3].style == TextStyle()


def test_truncated_command_waits_then_is_reported_at_the_end():
    parser = JobParser()
    assert parser.feed(b"hi\x1dv0\x00\x01\x00\x02\x00\xff") == [Text(b"hi")]
    assert parser.pending == 9
    assert parser.feed(b"") == []
    assert parser.flush() == [Unknown(b"\x1dv0\x00\x01\x00\x02\x00\xff", 2,
                                      "truncated: the stream ended inside this command")]
    assert parser.pending == 0


def test_oversized_data_is_skipped_not_buffered():
    parser = JobParser(max_element_bytes=100)
    header = b"\x1dv0\x00\x10\x00\x10\x00"  # 16 x 16 = 256 data bytes
    first = parser.feed(header + b"\x00" * 50)
    assert first[0] == Unknown(header, 0, "declares 256 data bytes, over the 100 byte limit")
    assert parser.pending == 0
    rest = parser.feed(b"\x00" * 206 + b"ok") + parser.flush()
    assert [type(e) for e in rest] == [Unknown, Text]
    assert sum(len(e.raw) for e in first + rest) == len(header) + 256 + 2


def test_strict_mode_names_the_offset():
    with pytest.raises(ReceiptPrinterProtocolError, match=r"at byte 3: unknown command: 1b 07"):
        parse_job(b"abc\x1b\x07", strict=True)
    with pytest.raises(ReceiptPrinterProtocolError, match="truncated"):
        parse_job(b"\x1d(k\x10\x00", strict=True)


def test_bad_limits_are_refused():
    with pytest.raises(ValueError):
        JobParser(max_element_bytes=0)


# -------------------------------------------------------------- random streams
_PIECES = [b"\x1b", b"\x1d", b"\x10", b"\x1c", b"\x10\x04", b"\x1dv0", b"\x1d(k", b"\x1d(L",
           b"\x1d8L", b"\x1dV", b"\x1b*", b"\x1dk", b"\x1bD", b"\x1b!", b"\x1d!", b"\x1bt",
           b"\n", b"\x00", b"\xff", b"text", b"\x10\x14", b"\x1d*"]
_streams = st.lists(st.one_of(st.binary(max_size=6), st.sampled_from(_PIECES)),
                    max_size=40).map(b"".join)


def _solid(elements):
    return [e for e in elements if not isinstance(e, Unknown)]


@settings(max_examples=400, deadline=2000)
@given(_streams, st.lists(st.integers(0, 400), max_size=6), st.integers(1, 300))
def test_any_stream_parses_losslessly_in_any_pieces(data, cuts, limit):
    whole = parse_job(data, max_element_bytes=limit)
    assert b"".join(e.raw for e in whole) == data
    parser = JobParser(max_element_bytes=limit, max_text_bytes=4096)
    pieces, start = [], 0
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        pieces.append(parser.feed(data[start:cut]))
        assert parser.pending <= max(limit + 8, 260)
        start = cut
    pieces.append(parser.feed(data[start:]) + parser.flush())
    chunked = [e for piece in pieces for e in piece]
    assert b"".join(e.raw for e in chunked) == data
    assert _solid(chunked) == _solid(whole)


@settings(max_examples=300, deadline=2000)
@given(st.binary(max_size=300))
def test_strict_parse_raises_only_the_protocol_error(data):
    try:
        parse_job(data, strict=True)
    except ReceiptPrinterError as exc:
        assert isinstance(exc, ReceiptPrinterProtocolError)
