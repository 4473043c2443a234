"""Drive a Kardex VLM over JMIF-style telegrams: tasks out, echoes in, a deadline on each wait.

`KardexVlm` owns one transport (any pyserial URL: `socket://host:port` for the controller's
TCP host port, `/dev/ttyUSB0` for a serial line). The controller answers each task with one
or more echoes carrying the task id (`drivers.vlm.kardex`):

- a tray call (`call_tray`) sends a get/put/count task; `201`/`202` acknowledge it, `203`
  reports the tray at the opening, `0` the operator's confirmation with the quantity, any
  error code rejects it (`VlmRejectedError`; the call is closed);
- `release_tray` sends a release task (carrier 0); its `0` echo closes the call;
- `ping` sends the dialect's ping task (61 in the `|` layout); without one it only checks
  that the connection is up.

Every read has a deadline. Echoes are routed by task id whichever call reads them, so an
arrival read while pinging is not lost; echoes for unknown ids (late answers to released or
abandoned tasks) are stale and skipped (`stale_replies` counts them). NUL bytes, which some
gateways pad telegrams with, are ignored. A line that is not a telegram raises
`VlmProtocolError`; the connection stays up.

The connection is checked before each task is sent: a lost connection raises
`VlmConnectionError` *before* anything is sent, and the next call reconnects. Once a task
has been written, a later failure (timeout, connection lost) leaves the call open: the
controller may have it, so call `release_tray()` (idempotent) before calling another tray.

With `expect_ack=False` (controllers configured to answer only `0`), `call_tray` returns as
soon as the task is written. Calls are serialised by a lock. Every (re)connect goes through
`opener` (`open_transport`, or another with its signature, e.g. a byte monitor's).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from drivers.transport import (
    TransportError,
    close_transport,
    open_transport,
    read_available,
    write_all,
)
from drivers.vlm.base import (
    AdapterBase,
    Confirmation,
    Operation,
    StateKeeper,
    TrayCall,
    TrayLocation,
    VlmState,
    VlmStatus,
)
from drivers.vlm.errors import (
    VlmConnectionError,
    VlmProtocolError,
    VlmRejectedError,
    VlmStateError,
    VlmTimeoutError,
)
from drivers.vlm.kardex import (
    OK,
    RESULT_ARRIVED,
    Dialect,
    TaskCodes,
    Telegram,
    dialect_named,
    encode_task,
    is_error,
    is_progress,
    parse_reply,
    result_meaning,
)

if TYPE_CHECKING:
    import serial

__all__ = ["KardexVlm"]

log = logging.getLogger(__name__)


@dataclass
class _OpenCall:
    task: Telegram
    location: TrayLocation
    accepted: bool = False
    present: bool = False
    confirmation: Confirmation | None = None


class KardexVlm(AdapterBase):
    """A Kardex VLM controller at a pyserial URL (see the module docstring)."""

    def __init__(
        self, url: str, *, dialect: str | Dialect = "jmif", codes: TaskCodes | None = None,
        address: str = "", baudrate: int = 9600, timeout_s: float = 2.0, expect_ack: bool = True,
        task_id_start: int | None = None, max_line_bytes: int = 4096,
        opener: Callable[..., serial.SerialBase] = open_transport,
    ) -> None:
        self.url = url
        self.dialect = dialect_named(dialect)
        self.codes = codes or self.dialect.codes
        self.address = address
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self.expect_ack = expect_ack
        self.max_line_bytes = max_line_bytes
        self.stale_replies = 0
        # Ids from the clock, so a restarted station does not reuse the ids of its last run.
        start = task_id_start if task_id_start is not None else int(time.time()) % 10**6 * 1000
        self._ids = itertools.count(start)
        self._opener = opener
        self._port = None
        self._rx = bytearray()
        self._lock = threading.RLock()
        self._states = StateKeeper()
        self._call: _OpenCall | None = None
        self._rejection: VlmRejectedError | None = None
        self._awaiting: set[str] = set()
        self._answers: dict[str, Telegram] = {}
        self._releasing = False
        self._last_error = ""

    # ------------------------------------------------------------- connection
    def open(self) -> None:
        """Open the connection (no-op if open); `VlmConnectionError` if it cannot be opened."""
        with self._lock:
            if self._port is None:
                try:
                    self._port = self._opener(self.url, baudrate=self.baudrate)
                except TransportError as exc:
                    raise VlmConnectionError(str(exc)) from exc
                self._rx.clear()
            self._update_state()

    def close(self) -> None:
        """Close the connection (no-op if closed); an open call is kept."""
        with self._lock:
            port, self._port = self._port, None
            if port is not None:
                close_transport(port)
            self._update_state()

    # ---------------------------------------------------------------- the flow
    def call_tray(self, location: TrayLocation, *, timeout_s: float | None = None) -> TrayCall:
        """Send the get/put/count task for `location`; wait for the acknowledgement."""
        with self._lock:
            if self._call is not None:
                open_ = self._call
                raise VlmStateError(
                    f"tray {open_.location.carrier} (task {open_.task.task_id}) is still open;"
                    " release it first"
                )
            if self._rejection is not None:
                log.info("dropping an unreported rejection: %s", self._rejection)
                self._rejection = None
            self._drain()  # a lost connection fails here, before a task id is spent
            task = self._task_for(location)
            self._send(task)
            call = self._call = _OpenCall(task, location)
            self._update_state()
            if not self.expect_ack:
                return TrayCall(task.task_id, location, accepted=False)
            self._pump(self._deadline(timeout_s), lambda: call.accepted or self._call is not call)
            self._raise_rejection()
            if not call.accepted:
                raise VlmTimeoutError(f"task {task.task_id}: no acknowledgement from {self.url}")
            return TrayCall(task.task_id, location, accepted=True)

    def wait_tray_present(self, timeout_s: float) -> bool:
        """Wait until the called tray is at the opening; False on timeout."""
        with self._lock:
            call = self._open_call()
            self._pump(time.monotonic() + timeout_s, lambda: call.present or self._call is not call)
            self._raise_rejection()
            return call.present

    def tray_present(self) -> bool:
        """Return whether the called tray is at the opening (reads what has arrived)."""
        with self._lock:
            if self._call is None:
                self._raise_rejection()
                return False
            return self.wait_tray_present(0.0)

    def wait_confirmation(self, timeout_s: float) -> Confirmation | None:
        """Wait for the operator's confirmation; None on timeout."""
        with self._lock:
            call = self._open_call()
            self._pump(
                time.monotonic() + timeout_s,
                lambda: call.confirmation is not None or self._call is not call,
            )
            self._raise_rejection()
            return call.confirmation

    def release_tray(self, *, timeout_s: float | None = None) -> None:
        """Send the release task (carrier 0) and wait until the controller reports it done."""
        with self._lock:
            call = self._call
            code = self.codes.release
            if code is None:  # this layout releases with the open task's own code
                code = call.task.code if call else self.codes.pick
            address = call.task.address if call else self.address
            task = Telegram(code, self._next_id(), address, carrier=0, pos_x=0, pos_y=0,
                            carrier_next=0)
            # Detached while releasing: a late echo for it (e.g. `107` cancelled) is stale.
            self._call, self._releasing = None, True
            self._update_state()
            try:
                reply = self._request(task, timeout_s)
                if is_error(reply.code):
                    raise self._rejected(reply, "release")
                call = None
            finally:
                self._call, self._releasing = call, False
                self._update_state()

    def ping(self) -> None:
        """Send the ping task and wait for its answer; without one, check the connection."""
        with self._lock:
            if self.codes.ping is None:
                self._drain()
                return
            task = Telegram(self.codes.ping, f"ping{next(self._ids)}", self.address, carrier=0,
                            carrier_next=0)
            reply = self._request(task, None)
            if is_error(reply.code):
                raise self._rejected(reply, "ping")

    def status(self) -> VlmStatus:
        """Return a snapshot of the state (no I/O)."""
        with self._lock:
            call = self._call
            snapshot = TrayCall(call.task.task_id, call.location, call.accepted) if call else None
            return VlmStatus(self.state, snapshot, self._last_error)

    # ----------------------------------------------------------------- helpers
    def _task_for(self, location: TrayLocation) -> Telegram:
        code = {Operation.PICK: self.codes.pick, Operation.PUT: self.codes.put,
                Operation.COUNT: self.codes.count}[location.operation]
        return Telegram(
            code, self._next_id(), location.address or self.address, carrier=location.carrier,
            pos_x=location.pos_x, pos_y=location.pos_y, qty=location.quantity,
            article=location.article, description=location.description, order=location.order,
            note=location.note, carrier_next=0,
        )

    def _next_id(self) -> str:
        return str(next(self._ids))

    def _open_call(self) -> _OpenCall:
        if self._call is None:
            self._raise_rejection()
            raise VlmStateError("no tray has been called")
        return self._call

    def _request(self, task: Telegram, timeout_s: float | None) -> Telegram:
        """Send `task` and return its final (non-progress) echo."""
        self._send(task)
        self._awaiting.add(task.task_id)
        try:
            if not self._pump(self._deadline(timeout_s), lambda: task.task_id in self._answers):
                raise VlmTimeoutError(f"task {task.task_id}: no answer from {self.url} in time")
            return self._answers.pop(task.task_id)
        finally:
            self._awaiting.discard(task.task_id)
            self._answers.pop(task.task_id, None)

    def _send(self, task: Telegram) -> None:
        frame = encode_task(task, self.dialect)
        self._drain()  # reports a lost connection before the task goes into the void
        try:
            write_all(self._port, frame)
        except TransportError as exc:
            self._lost(exc)

    def _drain(self) -> None:
        """Route whatever has arrived; reconnect first if the connection was closed."""
        self.open()
        self._pump(time.monotonic(), lambda: False)

    def _pump(self, deadline: float, done: Callable[[], bool]) -> bool:
        """Read and route echoes until `done()` or the deadline; return `done()`."""
        self.open()
        while not done():
            line = self._next_line(deadline)
            if line is None:
                break
            self._route(parse_reply(line, self.dialect))
        return done()

    def _route(self, reply: Telegram) -> None:
        call = self._call
        if call is not None and reply.task_id == call.task.task_id:
            if is_error(reply.code):
                self._rejection = self._rejected(reply, f"tray {call.location.carrier}")
                self._call = None
            else:
                call.accepted = True
                call.present = call.present or reply.code in (RESULT_ARRIVED, OK)
                if reply.code == OK:
                    requested = call.location.quantity
                    qty = requested if reply.qty is None else reply.qty
                    call.confirmation = Confirmation(reply.task_id, qty, requested)
            self._update_state()
        elif reply.task_id in self._awaiting:
            if not is_progress(reply.code):
                self._answers[reply.task_id] = reply
        else:
            self.stale_replies += 1
            log.debug("%s: stale echo for task %s skipped", self.url, reply.task_id)

    def _rejected(self, reply: Telegram, what: str) -> VlmRejectedError:
        meaning = result_meaning(reply.code)
        self._last_error = f"{what}: task {reply.task_id} rejected with {reply.code} ({meaning})"
        return VlmRejectedError(self._last_error, code=reply.code, meaning=meaning,
                                task_id=reply.task_id)

    def _raise_rejection(self) -> None:
        rejection, self._rejection = self._rejection, None
        if rejection is not None:
            raise rejection

    def _next_line(self, deadline: float) -> bytes | None:
        """Return the next non-empty line without CR LF and NULs; None at the deadline."""
        while True:
            end = self._rx.find(b"\n")
            if end >= 0:
                line = bytes(self._rx[:end]).replace(b"\0", b"").removesuffix(b"\r")
                del self._rx[: end + 1]
                if line:
                    return line
                continue
            if len(self._rx) > self.max_line_bytes:
                head = bytes(self._rx[:32])
                self._rx.clear()
                raise VlmProtocolError(f"{self.url}: no line end in {self.max_line_bytes} bytes:"
                                       f" {head!r}...")
            remaining = deadline - time.monotonic()
            try:
                chunk = read_available(self._port, limit=self.max_line_bytes + 1,
                                       wait_s=max(remaining, 0.0))
            except TransportError as exc:
                self._lost(exc)
            if not chunk and remaining <= 0:
                return None
            self._rx += chunk

    def _lost(self, exc: TransportError) -> NoReturn:
        self.close()
        raise VlmConnectionError(f"{self.url}: {exc}") from exc

    def _update_state(self) -> None:
        if self._port is None:
            state = VlmState.DISCONNECTED
        elif self._releasing:
            state = VlmState.RELEASING
        elif self._call is None:
            state = VlmState.IDLE
        elif self._call.confirmation is not None:
            state = VlmState.CONFIRMED
        elif self._call.present:
            state = VlmState.PRESENT
        else:
            state = VlmState.CALLING
        self._states.set(state)
