"""Talk to an MT-SICS scale: one command, one reply, a deadline, typed results.

`MtSicsScale` owns one `ScaleLink`. Each call (`ask` and the helpers built on it):

1. opens the stream if it is not open (so after a lost connection the *next* call
   reconnects transparently; the call that saw the loss raised `ScaleConnectionError`);
2. drops stale input (a late reply to an earlier, timed-out command);
3. sends the command and reads one reply line, bounded to `max_line_bytes`, before
   `timeout_s` (`ScaleTimeoutError` otherwise, never a hang). Well-formed replies that carry
   another command's ID are stale and skipped; garbage raises `ScaleProtocolError`;
4. maps error statuses to exceptions (`check_reply`): `ES`/`ET`/`EL` and `L` raise
   `ScaleCommandError`, `+` `ScaleOverloadError`, `-` `ScaleUnderloadError`, and `I`
   (busy: for `S`, no stable weight within the scale's own timeout) `ScaleBusyError`.
   Busy is an error, not a value, because every caller must handle it differently from a
   weight anyway; it is transient, so asking again is the normal response.

`weight_stable()` never returns a dynamic weight: a scale that answers `S` with `S D`
(against the manual; the `mt-sics-emulator` package does) is asked again until the
deadline, then `ScaleMotionError` is raised.

`stream()` starts `SIR` and returns a `WeightStream`: iterate it for one `Weight` per line
the scale sends, `stop()` it (or leave its `with` block) to end the stream. While it runs,
other calls on the scale raise `ScaleBusyError`.

Calls are serialised by a lock: one worker thread owns the scale, but another thread may
call it safely (tests, a diagnostics screen).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from drivers.scale.base import Weight
from drivers.scale.errors import (
    ScaleBusyError,
    ScaleMotionError,
    ScaleProtocolError,
    ScaleTimeoutError,
)
from drivers.scale.link import (
    LineBuffer,
    LinkedScale,
    Overlong,
    ScaleLink,
    StateListener,
    protocol_error_for,
)
from drivers.scale.mtsics import (
    QUIRKS,
    ErrorReply,
    MtSicsQuirks,
    Reply,
    StatusReply,
    WeightReply,
    check_reply,
    encode_command,
    from_grams,
    parse_reply,
    reply_ids,
    to_grams,
    weight_fields,
)
from drivers.transport import open_transport

if TYPE_CHECKING:
    import serial

__all__ = ["MtSicsScale", "ScaleIdentity", "Weight", "WeightStream"]

_RETRY_S = 0.05  # pause before asking `S` again after a dynamic answer


@dataclass(frozen=True, slots=True)
class ScaleIdentity:
    """What a scale says about itself: balance type text and serial number."""

    model: str
    serial_number: str


class MtSicsScale(LinkedScale):
    """An MT-SICS scale at a pyserial URL (request/response, thread-safe)."""

    def __init__(
        self, url: str, *, baudrate: int = 9600, timeout_s: float = 1.0, max_line_bytes: int = 256,
        quirks: MtSicsQuirks | str = "standard", on_state: StateListener | None = None,
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self.max_line_bytes = max_line_bytes
        if isinstance(quirks, str):
            if quirks not in QUIRKS:
                raise ValueError(f"unknown MT-SICS quirks {quirks!r}: one of {sorted(QUIRKS)}")
            quirks = QUIRKS[quirks]
        self.quirks = quirks
        self._link = ScaleLink(url, baudrate=baudrate, on_state=on_state, opener=opener)
        self._lines = LineBuffer(max_line_bytes)
        self._queue: deque[bytes] = deque()  # complete lines not yet consumed
        self._stream: WeightStream | None = None

    # ------------------------------------------------------------- connection
    def close(self) -> None:
        """Close the stream (no-op if closed); a running `stream()` ends."""
        with self._link.lock:
            self._stream = None
            self._link.close()

    # ---------------------------------------------------------------- commands
    def weight_immediate(self) -> Weight:
        """Return the current weight, stable or not (`SI`)."""
        return self._weight("SI")

    def weight_stable(self, timeout_s: float | None = None) -> Weight:
        """Return the next stable weight (`S`); `ScaleBusyError` if the scale gives up (`S I`).

        The scale itself waits for stability, so allow `timeout_s` longer than its timeout.
        A dynamic answer is never returned: `S` is asked again until the deadline, then
        `ScaleMotionError` is raised.
        """
        deadline = self._deadline(timeout_s)
        while True:
            weight = self._weight("S", timeout_s=max(deadline - time.monotonic(), 0.0))
            if weight.stable:
                return weight
            if deadline - time.monotonic() <= _RETRY_S:
                raise ScaleMotionError(f"S: the load was still in motion: {weight.raw!r}")
            time.sleep(_RETRY_S)

    def zero(self) -> None:
        """Set the scale to zero once the load is stable (`Z`)."""
        self._expect_status("Z", "A")

    def zero_immediate(self) -> bool:
        """Set the scale to zero now (`ZI`); return True if the load was stable (`ZI S`)."""
        return self._expect_status("ZI", "SD").status != "D"

    def tare(self) -> Weight:
        """Tare the scale once the load is stable (`T`); return the tare weight it stored."""
        return self._weight("T")

    def tare_immediate(self) -> Weight:
        """Tare the scale now (`TI`); the tare's `stable` says whether the load was settled."""
        return self._weight("TI")

    def tare_value(self) -> Weight:
        """Return the stored tare (`TA`)."""
        return self._status_weight(self._expect_status("TA", "A"))

    def preset_tare(self, grams: float, unit: str = "g", decimals: int = 2) -> Weight:
        """Store a known tare (`TA <value> <unit>`); return the tare the scale now holds."""
        value = from_grams(grams, unit).quantize(Decimal(1).scaleb(-decimals))
        return self._status_weight(self._expect_status("TA", "A", value, unit))

    def clear_tare(self) -> None:
        """Clear the tare (`TAC`)."""
        self._expect_status("TAC", "A")

    def serial_number(self) -> str:
        """Return the scale's serial number (`I4`)."""
        return self._one_field(self._expect_status("I4", "A"))

    def identify(self) -> ScaleIdentity:
        """Return the balance type (`I2`, or the quirks' inquiry) and the serial number."""
        model = self._expect_status(self.quirks.model_command, "A")
        return ScaleIdentity(model=" ".join(model.fields), serial_number=self.serial_number())

    def reset(self) -> str:
        """Reset the scale to its switch-on state (`@`); return its serial number."""
        return self._one_field(self._expect_status("@", "A"))

    def ask(self, cmd: str, *args: object, timeout_s: float | None = None) -> Reply:
        """Send one command and return its (checked) reply; see the module docstring."""
        return self._exchange(cmd, args, timeout_s)[0]

    def stream(self, timeout_s: float | None = None) -> WeightStream:
        """Start `SIR` and return the stream of weights; each line must come within `timeout_s`."""
        with self._link.lock:
            reply, raw = self._exchange("SIR", (), timeout_s, check=False)
            if isinstance(reply, ErrorReply):
                check_reply(reply, "SIR", self.quirks)  # raises: the scale has no SIR
            # The first reply is the first reading: the stream returns (or raises) it first.
            self._queue.appendleft(raw.encode("ascii"))
            self._stream = WeightStream(self, self.timeout_s if timeout_s is None else timeout_s)
            return self._stream

    # ----------------------------------------------------------------- helpers
    def _exchange(
        self, cmd: str, args: tuple[object, ...], timeout_s: float | None, *, check: bool = True
    ) -> tuple[Reply, str]:
        frame = encode_command(cmd, *args)
        deadline = self._deadline(timeout_s)
        with self._link.session(cmd) as link:
            if self._stream is not None:
                raise ScaleBusyError(f"{cmd}: a weight stream (SIR) is running; stop it first")
            link.discard()
            self._lines.clear()
            self._queue.clear()
            link.write(frame)
            accepted = reply_ids(cmd, self.quirks)
            while True:
                line = self._read_line(deadline, cmd)
                reply = parse_reply(line)
                # Error replies (ES/ET/EL) carry no id: they answer us. A reply with another
                # id is late, for an earlier command that timed out: skip it.
                if getattr(reply, "id", accepted[0]) in accepted:
                    break
            if check:
                reply = check_reply(reply, cmd, self.quirks)
        return reply, line.decode("ascii")

    def _weight(self, cmd: str, timeout_s: float | None = None) -> Weight:
        reply, raw = self._exchange(cmd, (), timeout_s)
        if not isinstance(reply, WeightReply):
            raise ScaleProtocolError(f"{cmd}: expected a weight, got {raw!r}")
        return Weight(grams=float(to_grams(reply.value, reply.unit)), stable=reply.stable, raw=raw)

    def _status_weight(self, reply: StatusReply) -> Weight:
        weight = weight_fields(reply)
        raw = f"{reply.id} {reply.status} {' '.join(reply.fields)}"
        return Weight(grams=float(to_grams(weight.value, weight.unit)), stable=True, raw=raw)

    def _expect_status(self, cmd: str, statuses: str, *args: object) -> StatusReply:
        reply = self.ask(cmd, *args)
        allowed = statuses + self.quirks.ok_statuses.get(cmd, "")
        if not isinstance(reply, StatusReply) or reply.status not in allowed:
            raise ScaleProtocolError(f"{cmd}: expected status {statuses}, got {reply}")
        return reply

    def _one_field(self, reply: StatusReply) -> str:
        if len(reply.fields) != 1:
            raise ScaleProtocolError(f"{reply.id}: expected one serial number field, got {reply}")
        return reply.fields[0]

    def _read_line(self, deadline: float, cmd: str) -> bytes:
        """Return the next line (without CR LF), reading until LF or the deadline."""
        while not self._queue:
            data = self._link.read(deadline, limit=self.max_line_bytes + 1)
            if not data and time.monotonic() >= deadline:
                partial = self._lines.pending
                got = f"; partial reply {partial!r}" if partial else ""
                raise ScaleTimeoutError(f"{cmd}: no reply from {self.url} in time{got}")
            for item in self._lines.feed(data):
                if isinstance(item, Overlong):
                    self._queue.clear()
                    raise protocol_error_for(item, cmd, self.max_line_bytes)
                self._queue.append(item)
        return self._queue.popleft()


