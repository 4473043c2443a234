"""Drive a VLM through the generic Modbus TCP register handshake (`drivers.vlm.modbus_map`).

`ModbusVlm` talks to `modbus://HOST[:PORT][?unit=N]` with pymodbus's synchronous client.
Each request has its own timeout (`request_timeout_s`, no retries, so deadlines hold); the
waits poll the status block every `poll_interval_s` until their own deadline. The flow is
the one of `drivers.vlm.base`: `call_tray` writes the task and waits until the controller
acknowledges it (ACK_TASK_ID), `wait_tray_present`/`wait_confirmation` poll TRAY_PRESENT and
DONE, `release_tray` writes a release task and waits until the tray is back.

pymodbus errors map into the VLM family: no connection → `VlmConnectionError`; no answer in
time → `VlmTimeoutError`; an answer that is not Modbus (protocol id not 0, wrong unit), a
Modbus exception response (illegal address: a wrong register map) or an inconsistent status
block → `VlmProtocolError`; the ERROR bit for our task → `VlmRejectedError` with the
controller's ERROR_CODE. After a timeout or garbage the socket is closed, so a late answer
can never be taken for the next request's; the next call reconnects.

Before writing a task the controller must be READY with no tray open or moving
(`VlmStateError` otherwise). As with every adapter, once a task was written a failure leaves
the call open: call `release_tray()` before calling another tray.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from pymodbus.client import ModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

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
from drivers.vlm.modbus_map import (
    ControllerStatus,
    RegisterMap,
    Request,
    decode_status,
    encode_request,
    parse_modbus_url,
)

__all__ = ["ModbusVlm"]

log = logging.getLogger(__name__)


class ModbusVlm(AdapterBase):
    """A VLM controller behind a Modbus TCP register map (see the module docstring)."""

    def __init__(
        self, url: str, *, register_map: RegisterMap | None = None, timeout_s: float = 2.0,
        request_timeout_s: float = 0.5, poll_interval_s: float = 0.05,
        error_meanings: Mapping[int, str] | None = None,
    ) -> None:
        self.url = url
        self.address = parse_modbus_url(url)
        self.regs = register_map or RegisterMap()
        self.timeout_s = timeout_s
        self.request_timeout_s = request_timeout_s
        self.poll_interval_s = poll_interval_s
        self.error_meanings = dict(error_meanings or {})
        self._client: ModbusTcpClient | None = None
        self._lock = threading.RLock()
        self._states = StateKeeper()
        self._call: TrayCall | None = None
        self._last: ControllerStatus | None = None
        self._next_task = 0  # set from the controller's ACK_TASK_ID on connect
        self._releasing = False
        self._garbage = b""
        self._last_error = ""

    # ------------------------------------------------------------- connection
    def open(self) -> None:
        """Connect (no-op if connected); `VlmConnectionError` if the controller is unreachable."""
        with self._lock:
            if self._client is not None:
                return
            client = ModbusTcpClient(
                self.address.host, port=self.address.port, timeout=self.request_timeout_s,
                retries=0, trace_packet=self._trace,
            )
            if not client.connect():
                client.close()
                raise VlmConnectionError(f"cannot connect to {self.url}")
            self._client = client
            status = self._read_status()
            if not self._next_task:  # continue after the controller's last task
                self._next_task = status.ack_task_id

    def close(self) -> None:
        """Close the connection (no-op if closed); an open call is kept."""
        with self._lock:
            client, self._client = self._client, None
            if client is not None:
                client.close()
            self._update_state()

    # ---------------------------------------------------------------- the flow
    def call_tray(self, location: TrayLocation, *, timeout_s: float | None = None) -> TrayCall:
        """Write the task for `location`; wait until the controller acknowledges it."""
        with self._lock:
            if self._call is not None:
                raise VlmStateError(f"tray {self._call.location.carrier} (task "
                                    f"{self._call.task_id}) is still open; release it first")
            status = self._status_now()
            if not status.ready:
                raise VlmStateError(f"{self.url}: controller not ready")
            if status.busy or status.present:
                raise VlmStateError(f"{self.url}: tray {status.current_tray} is open or moving "
                                    f"(task {status.ack_task_id}); release it first")
            command = {Operation.PICK: self.regs.cmd_pick, Operation.PUT: self.regs.cmd_put,
                       Operation.COUNT: self.regs.cmd_count}[location.operation]
            task_id = self._new_task_id()
            self._write(Request(task_id, command, location.carrier, location.pos_x or 0,
                                location.pos_y or 0, location.quantity))
            self._call = TrayCall(str(task_id), location, accepted=False)
            status = self._poll(self._deadline(timeout_s), lambda s: s.ack_task_id == task_id)
            self._check_rejection(status)
            if status.ack_task_id != task_id:
                raise VlmTimeoutError(f"task {task_id}: not acknowledged by {self.url} in time")
            self._call = TrayCall(str(task_id), location, accepted=True)
            self._update_state()
            return self._call

    def wait_tray_present(self, timeout_s: float) -> bool:
        """Poll until the called tray is at the opening; False on timeout."""
        with self._lock:
            self._open_call()
            status = self._poll(time.monotonic() + timeout_s, lambda s: self._ours(s) and (
                s.present or s.error))
            self._check_rejection(status)
            return self._ours(status) and status.present

    def tray_present(self) -> bool:
        """Return whether the called tray is at the opening (one status read)."""
        with self._lock:
            if self._call is None:
                return False
            return self.wait_tray_present(0.0)

    def wait_confirmation(self, timeout_s: float) -> Confirmation | None:
        """Poll until the operator confirmed (DONE); None on timeout."""
        with self._lock:
            call = self._open_call()
            status = self._poll(time.monotonic() + timeout_s, lambda s: self._ours(s) and (
                s.done or s.error))
            self._check_rejection(status)
            if not (self._ours(status) and status.done):
                return None
            return Confirmation(call.task_id, status.confirmed_qty, call.location.quantity)

    def release_tray(self, *, timeout_s: float | None = None) -> None:
        """Write a release task; wait until the tray is back (BUSY and TRAY_PRESENT clear)."""
        with self._lock:
            self._status_now()  # fails before anything is written if the line is down
            task_id = self._new_task_id()
            self._write(Request(task_id, self.regs.cmd_release))
            self._releasing = True
            try:
                status = self._poll(self._deadline(timeout_s), lambda s: s.ack_task_id == task_id
                                    and (s.error or not (s.busy or s.present)))
            finally:
                self._releasing = False
            if status.ack_task_id == task_id and status.error:
                raise self._rejected(status, "release")
            if status.ack_task_id != task_id or status.busy or status.present:
                self._update_state()
                raise VlmTimeoutError(f"release task {task_id}: tray not back in time")
            self._call = None
            self._update_state()

    def ping(self) -> None:
        """Read the status block once (raises if the controller does not answer)."""
        with self._lock:
            self._status_now()

    def status(self) -> VlmStatus:
        """Return a snapshot of the state (no I/O)."""
        return VlmStatus(self.state, self._call, self._last_error)

    # ----------------------------------------------------------------- helpers
    def _new_task_id(self) -> int:
        self._next_task = self._next_task % 0xFFFF + 1  # 1..65535; 0 means "no task"
        return self._next_task

    def _open_call(self) -> TrayCall:
        if self._call is None:
            raise VlmStateError("no tray has been called")
        return self._call

    def _ours(self, status: ControllerStatus) -> bool:
        return self._call is not None and str(status.ack_task_id) == self._call.task_id

    def _check_rejection(self, status: ControllerStatus) -> None:
        if self._ours(status) and status.error:
            carrier = self._call.location.carrier
            self._call = None
            self._update_state()
            raise self._rejected(status, f"tray {carrier}")

    def _rejected(self, status: ControllerStatus, what: str) -> VlmRejectedError:
        meaning = self.error_meanings.get(status.error_code, "")
        self._last_error = (f"{what}: task {status.ack_task_id} rejected with error code "
                            f"{status.error_code}" + (f" ({meaning})" if meaning else ""))
        return VlmRejectedError(self._last_error, code=status.error_code, meaning=meaning,
                                task_id=str(status.ack_task_id))

    def _poll(
        self, deadline: float, done: Callable[[ControllerStatus], bool]
    ) -> ControllerStatus:
        """Read the status block until `done(status)` or the deadline; return the last one."""
        while True:
            status = self._status_now()
            remaining = deadline - time.monotonic()
            if done(status) or remaining <= 0:
                return status
            time.sleep(min(self.poll_interval_s, remaining))  # Modbus has no push: poll

    def _status_now(self) -> ControllerStatus:
        self.open()
        return self._read_status()

    def _read_status(self) -> ControllerStatus:
        regs = self.regs
        response = self._execute(
            "read status", lambda c: c.read_holding_registers(
                regs.status_start, count=regs.status_count, device_id=self.address.unit)
        )
        try:
            status = decode_status(regs, list(response.registers))
        except VlmProtocolError as exc:
            self.close()
            raise VlmProtocolError(f"{self.url}: {exc}") from None
        self._last = status
        self._update_state()
        return status

    def _write(self, request: Request) -> None:
        start, values = encode_request(self.regs, request)
        self._execute(f"write task {request.task_id}", lambda c: c.write_registers(
            start, values, device_id=self.address.unit))

    def _execute(self, what: str, call: Callable[[ModbusTcpClient], object]):
        """Run one pymodbus request; map every failure into the VLM family."""
        self.open()
        self._garbage = b""
        try:
            response = call(self._client)
        except ConnectionException as exc:
            self.close()
            raise VlmConnectionError(f"{self.url}: {what}: connection lost ({exc})") from None
        except ModbusIOException as exc:
            self.close()  # a late answer must not be read as the next request's
            if self._garbage:
                raise VlmProtocolError(
                    f"{self.url}: {what}: not a Modbus answer: {self._garbage[:16]!r}"
                ) from None
            raise VlmTimeoutError(f"{self.url}: {what}: no answer in time ({exc})") from None
        except (ModbusException, OSError) as exc:
            self.close()
            raise VlmConnectionError(f"{self.url}: {what}: {exc}") from None
        if response.isError():
            code = getattr(response, "exception_code", "?")
            raise VlmProtocolError(f"{self.url}: {what}: Modbus exception code {code}")
        return response

    def _trace(self, sending: bool, data: bytes) -> bytes:
        """Note received bytes that cannot be Modbus TCP (pymodbus only reports a timeout)."""
        if not sending and len(data) >= 7 and (data[2:4] != b"\0\0"
                                               or data[6] != self.address.unit):
            self._garbage = data
        return data

    def _update_state(self) -> None:
        last = self._last
        if self._client is None:
            state = VlmState.DISCONNECTED
        elif self._releasing:
            state = VlmState.RELEASING
        elif self._call is not None and last is not None and self._ours(last):
            state = (VlmState.CONFIRMED if last.done else VlmState.PRESENT if last.present
                     else VlmState.CALLING)
        elif self._call is not None:
            state = VlmState.CALLING
        elif last is None or not last.ready:
            state = VlmState.FAULT
        else:
            state = VlmState.IDLE
        self._states.set(state)
