"""Send one cycle's claimed events and turn the answers into one outcome per event.

One event goes alone (`application/cloudevents+json`); several go as one batch. A batch
answered 2xx is read per event (`results`, docs/backend-api.md): an event without a result
is retried. A batch refused as a whole with 400/413/415/422 may be one event's fault (or a
backend without batches), so its events are sent again one by one, and only the one really
refused is dead-lettered; that stops at the first event that needs a retry or a pause (the
rest are given back untried). Any other answer applies to every event of the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sync.relay.claim import Claimed
from sync.relay.client import Answer, EventsClient
from sync.relay.policy import Verdict, classify, classify_item, parse_retry_after

__all__ = ["REJECTED_STATUS", "Outcome", "deliver"]

log = logging.getLogger(__name__)

SPLIT_STATUSES = frozenset({400, 413, 415, 422})
REJECTED_STATUS = 422  # recorded for an event a batch answer marks "rejected"


@dataclass(frozen=True)
class Outcome:
    """What became of one event: verdict, HTTP status, error text, Retry-After seconds."""

    event: Claimed
    verdict: Verdict
    status: int | None
    error: str
    retry_after_s: float | None

    @property
    def whole_backend_failed(self) -> bool:
        """Tell whether this was a retry because the backend as a whole did not answer well."""
        return self.verdict is Verdict.RETRY and (
            self.status is None or self.status in (408, 425, 429) or self.status >= 500)


def deliver(
    client: EventsClient, claimed: list[Claimed], clock: Callable[[], datetime]
) -> tuple[list[Outcome], int]:
    """Send `claimed`; return the outcomes (of the events tried) and the requests made."""
    sender = _Sender(client, clock)
    if len(claimed) == 1:
        return [sender.one(claimed[0])], sender.requests
    answer = sender.request(lambda: client.send_batch([(c.id, c.body) for c in claimed]))
    if answer.status in SPLIT_STATUSES:
        log.info("batch refused as a whole (HTTP %s): sending its events one by one",
                 answer.status)
        outcomes = []
        for c in claimed:
            outcomes.append(sender.one(c))
            if outcomes[-1].verdict in (Verdict.PAUSE, Verdict.RETRY):
                break
        return outcomes, sender.requests
    if answer.status is not None and 200 <= answer.status < 300:
        return [sender.item(c, answer) for c in claimed], sender.requests
    verdict = classify(answer.status)
    delay = sender.retry_after(answer)
    return [Outcome(c, verdict, answer.status, answer.error, delay) for c in claimed], \
        sender.requests


class _Sender:
    def __init__(self, client: EventsClient, clock: Callable[[], datetime]) -> None:
        self.client, self.clock, self.requests = client, clock, 0

    def request(self, send: Callable[[], Answer]) -> Answer:
        answer = send()
        self.requests += 1
        if answer.status is None or not (200 <= answer.status < 300):
            log.warning("events endpoint: %s", answer.error)
        return answer

    def retry_after(self, answer: Answer) -> float | None:
        return parse_retry_after(answer.retry_after, self.clock())

    def one(self, c: Claimed) -> Outcome:
        answer = self.request(lambda: self.client.send_event(c.id, c.body))
        return Outcome(c, classify(answer.status), answer.status, answer.error,
                       self.retry_after(answer))

    def item(self, c: Claimed, answer: Answer) -> Outcome:
        result = (answer.results or {}).get(c.id)
        if result is None:
            return Outcome(c, Verdict.RETRY, answer.status, "no result for this event", None)
        word, text = result
        verdict = classify_item(word)
        status = REJECTED_STATUS if verdict is Verdict.DEAD else answer.status
        error = "" if verdict is Verdict.DELIVERED else f"{word}: {text}".rstrip(": ")
        return Outcome(c, verdict, status, error, self.retry_after(answer))
