"""Talk to a ZPL II label printer: status with a deadline, and print only when it can print.

`ZplPrinter` owns one transport: raw TCP (`socket://host:9100`), a serial port or a pty.

- Every call opens the stream if it is not open, so after a lost connection the *next* call
  reconnects; the call that saw the loss raised `LabelPrinterConnectionError`.
- `status()` drops stale input, sends `~HS` (and `~HQES` with `extended_status=True`) and
  reads the STX...ETX frames before `timeout_s` (`LabelPrinterTimeoutError` otherwise, never
  a hang). Garbage raises `LabelPrinterProtocolError` at once. Frames that answer the other
  query (a late reply) are skipped. After a timeout or a protocol error the stream is closed,
  so that a reply still on its way is not taken for the next one; the next call reconnects.
  (A serial line has no connection to close: status replies carry no request id, so a
  reply later than its deadline can still be read as the next query's, once.)
  With `extended_status=True`, a `~HS` that times out is followed by `~HQES`, because some
  firmware stays silent to `~HS` while in a fault; the status then comes from `~HQES` alone
  (so a status call may take up to twice `timeout_s`).
- `print_label()` checks the job (`LabelJobError`), asks for the status and refuses with
  `LabelPrinterNotReadyError` (`job_sent=False`) if the printer cannot print, sends the job,
  then asks again: a problem there raises `LabelPrinterNotReadyError` with `job_sent=True`
  (the printer holds the job and prints it once the problem is cleared, or `cancel_all()`
  drops it). Bytes accepted by a printer are not a printed label: only the second status
  says it did not stop, and only as of that moment (a roll can still run out mid-batch).
  Any `LabelPrinterError` raised once the job may have left has `job_sent=True`.

Every (re)connect goes through `opener` (`open_transport`, or another with its signature,
e.g. a byte monitor's). Calls are serialised by a lock; `on_printer_state_changed(old, new)`
runs on the calling thread with the lock held, so it must be quick and must not wait for
another thread that uses this printer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from drivers.label_printer.errors import (
    LabelPrinterConnectionError,
    LabelPrinterError,
    LabelPrinterNotReadyError,
    LabelPrinterProtocolError,
    LabelPrinterTimeoutError,
)
from drivers.label_printer.protocol import (
    CANCEL_ALL,
    EXTENDED_STATUS,
    HOST_STATUS,
    PAUSE,
    RESUME,
    ExtendedStatus,
    HostStatus,
    is_extended_frame,
    parse_extended_status,
    parse_host_status_frames,
    scan_frames,
    set_quantity,
    split_formats,
)
from drivers.label_printer.status import PrinterState, PrinterStatus
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

__all__ = ["PrintResult", "ZplPrinter"]

log = logging.getLogger(__name__)

StateListener = Callable[[PrinterState, PrinterState], None]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What `print_label` sent, and the printer's status before and after (None unchecked)."""

    formats: int
    copies: int
    bytes_sent: int
    before: PrinterStatus | None = None
    after: PrinterStatus | None = None

    @property
    def confirmed(self) -> bool:
        """True when the status after sending showed nothing that stops printing."""
        return self.after is not None and self.after.ready

    @property
    def queued(self) -> int:
        """Formats still in the printer's receive buffer after sending (0 if unchecked)."""
        return self.after.formats_in_buffer if self.after is not None else 0


