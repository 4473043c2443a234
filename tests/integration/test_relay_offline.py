"""With the backend down, packing goes on at full speed; when it is back, all is delivered."""

from __future__ import annotations

import socket
import statistics
import threading
import time

import pytest

from sync.outbox.store import enqueue, outbox_status
from sync.receiver import Receiver
from sync.relay import RelayState, Secret
from tests.integration.test_relay_signing import (
    close_relay,
    in_order,
    make_relay,
)

ORDERS, PER_ORDER = 1000, 3


@pytest.fixture
def secret() -> str:
    return Secret.generate().reveal()


def _pack(sessions, order: int) -> float:
    """Write one order's events in one transaction, as a station does; return its seconds."""
    started = time.perf_counter()
    with sessions.begin() as s:
        for k, kind in enumerate(("order.packed", "shipment.created", "order.exception")):
            enqueue(s, site="ber", station_id="st-1", order_id=f"o{order}", kind=kind,
                    data={"step": k})
    return time.perf_counter() - started


def test_enqueueing_never_waits_for_a_backend_that_is_down(sessions, secret, tmp_path):
    # A bound socket that does not listen: connections to it are refused, and the port
    # stays ours until the receiver takes it over.
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    baseline = [_pack(sessions, o) for o in range(100)]  # no relay running
    states, retrying = [], threading.Event()

    def on_state(state):
        states.append(state)
        if state is RelayState.RETRYING:
            retrying.set()

    relay = make_relay(sessions, f"http://127.0.0.1:{port}/events", secret, batch=200,
                       on_relay_state_changed=on_state)
    receiver = None
    try:
        relay.start()
        offline = []
        for o in range(100, ORDERS):
            offline.append(_pack(sessions, o))
            relay.wake()
        # (Back-to-back packing may keep the relay from the SQLite write lock for a while.)
        assert retrying.wait(10)
        with sessions() as s:
            assert outbox_status(s).delivered == 0
        # Down backend, fleet of events: one probe at a time, not one request per event.
        assert relay.stats.requests < ORDERS / 5

        holder.close()
        receiver = Receiver(secret, str(tmp_path / "received.db"), port=port).start()
        back = time.monotonic()
        assert relay.flush(30), "not delivered after the backend came back"
        recovery = time.monotonic() - back
    finally:
        close_relay(relay)
        holder.close()
        if receiver is not None:
            stored, ordered = receiver.store.stats().stored, in_order(receiver)
            receiver.stop()
    assert stored == ORDERS * PER_ORDER and ordered
    assert recovery < 30
    assert RelayState.RETRYING in states and relay.stats.delivered == ORDERS * PER_ORDER
    # Enqueueing did not slow down while the relay kept failing in the background.
    assert max(offline) < 0.5
    assert statistics.median(offline) < 3 * statistics.median(baseline) + 0.002
