"""Own the byte stream to one scale: lazy open, reconnect on the next call, state, deadlines.

`ScaleLink` is what every scale device class is built on (by composition). A device does
its work inside `with link.session("CMD"):`, which

1. takes the link's lock (one exchange at a time, whatever thread calls);
2. opens the stream if it is not open, so after a loss the *next* call reconnects;
3. turns a `TransportError` into `ScaleConnectionError` and closes the stream;
4. keeps `state` (`ScaleState`) and calls `on_state(state, detail)` when it changes:
   `CONNECTED` after a good exchange, `FAULT` after a timeout or a malformed reply,
   `DISCONNECTED` when the stream is closed or lost. Weighing conditions (overload, motion,
   a rejected command) leave the link `CONNECTED`: the scale answered properly.

`LinkedScale` gives a device built on a link (as `_link`) its connection methods: `is_open`,
`state`, `open()`, `close()`, `with` (opens, then closes) and `_deadline()`.

`LineBuffer` frames terminator-ended lines out of a byte stream with a bound on the length
of one line: a longer line is reported as `Overlong` and skipped up to its terminator.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from drivers.scale.base import ScaleState
from drivers.scale.errors import ScaleConnectionError, ScaleProtocolError, ScaleTimeoutError
from drivers.transport import (
    TransportError,
    close_transport,
    discard_input,
    open_transport,
    read_available,
    write_all,
)

if TYPE_CHECKING:
    import serial

__all__ = ["LineBuffer", "LinkedScale", "Overlong", "ScaleLink", "protocol_error_for"]

log = logging.getLogger(__name__)

StateListener = Callable[[ScaleState, str], None]


class ScaleLink:
    """One transport to a scale at a pyserial `url`, opened lazily and reopened after a loss.

    Every (re)open calls `opener(url, baudrate=..., timeout=..., **serial_kw)`:
    `open_transport` unless a caller gives another with its signature (a byte monitor's).
    """

    def __init__(
        self, url: str, *, baudrate: int = 9600, serial_kw: dict[str, Any] | None = None,
        on_state: StateListener | None = None,
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.serial_kw = dict(serial_kw or {})
        self.lock = threading.RLock()
        self._on_state = on_state
        self._opener = opener
        self._port = None
        self._state = ScaleState.DISCONNECTED

    @property
    def state(self) -> ScaleState:
        """The link state the last call left."""
        return self._state

    @property
    def is_open(self) -> bool:
        """True while the stream is open."""
        return self._port is not None

    def open(self) -> None:
        """Open the stream (no-op if open); raise `ScaleConnectionError` if it cannot be."""
        with self.lock:
            if self._port is not None:
                return
            try:
                self._port = self._opener(
                    self.url, baudrate=self.baudrate, timeout=0.05, **self.serial_kw
                )
            except TransportError as exc:
                self._set_state(ScaleState.DISCONNECTED, str(exc))
                raise ScaleConnectionError(str(exc)) from exc

    def close(self, detail: str = "closed") -> None:
        """Close the stream (no-op if closed)."""
        with self.lock:
            port, self._port = self._port, None
            if port is not None:
                close_transport(port)
            self._set_state(ScaleState.DISCONNECTED, detail)

    @contextlib.contextmanager
    def session(self, what: str) -> Iterator[ScaleLink]:
        """Hold the lock with the stream open for one exchange; see the module docstring."""
        with self.lock:
            self.open()
            try:
                yield self
            except TransportError as exc:
                self.close(f"connection lost: {exc}")
                raise ScaleConnectionError(f"{what}: {exc}") from exc
            except (ScaleTimeoutError, ScaleProtocolError) as exc:
                self._set_state(ScaleState.FAULT, str(exc))
                raise
            self._set_state(ScaleState.CONNECTED, self.url)

    # ------------------------------------------------- inside a session only
    def write(self, data: bytes) -> None:
        """Send `data` (raises `TransportError`; the session maps it)."""
        write_all(self._require(), data)

    def discard(self) -> int:
        """Drop input that has already arrived (late replies, stale stream lines)."""
        return discard_input(self._require())

    def read(self, deadline: float, limit: int = 4096) -> bytes:
        """Return bytes that arrive before `deadline` (monotonic); b"" once it has passed."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b""
        return read_available(self._require(), limit=limit, wait_s=remaining)

    # ---------------------------------------------------------------- helpers
    def _require(self):
        if self._port is None:
            raise TransportError(f"{self.url}: not open")
        return self._port

    def _set_state(self, state: ScaleState, detail: str) -> None:
        if state is self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state, detail)
            except Exception:  # a listener's bug must not break weighing
                log.exception("scale %s: state listener failed", self.url)


