"""POST signed CloudEvents to the backend's events endpoint, one at a time or as a batch.

Each attempt is signed anew per Standard Webhooks (docs/backend-api.md):

- `webhook-id`: the event id for a single event (the same on every retry); for a batch,
  `batch_` + a UUIDv7 made for that request (a batch is formed anew on each attempt, so the
  events' own ids are the idempotency keys);
- `webhook-timestamp`: Unix seconds of this attempt;
- `webhook-signature`: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, computed by the
  `standardwebhooks` package from the `whsec_...` secret (given a timezone-aware UTC time:
  it signs a wrong timestamp otherwise).

The body is sent byte for byte as stored: a single event as `application/cloudevents+json`,
a batch as `application/cloudevents-batch+json`, the stored bodies joined into a JSON array.

Nothing here raises on a failed delivery: every outcome is an `Answer`. The secret lives
in a `Secret` that never shows its value, and error texts are scrubbed of it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from math import floor

import uuid6
from standardwebhooks import Webhook

__all__ = ["BATCH_TYPE", "EVENT_TYPE", "Answer", "EventsClient", "Secret", "parse_batch_answer"]

EVENT_TYPE = "application/cloudevents+json"
BATCH_TYPE = "application/cloudevents-batch+json"
USER_AGENT = "packbench-relay/1"
_MAX_ERROR = 300


class Secret:
    """Hold a Standard Webhooks secret (`whsec_` + base64); never show its value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str) or not value.startswith("whsec_"):
            raise ValueError("the backend secret must be `whsec_` followed by base64")
        try:
            key = base64.b64decode(value[len("whsec_"):] + "==")
        except (binascii.Error, ValueError):
            raise ValueError("the backend secret is not valid base64") from None
        if len(key) < 16:
            raise ValueError("the backend secret is too short (at least 16 bytes)")
        self._value = value

    @classmethod
    def generate(cls) -> Secret:
        """Return a new random secret (32 bytes)."""
        return cls("whsec_" + base64.b64encode(os.urandom(32)).decode())

    def reveal(self) -> str:
        """Return the secret itself (only for the signer)."""
        return self._value

    def redact(self, text: str) -> str:
        """Return `text` with any copy of the secret (or of its key part) blanked out."""
        for needle in (self._value, self._value[len("whsec_"):]):
            text = text.replace(needle, "[secret]")
        return text

    def __repr__(self) -> str:
        return "Secret('whsec_…')"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class Answer:
    """The outcome of one request: HTTP status (None: no answer), headers, per-event results."""

    status: int | None
    error: str = ""
    retry_after: str | None = None
    # Batch answers only: event id -> (status word, error text); None if unreadable.
    results: dict[str, tuple[str, str]] | None = None
    elapsed_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict, repr=False)


Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class EventsClient:
    """Send signed CloudEvents to `url` over a pooled httpx client (TLS verified)."""

    def __init__(
        self, url: str, secret: str | Secret, *, timeout_s: float = 10.0,
        connect_timeout_s: float = 5.0, verify: bool | str = True, clock: Clock = _utcnow,
    ) -> None:
        import httpx  # loaded with the first client, not at import
        if not url.startswith(("https://", "http://")):
            raise ValueError("the events URL must be http(s)://...")
        self.url = url
        self._secret = Secret(secret) if not isinstance(secret, Secret) else secret
        self._signer = Webhook(self._secret.reveal())
        self._clock = clock
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s), verify=verify,
            follow_redirects=False, headers={"user-agent": USER_AGENT},
        )

    def __repr__(self) -> str:
        return f"EventsClient(url={self.url!r})"

    def __enter__(self) -> EventsClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def sign(self, msg_id: str, body: str, at: datetime | None = None) -> dict[str, str]:
        """Return the three Standard Webhooks headers for `body` signed at `at` (now)."""
        when = (at or self._clock())
        if when.tzinfo is None:
            raise ValueError("signing needs a timezone-aware time")
        when = when.astimezone(UTC)
        return {
            "webhook-id": msg_id,
            "webhook-timestamp": str(floor(when.timestamp())),
            "webhook-signature": self._signer.sign(msg_id, when, body),
        }

    def send_event(self, event_id: str, body: str) -> Answer:
        """POST one stored event; any 2xx is an acknowledgement."""
        return self._post(event_id, body, EVENT_TYPE, batch_ids=None)

    def send_batch(self, bodies: list[tuple[str, str]], batch_id: str | None = None) -> Answer:
        """POST `(event_id, body)` pairs as one batch; read the per-event results."""
        batch_id = batch_id or f"batch_{uuid6.uuid7()}"
        payload = "[" + ",".join(body for _, body in bodies) + "]"
        return self._post(batch_id, payload, BATCH_TYPE, batch_ids=[i for i, _ in bodies])

    def _post(self, msg_id: str, body: str, content_type: str,
              batch_ids: list[str] | None) -> Answer:
        import httpx  # loaded with the first client, not at import
        headers = {"content-type": content_type, **self.sign(msg_id, body)}
        try:
            response = self._http.post(self.url, content=body.encode("utf-8"), headers=headers)
        except httpx.HTTPError as exc:
            return Answer(None, error=self._error(f"{type(exc).__name__}: {exc}"))
        answer_headers = {k.lower(): v for k, v in response.headers.items()}
        results = None
        if batch_ids is not None and 200 <= response.status_code < 300:
            results = parse_batch_answer(response.content, set(batch_ids))
        error = "" if 200 <= response.status_code < 300 else self._error(
            f"HTTP {response.status_code}: {_short(response.text)}")
        return Answer(response.status_code, error=error,
                      retry_after=answer_headers.get("retry-after"), results=results,
                      elapsed_s=response.elapsed.total_seconds(), headers=answer_headers)

    def _error(self, text: str) -> str:
        return self._secret.redact(text)[:_MAX_ERROR]


def _short(text: str) -> str:
    return " ".join(text.split())[:200]


def parse_batch_answer(content: bytes, wanted: set[str]) -> dict[str, tuple[str, str]] | None:
    """Read `{"results": [{"id", "status", "error"?}, ...]}`; None if it is not that."""
    try:
        doc = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    items = doc.get("results") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        return None
    out: dict[str, tuple[str, str]] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        event_id, status = item.get("id"), item.get("status")
        if isinstance(event_id, str) and event_id in wanted and isinstance(status, str):
            error = item.get("error")
            out[event_id] = (status, _short(error) if isinstance(error, str) else "")
    return out
