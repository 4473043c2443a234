"""The printed command sheet scans back to exactly the command table; docs stay in sync."""

import re
from itertools import groupby
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from station.app.command_sheet import render_command_sheet
from station.domain.commands import COMMANDS, render_commands_markdown

ROOT = Path(__file__).resolve().parents[2]
EXTRA = [
    ("BOX:S", "Small box"), ("BOX:M", "Medium box"), ("BOX:L", "Large box"),
    ("BOX:XL", "Extra large box"), ("BADGE:1001", "Demo packer"),
    ("BADGE:9001", "Demo supervisor"),
    # Too long for one column: it must get a row of its own and still scan.
    ("BADGE:night-shift-supervisor-0042", "Night supervisor"),
]


def _narrowest_bar(page: Image.Image, barcode) -> int:
    """Return the narrowest bar, in pixels, across the middle of a decoded barcode."""
    pos = barcode.position
    y = (pos.top_left.y + pos.bottom_left.y) // 2
    x0, x1 = min(pos.top_left.x, pos.bottom_left.x), max(pos.top_right.x, pos.bottom_right.x)
    row = [page.getpixel((x, y)) == 0 for x in range(x0 - 5, x1 + 6)]
    return min(len(list(run)) for black, run in groupby(row) if black)


def test_png_pages_scan_back_to_every_command_and_extra(tmp_path):
    paths = render_command_sheet(tmp_path / "sheet.png", extra=EXTRA)

    assert paths[:2] == [tmp_path / "sheet.png", tmp_path / "sheet-2.png"]
    decoded = []
    for path in paths:
        page = Image.open(path)
        assert page.size == (2480, 3508)  # A4 at 300 dpi
        for barcode in zxingcpp.read_barcodes(page):
            assert barcode.format == zxingcpp.BarcodeFormat.Code128
            assert _narrowest_bar(page.convert("1"), barcode) >= 3, barcode.text
            decoded.append(barcode.text)
    expected = [info.command.value for info in COMMANDS] + [code for code, _ in EXTRA]
    assert sorted(decoded) == sorted(expected)


def test_pdf_has_every_page(tmp_path):
    pngs = render_command_sheet(tmp_path / "sheet.png", extra=EXTRA)
    out = tmp_path / "sheet.pdf"

    assert render_command_sheet(out, extra=EXTRA) == [out]
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == len(pngs)


def test_commands_alone_fit_one_page(tmp_path):
    assert render_command_sheet(tmp_path / "sheet.png") == [tmp_path / "sheet.png"]


def test_explicit_format_and_bad_format(tmp_path):
    assert render_command_sheet(tmp_path / "sheet.out", fmt="PDF")[0].read_bytes()[:4] == b"%PDF"
    with pytest.raises(ValueError, match="format"):
        render_command_sheet(tmp_path / "sheet.svg")
    with pytest.raises(ValueError, match="too long"):
        render_command_sheet(tmp_path / "sheet.png", extra=[("BADGE:" + "x" * 80, "Long")])


def test_commands_doc_is_generated_from_the_table():
    assert (ROOT / "docs/commands.md").read_text(encoding="utf-8") == render_commands_markdown()
