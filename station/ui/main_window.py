"""The main packing screen: who packs what, the next action, the last verdict, the devices.

The window has no text inputs except the PIN page. Scans reach the station through its
scanner driver or, from a keyboard-wedge scanner, through `WedgeFilter`, which takes them
before any widget or dialog sees them, so whatever has keyboard focus can never swallow one.
Every widget here is updated from station events delivered on the GUI thread by
`EventBridge`; nothing on this thread does I/O. Buttons and keys send command barcodes to
the station through the same path as a scan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station.ui.actions import BY_NAME, ActionBar
from station.ui.boxes_model import BoxesModel
from station.ui.bridge import EventBridge
from station.ui.images import ImageCache
from station.ui.lines_model import LinesModel
from station.ui.override import ContextPanel
from station.ui.screen_events import ScreenEvents
from station.ui.weight_gauge import WeightGauge
from station.ui.widgets import (
    COLOURS,
    DEVICES,
    LIGHT_COLOURS,
    DeviceLight,
    big_label,
    paint,
)

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

__all__ = ["COLOURS", "LIGHT_COLOURS", "MainWindow", "StationInput"]


class StationInput(Protocol):
    """Where the screen sends what the packer does (`GuiStation` in the running app)."""

    def feed_scan(self, data: bytes) -> None: ...

    def feed_pin(self, badge_id: str, pin: str) -> None: ...


def _table(model, points: int, row_height: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    font = QFont()
    font.setPointSize(points)
    table.setFont(font)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    head = table.horizontalHeader()
    head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class MainWindow(ScreenEvents, QMainWindow):
    """Show the packing screen for the events arriving through `bridge`."""

    def __init__(
        self,
        bridge: EventBridge,
        model: LinesModel | None = None,
        *,
        station: StationInput | None = None,
        sounds: Any = None,
        open_supervisor: Callable[[], None] | None = None,
        preview: QWidget | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("packbench")
        self.station = station
        self.sounds = sounds
        self.open_supervisor = open_supervisor
        self.preview = preview
        self.images = ImageCache(self)
        self.model = model or LinesModel(self, images=self.images)
        self.boxes = BoxesModel(self)
        self.band_state = "idle"
        self.phase = "logged_out"
        self.expected: dict[str, Any] | None = None
        self._packer = ""
        self._station = ""
        self._order: tuple[str, ...] = ("", "", "")
        self._build()
        bridge.event.connect(self.on_event)

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        root = QWidget()
        root.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(root)
        layout.setSpacing(8)

        header = QGridLayout()
        self.order_label = big_label(24, bold=True)
        self.carrier_label = big_label(20, bold=True)
        self.packer_label = big_label(15)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        header.addWidget(self.order_label, 0, 0)
        header.addWidget(self.carrier_label, 0, 1, right)
        header.addWidget(self.packer_label, 1, 0, 1, 2)
        header.setColumnStretch(0, 1)
        layout.addLayout(header)

        self.prompt_label = big_label(40, bold=True, wrap=True)
        self.prompt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt_label.setMinimumHeight(96)
        self.prompt_label.setStyleSheet("color: #000000; background-color: #ffffff; padding: 8px;")
        layout.addWidget(self.prompt_label)

        self.band = big_label(28, bold=True, wrap=True, touch=True)
        self.band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.band.setMinimumHeight(84)
        # Touching the band acknowledges a rejection (stops a repeating alarm).
        self.band.touched.connect(self.acknowledge)
        layout.addWidget(self.band)

        middle = QHBoxLayout()
        self.table = _table(self.model, 16, 72)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        middle.addWidget(self.table, 3)
        side = QVBoxLayout()
        self.gauge = WeightGauge()
        side.addWidget(self.gauge)
        self.boxes_table = _table(self.boxes, 14, 36)
        self.boxes_table.horizontalHeader().setStretchLastSection(True)
        self.boxes_table.setMaximumHeight(180)
        side.addWidget(self.boxes_table)
        self.context = ContextPanel()
        self.context.command.connect(self._send_command)
        self.context.pin.connect(self._send_pin)
        self.context.action.connect(self._on_context_action)
        self.context.dismissed.connect(self.dismiss)
        self.context.currentChanged.connect(lambda _i: self._layout_side())
        side.addWidget(self.context, 1)
        self.preview_open = False
        if self.preview is not None:
            self.preview.setVisible(False)
            side.addWidget(self.preview, 1)
        middle.addLayout(side, 2)
        layout.addLayout(middle, 1)

        self.actions = ActionBar()
        self.actions.triggered.connect(self.on_action)
        layout.addWidget(self.actions)

        lights = QGridLayout()
        names = (*DEVICES, "sound") if self.sounds is not None else DEVICES
        self.lights = {name: DeviceLight(name) for name in names}
        for col, name in enumerate(names):
            lights.addWidget(self.lights[name], 0, col)
            lights.setColumnStretch(col, 1)
        layout.addLayout(lights)
        if self.sounds is not None:
            self._show_sound()
            self.sounds.audio_changed.connect(self._show_sound)

        escape = QShortcut(QKeySequence("Esc"), self)
        escape.activated.connect(self.dismiss)
        self._ack_keys = []
        for key in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.acknowledge)
            self._ack_keys.append(shortcut)
        # The PIN fields need Enter themselves.
        self.context.currentChanged.connect(
            lambda _i: [k.setEnabled(self.context.page != "pin") for k in self._ack_keys]
        )

        self.setCentralWidget(root)
        self._show_header()
        self.set_band("idle", translate("MainWindow", "Waiting for the station"))
        self.prompt_label.setText(translate("MainWindow", "Starting..."))

    def _show_sound(self) -> None:
        problem = self.sounds.audio_problem
        self.lights["sound"].set_state("error" if problem else "connected", problem)

    # ------------------------------------------------------------ packer actions
    def _send_command(self, code: str) -> None:
        if self.station is not None:
            self.station.feed_scan(code.encode())

    def _send_pin(self, badge: str, pin: str) -> None:
        if self.station is not None:
            self.station.feed_pin(badge, pin)

    def on_action(self, name: str) -> None:
        """Carry out one action of the action bar (touch or shortcut key)."""
        action = BY_NAME[name]
        if self.sounds is not None:
            self.sounds.acknowledge()
        if action.confirm and self.context.confirming != name:
            title, effect = self._confirm_texts(name)
            self.context.ask_confirm(name, action.key, title, effect)
        elif action.command:
            self.context.show_page("none")
            self._send_command(action.command)
        elif name == "pin":
            self.context.show_page("pin")
        elif name == "preview" and self.preview is not None:
            self.preview_open = not self.preview_open
            if self.preview_open:
                self.context.show_page("none")
                self._refresh_preview()
            self._layout_side()
        elif name == "supervisor" and self.open_supervisor is not None:
            self.open_supervisor()

    @staticmethod
    def _confirm_texts(name: str) -> tuple[str, str]:
        return {
            "short": (
                translate("MainWindow", "Short pick?"),
                translate("MainWindow", "The order goes on hold: an item is missing."),
            ),
            "damaged": (
                translate("MainWindow", "Damaged item?"),
                translate("MainWindow", "The order goes on hold: an item is damaged."),
            ),
            "cancel": (
                translate("MainWindow", "Cancel this pack?"),
                translate("MainWindow", "The items go back; the order can be packed again."),
            ),
        }[name]

    def _on_context_action(self, name: str) -> None:
        if name.startswith("confirmed:"):
            self.context.confirming = name.split(":", 1)[1]
            self.on_action(self.context.confirming)
        else:
            self.actions.trigger(name)

    def _refresh_preview(self) -> None:
        if self.preview is not None and getattr(self.preview, "ready", False):
            self.preview.request(None)

    def _layout_side(self) -> None:
        """Give the right column to what matters now: a problem, else the preview or boxes."""
        page = self.context.page
        if page != "none":
            self.preview_open = False
        preview = self.preview_open and self.preview is not None
        self.gauge.setVisible(page != "pin" and not preview)
        self.boxes_table.setVisible(page == "none" and not preview)
        if self.preview is not None:
            self.preview.setVisible(preview)

    def acknowledge(self) -> None:
        """Take note of the last problem: stop a repeating alarm, close an item problem."""
        if self.sounds is not None:
            self.sounds.acknowledge()
        if self.context.page == "item_problem":
            self.context.show_page("none")

    def dismiss(self) -> None:
        """Acknowledge, and close a question or the PIN page (Esc)."""
        self.acknowledge()
        if self.context.page in ("confirm", "pin"):
            self.context.show_page("none")

    # ------------------------------------------------------------ display helpers
    def set_band(self, state: str, text: str) -> None:
        """Show the last verdict: `accepted`, `rejected`, `waiting` or `idle`."""
        self.band_state = state
        self.band.setText(text)
        paint(self.band, COLOURS[state])

    def _show_header(self, *order: str) -> None:
        """Show packer and station, and the order (number, customer, carrier) when given."""
        if order:
            self._order = order
        number, customer, carrier = self._order
        self.packer_label.setText(
            translate("MainWindow", "Packer: {packer}     Station: {station}").format(
                packer=self._packer or "-", station=self._station or "-"
            )
        )
        if not number:
            self.order_label.setText(translate("MainWindow", "No order"))
        elif customer:
            self.order_label.setText(
                translate("MainWindow", "Order {number}  ·  {customer}").format(
                    number=number, customer=customer
                )
            )
        else:
            self.order_label.setText(
                translate("MainWindow", "Order {number}").format(number=number)
            )
        self.carrier_label.setText(carrier)

    def _show_weight(self, event: dict[str, Any] | None) -> None:
        self.expected = event
        self.gauge.set_expected(event)

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        self.actions.set_phase(phase)
        stays = {
            "weight_problem": phase == "weight_rejected",
            "reasons": phase == "await_reason",
            "pin": phase in ("logged_out", "weight_rejected"),
            "confirm": phase not in ("logged_out", "idle"),
        }
        if not stays.get(self.context.page, True):
            self.context.show_page("none")
