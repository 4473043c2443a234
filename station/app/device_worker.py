"""Own one request/response device on its own thread: run submitted calls, watch it when idle.

A printer or a VLM controller answers requests; only one request may be on its wire at a
time, and nothing may wait for it on the core or GUI thread. `DeviceWorker` is the only
thread that touches its device: other threads `submit()` calls and get a `Future`. When no
call is waiting, it asks the device for its status every `interval_s` and reports each
change of state as `on_state(device_name, state, detail)`, so an unplugged printer shows on
the station before anyone tries to print.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

D = TypeVar("D")
T = TypeVar("T")
Probe = Callable[[Any], tuple[str, str]]
OnState = Callable[[str, str, str], None]


class DeviceWorker(Generic[D]):
    """Run calls on one device from one thread; probe its state while idle."""

    def __init__(
        self, name: str, device: D, probe: Callable[[D], tuple[str, str]], on_state: OnState,
        *, interval_s: float = 2.0, close: Callable[[D], None] | None = None,
    ) -> None:
        self.name = name
        self.device = device
        self.interval_s = interval_s
        self._probe = probe
        self._on_state = on_state
        self._close = close
        self._calls: queue.Queue[tuple[Callable[[D], Any], Future] | None] = queue.Queue()
        self._state: tuple[str, str] | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"device-{name}", daemon=True)

    @property
    def state(self) -> str:
        """Return the last reported state ("" before the first probe)."""
        return self._state[0] if self._state else ""

    @property
    def detail(self) -> str:
        """Return the detail of the last reported state (why it is not ready...)."""
        return self._state[1] if self._state else ""

    def start(self) -> None:
        """Start the worker thread (it probes the device at once)."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the call in progress, cancel waiting ones, close the device."""
        self._stopping.set()
        self._calls.put(None)
        self._thread.join(timeout)

    def submit(self, call: Callable[[D], T]) -> Future[T]:
        """Queue `call(device)` for the worker thread; the future holds its result or error."""
        future: Future[T] = Future()
        self._calls.put((call, future))
        return future

    def check_now(self) -> None:
        """Probe the device as soon as the worker is free."""
        self.submit(lambda _device: None)

    def _run(self) -> None:
        try:
            self._probe_once()
            while True:
                try:
                    item = self._calls.get(timeout=self.interval_s)
                except queue.Empty:
                    self._probe_once()
                    continue
                if item is None or self._stopping.is_set():
                    if item is not None:
                        item[1].cancel()
                    break
                call, future = item
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(call(self.device))
                    except Exception as exc:  # the caller decides what it means
                        future.set_exception(exc)
                self._probe_once()  # a call may have changed what the device reports
        finally:
            self._cancel_waiting()
            if self._close is not None:
                try:
                    self._close(self.device)
                except Exception:
                    log.exception("closing %s failed", self.name)

    def _probe_once(self) -> None:
        try:
            state = self._probe(self.device)
        except Exception as exc:  # a probe must never end the worker
            log.exception("status of %s could not be read", self.name)
            state = ("error", str(exc) or type(exc).__name__)
        if state != self._state:
            self._state = state
            try:
                self._on_state(self.name, *state)
            except Exception:
                log.exception("state listener of %s failed", self.name)

    def _cancel_waiting(self) -> None:
        while True:
            try:
                item = self._calls.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                item[1].cancel()
