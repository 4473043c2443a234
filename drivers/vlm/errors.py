"""VLM exception family: catch `VlmError` for anything a VLM controller driver raises."""

from __future__ import annotations

__all__ = [
    "VlmConnectionError",
    "VlmError",
    "VlmProtocolError",
    "VlmRejectedError",
    "VlmStateError",
    "VlmTimeoutError",
]


class VlmError(Exception):
    """Base of every VLM controller driver error."""


class VlmConnectionError(VlmError):
    """The controller could not be reached or the connection was lost; the next call reconnects."""


class VlmTimeoutError(VlmError):
    """The controller did not answer a request before the deadline."""


class VlmProtocolError(VlmError):
    """The controller sent bytes or values that are not a well-formed answer (garbage)."""


class VlmRejectedError(VlmError):
    """The controller answered a task with an error code (e.g. Kardex `101`, Modbus error bit).

    `code` is the controller's result/error code, `meaning` its description (empty when the
    code is not in the known table), `task_id` the task it refers to.
    """

    def __init__(self, message: str, *, code: int, meaning: str = "", task_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.meaning = meaning
        self.task_id = task_id


class VlmStateError(VlmError):
    """The request does not fit the controller's state (a tray is open, nothing was called)."""
