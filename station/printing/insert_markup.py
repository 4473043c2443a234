"""Turn insert markup (what an insert template renders to) into ESC/POS job bytes.

Markup is line-oriented text. A line whose first character is `@` is a directive; every
other line is text, printed in the current style and word-wrapped to the paper: 48
characters per line at 80 mm, 32 at 58 mm (font A), half that in double width. Long words
are broken, so nothing is lost; leading spaces indent the first printed line.

    @left | @center | @right    align the text lines that follow (default left)
    @bold                       bold text from here on
    @underline                  underlined text from here on
    @wide | @tall | @big        double width / double height / both from here on
    @normal                     plain text again: not bold, not underlined, normal size
                                (alignment and indent stay)
    @indent N                   indent the continuation lines of wrapped text by N columns
                                (0 to stop; at most half the line)
    @line [C]                   a rule across the paper, C repeated (default "-")
    @feed [N]                   feed N lines (default 1, at most 255)
    @qr DATA                    a QR code of DATA (the rest of the line), centred; a raster
                                image, so every printer prints it. `@qr` with no data prints
                                nothing. The module size shrinks to fit the paper.
    @cut [partial]              cut the paper (only feed it on a printer without a cutter)
    @# anything                 a comment
    \\TEXT                       the text line TEXT, for text that starts with "@" or "\\"
    (empty line)                an empty printed line

An unknown directive or a bad argument raises `MarkupError` naming the line.

Text goes through `station.printing.insert_text.printable`, so any Unicode text prints,
accented Latin, Greek, Cyrillic and more as themselves and the rest by a documented fallback.

Values a template substitutes are passed through `literal()` (insert templates do this for
every `{{ ... }}`): it marks each of their lines as text, so data (a customer's message
"@cut", say) can never become a directive.
"""

from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass
from typing import Literal

from drivers.receipt_printer import ReceiptBuilder, ReceiptProfile
from drivers.receipt_printer.profiles import get_profile
from station.printing.insert_text import printable

__all__ = [
    "DIRECTIVES",
    "LITERAL",
    "Cut",
    "Feed",
    "InsertError",
    "Instruction",
    "MarkupError",
    "Qr",
    "Rule",
    "Style",
    "TextLine",
    "literal",
    "parse_markup",
    "render_markup",
    "wrap",
]

# Starts every line of a substituted value: such a line is never a directive. No text
# reaches the paper with it (it is removed, and printable() would drop it as a control).
LITERAL = "\x00"
DEFAULT_QR_SIZE = 5  # dots per module: 0.6 mm at 203 dpi, easy for a phone camera
_MAX_FEED = 255  # ESC d n


class InsertError(ValueError):
    """Base of every error rendering an insert: a bad template, URL template or markup."""


class MarkupError(InsertError):
    """Insert markup that cannot be printed: an unknown directive or a bad argument."""


@dataclass(frozen=True, slots=True)
class Style:
    """How a text line prints."""

    align: Literal["left", "center", "right"] = "left"
    bold: bool = False
    underline: bool = False
    width: int = 1
    height: int = 1


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text, wrapped when it is printed; `indent` for its continuation lines."""

    text: str
    style: Style = Style()
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule across the paper made of `char`."""

    char: str = "-"


@dataclass(frozen=True, slots=True)
class Feed:
    """Feed `lines` lines."""

    lines: int = 1


@dataclass(frozen=True, slots=True)
class Qr:
    """A centred QR code of `data`."""

    data: str


@dataclass(frozen=True, slots=True)
class Cut:
    """Cut the paper."""

    partial: bool = False


Instruction = TextLine | Rule | Feed | Qr | Cut
_STYLE_ON = {
    "bold": {"bold": True}, "underline": {"underline": True}, "wide": {"width": 2},
    "tall": {"height": 2}, "big": {"width": 2, "height": 2},
}
DIRECTIVES = ("left", "center", "right", *_STYLE_ON, "normal", "indent", "line", "feed",
              "qr", "cut", "#")


def literal(value: object) -> str:
    """Return `value` as markup text: each of its lines is text, never a directive."""
    if value is None:
        return ""
    return LITERAL + str(value).replace("\r\n", "\n").replace("\n", "\n" + LITERAL)


