"""Several senders on one outbox: claims never overlap, leases expire, order holds across."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from station.data.db import make_engine, session_factory
from sync.outbox.store import outbox_status
from sync.receiver import FaultKind
from sync.relay import Secret
from sync.relay.claim import Failure, claim, mark_delivered, mark_failed
from tests.integration.test_relay_signing import (
    close_relay,
    fill,
    in_order,
    make_relay,
    rows,
    serve,
)


@pytest.fixture
def secret() -> str:
    return Secret.generate().reveal()


@pytest.fixture
def receiver(secret, tmp_path):
    yield from serve(secret, tmp_path)


def _claim(sessions, sender: str, now: datetime, limit: int = 10, lease_s: float = 30.0):
    with sessions.begin() as s:
        return claim(s, sender=sender, now=now, lease_s=lease_s, limit=limit)


def test_head_of_line_holds_across_senders(sessions):
    a1, a2 = fill(sessions, 1, 2, prefix="a")
    [b1] = fill(sessions, 1, 1, prefix="b")
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert [c.id for c in _claim(sessions, "st-1", now)] == [a1, b1]
    assert _claim(sessions, "st-2", now) == []  # a2 waits for a1; a1 and b1 are taken
    with sessions.begin() as s:
        mark_delivered(s, [a1], now=now, status=200)
    assert [c.id for c in _claim(sessions, "st-2", now)] == [a2]
    got = rows(sessions)
    assert (got[a2].claimed_by, got[b1].claimed_by) == ("st-2", "st-1")


def test_an_expired_lease_makes_the_event_claimable_again(sessions, receiver, secret):
    [event_id] = fill(sessions, 1, 1)
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert len(_claim(sessions, "crashed", now, lease_s=30)) == 1  # and then it died
    assert _claim(sessions, "st-2", now + timedelta(seconds=29)) == []
    later = now + timedelta(seconds=31)
    relay = make_relay(sessions, receiver.events_url, secret, sender="st-2",
                       clock=lambda: later)
    try:
        assert relay.run_once().delivered == 1
    finally:
        close_relay(relay)
    # The crashed sender's late failure report cannot undo the delivery.
    with sessions.begin() as s:
        assert mark_failed(s, [Failure(event_id, True, later, 500, "late")],
                           sender="crashed") == 0
    assert rows(sessions)[event_id].status == "delivered"
    assert receiver.store.ids() == [event_id]


@pytest.mark.parametrize("faults", ["clean", "failing before storing"])
def test_four_stations_drain_one_postgresql_outbox(db_url, receiver, secret, faults):
    if not db_url.startswith("postgresql"):
        pytest.skip("several senders on one outbox is a PostgreSQL setup")
    engines = [make_engine(db_url) for _ in range(4)]
    sessions = [session_factory(e) for e in engines]
    ids = fill(sessions[0], 300, 5, per_txn=1500)
    if faults != "clean":
        # Failures that store nothing: any duplicate would then come from overlapping claims.
        receiver.faults.randomly(0.25, seed=4, retry_after="0",
                                 kinds=(FaultKind.FAIL_BEFORE, FaultKind.DROP_BEFORE,
                                        FaultKind.THROTTLE))
    relays = [make_relay(sessions[i], receiver.events_url, secret, sender=f"st-{i + 1}",
                         batch=25) for i in range(4)]
    try:
        for relay in relays:
            relay.start()
        assert relays[0].flush(45)
        for relay in relays[1:]:
            assert relay.flush(5)
    finally:
        for relay in relays:
            close_relay(relay)
    with sessions[0]() as s:
        assert outbox_status(s).delivered == len(ids)
    for engine in engines:
        engine.dispose()
    delivered = [r.stats.delivered for r in relays]
    assert sum(delivered) == len(ids) and all(n > 0 for n in delivered), delivered
    stats = receiver.store.stats()
    assert stats.stored == len(ids) and stats.duplicates == 0
    assert in_order(receiver)
    assert all(len(v) == 5 for v in receiver.store.sequences().values())
