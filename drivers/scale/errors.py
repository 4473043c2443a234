"""Scale exception family: catch `ScaleError` for anything a scale driver raises."""

from __future__ import annotations

__all__ = [
    "ScaleBusyError",
    "ScaleCommandError",
    "ScaleConnectionError",
    "ScaleError",
    "ScaleMotionError",
    "ScaleOverloadError",
    "ScaleProtocolError",
    "ScaleTimeoutError",
    "ScaleUnderloadError",
]


class ScaleError(Exception):
    """Base of every scale driver error."""


class ScaleConnectionError(ScaleError):
    """The scale's byte stream could not be opened or was lost; the next call reconnects."""


class ScaleTimeoutError(ScaleError):
    """The scale sent no complete reply before the deadline."""


class ScaleProtocolError(ScaleError):
    """The scale sent bytes that are not a well-formed reply (garbage, wrong reply id)."""


class ScaleCommandError(ScaleError):
    """The scale rejected a command: `ES`/`ET`/`EL`, or status `L` (bad parameter)."""


class ScaleBusyError(ScaleError):
    """The scale cannot execute the command now (status `I`), e.g. no stable weight in time."""


class ScaleOverloadError(ScaleError):
    """The load is above the weighing (or zero/tare) range (status `+`)."""


class ScaleUnderloadError(ScaleError):
    """The load is below the weighing (or zero/tare) range (status `-`)."""


class ScaleMotionError(ScaleBusyError):
    """The load was in motion: no stable weight before the deadline, or none sent while moving.

    A subclass of `ScaleBusyError`: transient, asking again once the load settles is normal.
    """
