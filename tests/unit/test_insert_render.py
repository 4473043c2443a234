"""Packing slip and insert rendering: printable text, markup, URL templates, lookup, golden jobs.

Golden jobs: every shipped insert template is rendered for 58 mm and 80 mm paper from one
fixed order and compared byte for byte with `tests/golden/inserts/<template>-<paper>.bin`
(the `.txt` next to it is the job's text, for reviewing a change). After an intended change
to a template, the markup or python-escpos, regenerate them and review the diff:

    PACKBENCH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_insert_render.py
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.receipt_printer import ReceiptBuilder
from drivers.receipt_printer.elements import Command, RasterImage, Text, job_text
from drivers.receipt_printer.elements import Cut as JobCut
from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from drivers.receipt_printer.job import parse_job
from station.printing.care_tips import CareTips, CareTipsError, default_care_tips
from station.printing.insert import (
    InsertData,
    InsertLine,
    InsertTemplateError,
    UrlTemplateError,
    fill_url_template,
    render_insert,
    render_insert_markup,
    template_candidates,
)
from station.printing.insert_markup import (
    Cut,
    Feed,
    MarkupError,
    Qr,
    Rule,
    Style,
    TextLine,
    literal,
    parse_markup,
    render_markup,
    wrap,
)
from station.printing.insert_text import printable, printable_chars

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "inserts"
UPDATE_GOLDEN = os.environ.get("PACKBENCH_UPDATE_GOLDEN") == "1"
REVIEW = "https://shop.example/review/{order_id}"
RETURNS = "https://shop.example/returns/{order_number}?name={first_name}"
COLUMNS = {"58mm": 32, "80mm": 48}


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


def _order(**changes) -> InsertData:
    fields = dict(
        order_number="SO-100118", order_id="ord_6tqaexaaf77wkm", customer_first_name="Léa",
        lines=[
            InsertLine(sku="ELE-0020", qty=1, serials=["SN-884213"],
                       title="Voltwise Wireless Noise-Cancelling Headphones, Midnight Blue"),
            InsertLine(sku="COS-0004", qty=2, lot="L2024-07",
                       title="Crème de Jour Hydratante, Peau Sèche, 50 ml"),
            InsertLine(sku="APP-0001", qty=12,
                       title="Hollow Pine Organic Cotton T-Shirt, Off-White, S"),
        ],
        message="Merci pour ta commande, Léa ! Grüße, ¡Olé!, 5 € de réduction, Straße.",
        categories=["Electronics", "Cosmetics", "Apparel"], station_id="ST-01",
        packer_name="Ana", packed_at=datetime(2025, 3, 14, 10, 22, tzinfo=UTC),
    )
    fields.update(changes)
    return InsertData(**fields)


def _parse(job: bytes):
    elements = parse_job(job)
    return elements, job_text(elements)


def _squash(text: str) -> str:
    return "".join(text.split())


def _line_widths(elements) -> list[int]:
    """Return each printed line's width in columns (double-width text counts twice)."""
    widths, current = [], 0
    for element in elements:
        if isinstance(element, Text):
            current += len(element.text) * element.style.width
        elif isinstance(element, Command) and element.name == "LF":
            widths.append(current)
            current = 0
    return widths


# ------------------------------------------------------------------ printable text
@pytest.mark.parametrize("text", [
    "Grüße ü é ñ ß €", "Łódź, Čeština, Türkçe ğş", "Ωmega Ελλάδα", "Привет", "עברית",
    "العربية 50% ok", "ไทย", "“quoted” – dash… • ™ °C", "Ærø Øster Åse",
])
def test_these_print_as_themselves_and_the_parser_reads_them_back(text):
    assert printable(text) == text
    assert _parse(ReceiptBuilder().text(text).build())[1] == text


@pytest.mark.parametrize(("text", "printed"), [
    ("Tiếng Việt ơ ư", "Tiêng Viêt o u"),  # TCVN-3 is not a table printers share
    ("ǘ", "ü"), ("ﬁx Ａ ①", "fix A 1"), ("e\u0301", "é"), ("q\u0303", "q"),
    ("日本語 中文", "??? ??"),  # python-escpos would send GB18030 bytes
    ("emoji 😀", "emoji ?"),
    ("a\tb\x1b@c\u200bd\xade\xa0f\x85g", "a b@cde fg"),  # no printer commands from data
])
def test_fallbacks_are_the_documented_ones(text, printed):
    assert printable(text) == printed
    assert _parse(ReceiptBuilder().text(printed).build())[1] == printed


