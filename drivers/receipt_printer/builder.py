"""Build ESC/POS job bytes with python-escpos's command set, for any transport.

`ReceiptBuilder` drives a python-escpos `Dummy` (a byte sink) and hands back the bytes; the
printer driver sends them over whatever stream it owns. So python-escpos provides the
commands and never a connection, and a new transport never needs a new printer class.

    job = (ReceiptBuilder("80mm")
           .line("PACKBENCH", align="center", bold=True, width=2, height=2)
           .line("Order 1042")
           .qr("https://example.com/r/1042", center=True)
           .cut()
           .build())

Each text call states its whole style (alignment, bold, underline, size); the builder only
sends style commands when the style changes. python-escpos's size commands (`ESC !`) also
reset bold and underline on the printer, so a change re-sends the complete style.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from drivers.receipt_printer.elements import Align, TextStyle
from drivers.receipt_printer.escpos_lib import new_dummy
from drivers.receipt_printer.profiles import ReceiptProfile, get_profile

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["ReceiptBuilder"]

ErrorLevel = Literal["L", "M", "Q", "H"]
_ERROR_LEVELS = {"L": 0, "M": 1, "Q": 2, "H": 3}  # python-escpos QR_ECLEVEL_*


class ReceiptBuilder:
    """Collect one receipt's commands; `build()` returns the job bytes."""

    def __init__(self, profile: ReceiptProfile | str | None = None, *,
                 initialize: bool = True) -> None:
        self.profile = get_profile(profile)
        media = {"width": {"mm": self.profile.paper_mm, "pixels": self.profile.width_px},
                 "dpi": self.profile.dpi}
        self._escpos: Any = new_dummy(self.profile.escpos_profile, media=media)
        self._style: TextStyle | None = None  # unknown until we set it or initialise
        if initialize:
            self._escpos.hw("INIT")  # ESC @: a known state whatever the last job left
            self._style = TextStyle()

    # ----------------------------------------------------------------- content
    def text(self, text: str, *, align: Align = "left", bold: bool = False, underline: int = 0,
             width: int = 1, height: int = 1) -> ReceiptBuilder:
        """Add `text` (no line break) in the given style; width/height are 1-8 times."""
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise ValueError(f"text size must be 1-8 times, not {width}x{height}")
        if underline not in (0, 1, 2):
            raise ValueError(f"underline must be 0, 1 or 2, not {underline!r}")
        self._use(TextStyle(align=align, bold=bold, underline=underline, width=width,
                            height=height))
        self._escpos.text(text)
        return self

    def line(self, text: str = "", **style: Any) -> ReceiptBuilder:
        """Add `text` and a line break (LF)."""
        return self.text(text + "\n", **style)

    def feed(self, lines: int = 1) -> ReceiptBuilder:
        """Print the buffer and feed `lines` lines (ESC d n)."""
        self._escpos.print_and_feed(lines)
        return self

    def qr(self, data: str, *, native: bool = False, size: int = 4,
           error_level: ErrorLevel = "M", center: bool = True) -> ReceiptBuilder:
        """Add a QR code of `data`: a raster image (default) or the printer's own (GS ( k).

        `size` is the module size in dots (1-16). A raster code is centred by padding the
        image to the paper width, a native one with ESC a (python-escpos cannot centre it).
        """
        if not data:
            raise ValueError("a QR code needs data")
        if error_level not in _ERROR_LEVELS:
            raise ValueError(f"error_level must be one of L, M, Q, H, not {error_level!r}")
        if native:
            self._use(TextStyle(align="center" if center else "left"))
            self._escpos.qr(data, ec=_ERROR_LEVELS[error_level], size=size, native=True)
        else:
            self._escpos.qr(data, ec=_ERROR_LEVELS[error_level], size=size, center=center)
        return self

    def image(self, image: Image.Image, *, center: bool = False) -> ReceiptBuilder:
        """Add `image` as raster bit images (GS v 0); dark pixels print, no wider than paper."""
        if image.width > self.profile.width_px:
            raise ValueError(f"image is {image.width} dots wide; {self.profile.name} paper"
                             f" prints {self.profile.width_px}")
        self._escpos.image(image, center=center)
        return self

    def cut(self, *, partial: bool = False) -> ReceiptBuilder:
        """Feed the paper past the cutter and cut (GS V); only feed without a cutter."""
        if self.profile.cutter:
            self._escpos.cut(mode="PART" if partial else "FULL")
        else:
            self._escpos.print_and_feed(6)
        return self

    def raw(self, data: bytes) -> ReceiptBuilder:
        """Add bytes as they are (a command python-escpos does not offer)."""
        self._escpos._raw(bytes(data))
        self._style = None  # they may have changed the style
        return self

    def build(self) -> bytes:
        """Return the job's bytes."""
        return self._escpos.output

    def __bytes__(self) -> bytes:
        return self.build()

    # ----------------------------------------------------------------- helpers
    def _use(self, style: TextStyle) -> None:
        if style == self._style:
            return
        size: dict[str, Any] = (
            {"normal_textsize": True} if (style.width, style.height) == (1, 1)
            else {"custom_size": True, "width": style.width, "height": style.height}
        )
        self._escpos.set(align=style.align, bold=style.bold, underline=style.underline, **size)
        self._style = style
