"""Make and check UPU S10 tracking numbers, the offline label provider's item identifiers.

An S10 identifier is 13 characters (UPU standard S10, "Identification of postal items"):

    AA        service indicator, two letters A-Z (e.g. RR registered letter, CP parcel;
              PA-PZ are for domestic and bilateral use, so the offline provider uses "PB")
    nnnnnnnn  serial number, 8 digits, 00000000-99999999
    c         check digit over the serial number (below)
    BB        ISO 3166-1 alpha-2 country code of the issuer

Check digit: multiply the 8 serial digits by the weights 8 6 4 2 3 5 9 7 (left to right),
add the products to S, and take C = 11 - (S mod 11); C = 10 becomes 0 and C = 11 becomes 5.
Example: serial 47312482 gives S = 200, C = 11 - 2 = 9, so "RR473124829GB".
"""

from __future__ import annotations

import re

__all__ = ["S10_LENGTH", "S10_SERIAL_MAX", "s10", "s10_check_digit", "validate_s10"]

S10_LENGTH = 13
S10_SERIAL_MAX = 99_999_999
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_LETTERS = re.compile(r"[A-Z]{2}")
_S10 = re.compile(r"([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})")


def s10_check_digit(serial: str) -> int:
    """Return the S10 check digit of an 8-digit serial number string."""
    if len(serial) != 8 or not serial.isascii() or not serial.isdigit():
        raise ValueError(f"S10 serial must be 8 digits, not {serial!r}")
    check = 11 - sum(int(d) * w for d, w in zip(serial, _WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(check, check)


def s10(service: str, serial: int, country: str) -> str:
    """Return the S10 identifier; raise ValueError for a bad service, serial or country."""
    if not isinstance(service, str) or not _LETTERS.fullmatch(service):
        raise ValueError(f"S10 service indicator must be two letters A-Z, not {service!r}")
    if not isinstance(country, str) or not _LETTERS.fullmatch(country):
        raise ValueError(f"S10 country must be an ISO 3166-1 alpha-2 code, not {country!r}")
    if isinstance(serial, bool) or not isinstance(serial, int):
        raise ValueError(f"S10 serial must be an int, not {serial!r}")
    if not 0 <= serial <= S10_SERIAL_MAX:
        raise ValueError(f"S10 serial must be 0..{S10_SERIAL_MAX}, not {serial}")
    digits = f"{serial:08d}"
    return f"{service}{digits}{s10_check_digit(digits)}{country}"


def validate_s10(identifier: object) -> bool:
    """True if `identifier` is a well-formed S10 identifier with the right check digit."""
    if not isinstance(identifier, str):
        return False
    m = _S10.fullmatch(identifier)
    return m is not None and s10_check_digit(m[2]) == int(m[3])
