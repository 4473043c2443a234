"""SSCC building and checking: published GS1 check-digit examples, biip as a second opinion."""

from __future__ import annotations

import pytest
from biip import ParseError
from biip.sscc import Sscc
from hypothesis import given
from hypothesis import strategies as st

from station.printing.gs1_ids import (
    gs1_check_digit,
    sscc18,
    sscc_element_string,
    sscc_hri,
    validate_sscc,
)

# Published worked examples of the GS1 mod-10 check digit.
PUBLISHED = [
    # GS1 Hong Kong check digit calculator page, GTIN-13 example: 629104150021 -> 3
    ("629104150021", 3),
    # GS1 India "How to calculate the check digit": 890400021003 -> 7
    ("890400021003", 7),
    # Infor WMS "Sample Check Digit Computations" for an SSCC: 10614141192837465 -> 7
    ("10614141192837465", 7),
    # biip's own Sscc docstring example 157035381410375177
    ("15703538141037517", 7),
]


@pytest.mark.parametrize(("payload", "check"), PUBLISHED)
def test_published_check_digits(payload: str, check: int) -> None:
    assert gs1_check_digit(payload) == check


def test_sscc18_builds_the_published_sscc() -> None:
    # extension 1, 7-digit prefix 0614141, serial 192837465 (Infor's example)
    assert sscc18(1, "0614141", 192837465) == "106141411928374657"
    assert validate_sscc("106141411928374657")


@pytest.mark.parametrize(("prefix", "serial", "expected"), [
    # check digits worked by hand (weights 3, 1, 3, ... from the right)
    ("0614141", 123456789, "106141411234567897"),
    ("0614141", 1, "106141410000000019"),
    ("4012345", 0, "140123450000000006"),
    ("4012345678", 999_999, "140123456789999999"),
])
def test_sscc18_pads_the_serial_to_17_digits(prefix: str, serial: int, expected: str) -> None:
    sscc = sscc18(1, prefix, serial)
    assert sscc == expected and len(sscc) == 18
    assert Sscc.parse(sscc).value == sscc  # an independent implementation agrees


@pytest.mark.parametrize(("args", "match"), [
    ((10, "0614141", 1), "extension digit"),
    ((-1, "0614141", 1), "extension digit"),
    ((True, "0614141", 1), "extension digit"),
    ((1, "061414", 1), "company prefix"),       # 6 digits
    ((1, "06141412345", 1), "company prefix"),  # 11 digits
    ((1, "06141A1", 1), "company prefix"),
    ((1, "٠٦١٤١٤١", 1), "company prefix"),     # Arabic-Indic digits are not ASCII
    ((1, 614141, 1), "company prefix"),
    ((1, "0614141", 10**9), "does not fit in 9 digits"),
    ((1, "0614141012", 10**6), "does not fit in 6 digits"),
    ((1, "0614141", -1), "does not fit"),
    ((1, "0614141", 1.0), "serial reference must be an int"),
])
def test_sscc18_refuses_what_does_not_fit(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sscc18(*args)


def test_largest_serial_for_each_prefix_length_fits() -> None:
    for length in range(7, 11):
        prefix = "1" * length
        sscc = sscc18(9, prefix, 10 ** (16 - length) - 1)
        assert sscc.startswith("9" + prefix) and validate_sscc(sscc)


@pytest.mark.parametrize("value", [
    "10614141123456789",     # 17 digits
    "1061414112345678970",   # 19 digits
    "106141411234567898",    # wrong check digit
    "10614141123456789 ",
    "１０６１４１４１１２３４５６７８９７",  # full-width digits
    106141411234567897,
    None,
    "",
])
def test_validate_sscc_refuses(value: object) -> None:
    assert not validate_sscc(value)


def test_element_string_and_hri() -> None:
    sscc = "106141411234567897"
    assert sscc_element_string(sscc) == "00106141411234567897"
    assert len(sscc_element_string(sscc)) % 2 == 0  # even: safe in Code 128 subset C
    assert sscc_hri(sscc) == "(00) 106141411234567897"
    with pytest.raises(ValueError):
        sscc_element_string("106141411234567898")
    with pytest.raises(ValueError):
        sscc_hri("1234")


digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(digits17)
def test_any_17_digits_with_their_check_digit_validate(body: str) -> None:
    sscc = body + str(gs1_check_digit(body))
    assert validate_sscc(sscc)
    assert Sscc.parse(sscc).value == sscc


@given(digits17, st.integers(0, 17), st.integers(1, 9))
def test_any_single_digit_change_fails(body: str, pos: int, delta: int) -> None:
    sscc = body + str(gs1_check_digit(body))
    changed = sscc[:pos] + str((int(sscc[pos]) + delta) % 10) + sscc[pos + 1:]
    assert not validate_sscc(changed)
    with pytest.raises(ParseError):
        Sscc.parse(changed)
