"""The supervisor's tools: import products, orders and box types; reprint labels in a batch.

Each tool runs through `LongWork`, so reading, checking and writing a large file (or queuing
hundreds of labels) happens on a worker thread while the screen keeps turning and shows how
far it is. The result is said in words: rows created and updated, or every problem of the
file with its line number (an import is all or nothing, so then nothing was written).

Choosing a file uses the standard file dialog. A keyboard-wedge scan while it (or the order
numbers box) has focus still goes to the station: `WedgeFilter` takes scanner bursts first.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from station.app.shipments import BatchReprint, packed_today, reprint_orders
from station.app.work import CancelToken, Job, ProgressFn, import_job
from station.config import StationConfig
from station.ui.long_work import LongWork, ProgressPanel
from station.ui.widgets import COLOURS, touch_button
from sync.importing import ImportFailed, ImportResult

# The screen's colour pairs; the result also says what happened in words.
RESULT_COLOURS = {"ok": COLOURS["accepted"], "stopped": COLOURS["waiting"],
                  "failed": COLOURS["rejected"], "running": COLOURS["idle"]}
IMPORT_KEYS = {"products": "Alt+P", "orders": "Alt+O", "boxes": "Alt+B"}


def _font(points: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


class ToolsPanel(QWidget):
    """Import files and reprint labels for a supervisor, without freezing the screen."""

    def __init__(self, sessions: sessionmaker[Session], config: StationConfig,
                 station_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self.config = config
        self.station_id = station_id or config.station.id
        self.work = LongWork(self)
        self.outcome = ""  # "ok", "stopped" or "failed": how the last job ended
        self._running = ""  # "import" or "reprint"
        self._subject = ""  # the file name, for the result
        self._today = False
        self._build()
        self.work.finished.connect(self._on_finished)
        self.work.failed.connect(self._on_failed)
        self.work.cancelled.connect(self._on_cancelled)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Supervisor tools"))
        title.setFont(_font(20, bold=True))
        layout.addWidget(title)
        intro = QLabel(self.tr("Imports are all or nothing: a file with an error writes "
                               "nothing and lists the faulty lines. The packing screen keeps "
                               "working meanwhile."))
        intro.setFont(_font(14))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        texts = {"products": self.tr("Import products…"), "orders": self.tr("Import orders…"),
                 "boxes": self.tr("Import boxes…")}
        self.buttons: dict[str, QPushButton] = {}
        self._shortcuts: list[QShortcut] = []
        for col, (kind, key) in enumerate(IMPORT_KEYS.items()):
            button = touch_button(self.tr("{action} ({key})").format(action=texts[kind], key=key))
            button.clicked.connect(lambda _=False, k=kind: self.choose_file(k))
            self._add(grid, button, col, key, kind)
        button = touch_button(self.tr("Reprint labels for orders… ({key})").format(key="Alt+R"))
        button.clicked.connect(self.show_reprint_form)
        self._add(grid, button, 3, "Alt+R", "reprint")
        layout.addLayout(grid)

        self.reprint_form = QWidget()
        form = QVBoxLayout(self.reprint_form)
        form.setContentsMargins(0, 0, 0, 0)
        prompt = QLabel(self.tr("Order numbers, one per line"))
        prompt.setFont(_font(15))
        form.addWidget(prompt)
        self.refs_edit = QPlainTextEdit()
        self.refs_edit.setFont(_font(16))
        self.refs_edit.setMinimumHeight(120)
        form.addWidget(self.refs_edit)
        self.today_check = QCheckBox(
            self.tr("All orders packed at this station today ({key})").format(key="Alt+T"))
        self.today_check.setFont(_font(15))
        self.today_check.setMinimumHeight(56)
        self.today_check.setStyleSheet("QCheckBox::indicator { width: 36px; height: 36px; }")
        self.today_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.today_check.toggled.connect(lambda on: self.refs_edit.setEnabled(not on))
        form.addWidget(self.today_check)
        self._shortcut("Alt+T", self.today_check.toggle)
        start = touch_button(self.tr("Start reprint ({key})").format(key="Alt+S"))
        start.clicked.connect(self.start_reprint_from_form)
        self._add(form, start, None, "Alt+S", "start_reprint")
        self.reprint_form.hide()
        layout.addWidget(self.reprint_form)

        self.progress_panel = ProgressPanel(self.work)
        self.progress_panel.hide()
        layout.addWidget(self.progress_panel)
        self.result_label = QLabel()
        self.result_label.setFont(_font(16, bold=True))
        self.result_label.setWordWrap(True)
        self.result_label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.result_label.hide()
        layout.addWidget(self.result_label)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(_font(14))
        self.details.hide()
        layout.addWidget(self.details, 1)
        layout.addStretch(1)  # keep everything at the top while the details are hidden

    def _add(self, layout: QGridLayout | QVBoxLayout, button: QPushButton, col: int | None,
             key: str, name: str) -> None:
        if isinstance(layout, QGridLayout):
            layout.addWidget(button, 0, col or 0)
        else:
            layout.addWidget(button)
        self.buttons[name] = button
        self._shortcut(key, button.click)

    def _shortcut(self, key: str, slot) -> None:
        shortcut = QShortcut(QKeySequence(key), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        self._shortcuts.append(shortcut)

    # ------------------------------------------------------------------ starting
    def choose_file(self, kind: str) -> None:
        """Ask for the file to import as `kind` and import it."""
        if self.work.running:
            return
        titles = {"products": self.tr("Import products"), "orders": self.tr("Import orders"),
                  "boxes": self.tr("Import boxes")}
        name, _ = QFileDialog.getOpenFileName(
            self, titles[kind], "", self.tr("Import files (*.csv *.json *.jsonl);;All files (*)"))
        if name:
            self.start_import(kind, Path(name))

    def start_import(self, kind: str, path: Path) -> bool:
        """Import `path` as "products", "orders" or "boxes"; False while a job runs."""
        self._subject = path.name
        return self._start("import", import_job(self.sessions, kind, path),
                           self.tr("Importing {file}…").format(file=path.name))

    def show_reprint_form(self) -> None:
        """Show the box for the order numbers to reprint."""
        self.reprint_form.show()
        self.refs_edit.setFocus()

    def start_reprint_from_form(self) -> bool:
        """Reprint what the form asks for: the numbers typed, or today's orders."""
        if self.today_check.isChecked():
            return self.start_reprint_today()
        refs = [line.strip() for line in self.refs_edit.toPlainText().splitlines()]
        if not any(refs):
            self._show("stopped", self.tr("Type the order numbers to reprint, one per line."))
            return False
        return self.start_reprint(refs)

    def start_reprint(self, refs: Iterable[str]) -> bool:
        """Queue the labels of these orders (ids or numbers) again; False while a job runs."""
        wanted = [ref for ref in refs if ref.strip()]
        sessions, config = self.sessions, self.config

        def job(progress: ProgressFn, cancel: CancelToken) -> BatchReprint:
            return reprint_orders(sessions, config, wanted, progress, cancel)

        self._today = False
        return self._start("reprint", job, self.tr("Reprinting labels…"))

    def start_reprint_today(self) -> bool:
        """Queue the labels of every order packed at this station today again."""
        sessions, config, station_id = self.sessions, self.config, self.station_id

        def job(progress: ProgressFn, cancel: CancelToken) -> BatchReprint:
            return reprint_orders(sessions, config, packed_today(sessions, station_id),
                                  progress, cancel)

        self._today = True
        return self._start("reprint", job, self.tr("Reprinting today's labels…"))

    def _start(self, what: str, job: Job, words: str) -> bool:
        if self.work.running:
            return False
        self._running = what
        self._set_busy(True)
        self._show("running", words)
        self.work.start(job)
        return True

    def _set_busy(self, busy: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(not busy)
        for shortcut in self._shortcuts:
            shortcut.setEnabled(not busy)

    # -------------------------------------------------------------------- results
    def _on_finished(self, result: object) -> None:
        self._set_busy(False)
        if isinstance(result, ImportResult):
            self._show("ok", self.tr(
                "Imported {file}: {records} records, {created} created, {updated} updated, "
                "{unchanged} unchanged.").format(
                file=self._subject, records=result.records, created=result.created,
                updated=result.updated, unchanged=result.unchanged))
        elif isinstance(result, BatchReprint):
            self._show_reprint(result)

    def _show_reprint(self, result: BatchReprint) -> None:
        lines = [self.tr("{order}: %n label(s) queued again", "", o.labels).format(
                     order=o.order_number) if not o.error else
                 self.tr("{order}: not reprinted ({reason})").format(
                     order=o.order_number, reason=o.error) for o in result.orders]
        if result.not_done:
            lines.append(self.tr("Not reprinted (stopped): {orders}").format(
                orders=", ".join(result.not_done)))
        done = len(result.orders) - len(result.failed)
        if result.total == 0:
            words = self.tr("No orders with a live label were packed at this station today.") \
                if self._today else self.tr("No orders to reprint.")
            self._show("stopped", words)
        elif result.cancelled:
            self._show("stopped", self.tr(
                "Stopped after {done} of {total} orders: %n label(s) queued again.", "",
                result.labels).format(done=len(result.orders), total=result.total), lines)
        else:
            self._show("ok" if not result.failed else "stopped", self.tr(
                "Reprinted {done} of {total} orders: %n label(s) queued again.", "",
                result.labels).format(done=done, total=result.total), lines)

    def _on_failed(self, message: str) -> None:
        self._set_busy(False)
        if self._running == "reprint":
            self._show("failed", self.tr("Nothing was reprinted: {reason}").format(
                reason=message))
            return
        error = self.work.error
        if isinstance(error, ImportFailed):  # its text names each problem's line (the first 50)
            lines = [self.tr("Fix these lines and import again:"), *str(error).splitlines()]
        else:
            lines = [message]
        self._show("failed", self.tr("Nothing was imported from {file}.").format(
            file=self._subject), lines)

    def _on_cancelled(self) -> None:
        self._set_busy(False)
        if self._running == "reprint":
            self._show("stopped", self.tr("Reprint stopped: nothing was reprinted."))
            return
        self._show("stopped", self.tr("Import of {file} stopped: nothing was imported.").format(
            file=self._subject))

    def _show(self, outcome: str, words: str, details: list[str] | None = None) -> None:
        bg, fg = RESULT_COLOURS[outcome]
        self.outcome = outcome
        self.result_label.setStyleSheet(f"background-color: {bg}; color: {fg}; padding: 8px;")
        self.result_label.setText(words)
        self.result_label.show()
        self.details.setPlainText("\n".join(details or ()))
        self.details.setVisible(bool(details))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask a running job to stop; waiting for it here would freeze the screen."""
        self.work.cancel()
        super().closeEvent(event)
