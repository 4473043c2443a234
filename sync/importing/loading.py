"""Read an import file into validated records, each knowing where it came from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from sync.importing import csvmap
from sync.importing.issues import Issues, describe_error
from sync.importing.readers import CsvColumns, Progress, detect_format, read_records
from sync.importing.steps import Steps

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Parsed(Generic[M]):
    """A valid record with its line and, for CSV orders, the line of each order line."""

    line: int
    record: M
    line_rows: tuple[int, ...] = ()
    csv: bool = False

    @property
    def rows(self) -> int:
        """Return how many rows of the file the record takes."""
        return len(self.line_rows) or 1

    def line_for(self, loc: Loc) -> int:
        """Return the file line that holds the value at `loc`."""
        return line_for(self.line, self.line_rows, loc)

    def field(self, loc: Loc) -> str:
        """Return how to name the value at `loc` to the person fixing the file."""
        return field_name(loc, csv=self.csv)


def line_for(line: int, line_rows: tuple[int, ...], loc: Loc) -> int:
    """Map a location inside a record to its line (order lines in CSV sit on their own rows)."""
    if line_rows and len(loc) >= 2 and loc[0] == "lines" and isinstance(loc[1], int):
        return line_rows[loc[1]]
    return line


def field_name(loc: Loc, *, csv: bool) -> str:
    """Name a location: `lines[0].qty` in JSON, the column (`qty`, `ship_to_city`) in CSV."""
    if not loc:
        return "record"
    if csv:
        parts = [str(p) for p in loc if not isinstance(p, int)]
        if parts[0] == "lines" and len(parts) > 1:
            parts = parts[1:]
        return "_".join(parts)
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def load(
    path: Path,
    model: type[M],
    issues: Issues,
    progress: Progress | None,
    *,
    columns: CsvColumns,
    from_csv: Callable[[dict[str, str]], dict] | None = None,
    steps: Steps | None = None,
) -> list[Parsed[M]]:
    """Read and validate every record of `path`; problems go to `issues`."""
    steps = steps or Steps()
    fmt = detect_format(path)
    rows = steps.count(read_records(path, issues, columns, steps.reading(path, progress)))
    raw: Iterator[tuple[int, object, tuple[int, ...]]]
    if fmt != "csv":
        raw = ((line, data, ()) for line, data in rows)
    elif from_csv is None:  # orders: several rows make one record
        raw = ((line, data, tuple(lines))
               for line, data, lines in csvmap.order_records(rows, issues))  # type: ignore[arg-type]
    else:
        raw = ((line, from_csv(data), ()) for line, data in rows)  # type: ignore[arg-type]
    csv = fmt == "csv"
    grouped = csv and from_csv is None
    out: list[Parsed[M]] = []
    for line, data, line_rows in raw:
        if grouped:  # the file is read: checking its orders is the next phase
            steps.start("checking")
            steps.advance(len(line_rows))
        if not isinstance(data, dict):
            issues.add(line, "record", "must be a JSON object {...}")
            continue
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                issues.add(line_for(line, line_rows, loc), field_name(loc, csv=csv),
                           describe_error(error))
            continue
        out.append(Parsed(line, record, line_rows, csv))
    return out


def first_lines(parsed: list[Parsed], key: Callable[[BaseModel], str], field: str,
                issues: Issues, what: str) -> None:
    """Report records whose `key` repeats an earlier record's, naming the first line."""
    seen: dict[str, int] = {}
    for item in parsed:
        value = key(item.record)
        if value in seen:
            issues.add(item.line, field,
                       f"duplicate {what} {value} (first on line {seen[value]})")
        else:
            seen[value] = item.line
