"""Run long work (imports, batch reprints) on a worker thread and show how far it is.

`LongWork` runs one job at a time, `job(progress, cancel) -> result` (`station.app.work`), on
its own thread. The job may report progress as often as it likes: the latest report waits in
one slot and the GUI thread is told of it through a queued signal, at most every
`interval_ms` (20 a second by default), so a busy job never floods the event loop and the
last report is never lost. The end comes as `finished(result)`, `failed(message)` or
`cancelled()`, always after the last `progressed`, always on the GUI thread.

`ProgressPanel` is the embedded view of it: a big bar, the phase in words and a
"Cancel (Esc)" button. Nothing is modal: the rest of the screen stays usable meanwhile.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from station.app.work import Cancelled, CancelToken, Job, Progress

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # the name Qt's lupdate looks for

BAR_STEPS = 1000  # the bar counts in tenths of a percent: byte totals overflow an int


def error_message(exc: BaseException) -> str:
    """Return what went wrong in words for the screen."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


def phase_text(progress: Progress) -> str:
    """Return where a job is, in words: "Writing rows: 2,000 of 20,000"."""
    locale = QLocale()
    done, total = locale.toString(progress.done), locale.toString(progress.total)
    fraction = progress.fraction
    if progress.phase == "reading":
        if fraction is None:
            return translate("LongWork", "Reading the file")
        return translate("LongWork", "Reading the file: {percent} %").format(
            percent=int(fraction * 100)
        )
    if progress.phase == "checking":
        return translate("LongWork", "Checking rows: {done} of {total}").format(
            done=done, total=total
        )
    if progress.phase == "writing":
        return translate("LongWork", "Writing rows: {done} of {total}").format(
            done=done, total=total
        )
    if progress.phase == "reprinting":
        if progress.detail:
            return translate(
                "LongWork", "Reprinting labels: order {done} of {total} ({order})"
            ).format(done=done, total=total, order=progress.detail)
        return translate("LongWork", "Reprinting labels: order {done} of {total}").format(
            done=done, total=total
        )
    return translate("LongWork", "{phase}: {done} of {total}").format(
        phase=progress.phase, done=done, total=total
    )


