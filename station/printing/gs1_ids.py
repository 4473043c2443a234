"""Build and check SSCCs (Serial Shipping Container Codes), the GS1 key of a parcel.

An SSCC is 18 digits (GS1 General Specifications, "SSCC"):

    N1        extension digit, 0-9, chosen by the company to widen the serial range
    N2..      GS1 Company Prefix, 7 to 10 digits, allocated by a GS1 member organisation
    ..N17     serial reference, zero-padded so that N1..N17 are exactly 17 digits
    N18       GS1 mod-10 check digit over N1..N17 (weights 3, 1, 3, ... from the right)

On a label it is the element string `00` + SSCC (application identifier 00), encoded in
GS1-128, with the human-readable interpretation `(00) ` + SSCC below the bars.
"""

from __future__ import annotations

from station.domain.barcodes import gs1_check_digit

__all__ = [
    "SSCC_AI",
    "gs1_check_digit",
    "sscc18",
    "sscc_element_string",
    "sscc_hri",
    "validate_sscc",
]

SSCC_AI = "00"
SSCC_LENGTH = 18
_BODY = SSCC_LENGTH - 1


def _digits(text: object) -> bool:
    return isinstance(text, str) and text.isascii() and text.isdigit()


def sscc18(extension_digit: int, company_prefix: str, serial_reference: int) -> str:
    """Return the 18-digit SSCC; raise ValueError if a part is out of range.

    The serial reference gets the 16 - len(company_prefix) digits left after the extension
    digit and the prefix; a serial that needs more digits does not fit and is refused
    rather than cut.
    """
    if isinstance(extension_digit, bool) or not isinstance(extension_digit, int):
        raise ValueError(f"extension digit must be an int, not {extension_digit!r}")
    if not 0 <= extension_digit <= 9:
        raise ValueError(f"extension digit must be 0-9, not {extension_digit}")
    if not _digits(company_prefix) or not 7 <= len(company_prefix) <= 10:
        raise ValueError(f"GS1 company prefix must be 7 to 10 digits, not {company_prefix!r}")
    if isinstance(serial_reference, bool) or not isinstance(serial_reference, int):
        raise ValueError(f"serial reference must be an int, not {serial_reference!r}")
    width = _BODY - 1 - len(company_prefix)
    if not 0 <= serial_reference < 10**width:
        raise ValueError(f"serial reference {serial_reference} does not fit in {width} digits "
                         f"after the {len(company_prefix)}-digit company prefix")
    body = f"{extension_digit}{company_prefix}{serial_reference:0{width}d}"
    return body + str(gs1_check_digit(body))


def validate_sscc(sscc: object) -> bool:
    """True if `sscc` is 18 ASCII digits whose last is the right check digit."""
    if not _digits(sscc) or len(sscc) != SSCC_LENGTH:
        return False
    return gs1_check_digit(sscc[:-1]) == int(sscc[-1])


def _checked(sscc: str) -> str:
    if not validate_sscc(sscc):
        raise ValueError(f"not a valid SSCC (18 digits, GS1 check digit): {sscc!r}")
    return sscc


def sscc_element_string(sscc: str) -> str:
    """Return the GS1 element string `00` + SSCC, the data of the GS1-128 symbol."""
    return SSCC_AI + _checked(sscc)


def sscc_hri(sscc: str) -> str:
    """Return the human-readable interpretation printed under the symbol: `(00) ` + SSCC."""
    return f"({SSCC_AI}) {_checked(sscc)}"