def parse_markup(markup: str) -> list[Instruction]:
    """Return the instructions `markup` stands for (see the module docstring)."""
    instructions: list[Instruction] = []
    style, indent = Style(), 0
    lines = markup.split("\n")
    if lines[-1] == "":
        lines.pop()  # the line break that ends the last line
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if not line.startswith("@"):
            text = line[1:] if line.startswith("\\") else line
            instructions.append(TextLine(text.replace(LITERAL, "").rstrip(), style, indent))
            continue
        name, _, arg = line[1:].partition(" ")
        arg = arg.replace(LITERAL, "")
        if name.startswith("#"):
            continue
        try:
            if name in ("left", "center", "right"):
                _no_argument(arg)
                style = dataclasses.replace(style, align=name)
            elif name in _STYLE_ON:
                _no_argument(arg)
                style = dataclasses.replace(style, **_STYLE_ON[name])
            elif name == "normal":
                _no_argument(arg)
                style = Style(align=style.align)
            elif name == "indent":
                indent = _number(arg, 0, 255)
            elif name == "line":
                char = arg.strip() or "-"
                if len(char) != 1:
                    raise MarkupError(f"@line takes one character, not {char!r}")
                instructions.append(Rule(char))
            elif name == "feed":
                instructions.append(Feed(_number(arg, 1, _MAX_FEED) if arg.strip() else 1))
            elif name == "qr":
                if arg.strip():
                    instructions.append(Qr(arg.strip()))
            elif name == "cut":
                if arg.strip() not in ("", "partial"):
                    raise MarkupError(f"@cut takes nothing or 'partial', not {arg.strip()!r}")
                instructions.append(Cut(partial=bool(arg.strip())))
            else:
                shown = name.replace(LITERAL, "")  # a value there is an error, not a directive
                raise MarkupError(f"unknown directive @{shown}; known: "
                                  + ", ".join("@" + d for d in DIRECTIVES))
        except MarkupError as exc:
            raise MarkupError(f"markup line {number} (@{name.replace(LITERAL, '')}): {exc}") \
                from None
    return instructions


def render_markup(markup: str, profile: ReceiptProfile | str = "80mm", *,
                  qr_size: int = DEFAULT_QR_SIZE) -> bytes:
    """Return the ESC/POS job that prints `markup` on `profile`'s paper."""
    builder = ReceiptBuilder(get_profile(profile))
    for instruction in parse_markup(markup):
        _add(builder, instruction, qr_size)
    return builder.build()


def wrap(text: str, columns: int, indent: int = 0) -> list[str]:
    """Return `text` as lines of at most `columns` characters (one line if it is empty).

    Leading spaces indent the first line and `indent` the others, each at most half the line.
    """
    stripped = text.lstrip(" ")
    if not stripped.strip():
        return [""]
    limit = max(columns // 2, 0)
    wrapper = textwrap.TextWrapper(
        width=max(columns, 1), initial_indent=" " * min(len(text) - len(stripped), limit),
        subsequent_indent=" " * min(indent, limit), break_long_words=True,
        break_on_hyphens=False,  # SKUs and lot numbers read better whole
    )
    return wrapper.wrap(stripped)


# --------------------------------------------------------------------- helpers
def _add(builder: ReceiptBuilder, instruction: Instruction, qr_size: int) -> None:
    columns = builder.profile.columns
    if isinstance(instruction, TextLine):
        style = instruction.style
        kwargs = {"align": style.align, "bold": style.bold, "underline": int(style.underline),
                  "width": style.width, "height": style.height}
        text = printable(instruction.text, builder.profile.escpos_profile)
        for line in wrap(text, columns // style.width, instruction.indent):
            builder.line(line, **kwargs)
    elif isinstance(instruction, Rule):
        char = printable(instruction.char, builder.profile.escpos_profile)[:1]
        builder.line((char if char.strip() else "-") * columns)
    elif isinstance(instruction, Feed):
        builder.feed(instruction.lines)
    elif isinstance(instruction, Qr):
        builder.qr(instruction.data, size=_qr_module_size(instruction.data, builder.profile,
                                                          qr_size), center=True)
    else:
        builder.cut(partial=instruction.partial)


def _qr_module_size(data: str, profile: ReceiptProfile, preferred: int) -> int:
    """Return the largest module size up to `preferred` at which the code fits the paper."""
    import qrcode  # python-escpos draws raster QR codes with it; same settings as there

    code = qrcode.QRCode(version=None, border=1,
                         error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    try:
        code.make(fit=True)
    except qrcode.exceptions.DataOverflowError:
        raise MarkupError(f"QR data of {len(data)} characters is too long for a QR code") \
            from None
    fits = profile.width_px // (code.modules_count + 2)  # + a one-module border each side
    if fits < 1:
        raise MarkupError(f"QR code of {len(data)} characters is wider than {profile.name}"
                          " paper")
    return max(1, min(preferred, fits, 16))


def _no_argument(arg: str) -> None:
    if arg.strip():
        raise MarkupError(f"takes no argument, got {arg.strip()!r}")


def _number(arg: str, low: int, high: int) -> int:
    try:
        value = int(arg.strip())
    except ValueError:
        raise MarkupError(f"needs a whole number, not {arg.strip()!r}") from None
    if not low <= value <= high:
        raise MarkupError(f"needs a number from {low} to {high}, not {value}")
    return value
