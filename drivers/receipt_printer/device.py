"""Talk to an ESC/POS receipt printer: real-time status with deadlines, checked job sending.

`EscPosPrinter` owns one transport (any pyserial URL: `socket://host:9100`, `/dev/ttyUSB0`,
a simulator's pty). Each call:

1. opens the stream if it is not open, so after a lost connection the *next* call reconnects
   (the call that saw the loss raised `ReceiptPrinterConnectionError`);
2. asks for status with `DLE EOT n`, one request at a time: input that arrived earlier is
   dropped, the request is sent, and one status byte must arrive within `timeout_s`
   (`ReceiptPrinterTimeoutError`) and be a status byte (`ReceiptPrinterProtocolError`).
   Status bytes carry no request id, so after a timeout or a bad byte the stream is closed,
   and a late answer cannot be taken for the answer to the next request: on TCP it went to
   the old connection; on a serial line (or pty) the next call first drops whatever arrives
   during one `timeout_s`;
3. `print_job` checks the status first and refuses to send (`ReceiptPrinterNotReadyError`,
   carrying the status) when the paper is out, the cover is open, the printer is offline or
   reports an error. Paper near its end still prints.

`state` follows every call (`ReceiptPrinterState`); `on_state(state, detail)` is called on
each change, on the calling thread, so it must be quick. Calls are serialised by a lock.
The job bytes come from `ReceiptBuilder` (python-escpos commands) or anywhere else.
Every (re)connect goes through `opener` (`open_transport`, or another with its signature,
e.g. a byte monitor's).
"""

from __future__ import annotations

import dataclasses
import enum
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.receipt_printer.builder import ReceiptBuilder
from drivers.receipt_printer.errors import (
    ReceiptPrinterConnectionError,
    ReceiptPrinterNotReadyError,
    ReceiptPrinterProtocolError,
    ReceiptPrinterTimeoutError,
)
from drivers.receipt_printer.profiles import ReceiptProfile, get_profile
from drivers.receipt_printer.protocol import (
    ERROR,
    OFFLINE,
    PAPER,
    PRINTER,
    PaperStatus,
    ReceiptPrinterStatus,
    encode_status_request,
    parse_offline_status,
    parse_paper_status,
    status_from_replies,
)
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

__all__ = ["CONNECTED_STATES", "READY_STATES", "EscPosPrinter", "ReceiptPrinterState"]


class ReceiptPrinterState(enum.Enum):
    """What the station last learnt about the printer."""

    DISCONNECTED = "disconnected"  # not opened yet, or closed by the caller
    READY = "ready"
    PAPER_LOW = "paper_low"  # prints, but the roll is near its end
    NOT_READY = "not_ready"  # answers, but cannot print: paper out, cover open, error
    ERROR = "error"  # unreachable, silent or talking garbage


CONNECTED_STATES = frozenset(
    {ReceiptPrinterState.READY, ReceiptPrinterState.PAPER_LOW, ReceiptPrinterState.NOT_READY}
)
READY_STATES = frozenset({ReceiptPrinterState.READY, ReceiptPrinterState.PAPER_LOW})


