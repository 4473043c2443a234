"""Shipping label rendering: text folding and escapes, lookup order, ZPL structure, goldens.

Golden files: tests/golden/labels/<brand|default>[-<channel>]-<template>-<case>-<dpi>dpi.zpl,
one per packaged template, sample case and dpi. After a deliberate layout change, rewrite
them with

    PACKBENCH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/unit/test_label_render.py

and review the diff (render them with zplkit to look at them).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import zplkit.parse
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.label_printer.protocol import split_formats
from station.printing.gs1_ids import sscc18
from station.printing.label import Address, LabelData, format_weight, render_label
from station.printing.providers import (
    LabelProvider,
    LabelProviderError,
    LabelRequest,
    OfflineLabelProvider,
    SuppliedLabelProvider,
)
from station.printing.templates import (
    LabelError,
    LabelTemplateError,
    code128_field,
    fit_lines,
    fold_text,
    gs1_128_field,
    label_candidates,
    label_templates,
    pick_font,
    scale,
    select_label_template,
    text_field,
    zpl_escape,
)
from station.printing.tracking import s10, validate_s10

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "labels"
UPDATE = os.environ.get("PACKBENCH_UPDATE_GOLDEN") == "1"

SENDER = Address("Packbench Fulfilment GmbH", "Lagerstraße 7", "Hamburg", "20095", "DE")
SAMPLE = LabelData(
    ship_from=SENDER,
    ship_to=Address("Jürgen Müller", "Hauptstraße 123", "München", "80331", "DE",
                    street2="c/o Café Größe", region="Bayern"),
    carrier="Packbench Post", service="Parcel, signature", order_number="SO-2024-000123",
    package_index=1, package_count=2, weight_g=1235, tracking_number="PB473124829DE",
    sscc="106141411234567897", reference="PO 4711", notes="Fragile",
)
LONG = dataclasses.replace(
    SAMPLE,
    ship_from=Address("Łukasz Żółć-Świętochowski Großhandel und Versand " * 3,
                      "ul. Księcia Józefa Poniatowskiego 1234/56 " * 3, "Wrocław " * 9,
                      "50-326", "Polska / Poland " * 5, street2="Ærøskøbing Façade ß " * 6,
                      region="Dolnośląskie " * 6),
    ship_to=Address("Ødegaard-Ünsal Éloïse Ñúñez " * 8, "Straße " * 40, "Ęłk " * 30,
                    "D-12345-XYZ " * 6, "北京 Deutschland 🚚 " * 6,
                    street2="^FS^XZ ~JA _x_ \\ " * 5, region="Região Autónoma " * 5),
    carrier="Überlandspedition Łódź International Express " * 3,
    service="Zustellung mit Unterschrift, Nachnahme, Wunschtag " * 4,
    order_number="AMZ-302-1234567-1234567-ÄÖÜ-" * 5, package_index=999, package_count=999,
    weight_g=9_999_999, tracking_number="A1B2C3D4E5F6G7H8I9J0K1L2M3N4O5",
    reference="Ref ~ ^ _ " * 20, notes="Notizen " * 30,
)
CASES = {"sample": SAMPLE, "long": LONG}


# ------------------------------------------------------------------- text
@pytest.mark.parametrize(("raw", "printed"), [
    ("Jürgen Müller", "Jürgen Müller"),
    ("Straße, Café, Œuvre, 12 €", "Straße, Café, Œuvre, 12 €"),
    ("Łódź", "Lódz"),               # ó is in the fonts, Ł and ź are not
    ("Dvořák Čapek Őrség", "Dvorák Capek Orség"),
    ("e\u0301", "é"),                 # composed first
    ("北京 🚚", "?? ?"),
    ("a\tb\r\nc\u00a0d  e", "a b c d e"),
    ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),
    ("back\\slash", "back/slash"),
    ("macron ¯", "macron -"),
    ("\x00\x1b^XA", "^XA"),
])
def test_fold_text(raw: str, printed: str) -> None:
    assert fold_text(raw) == printed


def test_zpl_escape() -> None:
    assert zpl_escape("a^b~c_d") == "a_5Eb_7Ec_5Fd"
    assert zpl_escape("a\\b") == "a\\b"
    assert zpl_escape("a\\&b", block=True) == "a\\\\&b"


@given(st.text())
def test_folded_and_escaped_text_has_no_commands(text: str) -> None:
    out = zpl_escape(fold_text(text), block=True)
    assert "^" not in out and "~" not in out and "\n" not in out
    assert all(ord(c) >= 0x20 for c in out)


@settings(max_examples=200)
@given(st.lists(st.text(alphabet="ab cdéß-", max_size=80), max_size=6),
       st.integers(1, 40), st.integers(1, 8))
def test_fit_lines_never_exceeds_the_block(paragraphs: list[str], chars: int, lines: int) -> None:
    out = fit_lines(paragraphs, chars, lines)
    assert len(out) <= lines and all(len(line) <= chars for line in out)
    words = [w for p in paragraphs for w in p.split()]
    if len(out) == sum(len(p) for p in (fit_lines([q], chars, 99) for q in paragraphs)):
        assert "".join(out).replace(" ", "") == "".join(words)  # nothing lost when it fits


def test_fit_lines_shortens_the_longest_paragraph_first() -> None:
    out = fit_lines(["aaaa bbbb cccc dddd eeee", "city", "country"], 9, 4)
    assert out == ["aaaa bbbb", "cccc ddd…", "city", "country"]
    assert fit_lines(["a", "b", "c"], 5, 2) == ["a", "b"]


def test_scale_and_fonts_follow_dots_per_mm() -> None:
    assert (scale(812, 300), scale(1218, 300), scale(3, 300)) == (1218, 1827, 5)
    assert scale(812, 203) == 812
    assert pick_font("D", 2, 203) == ("D", 2)
    assert pick_font("D", 1, 300) == ("F", 1)   # 26 dots at 12/mm ~ 18 dots at 8/mm
    assert pick_font("D", 2, 300) == ("D", 3)
    with pytest.raises(LabelError):
        scale(10, 600)


def test_text_field_block_and_escapes() -> None:
    field = text_field(24, 48, ["Grüße ^~_", 42, ""], width=120, lines=3, dpi=203)
    assert field == "^FO24,48^ADN,18,10^FB120,3,4,L,0^FH^FDGrüße _5E_7E_5F\\&42^FS"
    assert text_field(24, 48, " \u200b ", width=120, dpi=203) == ""
    with pytest.raises(LabelTemplateError):
        text_field(0, 0, "x", width=100, dpi=203, font="0")


def test_barcode_fields_guard_their_data() -> None:
    assert "^BY2^BCN,130,Y,N,N,A^FD" in code128_field(40, 0, "A" * 30, height=130, module=3,
                                                       dpi=203, label_width=812)
    with pytest.raises(LabelError, match="does not fit"):
        code128_field(40, 0, "A" * 40, height=130, module=3, dpi=203, label_width=812)
    with pytest.raises(LabelError, match="letters and digits"):
        code128_field(40, 0, "A>;1", height=130, module=3, dpi=203, label_width=812)
    # subset C holds digit pairs: an odd count would lose a digit on the printer
    with pytest.raises(LabelError, match="even number of digits"):
        gs1_128_field(0, "0010614141123456789", height=254, module=4, dpi=203,
                      label_width=812)
    field = gs1_128_field(0, "00106141411234567897", height=254, module=4, dpi=203,
                          label_width=812)
    # 156 modules of 4 dots, centred: (812 - 624) / 2 = 94
    assert field == "^FO94,0^BY4^BCN,254,N,N,N,N^FD>;>800106141411234567897^FS"


def test_weight_in_kg_half_up() -> None:
    assert [format_weight(g) for g in (0, 5, 1234, 1235, 9_999_999)] == [
        "0.00 kg", "0.01 kg", "1.23 kg", "1.24 kg", "10000.00 kg"]


# ------------------------------------------------------------------ lookup
def test_candidates_most_specific_first() -> None:
    assert label_candidates("shipping_4x6", "acme", "amazon") == [
        "labels/acme/amazon/shipping_4x6.zpl.j2", "labels/acme/shipping_4x6.zpl.j2",
        "labels/shipping_4x6.zpl.j2"]
    assert label_candidates("shipping_4x6", "", "amazon") == ["labels/shipping_4x6.zpl.j2"]
    for bad in (("../x", "", ""), ("shipping_4x6", "Acme", ""), ("shipping_4x6", "a/b", "")):
        with pytest.raises(LabelTemplateError):
            label_candidates(*bad)


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_lookup_order_with_an_override_folder(tmp_path: Path) -> None:
    _write(tmp_path, "labels/acme/web/shipping_4x6.zpl.j2",
           '{% extends "labels/acme/shipping_4x6.zpl.j2" %}'
           '{% block ship_to_caption %}^FO24,192^A0N,26,26^FDWEB ORDER^FS{% endblock %}')
    pick = select_label_template
    assert pick("shipping_4x6", "acme", "web", tmp_path).filename.startswith(str(tmp_path))
    assert pick("shipping_4x6", "acme", "shop", tmp_path).name == "labels/acme/shipping_4x6.zpl.j2"
    assert b"WEB ORDER" in render_label(SAMPLE, brand="acme", channel="web", templates_dir=tmp_path)
    assert b"DELIVER TO" in render_label(SAMPLE, brand="acme", channel="shop")
    assert b"SHIP TO" in render_label(SAMPLE, brand="nobody", channel="web")


def test_override_folder_wins_for_each_candidate_but_specificity_first(tmp_path: Path) -> None:
    _write(tmp_path, "labels/shipping_4x6.zpl.j2", "site default")
    pick = select_label_template
    assert pick("shipping_4x6", "other", "", tmp_path).render() == "site default"
    # the packaged brand template is more specific than the site default...
    acme = pick("shipping_4x6", "acme", "", tmp_path)
    assert acme.name == "labels/acme/shipping_4x6.zpl.j2"
    assert not acme.filename.startswith(str(tmp_path))
    # ...and what it extends is looked up again, so it extends the site default
    assert acme.render(design_width=812, dpi=203) == "site default"
    other = tmp_path / "other"
    _write(other, "labels/acme/shipping_4x6.zpl.j2", "site acme")
    assert pick("shipping_4x6", "acme", "", other).render() == "site acme"


@pytest.mark.parametrize(("source", "match"), [
    ("^XA{{ no_such_value }}^XZ", "no_such_value"),
    ("^XA^PW812^LL1218^XZ^XA^XZ", "made 2 formats"),
    ("^XA^CI28^XZ", r"must set \^PW"),
    ("^XA^PW812^LL1218", "no ...XZ|has no"),
    ("^XA{% if %}^XZ", "shipping_4x6"),
])
def test_broken_templates_raise_label_template_error(tmp_path: Path, source: str,
                                                    match: str) -> None:
    _write(tmp_path, "labels/broken/shipping_4x6.zpl.j2", source)
    with pytest.raises(LabelTemplateError, match=match):
        render_label(SAMPLE, brand="broken", templates_dir=tmp_path)


def test_unknown_template() -> None:
    with pytest.raises(LabelTemplateError, match="no label template 'a4'"):
        render_label(SAMPLE, template="a4")


def test_packaged_templates_are_listed() -> None:
    refs = {(r.brand, r.channel, r.name) for r in label_templates()}
    assert {("", "", "shipping_4x6"), ("acme", "", "shipping_4x6")} <= refs


# --------------------------------------------------------------- structure
def _commands(zpl: bytes) -> list[tuple[str, bytes]]:
    return [(e.kind, e.data[:3].upper()) for e in zplkit.parse.parse(zpl).elements]


@pytest.mark.parametrize("dpi", [203, 300])
def test_one_format_with_size_encoding_and_gs1(dpi: int) -> None:
    zpl = render_label(SAMPLE, dpi=dpi)
    (fmt,) = split_formats(zpl)
    assert fmt == zpl.rstrip(b"\n")
    size = {203: b"^PW812\n^LL1218", 300: b"^PW1218\n^LL1827"}[dpi]
    assert zpl.startswith(b"^XA\n^CI28\n") and size in zpl
    assert b"^FD>;>800106141411234567897^FS" in zpl
    assert b"^BCN," in zpl and b"^FDPB473124829DE^FS" in zpl
    assert b"(00) 106141411234567897" in zpl


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=120))
def test_no_value_can_change_the_command_structure(name: str, notes: str) -> None:
    data = dataclasses.replace(
        SAMPLE, ship_to=dataclasses.replace(SAMPLE.ship_to, name=name + "x"),
        notes=notes + "n", carrier=name + "c", order_number=notes + "o")
    reference = dataclasses.replace(SAMPLE, carrier="c", order_number="o", notes="n",
                                    ship_to=dataclasses.replace(SAMPLE.ship_to, name="x"))
    assert _commands(render_label(data)) == _commands(render_label(reference))


@pytest.mark.parametrize(("change", "match"), [
    ({"sscc": "106141411234567898"}, "not a valid SSCC"),
    ({"sscc": "0106141411234567897"}, "not a valid SSCC"),
    ({"tracking_number": "PB 4731"}, "tracking number"),
    ({"tracking_number": "A" * 31}, "tracking number"),
    ({"tracking_number": ""}, "tracking number"),
    ({"package_index": 3}, "package 3 of 2"),
    ({"package_index": 0}, "package 0 of 2"),
    ({"weight_g": -1}, "weight_g"),
    ({"weight_g": 1.5}, "weight_g must be an int"),
    ({"ship_to": Address("", " ", "", "", "")}, "non-empty"),
])
def test_bad_label_data_is_refused(change: dict, match: str) -> None:
    with pytest.raises(LabelError, match=match):
        render_label(dataclasses.replace(SAMPLE, **change))


def test_bad_dpi() -> None:
    with pytest.raises(LabelError, match="dpi"):
        render_label(SAMPLE, dpi=600)


# ------------------------------------------------------------------ golden
def golden_name(ref, case: str, dpi: int) -> str:
    who = (ref.brand or "default") + (f"-{ref.channel}" if ref.channel else "")
    return f"{who}-{ref.name}-{case}-{dpi}dpi.zpl"


GOLDEN_CASES = [(ref, case, dpi) for ref in label_templates() for case in CASES
                for dpi in (203, 300)]


@pytest.mark.parametrize(("ref", "case", "dpi"), GOLDEN_CASES,
                         ids=[golden_name(*c) for c in GOLDEN_CASES])
def test_golden_output(ref, case: str, dpi: int) -> None:
    got = render_label(CASES[case], dpi=dpi, template=ref.name, brand=ref.brand,
                       channel=ref.channel)
    path = GOLDEN / golden_name(ref, case, dpi)
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_bytes(got)
    assert path.exists(), f"{path} missing: run with PACKBENCH_UPDATE_GOLDEN=1 and review it"
    assert got == path.read_bytes(), f"{path.name} changed: if deliberate, regenerate it"


def test_no_stale_golden_files() -> None:
    expected = {golden_name(*c) for c in GOLDEN_CASES}
    assert {p.name for p in GOLDEN.glob("*.zpl")} == expected


# --------------------------------------------------------------- providers
REQUEST = LabelRequest(**{f.name: getattr(SAMPLE, f.name) for f in dataclasses.fields(SAMPLE)
                          if f.name != "tracking_number"})


def test_offline_provider_numbers_and_renders() -> None:
    serials = iter([47312482, 47312483])
    provider = OfflineLabelProvider(lambda: next(serials), tracking_service="PB", country="GB")
    assert isinstance(provider, LabelProvider)
    first, second = provider.create(REQUEST), provider.create(REQUEST)
    assert first.tracking_number == "PB473124829GB" and validate_s10(second.tracking_number)
    assert first.tracking_number != second.tracking_number
    assert first.zpl == render_label(REQUEST.label_data("PB473124829GB"))
    assert (first.carrier, first.service, first.provider) == (
        "Packbench Post", "Parcel, signature", "offline")


def test_offline_provider_errors() -> None:
    with pytest.raises(LabelProviderError, match="service indicator"):
        OfflineLabelProvider(lambda: 1, tracking_service="P")
    with pytest.raises(LabelProviderError, match="dpi"):
        OfflineLabelProvider(lambda: 1, dpi=600)
    with pytest.raises(LabelProviderError, match="serial allocator gave 100000000"):
        OfflineLabelProvider(lambda: 100_000_000).create(REQUEST)
    with pytest.raises(LabelProviderError, match="cannot render"):
        OfflineLabelProvider(lambda: 1).create(dataclasses.replace(REQUEST, sscc="1"))


CARRIER_ZPL = b"^XA^FO50,50^BCN,100,Y,N,N^FD1Z999AA10123456784^FS^XZ\r\n"


@pytest.mark.parametrize("supplied", [CARRIER_ZPL, CARRIER_ZPL.decode(), bytearray(CARRIER_ZPL)])
def test_supplied_label_passes_unchanged(supplied) -> None:
    request = dataclasses.replace(REQUEST, supplied_zpl=supplied,
                                  supplied_tracking="1Z999AA10123456784")
    label = SuppliedLabelProvider().create(request)
    assert label.zpl == CARRIER_ZPL and isinstance(label.zpl, bytes)
    assert (label.tracking_number, label.provider) == ("1Z999AA10123456784", "supplied")


@pytest.mark.parametrize(("zpl", "tracking", "match"), [
    (None, "1Z", "no supplied label"),
    (CARRIER_ZPL, None, "no supplied label"),
    (CARRIER_ZPL, "", "tracking number"),
    (CARRIER_ZPL, "1Z 999", "tracking number"),
    (b"^XA^FDx^FS", "1Z", "not well-formed"),
    (b"junk^XA^XZ", "1Z", "not well-formed"),
    (b"^XA^XZ^XA^XZ", "1Z", "2 formats"),
    (b"", "1Z", "not well-formed"),
    (12, "1Z", "must be ZPL bytes or text"),
])
def test_supplied_label_is_checked(zpl, tracking, match: str) -> None:
    request = dataclasses.replace(REQUEST, supplied_zpl=zpl, supplied_tracking=tracking)
    with pytest.raises(LabelProviderError, match=match):
        SuppliedLabelProvider().create(request)


def test_sample_ids_are_valid() -> None:
    assert sscc18(1, "0614141", 123456789) == SAMPLE.sscc
    assert s10("PB", 47312482, "DE") == SAMPLE.tracking_number
