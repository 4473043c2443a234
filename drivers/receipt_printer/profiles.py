"""Receipt printer models as data: paper width in dots, resolution, columns, cutter."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = ["PROFILES", "PROFILE_58MM", "PROFILE_80MM", "ReceiptProfile", "get_profile"]


@dataclass(frozen=True, slots=True)
class ReceiptProfile:
    """One printer model: `width_px` printable dots per line at `dpi`.

    `escpos_profile` names the python-escpos capability profile used for the command set
    (its own media width is replaced by `width_px`, so centring and width checks use ours).
    """

    name: str
    paper_mm: int
    width_px: int
    dpi: int = 203
    columns: int = 48  # font A characters per line
    cutter: bool = True
    escpos_profile: str = "default"

    def with_width(self, width_px: int) -> ReceiptProfile:
        """Return this profile with another printable width (a narrower print head)."""
        if width_px < 8:
            raise ValueError(f"width_px must be at least 8 dots, not {width_px}")
        return dataclasses.replace(self, width_px=width_px)


PROFILE_58MM = ReceiptProfile("58mm", paper_mm=58, width_px=384, columns=32)
PROFILE_80MM = ReceiptProfile("80mm", paper_mm=80, width_px=576, columns=48)
PROFILES = {p.name: p for p in (PROFILE_58MM, PROFILE_80MM)}


def get_profile(profile: ReceiptProfile | str | None = None) -> ReceiptProfile:
    """Return `profile`, the profile of that name ("58mm", "80mm"), or 80 mm for None."""
    if profile is None:
        return PROFILE_80MM
    if isinstance(profile, ReceiptProfile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown receipt profile {profile!r}; known: {sorted(PROFILES)}") \
            from None
