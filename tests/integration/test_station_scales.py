"""The headless station weighs on every scale protocol it supports, motion never counting."""

from __future__ import annotations

import pytest

from drivers.sim.continuous import SimContinuous
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.toledo import SimToledo
from station.data.db import make_engine, session_factory, upgrade
from tests.integration.seed import MUG, seed
from tests.integration.test_station_faults import DefaultStation, scan

SCALES = {
    "mt-sics": (lambda: SimMtSics("pty"), ""),
    "toledo-8217": (lambda: SimToledo("pty"), "8217"),
    "continuous": (lambda: SimContinuous("tcp", preset="ad"), "ad"),
}


def wait_for_readings(scale, count: int) -> bool:
    """Wait until the station has had `count` more readings from the simulated scale."""
    if isinstance(scale, SimContinuous):  # it talks by itself: count the lines it sent
        return scale.wait_for_lines(scale.lines_sent + count, timeout=5)
    return scale.wait_for_commands(len(scale.commands_received) + count, timeout=5)


@pytest.mark.slow
@pytest.mark.parametrize("protocol", sorted(SCALES))
def test_station_weighs_on_each_scale_protocol(tmp_path, protocol):
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    make_sim, model = SCALES[protocol]
    scanner, scale = SimScanner("pty"), make_sim()
    station = DefaultStation(tmp_path, scanner, scale)
    with station.config.open("a") as fh:
        fh.write(f'protocol = "{protocol}"\nmodel = "{model}"\npoll_interval_s = 0.05\n')
    try:
        station.start()
        for code in ("BADGE:P1", "SO-2"):
            assert scan(station, scanner, code)["event"] == "scan.accepted"
        scale.set_unstable(True)
        scale.place(350.0)
        mark = len(station.log.events)
        scan(station, scanner, MUG)
        station.log.wait_for(lambda e: e["event"] == "weight.requested", mark)
        # Readings in motion for a while: none may be judged, and none is a device fault.
        mark_motion = len(station.log.events)
        assert wait_for_readings(scale, 10)
        station.log.poll()
        judged = [e for e in station.log.events[mark_motion:]
                  if e["event"] in ("weight.accepted", "weight.rejected")]
        faults = [e for e in station.log.events[mark_motion:]
                  if e["event"] == "device.state" and e["device"] == "scale"
                  and e["state"] != "connected"]
        assert not judged and not faults
        scale.set_unstable(False)
        e = station.log.wait_for(lambda e: e["event"] == "weight.accepted", mark_motion)
        assert e["weight_g"] == pytest.approx(350.0, abs=1.0) and e["order_id"] == "ord_2"
    finally:
        station.stop()
        scanner.stop()
        scale.stop()
