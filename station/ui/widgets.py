"""Shared pieces of the packing screen: big labels, colours, device lights, touch buttons."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy

from station.ui.texts import device_detail

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

# High-contrast pairs (background, text); the band and lights also say their state in words.
COLOURS = {
    "accepted": ("#0b6e1f", "#ffffff"),
    "rejected": ("#b00020", "#ffffff"),
    "waiting": ("#f2a900", "#000000"),
    "idle": ("#2b2b2b", "#ffffff"),
}
LIGHT_COLOURS = {
    "connected": ("#0b6e1f", "#ffffff"),
    "not_ready": ("#f2a900", "#000000"),
    "disconnected": ("#b00020", "#ffffff"),
    "error": ("#b00020", "#ffffff"),
    "unknown": ("#5a5a5a", "#ffffff"),
}
DEVICES = ("scanner", "scale", "label_printer", "receipt_printer", "vlm", "backend")


def device_name(device: str) -> str:
    """Return a device's name in the screen's language."""
    names = {
        "scanner": translate("Devices", "Scanner"),
        "scale": translate("Devices", "Scale"),
        "label_printer": translate("Devices", "Label printer"),
        "receipt_printer": translate("Devices", "Receipt printer"),
        "vlm": translate("Devices", "VLM"),
        "backend": translate("Devices", "Backend"),
        "sound": translate("Devices", "Sound"),
    }
    return names.get(device, device)


def state_words(state: str) -> str:
    """Return a device state in words."""
    words = {
        "connected": translate("Devices", "connected"),
        "not_ready": translate("Devices", "not ready"),
        "disconnected": translate("Devices", "disconnected"),
        "error": translate("Devices", "ERROR"),
        "unknown": translate("Devices", "not seen yet"),
    }
    return words.get(state, state)


class TouchLabel(QLabel):
    """A label that emits `touched` when pressed (the verdict band)."""

    touched = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        super().mousePressEvent(event)


def big_label(points: int, *, bold: bool = False, wrap: bool = False,
              touch: bool = False) -> QLabel:
    """Return a label that never takes keyboard focus, in a `points` font."""
    label = TouchLabel() if touch else QLabel()
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    label.setFont(font)
    label.setWordWrap(wrap)
    label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return label


def paint(widget: QLabel, colours: tuple[str, str]) -> None:
    """Colour a label's background and text."""
    bg, fg = colours
    widget.setStyleSheet(f"background-color: {bg}; color: {fg}; padding: 8px;")


def touch_button(text: str, key: str = "", *, points: int = 15) -> QPushButton:
    """Return a large button for gloved hands, its shortcut key shown on it.

    The button never takes focus: Enter from a keyboard-wedge scanner must never press it.
    """
    button = QPushButton(f"{key}\n{text}" if key else text)
    font = QFont()
    font.setPointSize(points)
    font.setBold(True)
    button.setFont(font)
    button.setMinimumHeight(64)
    button.setMinimumWidth(96)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return button


class DeviceLight(QLabel):
    """One device's status: colour plus the state and its detail in words."""

    def __init__(self, device: str) -> None:
        super().__init__()
        self.device = device
        self.state = "unknown"
        self.detail = ""
        font = QFont()
        font.setPointSize(13)
        font.setBold(True)
        self.setFont(font)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(64)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_state("unknown")

    def set_state(self, state: str, detail: str = "") -> None:
        """Show a `device.state` state (`connected`, `not_ready`, `disconnected`, `error`)."""
        self.state = state if state in LIGHT_COLOURS else "error"
        self.detail = detail
        text = translate("Devices", "{device}: {state}").format(
            device=device_name(self.device), state=state_words(state)
        )
        detail = device_detail(detail)
        # A connected device's detail is its port: the tooltip has it, the light stays short.
        shown = detail if detail and (state != "connected" or self.device == "backend") else ""
        self.setText(f"{text}\n{shown}" if shown else text)
        self.setToolTip(f"{text} - {detail}" if detail else text)
        paint(self, LIGHT_COLOURS[self.state])
