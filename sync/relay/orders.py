"""Pull the orders ready to pack from the backend: signed requests, verified answers.

`GET <orders_url>?cursor=...&limit=...` (docs/backend-api.md). The request is signed like
an event, over its request target (path and query, e.g. `/orders?limit=100`) with a fresh
`webhook-id`; the answer is signed by the backend over its body and is verified here with
`standardwebhooks` before anything in it is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from math import floor
from urllib.parse import urlencode, urlsplit

import uuid6
from standardwebhooks import Webhook

from sync.relay.client import USER_AGENT, Secret

__all__ = ["OrdersClient", "OrdersError", "dumps"]


class OrdersError(Exception):
    """The orders could not be fetched or the answer is not to be trusted."""


class OrdersClient:
    """Page through `url` (the backend's orders endpoint) with `secret`."""

    def __init__(
        self, url: str, secret: str | Secret, *, timeout_s: float = 30.0,
        verify: bool | str = True, clock: Callable[[], datetime] | None = None,
    ) -> None:
        import httpx  # loaded with the first client, not at import
        self.url = url
        self._secret = secret if isinstance(secret, Secret) else Secret(secret)
        self._webhook = Webhook(self._secret.reveal())
        self._clock = clock or (lambda: datetime.now(UTC))
        self._http = httpx.Client(timeout=timeout_s, verify=verify, follow_redirects=False,
                                  headers={"user-agent": USER_AGENT})

    def __repr__(self) -> str:
        return f"OrdersClient(url={self.url!r})"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> OrdersClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def page(self, cursor: str = "", limit: int = 100) -> tuple[list[dict], str | None]:
        """Fetch one page; return its orders and the next cursor (None: last page)."""
        import httpx  # loaded with the first client, not at import
        params = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        url = f"{self.url}?{urlencode(params)}"
        parts = urlsplit(url)
        target = f"{parts.path}?{parts.query}"
        when = self._clock().astimezone(UTC)
        msg_id = f"pull_{uuid6.uuid7()}"
        headers = {"webhook-id": msg_id, "webhook-timestamp": str(floor(when.timestamp())),
                   "webhook-signature": self._webhook.sign(msg_id, when, target)}
        try:
            response = self._http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise OrdersError(self._secret.redact(f"{type(exc).__name__}: {exc}")) from None
        if response.status_code != 200:
            raise OrdersError(f"orders endpoint answered HTTP {response.status_code}")
        try:
            doc = self._webhook.verify(response.text, dict(response.headers.items()))
        except Exception as exc:  # the verifier raises several types on malformed headers
            raise OrdersError(f"orders answer not signed by the backend: {exc}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("orders"), list):
            raise OrdersError("orders answer is not {\"orders\": [...]}")
        nxt = doc.get("next_cursor")
        return doc["orders"], nxt if isinstance(nxt, str) and nxt else None

    def pages(self, limit: int = 100) -> Iterator[list[dict]]:
        """Yield every page of orders, first to last."""
        cursor = ""
        while True:
            orders, cursor = self.page(cursor, limit)
            yield orders
            if cursor is None:
                return


def dumps(orders: list[dict]) -> str:
    """Return orders as JSON lines (the `orders import` format)."""
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in orders)
