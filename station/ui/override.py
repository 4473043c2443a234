"""The exception and override panel: shown beside the order, never over it.

Pages: a wrong or extra item to put aside, a parcel weight out of tolerance, the reason list
once a supervisor is identified, badge number and PIN entry (for a forgotten badge), and
"press again to confirm" for actions that end a pack. The order's lines stay visible the
whole time, and a scan keeps working on every page: the station owns scanner input.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from station.domain.commands import OVERRIDE_REASONS
from station.ui.widgets import big_label, touch_button

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

PAGES = ("none", "item_problem", "weight_problem", "reasons", "pin", "confirm")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def reason_words(reason: str) -> str:
    """Return an override reason in words."""
    words = {
        "scale_issue": translate("Override", "Scale issue"),
        "product_data_wrong": translate("Override", "Product data wrong"),
        "packaging_variance": translate("Override", "Packaging variance"),
        "contents_verified": translate("Override", "Contents checked by hand"),
    }
    return words.get(reason, reason.replace("_", " "))


class _Page(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.box = QVBoxLayout(self)
        self.title = big_label(22, bold=True, wrap=True)
        self.text = big_label(16, wrap=True)
        self.box.addWidget(self.title)
        self.box.addWidget(self.text)


class ContextPanel(QStackedWidget):
    """Show one exception page; emit what the packer or supervisor chose.

    `command(str)` carries a command barcode for the station, `pin(badge, pin)` a typed
    badge number and PIN, `action(str)` a screen action (`reweigh`, `pin`, `short`,
    `damaged`), `dismissed()` an acknowledged problem.
    """

    command = Signal(str)
    pin = Signal(str, str)
    action = Signal(str)
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pages: dict[str, _Page] = {}
        self.confirming = ""
        for name in PAGES:
            page = _Page()
            self.pages[name] = page
            self.addWidget(page)
        self._build_item_problem()
        self._build_weight_problem()
        self._build_reasons()
        self._build_pin()
        self._build_confirm()
        self.show_page("none")

    # Size to the page shown, not to the largest page (the PIN keypad is tall).
    def sizeHint(self) -> QSize:
        return self.currentWidget().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.currentWidget().minimumSizeHint()

    @property
    def page(self) -> str:
        """Return the name of the page shown."""
        return PAGES[self.currentIndex()]

    def show_page(self, name: str) -> None:
        """Show a page by name (`none` hides the panel)."""
        if name != "confirm":
            self.confirming = ""
        if name != "pin":
            self.badge_edit.clear()
            self.pin_edit.clear()
            self._pin_step = False
        self.setCurrentIndex(PAGES.index(name))
        self.setVisible(name != "none")
        self.updateGeometry()
        for key, shortcut in self.reason_keys.items():
            shortcut.setEnabled(name == "reasons" and key in self.reason_buttons)
        if name == "pin":
            self.badge_edit.setFocus()

    # ------------------------------------------------------------ pages
    def _button_row(self, page: _Page, *buttons) -> None:
        row = QGridLayout()
        for col, button in enumerate(buttons):
            row.addWidget(button, 0, col)
        page.box.addLayout(row)
        page.box.addStretch(1)

    def _build_item_problem(self) -> None:
        page = self.pages["item_problem"]
        page.title.setText(translate("Override", "Put this item aside"))
        ok = touch_button(translate("Override", "Done, continue"), "Enter")
        ok.clicked.connect(self.dismissed.emit)
        short = touch_button(translate("Override", "Short pick"), "F4")
        short.clicked.connect(lambda: self.action.emit("short"))
        damaged = touch_button(translate("Override", "Damaged"), "F5")
        damaged.clicked.connect(lambda: self.action.emit("damaged"))
        self._button_row(page, ok, short, damaged)

    def show_item_problem(self, reason_text: str) -> None:
        """Ask the packer to keep a rejected item out of the parcel."""
        self.pages["item_problem"].text.setText(
            translate("Override", "{reason}\nIt must not go in the parcel.").format(
                reason=reason_text
            )
        )
        self.show_page("item_problem")

    def _build_weight_problem(self) -> None:
        page = self.pages["weight_problem"]
        page.title.setText(translate("Override", "Weight out of tolerance"))
        reweigh = touch_button(translate("Override", "Re-weigh"), "F3")
        reweigh.clicked.connect(lambda: self.action.emit("reweigh"))
        pin = touch_button(translate("Override", "Override with PIN"), "F8")
        pin.clicked.connect(lambda: self.action.emit("pin"))
        self._button_row(page, reweigh, pin)

    def show_weight_problem(self, weight_g: float, expected_g: float, allowance_g: float) -> None:
        """Explain a rejected parcel weight and the ways on."""
        diff = weight_g - expected_g
        side = (
            translate("Override", "{grams} g too heavy")
            if diff > 0
            else translate("Override", "{grams} g too light")
        )
        self.pages["weight_problem"].text.setText(
            translate(
                "Override",
                "{side} (expected {expected} g ± {allowance} g).\n"
                "Missing or extra item? Wrong box? Something else on the scale?",
            ).format(
                expected=f"{expected_g:.0f}",
                allowance=f"{allowance_g:.0f}",
                side=_capital(side.format(grams=f"{abs(diff):.0f}")),
            )
        )
        self.show_page("weight_problem")

    def _build_reasons(self) -> None:
        page = self.pages["reasons"]
        page.title.setText(translate("Override", "Override: choose the reason"))
        grid = QGridLayout()
        self.reason_buttons: dict[str, object] = {}
        self.reason_keys: dict[str, QShortcut] = {}
        for n, (cmd, reason) in enumerate(OVERRIDE_REASONS.items(), start=1):
            # Not bare digits: a scan starting with a digit would fire them before the
            # keyboard-wedge filter sees its first key.
            key = f"Ctrl+{n}"
            button = touch_button(reason_words(reason), key, points=13)
            button.clicked.connect(lambda _=False, c=cmd.value: self.command.emit(c))
            grid.addWidget(button, (n - 1) // 2, (n - 1) % 2)
            self.reason_buttons[key] = button
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda c=cmd.value: self.command.emit(c))
            self.reason_keys[key] = shortcut
        back = touch_button(translate("Override", "Back"), "F9")
        back.clicked.connect(lambda: self.command.emit("CMD:BACK"))
        grid.addWidget(back, 0, 2, 2, 1)
        page.box.addLayout(grid)
        page.box.addStretch(1)

    def show_reasons(self, supervisor: str) -> None:
        """List the override reasons once a supervisor is identified."""
        self.pages["reasons"].text.setText(
            translate(
                "Override",
                "Supervisor {name}: touch a reason, press its key or scan a reason code.",
            ).format(name=supervisor)
        )
        self.show_page("reasons")

    def _build_pin(self) -> None:
        page = self.pages["pin"]
        page.title.setText(translate("Override", "Badge number and PIN"))
        page.text.setText(
            translate(
                "Override",
                "Type or touch the badge number, then the PIN. Scanning the badge works too.",
            )
        )
        self.badge_edit = QLineEdit()
        self.badge_edit.setPlaceholderText(translate("Override", "Badge number"))
        self.pin_edit = QLineEdit()
        self.pin_edit.setPlaceholderText(translate("Override", "PIN"))
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.badge_edit, self.pin_edit):
            font = edit.font()
            font.setPointSize(22)
            edit.setFont(font)
            edit.setMinimumHeight(56)
            page.box.addWidget(edit)
        self._pin_step = False
        self.badge_edit.returnPressed.connect(self._to_pin)
        self.pin_edit.returnPressed.connect(self.submit_pin)
        pad = QGridLayout()
        for n, key in enumerate("1234567890"):
            button = touch_button(key, points=18)
            button.clicked.connect(lambda _=False, k=key: self._pad(k))
            pad.addWidget(button, n // 3, n % 3, 1, 3 if key == "0" else 1)
        back = touch_button("⌫", points=18)
        back.clicked.connect(lambda: self._pad("<"))
        ok = touch_button(translate("Override", "OK"), "Enter", points=15)
        ok.setObjectName("pin-ok")
        ok.clicked.connect(lambda: self._pad(">"))
        cancel = touch_button(translate("Override", "Cancel"), "Esc", points=15)
        cancel.clicked.connect(self.dismissed.emit)
        pad.addWidget(back, 0, 3)
        pad.addWidget(ok, 1, 3, 2, 1)
        pad.addWidget(cancel, 3, 3)
        page.box.addLayout(pad)
        page.box.addStretch(1)

    def _pad(self, key: str) -> None:
        # Keypad buttons never take focus; they type into the field the packer is at.
        on_pin = self.pin_edit.hasFocus() or (self._pin_step and not self.badge_edit.hasFocus())
        edit = self.pin_edit if on_pin else self.badge_edit
        if key == ">":
            if edit is self.badge_edit and self.badge_edit.text():
                self._to_pin()
            else:
                self.submit_pin()
        elif key == "<":
            edit.backspace()
        else:
            edit.insert(key)

    def _to_pin(self) -> None:
        self._pin_step = True
        self.pin_edit.setFocus()

    def submit_pin(self) -> None:
        """Send the typed badge number and PIN, and forget them."""
        badge, pin = self.badge_edit.text().strip(), self.pin_edit.text()
        self.badge_edit.clear()
        self.pin_edit.clear()
        self._pin_step = False
        if badge and pin:
            self.pin.emit(badge, pin)
        self.badge_edit.setFocus()

    def _build_confirm(self) -> None:
        page = self.pages["confirm"]
        self.confirm_button = touch_button(translate("Override", "Confirm"))
        self.confirm_button.clicked.connect(self._confirmed)
        back = touch_button(translate("Override", "Keep packing"), "Esc")
        back.clicked.connect(self.dismissed.emit)
        self._button_row(page, self.confirm_button, back)

    def ask_confirm(self, name: str, key: str, title: str, effect: str) -> None:
        """Ask for a second press of `key` before action `name` goes ahead."""
        page = self.pages["confirm"]
        page.title.setText(title)
        page.text.setText(
            translate("Override", "{effect}\nPress {key} again or touch Confirm.").format(
                effect=effect, key=key
            )
        )
        self.confirm_button.setText(f"{key}\n{translate('Override', 'Confirm')}")
        self.show_page("confirm")
        self.confirming = name

    def _confirmed(self) -> None:
        name, self.confirming = self.confirming, ""
        if name:
            self.action.emit("confirmed:" + name)


def page_label(panel: ContextPanel, name: str) -> tuple[QLabel, QLabel]:
    """Return a page's title and text labels (for the screen's tests and screenshots)."""
    page = panel.pages[name]
    return page.title, page.text
