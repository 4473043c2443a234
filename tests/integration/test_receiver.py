"""The reference receiver: dedupe, order checks, answers per contract, faults, control."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook

from sync.receiver import Faults, Receiver
from sync.receiver.faults import apply_control, control_from_words
from sync.receiver.orders import OrderFeed
from sync.relay import EventsClient, Secret
from sync.relay.orders import OrdersClient, OrdersError
from tests.integration.test_relay_signing import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def secret() -> str:
    return Secret.generate().reveal()


@pytest.fixture
def receiver(secret, tmp_path):
    yield from serve(secret, tmp_path)


def ce(event_id: str, seq: int | None = None, subject: str = "order/o1", **extra) -> str:
    """Return a CloudEvent as JSON text."""
    doc = {"specversion": "1.0", "id": event_id, "source": "urn:test", "type": "t.v1",
           "subject": subject, **extra}
    if seq is not None:
        doc["sequence"] = seq
    return json.dumps(doc)


@pytest.fixture
def client(receiver, secret):
    with EventsClient(receiver.events_url, secret, timeout_s=2) as c:
        yield c


def _results(answer) -> list[tuple[str, str]]:
    return [(i, answer.results[i][0]) for i in answer.results]


def test_events_are_stored_once_and_order_breaks_are_recorded(receiver, client):
    assert client.send_event("e1", ce("e1", 1)).status == 200
    assert client.send_event("e1", ce("e1", 1)).status == 200  # a duplicate is acknowledged
    answer = client.send_batch([("e1", ce("e1", 1)), ("e3", ce("e3", 3)), ("e2", ce("e2", 2)),
                                ("x1", ce("x1", 1, subject="order/o2")),
                                ("x2", ce("x2", 2, subject="order/o2"))])
    assert answer.status == 200
    assert _results(answer) == [("e1", "duplicate"), ("e3", "accepted"), ("e2", "accepted"),
                                ("x1", "accepted"), ("x2", "accepted")]
    assert receiver.store.ids() == ["e1", "e3", "e2", "x1", "x2"]
    assert receiver.store.sequences() == {"order/o1": [1, 3, 2], "order/o2": [1, 2]}
    assert [(v.kind, v.event_id, v.expected, v.got) for v in receiver.store.violations()] == [
        ("gap", "e3", 2, 3), ("two_in_batch", "e3", None, 3), ("late", "e2", 4, 2),  # after e1
        ("two_in_batch", "e2", None, 2), ("two_in_batch", "x2", None, 2)]
    stats = receiver.store.stats()
    assert (stats.stored, stats.duplicates, stats.out_of_order) == (5, 2, 2)


def test_answers_follow_the_contract(receiver, client, secret):
    bad = json.dumps({"specversion": "0.3", "id": "b1", "source": "s", "type": "t"})
    single = client.send_event("b1", bad)
    assert single.status == 422
    answer = client.send_batch([("ok", ce("ok", 1)), ("b1", bad)])
    assert _results(answer) == [("ok", "accepted"), ("b1", "rejected")]
    assert answer.results["b1"][1] == "specversion must be 1.0"
    with httpx.Client() as raw:
        def post(body: str, content_type: str, msg_id: str = "m") -> int:
            headers = {"content-type": content_type, **client.sign(msg_id, body)}
            return raw.post(receiver.events_url, content=body, headers=headers).status_code

        assert post(ce("z", 1), "application/json") == 415
        assert post("{not json", "application/cloudevents+json") == 400
        assert post("[]", "application/cloudevents-batch+json") == 400
        assert post(ce("z", 1), "application/cloudevents-batch+json") == 400  # not an array
        assert raw.get(f"{receiver.url}/nowhere").status_code == 404
    assert receiver.store.ids() == ["ok"]


def test_faults_play_before_or_after_storing(receiver, client):
    faults = receiver.faults
    faults.fail_before(1, status=503)
    assert client.send_event("a", ce("a", 1)).status == 503
    assert receiver.store.ids() == []
    faults.fail_after(1)
    assert client.send_event("a", ce("a", 1)).status == 500
    assert receiver.store.ids() == ["a"]
    faults.drop_before(1)
    dropped = client.send_event("b", ce("b", 2))
    assert dropped.status is None and "RemoteProtocolError" in dropped.error
    assert receiver.store.ids() == ["a"]
    faults.drop_after(1)
    assert client.send_event("b", ce("b", 2)).status is None
    assert receiver.store.ids() == ["a", "b"]
    faults.throttle(1, retry_after="12")
    throttled = client.send_event("c", ce("c", 3))
    assert (throttled.status, throttled.retry_after) == (429, "12")
    faults.slow(0.3)
    started = time.monotonic()
    assert client.send_event("c", ce("c", 3)).status == 200
    assert time.monotonic() - started >= 0.3
    assert [r.status for r in receiver.log] == [503, 500, None, None, 429, 200]
    assert dict(faults.played) == {"fail_before": 1, "fail_after": 1, "drop_before": 1,
                                   "drop_after": 1, "throttle": 1, "slow": 1}


def test_the_random_mode_is_reproducible_from_its_seed():
    def run(seed: int) -> list:
        faults = Faults()
        faults.randomly(0.3, seed=seed)
        return [f and f.kind for f in (faults.next_fault() for _ in range(2000))]

    first = run(5)
    assert first == run(5) and first != run(6)
    share = sum(f is not None for f in first) / len(first)
    assert 0.25 < share < 0.35


def test_the_control_endpoint_sets_faults(receiver, client, secret, tmp_path):
    with httpx.Client(base_url=receiver.url) as raw:
        assert raw.post("/_control", json={"fault": "fail_before", "count": 2,
                                            "status": 502}).json() == {"status": "ok fail_before"}
        assert raw.post("/_control", json={"fault": "explode"}).status_code == 400
        assert raw.post("/_control", content="nope").status_code == 400
        assert [client.send_event("a", ce("a", 1)).status for _ in range(3)] == [502, 502, 200]
        raw.post("/_control", json={"fault": "random", "rate": 1.0, "seed": 1,
                                    "kinds": ["throttle"], "retry_after": "3"})
        assert client.send_event("b", ce("b", 2)).retry_after == "3"
        raw.post("/_control", json={"fault": "clear"})
        assert client.send_event("b", ce("b", 2)).status == 200
        stats = raw.get("/_stats").json()
        assert (stats["requests"], stats["stored"], stats["faults"]) == (
            5, 2, {"fail_before": 2, "throttle": 1})
    with Receiver(secret, str(tmp_path / "closed.db"), control=False) as closed, \
            httpx.Client(base_url=closed.url) as raw:
        assert raw.post("/_control", json={"fault": "clear"}).status_code == 404
        assert raw.get("/_stats").status_code == 404


def test_it_runs_as_a_process_with_control_lines_on_stdin(tmp_path, secret):
    env = {**os.environ, "PACKBENCH_BACKEND_SECRET": secret}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.receiver", "--listen", "127.0.0.1:0",
         "--db", str(tmp_path / "rx.db")],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")

        def control(line: str) -> str:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            return proc.stdout.readline().strip()

        assert "fail_before" in control("help")
        assert control("fail_before 1 503") == "ok fail_before"
        with EventsClient(f"{url}/events", secret) as client:
            assert client.send_event("a", ce("a", 1)).status == 503
            assert client.send_event("a", ce("a", 1)).status == 200
        assert json.loads(control("stats"))["stored"] == 1
        assert control("bogus").startswith("error")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()


def test_orders_are_paged_and_signed_both_ways(tmp_path, secret):
    orders = [{"order_id": f"ord_{i}", "order_number": f"SO-{i}"} for i in range(250)]
    with Receiver(secret, str(tmp_path / "rx.db"), orders=orders) as rx:
        with OrdersClient(rx.orders_url, secret) as client:
            pages = list(client.pages(limit=100))
            assert [len(p) for p in pages] == [100, 100, 50]
            assert [o["order_id"] for p in pages for o in p] == [o["order_id"] for o in orders]
            with pytest.raises(OrdersError, match="HTTP 400"):
                client.page(cursor="garbage!")
        with OrdersClient(rx.orders_url, Secret.generate()) as stranger, \
                pytest.raises(OrdersError, match="HTTP 401"):
            stranger.page()
        with httpx.Client() as raw:
            assert raw.get(rx.orders_url).status_code == 401


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=12)
_EVENTISH = st.fixed_dictionaries(
    {"specversion": st.sampled_from(["1.0", "0.3", 1]), "id": st.text(max_size=6) | _JSON,
     "source": st.just("urn:x") | _JSON, "type": st.just("t")},
    optional={"subject": st.sampled_from(["order/a", "order/b", ""]) | _JSON,
              "sequence": st.integers(-2, 5) | st.text(max_size=3) | _JSON})


def test_any_signed_body_gets_an_answer_by_the_contract(tmp_path, secret):
    with Receiver(secret, str(tmp_path / "rx.db")) as rx, \
            EventsClient(rx.events_url, secret) as client, httpx.Client() as raw:

        @settings(max_examples=80, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(doc=st.one_of(_JSON, _EVENTISH, st.lists(_EVENTISH | _JSON, max_size=6)),
               batch=st.booleans())
        def check(doc, batch):
            body = json.dumps(doc)
            kind = "application/cloudevents-batch+json" if batch else \
                "application/cloudevents+json"
            headers = {"content-type": kind, **client.sign("m", body)}
            answer = raw.post(rx.events_url, content=body, headers=headers, timeout=5)
            assert answer.status_code in (200, 400, 422)
            reply = answer.json()
            if answer.status_code != 400:
                items = reply["results"]
                assert len(items) == (len(doc) if batch else 1)
                assert {i["status"] for i in items} <= {"accepted", "duplicate", "rejected"}

        check()


@settings(max_examples=300, deadline=1000)
@given(st.lists(st.text(min_size=1, max_size=6).filter(lambda w: not w.isspace()),
                min_size=1, max_size=4))
def test_control_lines_fail_only_with_a_readable_error(words):
    with contextlib.suppress(ValueError, KeyError, IndexError, TypeError):
        apply_control(Faults(), control_from_words(words))


@settings(max_examples=300, deadline=1000)
@given(st.text(max_size=20))
def test_order_cursors_fail_only_with_value_error(cursor):
    feed = OrderFeed(Webhook(Secret.generate().reveal()), [{"order_id": "a"}] * 3)
    with contextlib.suppress(ValueError):
        feed.page(cursor, "2")
