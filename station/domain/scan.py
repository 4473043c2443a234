"""Read one scanned line: AIM symbology prefix, GS1 element strings, lot, serial and expiry.

What scanners send for the same code varies with their set-up, so this accepts all the forms
seen at real stations:

- an optional AIM symbology identifier `]` + code letter + modifier (`]C1` GS1-128, `]d2` GS1
  DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar, `]E0` EAN/UPC, `]C0` plain Code 128, ...);
- GS1 element strings with FNC1 sent as GS (0x1D), or as one of the configured text stand-ins
  (`<GS>`, `{GS}`, `^]`, ...), or in human-readable form with parentheses `(01)...(10)...`
  (a GS between parenthesised elements is redundant and dropped);
- GS1 Digital Link URIs (`https://id.gs1.org/01/<gtin>/10/<lot>`) from QR codes;
- plain GTIN/UPC/EAN digits and any other text (order numbers, badges, aliases, commands).

A string is read as GS1 only when the symbology says so, when it is in parenthesised or
Digital Link form, or when it is unmistakably an element string without a prefix (AI 01 with a
valid GTIN-14 and more after it). When the scanner sends no FNC1 after a variable-length
field, that field runs to the end of the string, so a lot such as `ABC17230101` is never split
into a fake AI (17) expiry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_messages import GS1Message

from station.domain.barcodes import gs1_check_digit, lookup_keys

GS = "\x1d"
MAX_SCAN_LEN = 4096
DEFAULT_GS_ALIASES: tuple[str, ...] = ("<GS>", "{GS}", "[GS]", "^]", "\u241d", "<FNC1>")
# AIM identifiers whose data is a GS1 element string (ISO/IEC 15424 and the GS1 General
# Specifications, section 5.4): GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR, GS1 DotCode.
GS1_SYMBOLOGIES = frozenset({"]C1", "]e0", "]d2", "]Q3", "]J1"})
_AIM = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_HRI = re.compile(r"^\(\d{2,4}\)")
_DIGITAL_LINK = re.compile(r"^https?://[^/]+(/.*)?/0?1/\d{14}", re.IGNORECASE)


class ScanError(ValueError):
    """A scanned line cannot be read (control bytes, malformed GS1, too long)."""


@dataclass(frozen=True, slots=True)
class ScannedCode:
    """One scanned line, decoded."""

    text: str  # the data without the AIM prefix, FNC1 as GS
    raw: str = ""
    symbology: str = ""  # AIM identifier such as "]C1", or "" when the scanner sent none
    gs1: tuple[tuple[str, str], ...] = ()  # (AI, value) pairs when the code is GS1
    gtin: str | None = None  # GTIN-14 from AI (01), or (02) on a logistic label
    lot: str | None = None  # AI (10)
    serial: str | None = None  # AI (21)
    expiry: date | None = None  # AI (17)

    @property
    def is_gs1(self) -> bool:
        """Tell whether the code carried GS1 element strings."""
        return bool(self.gs1)

    def lookup_keys(self) -> tuple[str, ...]:
        """Return the catalogue keys this code can match, best first."""
        if self.gtin:
            keys = [self.gtin]
            if self.text not in keys:
                keys.append(self.text)
            return tuple(keys)
        return lookup_keys(self.text)


def parse_scan(raw: str, gs_aliases: tuple[str, ...] = DEFAULT_GS_ALIASES) -> ScannedCode:
    """Decode one scanned line; raise ScanError when it cannot be read."""
    text = raw.strip(" \r\n\t")
    if not text:
        raise ScanError("Empty scan: nothing was read.")
    if len(text) > MAX_SCAN_LEN:
        raise ScanError(f"Scan of {len(text)} characters is too long to be a barcode.")
    for alias in sorted(gs_aliases, key=len, reverse=True):
        if alias:
            text = text.replace(alias, GS)
    bad = next((ch for ch in text if _is_control(ch)), None)
    if bad is not None:
        raise ScanError(
            f"Scan contains the control byte 0x{ord(bad):02X}; check the scanner's "
            "prefix/suffix settings and scan again."
        )
    symbology = ""
    if _AIM.match(text):
        symbology, text = text[:3], text[3:]
    if not text.strip(GS):
        raise ScanError(f"Scan with symbology {symbology} carries no data.")
    if symbology in GS1_SYMBOLOGIES:
        return _gs1(raw, text, symbology)
    if symbology == "" and _looks_like_gs1(text):
        try:
            return _gs1(raw, text, symbology)
        except ScanError:
            if _HRI.match(text) or _DIGITAL_LINK.match(text):
                raise  # clearly meant as GS1: say what is wrong with it
    return ScannedCode(text=text, raw=raw, symbology=symbology)


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return ch != GS and (code < 0x20 or 0x7F <= code < 0xA0)


def _looks_like_gs1(text: str) -> bool:
    if _HRI.match(text) or _DIGITAL_LINK.match(text) or text.startswith(GS):
        return True
    head = text[:16]
    return (
        len(text) > 16 and head.isascii() and head.isdigit() and head[:2] in ("01", "02")
        and gs1_check_digit(head[2:15]) == int(head[15])
    )


def _gs1(raw: str, data: str, symbology: str) -> ScannedCode:
    try:
        if _DIGITAL_LINK.match(data):
            elements = GS1DigitalLinkURI.parse(data).element_strings
        elif _HRI.match(data):
            # Some scanners put GS between parenthesised elements; parentheses already
            # delimit the fields, so the GS carries nothing.
            elements = GS1Message.parse_hri(data.replace(GS, "")).element_strings
        else:
            elements = GS1Message.parse(data.lstrip(GS)).element_strings
    except ParseError as exc:
        raise ScanError(f"Malformed GS1 code: {exc}") from exc
    pairs = tuple((e.ai.ai, e.value) for e in elements)
    values = dict(pairs)
    gtin = values.get("01") or values.get("02")
    if gtin is not None and gs1_check_digit(gtin[:-1]) != int(gtin[-1]):
        raise ScanError(
            f"Malformed GS1 code: GTIN {gtin} has a wrong check digit "
            f"(expected {gs1_check_digit(gtin[:-1])})."
        )
    expiry = next((e.date for e in elements if e.ai.ai == "17"), None)
    if "17" in values and expiry is None:
        raise ScanError(f"Malformed GS1 code: expiry date (17) {values['17']} is not a date.")
    return ScannedCode(
        text=data, raw=raw, symbology=symbology, gs1=pairs, gtin=gtin,
        lot=values.get("10"), serial=values.get("21"), expiry=expiry,
    )