class LongWork(QObject):
    """Run one job at a time on a worker thread; report it on the GUI thread."""

    started = Signal()
    progressed = Signal(object)  # Progress
    finished = Signal(object)  # the job's result
    failed = Signal(str)  # what went wrong, in words; `error` has the exception
    cancelled = Signal()  # the job stopped on request (raised Cancelled)

    _poked = Signal()  # worker -> GUI thread: a new report waits in the slot
    _ended = Signal(str, object)  # worker -> GUI thread: "finished"/"failed"/"cancelled"

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 50) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.progress: Progress | None = None  # the last report shown
        self.error: BaseException | None = None  # why the last job failed
        self._lock = threading.Lock()
        self._latest: Progress | None = None
        self._waiting = False  # a report is in the slot and the GUI thread was told
        self._token: CancelToken | None = None
        self._thread: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._deliver)
        self._since = QElapsedTimer()
        # Queued: the slots run on this object's (the GUI) thread, whoever emits.
        self._poked.connect(self._on_poked, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        """Tell whether a job is running (until its end signal is emitted)."""
        return self._token is not None

    @property
    def cancelling(self) -> bool:
        """Tell whether the running job was asked to stop."""
        return self._token is not None and self._token.cancelled

    def start(self, job: Job) -> None:
        """Run `job(progress, cancel)` on a new worker thread."""
        if self.running:
            raise RuntimeError("a job is already running")
        token = CancelToken()
        self._token = token
        self.progress, self.error = None, None
        with self._lock:
            self._latest, self._waiting = None, False
        self._since.invalidate()
        self._thread = threading.Thread(
            target=self._run, args=(job, token), name="long-work", daemon=True
        )
        self.started.emit()
        self._thread.start()

    def cancel(self) -> None:
        """Ask the running job to stop at its next step."""
        if self._token is not None:
            self._token.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the worker thread to end; tell whether it did."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Cancel the running job and wait for its thread (when the screen closes)."""
        self.cancel()
        return self.wait(timeout)

    # ------------------------------------------------------------ worker thread
    def _report(self, progress: Progress, token: CancelToken) -> None:
        with self._lock:
            self._latest = progress
            if self._waiting:
                return
            self._waiting = True
        try:
            self._poked.emit()
        except RuntimeError:  # the screen that started the job is gone: stop it
            token.cancel()
            raise Cancelled from None

    def _run(self, job: Job, token: CancelToken) -> None:
        outcome: tuple[str, Any]
        try:
            result = job(lambda progress: self._report(progress, token), token)
        except Cancelled:
            outcome = ("cancelled", None)
        except Exception as exc:  # the worker's boundary: every failure goes to the screen
            log.info("long work failed: %s", error_message(exc))
            outcome = ("failed", exc)
        else:
            outcome = ("finished", result)
        try:
            self._ended.emit(*outcome)
        except RuntimeError:
            log.info("long work ended after its screen was closed")

    # --------------------------------------------------------------- GUI thread
    def _on_poked(self) -> None:
        if self._timer.isActive():
            return
        waited = self._since.elapsed() if self._since.isValid() else self.interval_ms
        if waited >= self.interval_ms:
            self._deliver()
        else:
            self._timer.start(self.interval_ms - waited)

    def _deliver(self) -> None:
        with self._lock:
            latest, self._waiting = self._latest, False
        self._since.start()
        if latest is not None and latest != self.progress:
            self.progress = latest
            self.progressed.emit(latest)

    def _on_ended(self, kind: str, payload: object) -> None:
        self._timer.stop()
        self._deliver()  # the last report comes before the end
        self._token = None
        if kind == "finished":
            self.finished.emit(payload)
        elif kind == "cancelled":
            self.cancelled.emit()
        else:
            assert isinstance(payload, BaseException)
            self.error = payload
            self.failed.emit(error_message(payload))


def _font(points: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


class ProgressPanel(QWidget):
    """Show a `LongWork`'s progress: a big bar, the phase in words, "Cancel (Esc)"."""

    def __init__(self, work: LongWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.phase_label = QLabel(self.tr("Nothing running"))
        self.phase_label.setFont(_font(16, bold=True))
        self.phase_label.setWordWrap(True)
        self.phase_label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.phase_label)
        self.bar = QProgressBar()
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setValue(0)
        self.bar.setFormat("%p %")
        self.bar.setFont(_font(16, bold=True))
        self.bar.setMinimumHeight(56)
        self.bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.bar)
        self.cancel_button = QPushButton(self.tr("Cancel (Esc)"))
        self.cancel_button.setFont(_font(15, bold=True))
        self.cancel_button.setMinimumHeight(56)
        # No focus: Enter from a keyboard-wedge scanner must never press it.
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.cancel_button)
        self.shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.setEnabled(False)
        self.shortcut.activated.connect(self.cancel)
        work.started.connect(self._on_started)
        work.progressed.connect(self._on_progressed)
        work.finished.connect(lambda _result: self._on_ended(self.tr("Done"), complete=True))
        work.failed.connect(lambda _message: self._on_ended(self.tr("Failed")))
        work.cancelled.connect(lambda: self._on_ended(self.tr("Stopped")))

    def cancel(self) -> None:
        """Ask the running job to stop; it says so until it has."""
        if not self.work.running or self.work.cancelling:
            return
        self.work.cancel()
        self.cancel_button.setEnabled(False)
        self.phase_label.setText(self.tr("Stopping after the current step…"))

    def _on_started(self) -> None:
        self.show()
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setValue(0)
        self.phase_label.setText(self.tr("Starting…"))
        self.cancel_button.setEnabled(True)
        self.shortcut.setEnabled(True)

    def _on_progressed(self, progress: Progress) -> None:
        fraction = progress.fraction
        if fraction is None:
            self.bar.setRange(0, 0)  # a busy bar until the total is known
        else:
            self.bar.setRange(0, BAR_STEPS)
            self.bar.setValue(round(fraction * BAR_STEPS))
        if not self.work.cancelling:
            self.phase_label.setText(phase_text(progress))

    def _on_ended(self, words: str, *, complete: bool = False) -> None:
        self.bar.setRange(0, BAR_STEPS)
        if complete:
            self.bar.setValue(BAR_STEPS)
        self.phase_label.setText(words)
        self.cancel_button.setEnabled(False)
        self.shortcut.setEnabled(False)
