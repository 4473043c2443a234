"""Render the printable sheet of command barcodes (A4, 300 dpi) as a PDF or PNG pages.

Bars are drawn here from python-barcode's Code 128 module pattern rather than with its
ImageWriter: the writer places bars at fractional mm-to-pixel positions, so at 300 dpi bars
of one module come out 2, 3 or 4 px wide, which hurts scanning from paper. Whole pixels per
module keep every bar exact. Pages are 1-bit, so the PDF holds them lossless (CCITT G4).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from barcode import Code128
from PIL import Image, ImageDraw, ImageFont

from station.domain.commands import BADGE_PREFIX, BOX_PREFIX, COMMANDS

DPI = 300
PAGE_W, PAGE_H = 2480, 3508  # A4 at 300 dpi
MARGIN = 118  # 10 mm: clear of the edge office printers cannot print on
GUTTER = 60
HEADER_H = 190
# Module widths to try, widest first: 4 px is 0.34 mm; 3 px (0.25 mm) is the least that
# scans reliably from laser or inkjet paper.
MODULE_PX = (4, 3)
QUIET_PX = 75  # 6.35 mm each side: 25 modules at 3 px, Code 128 asks for 10
BAR_H = 130  # 11 mm: seven rows of two fit one A4 page
PAD = 16
TEXT_GAP = 10
BLACK, WHITE = 0, 1

PREFIX_EFFECTS = {
    BOX_PREFIX: "Box type: scan it for the box being filled; its tare counts in the weight check.",
    BADGE_PREFIX: "Badge: log in as packer, or authorise an override as supervisor.",
}


@dataclass(frozen=True, slots=True)
class SheetEntry:
    """One barcode on the sheet with the text printed under it."""

    code: str
    label: str
    when: str = ""
    effect: str = ""


@dataclass(frozen=True, slots=True)
class _Placed:
    entry: SheetEntry
    x: int
    y: int
    width: int
    height: int
    module: int


def sheet_entries(extra: Iterable[tuple[str, str]] = ()) -> list[SheetEntry]:
    """Return every command, then the extra (code, label) pairs, as sheet entries."""
    entries = [SheetEntry(i.command.value, i.label, f"When: {i.when}", i.effect) for i in COMMANDS]
    for code, label in extra:
        if not code:
            raise ValueError("an extra barcode needs a code")
        effect = next((text for prefix, text in PREFIX_EFFECTS.items()
                       if code.startswith(prefix)), "")
        entries.append(SheetEntry(code, label, "", effect))
    return entries


def render_command_sheet(
    out: Path, *, fmt: str | None = None, extra: Iterable[tuple[str, str]] = ()
) -> list[Path]:
    """Write the command sheet to `out` (PDF, or PNG per page); return the files written."""
    out = Path(out)
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in ("pdf", "png"):
        raise ValueError(f"unknown sheet format {fmt!r}: use pdf or png")
    layout = _layout(sheet_entries(extra))
    pages = [_draw_page(placed, n, len(layout)) for n, placed in enumerate(layout, start=1)]
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        pages[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
        return [out]
    paths = [out if n == 1 else out.with_name(f"{out.stem}-{n}{out.suffix}")
             for n in range(1, len(pages) + 1)]
    for page, path in zip(pages, paths, strict=True):
        page.save(path, "PNG", dpi=(DPI, DPI))
    return paths


def code128_modules(code: str) -> str:
    """Return the Code 128 module pattern of `code` ('1' = bar), check digit included."""
    return Code128(code).build()[0]


def _layout(entries: list[SheetEntry]) -> list[list[_Placed]]:
    """Place entries two to a row; a code too long for a column takes the whole row."""
    content_w = PAGE_W - 2 * MARGIN
    column_w = (content_w - GUTTER) // 2
    pages: list[list[_Placed]] = [[]]
    y = MARGIN + HEADER_H
    row: list[tuple[SheetEntry, int, int]] = []  # (entry, width, module)

    def flush() -> None:
        nonlocal y, row
        if not row:
            return
        height = max(_entry_height(e, w) for e, w, _ in row)
        if y + height > PAGE_H - MARGIN and pages[-1]:
            pages.append([])
            y = MARGIN + HEADER_H
        x = MARGIN
        for entry, width, module in row:
            pages[-1].append(_Placed(entry, x, y, width, height, module))
            x += width + GUTTER
        y += height
        row = []

    for entry in entries:
        n_modules = len(code128_modules(entry.code))
        module = _module_for(n_modules, column_w)
        if module:
            row.append((entry, column_w, module))
            if len(row) == 2:
                flush()
            continue
        module = _module_for(n_modules, content_w)
        if not module:
            raise ValueError(f"barcode {entry.code!r} is too long to print legibly on A4")
        flush()
        row.append((entry, content_w, module))
        flush()
    flush()
    return pages


def _module_for(n_modules: int, width: int) -> int:
    return next((m for m in MODULE_PX if n_modules * m + 2 * QUIET_PX <= width - 2 * PAD), 0)


def _entry_height(entry: SheetEntry, width: int) -> int:
    text_w = width - 2 * PAD
    height = PAD + BAR_H + TEXT_GAP + _line_h(_font("mono", 34))
    height += TEXT_GAP + _line_h(_font("bold", 56)) * len(_wrap(entry.label, _font("bold", 56),
                                                                 text_w))
    for text in (entry.when, entry.effect):
        if text:
            height += _line_h(_font("regular", 34)) * len(_wrap(text, _font("regular", 34),
                                                                  text_w))
    return height + 2 * PAD


def _draw_page(placed: list[_Placed], number: int, total: int) -> Image.Image:
    page = Image.new("1", (PAGE_W, PAGE_H), WHITE)
    draw = ImageDraw.Draw(page)
    draw.text((MARGIN, MARGIN), "Command barcodes", font=_font("bold", 72), fill=BLACK)
    draw.text((MARGIN, MARGIN + 100),
              "Scan with the station scanner. Generated from station/domain/commands.py.",
              font=_font("regular", 34), fill=BLACK)
    draw.text((PAGE_W - MARGIN, MARGIN + 100), f"Page {number} of {total}",
              font=_font("regular", 34), fill=BLACK, anchor="ra")
    draw.line([(MARGIN, MARGIN + HEADER_H - 30), (PAGE_W - MARGIN, MARGIN + HEADER_H - 30)],
              fill=BLACK, width=3)
    for item in placed:
        _draw_entry(page, draw, item)
    return page


def _draw_entry(page: Image.Image, draw: ImageDraw.ImageDraw, item: _Placed) -> None:
    bars = _bars(item.entry.code, item.module)
    page.paste(bars, (item.x + (item.width - bars.width) // 2, item.y + PAD))
    y = item.y + PAD + BAR_H + TEXT_GAP
    mono = _font("mono", 34)
    draw.text((item.x + item.width // 2, y), item.entry.code, font=mono, fill=BLACK, anchor="ma")
    y += _line_h(mono) + TEXT_GAP
    text_x, text_w = item.x + PAD, item.width - 2 * PAD
    for text, font in ((item.entry.label, _font("bold", 56)),
                       (item.entry.when, _font("regular", 34)),
                       (item.entry.effect, _font("regular", 34))):
        for line in _wrap(text, font, text_w):
            draw.text((text_x, y), line, font=font, fill=BLACK)
            y += _line_h(font)
    # A dashed cut line under each entry, well clear of the bars' quiet zone.
    bottom = item.y + item.height - PAD // 2
    for x in range(item.x, item.x + item.width, 24):
        draw.line([(x, bottom), (min(x + 12, item.x + item.width), bottom)], fill=BLACK, width=2)


def _bars(code: str, module: int) -> Image.Image:
    """Draw `code` as Code 128 with `module` whole pixels per module and quiet zones."""
    pattern = code128_modules(code)
    image = Image.new("1", (len(pattern) * module + 2 * QUIET_PX, BAR_H), WHITE)
    draw = ImageDraw.Draw(image)
    x = QUIET_PX
    for bit, run in groupby(pattern):
        width = len(list(run)) * module
        if bit == "1":
            draw.rectangle([x, 0, x + width - 1, BAR_H - 1], fill=BLACK)
        x += width
    return image


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _line_h(font: ImageFont.FreeTypeFont) -> int:
    return round(font.size * 1.25)


@functools.cache
def _font(style: str, size: int) -> ImageFont.FreeTypeFont:
    """Return DejaVu (found in the system font folders) or Pillow's built-in font."""
    name = {"bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}.get(
        style, "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        return ImageFont.load_default(size=size)  # type: ignore[return-value]
