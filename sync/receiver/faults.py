"""Choose the fault the reference receiver plays on its next events request, if any.

Faults are queued one-shot (`fail_before(3)`: the next three requests) and taken in order;
when none is queued, the random mode (`randomly(rate, seed=...)`) picks one for a share of
requests from a seeded RNG, so a test run can be replayed. The kinds:

- `fail_before`: answer `status` (500) without storing anything;
- `fail_after`: store the events, then answer `status` (500): the sender must retry and
  the retry must come back as duplicates;
- `drop_before`: close the connection without an answer, nothing stored;
- `drop_after`: store, then close without an answer (a lost acknowledgement);
- `throttle`: answer 429 with `Retry-After` (seconds, or an HTTP date);
- `slow`: wait `delay_s`, then handle the request normally (a client timeout makes this a
  lost answer, since the events are stored after the wait).

`item_retry_rate` makes that share of a batch's events answer `retry` (not stored).
Control documents (the `POST /_control` body, also built from stdin words) are applied by
`apply_control`: `{"fault": "fail_before", "count": 2, "status": 503}`,
`{"fault": "random", "rate": 0.3, "seed": 7}`, `{"fault": "clear"}`.
"""

from __future__ import annotations

import random
import threading
from collections import Counter, deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["RANDOM_KINDS", "Fault", "FaultKind", "Faults", "apply_control", "control_from_words"]


class FaultKind(StrEnum):
    """The faults a request may meet."""

    FAIL_BEFORE = "fail_before"
    FAIL_AFTER = "fail_after"
    DROP_BEFORE = "drop_before"
    DROP_AFTER = "drop_after"
    THROTTLE = "throttle"
    SLOW = "slow"


RANDOM_KINDS = (FaultKind.FAIL_BEFORE, FaultKind.FAIL_AFTER, FaultKind.DROP_BEFORE,
                FaultKind.DROP_AFTER, FaultKind.THROTTLE)


@dataclass(frozen=True)
class Fault:
    """One fault to play: its kind, the status to answer, Retry-After, delay."""

    kind: FaultKind
    status: int = 500
    retry_after: str = "1"
    delay_s: float = 0.0


