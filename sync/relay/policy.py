"""Decide what follows a delivery attempt: delivered, retry when, dead-letter, or pause.

Pure functions, no I/O and no clock of their own: the relay passes in the HTTP status
(None when no answer arrived), the `Retry-After` header, the attempt number, a random
source and the current time, so every decision is reproducible in a test.

Classification of an answer (to a whole request, or of one event inside a batch answer):

- 2xx: delivered (acknowledged).
- 400, 422: dead after this one attempt. The backend refuses the event as it is, and the
  same bytes would be refused again; the event is kept, visible and retryable by hand.
- 401, 403, 404, 410: pause. The credentials or the endpoint are wrong for every event,
  so the whole queue stops and an alert is raised instead of burning attempts.
- no answer (connection refused or dropped, timeout), 408, 425, 429, 5xx: retry.
- anything else (3xx, other 4xx): retry as well. An answer we do not understand is never a
  reason to drop an event.

Retry delays are capped exponential backoff with full jitter: attempt n waits a uniformly
random time in [0, min(cap, base * 2**(n-1))], which spreads a fleet of stations that
failed together instead of having them retry in step. A `Retry-After` header (seconds or
an HTTP date) replaces the computed delay, bounded by `max_retry_after_s` so a broken
header cannot stall a station for days.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

__all__ = ["RetryPolicy", "Verdict", "backoff_delay", "classify", "classify_item",
           "parse_retry_after", "retry_delay"]

DEAD_STATUSES = frozenset({400, 422})
PAUSE_STATUSES = frozenset({401, 403, 404, 410})
RETRY_STATUSES = frozenset({408, 425, 429})
# Batch answer item statuses (docs/backend-api.md).
ITEM_ACKNOWLEDGED = frozenset({"accepted", "duplicate"})
ITEM_REJECTED = "rejected"
# A 2**n that can no longer matter once it is above any sane cap.
_MAX_EXPONENT = 62


class Verdict(StrEnum):
    """What to do with an event after an attempt."""

    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"
    PAUSE = "pause"


@dataclass(frozen=True)
class RetryPolicy:
    """Retry timing: backoff base and cap, Retry-After bound, probe interval when paused."""

    base_s: float = 0.5
    cap_s: float = 60.0
    max_retry_after_s: float = 3600.0
    # A paused queue (401/403/404/410) tries one event again after this long.
    probe_s: float = 300.0

    def __post_init__(self) -> None:
        if not (0 < self.base_s <= self.cap_s):
            raise ValueError("need 0 < base_s <= cap_s")
        if self.max_retry_after_s < 0 or self.probe_s <= 0:
            raise ValueError("max_retry_after_s must be >= 0 and probe_s > 0")


def classify(status: int | None) -> Verdict:
    """Classify the HTTP status of an answer (None: no answer arrived)."""
    if status is None:
        return Verdict.RETRY
    if 200 <= status < 300:
        return Verdict.DELIVERED
    if status in DEAD_STATUSES:
        return Verdict.DEAD
    if status in PAUSE_STATUSES:
        return Verdict.PAUSE
    return Verdict.RETRY  # 408, 425, 429, 5xx, and anything not understood


def classify_item(status: object) -> Verdict:
    """Classify one event's `status` in a batch answer; a missing or unknown one is a retry."""
    if status in ITEM_ACKNOWLEDGED:
        return Verdict.DELIVERED
    if status == ITEM_REJECTED:
        return Verdict.DEAD
    return Verdict.RETRY


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Return the full-jitter delay in seconds before retry number `attempt` (1, 2, ...)."""
    exponent = min(max(attempt, 1) - 1, _MAX_EXPONENT)
    ceiling = min(policy.cap_s, policy.base_s * (2 ** exponent))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Return the seconds a `Retry-After` value asks to wait, or None if absent or invalid."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay(
    attempt: int, retry_after_s: float | None, policy: RetryPolicy, rng: random.Random
) -> float:
    """Return the delay before the next attempt: Retry-After if given, else the backoff."""
    if retry_after_s is not None:
        return min(max(retry_after_s, 0.0), policy.max_retry_after_s)
    return backoff_delay(attempt, policy, rng)
