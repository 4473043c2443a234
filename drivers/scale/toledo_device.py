"""Talk to a Toledo 8217/8213 retail scale: one letter, one frame, a deadline, typed results.

`ToledoScale` opens the stream as 7E1 (7 data bits, even parity, 1 stop bit) at
`baudrate` (9600 by default). Each call drops stale input, sends one command letter and
reads one frame before `timeout_s` (`ScaleTimeoutError` otherwise). A frame that is not
well-formed, or no CR within `max_frame_bytes`, raises `ScaleProtocolError`.

The scale sends a weight only when the load is stable and in range, so:

- `weight_immediate()` returns a stable `Weight`, or raises what the status says:
  `ScaleMotionError` (in motion: the 8217 sends no weight then), `ScaleOverloadError`,
  `ScaleUnderloadError` (under zero), `ScaleBusyError` (needs zeroing);
- `weight_stable(timeout_s)` asks again every `poll_s` while the load is in motion, and
  raises `ScaleMotionError` if it has not settled by the deadline.

The frame carries no unit: the profile (`drivers.scale.toledo.PROFILES`) says whether the
scale is set up in kg or lb; weights are converted to grams.

The frames carry no command id either, so a reply that arrives after its deadline cannot
be told from the next one; dropping input before each command makes that unlikely.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.scale.base import Weight
from drivers.scale.errors import (
    ScaleCommandError,
    ScaleMotionError,
    ScaleProtocolError,
    ScaleTimeoutError,
)
from drivers.scale.link import LinkedScale, ScaleLink, StateListener
from drivers.scale.mtsics import to_grams
from drivers.scale.toledo import (
    PROFILES,
    Frame,
    StatusBits,
    StatusFrame,
    ToledoProfile,
    WeightFrame,
    check_status,
    describe_status,
    encode_command,
    parse_frame,
    split_frame,
)
from drivers.transport import open_transport

if TYPE_CHECKING:
    import serial

__all__ = ["ToledoScale"]


class ToledoScale(LinkedScale):
    """A Toledo 8217/8213 scale at a pyserial URL (request/response, thread-safe)."""

    def __init__(
        self, url: str, *, baudrate: int = 9600, timeout_s: float = 1.0,
        profile: ToledoProfile | str = "8217", max_frame_bytes: int = 16, poll_s: float = 0.05,
        on_state: StateListener | None = None,
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        if isinstance(profile, str):
            if profile not in PROFILES:
                raise ValueError(f"unknown Toledo profile {profile!r}: one of {sorted(PROFILES)}")
            profile = PROFILES[profile]
        self.url = url
        self.timeout_s = timeout_s
        self.profile = profile
        self.max_frame_bytes = max_frame_bytes
        self.poll_s = poll_s
        serial_kw = {"bytesize": 7, "parity": "E", "stopbits": 1}
        self._link = ScaleLink(url, baudrate=baudrate, serial_kw=serial_kw, on_state=on_state,
                               opener=opener)

    # ---------------------------------------------------------------- commands
    def weight_immediate(self) -> Weight:
        """Return the weight (`W`); raise what the status says if the scale sends none."""
        frame, raw = self.ask("W")
        if isinstance(frame, StatusFrame):
            check_status(frame.status, self.profile, "W")
            raise ScaleProtocolError(
                f"W: status {describe_status(frame.status, self.profile)} instead of a weight"
            )
        grams = float(to_grams(frame.value, self.profile.unit))
        return Weight(grams=grams, stable=True, raw=raw)

    def weight_stable(self, timeout_s: float | None = None) -> Weight:
        """Return a weight once the load is stable; `ScaleMotionError` after `timeout_s`."""
        deadline = self._deadline(timeout_s)
        while True:
            try:
                return self.weight_immediate()
            except ScaleMotionError:
                if deadline - time.monotonic() <= self.poll_s:
                    raise
            time.sleep(self.poll_s)

    def zero(self) -> None:
        """Zero the scale (`Z`); raise if the status says it cannot be zeroed now."""
        self._command("Z")

    def tare(self) -> None:
        """Tare the load (`T`); `ScaleCommandError` if the scale took no tare."""
        bits = self._command("T")
        if self.profile.meaningful(StatusBits.NET) and StatusBits.NET not in bits:
            raise ScaleCommandError("T: the scale took no tare (status not net)")

    def clear_tare(self) -> None:
        """Clear the tare (`C`)."""
        self._command("C")

    def ask(self, cmd: str, timeout_s: float | None = None) -> tuple[Frame, str]:
        """Send one command letter; return its parsed frame and the frame text (no STX/CR)."""
        data = encode_command(cmd)
        deadline = self._deadline(timeout_s)
        with self._link.session(cmd) as link:
            link.discard()
            link.write(data)
            frame = self._read_frame(deadline, cmd)
        return parse_frame(frame), frame[1:-1].decode("latin-1")

    # ----------------------------------------------------------------- helpers
    def _command(self, cmd: str) -> StatusBits:
        frame, raw = self.ask(cmd)
        if isinstance(frame, WeightFrame):
            raise ScaleProtocolError(f"{cmd}: expected a status, got a weight {raw!r}")
        return check_status(frame.status, self.profile, cmd)

    def _read_frame(self, deadline: float, cmd: str) -> bytes:
        buf = bytearray()
        while True:
            frame, _ = split_frame(buf, self.max_frame_bytes)
            if frame is not None:
                # Parse inside the session, so that garbage marks the link FAULT.
                parse_frame(frame)
                return frame
            data = self._link.read(deadline, limit=self.max_frame_bytes)
            if not data and time.monotonic() >= deadline:
                got = f"; partial reply {bytes(buf)!r}" if buf else ""
                raise ScaleTimeoutError(f"{cmd}: no reply from {self.url} in time{got}")
            buf += data
