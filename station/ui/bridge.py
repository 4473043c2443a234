"""Carry station events from any thread to the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal


class EventBridge(QObject):
    """Re-emit core events through a Qt signal so connected slots run on the GUI thread.

    Call the bridge (or `post`) from whichever thread produced the event: the core worker,
    a device worker or a test. The bridge lives on the GUI thread, so Qt queues the signal
    for any caller on another thread and the slots never touch widgets off that thread.
    """

    event = Signal(object)

    def post(self, event: dict[str, Any]) -> None:
        """Hand one event (a copy: later changes by the sender stay unseen) to the GUI thread."""
        self.event.emit(dict(event))

    def __call__(self, event: dict[str, Any]) -> None:
        self.post(event)
