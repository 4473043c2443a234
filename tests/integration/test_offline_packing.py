"""The backend is down while 1,000 orders are packed; packing never waits; then all arrive.

The station core packs real orders (scans, weight, label, outbox events) with the relay
running against a backend that does not answer. Then the reference backend comes up on that
address and every event is delivered: each once, in order per order.
"""

from __future__ import annotations

import socket
import statistics
import time
from datetime import date

import pytest
from sqlalchemy import select

from station.app.core import StationCore
from station.config import StationConfig
from station.data.models import Order, OrderLine, Product
from sync.receiver.app import Receiver
from sync.relay import RetryPolicy, open_relay
from sync.relay.client import Secret
from tests.integration.seed import MUG, seed

ORDERS = 1000


@pytest.mark.slow
def test_thousand_orders_packed_offline_then_delivered(sessions, tmp_path):
    seed(sessions)
    with sessions.begin() as s:
        mug = s.scalars(select(Product).where(Product.sku == "MUG-1")).one()
        for i in range(ORDERS):
            order = Order(order_id=f"off-{i}", order_number=f"OFF-{i}",
                          customer_first_name="Ana", ship_to={"city": "Berlin", "country": "DE"},
                          carrier="DHL", service="Paket", content_hash=f"h{i}")
            order.lines.append(OrderLine(line_id="1", position=0, product_id=mug.id, qty=1))
            s.add(order)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = Secret.generate().reveal()
    config = StationConfig.model_validate({
        "station": {"id": "st-1"},
        "backend": {"events_url": f"http://127.0.0.1:{port}/events", "secret": secret},
    })
    relay = open_relay(sessions, events_url=config.backend.events_url, secret=secret,
                       sender_id="st-1:test", timeout_s=2.0,
                       policy=RetryPolicy(base_s=0.05, cap_s=0.5))
    core = StationCore(sessions, config, lambda e: None, today=lambda: date(2023, 1, 1))
    core.on_events_queued = relay.wake
    core.start()
    relay.start()
    receiver = None
    try:
        core.handle_scan("BADGE:P1")
        took = []
        for i in range(ORDERS):
            t0 = time.perf_counter()
            assert core.handle_scan(f"OFF-{i}").accepted
            assert core.handle_scan(MUG).accepted
            assert core.handle_weight(351.0).accepted
            core.scale_cleared()
            took.append(time.perf_counter() - t0)
        # The backend never answered, yet no pack waited for it.
        assert relay.stats.delivered == 0
        assert statistics.median(took) < 0.1 and max(took) < 2.0, (statistics.median(took),
                                                                   max(took))
        receiver = Receiver(secret, str(tmp_path / "received.db"), port=port).start()
        assert relay.flush(90)
        sequences = receiver.store.sequences()
        assert len(sequences) == ORDERS
        assert all(seq == [1, 2] for seq in sequences.values())
        ids = receiver.store.ids()
        assert len(ids) == len(set(ids)) == 2 * ORDERS
        assert receiver.store.violations() == []
    finally:
        relay.close()
        if receiver is not None:
            receiver.stop()
