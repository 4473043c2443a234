"""Describe long work (imports, batch reprints): how far it is, and how to ask it to stop.

A job is a plain function `job(progress, cancel) -> result` that calls `progress(Progress)`
now and then and looks at `cancel` between steps. It knows nothing of the screen: the Qt
side (`station.ui.long_work`) runs it on a worker thread and shows what it reports.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from sync import importing


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a job is: `done` of `total` (0 while unknown) in its current `phase`.

    Phases: "reading" (bytes of the file), "checking" and "writing" (rows of the file),
    "reprinting" (orders; `detail` names the order just done).
    """

    done: int
    total: int
    phase: str
    detail: str = ""

    @property
    def fraction(self) -> float | None:
        """Return done / total between 0 and 1, or None while the total is unknown."""
        if self.total <= 0:
            return None
        return min(max(self.done / self.total, 0.0), 1.0)


ProgressFn = Callable[[Progress], None]


class Cancelled(Exception):
    """The job stopped because it was asked to; what it did not finish was not done."""


class CancelToken:
    """Ask a job on another thread to stop at its next step."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Tell whether the job was asked to stop."""
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a cancel; tell whether it came."""
        return self._event.wait(timeout)

    def check(self) -> None:
        """Raise Cancelled if the job was asked to stop."""
        if self._event.is_set():
            raise Cancelled


Job = Callable[[ProgressFn, CancelToken], Any]


def import_report(progress: ProgressFn, cancel: CancelToken) -> Callable[[int, int, str], None]:
    """Return an import's `report` hook: it passes the progress on and stops on a cancel.

    Raising inside the import, before its commit, is what makes a cancel leave the database
    as it was. The token is looked at after passing the report on too, so a cancel made up to
    the import's last report (just before its commit) is still in time.
    """
    def report(done: int, total: int, phase: str) -> None:
        cancel.check()
        progress(Progress(done, total, phase))
        cancel.check()

    return report


_pauses = 0
_pauses_lock = threading.Lock()
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a job builds many objects (nests across threads).

    A full collection walks every object of the process holding the GIL: while an import of
    40,000 order lines built its rows, each one stopped the GUI thread for 150-400 ms.
    Reference counting still frees almost everything meanwhile; the collector runs again
    when the last paused job ends.
    """
    global _pauses, _was_enabled
    with _pauses_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


IMPORTERS: dict[str, Callable[..., importing.ImportResult]] = {
    "products": importing.import_products,
    "orders": importing.import_orders,
    "boxes": importing.import_box_types,
}


def import_job(sessions: sessionmaker[Session], kind: str, path: Path) -> Job:
    """Return the job that imports `path` as `kind` ("products", "orders" or "boxes")."""
    importer = IMPORTERS[kind]

    def job(progress: ProgressFn, cancel: CancelToken) -> importing.ImportResult:
        cancel.check()
        with collector_paused():
            return importer(sessions, path, report=import_report(progress, cancel))

    return job