def test_a_percent_after_arabic_stays_a_percent():
    # Only PC864 has "ﻻ", and python-escpos would stay on that table, where 0x25 is "٪".
    assert _parse(ReceiptBuilder().text("ﻻ 50%").build())[1] == "ﻻ 50٪"
    job = ReceiptBuilder().text(printable("ﻻ 50% ٣")).build()
    assert b"\x1bt\x25" not in job
    assert _parse(job)[1] == printable("ﻻ 50% ٣") == "لا 50% 3"
    assert not {"ﻻ", "٣"} & printable_chars()


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_printable_text_always_reads_back_exactly(text):
    shown = printable(text)
    assert printable(shown) == shown
    assert _parse(ReceiptBuilder().text(shown).build())[1] == shown


# ------------------------------------------------------------------------- markup
def test_markup_directives_become_instructions():
    markup = ("@center\n@big\nHi\n@normal\n@bold\n@underline\nB\n@tall\n@wide\nW\n@normal\n"
              "@indent 4\nT\n@line\n@line =\n@feed\n@feed 3\n@qr https://x.example/1\n@qr\n"
              "@# note\n\\@cut\n\n@cut partial\n@right\nR\n@cut\n")
    assert parse_markup(markup) == [
        TextLine("Hi", Style("center", width=2, height=2)),
        TextLine("B", Style("center", bold=True, underline=True)),
        TextLine("W", Style("center", bold=True, underline=True, width=2, height=2)),
        TextLine("T", Style("center"), indent=4), Rule("-"), Rule("="), Feed(1), Feed(3),
        Qr("https://x.example/1"), TextLine("@cut", Style("center"), indent=4),
        TextLine("", Style("center"), indent=4), Cut(partial=True),
        TextLine("R", Style("right"), indent=4), Cut(),
    ]


@pytest.mark.parametrize(("markup", "message"), [
    ("ok\n@banner\n", "markup line 2 (@banner): unknown directive @banner"),
    ("@bold please", "markup line 1 (@bold): takes no argument"),
    ("@indent x", "needs a whole number"), ("@feed 0", "from 1 to 255"),
    ("@line ==", "one character"), ("@cut now", "'partial'"), ("@", "unknown directive @;"),
])
def test_bad_markup_names_the_line(markup, message):
    with pytest.raises(MarkupError, match=re.escape(message)):
        parse_markup(markup)


def test_substituted_values_never_become_directives():
    value = "@cut\n@qr https://evil.example\r\n\\x"
    instructions = parse_markup(f"{literal(value)}\n@qr {literal('https://ok.example')}\n")
    assert instructions == [TextLine("@cut"), TextLine("@qr https://evil.example"),
                            TextLine("\\x"), Qr("https://ok.example")]


def test_a_message_full_of_directives_prints_as_text():
    data = _order(message="@cut\n@qr https://evil.example\n\\@big", customer_first_name="@feed")
    elements, text = _parse(render_insert(data))
    assert sum(isinstance(e, JobCut) for e in elements) == 1
    assert not any(isinstance(e, RasterImage) for e in elements)
    assert "@cut\n@qr https://evil.example\n\\@big\n" in text and "Thank you, @feed!" in text


def test_wrapping_keeps_every_character_and_indents():
    assert wrap("", 10) == [""]
    assert wrap("  two words", 8, indent=3) == ["  two", "   words"]
    assert wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert wrap("a" + " " * 30 + "b", 10, indent=40) == ["a", "     b"]  # indent <= half


def test_styles_and_rules_reach_the_printer():
    elements, text = _parse(render_markup("@big\nBIG\n@normal\n@line\nplain\n@cut", "58mm"))
    runs = {e.text: e.style for e in elements if isinstance(e, Text)}
    assert (runs["BIG"].width, runs["BIG"].height, runs["plain"].width) == (2, 2, 1)
    assert text.split("\n")[:3] == ["BIG", "-" * 32, "plain"]


def test_a_qr_code_shrinks_to_fit_narrow_paper():
    url = "https://shop.example/review/" + "x" * 600
    [image] = [e.image for e in parse_job(render_markup(f"@qr {url}", "58mm"))
               if isinstance(e, RasterImage)]
    assert image.width <= 384


# ---------------------------------------------------------------- URL templates
def test_url_templates_fill_percent_encoded_fields():
    assert fill_url_template(RETURNS, order_id="o1", order_number="SO 1/2",
                             first_name="Léa") == \
        "https://shop.example/returns/SO%201%2F2?name=L%C3%A9a"
    assert fill_url_template("https://x.example/{{raw}}/{order_id}", order_id="o1",
                             order_number="", first_name="") == "https://x.example/{raw}/o1"