class LinkedScale:
    """The connection half of a scale device that owns a `ScaleLink` as `_link`."""

    _link: ScaleLink
    timeout_s: float

    @property
    def is_open(self) -> bool:
        """True while a stream to the scale is open."""
        return self._link.is_open

    @property
    def state(self) -> ScaleState:
        """The link state the last call left."""
        return self._link.state

    def open(self) -> None:
        """Open the stream (no-op if open); raise `ScaleConnectionError` if it cannot be."""
        self._link.open()

    def close(self) -> None:
        """Close the stream (no-op if closed)."""
        self._link.close()

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _deadline(self, timeout_s: float | None) -> float:
        """Return the monotonic deadline `timeout_s` from now (None: the device's timeout)."""
        return time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)


@dataclass(frozen=True, slots=True)
class Overlong:
    """A line longer than the bound is being dropped; `size` bytes of it had been seen."""

    size: int


class LineBuffer:
    """Frame lines ended by `terminator` (a trailing CR is removed too), at most `max_bytes`.

    A line that grows past `max_bytes` is reported once, as `Overlong`, as soon as that is
    known (so a stream that never sends a terminator is noticed), and the rest of it up to
    the next terminator is dropped. With `resync=True` the bytes before the first terminator
    are dropped silently: after discarding input, the first bytes seen are most likely the
    tail of a line whose start was thrown away.
    """

    def __init__(self, max_bytes: int, terminator: bytes = b"\n", *, resync: bool = False) -> None:
        if len(terminator) != 1:
            raise ValueError("terminator must be one byte")
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        self.max_bytes = max_bytes
        self.terminator = terminator
        self._buf = bytearray()
        self._skipping = False  # inside an overlong line, already reported
        self._fragment: int | None = 0 if resync else None  # bytes of a fragment dropped

    def clear(self, *, resync: bool = False) -> None:
        """Forget buffered bytes; with `resync`, also drop the next partial line."""
        self._buf.clear()
        self._skipping = False
        self._fragment = 0 if resync else None

    def feed(self, data: bytes) -> list[bytes | Overlong]:
        """Add bytes; return the complete lines (without terminators) and overlong markers."""
        out: list[bytes | Overlong] = []
        pos = 0
        while pos < len(data):
            end = data.find(self.terminator, pos)
            if self._fragment is not None:
                # A fragment is the tail of a line: longer than a line, it is one too long.
                self._fragment += (len(data) if end < 0 else end) - pos
                if self._fragment > self.max_bytes:
                    out.append(Overlong(self._fragment))
                    self._fragment, self._skipping = None, True
                    continue
                if end < 0:
                    break
                self._fragment = None
                pos = end + 1
                continue
            if self._skipping:
                if end < 0:
                    break
                self._skipping = False
                pos = end + 1
                continue
            stop = len(data) if end < 0 else end
            take = min(stop, pos + self.max_bytes + 1 - len(self._buf))
            self._buf += data[pos:take]
            pos = take
            if len(self._buf) > self.max_bytes:
                out.append(Overlong(len(self._buf)))
                self._buf.clear()
                self._skipping = True
                continue
            if end < 0:
                break
            out.append(bytes(self._buf).removesuffix(b"\r"))
            self._buf.clear()
            pos = end + 1
        return out

    @property
    def pending(self) -> bytes:
        """The bytes of the line being received so far."""
        return bytes(self._buf)


def protocol_error_for(item: Overlong, what: str, max_bytes: int) -> ScaleProtocolError:
    """Describe an overlong line as a `ScaleProtocolError`."""
    return ScaleProtocolError(f"{what}: no line end within {max_bytes} bytes")
