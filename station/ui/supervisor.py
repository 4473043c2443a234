"""The supervisor window: imports and batch reprints, device setup, screen settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from station.config import StationConfig
from station.ui.settings_panel import SettingsPanel
from station.ui.setup_panel import SetupPanel
from station.ui.tools_panel import ToolsPanel

translate = QCoreApplication.translate  # the name Qt's lupdate looks for


class SupervisorWindow(QWidget):
    """Hold the supervisor's panels; its own window beside the packing screen."""

    def __init__(self, sessions: sessionmaker[Session], config: StationConfig,
                 config_path: str | Path | None, sounds: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(translate("Supervisor", "packbench: supervisor"))
        self.resize(1100, 760)
        self.tools = ToolsPanel(sessions, config)
        self.setup = SetupPanel(config, config_path)
        self.setup.setWindowFlag(Qt.WindowType.Window, False)  # a tab here, not a window
        self.settings = SettingsPanel(config, config_path, sounds)
        self.tabs = QTabWidget()
        font = QFont(self.tabs.font())
        font.setPointSize(15)
        self.tabs.tabBar().setFont(font)
        self.tabs.addTab(self.tools, translate("Supervisor", "Imports and reprints (F1)"))
        self.tabs.addTab(self.setup, translate("Supervisor", "Devices (F2)"))
        self.tabs.addTab(self.settings, translate("Supervisor", "Settings (F3)"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        # Not Ctrl+letter: a focused text field takes Ctrl+E, Ctrl+D... as editing keys.
        for key, index in (("F1", 0), ("F2", 1), ("F3", 2)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda i=index: self.tabs.setCurrentIndex(i))
        close = QShortcut(QKeySequence("Ctrl+W"), self)
        close.activated.connect(self.close)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Hide; the panels keep their state for the next time (work in progress goes on)."""
        event.accept()

    def shutdown(self) -> None:
        """Stop the panels' background work (the station is closing)."""
        self.tools.work.shutdown(5.0)  # a cancelled import rolls back; wait for it
        self.setup.close()
