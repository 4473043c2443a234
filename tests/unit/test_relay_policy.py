"""The relay's pure retry rules: classification, capped full-jitter backoff, Retry-After."""

from __future__ import annotations

import json
import pickle
import random
import statistics
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.relay.client import Secret, parse_batch_answer
from sync.relay.policy import (
    RetryPolicy,
    Verdict,
    backoff_delay,
    classify,
    classify_item,
    parse_retry_after,
    retry_delay,
)

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "verdict"), [
    (200, Verdict.DELIVERED), (201, Verdict.DELIVERED), (202, Verdict.DELIVERED),
    (204, Verdict.DELIVERED),
    (400, Verdict.DEAD), (422, Verdict.DEAD),
    (401, Verdict.PAUSE), (403, Verdict.PAUSE), (404, Verdict.PAUSE), (410, Verdict.PAUSE),
    (None, Verdict.RETRY), (408, Verdict.RETRY), (425, Verdict.RETRY), (429, Verdict.RETRY),
    (500, Verdict.RETRY), (502, Verdict.RETRY), (503, Verdict.RETRY), (504, Verdict.RETRY),
    (599, Verdict.RETRY),
    # Not understood: never a reason to drop an event.
    (301, Verdict.RETRY), (409, Verdict.RETRY), (413, Verdict.RETRY), (418, Verdict.RETRY),
])
def test_classify(status, verdict):
    assert classify(status) is verdict


@pytest.mark.parametrize(("item", "verdict"), [
    ("accepted", Verdict.DELIVERED), ("duplicate", Verdict.DELIVERED),
    ("rejected", Verdict.DEAD), ("retry", Verdict.RETRY), ("weird", Verdict.RETRY),
    (None, Verdict.RETRY), (200, Verdict.RETRY),
])
def test_classify_batch_items(item, verdict):
    assert classify_item(item) is verdict


def test_backoff_grows_exponentially_up_to_the_cap_with_full_jitter():
    policy = RetryPolicy(base_s=0.5, cap_s=60.0)
    rng = random.Random(1234)
    for attempt in range(1, 40):
        ceiling = min(60.0, 0.5 * 2 ** (attempt - 1))
        samples = [backoff_delay(attempt, policy, rng) for _ in range(400)]
        assert all(0.0 <= d <= ceiling for d in samples)
        # Full jitter: the whole range is used, not just the top (equal jitter) or a point.
        assert min(samples) < 0.1 * ceiling and max(samples) > 0.9 * ceiling
        assert statistics.mean(samples) == pytest.approx(ceiling / 2, rel=0.15)
    assert max(backoff_delay(10**9, policy, rng) for _ in range(200)) <= 60.0


def test_backoff_is_reproducible_from_a_seed():
    policy = RetryPolicy()
    a = [backoff_delay(n, policy, random.Random(7)) for n in range(1, 12)]
    b = [backoff_delay(n, policy, random.Random(7)) for n in range(1, 12)]
    assert a == b
    assert a != [backoff_delay(n, policy, random.Random(8)) for n in range(1, 12)]


def test_retry_after_replaces_the_backoff_within_its_bound():
    policy = RetryPolicy(base_s=0.5, cap_s=60.0, max_retry_after_s=600.0)
    rng = random.Random(0)
    assert retry_delay(1, 7.0, policy, rng) == 7.0
    assert retry_delay(30, 0.0, policy, rng) == 0.0
    assert retry_delay(1, 90.0, policy, rng) == 90.0  # longer than the cap: still honoured
    assert retry_delay(1, 86_400.0, policy, rng) == 600.0
    assert 0.0 <= retry_delay(1, None, policy, rng) <= 0.5


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), ("0", 0.0), (" 5 ", 5.0),
    (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
    ("Sun, 01 Mar 2026 12:01:00 GMT", 60.0),
    (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),  # past: now
    (None, None), ("", None), ("-5", None), ("1.5", None), ("soon", None), ("٣", None),
    ("Sun, 99 Foo 2026 12:01:00 GMT", None),
])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


@settings(max_examples=300, deadline=1000)
@given(st.text(max_size=60))
def test_parse_retry_after_never_raises(text):
    result = parse_retry_after(text, NOW)
    assert result is None or result >= 0.0


@settings(max_examples=300, deadline=1000)
@given(attempt=st.integers(min_value=-5, max_value=10**12),
       base=st.floats(min_value=0.001, max_value=10.0),
       extra=st.floats(min_value=0.0, max_value=1000.0), seed=st.integers())
def test_backoff_is_always_within_zero_and_the_cap(attempt, base, extra, seed):
    policy = RetryPolicy(base_s=base, cap_s=base + extra)
    assert 0.0 <= backoff_delay(attempt, policy, random.Random(seed)) <= base + extra


@pytest.mark.parametrize("kwargs", [{"base_s": 0}, {"base_s": 2, "cap_s": 1}, {"probe_s": 0},
                                    {"max_retry_after_s": -1}])
def test_policy_rejects_nonsense(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_a_secret_never_shows_itself():
    secret = Secret.generate()
    value = secret.reveal()
    key = value.removeprefix("whsec_")
    for shown in (repr(secret), str(secret), f"{secret}", repr([secret])):
        assert value not in shown and key not in shown
    assert secret.redact(f"x {value} y {key}") == "x [secret] y [secret]"
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    for bad in ("", "whsec_", "whsec_!!!", "abc", "whsec_" + "QUJD"):
        with pytest.raises(ValueError) as info:
            Secret(bad)
        assert bad not in str(info.value) or bad in ("", "whsec_")


def test_a_batch_answer_is_read_per_event():
    answer = json.dumps({"results": [
        {"id": "a", "status": "accepted"}, {"id": "b", "status": "rejected", "error": "bad\n x"},
        {"id": "zzz", "status": "accepted"}, {"id": "c"}, "junk", {"id": 5, "status": "x"}]})
    assert parse_batch_answer(answer.encode(), {"a", "b", "c"}) == {
        "a": ("accepted", ""), "b": ("rejected", "bad x")}
    for unreadable in (b"", b"not json", b"[]", b'{"results": {}}', b"\xff\xfe"):
        assert parse_batch_answer(unreadable, {"a"}) is None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=1000)
@given(st.one_of(st.binary(max_size=200),
                 _JSON.map(lambda v: json.dumps(v).encode()),
                 st.lists(st.fixed_dictionaries({"id": st.sampled_from(["a", "b", 1, None]),
                                                 "status": _JSON}), max_size=5)
                 .map(lambda items: json.dumps({"results": items}).encode())))
def test_reading_a_batch_answer_never_raises(content):
    got = parse_batch_answer(content, {"a", "b"})
    assert got is None or (set(got) <= {"a", "b"} and all(
        isinstance(w, str) and isinstance(e, str) for w, e in got.values()))
