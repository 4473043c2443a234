"""Load ZPL label templates (Jinja2) and give them dpi-independent, overflow-safe fields.

Where templates live
    Packaged templates are read with `importlib.resources` from `resources/templates/`
    (so they work from an installed wheel); label templates are under `labels/`. An extra
    folder passed as `templates_dir` has the same layout (`<dir>/labels/...`) and wins over
    the packaged files.

Lookup order for a label template `name` (file `<name>.zpl.j2`), brand `b`, channel `c`:

    1. labels/<b>/<c>/<name>.zpl.j2     this brand on this sales channel (with b and c)
    2. labels/<b>/<name>.zpl.j2         this brand (with b)
    3. labels/<name>.zpl.j2             the default

    The most specific file wins; for each candidate the `templates_dir` folder is tried
    before the packaged templates. Brand and channel are slugs (a-z, 0-9, "_", "-").
    An override may `{% extends "labels/<name>.zpl.j2" %}` and replace only some blocks;
    that name is looked up the same way, so it finds a `templates_dir` default first.
    Compiled templates are cached per folder: edits to a file are seen, but a new file
    that shadows one already used is only seen after a restart.

Writing a template
    Write coordinates in 203 dpi dots (8 dots/mm); `{{ 100|d }}` scales them to the dpi
    being rendered (12 dots/mm at 300 dpi: 150). Text goes through `text(...)`, which folds
    it to what the printer fonts have (`fold_text`), wraps and truncates it to the field
    block so it never overprints or overflows, and escapes it for `^FH^FD`; `|zpl` only
    folds and escapes, for one-line fields whose length the template controls. Barcodes:
    `code128(...)` and `gs1_128(...)`. StrictUndefined: a missing value is an error.

ZPL field data escapes (`^FH`, indicator `_`): `^` -> `_5E`, `~` -> `_7E`, `_` -> `_5F`,
because raw `^` and `~` would start commands. Inside a `^FB` block a backslash is a control
(`\\&` new line), even when hex-escaped, so it is doubled there (`\\\\` prints one).
"""

from __future__ import annotations

import functools
import math
import re
import textwrap
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

__all__ = [
    "DOTS_PER_MM", "LabelError", "LabelTemplateError", "TemplateRef", "code128_field",
    "environment", "fit_lines", "fold_text", "gs1_128_field", "label_candidates",
    "label_templates", "scale", "select_label_template", "text_field", "zpl_escape",
]

DOTS_PER_MM = {203: 8, 300: 12}  # Zebra "300 dpi" heads are 12 dots/mm: 4 in = 1218 dots
DESIGN_DPI = 203
SUFFIX = ".zpl.j2"
ELLIPSIS = "…"
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


class LabelError(ValueError):
    """A label cannot be made from this data or template."""


class LabelTemplateError(LabelError):
    """No such label template, or a template that does not render."""


# ------------------------------------------------------------------ dpi scaling
def _dpmm(dpi: int) -> int:
    try:
        return DOTS_PER_MM[dpi]
    except KeyError:
        raise LabelError(f"dpi must be one of {sorted(DOTS_PER_MM)}, not {dpi!r}") from None


def scale(dots: float, dpi: int) -> int:
    """Return 203-dpi `dots` at `dpi`, rounded half up."""
    return math.floor(dots * _dpmm(dpi) / 8 + 0.5)


