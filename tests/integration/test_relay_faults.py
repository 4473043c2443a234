"""Ten thousand events through a receiver that fails a third of the time: none lost, none
stored twice, every order's events in order."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.orm import Session, sessionmaker

from station.data.db import make_engine, session_factory
from sync.outbox.store import outbox_status
from sync.receiver import FaultKind
from sync.relay import Secret
from tests.integration.test_relay_signing import (
    close_relay,
    fill,
    in_order,
    make_relay,
    serve,
)

ORDERS, PER_ORDER = 1250, 8  # 10,000 events


@pytest.fixture
def secret() -> str:
    return Secret.generate().reveal()


@pytest.fixture
def receiver(secret, tmp_path):
    yield from serve(secret, tmp_path)


def test_ten_thousand_events_survive_random_faults(sqlite_url, receiver, secret):
    engine = make_engine(sqlite_url)
    sessions: sessionmaker[Session] = session_factory(engine)
    ids = fill(sessions, ORDERS, PER_ORDER, per_txn=2000)
    # Two answers arrive after the client gave up (the events are stored: lost answers),
    # then 30% of requests fail at random: before or after storing, dropped connections
    # before or after storing, 429s; and 3% of a batch's events are answered "retry".
    receiver.faults.slow(0.5, count=2)
    receiver.faults.randomly(0.3, seed=20260301, retry_after="0", item_retry_rate=0.03)
    relay = make_relay(sessions, receiver.events_url, secret, batch=100, timeout_s=0.25)
    started = time.monotonic()
    try:
        relay.start()
        assert relay.flush(60), "not everything was delivered in time"
    finally:
        close_relay(relay)
    elapsed = time.monotonic() - started
    with sessions() as s:
        status = outbox_status(s)
    engine.dispose()

    assert (status.pending, status.dead, status.delivered) == (0, 0, len(ids))
    stats = receiver.store.stats()
    played = receiver.faults.played
    # The faults really happened, and made the receiver see events again.
    for kind in (*FaultKind.__members__.values(), "item_retry"):
        assert played[kind] > 0, kind
    assert sum(played[k] for k in FaultKind if k is not FaultKind.SLOW) >= 0.2 * len(
        receiver.log)
    assert stats.duplicates > 0
    # 0 lost, 0 stored twice (the unique id also makes it impossible), order kept.
    stored = receiver.store.ids()
    assert len(stored) == len(set(stored)) == stats.stored == len(ids)
    assert set(stored) == set(ids)
    assert in_order(receiver) and stats.out_of_order == 0
    assert all(len(v) == PER_ORDER for v in receiver.store.sequences().values())
    assert elapsed < 60