class Faults:
    """The receiver's fault plan; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[list] = deque()  # [Fault, remaining]
        self._rate = 0.0
        self._rng = random.Random(0)
        self._kinds: tuple[FaultKind, ...] = RANDOM_KINDS
        self._random_retry_after = "0"
        self._item_retry_rate = 0.0
        self.played: Counter[str] = Counter()

    def inject(self, fault: Fault, count: int = 1) -> None:
        """Queue `fault` for the next `count` requests (after those already queued)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._queue.append([fault, count])

    def fail_before(self, count: int = 1, status: int = 500) -> None:
        """Answer `status` to the next `count` requests without storing."""
        self.inject(Fault(FaultKind.FAIL_BEFORE, status=status), count)

    def fail_after(self, count: int = 1, status: int = 500) -> None:
        """Store the next `count` requests' events, then answer `status`."""
        self.inject(Fault(FaultKind.FAIL_AFTER, status=status), count)

    def drop_before(self, count: int = 1) -> None:
        """Close the connection of the next `count` requests without storing."""
        self.inject(Fault(FaultKind.DROP_BEFORE), count)

    def drop_after(self, count: int = 1) -> None:
        """Store the next `count` requests' events, then close without answering."""
        self.inject(Fault(FaultKind.DROP_AFTER), count)

    def throttle(self, count: int = 1, retry_after: str = "1") -> None:
        """Answer 429 with `Retry-After: retry_after` to the next `count` requests."""
        self.inject(Fault(FaultKind.THROTTLE, status=429, retry_after=retry_after), count)

    def slow(self, delay_s: float, count: int = 1) -> None:
        """Wait `delay_s` before handling each of the next `count` requests."""
        self.inject(Fault(FaultKind.SLOW, delay_s=delay_s), count)

    def randomly(
        self, rate: float, *, seed: int = 0, kinds: tuple[FaultKind, ...] = RANDOM_KINDS,
        retry_after: str = "0", item_retry_rate: float = 0.0,
    ) -> None:
        """Fail a share `rate` of requests (kind drawn from `kinds`) from a seeded RNG."""
        if not (0.0 <= rate <= 1.0 and 0.0 <= item_retry_rate <= 1.0):
            raise ValueError("rates are between 0 and 1")
        with self._lock:
            self._rate, self._rng = rate, random.Random(seed)
            self._kinds = tuple(FaultKind(k) for k in kinds) or RANDOM_KINDS
            self._random_retry_after = retry_after
            self._item_retry_rate = item_retry_rate

    def clear(self) -> None:
        """Forget every queued fault and stop the random mode."""
        with self._lock:
            self._queue.clear()
            self._rate = self._item_retry_rate = 0.0

    def next_fault(self) -> Fault | None:
        """Return the fault the current request meets, or None."""
        with self._lock:
            if self._queue:
                entry = self._queue[0]
                entry[1] -= 1
                if entry[1] == 0:
                    self._queue.popleft()
                fault = entry[0]
            elif self._rate and self._rng.random() < self._rate:
                kind = self._rng.choice(self._kinds)
                status = 429 if kind is FaultKind.THROTTLE else 500
                fault = Fault(kind, status=status, retry_after=self._random_retry_after)
            else:
                return None
            self.played[fault.kind] += 1
            return fault

    def item_retry(self) -> bool:
        """Tell whether this batch item should be answered `retry`."""
        with self._lock:
            if self._item_retry_rate and self._rng.random() < self._item_retry_rate:
                self.played["item_retry"] += 1
                return True
            return False


def apply_control(faults: Faults, doc: dict[str, Any]) -> str:
    """Apply one control document; return a short confirmation (ValueError if it is bad)."""
    if not isinstance(doc, dict):
        raise ValueError("a control document is a JSON object")
    name = doc.get("fault")
    count = int(doc.get("count", 1))
    if name == "clear":
        faults.clear()
    elif name in ("fail_before", "fail_after"):
        getattr(faults, name)(count, int(doc.get("status", 500)))
    elif name in ("drop_before", "drop_after"):
        getattr(faults, name)(count)
    elif name == "throttle":
        faults.throttle(count, str(doc.get("retry_after", "1")))
    elif name == "slow":
        faults.slow(float(doc["delay_s"]), count)
    elif name == "random":
        kinds = tuple(doc.get("kinds") or RANDOM_KINDS)
        faults.randomly(float(doc["rate"]), seed=int(doc.get("seed", 0)), kinds=kinds,
                        retry_after=str(doc.get("retry_after", "0")),
                        item_retry_rate=float(doc.get("item_retry_rate", 0.0)))
    else:
        raise ValueError(f"unknown fault {name!r}")
    return f"ok {name}"


def control_from_words(words: list[str]) -> dict[str, Any]:
    """Turn a control line (`fail_before 3 503`, `random 0.3 7`, `slow 2`) into a document."""
    name, args = words[0], words[1:]
    doc: dict[str, Any] = {"fault": name}
    if name in ("fail_before", "fail_after"):
        doc.update(zip(("count", "status"), map(int, args), strict=False))
    elif name in ("drop_before", "drop_after"):
        doc.update(zip(("count",), map(int, args), strict=False))
    elif name == "throttle":
        if args:
            doc["count"] = int(args[0])
        if len(args) > 1:
            doc["retry_after"] = " ".join(args[1:])
    elif name == "slow":
        doc["delay_s"] = float(args[0])
        if len(args) > 1:
            doc["count"] = int(args[1])
    elif name == "random":
        doc["rate"] = float(args[0])
        if len(args) > 1:
            doc["seed"] = int(args[1])
    return doc
