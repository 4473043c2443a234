"""The device setup panel: set each device's URL and protocol, test it, save the config file.

A non-modal window: `SetupPanel(config, config_path)`, then `show()`. One page per device
(`DeviceTab`) with its settings, its tests (read the scale, print a test label or insert,
ping the VLM, listen to the scanner), a result line in colour and words, and the bytes the
test moved. Listing serial ports, tests and saving all run on worker threads; the GUI thread
only shows their results.

Save writes every page's settings into the station TOML through
`station.app.config_file.save_device_settings` (comments and other sections are kept; an
invalid value is refused and the file left as it was) and emits `saved(StationConfig)`.
The running station reads devices at start, so the panel says it must be restarted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from station.app.config_file import save_device_settings
from station.app.doctor import DEVICES, SerialPortInfo, list_serial_ports
from station.config import StationConfig
from station.ui.setup_device import RESULT_COLOURS, DeviceTab
from station.ui.setup_jobs import JobRunner
from station.ui.widgets import big_label, device_name, paint, touch_button


class SetupPanel(QWidget):
    """Edit, test and save the station's device settings (see the module docstring)."""

    saved = Signal(object)  # the StationConfig as written

    def __init__(self, config: StationConfig, config_path: str | Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # its own window, also with a parent
        self.setWindowTitle(self.tr("Device setup"))
        font = QFont(self.font())
        font.setPointSize(15)
        self.setFont(font)
        self.config = config
        self.config_path = Path(config_path) if config_path else None
        self.runner = JobRunner(self)
        self.ports: list[SerialPortInfo] | None = None
        self.tabs: dict[str, DeviceTab] = {}
        self._build()
        self.refresh_ports()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.pages = QTabWidget()
        self.pages.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for number, device in enumerate(DEVICES, start=1):
            tab = DeviceTab(device, self.config, self.runner, self)
            self.tabs[device] = tab
            key = f"Ctrl+{number}"
            self.pages.addTab(tab, f"{device_name(device)}  [{key}]")
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda t=tab: self.pages.setCurrentWidget(t))
        layout.addWidget(self.pages, 1)

        self.ports_label = big_label(14, wrap=True)
        layout.addWidget(self.ports_label)
        self.status = big_label(16, bold=True, wrap=True)
        self.status.setMinimumHeight(56)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        row = QHBoxLayout()
        self.refresh_button = touch_button(self.tr("Find serial ports"), "F7")
        self.refresh_button.setShortcut(QKeySequence("F7"))
        self.refresh_button.clicked.connect(self.refresh_ports)
        self.save_button = touch_button(self.tr("Save"), "Ctrl+S")
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_button.clicked.connect(self.save)
        self.close_button = touch_button(self.tr("Close"), "Esc")
        self.close_button.setShortcut(QKeySequence("Esc"))
        self.close_button.clicked.connect(self.close)
        for button in (self.refresh_button, self.save_button, self.close_button):
            row.addWidget(button)
        layout.addLayout(row)
        if self.config_path is None:
            self.save_button.setEnabled(False)
            self._show_status("idle", self.tr(
                "No configuration file: start the station with --config FILE to save here."))
        else:
            self._show_status("idle", self.tr("Settings are saved to {path}").format(
                path=self.config_path))

    @property
    def busy(self) -> bool:
        """True while a port listing, a test or a save is running."""
        return self.runner.busy

    # ------------------------------------------------------------------ ports
    def refresh_ports(self) -> None:
        """List this machine's serial ports on a worker thread, then offer them."""
        self.refresh_button.setEnabled(False)
        self.ports_label.setText(self.tr("Looking for serial ports..."))
        self.runner.run(list_serial_ports, self._ports_found, name="ports")

    def _ports_found(self, result: object) -> None:
        self.refresh_button.setEnabled(True)
        if not isinstance(result, list):
            self.ports_label.setText(self.tr("Serial ports could not be listed: {why}").format(
                why=result))
            return
        self.ports = result
        for tab in self.tabs.values():
            tab.set_ports(result)
        if result:
            names = ", ".join(p.device for p in result)
            self.ports_label.setText(self.tr("Serial ports found: {count} ({names})").format(
                count=len(result), names=names))
        else:
            self.ports_label.setText(self.tr(
                "No serial ports found. Network devices: socket://host:port"))

    # ------------------------------------------------------------------- save
    def save(self) -> None:
        """Write every page's settings to the config file on a worker thread."""
        if self.config_path is None or not self.save_button.isEnabled():
            return
        settings = {}
        for device, tab in self.tabs.items():
            try:
                tab.section()  # the whole section must validate, not only the edited keys
                settings[device] = tab.settings()
            except ValueError as exc:
                self.pages.setCurrentWidget(tab)
                self._show_status("fail", self.tr("Not saved: {device}: {why}").format(
                    device=device_name(device), why=exc))
                return
        path = self.config_path
        self.save_button.setEnabled(False)
        self._show_status("busy", self.tr("Saving..."))
        self.runner.run(lambda: save_device_settings(path, settings), self._saved, name="save")

    def _saved(self, result: object) -> None:
        self.save_button.setEnabled(True)
        if isinstance(result, StationConfig):
            self.config = result
            for tab in self.tabs.values():
                tab.load(result)
            self._show_status("ok", self.tr(
                "Saved to {path}. Restart the station to use the new device settings.").format(
                    path=self.config_path))
            self.saved.emit(result)
        else:  # a ConfigError says which key and why; anything else is shown as it is
            self._show_status("fail", self.tr("Not saved: {why}").format(why=result))

    def _show_status(self, kind: str, text: str) -> None:
        self.status_kind = kind
        self.status.setText(text)
        paint(self.status, RESULT_COLOURS[kind])
