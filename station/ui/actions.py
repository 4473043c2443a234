"""Every packer action as a touch button with its shortcut key, enabled by the pack phase.

Each action that changes the pack is sent to the station as its command barcode, through the
same path as a scan, so a button, a key and a scanned command are judged, stored and
recorded identically. Actions that could end a pack by a slip of a glove (short pick,
damaged, cancel) ask to be pressed a second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from station.domain.commands import Command
from station.ui.widgets import touch_button

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

ORDER = frozenset(
    {
        "scanning",
        "await_lot",
        "await_serial",
        "weighing",
        "weight_rejected",
        "await_reason",
        "await_label",
    }
)
ANY = frozenset({"logged_out", "idle"}) | ORDER


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the packer can do: key, command barcode (or a screen action), when."""

    name: str
    key: str
    command: str  # a command barcode, or "" for actions of the screen itself
    phases: frozenset[str]
    confirm: bool = False


ACTIONS: tuple[Action, ...] = (
    Action("new_box", "F2", Command.NEW_BOX.value, frozenset({"scanning"})),
    Action("reweigh", "F3", Command.REWEIGH.value, frozenset({"weight_rejected"})),
    Action("short", "F4", Command.SHORT.value, ORDER, confirm=True),
    Action("damaged", "F5", Command.DAMAGED.value, ORDER, confirm=True),
    Action("cancel", "F6", Command.CANCEL.value, ORDER, confirm=True),
    Action("reprint", "F7", Command.REPRINT.value, frozenset({"await_label"})),
    Action("pin", "F8", "", frozenset({"logged_out", "weight_rejected"})),
    Action(
        "back",
        "F9",
        Command.BACK.value,
        frozenset({"await_lot", "await_serial", "await_reason", "weighing"}),
    ),
    Action("logout", "F10", Command.LOGOUT.value, frozenset({"idle"})),
    Action("preview", "F11", "", ANY),
    Action("supervisor", "F12", "", ANY),
)
BY_NAME = {a.name: a for a in ACTIONS}


def action_text(name: str, phase: str = "") -> str:
    """Return an action's button text in the screen's language."""
    if name == "pin":
        return (
            translate("Actions", "Log in with PIN")
            if phase == "logged_out"
            else translate("Actions", "Override with PIN")
        )
    texts = {
        "new_box": translate("Actions", "New box"),
        "reweigh": translate("Actions", "Re-weigh"),
        "short": translate("Actions", "Short pick"),
        "damaged": translate("Actions", "Damaged"),
        "cancel": translate("Actions", "Cancel pack"),
        "reprint": translate("Actions", "Reprint labels"),
        "back": translate("Actions", "Back"),
        "logout": translate("Actions", "Log out"),
        "preview": translate("Actions", "Last labels"),
        "supervisor": translate("Actions", "Supervisor"),
    }
    return texts[name]


class ActionBar(QWidget):
    """Show the actions as large buttons; emit `triggered(name)` by touch or by key."""

    triggered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.phase = "logged_out"
        self.buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        for col, action in enumerate(ACTIONS):
            button = touch_button(action_text(action.name), action.key, points=13)
            button.clicked.connect(lambda _=False, n=action.name: self.trigger(n))
            grid.addWidget(button, 0, col)
            self.buttons[action.name] = button
            shortcut = QShortcut(QKeySequence(action.key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda n=action.name: self.trigger(n))
            self.shortcuts[action.name] = shortcut
        self.set_phase("logged_out")

    def set_phase(self, phase: str) -> None:
        """Enable the actions that apply in `phase` (a `Phase` value)."""
        self.phase = phase
        for action in ACTIONS:
            on = phase in action.phases
            self.buttons[action.name].setEnabled(on)
            self.buttons[action.name].setText(f"{action.key}\n{action_text(action.name, phase)}")
            self.shortcuts[action.name].setEnabled(on)

    def enabled(self, name: str) -> bool:
        """Tell whether an action can be used now."""
        return self.phase in BY_NAME[name].phases

    def trigger(self, name: str) -> None:
        """Fire an action if it applies now (a disabled key does nothing)."""
        if self.enabled(name):
            self.triggered.emit(name)
