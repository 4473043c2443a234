"""Draw what a print job's bytes print: a ZPL label or an ESC/POS insert, as a PIL image.

Previews are made from the payload exactly as it went (or goes) to the printer, never from
the data it was rendered from, so what the screen shows is what the paper shows.

- `render_zpl_preview(payload, dpi)`: zplkit's offline renderer (ZD621 profile). The label
  size comes from the format's `^PW`/`^LL`; without them, from `width`/`height` (dots) or
  the 4 x 6 in label at `dpi`. A payload with several formats is drawn as labels one under
  the other, as they would leave the printer.
- `render_escpos_preview(payload, paper_width_dots)`: the job is parsed with the receipt
  printer driver's own parser (`drivers.receipt_printer.job`) and laid out like a printer
  with font A (12 x 24 dots, 30-dot line spacing): text in its alignment, bold, underline
  and size (`ESC !`, `GS !`), wrapped at the paper edge; raster images (`GS v 0`) and native
  QR codes (`GS ( k`) at their dot positions; feeds (`ESC d`, `ESC J`, `ESC 3`); a cut as a
  dashed line. Other commands (1-D barcodes, drawer kicks, ...) are skipped.
  `layout_escpos` returns that layout as `Block`s.

Both raise `PreviewError` for bytes that are not a printable job: empty, not ZPL, an ESC/POS
stream that ends inside a command or is mostly commands no printer knows, or a preview
larger than `MAX_PREVIEW_DOTS` high.

Text uses DejaVu Sans Mono (Debian `fonts-dejavu-core`), found by Pillow in the system font
folders; without it, Pillow's default font.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal

import qrcode
import zplkit
from PIL import Image, ImageDraw, ImageFont
from zplkit.output import OutputError
from zplkit.rendering import RenderError

from drivers.receipt_printer.elements import (
    QR_CODE,
    QR_PRINT,
    QR_STORE,
    Command,
    Cut,
    Element,
    RasterImage,
    Symbol2D,
    Text,
    TextStyle,
    Unknown,
)
from drivers.receipt_printer.job import parse_job
from station.printing.label import LABEL_DOTS

__all__ = [
    "MAX_PREVIEW_DOTS",
    "Block",
    "PreviewError",
    "layout_escpos",
    "render_escpos_preview",
    "render_zpl_preview",
]

MAX_PREVIEW_DOTS = 30_000  # 3.7 m of paper at 203 dpi: no real job comes near it
CELL_W, CELL_H = 12, 24  # font A
LINE_SPACING = 30  # ESC 2, the power-on line spacing in dots
LABEL_GAP = 24  # between labels of one payload
_BASELINE = 19  # of font A glyphs in their 24-dot cell
_FONT_PX = 20  # DejaVu Sans Mono at 20 px advances 12 dots a character
_FONTS = {False: "DejaVuSansMono.ttf", True: "DejaVuSansMono-Bold.ttf"}
_DASH, _DASH_GAP = 12, 8
_ALIGN = {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}
_QR_LEVELS = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M,
              50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}


class PreviewError(ValueError):
    """The payload cannot be previewed: it is not a printable ZPL label or ESC/POS job."""


# --------------------------------------------------------------------------- ZPL
def render_zpl_preview(payload: bytes, dpi: int, *, width: int | None = None,
                       height: int | None = None) -> Image.Image:
    """Return the label(s) `payload` prints at `dpi`, grayscale (mode "L", ink dark)."""
    if not isinstance(payload, bytes | bytearray) or not payload.strip():
        raise PreviewError("the label payload is empty")
    default_w, default_h = LABEL_DOTS.get(dpi, (None, None))
    try:
        options = zplkit.Options(profile="zd621", dpi=dpi, width=width or default_w,
                                 height=height or default_h)
        document = zplkit.render(bytes(payload), options)
        rasters = [scene.rasterize() for scene in document.labels]
    except (RenderError, OutputError, ValueError) as exc:
        raise PreviewError(f"not a printable ZPL label: {exc}") from exc
    if not rasters:
        raise PreviewError("the ZPL payload holds no label")
    labels = [Image.frombytes("L", (r.width, r.height), r.pixels) for r in rasters]
    if len(labels) == 1:
        return labels[0]
    sheet = Image.new("L", (max(i.width for i in labels),
                            sum(i.height for i in labels) + LABEL_GAP * (len(labels) - 1)), 255)
    y = 0
    for label in labels:
        sheet.paste(label, (0, y))
        y += label.height + LABEL_GAP
    return sheet


# ----------------------------------------------------------------------- ESC/POS
@dataclass(frozen=True, slots=True)
class Block:
    """One thing an ESC/POS job prints; `box` is (x0, y0, x1, y1) in dots, end exclusive.

    `kind` "text": `text` in `style`; "image": a raster image or native QR code (`image`,
    already scaled to the dots it covers); "cut": where the paper is cut.
    """

    kind: Literal["text", "image", "cut"]
    box: tuple[int, int, int, int]
    text: str = ""
    style: TextStyle = field(default_factory=TextStyle)
    image: Image.Image | None = None


class _Layout:
    """Walk the elements of a job and place what they print, like the printer does."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.blocks: list[Block] = []
        self.y = 0
        self.reset()

    def reset(self) -> None:
        self.align = "left"
        self.spacing = LINE_SPACING
        self.line: list[tuple[str, TextStyle]] = []
        self.line_x = 0  # dots used by the pending line
        self.qr_data: bytes | None = None
        self.qr_size, self.qr_level = 3, qrcode.constants.ERROR_CORRECT_L

    # ------------------------------------------------------------------- text
    def text(self, element: Text) -> None:
        style = element.style
        for char in element.text:
            advance = CELL_W * style.width
            if self.line_x + advance > self.width:
                self.end_line()  # the printer wraps at the paper edge
            if self.line and self.line[-1][1] == style:
                self.line[-1] = (self.line[-1][0] + char, style)
            else:
                self.line.append((char, style))
            self.line_x += advance

    def end_line(self, advance: int | None = None) -> None:
        """Print the pending line (or an empty one) and move down by a line or `advance`."""
        height = max((CELL_H * s.height for _, s in self.line), default=0)
        if self.line:
            # ESC a counts at the start of a line: the first run's alignment is the line's.
            x = self._aligned(self.line_x, self.line[0][1].align)
            for text, style in self.line:
                w, h = CELL_W * style.width * len(text), CELL_H * style.height
                top = self.y + height - h  # runs of a line share its bottom
                self.blocks.append(Block("text", (x, top, x + w, top + h), text, style))
                x += w
        self.line, self.line_x = [], 0
        self.y += advance if advance is not None else max(self.spacing, height)

    def _aligned(self, used: int, align: str) -> int:
        free = max(0, self.width - used)
        return {"left": 0, "center": free // 2, "right": free}.get(align, 0)

    # --------------------------------------------------------------- graphics
    def image(self, image: Image.Image) -> None:
        if self.line:
            self.end_line()
        x = self._aligned(image.width, self.align)
        self.blocks.append(Block("image", (x, self.y, x + image.width, self.y + image.height),
                                 image=image))
        self.y += image.height

    def raster(self, element: RasterImage) -> None:
        image = element.image
        # m 1/49 and 3/51 double the width, 2/50 and 3/51 the height; the data is the same.
        sx, sy = (2 if element.mode in (1, 3, 49, 51) else 1,
                  2 if element.mode in (2, 3, 50, 51) else 1)
        if (sx, sy) != (1, 1):
            image = image.resize((image.width * sx, image.height * sy), Image.Resampling.NEAREST)
        self.image(image)

    def symbol(self, element: Symbol2D) -> None:
        if element.cn != QR_CODE:
            return  # PDF417, MaxiCode ... are not drawn
        arg = element.params[:1]
        if element.fn == 67 and arg:  # module size
            self.qr_size = max(1, min(16, arg[0]))
        elif element.fn == 69 and arg and arg[0] in _QR_LEVELS:
            self.qr_level = _QR_LEVELS[arg[0]]
        elif element.fn == QR_STORE and arg == b"0":
            self.qr_data = element.params[1:]
        elif element.fn == QR_PRINT and self.qr_data:
            code = qrcode.QRCode(error_correction=self.qr_level, box_size=self.qr_size,
                                 border=0)
            code.add_data(self.qr_data)
            self.image(code.make_image().get_image().convert("L"))

    def cut(self, element: Cut) -> None:
        if self.line:
            self.end_line()
        self.y += element.feed
        self.blocks.append(Block("cut", (0, self.y + 8, self.width, self.y + 10)))
        self.y += 18

    # ---------------------------------------------------------------- command
    def command(self, element: Command) -> None:
        name, arg = element.name, element.args[0] if element.args else 0
        if name == "LF":
            self.end_line()
        elif name == "ESC @":
            self.reset()
        elif name == "ESC a" and arg in _ALIGN:
            self.align = _ALIGN[arg]
        elif name == "ESC 3":
            self.spacing = arg
        elif name == "ESC 2":
            self.spacing = LINE_SPACING
        elif name == "ESC d":  # print the line and feed n lines in all
            if self.line:
                self.end_line()
                arg -= 1
            self.y += max(0, arg) * self.spacing
        elif name == "ESC J":  # print the line and feed n dots
            self.end_line(advance=arg)
        elif name == "HT":  # tab stops every 8 characters, the power-on default
            style = self.line[-1][1] if self.line else TextStyle(align=self.align)
            self.text(Text(b" " * (8 - (self.line_x // CELL_W) % 8), style))


def layout_escpos(payload: bytes, paper_width_dots: int) -> tuple[list[Block], int]:
    """Return what the ESC/POS job prints, placed on the paper, and the height in dots used."""
    if paper_width_dots < 8:
        raise ValueError(f"paper_width_dots must be at least 8, not {paper_width_dots}")
    if not isinstance(payload, bytes | bytearray) or not payload:
        raise PreviewError("the ESC/POS payload is empty")
    elements = parse_job(bytes(payload))
    _check(elements, len(payload))
    layout = _Layout(paper_width_dots)
    for element in elements:
        if isinstance(element, Text):
            layout.text(element)
        elif isinstance(element, Command):
            layout.command(element)
        elif isinstance(element, RasterImage):
            layout.raster(element)
        elif isinstance(element, Symbol2D):
            layout.symbol(element)
        elif isinstance(element, Cut):
            layout.cut(element)
        if layout.y > MAX_PREVIEW_DOTS:
            raise PreviewError(f"the job prints more than {MAX_PREVIEW_DOTS} dots of paper")
    if layout.line:
        layout.end_line()  # a printer prints the last line when the job ends
    return layout.blocks, max(1, layout.y)


def _check(elements: list[Element], size: int) -> None:
    unknown = [e for e in elements if isinstance(e, Unknown)]
    truncated = [e for e in unknown if e.reason.startswith("truncated")]
    if truncated:
        raise PreviewError(f"the ESC/POS job is cut short: it ends inside a command at byte "
                           f"{truncated[0].offset}")
    # A real job may carry a few vendor commands we do not know; random bytes carry hundreds.
    if len(unknown) > max(4, size // 256):
        raise PreviewError(f"not an ESC/POS job: {len(unknown)} unknown commands in "
                           f"{size} bytes (first at byte {unknown[0].offset})")


def render_escpos_preview(payload: bytes, paper_width_dots: int) -> Image.Image:
    """Return the insert or receipt `payload` prints, `paper_width_dots` wide (mode "L")."""
    blocks, height = layout_escpos(payload, paper_width_dots)
    page = Image.new("L", (paper_width_dots, height), 255)
    draw = ImageDraw.Draw(page)
    for block in blocks:
        x0, y0, x1, y1 = block.box
        if block.kind == "text":
            _draw_text(page, block)
        elif block.kind == "image" and block.image is not None:
            page.paste(block.image.convert("L"), (x0, y0))
        elif block.kind == "cut":
            for x in range(0, x1, _DASH + _DASH_GAP):
                draw.rectangle((x, y0, min(x + _DASH, x1) - 1, y1 - 1), fill=0)
    return page


def _draw_text(page: Image.Image, block: Block) -> None:
    style = block.style
    cells = Image.new("L", (CELL_W * len(block.text), CELL_H), 0)
    ImageDraw.Draw(cells).text((0, _BASELINE), block.text, fill=255, anchor="ls",
                               font=_font(style.bold))
    if style.underline:
        ImageDraw.Draw(cells).rectangle((0, CELL_H - style.underline, cells.width - 1,
                                         CELL_H - 1), fill=255)
    x0, y0, x1, y1 = block.box
    if cells.size != (x1 - x0, y1 - y0):  # double (or more) width and height
        cells = cells.resize((x1 - x0, y1 - y0), Image.Resampling.BILINEAR)
    page.paste(0, (x0, y0), mask=cells)


@functools.cache
def _font(bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(_FONTS[bold], _FONT_PX)
    except OSError:  # no DejaVu on this machine: any readable font beats no preview
        return ImageFont.load_default(_FONT_PX)
