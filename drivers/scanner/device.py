"""Read a push scanner on its own thread: open, frame lines, report, reconnect for ever.

A scanner sends whenever someone pulls the trigger, so it is read, never asked. One
`ScannerReader` owns one background thread and one transport. Callbacks run on that thread
and must be quick (put the line on a queue):

- `on_line(data)`: one complete line as bytes (terminator, prefix, suffix removed). The
  bytes are not decoded: invalid UTF-8 is the station's to report (`decode_line`).
- `on_overflow(discarded)`: a line was longer than `max_line_bytes` and was dropped.
- `on_state(state, detail)`: connection state changes. A lost or unopenable stream is retried
  every `reconnect_s`; a run of failed attempts reports `ERROR` once (again only if the reason
  changes), so a scanner that stays unplugged does not flood the listener.

Every (re)connect goes through `opener` (`open_transport`, or another with its signature,
e.g. a byte monitor's).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.scanner.errors import ScannerConnectionError, ScannerError, ScannerOverflowError
from drivers.scanner.protocol import LineFramer, Overflow, ScanLine, Terminator
from drivers.transport import TransportError, close_transport, open_transport, read_available

if TYPE_CHECKING:
    import serial

__all__ = ["CONNECTED_STATES", "ScannerReader", "ScannerState"]

log = logging.getLogger(__name__)

_READ_WAIT_S = 0.05  # how often the thread looks at its stop flag while idle


class ScannerState(enum.Enum):
    """Connection state of one scanner."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    ERROR = "error"


CONNECTED_STATES = frozenset({ScannerState.CONNECTED})


def _ignore(*_args: object) -> None:
    return None


class ScannerReader:
    """Read lines from the scanner at `url` on a background thread until `stop()`."""

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        terminator: Terminator = "ANY",
        max_line_bytes: int = 4096,
        prefix: bytes = b"",
        suffix: bytes = b"",
        reconnect_s: float = 1.0,
        on_line: Callable[[bytes], None] | None = None,
        on_overflow: Callable[[int], None] | None = None,
        on_state: Callable[[ScannerState, str], None] | None = None,
        name: str = "scanner",
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.reconnect_s = reconnect_s
        self._opener = opener
        self._framer_args = (terminator, max_line_bytes, prefix, suffix)
        LineFramer(*self._framer_args)  # reject a bad configuration in the caller's thread
        self._on_line = on_line or _ignore
        self._on_overflow = on_overflow or _ignore
        self._on_state = on_state or _ignore
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._state = ScannerState.DISCONNECTED
        self._detail = ""
        self.last_error: ScannerError | None = None

    @property
    def state(self) -> ScannerState:
        """The current connection state."""
        return self._state

    def start(self) -> None:
        """Start the reader thread (once)."""
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop reading, close the stream and join the thread (at most `timeout` seconds).

        The thread notices within 50 ms, except inside pyserial's TCP connect to a host that
        does not answer (up to 5 s); it is a daemon thread and ends by itself after that.
        """
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def __enter__(self) -> ScannerReader:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ thread
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._state is not ScannerState.ERROR:
                    self._set_state(ScannerState.CONNECTING, self.url)
                try:
                    port = self._opener(self.url, baudrate=self.baudrate, timeout=_READ_WAIT_S)
                except TransportError as exc:
                    self.last_error = ScannerConnectionError(str(exc))
                    self._set_state(ScannerState.ERROR, str(exc))
                    self._stop.wait(self.reconnect_s)
                    continue
                try:
                    self._set_state(ScannerState.CONNECTED, self.url)
                    self._pump(port)
                except TransportError as exc:
                    self.last_error = ScannerConnectionError(str(exc))
                    self._set_state(ScannerState.DISCONNECTED, f"connection lost: {exc}")
                    self._stop.wait(self.reconnect_s)
                finally:
                    close_transport(port)
        finally:
            self._set_state(ScannerState.DISCONNECTED, "stopped")

    def _pump(self, port) -> None:
        framer = LineFramer(*self._framer_args)  # a partial line never survives a reconnect
        while not self._stop.is_set():
            data = read_available(port, limit=65536, wait_s=_READ_WAIT_S)
            for frame in framer.feed(data):
                if isinstance(frame, ScanLine):
                    self._call(self._on_line, frame.data)
                elif isinstance(frame, Overflow):
                    self.last_error = ScannerOverflowError(frame.discarded)
                    self._call(self._on_overflow, frame.discarded)

    def _set_state(self, state: ScannerState, detail: str) -> None:
        if (state, detail) == (self._state, self._detail):
            return
        self._state, self._detail = state, detail
        self._call(self._on_state, state, detail)

    def _call(self, callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:  # a listener's bug must not kill the scanner
            log.exception("scanner %s: callback %r failed", self.url, callback)
