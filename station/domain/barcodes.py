"""Normalise catalogue barcodes so every form of one GTIN matches the same key.

A product can be scanned as UPC-A (12 digits), EAN-13 (13), GTIN-14 from a GS1-128 case label,
EAN-8, or UPC-E. Numeric codes that are valid GTINs are stored and looked up as GTIN-14;
anything else (internal aliases, supplier codes) is matched as the exact text.
"""

from __future__ import annotations

from dataclasses import dataclass

from biip import ParseError
from biip.gtin import Gtin
from biip.upc import Upc

GTIN_LENGTHS = (8, 12, 13, 14)


class BarcodeError(ValueError):
    """A catalogue barcode cannot be used (e.g. a GTIN with a wrong check digit)."""


@dataclass(frozen=True, slots=True)
class BarcodeKey:
    """How a catalogue barcode is stored: the lookup key and what kind of code it is."""

    key: str
    kind: str  # "gtin" | "alias"
    original: str


def gs1_check_digit(payload: str) -> int:
    """Return the GS1 mod-10 check digit for a digit string without its check digit."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def gtin14(code: str) -> str | None:
    """Return the GTIN-14 form of a valid GTIN-8/12/13/14, or None."""
    if not code.isascii() or not code.isdigit() or len(code) not in GTIN_LENGTHS:
        return None
    if gs1_check_digit(code[:-1]) != int(code[-1]):
        return None
    return code.zfill(14)


def upc_e_to_gtin14(code: str) -> str | None:
    """Return the GTIN-14 of a UPC-E code (8 digits, number system 0 or 1), or None."""
    if len(code) != 8 or not code.isdigit() or code[0] not in "01":
        return None
    try:
        upc = Upc.parse(code)
        return upc.as_upc_a().zfill(14) if gtin14(upc.as_upc_a()) else None
    except ParseError:
        return None


def normalize_catalogue_barcode(code: str) -> BarcodeKey:
    """Return the stored key for a catalogue barcode; raise BarcodeError if it is unusable."""
    text = code.strip()
    if not text:
        raise BarcodeError("barcode is empty")
    if any(ord(ch) < 0x20 and ch != "\x1d" for ch in text):
        raise BarcodeError(f"barcode {text!r} contains control characters")
    if len(text) > 128:
        raise BarcodeError("barcode is longer than 128 characters")
    if text.isascii() and text.isdigit() and len(text) in GTIN_LENGTHS:
        key = gtin14(text)
        if key is None:
            expected = gs1_check_digit(text[:-1])
            raise BarcodeError(
                f"barcode {text} has {len(text)} digits like a GTIN but its check digit "
                f"should be {expected}; fix it, or give internal codes a non-numeric form"
            )
        try:
            Gtin.parse(text)
        except ParseError as exc:
            raise BarcodeError(f"barcode {text} is not a valid GTIN: {exc}") from exc
        return BarcodeKey(key=key, kind="gtin", original=text)
    return BarcodeKey(key=text, kind="alias", original=text)


def lookup_keys(code: str) -> tuple[str, ...]:
    """Return the catalogue keys a scanned code can match, best first."""
    keys: list[str] = []
    key = gtin14(code)
    if key:
        keys.append(key)
    upce = upc_e_to_gtin14(code)
    if upce and upce not in keys:
        keys.append(upce)
    if code not in keys:
        keys.append(code)
    return tuple(keys)
