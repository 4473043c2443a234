"""Page through the orders ready to pack, for `GET /orders` (docs/backend-api.md).

A page is `{"orders": [...], "next_cursor": "..." | null}`; `next_cursor` is opaque to
the client (here: base64url of the offset) and null on the last page. The answer is
signed like an event (`webhook-id` `orders_<UUIDv7>`, `webhook-timestamp`,
`webhook-signature` over the answer body), so a station can tell it came from the backend.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from math import floor

import uuid6
from standardwebhooks import Webhook

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "OrderFeed"]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError):
        raise ValueError("cursor is not valid") from None
    if not (text.startswith("o") and text[1:].isdigit()):
        raise ValueError("cursor is not valid")
    return int(text[1:])


class OrderFeed:
    """The orders the receiver offers, in a fixed order."""

    def __init__(self, webhook: Webhook, orders: list[dict]) -> None:
        self._webhook = webhook
        self.orders = list(orders)

    def page(self, cursor: str, limit: str) -> tuple[bytes, dict[str, str]]:
        """Return the page after `cursor` (at most `limit` orders) and its signed headers."""
        start = _decode_cursor(cursor)
        if limit and not limit.isdigit():
            raise ValueError("limit must be a number")
        size = min(max(int(limit or DEFAULT_LIMIT), 1), MAX_LIMIT)
        chunk = self.orders[start:start + size]
        end = start + len(chunk)
        doc = {"orders": chunk,
               "next_cursor": _encode_cursor(end) if end < len(self.orders) else None}
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        now = datetime.now(UTC)
        msg_id = f"orders_{uuid6.uuid7()}"
        headers = {"webhook-id": msg_id, "webhook-timestamp": str(floor(now.timestamp())),
                   "webhook-signature": self._webhook.sign(msg_id, now, text)}
        return text.encode("utf-8"), headers
