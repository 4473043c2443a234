"""Every attempt is signed per Standard Webhooks; the reference receiver verifies it.

Also holds the helpers the other relay tests share (a receiver, a fast relay, filling the
outbox).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from station.data.models import OutboxEvent
from sync.outbox.store import enqueue
from sync.receiver import Receiver
from sync.relay import EventsClient, Relay, RelaySettings, RetryPolicy, Secret

FAST = RetryPolicy(base_s=0.005, cap_s=0.05, probe_s=60.0)
KINDS = ("order.packed", "shipment.created", "order.exception", "return.received")


def fill(sessions, orders: int, per_order: int, *, station: str = "st-1", prefix: str = "o",
         per_txn: int = 500) -> list[str]:
    """Enqueue `per_order` events for each of `orders` orders; return the ids in write order."""
    ids: list[str] = []
    pairs = [(o, k) for o in range(orders) for k in range(per_order)]
    for start in range(0, len(pairs), per_txn):
        with sessions.begin() as s:
            for o, k in pairs[start:start + per_txn]:
                ids.append(enqueue(s, site="ber", station_id=station, order_id=f"{prefix}{o}",
                                   kind=KINDS[k % len(KINDS)], data={"step": k}).id)
    return ids


def make_relay(sessions, url: str, secret: str, *, sender: str = "st-1", batch: int = 50,
               policy: RetryPolicy = FAST, timeout_s: float = 5.0, client_clock=None,
               **kwargs) -> Relay:
    """Return a relay with fast test timings (its client is closed by `close_relay`)."""
    client_kwargs = {"clock": client_clock} if client_clock else {}
    client = EventsClient(url, secret, timeout_s=timeout_s, connect_timeout_s=timeout_s,
                          **client_kwargs)
    return Relay(sessions, client, sender_id=sender, policy=policy,
                 settings=RelaySettings(batch_size=batch, lease_s=30.0, poll_s=0.05), **kwargs)


def close_relay(relay: Relay) -> None:
    """Stop the relay and close its client."""
    relay.close()


def rows(sessions) -> dict[str, OutboxEvent]:
    """Return every outbox row by id."""
    with sessions() as s:
        return {r.id: r for r in s.scalars(select(OutboxEvent))}


def in_order(receiver: Receiver) -> bool:
    """Tell whether each order's events arrived as 1, 2, 3... with no violation."""
    seqs = receiver.store.sequences()
    return all(v == list(range(1, len(v) + 1)) for v in seqs.values()) and \
        not receiver.store.violations()


def serve(secret: str, tmp_path):
    """Run a receiver on a free loopback port for the duration of a fixture."""
    with Receiver(secret, str(tmp_path / "received.db")) as rx:
        yield rx


# Each module declares these two fixtures (shared fixtures would need a conftest).
@pytest.fixture
def secret() -> str:
    return Secret.generate().reveal()


@pytest.fixture
def receiver(secret, tmp_path):
    yield from serve(secret, tmp_path)


def _independent_signature(secret: str, msg_id: str, ts: str, body: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def test_signature_matches_an_independent_hmac(secret):
    at = datetime(2026, 3, 1, 12, 0, 5, 900_000, tzinfo=UTC)
    body = '{"id":"e1","data":{"name":"Zoë"}}'
    with EventsClient("http://127.0.0.1:9/events", secret) as client:
        headers = client.sign("e1", body, at)
        assert headers["webhook-timestamp"] == str(int(at.timestamp())) == "1772366405"
        assert headers["webhook-signature"] == _independent_signature(
            secret, "e1", "1772366405", body)
        # A non-UTC aware time means the same instant and so the same signature.
        cet = at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
        assert client.sign("e1", body, cet) == headers
        with pytest.raises(ValueError):
            client.sign("e1", body, at.replace(tzinfo=None))


def test_each_attempt_is_signed_anew_with_the_same_id_and_the_stored_bytes(
    sessions, receiver, secret
):
    ticks = iter(range(10_000))
    base = datetime.now(UTC)

    def clock():  # every signature one second later than the one before
        return base + timedelta(seconds=next(ticks))

    [event_id] = fill(sessions, 1, 1)
    receiver.faults.fail_before(2, status=503)
    relay = make_relay(sessions, receiver.events_url, secret, client_clock=clock)
    try:
        assert relay.flush(10)
    finally:
        close_relay(relay)
    stored = rows(sessions)[event_id]
    assert stored.status == "delivered" and stored.attempts == 3
    log = list(receiver.log)
    assert [r.status for r in log] == [503, 503, 200]
    assert {r.webhook_id for r in log} == {event_id}
    assert len({r.webhook_timestamp for r in log}) == 3
    assert {r.content_type for r in log} == {"application/cloudevents+json"}
    assert {r.body_sha256 for r in log} == {hashlib.sha256(stored.body.encode()).hexdigest()}
    assert receiver.store.ids() == [event_id]


def test_a_batch_is_an_array_of_the_stored_bodies_under_its_own_id(sessions, receiver, secret):
    ids = fill(sessions, 3, 1)
    relay = make_relay(sessions, receiver.events_url, secret)
    try:
        assert relay.run_once().delivered == 3
    finally:
        close_relay(relay)
    [record] = receiver.log
    assert record.content_type == "application/cloudevents-batch+json"
    assert record.webhook_id.startswith("batch_")
    assert uuid.UUID(record.webhook_id.removeprefix("batch_")).version == 7
    bodies = rows(sessions)
    array = "[" + ",".join(bodies[i].body for i in ids) + "]"
    assert record.body_sha256 == hashlib.sha256(array.encode()).hexdigest()


def test_the_receiver_rejects_tampered_stale_and_foreign_signatures(receiver, secret):
    body = json.dumps({"specversion": "1.0", "id": "e1", "source": "s", "type": "t"})
    other = Secret.generate().reveal()
    now = datetime.now(UTC)
    with EventsClient(receiver.events_url, secret) as good, \
            EventsClient(receiver.events_url, other) as foreign, \
            httpx.Client() as raw:
        headers = {"content-type": "application/cloudevents+json", **good.sign("e1", body)}
        tampered = body.replace('"e1"', '"e2"')
        assert raw.post(receiver.events_url, content=tampered, headers=headers).status_code == 401
        for skew in (timedelta(minutes=-6), timedelta(minutes=6)):
            stale = {**headers, **good.sign("e1", body, now + skew)}
            assert raw.post(receiver.events_url, content=body, headers=stale).status_code == 401
        assert foreign.send_event("e1", body).status == 401
        unsigned = {"content-type": "application/cloudevents+json"}
        assert raw.post(receiver.events_url, content=body, headers=unsigned).status_code == 401
        garbled = {**headers, "webhook-signature": "v1"}
        assert raw.post(receiver.events_url, content=body, headers=garbled).status_code == 401
        assert receiver.store.stats().stored == 0
        # Within the tolerance, and the standardwebhooks verifier agrees with the receiver.
        assert raw.post(receiver.events_url, content=body, headers=headers).status_code == 200
    Webhook(secret).verify(body, headers)
    assert receiver.store.ids() == ["e1"]
