"""Scanned-line decoding: AIM prefixes, GS1 element strings in every form scanners send."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.scan import GS, ScanError, parse_scan


def test_gs1_128_from_public_bug_report():
    # ]C1 + (01)07035620052163 (15)230807 (10)230710, FNC1 after the lot not needed (last).
    code = parse_scan("]C1" + "0107035620052163" + "15230807" + "10230710")
    assert code.symbology == "]C1"
    assert code.gs1 == (("01", "07035620052163"), ("15", "230807"), ("10", "230710"))
    assert code.gtin == "07035620052163" and code.lot == "230710"
    assert code.lookup_keys()[0] == "07035620052163"


def test_hri_with_raw_gs_between_elements():
    code = parse_scan("(01)11111111111113(10)xyz" + GS + "(30)40")
    assert code.gs1 == (("01", "11111111111113"), ("10", "xyz"), ("30", "40"))
    assert code.lot == "xyz" and code.symbology == ""


def test_same_code_in_raw_form_with_fnc1_as_gs():
    code = parse_scan("]C1" + "0111111111111113" + "10xyz" + GS + "3040")
    assert code.gs1 == (("01", "11111111111113"), ("10", "xyz"), ("30", "40"))


def test_lot_that_looks_like_an_ai_is_not_split_without_fnc1():
    # No GS after the lot: "17230101" is part of the lot, not an expiry date.
    code = parse_scan("]C1" + "0107035620052163" + "10ABC17230101")
    assert code.lot == "ABC17230101" and code.expiry is None
    # With FNC1 the same bytes are a lot and an expiry.
    code = parse_scan("]C1" + "0107035620052163" + "10ABC" + GS + "17230101")
    assert code.lot == "ABC" and code.expiry == date(2023, 1, 1)


@pytest.mark.parametrize("alias", ["<GS>", "{GS}", "[GS]", "^]", "\u241d", "<FNC1>"])
def test_text_stand_ins_for_gs(alias):
    code = parse_scan("]d2" + "0107035620052163" + "10L1" + alias + "21SER9")
    assert (code.symbology, code.lot, code.serial) == ("]d2", "L1", "SER9")
    assert GS in code.text


def test_custom_alias_list_replaces_the_default():
    assert parse_scan("]C10107035620052163" + "10L1*2199", gs_aliases=("*",)).serial == "99"
    assert parse_scan("]C10107035620052163" + "10L1*2199", gs_aliases=()).lot == "L1*2199"


@pytest.mark.parametrize("prefix", ["]C1", "]d2", "]Q3", "]e0", ""])
def test_gs1_symbologies_and_unprefixed_element_strings(prefix):
    code = parse_scan(prefix + "0107035620052163" + "17221200" + GS + "10LOT-1")
    assert code.gtin == "07035620052163" and code.lot == "LOT-1"
    assert code.expiry == date(2022, 12, 31)  # day 00 = last day of the month
    assert code.symbology == prefix


def test_leading_fnc1_as_gs_marks_gs1():
    assert parse_scan(GS + "0107035620052163" + "21S-1").serial == "S-1"


def test_digital_link_uri():
    code = parse_scan("https://id.gs1.org/01/07035620052163/10/ABC?17=230101")
    assert (code.gtin, code.lot, code.expiry) == ("07035620052163", "ABC", date(2023, 1, 1))


def test_plain_codes_keep_their_text():
    assert parse_scan("]E04006381333931").lookup_keys()[0] == "04006381333931"
    assert parse_scan("]C0SO-1").text == "SO-1"
    assert parse_scan("]C0SO-1").symbology == "]C0"
    plain = parse_scan("230710")  # a lot typed or scanned on its own: never GS1
    assert (plain.text, plain.lot, plain.is_gs1) == ("230710", None, False)
    assert parse_scan("BADGE:1001").text == "BADGE:1001"
    assert parse_scan("  SO-1\r\n").text == "SO-1"
    assert parse_scan("Größe-€").text == "Größe-€"


def test_unprefixed_digits_that_fail_as_gs1_are_plain():
    # 01 + a valid GTIN-14 + junk that is no element string: an alias, not an error.
    code = parse_scan("0107035620052163" + "99X")
    assert code.is_gs1 and code.gs1[1] == ("99", "X")  # AI 99: company internal
    code = parse_scan("01070356200521637")  # AI 7 does not exist
    assert not code.is_gs1 and code.text == "01070356200521637"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("]C101123", "GS1"),  # GTIN too short
        ("]C10107035620052164", "check digit"),  # wrong GTIN check digit
        ("]C10107035620052163" + "17231340", "GS1"),  # month 13
        ("(01)123", "GS1"),  # HRI form is clearly meant as GS1
        ("bad\x00data", "0x00"),
        ("x\x1bx", "0x1B"),
        ("", "Empty"),
        ("]C1", "no data"),
        ("A" * 5000, "too long"),
    ],
)
def test_unreadable_scans_say_why(text, needle):
    with pytest.raises(ScanError, match=needle):
        parse_scan(text)


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_scan_error(text):
    try:
        code = parse_scan(text)
    except ScanError:
        return
    assert code.text and code.lookup_keys()


@given(st.text(alphabet="0123456789()]Cde1<GS>\x1d", max_size=80))
def test_gs1_like_text_parses_or_raises_scan_error(text):
    with contextlib.suppress(ScanError):
        parse_scan(text)