class ZplPrinter:
    """A ZPL II printer at a pyserial URL (thread-safe); see the module docstring."""

    def __init__(
        self, url: str, *, timeout_s: float = 2.0, baudrate: int = 9600,
        extended_status: bool = False, write_timeout_s: float = 10.0,
        max_reply_bytes: int = 4096, on_printer_state_changed: StateListener | None = None,
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.baudrate = baudrate
        self.extended_status = extended_status
        self.write_timeout_s = write_timeout_s
        self.max_reply_bytes = max_reply_bytes
        self.on_printer_state_changed = on_printer_state_changed
        self._opener = opener
        self._port = None
        self._state = PrinterState.DISCONNECTED
        self._lock = threading.RLock()

    # ------------------------------------------------------------- connection
    @property
    def is_open(self) -> bool:
        """True while a stream to the printer is open."""
        return self._port is not None

    @property
    def state(self) -> PrinterState:
        """The last state seen: from the last status, ERROR or DISCONNECTED after a failure."""
        return self._state

    def open(self) -> None:
        """Open the stream (no-op if open); raise `LabelPrinterConnectionError` if it cannot be."""
        with self._lock:
            if self._port is not None:
                return
            try:
                self._port = self._opener(self.url, baudrate=self.baudrate, timeout=0.05,
                                          write_timeout=self.write_timeout_s)
            except TransportError as exc:
                self._set_state(PrinterState.DISCONNECTED)
                raise LabelPrinterConnectionError(str(exc)) from exc

    def close(self) -> None:
        """Close the stream (no-op if closed)."""
        with self._lock:
            port, self._port = self._port, None
            if port is not None:
                close_transport(port)

    def __enter__(self) -> ZplPrinter:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---------------------------------------------------------------- queries
    def status(self) -> PrinterStatus:
        """Ask the printer for its status (`~HS`, plus `~HQES` if `extended_status`)."""
        with self._lock:
            try:
                host = self._query_host()
            except LabelPrinterTimeoutError:
                if not self.extended_status:
                    raise
                status = PrinterStatus.from_replies(None, self._query_extended())
            else:
                extended = self._query_extended() if self.extended_status else None
                status = PrinterStatus.from_replies(host, extended)
            self._set_state(status.state)
            return status

    def host_status(self) -> HostStatus:
        """Return the raw `~HS` reply, parsed."""
        with self._lock:
            return self._query_host()

    def query_extended_status(self) -> ExtendedStatus:
        """Return the raw `~HQES` reply, parsed (not every firmware answers it)."""
        with self._lock:
            return self._query_extended()

    # --------------------------------------------------------------- printing
    def print_label(
        self, zpl: bytes | str, *, copies: int = 1, check: bool = True
    ) -> PrintResult:
        """Send a label job of `^XA...^XZ` formats, each printed `copies` times.

        With `check` (the default) the status is asked before and after sending; see the
        module docstring for what is refused and what is raised.
        """
        formats = [set_quantity(fmt, copies) for fmt in split_formats(zpl)]
        payload = b"".join(formats)
        with self._lock:
            before = self.status() if check else None
            if before is not None and not before.ready:
                raise LabelPrinterNotReadyError(before)
            self._send(payload, "label job")
            try:
                after = self.status() if check else None
            except LabelPrinterError as exc:
                exc.job_sent = True
                raise
            if after is not None and not after.ready:
                raise LabelPrinterNotReadyError(after, job_sent=True)
        return PrintResult(len(formats), copies, len(payload), before, after)

    def cancel_all(self) -> None:
        """Drop every format the printer holds in its buffer (`~JA`)."""
        self._send(CANCEL_ALL, "~JA")

    def pause(self) -> None:
        """Pause printing (`~PP`); formats received meanwhile are held."""
        self._send(PAUSE, "~PP")

    def resume(self) -> None:
        """Leave pause (`~PS`); held formats print if nothing else is wrong."""
        self._send(RESUME, "~PS")

    # ----------------------------------------------------------------- helpers
    def _set_state(self, state: PrinterState) -> None:
        old, self._state = self._state, state
        if old is not state and self.on_printer_state_changed is not None:
            try:
                self.on_printer_state_changed(old, state)
            except Exception:  # a broken listener must not break the printer
                log.exception("on_printer_state_changed failed")

    def _send(self, data: bytes, what: str) -> None:
        with self._lock:
            self.open()
            try:
                write_all(self._port, data)
            except TransportError as exc:
                self.close()
                self._set_state(PrinterState.DISCONNECTED)
                error = LabelPrinterConnectionError(f"{what}: {exc}")
                error.job_sent = True  # part of it may have left
                raise error from exc

    def _query_host(self) -> HostStatus:
        return self._ask(HOST_STATUS, False, parse_host_status_frames)

    def _query_extended(self) -> ExtendedStatus:
        return self._ask(EXTENDED_STATUS, True, lambda frames: parse_extended_status(frames[0]))

    def _ask(self, query: bytes, extended: bool, parse: Callable[[list[bytes]], T]) -> T:
        """Send `query`, read the frames of its reply and return them parsed."""
        name = query.decode("ascii")
        deadline = time.monotonic() + self.timeout_s
        self.open()
        try:
            discard_input(self._port)
            write_all(self._port, query)
            return parse(self._read_frames(name, extended, deadline))
        except TransportError as exc:
            self.close()
            self._set_state(PrinterState.DISCONNECTED)
            raise LabelPrinterConnectionError(f"{name}: {exc}") from exc
        except (LabelPrinterTimeoutError, LabelPrinterProtocolError):
            self.close()
            self._set_state(PrinterState.ERROR)
            raise

    def _read_frames(self, name: str, extended: bool, deadline: float) -> list[bytes]:
        """Read frames one at a time until the reply is complete; later bytes are not looked at."""
        count = 1 if extended else 3
        buf = bytearray()
        pos = 0
        mine: list[bytes] = []
        while True:
            frames, used = scan_frames(bytes(buf[pos:]), stop_after=1)
            if frames:
                pos += used
                if is_extended_frame(frames[0]) == extended:  # else a late reply: skip it
                    mine.append(frames[0])
                    if len(mine) == count:
                        return mine
                continue
            if len(buf) > self.max_reply_bytes:
                raise LabelPrinterProtocolError(f"{name}: no complete reply in {len(buf)} bytes")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = f"; partial reply {bytes(buf[:64])!r}" if buf else ""
                raise LabelPrinterTimeoutError(
                    f"{name}: no reply from {self.url} in {self.timeout_s} s{got}")
            buf += read_available(self._port, limit=self.max_reply_bytes, wait_s=remaining)
