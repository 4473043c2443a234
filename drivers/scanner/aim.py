"""Split an AIM symbology identifier off a scanned line and name the symbology.

Wire format (ISO/IEC 15424), sent by scanners set to "transmit AIM ID" before the data::

    ]  code-character  modifier-character  data...
    0x5D  one letter     one digit or letter

The code character names the symbology (`C` Code 128, `d` Data Matrix, `Q` QR Code, ...);
the modifier says how the data is to be read (`]C1`: GS1-128, FNC1 in first position;
`]d2`: GS1 DataMatrix; `]Q3`: GS1 QR Code; `]E0`: EAN-13/UPC-A; `]E4`: EAN-8). A line
without the `]` prefix has no identifier: many scanners are configured that way.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AimId", "split_aim"]

SYMBOLOGIES: dict[str, str] = {
    "A": "Code 39",
    "C": "Code 128",
    "d": "Data Matrix",
    "E": "EAN/UPC",
    "e": "GS1 DataBar",
    "F": "Codabar",
    "G": "Code 93",
    "H": "Code 11",
    "I": "Interleaved 2 of 5",
    "J": "DotCode",
    "L": "PDF417",
    "M": "MSI",
    "Q": "QR Code",
    "R": "Straight 2 of 5",
    "S": "Straight 2 of 5 (2-bar start/stop)",
    "U": "MaxiCode",
    "X": "Other",
    "z": "Aztec Code",
}
# (code, modifier) pairs whose data is GS1 element strings.
GS1_MODIFIERS = frozenset({("C", "1"), ("e", "0"), ("d", "2"), ("Q", "3"), ("J", "1")})


@dataclass(frozen=True, slots=True)
class AimId:
    """An AIM symbology identifier such as `]C1`."""

    code: str
    modifier: str

    @property
    def text(self) -> str:
        """Return the identifier as sent, e.g. `]C1`."""
        return f"]{self.code}{self.modifier}"

    @property
    def symbology(self) -> str:
        """Return the symbology's name, e.g. `Code 128`; unknown letters say so."""
        name = SYMBOLOGIES.get(self.code, f"unknown ({self.code})")
        if self.code == "E" and self.modifier == "4":
            return "EAN-8"
        if self.code == "E" and self.modifier == "0":
            return "EAN-13/UPC-A"
        return f"GS1 {name}" if self.is_gs1 and not name.startswith("GS1") else name

    @property
    def is_gs1(self) -> bool:
        """Tell whether the data is GS1 element strings (FNC1 in first position)."""
        return (self.code, self.modifier) in GS1_MODIFIERS


def split_aim(data: bytes) -> tuple[AimId | None, bytes]:
    """Return the line's AIM identifier (or None) and the data after it."""
    if len(data) >= 3 and data[0] == 0x5D and chr(data[1]).isalpha() and data[1] < 0x80 \
            and chr(data[2]).isalnum() and data[2] < 0x80:
        return AimId(chr(data[1]), chr(data[2])), data[3:]
    return None, data
