"""The headless station delivers its events to the backend, through an outage, never blocking.

A real station process, the reference receiver over HTTP on loopback: packing goes on while
the backend is down, the station shows "offline, N events waiting", and once the backend is
back every event arrives, each once, in order per order.
"""

from __future__ import annotations

import socket

import pytest

from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from station.data.db import make_engine, session_factory, upgrade
from sync.receiver.app import Receiver
from sync.relay.client import Secret
from tests.integration.seed import MUG, seed
from tests.integration.test_station_faults import DefaultStation, scan


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_events_reach_the_backend_after_an_outage(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    secret = Secret.generate().reveal()
    port = free_port()
    scanner, scale = SimScanner("pty"), SimMtSics("tcp")
    station = DefaultStation(tmp_path, scanner, scale)
    with station.config.open("a") as fh:
        fh.write(f'[backend]\nevents_url = "http://127.0.0.1:{port}/events"\n'
                 f'secret = "{secret}"\n')
    receiver = None
    try:
        station.start()  # the backend is down from the start
        scan(station, scanner, "BADGE:P1")
        for number in ("SO-2", "SO-4", "SO-5"):
            mark = len(station.log.events)
            assert scan(station, scanner, number)["event"] == "scan.accepted"
            scale.place(351.0)
            scan(station, scanner, MUG)
            station.log.wait_for(lambda e: e["event"] == "order.packed", mark)
            scale.place(0.0)
            station.log.wait_for(lambda e: e["event"] == "scale.cleared", mark)
        offline = station.log.wait_for(
            lambda e: e["event"] == "device.state" and e["device"] == "backend"
            and e["state"] == "disconnected", 0, timeout=20)
        assert "offline" in offline["detail"] and "waiting" in offline["detail"]
        receiver = Receiver(secret, str(tmp_path / "received.db"), port=port).start()
        mark = len(station.log.events)
        station.log.wait_for(lambda e: e["event"] == "device.state"
                             and e["device"] == "backend" and e["state"] == "connected"
                             and not e.get("detail"), mark, timeout=90)
        sequences = receiver.store.sequences()
        assert sequences == {f"order/ord_{n}": [1, 2] for n in (2, 4, 5)}
        assert receiver.store.violations() == []
        assert len(set(receiver.store.ids())) == len(receiver.store.ids()) == 6
        assert station.proc.poll() is None
    finally:
        station.stop()
        scanner.stop()
        scale.stop()
        if receiver is not None:
            receiver.stop()


@pytest.mark.slow
def test_running_station_pulls_ready_orders(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    secret = Secret.generate().reveal()
    order = {
        "order_id": "web-1", "order_number": "W-1",
        "customer": {"first_name": "Ana", "last_name": "B", "email": "ana@example.com"},
        "ship_to": {"name": "Ana B", "street": "Weg 1", "city": "Berlin", "postal_code": "10115",
                    "region": "", "country": "DE"},
        "carrier": "DHL", "service": "Paket",
        "lines": [{"line_id": "1", "sku": "MUG-1", "qty": 1}],
    }
    receiver = Receiver(secret, str(tmp_path / "backend.db"), orders=[order]).start()
    scanner, scale = SimScanner("pty"), SimMtSics("tcp")
    station = DefaultStation(tmp_path, scanner, scale)
    with station.config.open("a") as fh:
        fh.write(f'[backend]\norders_url = "{receiver.orders_url}"\nsecret = "{secret}"\n'
                 'pull_interval_s = 0.5\n')
    try:
        station.start()
        pulled = station.log.wait_for(lambda e: e["event"] == "orders.pulled", 0)
        assert pulled["created"] == 1
        station.log.wait_for(lambda e: e["event"] == "orders.pulled" and e["created"] == 0, 0)
        scan(station, scanner, "BADGE:P1")
        assert scan(station, scanner, "W-1")["event"] == "scan.accepted"
    finally:
        station.stop()
        scanner.stop()
        scale.stop()
        receiver.stop()
