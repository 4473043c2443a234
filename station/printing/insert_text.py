"""Make any text printable on an ESC/POS printer, one column per character, and say how.

ESC/POS printers print text from single-byte code tables (`ESC t n`). python-escpos (behind
`ReceiptBuilder.text`) picks, for each character, a table of its capability profile that has
it and switches tables as it goes: "Grüße €" goes out as `ESC t 0` "Gr\\x81\\xe1e " `ESC t 15`
"\\xa4". That covers Western and Central European Latin, Turkish, Baltic, Greek, Cyrillic,
Hebrew, Arabic and Thai, but not everything, and some of its choices would misprint:

- Characters in no table (CJK, emoji, most symbols) become "?"; CJK ideographs make
  python-escpos send the *whole* string as GB18030 bytes, which a printer without a Chinese
  font prints as garbage.
- Some tables it may pick are unknown to our job parser and most printers (Vietnamese TCVN-3,
  CP851, CP853, CP1098, CP772/774, CP932), and PC864 prints ASCII "%" as Arabic "٪".
- ASCII control characters pass straight through, so text could carry printer commands.

`printable(text)` therefore returns text made only of characters that python-escpos encodes
in a table that decodes back to the same character (`drivers.receipt_printer.elements.
CODE_TABLES`, the parser's and the printers' numbering) and that it would actually choose:
the lowest-numbered table able to print the character must be one of those, so no other
table is ever switched to. Other characters are replaced, in this order:

1. controls and format characters (zero-width spaces, soft hyphens, direction marks) are
   dropped, tabs and other spaces become " ", combining marks that did not compose go;
2. the compatibility form if printable: "ﬁ" -> "fi", "Ａ" -> "A", "①" -> "1";
3. the letter with fewer accents: "ế" -> "ê", "ơ" -> "o", "ǘ" -> "ü";
4. digits of other scripts as ASCII digits: "٣" -> "3";
5. punctuation look-alikes where they have none: ‘ ’ -> ', “ ” „ -> ", – — -> -, … -> ...
   (most of these are in WPC1252 and print as themselves);
6. otherwise "?".

Text is NFC-normalised first, so "e" + combining acute prints as "é". Every character of the
result prints in one column, so wrapping by `len()` is exact.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata

from drivers.receipt_printer.elements import CODE_TABLES
from drivers.receipt_printer.escpos_lib import new_dummy

__all__ = ["REPLACEMENT", "is_printable", "printable", "printable_chars"]

REPLACEMENT = "?"
# Tables our parser knows but python-escpos must never switch to (see the module docstring).
_AVOID_TABLES = frozenset({37})  # PC864: byte 0x25 is "٪", not "%"
_LOOK_ALIKES = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "…": "...", "•": "*", "·": "*", "‹": "<", "›": ">", "⁄": "/",
}


@functools.cache
def printable_chars(escpos_profile: str = "default") -> frozenset[str]:
    """Return the non-ASCII characters that print as themselves (computed once a profile).

    `escpos_profile` is the python-escpos capability profile the job is built with
    (`ReceiptProfile.escpos_profile`): it lists the code tables python-escpos may use.
    """
    encoder = new_dummy(escpos_profile).magic.encoder
    tables = sorted(((int(slot), name) for name, slot in encoder.codepages.items()))
    good = {slot for slot, _ in tables if slot in CODE_TABLES and slot not in _AVOID_TABLES}
    # Only a character some known table decodes to can come back from the parser.
    candidates = set()
    for codec in set(CODE_TABLES.values()):
        candidates.update(bytes(range(0x80, 0x100)).decode(codec, "replace"))
    safe = set()
    for char in candidates:
        if unicodedata.category(char)[0] in "CZ" or unicodedata.combining(char):
            continue  # controls, format characters, odd spaces: never printed as such
        able = [(slot, name) for slot, name in tables if encoder.can_encode(name, char)]
        if not able or able[0][0] not in good:
            continue
        # python-escpos prefers a table it already used, so every good one must round-trip.
        if all(encoder.encode(char, name).decode(CODE_TABLES[slot], "replace") == char
               for slot, name in able if slot in good):
            safe.add(char)
    return frozenset(safe)


def is_printable(char: str, escpos_profile: str = "default") -> bool:
    """Return True if the one character `char` prints as itself."""
    return " " <= char <= "~" or char in printable_chars(escpos_profile)


def printable(text: str, escpos_profile: str = "default") -> str:
    """Return `text` with every character that would not print as itself replaced."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(_replacement(char, escpos_profile) for char in text)


@functools.lru_cache(maxsize=4096)
def _replacement(char: str, profile: str) -> str:
    if is_printable(char, profile):
        return char
    category = unicodedata.category(char)
    if category[0] == "Z" or char in "\t\n\r\v\f":
        return " "
    if category in ("Cc", "Cf", "Mn", "Me", "Cs", "Co", "Cn"):
        return ""
    compatible = unicodedata.normalize("NFKC", char)
    if compatible != char and _all_printable(compatible, profile):
        return compatible
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    marks = [c for c in decomposed if unicodedata.combining(c)]
    # Keep as many accents as print: "ệ" (e, dot below, circumflex) becomes "ê".
    for keep in range(len(marks) - 1, -1, -1):
        for kept in itertools.combinations(marks, keep):
            candidate = unicodedata.normalize("NFC", base + "".join(kept))
            if base and _all_printable(candidate, profile):
                return candidate
    digit = unicodedata.decimal(char, None)  # "٣" (Arabic-Indic three) -> "3"
    if digit is not None:
        return str(digit)
    return _LOOK_ALIKES.get(char, REPLACEMENT)


def _all_printable(text: str, profile: str) -> bool:
    return bool(text) and all(is_printable(c, profile) for c in text)
