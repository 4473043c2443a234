"""Render an order's packing slip and personal insert as an ESC/POS job.

    job = render_insert(data, profile="58mm", review_url_template=
                        "https://shop.example/review/{order_id}")
    EscPosPrinter(url, profile="58mm").print_job(job)

Templates are Jinja2 files producing insert markup (`station.printing.insert_markup`), so a
site changes wording, order and layout without code. `render_insert(..., template="insert")`
looks for, in this order, taking the first that exists:

    <brand>/<channel>/insert.j2    <brand>/insert.j2    insert.j2

first in `templates_dir` (a site's override folder, when given) and then in the shipped
`resources/templates/inserts/`, name by name: a shipped brand template wins over a generic
one in the override folder. Brand and channel come from the call or else from the data; they
are matched lower-cased, with characters other than a-z, 0-9, "_" and "-" turned into "-"
("Acme Outdoor" -> `acme-outdoor/`). Files starting with "_" are partials to `{% include %}`.

Templates run sandboxed with these variables: `order_number`, `order_id`, `first_name`,
`message`, `lines` (`InsertLine`: `sku`, `title`, `qty`, `lot`, `serials`), `total_qty`,
`review_url`, `returns_url` (both "" when there is none: leave the block out), `tips` (care
tips for the packed categories), `station_id`, `packer_name`, `brand`, `channel`,
`packed_at` (datetime), `profile` ("80mm"/"58mm") and `columns` (characters per line). An
unknown variable is an error. Every `{{ value }}` is text: data never becomes a directive.

URLs: an order's own `review_url` / `returns_url` win; when one is empty the matching URL
template is filled in, with fields `{order_id}`, `{order_number}` and `{first_name}`, each
percent-encoded ("Léa" -> "L%C3%A9a"). Any other field, an attribute, index, conversion or
format spec is an `UrlTemplateError`, checked even when the order has its own URL, so a bad
setting shows on the first insert. Characters a URL may not contain (spaces, non-ASCII) are
percent-encoded (UTF-8) before the URL goes into the QR code.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from drivers.receipt_printer.profiles import ReceiptProfile, get_profile
from station.printing.care_tips import CareTips, default_care_tips
from station.printing.insert_markup import DEFAULT_QR_SIZE, InsertError, literal, render_markup

__all__ = [
    "DEFAULT_TEMPLATES_DIR",
    "URL_FIELDS",
    "InsertData",
    "InsertError",
    "InsertLine",
    "InsertTemplateError",
    "UrlTemplateError",
    "check_url_template",
    "fill_url_template",
    "render_insert",
    "render_insert_markup",
    "template_candidates",
]

DEFAULT_TEMPLATES_DIR = Path(str(resources.files("resources"))) / "templates" / "inserts"
URL_FIELDS = ("order_id", "order_number", "first_name")
DEFAULT_MAX_TIPS = 3
_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_NOT_IN_FOLDER_NAME = re.compile(r"[^a-z0-9_-]+")
# RFC 3986 reserved and unreserved characters, and "%" (already-encoded URLs stay as they are).
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


class InsertTemplateError(InsertError):
    """An insert template that cannot be found or rendered (the message says where)."""


class UrlTemplateError(InsertError):
    """A review or returns URL template with an unknown field or bad syntax."""


@dataclass(frozen=True, kw_only=True)
class InsertLine:
    """One packed order line: `qty` of `sku`, with its lot and serial numbers if tracked."""

    sku: str
    title: str
    qty: int
    lot: str = ""
    serials: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "serials", tuple(self.serials))


@dataclass(frozen=True, kw_only=True)
class InsertData:
    """What one order's insert says; `categories` are the packed products' categories."""

    order_number: str
    order_id: str
    customer_first_name: str = ""
    lines: tuple[InsertLine, ...] = ()
    message: str = ""
    review_url: str = ""
    returns_url: str = ""
    categories: tuple[str, ...] = ()
    station_id: str = ""
    packer_name: str = ""
    brand: str = ""
    channel: str = ""
    packed_at: datetime = field(default_factory=lambda: datetime.now().astimezone())

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "categories", tuple(self.categories))


def render_insert(
    data: InsertData, *, profile: ReceiptProfile | str = "80mm", template: str = "insert",
    brand: str = "", channel: str = "", review_url_template: str = "",
    returns_url_template: str = "", templates_dir: str | Path | None = None,
    care_tips: CareTips | None = None, max_tips: int = DEFAULT_MAX_TIPS,
    qr_size: int = DEFAULT_QR_SIZE,
) -> bytes:
    """Return the ESC/POS job bytes of `data`'s insert (see the module docstring).

    `brand` / `channel` override the data's for the template lookup; `care_tips` defaults to
    `resources/care_tips.json`; `qr_size` is the preferred QR module size in dots.
    Raises `InsertError` (`InsertTemplateError`, `UrlTemplateError`, `MarkupError`).
    """
    markup = render_insert_markup(
        data, profile=profile, template=template, brand=brand, channel=channel,
        review_url_template=review_url_template, returns_url_template=returns_url_template,
        templates_dir=templates_dir, care_tips=care_tips, max_tips=max_tips)
    return render_markup(markup, profile, qr_size=qr_size)


def render_insert_markup(
    data: InsertData, *, profile: ReceiptProfile | str = "80mm", template: str = "insert",
    brand: str = "", channel: str = "", review_url_template: str = "",
    returns_url_template: str = "", templates_dir: str | Path | None = None,
    care_tips: CareTips | None = None, max_tips: int = DEFAULT_MAX_TIPS,
) -> str:
    """Return the insert markup `render_insert` prints (for previews and template work)."""
    paper = get_profile(profile)
    names = template_candidates(template, brand or data.brand, channel or data.channel)
    search_path = ((str(templates_dir),) if templates_dir is not None else ()) + (
        str(DEFAULT_TEMPLATES_DIR),)
    context = {
        "order_number": data.order_number, "order_id": data.order_id,
        "first_name": data.customer_first_name, "message": data.message,
        "lines": data.lines, "total_qty": sum(line.qty for line in data.lines),
        "review_url": _resolve_url("review", data.review_url, review_url_template, data),
        "returns_url": _resolve_url("returns", data.returns_url, returns_url_template, data),
        "tips": (care_tips or default_care_tips()).choose(data.categories, max_tips),
        "station_id": data.station_id, "packer_name": data.packer_name,
        "brand": data.brand, "channel": data.channel, "packed_at": data.packed_at,
        "profile": paper.name, "columns": paper.columns,
    }
    environment = _environment(search_path)
    try:
        chosen = environment.select_template(names)
    except jinja2.TemplatesNotFound:
        raise InsertTemplateError(f"no insert template: looked for {', '.join(names)} in "
                                  f"{', '.join(search_path)}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InsertTemplateError(f"{exc.filename}:{exc.lineno}: {exc.message}") from None
    try:
        return chosen.render(context)
    except jinja2.TemplateError as exc:
        raise InsertTemplateError(f"{chosen.filename}: {exc}") from None
    except (TypeError, ValueError, LookupError, ArithmeticError) as exc:
        raise InsertTemplateError(f"{chosen.filename}: {type(exc).__name__}: {exc}") \
            from None


def template_candidates(name: str, brand: str = "", channel: str = "") -> list[str]:
    """Return the template file names tried for `name`, most specific first."""
    if not _TEMPLATE_NAME.fullmatch(name):
        raise InsertTemplateError(f"insert template name must be letters, digits, '_' or '-'"
                                  f" (not starting with '_'), not {name!r}")
    file, brand, channel = f"{name}.j2", _folder(brand), _folder(channel)
    names = [f"{brand}/{channel}/{file}"] if brand and channel else []
    return names + ([f"{brand}/{file}"] if brand else []) + [file]


def check_url_template(template: str, what: str = "URL") -> None:
    """Raise `UrlTemplateError` unless `template` uses only `URL_FIELDS`, plainly."""
    _parse_url_template(template, what)


def fill_url_template(template: str, *, order_id: str, order_number: str,
                      first_name: str, what: str = "URL") -> str:
    """Return `template` with its fields replaced by percent-encoded values."""
    values = {"order_id": order_id, "order_number": order_number, "first_name": first_name}
    return "".join(text if name is None else quote(str(values[name]), safe="")
                   for text, name in _parse_url_template(template, what))


# --------------------------------------------------------------------- helpers
def _parse_url_template(template: str, what: str) -> list[tuple[str, str | None]]:
    pieces: list[tuple[str, str | None]] = []
    known = ", ".join("{" + f + "}" for f in URL_FIELDS)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise UrlTemplateError(f"{what} template {template!r}: {exc} (write {{{{ and }}}} for"
                               " a literal brace)") from None
    for text, name, spec, conversion in parsed:
        pieces.append((text, None))
        if name is None:
            continue
        if name not in URL_FIELDS:
            raise UrlTemplateError(f"{what} template {template!r} names unknown field "
                                   f"{{{name}}}; it may use {known}")
        if spec or conversion:
            raise UrlTemplateError(f"{what} template {template!r}: {{{name}}} takes no format"
                                   " spec or conversion")
        pieces.append(("", name))
    return pieces


def _resolve_url(what: str, url: str, template: str, data: InsertData) -> str:
    check_url_template(template, f"{what} URL")
    url = url.strip()
    if not url and template:
        url = fill_url_template(template, order_id=data.order_id,
                                order_number=data.order_number,
                                first_name=data.customer_first_name, what=f"{what} URL")
    return quote(url, safe=_URL_SAFE)


def _folder(name: str) -> str:
    return _NOT_IN_FOLDER_NAME.sub("-", name.casefold()).strip("-")


@functools.lru_cache(maxsize=16)
def _environment(search_path: Iterable[str]) -> ImmutableSandboxedEnvironment:
    # Sandboxed: templates are site-editable files, not code. auto_reload (the default)
    # picks up an edited template on the next insert.
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(list(search_path), encoding="utf-8"),
        undefined=jinja2.StrictUndefined, autoescape=False, finalize=literal,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,  # for includes
    )
