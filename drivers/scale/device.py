"""Talk to an MT-SICS scale: one command, one reply, a deadline, typed results.

`MtSicsScale` owns one transport. Each call (`ask` and the helpers built on it):

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

Calls are serialised by a lock: one worker thread owns the scale, but another thread may
call it safely (tests, a diagnostics screen).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from drivers.scale.errors import (
    ScaleConnectionError,
    ScaleProtocolError,
    ScaleTimeoutError,
)
from drivers.scale.mtsics import (
    Reply,
    StatusReply,
    WeightReply,
    check_reply,
    encode_command,
    parse_reply,
    reply_id,
    to_grams,
)
from drivers.transport import (
    TransportError,
    close_transport,
    discard_input,
    open_transport,
    read_available,
    write_all,
)

__all__ = ["MtSicsScale", "Weight"]


@dataclass(frozen=True, slots=True)
class Weight:
    """A net weight in grams; `raw` is the reply line as received (without CR LF)."""

    grams: float
    stable: bool
    raw: str


class MtSicsScale:
    """An MT-SICS scale at a pyserial URL (request/response, thread-safe)."""

    def __init__(
        self, url: str, *, baudrate: int = 9600, timeout_s: float = 1.0, max_line_bytes: int = 256
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self.max_line_bytes = max_line_bytes
        self._port = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------- connection
    @property
    def is_open(self) -> bool:
        """True while a stream to the scale is open."""
        return self._port is not None

    def open(self) -> None:
        """Open the stream (no-op if open); raise `ScaleConnectionError` if it cannot be."""
        with self._lock:
            if self._port is None:
                try:
                    self._port = open_transport(self.url, baudrate=self.baudrate, timeout=0.05)
                except TransportError as exc:
                    raise ScaleConnectionError(str(exc)) from exc

    def close(self) -> None:
        """Close the stream (no-op if closed)."""
        with self._lock:
            port, self._port = self._port, None
            if port is not None:
                close_transport(port)

    def __enter__(self) -> MtSicsScale:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---------------------------------------------------------------- commands
    def weight_immediate(self) -> Weight:
        """Return the current weight, stable or not (`SI`)."""
        return self._weight("SI")

    def weight_stable(self, timeout_s: float | None = None) -> Weight:
        """Return the next stable weight (`S`); `ScaleBusyError` if the scale gives up (`S I`).

        The scale itself waits for stability, so allow `timeout_s` longer than its timeout.
        """
        return self._weight("S", timeout_s=timeout_s)

    def zero(self) -> None:
        """Set the scale to zero (`Z`)."""
        self._expect_status("Z", "A")

    def tare(self) -> Weight:
        """Tare the scale (`T`); return the tare weight it stored."""
        return self._weight("T")

    def serial_number(self) -> str:
        """Return the scale's serial number (`I4`)."""
        return self._expect_status("I4", "A").fields[0]

    def reset(self) -> str:
        """Reset the scale to its switch-on state (`@`); return its serial number."""
        return self._expect_status("@", "A").fields[0]

    def ask(self, cmd: str, *args: object, timeout_s: float | None = None) -> Reply:
        """Send one command and return its (checked) reply; see the module docstring."""
        return self._exchange(cmd, args, timeout_s)[0]

    # ----------------------------------------------------------------- helpers
    def _exchange(
        self, cmd: str, args: tuple[object, ...], timeout_s: float | None
    ) -> tuple[Reply, str]:
        frame = encode_command(cmd, *args)
        deadline = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        with self._lock:
            self.open()
            rx = bytearray()
            try:
                discard_input(self._port)
                write_all(self._port, frame)
                while True:
                    line = self._read_line(rx, deadline, cmd)
                    reply = parse_reply(line)
                    # Error replies (ES/ET/EL) carry no id: they answer us. A reply with another
                    # id is late, for an earlier command that timed out: skip it.
                    if getattr(reply, "id", reply_id(cmd)) == reply_id(cmd):
                        break
            except TransportError as exc:
                self.close()
                raise ScaleConnectionError(f"{cmd}: {exc}") from exc
        return check_reply(reply, cmd), line.decode("ascii")

    def _weight(self, cmd: str, timeout_s: float | None = None) -> Weight:
        reply, raw = self._exchange(cmd, (), timeout_s)
        if not isinstance(reply, WeightReply):
            raise ScaleProtocolError(f"{cmd}: expected a weight, got {raw!r}")
        return Weight(grams=float(to_grams(reply.value, reply.unit)), stable=reply.stable, raw=raw)

    def _expect_status(self, cmd: str, status: str) -> StatusReply:
        reply = self.ask(cmd)
        if not isinstance(reply, StatusReply) or reply.status != status:
            raise ScaleProtocolError(f"{cmd}: expected status {status}, got {reply}")
        if cmd in ("I4", "@") and len(reply.fields) != 1:
            raise ScaleProtocolError(f"{cmd}: expected one serial number field, got {reply}")
        return reply

    def _read_line(self, buf: bytearray, deadline: float, cmd: str) -> bytes:
        """Return the next line from `buf`, reading more until LF; without CR LF."""
        while True:
            end = buf.find(b"\n")
            if end >= 0:
                line = bytes(buf[:end]).removesuffix(b"\r")
                del buf[: end + 1]
                return line
            if len(buf) >= self.max_line_bytes:
                raise ScaleProtocolError(
                    f"{cmd}: no line end in {len(buf)} bytes: {bytes(buf[:32])!r}..."
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = f"; partial reply {bytes(buf)!r}" if buf else ""
                raise ScaleTimeoutError(f"{cmd}: no reply from {self.url} in time{got}")
            buf += read_available(self._port, limit=self.max_line_bytes + 1, wait_s=remaining)
