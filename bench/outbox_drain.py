"""Measure how fast the relay drains a full outbox to the reference receiver on loopback.

The outbox (a fresh station database: SQLite in WAL with `synchronous=FULL`, or
PostgreSQL with `--db URL`) is filled with `--events` events through
`sync.outbox.store.enqueue` (`--per-order` events per order, each order's events one after
the other). The receiver runs as its own process (`python -m sync.receiver`, its own
SQLite file) and verifies every signature; one relay sends batches of `--batch` events
(at most one per order). The time from `start()` to an empty outbox is the drain time.

    .venv/bin/python bench/outbox_drain.py --events 100000

Prints the fill and drain rates; the target is at least 5,000 events/s drained, with every
event stored once and in order.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from station.data.db import make_engine, session_factory, upgrade  # noqa: E402
from sync.outbox.store import enqueue, outbox_status  # noqa: E402
from sync.relay import EventsClient, Relay, RelaySettings, RetryPolicy  # noqa: E402

TARGET_EVENTS_PER_S = 5000.0
KINDS = ("order.packed", "shipment.created", "order.exception", "return.received",
         "return.inspected")


def fill(sessions, events: int, per_order: int) -> float:
    """Enqueue `events` events, `per_order` per order, 1,000 per transaction; return seconds."""
    started = time.perf_counter()
    done = 0
    order = 0
    while done < events:
        with sessions.begin() as s:
            for _ in range(min(1000, events - done) // per_order or 1):
                order += 1
                for k in range(min(per_order, events - done)):
                    enqueue(s, site="bench", station_id="st-1", order_id=f"ord_{order}",
                            kind=KINDS[k % len(KINDS)],
                            data={"order_number": f"SO-{order}", "step": k})
                    done += 1
    return time.perf_counter() - started


def start_receiver(secret: str, db: Path) -> tuple[subprocess.Popen, str]:
    """Start `python -m sync.receiver` and return it with its base URL."""
    env = {**os.environ, "PACKBENCH_BACKEND_SECRET": secret}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.receiver", "--listen", "127.0.0.1:0", "--db", str(db)],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    return proc, proc.stdout.readline().strip()


def main(argv: list[str] | None = None) -> int:
    """Fill, drain, check, print."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--per-order", type=int, default=5)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--db", help="station database URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/station.db"
        engine = make_engine(url)
        upgrade(engine)
        sessions = session_factory(engine)
        fill_s = fill(sessions, args.events, args.per_order)
        print(f"filled {args.events} events in {fill_s:.1f} s "
              f"({args.events / fill_s:,.0f} events/s enqueued)")
        proc, base = start_receiver(secret, Path(tmp) / "received.db")
        client = EventsClient(f"{base}/events", secret, timeout_s=30)
        relay = Relay(sessions, client, sender_id="bench",
                      policy=RetryPolicy(base_s=0.05, cap_s=1.0),
                      settings=RelaySettings(batch_size=args.batch, poll_s=0.2))
        try:
            started = time.perf_counter()
            relay.start()
            drained = relay.flush(timeout=600)
            drain_s = time.perf_counter() - started
            relay.stop()
            stats = httpx.get(f"{base}/_stats", timeout=30).json()
        finally:
            client.close()
            proc.stdin.close()
            proc.wait(timeout=30)
        with sessions() as s:
            status = outbox_status(s)
        engine.dispose()
    rate = args.events / drain_s
    print(f"drained {status.delivered} events in {drain_s:.2f} s: {rate:,.0f} events/s "
          f"({relay.stats.requests} requests of up to {args.batch}); "
          f"target {TARGET_EVENTS_PER_S:,.0f} events/s: "
          f"{'met' if drained and rate >= TARGET_EVENTS_PER_S else 'NOT met'}")
    print("receiver:", json.dumps(stats))
    ok = (drained and status.pending == 0 and stats["stored"] == args.events
          and stats["violations"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