class EscPosPrinter:
    """An ESC/POS printer at a pyserial URL (thread-safe; see the module docstring)."""

    def __init__(
        self, url: str, *, timeout_s: float = 2.0, profile: ReceiptProfile | str | None = None,
        width_px: int | None = None, baudrate: int = 9600,
        on_state: Callable[[ReceiptPrinterState, str], None] | None = None,
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.baudrate = baudrate
        base = get_profile(profile)
        self.profile = base.with_width(width_px) if width_px is not None else base
        self.last_status: ReceiptPrinterStatus | None = None
        self._on_state = on_state or (lambda state, detail: None)
        self._state = ReceiptPrinterState.DISCONNECTED
        self._opener = opener
        self._port = None
        self._resync_s = 0.0  # drain this long before the next request (serial lines)
        self._lock = threading.RLock()

    # ------------------------------------------------------------- connection
    @property
    def state(self) -> ReceiptPrinterState:
        """The state after the last call."""
        return self._state

    @property
    def is_open(self) -> bool:
        """True while a stream to the printer is open."""
        return self._port is not None

    def open(self) -> None:
        """Open the stream (no-op if open); `ReceiptPrinterConnectionError` if it cannot be."""
        with self._lock:
            if self._port is not None:
                return
            try:
                self._port = self._opener(self.url, baudrate=self.baudrate, timeout=0.05)
            except TransportError as exc:
                self._set_state(ReceiptPrinterState.ERROR, str(exc))
                raise ReceiptPrinterConnectionError(str(exc)) from exc

    def close(self) -> None:
        """Close the stream (no-op if closed)."""
        with self._lock:
            self._drop()
            self._set_state(ReceiptPrinterState.DISCONNECTED, "closed")

    def __enter__(self) -> EscPosPrinter:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---------------------------------------------------------------- commands
    def builder(self) -> ReceiptBuilder:
        """Return a `ReceiptBuilder` for this printer's paper width."""
        return ReceiptBuilder(self.profile)

    def paper_status(self) -> PaperStatus:
        """Return what the roll paper sensors see (`DLE EOT 4`).

        The state is updated from the last full status with this paper reading (from the
        paper alone if `status()` has not been asked yet).
        """
        with self._lock:
            paper = parse_paper_status(self._guarded(lambda: self._ask(PAPER)))
            base = self.last_status or ReceiptPrinterStatus(
                online=True, cover_open=False, paper=paper)
            self._record(dataclasses.replace(base, paper=paper))
            return paper

    def status(self) -> ReceiptPrinterStatus:
        """Return the full status (`DLE EOT 1`, `2`, `4`, and `3` if an error is reported)."""
        with self._lock:
            return self._guarded(self._status)

    def print_job(self, job: bytes, *, check_status: bool = True) -> ReceiptPrinterStatus | None:
        """Send `job` unless the printer cannot print it; return the status checked first.

        Raises `ReceiptPrinterNotReadyError` (nothing sent) when it is not ready.
        With `check_status=False` the bytes are sent blind and None is returned.
        """
        with self._lock:
            return self._guarded(lambda: self._print(bytes(job), check_status))

    # ----------------------------------------------------------------- helpers
    def _print(self, job: bytes, check_status: bool) -> ReceiptPrinterStatus | None:
        status = self._status() if check_status else None
        if status is not None and not status.ready:
            raise ReceiptPrinterNotReadyError(status)
        # A job can be large (raster images) and a serial line slow: allow for both.
        allowance = self.timeout_s + len(job) * 10 / self.baudrate
        if self._port.write_timeout is None or self._port.write_timeout < allowance:
            self._port.write_timeout = allowance
        write_all(self._port, job)
        return status

    def _status(self) -> ReceiptPrinterStatus:
        printer, offline, paper = self._ask(PRINTER), self._ask(OFFLINE), self._ask(PAPER)
        error = self._ask(ERROR) if parse_offline_status(offline).error else None
        return self._record(status_from_replies(printer, offline, paper, error))

    def _record(self, status: ReceiptPrinterStatus) -> ReceiptPrinterStatus:
        self.last_status = status
        self._set_state(_state_of(status), ", ".join(status.problems) or "ready")
        return status

    def _ask(self, n: int) -> bytes:
        """Send DLE EOT n; return the one status byte that answers it."""
        if self._resync_s:
            settle = time.monotonic() + self._resync_s
            while (remaining := settle - time.monotonic()) > 0:
                read_available(self._port, limit=4096, wait_s=remaining)
            self._resync_s = 0.0
        discard_input(self._port)
        write_all(self._port, encode_status_request(n))
        deadline = time.monotonic() + self.timeout_s
        while (remaining := deadline - time.monotonic()) > 0:
            reply = read_available(self._port, limit=1, wait_s=remaining)
            if reply:
                return reply
        raise ReceiptPrinterTimeoutError(f"DLE EOT {n}: no answer from {self.url} in"
                                         f" {self.timeout_s} s")

    def _guarded(self, call):
        """Run `call` on an open stream; map and record failures (see the module docstring)."""
        self.open()
        try:
            result = call()
        except TransportError as exc:
            self._fail(exc)
            raise ReceiptPrinterConnectionError(f"{self.url}: {exc}") from exc
        except (ReceiptPrinterTimeoutError, ReceiptPrinterProtocolError) as exc:
            self._fail(exc)
            if not self.url.startswith("socket://"):  # a new TCP connection gets no late bytes
                self._resync_s = self.timeout_s
            raise
        return result  # NotReadyError passes through: the stream is fine, the state is set

    def _fail(self, exc: Exception) -> None:
        self._drop()
        self.last_status = None
        self._set_state(ReceiptPrinterState.ERROR, str(exc))

    def _drop(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            close_transport(port)

    def _set_state(self, state: ReceiptPrinterState, detail: str) -> None:
        if state is not self._state:
            self._state = state
            self._on_state(state, detail)


def _state_of(status: ReceiptPrinterStatus) -> ReceiptPrinterState:
    if not status.ready:
        return ReceiptPrinterState.NOT_READY
    if status.paper is PaperStatus.NEAR_END:
        return ReceiptPrinterState.PAPER_LOW
    return ReceiptPrinterState.READY
