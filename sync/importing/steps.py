"""Report how far an import is, in chunks: bytes while reading, then rows checked and written.

`report(done, total, phase)` is called with phase "reading" (bytes of the file read so far,
of its size: the number of rows is not known before the end), then "checking" and "writing"
(rows of the file done, of the rows read: CSV rows, JSON records). Within a phase `done`
never goes down. The last call, ("writing", total, total), comes just before the commit, so
a `report` that raises stops the import with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from sync.importing.readers import Progress

T = TypeVar("T")
Report = Callable[[int, int, str], None]

REPORT_ROWS = 1000  # rows between reports: a progress bar needs no finer steps
WRITE_ROWS = 2000  # rows written between reports (and chances to stop)


class Steps:
    """Count the rows of one import and pass its progress to an optional `report`."""

    def __init__(self, report: Report | None = None) -> None:
        self.report = report
        self.size = 0  # bytes of the file
        self.rows = 0  # rows read so far; the total of the "checking" and "writing" phases
        self.phase = ""
        self.done = 0
        self._told = 0

    def reading(self, path: Path, progress: Progress | None) -> Progress | None:
        """Begin reading `path`; return the byte callback for the reader (it calls `progress`)."""
        if self.report is None:
            return progress
        report = self.report
        self.size = path.stat().st_size
        self.phase = "reading"
        report(0, self.size, "reading")

        def on_bytes(done: int) -> None:
            if progress is not None:
                progress(done)
            report(done, self.size, "reading")

        return on_bytes

    def count(self, rows: Iterable[T]) -> Iterator[T]:
        """Yield `rows`, counting them."""
        for row in rows:
            self.rows += 1
            yield row

    def start(self, phase: str) -> None:
        """Begin `phase` at 0 of the rows read, unless it has begun already."""
        if self.phase != phase:
            self.phase, self.done = phase, 0
            self._tell()

    def advance(self, rows: int) -> None:
        """Count `rows` more as done; report every `REPORT_ROWS` rows."""
        self.done += rows
        if self.done - self._told >= REPORT_ROWS:
            self._tell()

    def finish(self) -> None:
        """Report the phase complete."""
        self.done = self.rows
        self._tell()

    def chunks(self, items: Sequence[T], rows: Callable[[T], int]) -> Iterator[list[T]]:
        """Yield `items` in lists of about `WRITE_ROWS` rows; count each list once handled."""
        batch: list[T] = []
        size = 0
        for item in items:
            batch.append(item)
            size += rows(item)
            if size >= WRITE_ROWS:
                yield batch
                self.advance(size)
                batch, size = [], 0
        if batch:
            yield batch
            self.advance(size)

    def _tell(self) -> None:
        self._told = self.done
        if self.report is not None:
            self.report(min(self.done, self.rows), self.rows, self.phase)
