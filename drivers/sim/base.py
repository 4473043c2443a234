"""The parts simulators share: start and stop on a `WireServer`, the connection, fault counters.

- `StopOnExit`: `with Sim(...) as sim:` stops the simulator at the end of the block.
- `FaultCounters`: `dont_answer(n)`, `answer_garbage(n)` and `slow(seconds)` for a simulator
  that guards its state with `_cond`; the simulator uses up the counters where its protocol
  has a reply (`_take_silence()`, `_take_garbage()`, `_wait_slow()`).
- `WireSimulator`: one `WireServer` (pty or loopback TCP) and an optional worker thread,
  with `on_pty()`/`on_tcp()`, `drop_connection()`, `wait_for_client()`, `connections` and an
  idempotent `stop()` that ends the worker before it closes the wire (a worker that is
  still sending must never write to a closed descriptor).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any, Self

from drivers.sim.wire import Kind, WireServer

__all__ = ["FaultCounters", "StopOnExit", "WireSimulator"]


class StopOnExit:
    """Stop the simulator when its `with` block ends."""

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class FaultCounters:
    """Fault injection shared by simulators that answer requests (guarded by `_cond`)."""

    _cond: threading.Condition
    _stopped = False
    _dont_answer = 0
    _garbage = 0
    _delay_s = 0.0

    def dont_answer(self, n: int = 1) -> None:
        """Stay silent for the next `n` requests."""
        with self._cond:
            self._dont_answer += n

    def answer_garbage(self, n: int = 1) -> None:
        """Send bytes that are not the protocol in place of the next `n` answers."""
        with self._cond:
            self._garbage += n

    def slow(self, seconds: float) -> None:
        """Delay every answer by `seconds` (0 for normal speed)."""
        with self._cond:
            self._delay_s = seconds

    def _take_silence(self) -> bool:
        """Use up one `dont_answer` (with `_cond` held); True: leave this request unanswered."""
        if self._dont_answer:
            self._dont_answer -= 1
            return True
        return False

    def _take_garbage(self) -> bool:
        """Use up one `answer_garbage` (with `_cond` held); True: answer with garbage."""
        if self._garbage:
            self._garbage -= 1
            return True
        return False

    def _wait_slow(self) -> bool:
        """Wait out `slow()` (with `_cond` held); True if the simulator stopped meanwhile."""
        return bool(self._delay_s) and self._cond.wait_for(lambda: self._stopped, self._delay_s)


class WireSimulator(StopOnExit):
    """A simulator serving one client at a time on a pty or loopback TCP (see the module)."""

    url: str
    _server: WireServer
    _worker: threading.Thread | None = None
    _inbox: queue.Queue[Any] | None = None  # a worker's queue: None in it means "stop"

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._stopped = False

    def _listen(
        self, kind: Kind, port: int, name: str, *, on_data: Callable[[bytes], None] | None = None,
        worker: Callable[[], None] | None = None,
    ) -> None:
        """Start serving on the wire, then the `worker` thread (state must be set up first)."""
        self._server = WireServer(kind, port=port, on_data=on_data, name=f"sim-{name}")
        self.url = self._server.url
        if worker is not None:
            self._worker = threading.Thread(target=worker, name=f"sim-{name}", daemon=True)
            self._worker.start()

    @classmethod
    def on_pty(cls, **kw: Any) -> Self:
        """Start a simulator on a new pty; `url` is a stable path to its slave end."""
        return cls("pty", **kw)

    @classmethod
    def on_tcp(cls, port: int = 0, **kw: Any) -> Self:
        """Start a simulator on 127.0.0.1:`port` (0: any free port); `url` is `socket://...`."""
        return cls("tcp", port=port, **kw)

    def drop_connection(self) -> None:
        """Close the TCP client, or hang up the pty (a new one appears at the same `url`)."""
        self._server.drop()

    def wait_for_client(self, min_connections: int = 1, timeout: float = 5.0) -> bool:
        """Wait until `min_connections` TCP clients have connected and one is connected now."""
        return self._server.wait_for_client(min_connections, timeout)

    @property
    def connections(self) -> int:
        """How many TCP clients have connected so far."""
        return self._server.connections

    def stop(self) -> None:
        """Stop serving and close everything (idempotent)."""
        with self._cond:
            if self._stopped:
                return
            self._stopped = True
            self._cond.notify_all()
        if self._inbox is not None:
            self._inbox.put(None)
        if self._worker is not None:
            self._worker.join(5)
        self._server.stop()

    def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until `predicate()` holds (checked under `_cond`); False on timeout."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)