class WeightStream:
    """The weights an MT-SICS scale sends after `SIR`; iterate, then `stop()`."""

    def __init__(self, scale: MtSicsScale, timeout_s: float) -> None:
        self._scale = scale
        self.timeout_s = timeout_s
        self.stopped = False

    def __iter__(self) -> WeightStream:
        return self

    def __enter__(self) -> WeightStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __next__(self) -> Weight:
        """Return the next weight; raise its error (overload...) without ending the stream."""
        scale = self._scale
        deadline = time.monotonic() + self.timeout_s
        with scale._link.lock:
            if self.stopped or scale._stream is not self:
                raise StopIteration
            try:
                with scale._link.session("SIR"):
                    line = scale._read_line(deadline, "SIR")
                    reply = check_reply(parse_reply(line), "SIR", scale.quirks)
            except Exception:
                if not scale._link.is_open:
                    self._end()
                raise
        if not isinstance(reply, WeightReply):
            raise ScaleProtocolError(f"SIR: expected a weight, got {reply}")
        return Weight(float(to_grams(reply.value, reply.unit)), reply.stable, line.decode("ascii"))

    def stop(self) -> None:
        """End the stream: send `I4` (any command stops `SIR`) and skip the lines still coming."""
        scale = self._scale
        with scale._link.lock:
            if self.stopped or scale._stream is not self:
                self.stopped = True
                return
            self._end()
            if scale.is_open:
                scale.serial_number()  # its I4 reply is told apart from the S lines by its id

    def _end(self) -> None:
        self.stopped = True
        if self._scale._stream is self:
            self._scale._stream = None
