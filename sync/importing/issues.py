"""Collect import problems with their line numbers and report them as one failure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SHOWN = 50


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One problem in an import file: where it is and what is wrong."""

    line: int  # physical line in the file, 1-based; 0 for the file as a whole
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: records read, and how many rows were created, updated or left."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records: int = 0


class ImportFailed(Exception):
    """The file has problems, or the database refused it; nothing was imported."""

    def __init__(self, errors: Sequence[ImportIssue]) -> None:
        self.errors = sorted(errors, key=lambda issue: issue.line)
        super().__init__(self._text())

    def _text(self) -> str:
        shown = [str(issue) for issue in self.errors[:SHOWN]]
        if len(self.errors) > SHOWN:
            shown.append(f"... and {len(self.errors) - SHOWN} more")
        return "\n".join(shown)


class Issues:
    """Gather issues while reading and checking a file; raise them all at the end."""

    def __init__(self) -> None:
        self.items: list[ImportIssue] = []

    def add(self, line: int, field: str, message: str) -> None:
        """Record one issue."""
        self.items.append(ImportIssue(line, field, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raise ImportFailed listing every issue, if there is one."""
        if self.items:
            raise ImportFailed(self.items)


def describe_error(error: dict) -> str:
    """Turn one pydantic error into a short sentence for a person fixing a file."""
    kind, ctx = error["type"], error.get("ctx") or {}
    simple = {
        "missing": "is required",
        "extra_forbidden": "unknown field",
        "string_type": "must be a string",
        "int_type": "must be a whole number",
        "float_type": "must be a number",
        "bool_type": "must be true or false",
        "list_type": "must be a list",
        "model_type": "must be an object",
        "dict_type": "must be an object",
        "finite_number": "must be a finite number",
        "string_too_short": "must not be empty",
    }
    if kind in simple:
        return simple[kind]
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[kind]
        limit = next(iter(ctx.values()))
        return f"must be {words} {limit:g}" if isinstance(limit, float) else \
            f"must be {words} {limit}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "too_short":
        return f"must have at least {ctx['min_length']} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} item(s)"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    msg = error["msg"]
    return msg[:1].lower() + msg[1:]
