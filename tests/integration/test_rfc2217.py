"""RFC 2217 (serial over telnet) through Debian's ser2net in front of a real pty."""

from __future__ import annotations

import pytest

from drivers.scale.device import MtSicsScale
from drivers.scanner.device import ScannerState
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from tests.integration.ser2net import Ser2Net
from tests.integration.test_drivers_scanner import Events, start_reader

GS = "\x1d"


@pytest.fixture
def scanner_over_rfc2217(tmp_path):
    sim = SimScanner.on_pty()
    server = Ser2Net(sim.url, tmp_path)
    yield sim, server
    server.stop()
    sim.stop()


def test_scanner_lines_arrive_through_ser2net(scanner_over_rfc2217):
    sim, server = scanner_over_rfc2217
    events = Events()

    class Via:
        url = server.url

        def wait_for_client(self):
            return True

    reader = start_reader(Via(), events)
    try:
        codes = ["4006381333931", f"]C10109501101020917{GS}10ABC", "SO-1"]
        for code in codes:
            # ser2net opens the pty once a client is connected; the first scan may race it.
            sim.scan(code)
        got = [events.line(timeout=5).decode() for _ in codes]
        assert got == codes
    finally:
        reader.stop()
    assert ScannerState.CONNECTED in [e[1] for e in events.seen if e[0] == "state"]


def test_mtsics_scale_through_ser2net(tmp_path):
    sim = SimMtSics("pty")
    server = Ser2Net(sim.url, tmp_path)
    scale = MtSicsScale(server.url, timeout_s=2.0)
    try:
        sim.place(1234.5)
        weight = scale.weight_stable()
        assert (weight.grams, weight.stable) == (1234.5, True)
        assert scale.serial_number() == sim.serial_number
    finally:
        scale.close()
        server.stop()
        sim.stop()
