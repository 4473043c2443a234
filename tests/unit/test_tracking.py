"""UPU S10 tracking numbers: published examples, every check-digit branch, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.printing.tracking import s10, s10_check_digit, validate_s10

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def test_published_worked_example() -> None:
    # The S10 check-digit example (UPU S10; as reproduced on Wikipedia): serial 47312482,
    # S = 4*8 + 7*6 + 3*4 + 1*2 + 2*3 + 4*5 + 8*9 + 2*7 = 200, C = 11 - (200 mod 11) = 9.
    assert s10_check_digit("47312482") == 9
    assert s10("RR", 47312482, "GB") == "RR473124829GB"
    assert validate_s10("RR473124829GB")


def test_published_label_where_11_becomes_5() -> None:
    # India Post registered item RR 28704377 5 IN (Wikipedia's S10 illustration):
    # S = 231 = 21 * 11, so C = 11, printed as 5.
    assert s10("RR", 28704377, "IN") == "RR287043775IN"


def test_10_becomes_0() -> None:
    # Worked by hand: serial 00004000 -> S = 4*3 = 12, 12 mod 11 = 1, C = 10 -> 0.
    assert s10("PB", 4000, "DE") == "PB000040000DE"


def test_serial_is_zero_padded_to_8_digits() -> None:
    assert s10("CP", 0, "DE") == "CP000000005DE"  # S = 0 -> C = 11 -> 5
    assert s10("EE", 99_999_999, "US")[2:11] == "99999999" + str(s10_check_digit("99999999"))


@pytest.mark.parametrize(("args", "match"), [
    (("P", 1, "DE"), "service indicator"),
    (("pb", 1, "DE"), "service indicator"),
    (("P1", 1, "DE"), "service indicator"),
    (("PBX", 1, "DE"), "service indicator"),
    (("PB", 1, "de"), "country"),
    (("PB", 1, "DEU"), "country"),
    (("PB", -1, "DE"), "serial must be 0..99999999"),
    (("PB", 100_000_000, "DE"), "serial must be 0..99999999"),
    (("PB", True, "DE"), "serial must be an int"),
    (("PB", "1", "DE"), "serial must be an int"),
])
def test_s10_refuses_bad_parts(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        s10(*args)


@pytest.mark.parametrize("value", [
    "RR473124828GB",   # wrong check digit
    "rr473124829gb",
    "RR47312482GB",    # 7 + 1 digits
    "RR4731248299GB",
    "RR473124829G",
    " RR473124829GB",
    "RR47312482９GB",  # full-width digit
    None,
    473124829,
])
def test_validate_s10_refuses(value: object) -> None:
    assert not validate_s10(value)


def test_check_digit_needs_8_digits() -> None:
    for bad in ("1234567", "123456789", "1234567a", "１２３４５６７８"):
        with pytest.raises(ValueError):
            s10_check_digit(bad)


letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
serials = st.integers(0, 99_999_999)


@given(letters, serials, letters)
def test_every_made_number_validates(service: str, serial: int, country: str) -> None:
    number = s10(service, serial, country)
    assert len(number) == 13 and validate_s10(number)
    assert number[:2] == service and number[-2:] == country and int(number[2:10]) == serial


def _remainder(serial: str) -> int:
    return sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11


@given(serials, st.integers(0, 7), st.integers(1, 9))
def test_single_digit_changes_fail_except_where_s10_maps_two_sums_to_5(
    serial: int, pos: int, delta: int
) -> None:
    number = s10("PB", serial, "DE")
    digits = number[2:10]
    changed_digits = digits[:pos] + str((int(digits[pos]) + delta) % 10) + digits[pos + 1:]
    changed = number[:2] + changed_digits + number[10:]
    # C = 11 - r gives 5 for r = 6, and r = 0 gives 11, also printed as 5: the one blind spot.
    if {_remainder(digits), _remainder(changed_digits)} == {0, 6}:
        assert validate_s10(changed)
    else:
        assert not validate_s10(changed)


def test_the_blind_spot_is_real() -> None:
    # 11111111: S = 44, r = 0 -> 5;  12111111: S = 50, r = 6 -> 5. Both are valid.
    assert validate_s10("RR111111115GB") and validate_s10("RR121111115GB")
