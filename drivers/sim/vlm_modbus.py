"""A Modbus TCP VLM simulator: a real pymodbus server running the register handshake.

It serves the holding registers of `drivers.vlm.modbus_map.RegisterMap` on 127.0.0.1 with
pymodbus's server (its own thread and event loop) and plays the controller's side of the
handshake documented there:

- a write with a new TASK_ID and COMMAND pick/put/count: ACK_TASK_ID, BUSY at once,
  TRAY_PRESENT after `travel_s`, DONE with CONFIRMED_QTY when the operator confirms
  (`confirm()`, or automatically `operator_s` after arrival; the quantity is the one given to
  `confirm()`, else `confirm_qty`, else the quantity asked for);
- COMMAND release: BUSY while the tray goes back (`travel_s`), then READY with TRAY_PRESENT,
  DONE, CURRENT_TRAY and CONFIRMED_QTY cleared; with no tray out, done at once;
- rejections set ERROR and ERROR_CODE: `fail_next(code)` (default 1), 2 a tray is already
  out, 3 not ready (`set_ready(False)`), 4 unknown command. The next accepted task clears them.
- writes into the status block are refused (Modbus exception 2, illegal address), and so are
  function codes other than 3, 6 and 16 (exception 1).

Faults at the packet level: `dont_answer(n)` sends nothing for the next n requests,
`answer_garbage(n)` sends bytes that are not Modbus, `slow(s)` delays every answer,
`drop_connection()` closes every client connection.

Run it as a process: `python -m drivers.sim.vlm_modbus --listen tcp:0` prints the device URL
(`modbus://127.0.0.1:PORT?unit=1`) on its first stdout line, then reads control lines from
stdin (`help` lists them).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from dataclasses import replace
from functools import partial

from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import SimData, SimDevice
from pymodbus.simulator.simutils import DataType

from drivers.sim.base import FaultCounters, StopOnExit
from drivers.sim.cli import FAULT_HELP, listen_parser, parse_args, serve, switch, tray_control
from drivers.vlm.modbus_map import (
    REQUEST_FIELDS,
    STATUS_FIELDS,
    ControllerStatus,
    RegisterMap,
    Request,
    decode_request,
    encode_status,
)

__all__ = ["SimModbusVlm", "main"]

GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r\n"
ERR_GENERIC, ERR_TRAY_OUT, ERR_NOT_READY, ERR_COMMAND = 1, 2, 3, 4


class SimModbusVlm(FaultCounters, StopOnExit):
    """Simulated Modbus VLM controller; `url` is `modbus://127.0.0.1:PORT?unit=N`."""

    def __init__(
        self, *, port: int = 0, unit: int = 1, register_map: RegisterMap | None = None,
        travel_s: float = 0.2, operator_s: float | None = None, confirm_qty: int | None = None,
    ) -> None:
        self.regs = register_map or RegisterMap()
        self.unit = unit
        self.travel_s = travel_s
        self.operator_s = operator_s
        self.confirm_qty = confirm_qty
        self.requests: list[Request] = []
        self.connections = 0
        self._cond = threading.Condition()
        self._host = [0] * len(REQUEST_FIELDS)
        self._status = ControllerStatus(ready=True, busy=False, present=False, done=False,
                                        error=False, ack_task_id=0)
        self._requested_qty = 0
        self._fail: list[int] = []
        self._status_addrs = {getattr(self.regs, n) for n in STATUS_FIELDS}
        self.port = 0  # the port actually listened on, once started
        self._server: ModbusTcpServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._run(port),),
                                        name="sim-vlm-modbus", daemon=True)
        self._thread.start()
        if not self._started.wait(5) or self._error is not None:
            raise RuntimeError(f"Modbus simulator did not start: {self._error}")
        self.url = f"modbus://127.0.0.1:{self.port}?unit={unit}"

    # --------------------------------------------------------------- control
    @property
    def status(self) -> ControllerStatus:
        """The status block as the controller shows it now."""
        with self._cond:
            return self._status

    def confirm(self, qty: int | None = None) -> bool:
        """Let the operator confirm the tray at the opening; False if none is waiting."""
        with self._cond:
            return self._confirm(self._status.ack_task_id, qty)

    def set_ready(self, ready: bool) -> None:
        """Switch the controller to automatic (True) or out of it (False: READY clear)."""
        with self._cond:
            self._set(ready=ready)

    def fail_next(self, code: int = ERR_GENERIC, n: int = 1) -> None:
        """Reject the next `n` tray tasks with ERROR_CODE `code`."""
        with self._cond:
            self._fail += [code] * n

    def drop_connection(self, timeout: float = 5.0) -> None:
        """Close every client connection."""
        done = threading.Event()

        def drop() -> None:
            for conn in list(self._server.active_connections.values()):
                conn.close()
            done.set()

        self._loop.call_soon_threadsafe(drop)
        if not done.wait(timeout):
            raise TimeoutError("drop not done in time")

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` tasks in all have been received."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.requests) >= count, timeout)

    def stop(self) -> None:
        """Stop the server and its thread (idempotent)."""
        if self._loop is not None and self._thread.is_alive():
            future = asyncio.run_coroutine_threadsafe(self._server.shutdown(), self._loop)
            future.result(5)
        self._thread.join(5)

    # --------------------------------------------------------------- server
    async def _run(self, port: int) -> None:
        try:
            size = max(getattr(self.regs, n) for n in REQUEST_FIELDS + STATUS_FIELDS) + 1
            device = SimDevice(self.unit, simdata=[SimData(0, count=size, values=0,
                                                           datatype=DataType.REGISTERS)],
                               action=self._action)
            self._server = ModbusTcpServer(device, address=("127.0.0.1", port),
                                           trace_packet=self._trace,
                                           trace_connect=self._connected)
            await self._server.serve_forever(background=True)
            self.port = self._server.transport.sockets[0].getsockname()[1]
            self._loop = asyncio.get_running_loop()
        except BaseException as exc:  # reported to the constructor
            self._error = exc
            self._started.set()
            raise
        self._started.set()
        await self._server.serving

    async def _action(self, fc, start, address, count, registers, values):
        """Run the handshake on every request, then show the status block (loop thread)."""
        if self._delay_s:
            await asyncio.sleep(self._delay_s)
        if fc not in (3, 6, 16):
            return ExcCodes.ILLEGAL_FUNCTION
        with self._cond:
            if values is not None:
                span = range(address, address + len(values))
                if self._status_addrs.intersection(span):
                    return ExcCodes.ILLEGAL_ADDRESS
                for addr, value in zip(span, values, strict=True):
                    if 0 <= addr - self.regs.request_start < len(self._host):
                        self._host[addr - self.regs.request_start] = value
                self._on_write()
            first = self.regs.status_start - start
            registers[first : first + self.regs.status_count] = encode_status(
                self.regs, self._status)
        return None

    def _trace(self, sending: bool, data: bytes) -> bytes:
        if sending:
            with self._cond:
                if self._take_silence():
                    return b""
                if self._take_garbage():
                    return GARBAGE
        return data

    def _connected(self, connect: bool) -> None:
        with self._cond:
            self.connections += connect
            self._cond.notify_all()

    # ------------------------------------------------------------- handshake
    def _set(self, **changes: object) -> None:
        self._status = replace(self._status, **changes)

    def _on_write(self) -> None:
        request = decode_request(self.regs, list(self._host))
        st, regs = self._status, self.regs
        if request.command == 0 or request.task_id in (0, st.ack_task_id):
            return  # no task, or the same task written again
        self.requests.append(request)
        self._cond.notify_all()
        task = request.task_id
        if request.command == regs.cmd_release:
            if not (st.busy or st.present):
                self._set(ack_task_id=task, error=False, error_code=0)
                return
            self._set(ack_task_id=task, busy=True, present=False, done=False, error=False,
                      error_code=0)
            self._loop.call_later(self.travel_s, self._locked, self._back, task)
            return
        if request.command not in (regs.cmd_pick, regs.cmd_put, regs.cmd_count):
            code = ERR_COMMAND
        elif not st.ready:
            code = ERR_NOT_READY
        elif st.busy or st.present:
            code = ERR_TRAY_OUT
        elif self._fail:
            code = self._fail.pop(0)
        else:
            self._requested_qty = request.quantity
            self._set(ack_task_id=task, busy=True, error=False, error_code=0,
                      current_tray=request.tray, confirmed_qty=0)
            self._loop.call_later(self.travel_s, self._locked, self._arrive, task)
            return
        self._set(ack_task_id=task, error=True, error_code=code)

    def _locked(self, action, task: int) -> None:
        with self._cond:
            action(task)

    def _arrive(self, task: int) -> None:
        if self._status.ack_task_id == task and self._status.busy:
            self._set(busy=False, present=True)
            if self.operator_s is not None:
                self._loop.call_later(self.operator_s, self._locked, self._confirm, task)

    def _confirm(self, task: int, qty: int | None = None) -> bool:
        st = self._status
        if st.ack_task_id != task or not st.present or st.done:
            return False
        if qty is None:
            qty = self.confirm_qty if self.confirm_qty is not None else self._requested_qty
        self._set(done=True, confirmed_qty=qty)
        return True

    def _back(self, task: int) -> None:
        if self._status.ack_task_id == task and self._status.busy:
            self._set(busy=False, current_tray=0, confirmed_qty=0)


HELP = f"""\
confirm [QTY] | qty N|auto | fail [CODE] | ready on|off | {FAULT_HELP}
travel SECONDS | status | help | quit"""


def _control(sim: SimModbusVlm, words: list[str], _line: str = "") -> str | None:
    """Apply one control line; return the answer to print (None: unknown)."""
    name, args = words[0], words[1:]
    if name == "ready":
        sim.set_ready(switch(args))
        return "ok"
    if name == "status":
        return f"ok {sim.status}"
    return tray_control(sim, name, args, fail_code=ERR_GENERIC)


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = listen_parser("vlm_modbus", __doc__, listen_help="tcp:PORT (0: any free port)")
    parser.add_argument("--unit", type=int, default=1, help="Modbus unit (device) id")
    parser.add_argument("--travel", type=float, default=1.0, help="tray travel time, s")
    parser.add_argument("--operator", type=float, default=None,
                        help="confirm automatically this long after arrival, s")
    parser.add_argument("--qty", type=int, default=None, help="quantity the operator confirms")
    args, kind, port = parse_args(parser, argv)
    if kind == "pty":
        parser.error("--listen must be tcp:PORT (Modbus TCP has no pty mode)")
    sim = SimModbusVlm(port=port, unit=args.unit, travel_s=args.travel,
                       operator_s=args.operator, confirm_qty=args.qty)
    return serve(sim, partial(_control, sim), HELP)


if __name__ == "__main__":
    sys.exit(main())
