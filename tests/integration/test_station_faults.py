"""Devices unplugged, replugged and misbehaving under the running headless station.

Default reconnect settings (`reconnect_s = 1`): the station must be back within 2 s of the
device returning, show each state change as `device.state`, and lose nothing of the pack.
"""

from __future__ import annotations

import time

import pytest

from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.kardex import SimKardexVlm
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.zpl import SimZplPrinter
from station.data.db import make_engine, session_factory, upgrade
from tests.integration.seed import MUG, seed
from tests.integration.test_crash_resume import Station


class DefaultStation(Station):
    """The headless station with the shipped reconnect defaults."""

    def __init__(self, tmp_path, scanner, scale) -> None:
        super().__init__(tmp_path, scanner, scale)
        self.config.write_text(
            f'[station]\nid = "st-1"\ndatabase = "sqlite:///{self.db}"\n'
            f'[devices.scanner]\nurl = "{scanner.url}"\n'
            f'[devices.scale]\nurl = "{scale.url}"\n'
        )


@pytest.fixture(params=["pty", "tcp"])
def rig(request, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    scanner = SimScanner(request.param)
    scale = SimMtSics(request.param)
    station = DefaultStation(tmp_path, scanner, scale)
    station.start()
    yield station, scanner, scale
    station.stop()
    scanner.stop()
    scale.stop()


def scan(station: Station, scanner: SimScanner, code: str) -> dict:
    mark = len(station.log.events)
    scanner.scan(code)
    return station.log.wait_for(lambda e: e["event"].startswith("scan."), mark)


def device_state(station: Station, device: str, states: tuple[str, ...], mark: int,
                 timeout: float = 5.0) -> dict:
    return station.log.wait_for(
        lambda e: e["event"] == "device.state" and e["device"] == device
        and e["state"] in states, mark, timeout=timeout,
    )


@pytest.mark.slow
def test_scanner_unplugged_mid_pack_comes_back_within_2_s(rig):
    station, scanner, _ = rig
    for code in ("BADGE:P1", "SO-1", MUG):
        assert scan(station, scanner, code)["event"] == "scan.accepted"
    mark = len(station.log.events)
    scanner.drop_connection()  # pty closed / TCP connection reset, then the device is back
    back_at = time.monotonic()
    lost = device_state(station, "scanner", ("disconnected", "error", "connecting"), mark)
    assert lost["detail"]
    device_state(station, "scanner", ("connected",), mark)
    assert time.monotonic() - back_at <= 2.0
    e = scan(station, scanner, MUG)
    assert (e["event"], e["packed"], e["qty"]) == ("scan.accepted", 2, 2)


@pytest.mark.slow
def test_scale_unplugged_while_weighing_comes_back_and_weighs(rig):
    station, scanner, scale = rig
    for code in ("BADGE:P1", "SO-2"):
        scan(station, scanner, code)
    mark = len(station.log.events)
    scan(station, scanner, MUG)
    station.log.wait_for(lambda e: e["event"] == "weight.requested", mark)
    mark = len(station.log.events)
    scale.drop_connection()
    back_at = time.monotonic()
    device_state(station, "scale", ("disconnected", "error"), mark)
    device_state(station, "scale", ("connected",), mark)
    assert time.monotonic() - back_at <= 2.0
    scale.place(351.0)
    e = station.log.wait_for(lambda e: e["event"] == "weight.accepted", mark)
    assert (e["order_id"], e["weight_g"]) == ("ord_2", 351.0)


@pytest.mark.slow
def test_scale_answering_garbage_is_reported_and_never_weighs(rig):
    station, scanner, scale = rig
    for code in ("BADGE:P1", "SO-2"):
        scan(station, scanner, code)
    scale.place(351.0)
    scale.answer_garbage(5)
    mark = len(station.log.events)
    scan(station, scanner, MUG)
    error = device_state(station, "scale", ("error",), mark)
    assert error["detail"]
    e = station.log.wait_for(lambda e: e["event"].startswith("weight.")
                             and e["event"] != "weight.requested", mark)
    assert (e["event"], e["weight_g"]) == ("weight.accepted", 351.0)  # after it recovered
    assert station.proc.poll() is None


@pytest.mark.slow
def test_printer_and_vlm_states_show_on_the_station(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    scanner, scale = SimScanner("pty"), SimMtSics("tcp")
    label, receipt = SimZplPrinter("tcp"), SimEscPosPrinter("pty")
    vlm = SimKardexVlm("tcp")
    station = DefaultStation(tmp_path, scanner, scale)
    with station.config.open("a") as fh:
        fh.write(f'[devices.label_printer]\nurl = "{label.url}"\nstatus_interval_s = 0.2\n'
                 f'[devices.receipt_printer]\nurl = "{receipt.url}"\nstatus_interval_s = 0.2\n'
                 f'[devices.vlm]\nurl = "{vlm.url}"\nprotocol = "kardex-jmif"\n'
                 'status_interval_s = 0.2\n')
    try:
        mark = len(station.log.events)
        station.start()
        device_state(station, "label_printer", ("connected",), mark)
        device_state(station, "receipt_printer", ("connected",), mark)
        device_state(station, "vlm", ("connected",), mark)
        mark = len(station.log.events)
        vlm.drop_connection()
        device_state(station, "vlm", ("disconnected", "error"), mark)
        device_state(station, "vlm", ("connected",), mark)
        mark = len(station.log.events)
        label.paper_out()
        receipt.cover_open()
        assert "paper out" in device_state(station, "label_printer", ("not_ready",), mark)["detail"]
        assert "cover open" in device_state(
            station, "receipt_printer", ("not_ready",), mark)["detail"]
        mark = len(station.log.events)
        label.clear()
        receipt.clear()
        device_state(station, "label_printer", ("connected",), mark)
        device_state(station, "receipt_printer", ("connected",), mark)
        mark = len(station.log.events)
        label.stop()  # unplugged for good
        device_state(station, "label_printer", ("disconnected", "error"), mark)
        assert scan(station, scanner, "BADGE:P1")["event"] == "scan.accepted"  # packing goes on
    finally:
        station.stop()
        for sim in (scanner, scale, label, receipt, vlm):
            sim.stop()
