"""Drain the outbox to the backend from a background thread; packing never waits on it.

One `Relay` per station. Its worker thread repeats a cycle: claim due head-of-line events
(a short transaction), send them (one event, or a batch of at most one event per order),
record the outcome (another short transaction). No transaction is open while a request
is in flight, so the station's own writes are never held up by the network.

- `wake()` after committing new events makes the worker look at once; otherwise it looks
  again when the next event is due, or after `poll_s` at the latest (other senders'
  progress is not signalled).
- Each failed event is retried with capped, full-jitter backoff (`RetryPolicy`); a failure
  of the whole request (no answer, 408/425/429/5xx) also holds the whole queue for a
  backoff (or the `Retry-After`), so a backend that is down sees one probe at a time and
  not one request per waiting event.
- 400/422: the event is dead (kept, visible, retryable); an alert `dead_letter` is raised.
- 401/403/404/410: the queue pauses (state PAUSED, alert `paused`): nothing more is sent
  until `resume()` is called or, after `RetryPolicy.probe_s`, one event is tried again; a
  probe that is acknowledged resumes the queue (alert `resumed`).
- A batch refused as a whole with 400/413/415/422 is sent again event by event, so only
  the event that is really at fault is dead-lettered.

`on_alert(kind, detail)` and `on_relay_state_changed(state)` are called from the worker
thread; a GUI re-emits them on its own thread. `flush(timeout)` waits until the outbox
holds no deliverable event (it drives the cycles itself when the thread is not running).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from sync.relay.claim import (
    Claimed,
    Failure,
    claim,
    mark_delivered,
    mark_failed,
    next_due,
    outstanding_count,
    release,
)
from sync.relay.client import EventsClient
from sync.relay.delivery import Outcome, deliver
from sync.relay.policy import RetryPolicy, Verdict, retry_delay
from sync.relay.state import AlertKind, Cycle, RelaySettings, RelayState, RelayStats

__all__ = ["AlertKind", "Cycle", "Relay", "RelaySettings", "RelayState", "RelayStats",
           "open_relay"]

log = logging.getLogger(__name__)

_MIN_WAIT_S = 0.02


Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Relay:
    """Deliver the outbox of `sessions` through `client`, as sender `sender_id`."""

    def __init__(
        self, sessions: sessionmaker[Session], client: EventsClient, *, sender_id: str,
        policy: RetryPolicy | None = None, settings: RelaySettings | None = None,
        clock: Clock = _utcnow, rng: random.Random | None = None,
        on_alert: Callable[[str, str], None] | None = None,
        on_relay_state_changed: Callable[[RelayState], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self.sender_id = sender_id
        self.policy = policy or RetryPolicy()
        self.settings = settings or RelaySettings()
        self._clock = clock
        self._rng = rng or random.Random()
        self._on_alert = on_alert
        self._on_state = on_relay_state_changed
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = RelayState.STOPPED
        self._stats = RelayStats()
        self._paused_detail: str | None = None
        self._probe_at: datetime | None = None
        self._hold_until: datetime | None = None
        self._failures = 0  # consecutive failed requests
        self._idle_gen = 0
        self._last_outstanding: int | None = None
        self._flushers = 0

    def __repr__(self) -> str:
        return f"Relay(sender_id={self.sender_id!r}, url={self._client.url!r}, state={self.state})"

    # -- public API ---------------------------------------------------------------------

    @property
    def state(self) -> RelayState:
        """Return the current state."""
        return self._state

    @property
    def stats(self) -> RelayStats:
        """Return the counters."""
        return self._stats

    @property
    def paused_detail(self) -> str | None:
        """Return why the queue is paused, or None when it is not."""
        return self._paused_detail

    def start(self) -> None:
        """Start the worker thread (no-op if it runs)."""
        if self._thread and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"relay-{self.sender_id}",
                                        daemon=True)
        self._set_state(RelayState.IDLE if not self._paused_detail else RelayState.PAUSED)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> bool:
        """Stop the worker after its current request; return False if it did not end in time."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return False
        self._thread = None
        self._set_state(RelayState.STOPPED)
        return True

    def close(self, timeout: float | None = 10.0) -> None:
        """Stop the worker and close the client."""
        self.stop(timeout)
        self._client.close()

    def wake(self) -> None:
        """Tell the worker new events were committed."""
        self._wake.set()

    def resume(self) -> None:
        """Lift a pause (after the configuration was fixed) and send again at once."""
        with self._lock:
            was_paused = self._paused_detail is not None
            self._paused_detail = self._probe_at = self._hold_until = None
        if was_paused:
            self._alert(AlertKind.RESUMED, "resumed by request")
            self._set_state(RelayState.IDLE)
        self.wake()

    def flush(self, timeout: float) -> bool:
        """Wait until every deliverable event is delivered (True) or `timeout` passes (False).

        Events held back behind a dead event of their order do not count; a paused queue
        delivers nothing, so flush() then returns False at the timeout.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            self._flushers += 1
        try:
            if self._thread is None or not self._thread.is_alive():
                return self._drive(deadline)
            with self._idle:
                gen = self._idle_gen
                self._wake.set()
                while not (self._idle_gen > gen and self._last_outstanding == 0):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._idle.wait(remaining)
            return True
        finally:
            with self._lock:
                self._flushers -= 1

    def run_once(self) -> Cycle:
        """Run one cycle: claim, send, record; return what it did."""
        now = self._clock()
        wait = self._held(now)
        if wait is not None:
            return Cycle(wait_s=wait)
        probing = self._paused_detail is not None
        with self._sessions.begin() as s:
            claimed = claim(s, sender=self.sender_id, now=now, lease_s=self.settings.lease_s,
                            limit=1 if probing else self.settings.batch_size)
        if not claimed:
            return self._idle_cycle(now)
        if not probing and self._failures == 0:  # RETRYING lasts until an answer comes
            self._set_state(RelayState.SENDING)
        try:
            outcomes, requests = deliver(self._client, claimed, self._clock)
        except BaseException:
            with self._sessions.begin() as s:
                release(s, [c.id for c in claimed], sender=self.sender_id)
            raise
        self._stats = replace(self._stats, requests=self._stats.requests + requests)
        return self._record(claimed, outcomes)

    # -- one cycle ----------------------------------------------------------------------

    def _held(self, now: datetime) -> float | None:
        """Return how long the queue must still wait (pause or hold), or None to go on."""
        with self._lock:
            until = self._probe_at if self._paused_detail else self._hold_until
        if until is not None and now < until:
            return (until - now).total_seconds()
        return None

    def _idle_cycle(self, now: datetime) -> Cycle:
        with self._sessions() as s:
            due = next_due(s, now)
            # Counting is not free on a big backlog: only when someone waits in flush().
            outstanding = outstanding_count(s) if self._flushers else None
        poll = self.settings.poll_s
        wait = poll if due is None else min(poll, (due - now).total_seconds())
        wait = max(wait, min(poll, _MIN_WAIT_S))
        with self._idle:
            self._idle_gen += 1
            self._last_outstanding = outstanding
            self._idle.notify_all()
        if self._paused_detail is None and self._failures == 0:
            self._set_state(RelayState.IDLE)
        return Cycle(wait_s=wait, outstanding=outstanding)

    def _record(self, claimed: list[Claimed], outcomes: list[Outcome]) -> Cycle:
        now = self._clock()
        done: dict[int | None, list[str]] = {}
        failures: list[Failure] = []
        for o in outcomes:
            if o.verdict is Verdict.DELIVERED:
                done.setdefault(o.status, []).append(o.event.id)
                continue
            at = now  # dead, or paused: due again as soon as the queue resumes
            if o.verdict is Verdict.RETRY:
                delay = retry_delay(o.event.attempts + 1, o.retry_after_s, self.policy, self._rng)
                at = now + timedelta(seconds=delay)
            failures.append(Failure(o.event.id, o.verdict is Verdict.DEAD, at, o.status, o.error))
        tried = {o.event.id for o in outcomes}
        untried = [c.id for c in claimed if c.id not in tried]
        with self._sessions.begin() as s:
            for status, ids in done.items():
                mark_delivered(s, ids, now=now, status=status)
            mark_failed(s, failures, sender=self.sender_id)
            release(s, untried, sender=self.sender_id)
        delivered = sum(len(ids) for ids in done.values())
        dead = sum(f.dead for f in failures)
        self._stats = replace(self._stats, delivered=self._stats.delivered + delivered,
                              dead=self._stats.dead + dead,
                              retried=self._stats.retried + len(failures) - dead)
        self._after_request(outcomes, now)
        return Cycle(claimed=len(claimed), delivered=delivered, dead=dead,
                     retried=len(failures) - dead)

    def _after_request(self, outcomes: list[Outcome], now: datetime) -> None:
        """Update the queue-wide state: pause, hold after a failed request, alerts."""
        for o in outcomes:
            if o.verdict is Verdict.DEAD:
                self._alert(AlertKind.DEAD_LETTER, f"event {o.event.id} of order "
                            f"{o.event.order_id} refused (HTTP {o.status}): {o.error}")
        pause = next((o for o in outcomes if o.verdict is Verdict.PAUSE), None)
        if pause is not None:
            self._pause(pause.status, pause.error, now)
            return
        acknowledged = any(o.status is not None and 200 <= o.status < 300 for o in outcomes)
        if self._paused_detail is not None and not acknowledged:
            self._pause(None, "the probe was not acknowledged", now)
            return
        if all(o.whole_backend_failed for o in outcomes):
            self._failures += 1
            hold = retry_delay(self._failures, outcomes[-1].retry_after_s, self.policy,
                               self._rng)
            with self._lock:
                self._hold_until = now + timedelta(seconds=hold)
            self._set_state(RelayState.RETRYING)
            return
        self._failures = 0
        with self._lock:
            self._hold_until = None
            was_paused = self._paused_detail is not None
            if acknowledged:
                self._paused_detail = self._probe_at = None
        if acknowledged and was_paused:
            self._alert(AlertKind.RESUMED, "the events endpoint accepts events again")
        if self._paused_detail is None:
            self._set_state(RelayState.SENDING)

    def _pause(self, status: int | None, error: str, now: datetime) -> None:
        detail = (f"events endpoint answered HTTP {status}: check the backend URL and secret; "
                  f"nothing is sent until resumed (next probe in {self.policy.probe_s:g} s)")
        with self._lock:
            first = self._paused_detail is None
            if first or status is not None:
                self._paused_detail = detail
            self._probe_at = now + timedelta(seconds=self.policy.probe_s)
        if first:
            self._stats = replace(self._stats, pauses=self._stats.pauses + 1)
            log.error("%s (%s)", detail, error)
            self._alert(AlertKind.PAUSED, detail)
        self._set_state(RelayState.PAUSED)

    # -- plumbing -----------------------------------------------------------------------

    def _alert(self, kind: AlertKind, detail: str) -> None:
        if self._on_alert is None:
            return
        try:
            self._on_alert(str(kind), detail)
        except Exception:
            log.exception("on_alert handler failed")

    def _set_state(self, state: RelayState) -> None:
        if state is self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:
                log.exception("on_relay_state_changed handler failed")

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                cycle = self.run_once()
            except Exception:
                log.exception("outbox relay cycle failed; trying again")
                cycle = Cycle(wait_s=self.settings.poll_s)
            if cycle.claimed and cycle.wait_s == 0:
                continue
            self._wake.wait(cycle.wait_s)

    def _drive(self, deadline: float) -> bool:
        """Run cycles in the calling thread until nothing deliverable is left, or the deadline."""
        while True:
            self._wake.clear()
            cycle = self.run_once()
            if cycle.outstanding == 0:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if not cycle.claimed:
                self._wake.wait(min(cycle.wait_s, remaining))


def open_relay(
    sessions: sessionmaker[Session], *, events_url: str, secret: str, sender_id: str,
    timeout_s: float = 10.0, verify: bool | str = True, **relay_kwargs,
) -> Relay:
    """Return a relay with its own client for `events_url` (`close()` closes both)."""
    client = EventsClient(events_url, secret, timeout_s=timeout_s, verify=verify)
    return Relay(sessions, client, sender_id=sender_id, **relay_kwargs)