def _scale_down(n: int, dpi: int) -> int:
    # Magnifications and module widths round down, so a field never grows past its design.
    return max(1, n * _dpmm(dpi) // 8)


# ------------------------------------------------------------------------ text
def _repertoire() -> frozenset[str]:
    chars = set()
    for b in range(0x20, 0x100):
        try:
            chars.add(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            continue
    # DEL, NBSP and the soft hyphen are not glyphs; rendered resident fonts lack the macron
    # and draw a backslash as "¢", and in a ^FB block a backslash is an escape anyway.
    return frozenset(chars - {"\x7f", "\xa0", "\xad", "¯", "\\"})


PRINTABLE = _repertoire()
_FALLBACK = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t",
    "Ŀ": "L", "ŀ": "l", "Ŋ": "N", "ŋ": "n", "ĸ": "k", "ſ": "s", "ẞ": "SS", "Ə": "E", "ə": "e",
    "¯": "-", "−": "-", "‐": "-", "‑": "-", "\\": "/",
}


def fold_text(text: str) -> str:
    """Return `text` in the characters the printer's resident fonts have (Windows-1252's).

    NFC first; kept as is if printable (ü, é, ß, Œ, €); else a listed fallback (Ł -> L),
    else the letter without its accents (ő -> o, č -> c), else "?". Controls and format
    characters are dropped, any run of white space becomes one space.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", str(text)):
        cat = unicodedata.category(ch)
        if ch.isspace() or cat == "Zs":
            out.append(" ")
        elif cat.startswith("C") or cat in ("Mn", "Me"):
            continue
        elif ch in PRINTABLE:
            out.append(ch)
        elif ch in _FALLBACK:
            out.append(_FALLBACK[ch])
        else:
            bare = "".join(c for c in unicodedata.normalize("NFKD", ch)
                           if not unicodedata.combining(c))
            out.append(bare if bare and all(c in PRINTABLE for c in bare) else "?")
    return " ".join("".join(out).split())


def zpl_escape(text: str, *, block: bool = False) -> str:
    """Escape printable text for `^FH^FD` (and a `^FB` block when `block`)."""
    if block:
        text = text.replace("\\", "\\\\")
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def fit_lines(paragraphs: Sequence[str], chars: int, max_lines: int) -> list[str]:
    """Wrap paragraphs to lines of at most `chars`, in at most `max_lines` lines.

    Every paragraph keeps at least its first line while there is room: when the text is
    too long, the paragraph using the most lines gives one up (the earliest on a tie),
    and a shortened paragraph ends in "…". Paragraphs left over at the end are dropped.
    """
    if chars < 1 or max_lines < 1:
        raise LabelError("a text field needs room for at least one character and line")
    wrapped = [textwrap.wrap(p, chars, break_on_hyphens=False) for p in paragraphs]
    wrapped = [w for w in wrapped if w]
    allot = [len(w) for w in wrapped]
    while sum(allot) > max_lines and max(allot, default=0) > 1:
        allot[allot.index(max(allot))] -= 1
    if sum(allot) > max_lines:
        allot, wrapped = allot[:max_lines], wrapped[:max_lines]
    lines: list[str] = []
    for w, n in zip(wrapped, allot, strict=True):
        kept = w[:n]
        if n < len(w):
            kept[-1] = kept[-1][: chars - 1].rstrip() + ELLIPSIS
        lines.extend(kept)
    return lines


@dataclass(frozen=True, slots=True)
class _Font:
    height: int  # dots at magnification 1
    width: int
    gap: int  # between characters


# Zebra resident bitmap fonts: the same dot matrix at every dpi.
FONTS = {"A": _Font(9, 5, 1), "B": _Font(11, 7, 2), "D": _Font(18, 10, 2),
         "F": _Font(26, 13, 3), "G": _Font(60, 40, 8)}


@functools.lru_cache(maxsize=64)
def pick_font(font: str, mag: int, dpi: int) -> tuple[str, int]:
    """Return the bitmap font and magnification at `dpi` closest to `font` x `mag` at 203.

    Bitmap fonts keep their dot matrix at every dpi, so the design height is scaled and the
    font chosen among those 85-100 % as tall: the design font if it is one, else the lowest
    magnification (sharpest glyphs), then the closest character pitch. At 300 dpi font D x 1
    (18 dots, 2.25 mm) becomes font F x 1 (26 dots, 2.2 mm) and D x 2 becomes D x 3.
    """
    f = FONTS[font]
    height, pitch = scale(f.height * mag, dpi), scale((f.width + f.gap) * mag, dpi)
    fitting = [(name, m) for name, g in FONTS.items() for m in range(1, 11)
               if g.height * m <= height]
    close = [c for c in fitting if FONTS[c[0]].height * c[1] * 100 >= height * 85]
    if not close:  # nothing near: the tallest that fits
        return max(fitting, key=lambda c: FONTS[c[0]].height * c[1], default=(font, 1))
    return min(close, key=lambda c: (c[0] != font, c[1], abs(
        (FONTS[c[0]].width + FONTS[c[0]].gap) * c[1] - pitch)))


def text_field(x: int, y: int, value: object | Sequence[object], *, width: int, dpi: int,
               font: str = "D", mag: int = 1, lines: int = 1, spacing: int = 4,
               justify: str = "L") -> str:
    """Return `^FO ^A ^FB ^FH ^FD ^FS` for text in a block `width` dots wide, `lines` high.

    Sizes are 203-dpi dots; `value` is one text (or number) or a list of paragraphs, each
    starting a line. The block height is lines * (font height * mag + spacing) - spacing. Empty
    text gives an empty string: no field.
    """
    if font not in FONTS or justify not in ("L", "C", "R"):
        raise LabelTemplateError(f"text field: font must be one of {sorted(FONTS)} and "
                                 f"justify L, C or R, not {font!r}/{justify!r}")
    name, m = pick_font(font, mag, dpi)
    f = FONTS[name]
    w, pitch = scale(width, dpi), scale(FONTS[font].height * mag + spacing, dpi)
    paragraphs = list(value) if isinstance(value, (list, tuple)) else [value]
    folded = [fold_text(p) for p in paragraphs]
    rows = fit_lines(folded, w // ((f.width + f.gap) * m), lines)
    if not rows:  # nothing to print: no field at all
        return ""
    data = "\\&".join(zpl_escape(r, block=True) for r in rows)
    return (f"^FO{scale(x, dpi)},{scale(y, dpi)}^A{name}N,{f.height * m},{f.width * m}"
            f"^FB{w},{lines},{pitch - f.height * m},{justify},0^FH^FD{data}^FS")


# --------------------------------------------------------------------- barcodes
_CODE128_DATA = re.compile(r"[0-9A-Za-z]{1,40}")


def code128_field(x: int, y: int, data: str, *, height: int, module: int, dpi: int,
                  label_width: int, min_module: int = 2, hri: bool = True) -> str:
    """Return a Code 128 field (`^BC`, automatic subsets) that fits the label width.

    The module width shrinks from `module` towards `min_module` (203-dpi dots) until the
    worst case, all subset B, fits between `x` and the same margin on the right, with the
    10-module quiet zone inside that margin; if even `min_module` is too wide, LabelError.
    """
    if not isinstance(data, str) or not _CODE128_DATA.fullmatch(data):
        raise LabelError(f"Code 128 data must be 1-40 letters and digits, not {data!r}")
    modules = 11 * (len(data) + 3) + 2  # start, data, check, stop
    left = scale(x, dpi)
    room = scale(label_width, dpi) - 2 * left
    mw, least = _scale_down(module, dpi), _scale_down(min_module, dpi)
    while mw > least and (mw * modules > room or 10 * mw > left):
        mw -= 1
    if mw * modules > room or 10 * mw > left:
        raise LabelError(f"Code 128 of {data!r} does not fit in {room} dots with modules of "
                         f"{least} dots or more")
    return (f"^FO{left},{scale(y, dpi)}^BY{mw}^BCN,{scale(height, dpi)},"
            f"{'Y' if hri else 'N'},N,N,A^FD{data}^FS")


def gs1_128_field(y: int, element_string: str, *, height: int, module: int, dpi: int,
                  label_width: int) -> str:
    """Return a GS1-128 field, centred: `>;` subset C, `>8` FNC1, then the digits.

    Subset C packs two digits per symbol character; an odd count would silently lose a
    digit on the printer, so only an even number of digits is accepted.
    """
    if not element_string.isascii() or not element_string.isdigit() or len(element_string) % 2:
        raise LabelError(f"GS1-128 element string must be an even number of digits, "
                         f"not {element_string!r}")
    modules = 11 * (2 + len(element_string) // 2 + 1) + 13  # start C, FNC1, pairs, check, stop
    mw = _scale_down(module, dpi)
    x = (scale(label_width, dpi) - modules * mw) // 2
    if x < 10 * mw:
        raise LabelError(f"GS1-128 of {len(element_string)} digits does not fit the label")
    return (f"^FO{x},{scale(y, dpi)}^BY{mw}^BCN,{scale(height, dpi)},N,N,N,N"
            f"^FD>;>8{element_string}^FS")


# -------------------------------------------------------------- the environment
class _PackagedLoader(jinja2.BaseLoader):
    """Read templates from the `resources/templates` package data."""

    def get_source(self, environment: jinja2.Environment, template: str):
        parts = [p for p in template.split("/") if p]
        if not parts or any(p in (".", "..") or "\\" in p for p in parts):
            raise jinja2.TemplateNotFound(template)
        path = resources.files("resources").joinpath("templates", *parts)
        if not path.is_file():
            raise jinja2.TemplateNotFound(template)
        return path.read_text(encoding="utf-8"), str(path), lambda: True


def _dpi_of(ctx: jinja2.runtime.Context) -> int:
    return ctx["dpi"]


@jinja2.pass_context
def _d(ctx, dots: float) -> int:
    return scale(dots, _dpi_of(ctx))


@jinja2.pass_context
def _zpl(ctx, value: object) -> str:
    return zpl_escape(fold_text(str(value)))


@jinja2.pass_context
def _text(ctx, x: int, y: int, value, **kw) -> str:
    return text_field(x, y, value, dpi=_dpi_of(ctx), **kw)


@jinja2.pass_context
def _code128(ctx, x: int, y: int, data: str, **kw) -> str:
    return code128_field(x, y, data, dpi=_dpi_of(ctx), label_width=ctx["design_width"], **kw)


@jinja2.pass_context
def _gs1_128(ctx, y: int, element_string: str, **kw) -> str:
    return gs1_128_field(y, element_string, dpi=_dpi_of(ctx),
                         label_width=ctx["design_width"], **kw)


@functools.lru_cache(maxsize=8)
def environment(templates_dir: str | None = None) -> jinja2.Environment:
    """Return the template environment, `templates_dir` (if any) before the packaged files."""
    loaders: list[jinja2.BaseLoader] = [_PackagedLoader()]
    if templates_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(str(templates_dir), encoding="utf-8"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
        autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )
    env.filters.update(d=_d, zpl=_zpl)
    env.globals.update(text=_text, code128=_code128, gs1_128=_gs1_128)
    return env


def _slug(kind: str, value: str) -> str:
    if value and not _SLUG.fullmatch(value):
        raise LabelTemplateError(f"{kind} must be a slug (a-z, 0-9, _ and -), not {value!r}")
    return value


def label_candidates(name: str, brand: str = "", channel: str = "") -> list[str]:
    """Return the template names tried for `name`, most specific first (module docstring)."""
    file = _slug("template name", name) + SUFFIX
    brand, channel = _slug("brand", brand), _slug("channel", channel)
    names = [f"labels/{brand}/{channel}/{file}"] if brand and channel else []
    names += [f"labels/{brand}/{file}"] if brand else []
    return [*names, f"labels/{file}"]


def select_label_template(name: str, brand: str = "", channel: str = "",
                          templates_dir: str | Path | None = None) -> jinja2.Template:
    """Return the label template that the lookup order picks; raise LabelTemplateError."""
    env = environment(None if templates_dir is None else str(templates_dir))
    try:
        return env.select_template(label_candidates(name, brand, channel))
    except jinja2.TemplatesNotFound as exc:
        raise LabelTemplateError(f"no label template {name!r}: tried {exc.templates}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise LabelTemplateError(f"label template {exc.name}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class TemplateRef:
    """One packaged label template file: its name, and the brand/channel it overrides for."""

    name: str
    brand: str = ""
    channel: str = ""


def label_templates() -> list[TemplateRef]:
    """Return every packaged label template (defaults and brand/channel overrides)."""
    root = resources.files("resources").joinpath("templates", "labels")

    def walk(node, depth: int) -> Iterator[tuple[list[str], str]]:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_file() and child.name.endswith(SUFFIX):
                yield [], child.name.removesuffix(SUFFIX)
            elif not child.is_file() and depth < 2 and _SLUG.fullmatch(child.name):
                for parts, name in walk(child, depth + 1):
                    yield [child.name, *parts], name

    return [TemplateRef(name, *parts) for parts, name in walk(root, 0)]
