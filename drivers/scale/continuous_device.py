"""Read a continuous-output scale: the freshest line, before a deadline, typed results.

The scale talks on its own, so `ContinuousScale` never asks. Each call:

1. opens the stream if needed (after a loss the *next* call reconnects);
2. drops what has piled up since the last call, and then the rest of the line it lands
   in (its start was dropped): only lines that began after the call count, so a scale
   that has gone quiet is never reported with an old weight;
3. reads lines (at most `max_line_bytes` each) until one fits the format, before
   `timeout_s`. Lines that do not fit are skipped (one corrupted line among good ones
   costs one line period); `max_garbage` of them in a row, or only such lines until the
   deadline, raise `ScaleProtocolError` naming the last one. No line at all:
   `ScaleTimeoutError`.

`weight_immediate()` returns the first fitting line, stable or in motion.
`weight_stable()` returns the first stable one; lines in motion are skipped, and
`ScaleMotionError` is raised if the load has not settled by the deadline. An overload or
underload line raises `ScaleOverloadError` / `ScaleUnderloadError` at once.

`zero()` and `tare()` send the format's command if it has one (A&D and Ohaus take `Z` and
`T` lines); otherwise they raise `ScaleCommandError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.scale.base import Weight
from drivers.scale.continuous import (
    ContinuousFormat,
    Reading,
    ReadingState,
    parse_line,
    resolve_format,
)
from drivers.scale.errors import (
    ScaleCommandError,
    ScaleMotionError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleTimeoutError,
    ScaleUnderloadError,
)
from drivers.scale.link import (
    LineBuffer,
    LinkedScale,
    Overlong,
    ScaleLink,
    StateListener,
    protocol_error_for,
)
from drivers.transport import open_transport

if TYPE_CHECKING:
    import serial

__all__ = ["ContinuousScale"]


class ContinuousScale(LinkedScale):
    """A continuous-output ASCII scale at a pyserial URL (thread-safe)."""

    def __init__(
        self, url: str, *, baudrate: int = 9600, timeout_s: float = 1.0,
        fmt: ContinuousFormat | str = "", pattern: str = "", max_line_bytes: int = 128,
        max_garbage: int = 3, on_state: StateListener | None = None,
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        # A preset name ("" = cas), a custom `pattern`, or a ready format.
        self.format = fmt if isinstance(fmt, ContinuousFormat) else resolve_format(fmt, pattern)
        self.max_line_bytes = max_line_bytes
        self.max_garbage = max_garbage
        self.garbage_lines = 0  # lines that did not fit the format, in all
        self._link = ScaleLink(url, baudrate=baudrate, on_state=on_state, opener=opener)
        self._lines = LineBuffer(max_line_bytes, resync=True)

    # --------------------------------------------------------------- readings
    def read(self, timeout_s: float | None = None) -> Reading:
        """Return the next line that fits the format (any state, overload included)."""
        return self._scan(self._deadline(timeout_s), "read", lambda r: True)

    def weight_immediate(self) -> Weight:
        """Return the freshest weight, stable or in motion."""
        return self._weight(self._scan(self._deadline(None), "weight", lambda r: True))

    def weight_stable(self, timeout_s: float | None = None) -> Weight:
        """Return the first stable weight; `ScaleMotionError` if none before the deadline."""
        deadline = self._deadline(timeout_s)
        reading = self._scan(deadline, "stable weight", lambda r: r.state is not
                             ReadingState.MOTION)
        return self._weight(reading)

    def zero(self) -> None:
        """Send the format's zero command; `ScaleCommandError` if it has none."""
        self._send(self.format.zero_command, "zero")

    def tare(self) -> None:
        """Send the format's tare command; `ScaleCommandError` if it has none."""
        self._send(self.format.tare_command, "tare")

    # ----------------------------------------------------------------- helpers
    def _send(self, command: bytes | None, what: str) -> None:
        if command is None:
            raise ScaleCommandError(f"{what}: the {self.format.name} format takes no commands")
        with self._link.session(what) as link:
            link.write(command)

    def _weight(self, reading: Reading) -> Weight:
        if reading.state is ReadingState.OVERLOAD:
            raise ScaleOverloadError(f"overload: {reading.raw!r}")
        if reading.state is ReadingState.UNDERLOAD:
            raise ScaleUnderloadError(f"underload: {reading.raw!r}")
        stable = reading.state is ReadingState.STABLE
        return Weight(grams=float(reading.grams), stable=stable, raw=reading.raw)

    def _scan(self, deadline: float, what: str, accept: Callable[[Reading], bool]) -> Reading:
        """Return the first fresh reading `accept` takes; see the module docstring."""
        with self._link.session(what) as link:
            link.discard()
            self._lines.clear(resync=True)
            bad: ScaleProtocolError | None = None
            in_a_row = 0
            moving: Reading | None = None
            while True:
                data = link.read(deadline, limit=4096)
                if not data and time.monotonic() >= deadline:
                    break
                for item in self._lines.feed(data):
                    try:
                        if isinstance(item, Overlong):
                            raise protocol_error_for(item, what, self.max_line_bytes)
                        reading = parse_line(item, self.format)
                    except ScaleProtocolError as exc:
                        self.garbage_lines += 1
                        bad, in_a_row = exc, in_a_row + 1
                        if in_a_row >= self.max_garbage:
                            raise ScaleProtocolError(
                                f"{what}: {in_a_row} lines in a row do not fit: {exc}"
                            ) from exc
                        continue
                    in_a_row = 0
                    if accept(reading):
                        return reading
                    moving = reading
            if moving is not None:
                raise ScaleMotionError(f"{what}: the load was still in motion: {moving.raw!r}")
            if bad is not None:
                raise ScaleProtocolError(f"{what}: no line fits the format: {bad}") from bad
            partial = self._lines.pending
            got = f"; partial line {partial!r}" if partial else ""
            raise ScaleTimeoutError(f"{what}: no line from {self.url} in time{got}")
