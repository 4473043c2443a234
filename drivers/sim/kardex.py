"""A wire-level Kardex VLM simulator (JMIF-style telegrams) on a pty or loopback TCP.

It reads tasks in the layout of `drivers.vlm.kardex` (`--dialect jmif` or `jmif-pipe`) and
answers with echoes, like a controller with one opening and one operator:

- get/put/count task: `201` (accepted) at once, `203` (carrier arrived) after `travel_s`,
  then `0` with QTY = the confirmed quantity when the operator confirms (`confirm()`, or
  automatically `operator_s` after arrival). The quantity is the one given to `confirm()`,
  else `confirm_qty`, else the quantity asked for. A second task while a tray is out: `103`.
- release task (the release code, or carrier 0): the tray goes back; `0` after `travel_s`.
  An unconfirmed task is answered `107` (cancelled) first. With no tray out: `0` at once.
- ping task (61 in the `|` layout): `0` at once. Unknown task types: `108`.
- a line that is not a task cannot be echoed (no task id): it is counted and ignored.

Faults: `fail_next(code)` rejects the next tray task, `dont_answer(n)` ignores the next n
tasks (no echo, no action), `answer_garbage(n)` replaces the next n telegrams sent,
`slow(s)` delays every telegram, `drop_connection()` closes the client or hangs up the pty.
A task in progress goes on after a drop; later echoes go to whoever is connected then.

Run it as a process: `python -m drivers.sim.kardex --listen tcp:0` prints the URL on its first
stdout line, then reads control lines from stdin (`help` lists them).
"""

from __future__ import annotations

import heapq
import itertools
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from drivers.sim.base import FaultCounters, WireSimulator
from drivers.sim.cli import FAULT_HELP, listen_parser, parse_args, serve, tray_control
from drivers.sim.wire import Kind
from drivers.vlm.errors import VlmProtocolError
from drivers.vlm.kardex import DIALECTS, Dialect, Telegram, dialect_named, encode_reply, parse_task

__all__ = ["SimKardexVlm", "main"]

GARBAGE = b"\x15\xfe#?*GARBAGE*\xff\r\n"
_MAX_LINE = 4096


@dataclass
class _Tray:
    task: Telegram
    stage: str = "travelling"  # then "present", "confirmed"


