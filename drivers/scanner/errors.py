"""Scanner exception family: catch `ScannerError` for anything a scanner driver raises."""

from __future__ import annotations

__all__ = [
    "ScannerConnectionError",
    "ScannerDecodeError",
    "ScannerError",
    "ScannerOverflowError",
]


class ScannerError(Exception):
    """Base of every scanner driver error."""


class ScannerConnectionError(ScannerError):
    """The scanner's byte stream could not be opened or was lost."""


class ScannerDecodeError(ScannerError):
    """A scanned line is not valid UTF-8."""


class ScannerOverflowError(ScannerError):
    """A line exceeded the configured maximum length and was discarded."""

    def __init__(self, discarded: int) -> None:
        super().__init__(f"scanner line longer than allowed: {discarded} bytes discarded")
        self.discarded = discarded
