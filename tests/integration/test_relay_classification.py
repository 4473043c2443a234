"""How the relay answers each kind of reply: dead-letter, pause, Retry-After, backoff."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import update

from station.data.models import OutboxEvent
from sync.outbox.store import outbox_status, retry
from sync.relay import RelayState, RetryPolicy, Secret
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


class Clock:
    """A settable UTC clock, starting at the real time."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def drive(relay, until, timeout: float = 5.0) -> None:
    """Run relay cycles in this thread until `until()` holds; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not until():
        assert time.monotonic() < deadline, "the relay did not get there in time"
        cycle = relay.run_once()
        if not cycle.claimed:
            pause.wait(min(cycle.wait_s, 0.05))  # the relay's own backoff, on a deadline


@pytest.fixture
def alerts():
    return []


def _relay(sessions, receiver, secret, alerts, **kwargs):
    return make_relay(sessions, receiver.events_url, secret,
                      on_alert=lambda kind, detail: alerts.append((kind, detail)), **kwargs)


@pytest.mark.parametrize("status", [400, 422])
def test_refused_events_are_dead_after_one_attempt_and_hold_back_their_order(
    sessions, receiver, secret, alerts, status
):
    first, second = fill(sessions, 1, 2)  # order o0: events 1 and 2
    [other] = fill(sessions, 1, 1, prefix="p")
    receiver.faults.fail_before(1, status=status)
    relay = _relay(sessions, receiver, secret, alerts, batch=1)
    try:
        assert relay.flush(10)  # the held-back event does not count
        with sessions() as s:
            assert (outbox_status(s).pending, outbox_status(s).dead) == (1, 1)
        got = rows(sessions)
        assert (got[first].status, got[first].attempts, got[first].last_status) == (
            "dead", 1, status)
        assert "injected failure" in got[first].last_error
        assert got[second].status == "pending" and got[second].attempts == 0  # never sent
        assert got[other].status == "delivered"
        assert [k for k, _ in alerts] == ["dead_letter"] and first in alerts[0][1]
        assert receiver.store.ids() == [other]
        with sessions.begin() as s:
            assert retry(s, [first]) == 1
        assert relay.flush(10)
    finally:
        close_relay(relay)
    assert receiver.store.ids() == [other, first, second] and in_order(receiver)


def test_a_batch_refused_as_a_whole_is_sent_event_by_event(sessions, receiver, secret, alerts):
    ids = fill(sessions, 3, 1)
    with sessions.begin() as s:  # one event the backend cannot use
        s.execute(update(OutboxEvent).where(OutboxEvent.id == ids[1])
                  .values(body=f'{{"id":"{ids[1]}","specversion":"0.3"}}'))
    receiver.faults.fail_before(1, status=422)
    relay = _relay(sessions, receiver, secret, alerts)
    try:
        relay.flush(5)
    finally:
        close_relay(relay)
    got = rows(sessions)
    assert [got[i].status for i in ids] == ["delivered", "dead", "delivered"]
    # One attempt recorded: the batch refusal was not this event's verdict.
    assert got[ids[1]].last_status == 422 and got[ids[1]].attempts == 1
    assert [r.content_type.split("/")[1] for r in receiver.log] == [
        "cloudevents-batch+json"] + ["cloudevents+json"] * 3
    assert [k for k, _ in alerts] == ["dead_letter"]


def test_an_event_rejected_inside_a_batch_is_dead(sessions, receiver, secret, alerts):
    ids = fill(sessions, 3, 1)
    with sessions.begin() as s:
        s.execute(update(OutboxEvent).where(OutboxEvent.id == ids[2])
                  .values(body=f'{{"specversion":"1.0","id":"{ids[2]}","type":"y"}}'))
    relay = _relay(sessions, receiver, secret, alerts)
    try:
        assert relay.run_once().dead == 1
    finally:
        close_relay(relay)
    got = rows(sessions)
    assert [got[i].status for i in ids] == ["delivered", "delivered", "dead"]
    assert got[ids[2]].last_status == 422 and "rejected" in got[ids[2]].last_error
    assert len(receiver.log) == 1


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_auth_and_endpoint_errors_pause_the_queue_with_an_alert(
    sessions, receiver, secret, alerts, status
):
    ids = fill(sessions, 4, 1)
    states = []
    receiver.faults.fail_before(1, status=status)
    relay = _relay(sessions, receiver, secret, alerts, on_relay_state_changed=states.append)
    try:
        relay.run_once()
        assert relay.state is RelayState.PAUSED and str(status) in relay.paused_detail
        assert [k for k, _ in alerts] == ["paused"]
        for _ in range(3):  # nothing is sent while paused
            assert relay.run_once().claimed == 0
        assert len(receiver.log) == 1
        got = rows(sessions)
        assert {got[i].status for i in ids} == {"pending"}
        assert {got[i].last_status for i in ids} == {status}
        relay.resume()
        assert relay.flush(5)
    finally:
        close_relay(relay)
    assert [k for k, _ in alerts] == ["paused", "resumed"]
    assert RelayState.PAUSED in states and relay.paused_detail is None
    assert len(receiver.store.ids()) == 4


def test_a_paused_queue_probes_one_event_after_the_probe_interval(
    sessions, receiver, secret, alerts
):
    fill(sessions, 5, 1)
    clock = Clock()
    receiver.faults.fail_before(2, status=401)
    relay = _relay(sessions, receiver, secret, alerts, clock=clock,
                   policy=RetryPolicy(base_s=0.005, cap_s=0.05, probe_s=300.0))
    try:
        relay.run_once()
        clock.advance(299)
        assert relay.run_once().claimed == 0
        clock.advance(2)
        assert relay.run_once().claimed == 1  # the probe: one event, still 401
        assert relay.state is RelayState.PAUSED
        assert relay.run_once().claimed == 0
        clock.advance(301)
        probe = relay.run_once()
        assert (probe.claimed, probe.delivered) == (1, 1)
        assert relay.state is not RelayState.PAUSED
        assert relay.run_once().delivered == 4
    finally:
        close_relay(relay)
    assert [k for k, _ in alerts] == ["paused", "resumed"]
    assert [r.status for r in receiver.log] == [401, 401, 200, 200]


@pytest.mark.parametrize("header", ["7", "http-date"])
def test_retry_after_is_honoured_for_the_events_and_the_whole_queue(
    sessions, receiver, secret, alerts, header
):
    [event_id] = fill(sessions, 1, 1)
    clock = Clock()
    clock.now = clock.now.replace(microsecond=0) + timedelta(seconds=1)
    value = header if header != "http-date" else format_datetime(
        clock.now + timedelta(seconds=7), usegmt=True)
    receiver.faults.throttle(1, retry_after=value)
    relay = _relay(sessions, receiver, secret, alerts, clock=clock)
    try:
        assert relay.run_once().retried == 1
        due = rows(sessions)[event_id].next_attempt_at.replace(tzinfo=UTC)
        assert due == clock.now + timedelta(seconds=7)
        assert relay.state is RelayState.RETRYING
        clock.advance(6.9)
        held = relay.run_once()
        assert held.claimed == 0 and held.wait_s == pytest.approx(0.1)
        assert len(receiver.log) == 1
        clock.advance(0.1)
        assert relay.run_once().delivered == 1
    finally:
        close_relay(relay)
    assert [r.status for r in receiver.log] == [429, 200]


def test_failures_back_off_exponentially_capped_and_jittered(sessions, receiver, secret, alerts):
    [event_id] = fill(sessions, 1, 1)
    clock = Clock()
    policy = RetryPolicy(base_s=1.0, cap_s=8.0)
    receiver.faults.fail_before(6, status=503)
    relay = _relay(sessions, receiver, secret, alerts, clock=clock, policy=policy)
    delays = []
    try:
        for attempt in range(1, 7):
            assert relay.run_once().retried == 1
            row = rows(sessions)[event_id]
            assert row.attempts == attempt and row.last_status == 503
            delay = (row.next_attempt_at.replace(tzinfo=UTC) - clock.now).total_seconds()
            assert 0.0 <= delay <= min(8.0, 2 ** (attempt - 1))
            delays.append(delay)
            clock.advance(max(delay, 8.0))  # past the event's and the queue's backoff
        assert relay.run_once().delivered == 1
    finally:
        close_relay(relay)
    assert len(set(delays)) == 6  # jittered, not fixed steps


def test_network_errors_are_retried_and_the_queue_is_held(sessions, secret, alerts, receiver):
    [event_id] = fill(sessions, 1, 1)
    receiver.faults.drop_before(1)
    receiver.faults.drop_after(1)
    relay = _relay(sessions, receiver, secret, alerts)
    try:
        assert relay.flush(5)
    finally:
        close_relay(relay)
    row = rows(sessions)[event_id]
    assert row.attempts == 3 and row.status == "delivered"
    assert [r.status for r in receiver.log] == [None, None, 200]
    assert receiver.store.stats().duplicates == 1  # the lost answer's event came again
    assert alerts == []


def test_the_secret_never_reaches_logs_errors_reprs_or_events(
    sessions, receiver, secret, alerts, caplog
):
    caplog.set_level(logging.DEBUG)
    key = secret.removeprefix("whsec_")
    fill(sessions, 3, 2)
    for status in (500, 422, 401):
        receiver.faults.fail_before(1, status=status)
    relay = _relay(sessions, receiver, secret, alerts, batch=1)
    dead = make_relay(sessions, "http://127.0.0.1:9/events", secret, sender="x")
    try:
        drive(relay, lambda: relay.state is RelayState.PAUSED)  # 500, 422 (dead), then 401
        dead.run_once()  # connection refused
        relay.resume()
        assert relay.flush(5)
        shown = [repr(relay), repr(relay._client), repr(dead), str(relay.stats),
                 str(relay.paused_detail), caplog.text, repr(alerts),
                 repr(receiver.stats()), repr(receiver)]
        shown += [f"{r.body} {r.last_error}" for r in rows(sessions).values()]
        shown += [repr(vars(relay))]
    finally:
        close_relay(relay)
        close_relay(dead)
    assert "HTTP 500" in caplog.text and "ConnectError" in caplog.text  # the logs were there
    for text in shown:
        assert secret not in text and key not in text
