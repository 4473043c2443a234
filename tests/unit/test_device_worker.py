"""DeviceWorker: one thread per device, calls in order, state changes reported once."""

from __future__ import annotations

import queue
import threading

import pytest

from station.app.device_worker import DeviceWorker


class Counter:
    """A stand-in device whose status the test sets."""

    def __init__(self) -> None:
        self.status = ("connected", "")
        self.calls: list[str] = []
        self.threads: set[str] = set()
        self.closed = False

    def probe(self) -> tuple[str, str]:
        self.threads.add(threading.current_thread().name)
        if isinstance(self.status, Exception):
            raise self.status
        return self.status


@pytest.fixture
def rig():
    device = Counter()
    states: queue.Queue = queue.Queue()
    worker = DeviceWorker("printer", device, Counter.probe, lambda *s: states.put(s),
                          interval_s=0.05, close=lambda d: setattr(d, "closed", True))
    worker.start()
    yield device, states, worker
    worker.stop()


def test_calls_run_in_order_on_the_worker_thread(rig):
    device, states, worker = rig
    assert states.get(timeout=2) == ("printer", "connected", "")

    def call(name):
        def run(d):
            d.calls.append(name)
            d.threads.add(threading.current_thread().name)
            return name.upper()
        return run

    futures = [worker.submit(call(n)) for n in ("a", "b", "c")]
    assert [f.result(timeout=2) for f in futures] == ["A", "B", "C"]
    assert device.calls == ["a", "b", "c"] and device.threads == {"device-printer"}


def test_errors_reach_the_caller_and_state_changes_are_reported_once(rig):
    device, states, worker = rig
    states.get(timeout=2)
    future = worker.submit(lambda d: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        future.result(timeout=2)
    device.status = ("not_ready", "paper out")
    assert states.get(timeout=2) == ("printer", "not_ready", "paper out")
    device.status = RuntimeError("garbled")
    assert states.get(timeout=2) == ("printer", "error", "garbled")
    device.status = ("connected", "")
    assert states.get(timeout=2) == ("printer", "connected", "")
    with pytest.raises(queue.Empty):
        states.get(timeout=0.3)  # unchanged state: nothing more
    assert worker.state == "connected"


def test_stop_closes_the_device_and_cancels_waiting_calls():
    device = Counter()
    gate = threading.Event()
    worker = DeviceWorker("vlm", device, Counter.probe, lambda *s: None, interval_s=10,
                          close=lambda d: setattr(d, "closed", True))
    worker.start()
    started = threading.Event()
    first = worker.submit(lambda d: started.set() or gate.wait(5))
    waiting = worker.submit(lambda d: "never")
    assert started.wait(2)
    stopper = threading.Thread(target=worker.stop)
    stopper.start()
    assert worker._stopping.wait(2)  # stop() is asked before the first call ends
    gate.set()
    stopper.join(5)
    assert first.result(timeout=1) is True
    assert waiting.cancelled()
    assert device.closed


def test_the_kardex_vlm_worker_uses_the_configured_link_settings():
    from station.app.devices import device_workers
    from station.config import DevicesSection

    devices = DevicesSection.model_validate({"vlm": {
        "url": "loop://", "protocol": "kardex-jmif", "baudrate": 19200, "model": "jmif-pipe"}})
    worker = device_workers(devices, lambda *_a: None)["vlm"]
    assert worker.device.baudrate == 19200
    assert worker.device.dialect.name == "jmif-pipe"
