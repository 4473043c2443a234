"""Fetch ready orders from the backend and import them, page by page, all or nothing.

Each page goes through the same validation and import as `packbench orders import`
(line-numbered errors, nothing written from a bad page, re-importing the same order changes
nothing), so pulling is idempotent and a backend that sends one bad order is reported with
the order's position in its page.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from station.config import StationConfig
from sync import importing
from sync.relay.orders import OrdersClient, dumps


@dataclass
class PullResult:
    pages: int = 0
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def pull_orders(sessions: sessionmaker[Session], config: StationConfig, *,
                limit: int = 100, client: OrdersClient | None = None) -> PullResult:
    """Pull every page from `[backend] orders_url`; raise OrdersError or ImportFailed."""
    backend = config.backend
    if not backend.orders_url:
        raise ValueError("no [backend] orders_url configured")
    own = client is None
    client = client or OrdersClient(backend.orders_url, backend.secret)
    result = PullResult()
    try:
        with tempfile.TemporaryDirectory(prefix="packbench-pull-") as folder:
            for number, orders in enumerate(client.pages(limit), start=1):
                result.pages = number
                if not orders:
                    continue
                path = Path(folder) / f"page-{number}.jsonl"
                path.write_text(dumps(orders), encoding="utf-8")
                done = importing.import_orders(sessions, path)
                result.records += done.records
                result.created += done.created
                result.updated += done.updated
                result.unchanged += done.unchanged
    finally:
        if own:
            client.close()
    return result
