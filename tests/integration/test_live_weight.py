"""The scale worker reports every changed reading for the screen's live weight."""

from __future__ import annotations

import queue
import threading

from drivers.sim.mtsics import SimMtSics
from station.config import DeviceSection


class Readings:
    def __init__(self) -> None:
        self.seen: list = []
        self.changed = threading.Condition()

    def __call__(self, weight) -> None:
        with self.changed:
            self.seen.append(weight)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 5.0):
        with self.changed:
            assert self.changed.wait_for(
                lambda: any(predicate(w) for w in self.seen), timeout
            ), f"no such reading in {self.seen}"
            return next(w for w in self.seen if predicate(w))


def test_live_weight_follows_the_scale_and_says_when_it_is_gone():
    from station.app.headless import ScaleWorker

    sim = SimMtSics.on_tcp()
    readings = Readings()
    cfg = DeviceSection(url=sim.url, protocol="mt-sics", poll_interval_s=0.02, reconnect_s=0.1)
    worker = ScaleWorker(cfg, queue.Queue(), 20.0, on_live_weight=readings)
    worker.start()
    try:
        sim.place(512.0)
        got = readings.wait_for(lambda w: w is not None and w.grams == 512.0 and w.stable)
        assert got.stable
        sim.set_unstable(True)
        readings.wait_for(lambda w: w is not None and not w.stable)
        sim.set_unstable(False)
        count = len(readings.seen)
        sim.place(512.0)  # an unchanged reading is not reported again
        readings.wait_for(lambda w: w is not None and w.stable and w.grams == 512.0)
        sim.stop()
        readings.wait_for(lambda w: w is None)
        assert len(readings.seen) <= count + 3
    finally:
        worker.stop()
        sim.stop()
