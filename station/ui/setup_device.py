"""One device's page of the setup panel: its settings, test buttons, result and byte monitor.

The fields edit a copy of the device's `DeviceSection`; a test runs the `station.app.doctor`
check on exactly what the fields say (saved or not), on a worker thread, while the byte
monitor shows the bytes as they move.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QIntValidator, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drivers.monitor import ByteMonitor
from station.app import doctor
from station.app.doctor import CheckResult, SerialPortInfo, model_choices
from station.config import PROTOCOLS, DeviceSection, StationConfig
from station.ui.setup_jobs import JobRunner, MonitorView
from station.ui.widgets import COLOURS, LIGHT_COLOURS, big_label, paint, touch_button

RESULT_COLOURS = {"ok": COLOURS["accepted"], "fail": COLOURS["rejected"],
                  "busy": COLOURS["waiting"], "idle": LIGHT_COLOURS["unknown"]}
BAUDRATES = ("1200", "2400", "4800", "9600", "19200", "38400", "57600", "115200")
LISTEN_S = 15.0  # how long "Listen to scanner" waits for one scan
URL_HINTS = {
    "scanner": ("socket://HOST:PORT", "rfc2217://HOST:PORT"),
    "scale": ("socket://HOST:4001", "rfc2217://HOST:PORT"),
    "label_printer": ("socket://HOST:9100", "rfc2217://HOST:PORT"),
    "receipt_printer": ("socket://HOST:9100", "rfc2217://HOST:PORT"),
    "vlm": ("socket://HOST:PORT", "modbus://HOST:502?unit=1"),
}


_STATUS = ("status", QT_TRANSLATE_NOOP("DeviceTab", "Printer status"), "F5")
# Each device's tests: (action, button text, key). Texts are marked for lupdate here and
# translated when the buttons are made.
ACTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "scanner": (("listen", QT_TRANSLATE_NOOP("DeviceTab", "Listen to scanner"), "F5"),),
    "scale": (("read", QT_TRANSLATE_NOOP("DeviceTab", "Read scale"), "F5"),),
    "label_printer": (_STATUS, ("print", QT_TRANSLATE_NOOP("DeviceTab", "Print test label"),
                                "F6")),
    "receipt_printer": (_STATUS, ("print", QT_TRANSLATE_NOOP("DeviceTab", "Print test insert"),
                                  "F6")),
    "vlm": (("ping", QT_TRANSLATE_NOOP("DeviceTab", "Ping VLM"), "F5"),),
}


def _combo(editable: bool) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    combo.setMinimumHeight(48)
    combo.setMinimumContentsLength(28)
    return combo


class DeviceTab(QWidget):
    """Edit and test one device (`scanner`, `scale`, `label_printer`, ...)."""

    _listening = Signal()  # from the worker: the scanner port is open, scan now

    def __init__(self, device: str, config: StationConfig, runner: JobRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.device = device
        self.config = config
        self.runner = runner
        self.monitor: ByteMonitor | None = None
        self.last_result: CheckResult | None = None
        self.buttons: dict[str, QPushButton] = {}
        self._build()
        self.load(config)
        self._listening.connect(self._show_listening, Qt.ConnectionType.QueuedConnection)

    @property
    def base(self) -> DeviceSection:
        """The device's settings as last loaded or saved."""
        return getattr(self.config.devices, self.device)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.url = _combo(editable=True)
        self.url.setToolTip(self.tr("Serial port, or socket://host:port for a network device"))
        form.addRow(self.tr("URL"), self.url)
        self.protocol = _combo(editable=False)
        self.protocol.addItems(list(PROTOCOLS[self.device]))
        self.protocol.currentTextChanged.connect(self._fill_models)
        form.addRow(self.tr("Protocol"), self.protocol)
        self.model = _combo(editable=True)
        self.has_models = False
        self.model_row = QLabel(self.tr("Model"))
        form.addRow(self.model_row, self.model)
        self.baudrate = _combo(editable=True)
        self.baudrate.addItems(list(BAUDRATES))
        self.baudrate.setValidator(QIntValidator(1, 4_000_000, self))
        form.addRow(self.tr("Baud rate"), self.baudrate)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(0.1, 60.0)
        self.timeout.setSingleStep(0.5)
        self.timeout.setDecimals(1)
        self.timeout.setSuffix(" s")
        self.timeout.setMinimumHeight(48)
        form.addRow(self.tr("Reply timeout"), self.timeout)
        layout.addLayout(form)

        row = QHBoxLayout()
        for action, text, key in ACTIONS[self.device]:
            button = touch_button(self.tr(text), key)
            button.setMinimumHeight(64)
            button.setShortcut(QKeySequence(key))
            button.clicked.connect(lambda _=False, a=action: self.run_test(a))
            self.buttons[action] = button
            row.addWidget(button)
        layout.addLayout(row)

        self.result = big_label(16, bold=True, wrap=True)
        self.result.setMinimumHeight(64)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result)
        caption = big_label(14)
        caption.setText(self.tr("Bytes sent (TX >) and received (RX <)"))
        layout.addWidget(caption)
        self.monitor_view = MonitorView(self)
        layout.addWidget(self.monitor_view, 1)
        self.show_result("idle", self.tr("Not tested yet"))

    def load(self, config: StationConfig) -> None:
        """Show the settings of `config` for this device."""
        self.config = config
        cfg = self.base
        self.url.setEditText(cfg.url)
        self.protocol.setCurrentText(cfg.protocol or PROTOCOLS[self.device][0])
        self._fill_models(self.protocol.currentText())
        self.model.setEditText(cfg.model)
        self.baudrate.setEditText(str(cfg.baudrate))
        self.timeout.setValue(cfg.timeout_s)
        self._shown_timeout = self.timeout.value()  # rounded to the box's one decimal

    def set_ports(self, ports: list[SerialPortInfo]) -> None:
        """Offer `ports` and the network URL hints in the URL list; the text stays."""
        text = self.url.currentText()
        self.url.clear()
        for port in ports:
            self.url.addItem(port.device)
            tip = " ".join(p for p in (port.description, port.hwid) if p and p != "n/a")
            self.url.setItemData(self.url.count() - 1, tip or port.device,
                                 Qt.ItemDataRole.ToolTipRole)
        self.url.addItems(list(URL_HINTS[self.device]))
        self.url.setEditText(text)

    def _fill_models(self, protocol: str) -> None:
        names = model_choices(self.device, protocol)
        text = self.model.currentText()
        self.model.clear()
        self.model.addItems(list(names))
        self.model.setEditText(text if text in names or not names else "")
        self.has_models = bool(names)
        self.model.setVisible(self.has_models)
        self.model_row.setVisible(self.has_models)

    # ---------------------------------------------------------------- settings
    def settings(self) -> dict[str, Any]:
        """Return what the fields say, as `DeviceSection` keys (raise ValueError if invalid)."""
        baud = self.baudrate.currentText().strip()
        if not baud.isdigit() or int(baud) < 1:
            raise ValueError(self.tr("Baud rate must be a whole number, e.g. 9600"))
        protocol = self.protocol.currentText()
        if protocol == PROTOCOLS[self.device][0] and not self.base.protocol:
            protocol = ""  # keep "the family default" rather than naming it
        timeout = self.timeout.value()
        if timeout == self._shown_timeout:  # untouched: keep the file's value, not its rounding
            timeout = self.base.timeout_s
        model = self.model.currentText().strip() if self.has_models else self.base.model
        return {"url": self.url.currentText().strip(), "protocol": protocol, "model": model,
                "baudrate": int(baud), "timeout_s": timeout}

    def section(self) -> DeviceSection:
        """Return the edited settings as a validated `DeviceSection`."""
        try:
            return DeviceSection.model_validate({**self.base.model_dump(), **self.settings()})
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ValueError(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from exc

    # ------------------------------------------------------------------ tests
    def run_test(self, action: str) -> None:
        """Start one test on a worker thread (ignored while one runs)."""
        if self.testing:
            return
        try:
            cfg = self.section()
        except ValueError as exc:
            self.show_result("fail", self.tr("Cannot test: {why}").format(why=exc))
            return
        if not cfg.url:
            self.show_result("fail", self.tr("Enter the device URL first"))
            return
        monitor = self.monitor = ByteMonitor()
        work = self._work(action, cfg, monitor)
        limit = doctor.budget_s(cfg, listen_s=LISTEN_S if action == "listen" else 0.0,
                                print_test=action == "print")
        self._set_buttons(False)
        self.monitor_view.watch(monitor)
        waiting = {"listen": self.tr("Opening the scanner port..."),
                   "print": self.tr("Printing...")}.get(action, self.tr("Testing..."))
        self.show_result("busy", waiting)
        self.runner.run(lambda: doctor.run_bounded(self.device, cfg.url, limit, work),
                        self._finished, name=f"{self.device}-{action}")

    def _work(self, action: str, cfg: DeviceSection, monitor: ByteMonitor
              ) -> Callable[[], CheckResult]:
        config, printing = self.config, action == "print"
        if self.device == "scanner":
            return lambda: doctor.check_scanner(cfg, listen_s=LISTEN_S, max_lines=1,
                                                monitor=monitor, on_listening=self._listening.emit)
        if self.device == "scale":
            return lambda: doctor.check_scale(cfg, monitor=monitor)
        if self.device == "label_printer":
            return lambda: doctor.check_label_printer(cfg, config=config, print_test=printing,
                                                      monitor=monitor)
        if self.device == "receipt_printer":
            return lambda: doctor.check_receipt_printer(cfg, config=config,
                                                        print_test=printing, monitor=monitor)
        return lambda: doctor.check_vlm(cfg, monitor=monitor)

    def _show_listening(self) -> None:
        if self.testing:
            self.show_result("busy", self.tr("Listening for {seconds:g} s: scan a code now").format(
                seconds=LISTEN_S))

    @property
    def testing(self) -> bool:
        """True while a test of this device runs."""
        return not all(b.isEnabled() for b in self.buttons.values())

    def _finished(self, result: object) -> None:
        self.monitor_view.finish()
        self._set_buttons(True)
        if not isinstance(result, CheckResult):  # the check itself broke
            self.show_result("fail", self.tr("FAIL: {why}").format(why=result))
            return
        self.last_result = result
        if result.ok:
            self.show_result("ok", self.tr("OK: {summary}").format(summary=result.summary))
        else:
            self.show_result("fail", self.tr("FAIL: {summary}").format(summary=result.summary))
        self.result.setToolTip(result.detail)

    def _set_buttons(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)

    def show_result(self, kind: str, text: str) -> None:
        """Show a result line: colour (`ok`, `fail`, `busy`, `idle`) plus words."""
        self.result_kind = kind
        self.result.setText(text)
        paint(self.result, RESULT_COLOURS[kind])
