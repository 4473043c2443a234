"""Own keyboard-wedge (HID) scanner input application-wide, whichever widget has focus.

A wedge scanner "types" its code as key presses followed by a terminator key. `WedgeFilter`
is an event filter for the `QApplication` that tells such a burst from human typing by the
gaps between key presses: a run of printable keys with every gap below `max_gap_ms`, ending
in a terminator key, with at least `min_length` characters, is a scan. A burst that starts
with the configured `prefix` is a scan even when slower (up to `prefix_timeout_ms` idle).

Design: buffer and replay. Every printable key press is consumed the moment it arrives and
kept. When the burst is proven a scan (terminator in time) it is handed to `on_scan` as UTF-8
bytes and nothing ever reaches the focused widget. When it is proven human (a gap too long,
a non-printable key, a terminator too early, or no new key within `flush_ms`), copies of the
kept key presses are sent, in order, to the widget each was meant for, then the current key
goes on. So a scan arriving while a dialog with a text field is open is never typed into it,
at the cost of human keys reaching the widget up to `flush_ms` late. The other design (let
keys through and delete them from the line edit once a scan is proven) was rejected: it
cannot undo keys that already triggered something, such as a dialog's default button.

GS (0x1D, the GS1 separator) is taken from Ctrl+] (or a key whose text is "\\x1d") and from
the Alt+0,2,9 keypad sequence (Alt held while keypad digits are typed; the code is composed
when Alt is released).

Timing uses each event's `timestamp()` in milliseconds, or a monotonic clock when it is 0, so
tests control it; the `flush_ms` timer runs on real time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

GS = "\x1d"
KEY_DIGITS = {getattr(Qt.Key, f"Key_{n}"): str(n) for n in range(10)}
DEFAULT_TERMINATORS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MODIFIER_KEYS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Meta,
                           Qt.Key.Key_Alt, Qt.Key.Key_AltGr})
_OTHER_MODS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier


def _alt_digit(event: QKeyEvent) -> str:
    """Return the digit of an Alt+keypad-digit press, else ""."""
    mods = event.modifiers()
    if mods & Qt.KeyboardModifier.AltModifier and mods & Qt.KeyboardModifier.KeypadModifier:
        return KEY_DIGITS.get(event.key(), "")
    return ""


def _ms(event: QKeyEvent) -> int:
    stamp = event.timestamp()
    return stamp if stamp else int(time.monotonic() * 1000)


class WedgeFilter(QObject):
    """Recognise wedge-scanner bursts among key presses and report each scan's bytes."""

    def __init__(self, on_scan: Callable[[bytes], None], *, max_gap_ms: int = 30,
                 min_length: int = 3, terminators: Iterable[Qt.Key] = DEFAULT_TERMINATORS,
                 prefix: str = "", suffix: str = "", flush_ms: int | None = None,
                 prefix_timeout_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_scan = on_scan
        self.max_gap_ms = max_gap_ms
        self.min_length = min_length
        self.terminators = frozenset(terminators)
        self.prefix = prefix
        self.suffix = suffix
        # A little longer than the gap so a scanner's next key wins the race with the timer.
        self.flush_ms = flush_ms if flush_ms is not None else max_gap_ms + 40
        self.prefix_timeout_ms = prefix_timeout_ms
        self._kept: list[tuple[QObject, QKeyEvent]] = []
        self._chars: list[str] = []
        self._alt_digits = ""
        self._last_ms = 0
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    @property
    def pending(self) -> str:
        """Return the characters of the burst being watched (not yet scan nor typing)."""
        return "".join(self._chars)

    def _prefixed(self) -> bool:
        return bool(self.prefix) and self.pending.startswith(self.prefix)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Consume the key presses of a possible scan; let everything else through."""
        kind = event.type()
        # A window forwards its keys to the focus widget, so act once, on the widget.
        if self._replaying or not isinstance(obj, QWidget):
            return False
        if kind == QEvent.Type.KeyPress:
            return self._press(obj, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.KeyRelease:
            return self._release(event)  # type: ignore[arg-type]
        if kind == QEvent.Type.ShortcutOverride and self.pending and (
                self._char_of(event) is not None  # type: ignore[arg-type]
                or event.key() in self.terminators):  # type: ignore[attr-defined]
            # Keep a burst's Ctrl+], Alt+digit or closing Enter from firing a shortcut
            # before its press; any other shortcut (Ctrl+C...) still fires.
            event.accept()
            return True
        return False

    def _press(self, obj: QObject, event: QKeyEvent) -> bool:
        now = _ms(event)
        late = bool(self._kept) and now - self._last_ms > self.max_gap_ms and not self._prefixed()
        if late:
            self.flush()
        char = self._char_of(event)
        key = event.key()
        if event.isAutoRepeat():
            self.flush()
            return False
        if key in self.terminators and not event.modifiers() & _OTHER_MODS:
            return self._terminate()
        if char is None:
            self.flush()
            return False
        self._kept.append((obj, event.clone()))
        self._chars.append(char)
        self._alt_digits += _alt_digit(event)
        self._last_ms = now
        self._timer.start(self.prefix_timeout_ms if self._prefixed() else self.flush_ms)
        return True

    @staticmethod
    def _char_of(event: QKeyEvent) -> str | None:
        """Return what a press adds to a burst ("" for modifiers and Alt digits), or None."""
        key, mods, text = event.key(), event.modifiers(), event.text()
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        # A scanner holds Shift for capitals and Ctrl for ], like a typist.
        if key in MODIFIER_KEYS or _alt_digit(event):
            return ""
        if text == GS or (key == Qt.Key.Key_BracketRight
                          and mods & Qt.KeyboardModifier.ControlModifier):
            return GS
        # Ctrl+Alt with text is AltGr on Windows; Alt or Ctrl alone is a shortcut.
        if text and text.isprintable() and bool(mods & _OTHER_MODS) == alt:
            return text
        return None

    def _release(self, event: QKeyEvent) -> bool:
        if event.key() != Qt.Key.Key_Alt or not self._alt_digits:
            return False
        code, self._alt_digits = int(self._alt_digits), ""
        if self._kept and code < 256:
            self._chars.append(chr(code))
            return True
        return False

    def _terminate(self) -> bool:
        text = self.pending
        if self.prefix and text.startswith(self.prefix):
            text = text[len(self.prefix):]
        if self.suffix and text.endswith(self.suffix):
            text = text[:-len(self.suffix)]
        if not self._kept or len(text) < self.min_length:
            self.flush()
            return False
        self._clear()
        try:
            self.on_scan(text.encode("utf-8"))
        except Exception:  # a failing receiver must not break the keyboard
            log.exception("the wedge scan receiver failed")
        return True

    def _clear(self) -> None:
        self._timer.stop()
        self._kept, self._chars, self._alt_digits = [], [], ""

    def flush(self) -> None:
        """Give the kept key presses, in order, to the widgets they were meant for."""
        kept = self._kept
        self._clear()
        self._replaying = True
        try:
            for target, event in kept:
                if not shiboken6.isValid(target):
                    target = QApplication.focusWidget()
                if target is not None:
                    QCoreApplication.sendEvent(target, event)
        finally:
            self._replaying = False