@pytest.mark.parametrize(("template", "message"), [
    ("https://x.example/{order}", r"unknown field \{order\}; it may use \{order_id\}"),
    ("https://x.example/{}", r"unknown field \{\}"),
    ("https://x.example/{order_id.__class__}", "unknown field"),
    ("https://x.example/{order_id[0]}", "unknown field"),
    ("https://x.example/{order_id!r}", "no format spec or conversion"),
    ("https://x.example/{order_id:>9}", "no format spec or conversion"),
    ("https://x.example/{order_id", "literal brace"),
])
def test_a_bad_url_template_is_a_clear_error_even_when_the_order_has_urls(template, message):
    with pytest.raises(UrlTemplateError, match="review URL template.*" + message):
        render_insert(_order(review_url="https://own.example/r"), review_url_template=template)
    with pytest.raises(UrlTemplateError, match="returns URL template"):
        render_insert(_order(), returns_url_template=template)


def test_the_orders_own_url_wins_and_odd_characters_are_encoded():
    markup = render_insert_markup(_order(review_url=" https://own.example/r/ä b?x=1 "),
                                  review_url_template=REVIEW).replace("\x00", "")
    assert "@qr https://own.example/r/%C3%A4%20b?x=1\n" in markup


@pytest.mark.parametrize("profile", ["58mm", "80mm"])
def test_no_url_and_no_template_leaves_that_qr_block_out(profile):
    data = _order(review_url="", returns_url="")
    both = parse_job(render_insert(data, profile=profile, review_url_template=REVIEW,
                                   returns_url_template=RETURNS))
    review_only = parse_job(render_insert(data, profile=profile, review_url_template=REVIEW))
    neither = parse_job(render_insert(data, profile=profile))
    counts = [sum(isinstance(e, RasterImage) for e in job)
              for job in (both, review_only, neither)]
    assert counts == [2, 1, 0]
    assert "Scantoleaveareview" in _squash(job_text(review_only))
    assert "Scantostartareturn" not in _squash(job_text(review_only))
    assert "Scan" not in job_text(neither)


# ------------------------------------------------------------------ template lookup
def test_template_names_are_tried_most_specific_first():
    assert template_candidates("insert", "Acme Outdoor", "Web Shop") == [
        "acme-outdoor/web-shop/insert.j2", "acme-outdoor/insert.j2", "insert.j2"]
    assert template_candidates("packing_slip", "", "amazon") == ["packing_slip.j2"]
    assert template_candidates("insert", "../..", "") == ["insert.j2"]
    for bad in ("_packed_lines", "../insert", "insert.j2", ""):
        with pytest.raises(InsertTemplateError, match="template name"):
            template_candidates(bad)


def test_brand_and_channel_overrides_are_picked():
    generic = job_text(parse_job(render_insert(_order())))
    brand = job_text(parse_job(render_insert(_order(brand="ACME"))))
    channel = job_text(parse_job(render_insert(_order(brand="acme", channel="Amazon"))))
    by_argument = job_text(parse_job(render_insert(_order(brand="other"), brand="acme")))
    assert "Thank you, Léa!" in generic and "ACME" not in generic
    assert "Cheers, Léa!" in brand and brand == by_argument
    assert "Your Orders on Amazon" in channel and "Cheers" not in channel
    unknown_channel = job_text(parse_job(render_insert(_order(brand="acme", channel="ebay"))))
    assert unknown_channel == brand


def test_an_override_folder_is_searched_first_and_edits_show_at_once(tmp_path):
    template = tmp_path / "insert.j2"
    template.write_text("@center\nHello {{ first_name }}\n\\@{{ order_number }}\n@cut\n")
    first = job_text(parse_job(render_insert(_order(), templates_dir=tmp_path)))
    template.write_text("Bye {{ first_name }}\n")
    os.utime(template, (1_700_000_000, 1_700_000_000))  # a new mtime, however coarse
    second = job_text(parse_job(render_insert(_order(), templates_dir=tmp_path)))
    assert (first, second) == ("Hello Léa\n@SO-100118\n", "Bye Léa\n")
    # Name by name: the shipped brand template is more specific than a generic override.
    assert "Cheers" in job_text(parse_job(render_insert(_order(brand="acme"),
                                                        templates_dir=tmp_path)))


@pytest.mark.parametrize(("source", "message"), [
    ("{% if %}", r"insert.j2:1: .*"), ("{{ nope }}", "'nope' is undefined"),
    ("{{ order_number.__class__ }}", "insert.j2: .*unsafe"),
    ("{{ 1 // 0 }}", "ZeroDivisionError"), ("{% include 'missing.j2' %}", "missing.j2"),
    ("@wobble", "unknown directive @wobble"),
])
def test_a_broken_template_is_a_clear_error(tmp_path, source, message):
    (tmp_path / "insert.j2").write_text(source)
    with pytest.raises((InsertTemplateError, MarkupError), match=message):
        render_insert(_order(), templates_dir=tmp_path)


def test_a_missing_template_says_where_it_looked(tmp_path):
    with pytest.raises(InsertTemplateError, match=r"acme/gift\.j2, gift\.j2 in .*inserts"):
        render_insert(_order(brand="acme"), template="gift", templates_dir=tmp_path)