class SimKardexVlm(FaultCounters, WireSimulator):
    """Simulated Kardex VLM controller; `url` is a pyserial URL for the driver."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, dialect: str | Dialect = "jmif",
        travel_s: float = 0.2, operator_s: float | None = None, confirm_qty: int | None = None,
        acknowledge: bool = True, announce_arrival: bool = True,
    ) -> None:
        super().__init__()
        self.dialect = dialect_named(dialect)
        self.travel_s = travel_s
        self.operator_s = operator_s
        self.confirm_qty = confirm_qty
        self.acknowledge = acknowledge
        self.announce_arrival = announce_arrival
        self.tasks_received: list[Telegram] = []
        self.garbage_received = 0
        self._tray: _Tray | None = None
        self._returning = False
        self._fail: list[int] = []
        self._lines: deque[bytes] = deque()
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._rx = bytearray()  # I/O thread only
        self._listen(kind, port, "kardex", on_data=self._on_data, worker=self._serve)

    # --------------------------------------------------------------- control
    def confirm(self, qty: int | None = None) -> bool:
        """Let the operator confirm the tray at the opening; False if none is waiting."""
        with self._cond:
            return self._tray is not None and self._confirm(self._tray, qty)

    @property
    def tray(self) -> tuple[int | None, str] | None:
        """(carrier, stage) of the tray out of the machine, or None."""
        with self._cond:
            return (self._tray.task.carrier, self._tray.stage) if self._tray else None

    def fail_next(self, code: int = 101, n: int = 1) -> None:
        """Reject the next `n` tray tasks with result `code`."""
        with self._cond:
            self._fail += [code] * n

    def wait_for_tasks(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` tasks in all have been received."""
        return self._wait_until(lambda: len(self.tasks_received) >= count, timeout)

    # ----------------------------------------------------------------- wire
    def _on_data(self, data: bytes) -> None:
        self._rx += data.replace(b"\0", b"")
        lines = []
        while (end := self._rx.find(b"\n")) >= 0:
            lines.append(bytes(self._rx[:end]).removesuffix(b"\r"))
            del self._rx[: end + 1]
        if len(self._rx) > _MAX_LINE:
            self._rx.clear()
            lines.append(b"\x00overlong")
        if lines:
            with self._cond:
                self._lines.extend(line for line in lines if line)
                self._cond.notify_all()

    def _serve(self) -> None:
        with self._cond:
            while not self._stopped:
                if self._lines:
                    self._handle(self._lines.popleft())
                    continue
                now = time.monotonic()
                if self._events and self._events[0][0] <= now:
                    heapq.heappop(self._events)[2]()
                    continue
                self._cond.wait(self._events[0][0] - now if self._events else None)

    def _later(self, delay: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._events, (time.monotonic() + delay, next(self._seq), action))
        self._cond.notify_all()

    def _handle(self, line: bytes) -> None:
        """Act on one task line (called with `_cond` held, on the worker)."""
        try:
            task = parse_task(line, self.dialect)
        except VlmProtocolError:
            self.garbage_received += 1
            return
        self.tasks_received.append(task)
        self._cond.notify_all()
        if self._take_silence():
            return
        codes = self.dialect.codes
        if codes.ping is not None and task.code == codes.ping:
            self._reply(task, 0)
        elif task.carrier == 0 or (codes.release is not None and task.code == codes.release):
            self._release(task)
        elif task.code not in (codes.pick, codes.put, codes.count):
            self._reply(task, 108)
        elif self._fail:
            self._reply(task, self._fail.pop(0))
        elif self._tray is not None or self._returning:
            self._reply(task, 103)
        else:
            tray = self._tray = _Tray(task)
            if self.acknowledge:
                self._reply(task, 201)
            self._later(self.travel_s, lambda: self._arrive(tray))

    def _arrive(self, tray: _Tray) -> None:
        if self._tray is not tray:
            return
        tray.stage = "present"
        if self.announce_arrival:
            self._reply(tray.task, 203)
        if self.operator_s is not None:
            self._later(self.operator_s, lambda: self._confirm(tray, None))

    def _confirm(self, tray: _Tray, qty: int | None) -> bool:
        if self._tray is not tray or tray.stage != "present":
            return False
        tray.stage = "confirmed"
        if qty is None:
            qty = self.confirm_qty if self.confirm_qty is not None else tray.task.qty or 0
        self._reply(replace(tray.task, qty=qty), 0)
        return True

    def _release(self, task: Telegram) -> None:
        tray, self._tray = self._tray, None
        if tray is None:
            self._reply(task, 0)
            return
        if tray.stage != "confirmed":
            self._reply(tray.task, 107)
        self._returning = True

        def back() -> None:
            self._returning = False
            self._reply(task, 0)

        self._later(self.travel_s, back)

    def _reply(self, task: Telegram, code: int) -> None:
        data = encode_reply(replace(task, code=code), self.dialect)
        if self._take_garbage():
            data = GARBAGE
        if self._delay_s:
            self._later(self._delay_s, lambda: self._server.send(data))
        else:
            self._server.send(data)


HELP = f"""\
confirm [QTY] | qty N|auto | fail [CODE] | {FAULT_HELP}
travel SECONDS | tasks | tray | help | quit"""


def _control(sim: SimKardexVlm, words: list[str], _line: str = "") -> str | None:
    """Apply one control line; return the answer to print (None: unknown)."""
    name, args = words[0], words[1:]
    if name == "tasks":
        return f"ok {len(sim.tasks_received)}"
    if name == "tray":
        tray = sim.tray
        return "ok none" if tray is None else f"ok {tray[0]} {tray[1]}"
    return tray_control(sim, name, args, fail_code=101)


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = listen_parser("kardex", __doc__)
    parser.add_argument("--dialect", default="jmif", choices=sorted(DIALECTS))
    parser.add_argument("--travel", type=float, default=1.0, help="tray travel time, s")
    parser.add_argument("--operator", type=float, default=None,
                        help="confirm automatically this long after arrival, s")
    parser.add_argument("--qty", type=int, default=None, help="quantity the operator confirms")
    args, kind, port = parse_args(parser, argv)
    sim = SimKardexVlm(kind, port=port, dialect=args.dialect, travel_s=args.travel,
                       operator_s=args.operator, confirm_qty=args.qty)
    return serve(sim, partial(_control, sim), HELP)


if __name__ == "__main__":
    sys.exit(main())
