"""Read JSON-array, JSON-lines and CSV import files as (line number, record) pairs.

Line numbers are physical lines of the file, 1-based: where a JSON-array element starts, the
line of a JSON-lines record, the first line of a CSV row (the header is line 1). Syntax errors
go to the `Issues` collector with line and column; readers never raise for bad content.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sync.importing.issues import Issues

Progress = Callable[[int], None]
Row = tuple[int, object]

_WS = re.compile(r"[ \t\n\r]*")
_STEP = 256 * 1024  # bytes between progress calls: a bar needs no finer steps
# Read in large blocks. Each read releases the GIL for a moment and takes it straight back;
# with the default 8 KiB blocks that happened every millisecond, so another thread waiting
# for the GIL (the GUI thread during an import) never got it: CPython hands the GIL over
# only after a full switch interval (5 ms) without such a release.
_READ_BLOCK = 4 * 1024 * 1024


class _Meter:
    """Report bytes consumed to an optional callback, at most every `_STEP` bytes."""

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.last = 0

    def at(self, done: int) -> None:
        if self.callback is not None and done - self.last >= _STEP:
            self.last = done
            self.callback(done)

    def finish(self, done: int) -> None:
        if self.callback is not None:
            self.callback(done)


@dataclass(frozen=True)
class CsvColumns:
    """The columns a CSV file may have; `required` must be present in the header."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = field(default=())


def detect_format(path: Path) -> str:
    """Return "csv" for a .csv file, else "json" if the content starts with `[`, else "jsonl"."""
    if path.suffix.lower() == ".csv":
        return "csv"
    with path.open("rb") as fh:
        while chunk := fh.read(64 * 1024):
            text = chunk.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
            if text:
                return "json" if text.startswith(b"[") else "jsonl"
    return "jsonl"


def read_records(
    path: Path, issues: Issues, columns: CsvColumns, progress: Progress | None = None
) -> Iterator[Row]:
    """Yield (line, record) from `path`: dicts for JSON, column->cell dicts for CSV."""
    fmt = detect_format(path)
    meter = _Meter(progress)
    with path.open("rb", buffering=_READ_BLOCK) as fh:
        if fmt == "json":
            yield from _json_array(fh.read(), issues, meter)
        elif fmt == "jsonl":
            yield from _json_lines(fh, issues, meter)
        else:
            yield from _csv_rows(fh, issues, meter, columns)


def _decode(data: bytes, issues: Issues, line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = line + data.count(b"\n", 0, exc.start)
        byte = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        issues.add(at, "encoding", f"not valid UTF-8 (byte {byte} of the line); "
                   "save the file as UTF-8")
        return data.decode("utf-8", errors="replace")


def _position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _json_array(data: bytes, issues: Issues, meter: _Meter) -> Iterator[Row]:
    """Walk a JSON array element by element so each element's start line is known."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    text = _decode(data[bom:], issues, 1)
    total = len(data)
    scale = total / max(len(text), 1)  # bytes per character, to estimate progress
    decoder = json.JSONDecoder()

    def syntax(pos: int, message: str) -> None:
        line, col = _position(text, pos)
        issues.add(line, f"column {col}", f"invalid JSON: {message}")

    pos = _WS.match(text).end() + 1  # detect_format saw the "["
    line, counted = 1, 0
    pos = _WS.match(text, pos).end()
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            pos = _WS.match(text, pos).end()
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                issues.add(exc.lineno, f"column {exc.colno}", f"invalid JSON: {exc.msg}")
                return
            line += text.count("\n", counted, pos)
            counted = pos
            yield line, obj
            meter.at(int(end * scale))
            pos = _WS.match(text, end).end()
            if pos >= len(text):
                syntax(pos, "the file ends inside the array (expected ',' or ']')")
                return
            if text[pos] == ",":
                pos += 1
                continue
            if text[pos] == "]":
                pos += 1
                break
            syntax(pos, "expected ',' or ']' after an array element")
            return
    pos = _WS.match(text, pos).end()
    if pos < len(text):
        syntax(pos, "unexpected text after the closing ']'")
    meter.finish(total)


def _json_lines(fh: BinaryIO, issues: Issues, meter: _Meter) -> Iterator[Row]:
    done = 0
    for number, raw in enumerate(fh, start=1):
        done += len(raw)
        text = _decode(raw, issues, number)
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            issues.add(number, f"column {exc.colno}", f"invalid JSON: {exc.msg}")
            continue
        yield number, obj
        meter.at(done)
    meter.finish(done)


class _Lines:
    """Decode a binary file line by line for the csv module, counting bytes."""

    def __init__(self, fh: BinaryIO, issues: Issues) -> None:
        self.fh, self.issues = fh, issues
        self.done = 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.fh:
            self.number += 1
            self.done += len(raw)
            text = _decode(raw, self.issues, self.number)
            yield text.removeprefix("\ufeff") if self.number == 1 else text


def _csv_rows(fh: BinaryIO, issues: Issues, meter: _Meter, columns: CsvColumns) -> Iterator[Row]:
    lines = _Lines(fh, issues)
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    start = 1
    try:
        for cells in reader:
            row_line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
                if not _header_ok(header, columns, issues, row_line):
                    return
                continue
            if len(cells) != len(header):
                issues.add(row_line, "row", f"has {len(cells)} cells but the header has "
                           f"{len(header)}; quote cells that contain commas")
                continue
            yield row_line, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            meter.at(lines.done)
    except csv.Error as exc:
        # The csv module knows only where it gave up; the row's first line is more useful.
        hint = " (a quoted cell is never closed)" if "end of data" in str(exc) else ""
        issues.add(start, "csv", f"invalid CSV in the row starting here: {exc}{hint}")
        return
    if header is None:
        issues.add(1, "header", "the file has no header row")
    meter.finish(lines.done)


def _header_ok(header: list[str], columns: CsvColumns, issues: Issues, line: int) -> bool:
    known = set(columns.required) | set(columns.optional)
    problems = len(issues.items)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            issues.add(line, name or "header", "column appears twice in the header")
        seen.add(name)
        if name not in known:
            issues.add(line, name or "header", f"unknown column (known: {_names(known)})")
    for name in columns.required:
        if name not in seen:
            issues.add(line, name, "required column is missing from the header")
    return len(issues.items) == problems


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))
