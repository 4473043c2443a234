"""Run device setup work off the GUI thread, and show a port's bytes live as they move.

`JobRunner.run(work, done)` runs `work()` on its own daemon thread and calls `done(result)`
on the GUI thread (a queued signal); an exception `work` raises is handed to `done` as the
result. Daemon threads rather than a `QThreadPool`: a pool waits for its jobs when it is
destroyed, and closing the panel must never wait for a device that does not answer.

`MonitorView` is a read-only text view of a `ByteMonitor`: while it watches, a timer on the
GUI thread appends the rows recorded since the last look (memory only, no I/O).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from drivers.monitor import ByteMonitor, format_chunks

log = logging.getLogger(__name__)


class JobRunner(QObject):
    """Run callables on worker threads; deliver their results on the GUI thread."""

    _finished = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._tokens = itertools.count(1)
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """True while a job's result has not been delivered yet."""
        return bool(self._callbacks)

    def run(self, work: Callable[[], Any], done: Callable[[Any], None], name: str = "setup"
            ) -> None:
        """Run `work()` on a new thread; `done(result or exception)` runs on the GUI thread."""
        token = next(self._tokens)
        self._callbacks[token] = done
        signal = self._finished

        def job() -> None:
            try:
                result = work()
            except Exception as exc:  # handed to `done`, which shows it
                log.exception("setup job %s failed", name)
                result = exc
            with contextlib.suppress(RuntimeError):  # the panel is gone: nobody to tell
                signal.emit(token, result)

        threading.Thread(target=job, name=f"setup-{name}", daemon=True).start()

    def _deliver(self, token: int, result: object) -> None:
        done = self._callbacks.pop(token, None)
        if done is not None:
            done(result)


class MonitorView(QPlainTextEdit):
    """Show what a `ByteMonitor` records, as hex and text rows, while a test runs."""

    def __init__(self, parent: QWidget | None = None, *, interval_ms: int = 100) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setMaximumBlockCount(5000)  # the monitor's 64 KiB is about 4100 rows
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(14)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.setMinimumHeight(160)
        self.monitor: ByteMonitor | None = None
        self._cursor = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)

    def watch(self, monitor: ByteMonitor) -> None:
        """Clear the view and follow `monitor` until `finish()`."""
        self.clear()
        self.monitor, self._cursor = monitor, 0
        self._timer.start()

    def refresh(self) -> None:
        """Append the rows recorded since the last refresh."""
        if self.monitor is None:
            return
        chunks, self._cursor = self.monitor.since(self._cursor)
        if chunks:
            self.appendPlainText(format_chunks(chunks, self.monitor.started))

    def finish(self) -> None:
        """Show the last rows and stop following."""
        self.refresh()
        self._timer.stop()

    @property
    def following(self) -> bool:
        """True while the view follows a monitor."""
        return self._timer.isActive()
