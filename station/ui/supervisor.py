"""The supervisor window: imports and batch reprints, and device setup, in two tabs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from station.config import StationConfig
from station.ui.setup_panel import SetupPanel
from station.ui.tools_panel import ToolsPanel

translate = QCoreApplication.translate  # the name Qt's lupdate looks for


class SupervisorWindow(QWidget):
    """Hold the supervisor's panels; its own window beside the packing screen."""

    def __init__(self, sessions: sessionmaker[Session], config: StationConfig,
                 config_path: str | Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(translate("Supervisor", "packbench: supervisor"))
        self.resize(1100, 760)
        self.tools = ToolsPanel(sessions, config)
        self.setup = SetupPanel(config, config_path)
        self.setup.setWindowFlag(Qt.WindowType.Window, False)  # a tab here, not a window
        self.tabs = QTabWidget()
        font = QFont(self.tabs.font())
        font.setPointSize(15)
        self.tabs.tabBar().setFont(font)
        self.tabs.addTab(self.tools, translate("Supervisor", "Imports and reprints (Ctrl+I)"))
        self.tabs.addTab(self.setup, translate("Supervisor", "Devices (Ctrl+D)"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        for key, index in (("Ctrl+I", 0), ("Ctrl+D", 1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda i=index: self.tabs.setCurrentIndex(i))
        close = QShortcut(QKeySequence("Ctrl+W"), self)
        close.activated.connect(self.close)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Hide; the panels keep their state for the next time (work in progress goes on)."""
        event.accept()

    def shutdown(self) -> None:
        """Stop the panels' background work (the station is closing)."""
        self.tools.close()
        self.setup.close()
