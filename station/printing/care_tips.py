"""Choose care and setup tips for an insert from the categories of the products packed.

Tips live in a JSON file, `resources/care_tips.json` by default: an object from product
category (as in the product catalogue, e.g. "Home & Kitchen") to a list of short tips, most
useful first. Categories match case-insensitively, ignoring surrounding spaces.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

__all__ = ["CareTips", "CareTipsError", "default_care_tips"]


class CareTipsError(ValueError):
    """A care tips file that cannot be read or is not category -> list of tips."""


@dataclass(frozen=True)
class CareTips:
    """Tips by category; `choose()` picks the ones for an order."""

    by_category: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        tips = {}
        for category, entries in self.by_category.items():
            if isinstance(entries, str) or not all(isinstance(t, str) for t in entries):
                raise CareTipsError(f"care tips for {category!r} must be a list of strings")
            tips[_key(category)] = tuple(t.strip() for t in entries if t.strip())
        object.__setattr__(self, "by_category", tips)

    @classmethod
    def load(cls, path: str | Path) -> CareTips:
        """Read tips from the JSON file at `path`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CareTipsError(f"cannot read care tips {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise CareTipsError(f"{path}: care tips must be an object of category -> tips")
        return cls(data)

    def choose(self, categories: Iterable[str], limit: int = 3) -> list[str]:
        """Return at most `limit` tips for `categories`, taking one per category in turn.

        Categories count once, in the order first seen (the packing order), so an order of
        shoes and a book gets the first shoe tip, the first book tip, the second shoe tip...
        A tip shared by two categories is given once; unknown categories give none.
        """
        lists = [self.by_category.get(key, ()) for key in dict.fromkeys(map(_key, categories))]
        chosen: list[str] = []
        for rank in range(max((len(tips) for tips in lists), default=0)):
            for tips in lists:
                if len(chosen) >= limit:
                    return chosen
                if rank < len(tips) and tips[rank] not in chosen:
                    chosen.append(tips[rank])
        return chosen


@functools.cache
def default_care_tips() -> CareTips:
    """Return the tips shipped in `resources/care_tips.json` (read once)."""
    with resources.as_file(resources.files("resources") / "care_tips.json") as path:
        return CareTips.load(path)


def _key(category: str) -> str:
    return " ".join(str(category).split()).casefold()