# ---------------------------------------------------------------------- care tips
def test_tips_take_one_per_category_in_turn_without_repeats():
    tips = CareTips({"Shoes": ["s1", "s2", "shared"], " books ": ["b1", "shared", "b3"]})
    assert tips.choose(["BOOKS", "Shoes", "books"], limit=5) == ["b1", "s1", "shared", "s2",
                                                                "b3"]
    assert tips.choose(["Shoes", "Books"], limit=2) == ["s1", "b1"]
    assert tips.choose(["Garden"]) == [] and tips.choose(["Shoes"], limit=0) == []


def test_every_demo_category_has_short_tips():
    catalogue = (ROOT / "resources/demo/products.jsonl").read_text(encoding="utf-8")
    categories = {json.loads(line)["category"] for line in catalogue.splitlines()}
    tips = default_care_tips()
    for category in categories:
        chosen = tips.choose([category], limit=10)
        assert len(chosen) >= 2, category
        assert all(len(t) <= 80 and printable(t) == t for t in chosen), category


def test_a_bad_tips_file_is_a_clear_error(tmp_path):
    path = tmp_path / "tips.json"
    for content in ("{", '["a"]', '{"Shoes": "one tip"}'):
        path.write_text(content)
        with pytest.raises(CareTipsError):
            CareTips.load(path)


# ------------------------------------------------------------------------ content
@pytest.mark.parametrize("profile", ["58mm", "80mm"])
def test_the_default_insert_says_everything_in_order(profile):
    data = _order()
    elements, text = _parse(render_insert(data, profile=profile, review_url_template=REVIEW,
                                          returns_url_template=RETURNS))
    flat = _squash(text)
    tips = default_care_tips().choose(data.categories, 3)
    first, second, third = (_squash(f"{line.qty} x {line.title}") for line in data.lines)
    parts = ["Thankyou,Léa!", _squash(data.message), "OrderSO-100118", first, "S/NSN-884213",
             second, "LotL2024-07", third, "Scantoleaveareview", "Scantostartareturn",
             *map(_squash, tips), "PackedbyAnaatST-01", "2025-03-1410:22"]
    positions = [flat.find(part) for part in parts]
    assert -1 not in positions, [p for p, i in zip(parts, positions, strict=True) if i < 0]
    assert positions == sorted(positions)
    assert max(_line_widths(elements)) <= COLUMNS[profile]
    assert isinstance(elements[-1], JobCut)


# ------------------------------------------------------------------------- golden
GOLDEN_CASES = [("insert", "", ""), ("packing_slip", "", ""), ("insert", "acme", ""),
                ("insert", "acme", "amazon")]


@pytest.mark.parametrize("profile", ["58mm", "80mm"])
@pytest.mark.parametrize(("template", "brand", "channel"), GOLDEN_CASES)
def test_golden_job(template, brand, channel, profile):
    job = render_insert(_order(), profile=profile, template=template, brand=brand,
                        channel=channel, review_url_template=REVIEW,
                        returns_url_template=RETURNS)
    stem = "-".join(p for p in (brand, channel, template, profile) if p)
    path, view = GOLDEN / f"{stem}.bin", GOLDEN / f"{stem}.txt"
    if UPDATE_GOLDEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_bytes(job)
        view.write_text(job_text(parse_job(job)), encoding="utf-8")
    assert path.exists(), f"no golden job {path.name}: run with PACKBENCH_UPDATE_GOLDEN=1"
    assert job_text(parse_job(job)) == view.read_text(encoding="utf-8")
    assert job == path.read_bytes()


# ---------------------------------------------------------------------- property
names = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=names, message=texts, titles=st.lists(texts, min_size=1, max_size=3),
       profile=st.sampled_from(["58mm", "80mm"]),
       template=st.sampled_from([("insert", ""), ("packing_slip", ""), ("insert", "acme")]))
def test_any_text_renders_and_prints_in_full(first, message, titles, profile, template):
    lines = [InsertLine(sku=f"SKU-{i}", title=t, qty=i + 1) for i, t in enumerate(titles)]
    data = _order(customer_first_name=first, message=message, lines=lines)
    name, brand = template
    elements, text = _parse(render_insert(data, profile=profile, template=name, brand=brand,
                                          review_url_template=RETURNS))
    flat = _squash(text)
    if name == "insert":
        assert _squash(printable(first)) in flat
        assert _squash(printable(message)) in flat
    for line in lines:
        assert _squash(f"{line.qty} x {printable(line.title)}") in flat
    assert max(_line_widths(elements)) <= COLUMNS[profile]
    assert sum(isinstance(e, Cut) for e in parse_markup(
        render_insert_markup(data, template=name, brand=brand))) == 1
