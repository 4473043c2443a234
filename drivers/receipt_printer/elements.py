"""What an ESC/POS job is made of, as values: text runs, commands, cuts, images, 2-D codes.

Every element keeps the exact bytes it was parsed from in `raw`, so joining the `raw` of a
job's elements gives back the job. `job_text`, `printed_qr_codes` and `raster_images` read
the usual things out of a list of elements.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

__all__ = [
    "CODE_TABLES",
    "Command",
    "Cut",
    "Element",
    "RasterImage",
    "StatusRequest",
    "Symbol2D",
    "Text",
    "TextStyle",
    "Unknown",
    "job_text",
    "printed_qr_codes",
    "raster_images",
]

# ESC t n -> Python codec, in Epson's numbering (python-escpos's "default" profile uses the
# same); other tables decode as PC437.
CODE_TABLES = {
    0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 13: "cp857", 14: "cp737",
    15: "iso8859_7", 16: "cp1252", 17: "cp866", 18: "cp852", 19: "cp858", 21: "cp874",
    32: "cp720", 33: "cp775", 34: "cp855", 35: "cp861", 36: "cp862", 37: "cp864", 38: "cp869",
    39: "iso8859_2", 40: "iso8859_15", 44: "cp1125", 45: "cp1250", 46: "cp1251", 47: "cp1253",
    48: "cp1254", 49: "cp1255", 50: "cp1256", 51: "cp1257", 52: "cp1258", 53: "kz1048",
}
QR_CODE = 49  # GS ( k cn
QR_STORE, QR_PRINT = 80, 81  # GS ( k fn
_SYMBOLS = {48: "PDF417", 49: "QR", 50: "MaxiCode", 51: "DataBar", 52: "Composite",
            53: "Aztec", 54: "DataMatrix"}

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class TextStyle:
    """How text is printed: set by ESC a, ESC E, ESC -, ESC !, GS ! and reset by ESC @."""

    align: Align = "left"
    bold: bool = False
    underline: int = 0
    width: int = 1
    height: int = 1

    def replace(self, **changes: object) -> TextStyle:
        """Return a copy with `changes` applied."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Text:
    """A run of printable bytes (0x20-0xFF) in one style and code table."""

    raw: bytes
    style: TextStyle = TextStyle()
    code_table: int = 0

    @property
    def text(self) -> str:
        """Return the run decoded with its code table."""
        return self.raw.decode(CODE_TABLES.get(self.code_table, "cp437"), "replace")


@dataclass(frozen=True, slots=True)
class Command:
    """A recognised command: `name` like "ESC a", "GS !", "LF"; `args` its parameter bytes."""

    name: str
    raw: bytes
    args: bytes = b""


@dataclass(frozen=True, slots=True)
class Cut:
    """GS V: a full or partial cut, after feeding `feed` dots (0: no feed by this command)."""

    raw: bytes
    partial: bool = False
    feed: int = 0


@dataclass(frozen=True, slots=True)
class StatusRequest:
    """DLE EOT n: the host asks for one status byte now."""

    raw: bytes
    n: int


@dataclass(frozen=True, slots=True)
class RasterImage:
    """GS v 0: a raster bit image; `image` is what it prints (mode "1", black dots 0)."""

    raw: bytes = field(repr=False)
    mode: int
    width_bytes: int
    height: int
    image: Image.Image = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Symbol2D:
    """GS ( k: one 2-D symbol function; `cn` the symbol (49 QR), `fn` the function."""

    raw: bytes
    cn: int
    fn: int
    params: bytes = b""

    @property
    def symbol(self) -> str:
        """Return the symbology's name ("QR", "PDF417", ...)."""
        return _SYMBOLS.get(self.cn, f"cn {self.cn}")


@dataclass(frozen=True, slots=True)
class Unknown:
    """Bytes that are not a command we know, or an incomplete one; `offset` in the stream."""

    raw: bytes
    offset: int
    reason: str


Element = Text | Command | Cut | StatusRequest | RasterImage | Symbol2D | Unknown


def job_text(elements: Iterable[Element]) -> str:
    """Return the job's text as printed lines: text runs joined, LF as a line break."""
    parts = []
    for element in elements:
        if isinstance(element, Text):
            parts.append(element.text)
        elif isinstance(element, Command) and element.name == "LF":
            parts.append("\n")
    return "".join(parts)


def printed_qr_codes(elements: Iterable[Element]) -> list[bytes]:
    """Return the data of every native QR code printed (GS ( k store, then print)."""
    stored: bytes | None = None
    printed = []
    for element in elements:
        if isinstance(element, Command) and element.name == "ESC @":
            stored = None
        if not isinstance(element, Symbol2D) or element.cn != QR_CODE:
            continue
        if element.fn == QR_STORE and element.params[:1] == b"0":
            stored = element.params[1:]
        elif element.fn == QR_PRINT and stored is not None:
            printed.append(stored)
    return printed


def raster_images(elements: Iterable[Element]) -> list[Image.Image]:
    """Return the images of every raster image in the job, in order."""
    return [element.image for element in elements if isinstance(element, RasterImage)]
