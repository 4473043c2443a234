"""The main packing screen: who packs what, the next action, the last verdict, the devices.

The window has no text inputs. Scans reach the station through its scanner driver or, from a
keyboard-wedge scanner, through `WedgeFilter`, which takes them before any widget or dialog
sees them, so whatever has keyboard focus can never swallow one. Every widget here is
updated from station events delivered on the GUI thread by `EventBridge`; nothing on this
thread does I/O.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station.ui.bridge import EventBridge
from station.ui.lines_model import LinesModel

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
DEVICE_NAMES = {"scanner": "Scanner", "scale": "Scale", "label_printer": "Label printer",
                "receipt_printer": "Receipt printer", "vlm": "VLM", "backend": "Backend"}
STATE_WORDS = {"connected": "connected", "not_ready": "not ready",
               "disconnected": "disconnected", "error": "ERROR", "unknown": "not seen yet"}


def _label(points: int, *, bold: bool = False, wrap: bool = False) -> QLabel:
    label = QLabel()
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    label.setFont(font)
    label.setWordWrap(wrap)
    label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return label


def _paint(widget: QLabel, colours: tuple[str, str]) -> None:
    bg, fg = colours
    widget.setStyleSheet(f"background-color: {bg}; color: {fg}; padding: 8px;")


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
        words = STATE_WORDS.get(state, state)
        text = f"{DEVICE_NAMES.get(self.device, self.device)}: {words}"
        # A connected device's detail is its port: the tooltip has it, the light stays short.
        shown = detail if detail and (state != "connected" or self.device == "backend") else ""
        self.setText(f"{text}\n{shown}" if shown else text)
        self.setToolTip(f"{text}{' - ' + detail if detail else ''}")
        _paint(self, LIGHT_COLOURS[self.state])


class MainWindow(QMainWindow):
    """Show the packing screen for the events arriving through `bridge`."""

    def __init__(self, bridge: EventBridge, model: LinesModel | None = None) -> None:
        super().__init__()
        self.setWindowTitle("packbench")
        self.model = model or LinesModel(self)
        self.band_state = "idle"
        self.expected: dict[str, Any] | None = None
        self._packer = ""
        self._station = ""
        self._order: tuple[str, ...] = ("", "", "")
        self._build()
        bridge.event.connect(self.on_event)

    def _build(self) -> None:
        root = QWidget()
        root.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(root)
        layout.setSpacing(10)

        header = QGridLayout()
        self.order_label = _label(24, bold=True)
        self.carrier_label = _label(20, bold=True)
        self.packer_label = _label(15)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        header.addWidget(self.order_label, 0, 0)
        header.addWidget(self.carrier_label, 0, 1, right)
        header.addWidget(self.packer_label, 1, 0, 1, 2)
        header.setColumnStretch(0, 1)
        layout.addLayout(header)

        self.prompt_label = _label(40, bold=True, wrap=True)
        self.prompt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt_label.setMinimumHeight(130)
        self.prompt_label.setStyleSheet("color: #000000; background-color: #ffffff; padding: 8px;")
        layout.addWidget(self.prompt_label)

        self.band = _label(28, bold=True, wrap=True)
        self.band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.band.setMinimumHeight(100)
        layout.addWidget(self.band)

        middle = QHBoxLayout()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        font = QFont()
        font.setPointSize(16)
        self.table.setFont(font)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(40)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        middle.addWidget(self.table, 3)

        weight_box = QFrame()
        weight_box.setFrameShape(QFrame.Shape.Box)
        weight_layout = QVBoxLayout(weight_box)
        caption = _label(14, bold=True)
        caption.setText("Expected weight")
        self.weight_label = _label(30, bold=True)
        self.band_label = _label(16, wrap=True)
        self.weight_label.setText("-")
        for widget in (caption, self.weight_label, self.band_label):
            weight_layout.addWidget(widget)
        weight_layout.addStretch(1)
        middle.addWidget(weight_box, 1)
        layout.addLayout(middle, 1)

        lights = QGridLayout()
        self.lights = {name: DeviceLight(name) for name in DEVICES}
        for col, name in enumerate(DEVICES):
            lights.addWidget(self.lights[name], 0, col)
            lights.setColumnStretch(col, 1)
        layout.addLayout(lights)

        self.setCentralWidget(root)
        self._show_header()
        self.set_band("idle", "Waiting for the station")
        self.prompt_label.setText("Starting...")

    # ------------------------------------------------------------ display helpers
    def set_band(self, state: str, text: str) -> None:
        """Show the last verdict: `accepted`, `rejected`, `waiting` or `idle`."""
        self.band_state = state
        self.band.setText(text)
        _paint(self.band, COLOURS[state])

    def _show_header(self, *order: str) -> None:
        """Show packer and station, and the order (number, customer, carrier) when given."""
        if order:
            self._order = order
        order_number, customer, carrier = self._order
        who = f"Packer: {self._packer or '-'}"
        self.packer_label.setText(f"{who}     Station: {self._station or '-'}")
        self.order_label.setText(
            f"Order {order_number}" + (f"  ·  {customer}" if customer else "")
            if order_number else "No order"
        )
        self.carrier_label.setText(carrier)

    def _show_weight(self, event: dict[str, Any] | None) -> None:
        self.expected = event
        if event is None:
            self.weight_label.setText("-")
            self.band_label.setText("")
            return
        self.weight_label.setText(f"{event['expected_g']:.0f} g")
        self.band_label.setText(
            f"Box {event.get('package', 1)}: accepted from {event['low_g']:.0f} g "
            f"to {event['high_g']:.0f} g"
        )

    # ------------------------------------------------------------ events
    def on_event(self, event: dict[str, Any]) -> None:
        """Follow one station event (runs on the GUI thread)."""
        name = event.get("event", "")
        self._station = event.get("station_id", self._station)
        self.model.apply_event(event)
        if event.get("prompt"):
            self.prompt_label.setText(str(event["prompt"]))
        handler = getattr(self, "_on_" + name.replace(".", "_"), None)
        if handler is not None:
            handler(event)

    def _on_station_ready(self, e: dict[str, Any]) -> None:
        self._packer = e.get("packer") or ""
        self._show_header(e.get("order_number", ""), e.get("customer_first_name", ""),
                          self._carrier(e))
        self.set_band("idle", "Station ready")

    def _on_packer_logged_in(self, e: dict[str, Any]) -> None:
        self._packer = f"{e.get('name') or e['badge_id']} ({e['badge_id']})"
        self._show_header()

    def _on_packer_logged_out(self, _e: dict[str, Any]) -> None:
        self._packer = ""
        self._show_header()

    def _on_order_opened(self, e: dict[str, Any]) -> None:
        self._show_weight(None)
        self._show_header(e.get("order_number", ""), e.get("customer_first_name", ""),
                          self._carrier(e))

    @staticmethod
    def _carrier(e: dict[str, Any]) -> str:
        return " ".join(p for p in (e.get("carrier", ""), e.get("service", "")) if p)

    def _on_scan_accepted(self, e: dict[str, Any]) -> None:
        self.set_band("accepted", f"OK  {e.get('message', '')}")

    def _on_scan_rejected(self, e: dict[str, Any]) -> None:
        self.set_band("rejected", f"STOP  {e.get('message') or e.get('reason', '')}")

    def _on_weight_requested(self, e: dict[str, Any]) -> None:
        self._show_weight(e)
        self.set_band("waiting", f"WEIGH  Put box {e.get('package', 1)} on the scale: "
                                 f"{e['expected_g']:.0f} g expected")
        self.prompt_label.setText("Put the box on the scale")

    def _on_weight_accepted(self, e: dict[str, Any]) -> None:
        self.set_band("accepted", f"OK  Weight {e['weight_g']:.0f} g")

    def _on_weight_rejected(self, e: dict[str, Any]) -> None:
        self.set_band("rejected",
                      f"STOP  Weight {e['weight_g']:.0f} g, expected {e['expected_g']:.0f} "
                      f"± {e['allowance_g']:.0f} g")
        self.prompt_label.setText("Check the box, then CMD:REWEIGH or supervisor override")

    def _on_override_applied(self, e: dict[str, Any]) -> None:
        self.set_band("accepted", f"OVERRIDE  by {e['supervisor']}: {e['reason']}")

    def _on_order_packed(self, e: dict[str, Any]) -> None:
        self._show_weight(None)
        self._show_header("", "", "")
        self.set_band("accepted", f"PACKED  Order {e.get('order_number', '')} is complete")
        self.prompt_label.setText("Take the parcel off and scan the next order")

    def _on_order_exception(self, e: dict[str, Any]) -> None:
        self._show_weight(None)
        self._show_header("", "", "")
        self.set_band("waiting", f"HOLD  Order {e.get('order_number', '')}: "
                                 f"{str(e.get('reason', '')).replace('_', ' ')}")

    def _on_station_error(self, e: dict[str, Any]) -> None:
        self.set_band("rejected", f"ERROR  {e.get('message', '')}")

    def _on_print_waiting(self, e: dict[str, Any]) -> None:
        self.set_band("waiting", f"PRINT  The {e.get('kind', 'job')} waits: "
                                 f"{e.get('detail') or e.get('reason', '')}")

    def _on_device_state(self, e: dict[str, Any]) -> None:
        light = self.lights.get(e.get("device", ""))
        if light is not None:
            light.set_state(e.get("state", "error"), e.get("detail", ""))
