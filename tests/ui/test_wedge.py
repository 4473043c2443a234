"""Wedge-scanner bursts become scans whatever has focus; human typing still reaches widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton, QVBoxLayout

from station.ui.wedge import WedgeFilter

M = Qt.KeyboardModifier
ALT_KEYPAD = M.AltModifier | M.KeypadModifier
GS1 = "]C101095011015300031710"


@pytest.fixture
def wedge(qtbot):
    """Yield a factory for installed filters and the scans they report; remove them after."""
    app = QApplication.instance()
    scans: list[bytes] = []
    made: list[WedgeFilter] = []

    def make(**kwargs) -> WedgeFilter:
        f = WedgeFilter(scans.append, **kwargs)
        app.installEventFilter(f)
        made.append(f)
        return f

    yield make, scans
    for f in made:
        app.removeEventFilter(f)
        f.deleteLater()


@pytest.fixture
def edit(qtbot) -> QLineEdit:
    line = QLineEdit()
    qtbot.addWidget(line)
    line.show()
    line.setFocus()
    return line


class Keys:
    """Send key events to one widget with controlled timestamps (ms)."""

    def __init__(self, widget, start: int = 1000) -> None:
        self.widget, self.t = widget, start

    def key(self, key, text: str = "", mods=M.NoModifier, gap: int = 5,
            release: bool = True) -> None:
        self.t += gap
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)[:1 + release]:
            event = QKeyEvent(kind, key, mods, text)
            event.setTimestamp(self.t)
            QApplication.sendEvent(self.widget, event)

    def type(self, text: str, gap: int = 5) -> None:
        """Type like a keyboard: Shift goes down and up around each capital."""
        for c in text:
            if c.isupper():
                self.key(Qt.Key.Key_Shift, "", M.ShiftModifier, gap=gap, release=False)
                self.key(Qt.Key(ord(c)), c, M.ShiftModifier, gap=1)
                self.release(Qt.Key.Key_Shift)
            else:
                self.key(Qt.Key(ord(c.upper())), c, gap=gap)

    def release(self, key) -> None:
        event = QKeyEvent(QEvent.Type.KeyRelease, key, M.NoModifier, "")
        event.setTimestamp(self.t)
        QApplication.sendEvent(self.widget, event)

    def enter(self, gap: int = 5) -> None:
        self.key(Qt.Key.Key_Return, "\r", gap=gap)

    def ctrl_gs(self) -> None:
        self.key(Qt.Key.Key_Control, "", M.ControlModifier, release=False)
        self.key(Qt.Key.Key_BracketRight, "", M.ControlModifier)
        self.release(Qt.Key.Key_Control)

    def alt_029(self) -> None:
        self.key(Qt.Key.Key_Alt, "", M.AltModifier, release=False)
        for digit in "029":
            self.key(Qt.Key(ord(digit)), digit, ALT_KEYPAD)
        self.release(Qt.Key.Key_Alt)


def test_scan_into_focused_line_edit_is_reported_and_not_typed(qtbot, wedge, edit):
    make, scans = wedge
    make()
    entered: list[bool] = []
    edit.returnPressed.connect(lambda: entered.append(True))
    keys = Keys(edit)
    keys.type("ABC-123")
    keys.enter()
    assert scans == [b"ABC-123"]
    qtbot.wait(120)  # longer than the flush timer: nothing may be replayed later
    assert edit.text() == ""
    assert entered == []


def test_human_typing_reaches_the_line_edit_and_is_no_scan(qtbot, wedge, edit):
    make, scans = wedge
    make()
    texts_at_enter: list[str] = []
    edit.returnPressed.connect(lambda: texts_at_enter.append(edit.text()))
    keys = Keys(edit)
    keys.type("hello", gap=150)
    keys.enter(gap=150)
    assert texts_at_enter == ["hello"]
    keys.type("more", gap=150)
    qtbot.waitUntil(lambda: edit.text() == "hellomore", timeout=2000)
    assert scans == []


def test_fast_keys_with_a_late_terminator_are_typing(qtbot, wedge, edit):
    make, scans = wedge
    make()
    keys = Keys(edit)
    keys.type("abcd", gap=5)
    keys.enter(gap=200)
    assert edit.text() == "abcd"
    assert scans == []


def test_a_burst_shorter_than_min_length_is_typing(qtbot, wedge, edit):
    make, scans = wedge
    make(min_length=3)
    keys = Keys(edit)
    keys.type("AB")
    keys.enter()
    assert edit.text() == "AB"
    assert scans == []


def test_typing_without_terminator_is_flushed_by_the_timer(qtbot, wedge, edit):
    make, scans = wedge
    make()
    Keys(edit).type("xyz", gap=5)
    assert edit.text() == ""  # still held: it might be a scan
    qtbot.waitUntil(lambda: edit.text() == "xyz", timeout=2000)
    assert scans == []


def test_scan_while_a_dialog_with_a_text_field_is_open_is_not_lost(qtbot, wedge, edit):
    make, scans = wedge
    make()
    dialog = QDialog(edit)
    field = QLineEdit(dialog)
    ok = QPushButton("OK", dialog)
    ok.setDefault(True)
    ok.clicked.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(field)
    layout.addWidget(ok)
    dialog.open()
    qtbot.waitExposed(dialog)
    field.setFocus()
    keys = Keys(field)
    keys.type("SKU-98765")
    keys.enter()
    assert scans == [b"SKU-98765"]
    qtbot.wait(120)
    assert field.text() == ""
    assert dialog.isVisible() and dialog.result() == 0
    keys.type("ok", gap=150)
    qtbot.waitUntil(lambda: field.text() == "ok", timeout=2000)
    dialog.close()


@pytest.mark.parametrize("gs", ["ctrl", "alt", "text"])
def test_gs_inside_a_gs1_code_becomes_the_gs_byte(qtbot, wedge, edit, gs):
    make, scans = wedge
    make()
    keys = Keys(edit)
    keys.type(GS1)
    if gs == "ctrl":
        keys.ctrl_gs()
    elif gs == "alt":
        keys.alt_029()
    else:
        keys.key(Qt.Key.Key_BracketRight, "\x1d", M.ControlModifier)
    keys.type("10ABC")
    keys.enter()
    assert scans == [GS1.encode() + b"\x1d10ABC"]
    assert edit.text() == ""


def test_prefix_and_suffix_are_stripped(qtbot, wedge, edit):
    make, scans = wedge
    make(prefix="~", suffix="#")
    keys = Keys(edit)
    keys.type("~ABC123#")
    keys.enter()
    assert scans == [b"ABC123"]
    assert edit.text() == ""


def test_a_prefixed_burst_is_a_scan_even_when_slow(qtbot, wedge, edit):
    make, scans = wedge
    make(prefix="~")
    keys = Keys(edit)
    keys.type("~")
    keys.type("4006381333931", gap=80)
    keys.enter(gap=80)
    assert scans == [b"4006381333931"]
    assert edit.text() == ""


def test_tab_terminates_when_configured(qtbot, wedge, edit):
    make, scans = wedge
    make(terminators=(Qt.Key.Key_Return, Qt.Key.Key_Tab), max_gap_ms=20)
    keys = Keys(edit)
    keys.type("TOTE-7", gap=15)
    keys.key(Qt.Key.Key_Tab, "\t")
    assert scans == [b"TOTE-7"]
    keys.type("TOTE-8", gap=25)  # above the configured 20 ms gap: typing
    keys.key(Qt.Key.Key_Tab, "\t", gap=25)
    assert scans == [b"TOTE-7"]
    assert edit.text() == "TOTE-8"


def test_keys_through_the_window_are_handled_once(qtbot, wedge, edit):
    make, scans = wedge
    make()
    edit.activateWindow()
    qtbot.waitActive(edit)
    edit.setFocus()
    keys = Keys(edit.windowHandle())
    keys.type("WIN-42")
    keys.enter()
    assert scans == [b"WIN-42"]
    keys.type("hi", gap=150)
    qtbot.waitUntil(lambda: edit.text() == "hi", timeout=2000)


def test_ctrl_bracket_in_a_burst_fires_no_shortcut_but_other_shortcuts_do(qtbot, wedge, edit):
    make, scans = wedge
    make()
    fired: list[str] = []
    for seq in ("Ctrl+]", "Ctrl+K"):
        QShortcut(QKeySequence(seq), edit).activated.connect(lambda s=seq: fired.append(s))
    edit.activateWindow()
    qtbot.waitActive(edit)
    edit.setFocus()
    window = edit.windowHandle()  # through the window system path, shortcut map included

    def click(key, mods=M.NoModifier) -> None:
        QTest.keyClick(window, key, mods)

    for c in "01":
        click(Qt.Key(ord(c)))
    click(Qt.Key.Key_BracketRight, M.ControlModifier)
    for c in "234":
        click(Qt.Key(ord(c)))
    click(Qt.Key.Key_Return)
    assert scans == [b"01\x1d234"]
    assert fired == []
    click(Qt.Key.Key_5)  # a burst is pending: Ctrl+K must still be a shortcut
    click(Qt.Key.Key_K, M.ControlModifier)
    assert fired == ["Ctrl+K"]
    qtbot.waitUntil(lambda: edit.text() == "5", timeout=2000)
