"""Measure scanner-line to `scan.accepted` latency through the headless station over a pty.

The station runs as its own process (`packbench run --headless --events-jsonl -`) on a fresh
SQLite database (WAL, synchronous=FULL: every scan is on disk before it is announced), reading
a simulated scanner on a real pty. Each scan is written to the pty, then the bench waits for
its `scan.accepted` event; latency = the event's `ts` (CLOCK_MONOTONIC, taken after the commit)
minus the time the line was written. In the same run, the raw one-way latency of a pty
(write on the master, blocking read on the slave) is measured as the floor.

    .venv/bin/python bench/scan_latency.py --scans 5000

Prints a Markdown table; the target is an overhead (station p99 minus pty p99) of at most 2 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tty
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drivers.sim.scanner import SimScanner  # noqa: E402
from station.app.packers import add_packer  # noqa: E402
from station.data.db import make_engine, session_factory, upgrade  # noqa: E402
from station.data.models import Order, OrderLine, Product, ProductBarcode  # noqa: E402

GTIN = "04006381333931"
TARGET_OVERHEAD_P99_MS = 2.0


def percentile(values: list[float], pct: float) -> float:
    """Return the pct-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def seed(db_url: str, units: int) -> None:
    """Create the schema, one product and one order of `units` units, one packer."""
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        product = Product(sku="BENCH-1", title="Bench item", unit_weight_g=100.0)
        product.barcodes.append(ProductBarcode(code=GTIN, kind="gtin", original=GTIN[1:]))
        s.add(product)
        s.flush()
        order = Order(order_id="bench-1", order_number="SO-BENCH", customer_first_name="Ana",
                      customer_email="ana@example.com", ship_to={"city": "Berlin"},
                      carrier="DHL", service="Paket", content_hash="bench")
        order.lines.append(OrderLine(line_id="1", position=0, product_id=product.id, qty=units))
        s.add(order)
    add_packer(sessions, badge_id="B1", name="Bench", role="packer")
    engine.dispose()


def raw_pty_latency(samples: int) -> list[float]:
    """Return one-way write-to-read latencies of a raw pty, ms."""
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    out = []
    try:
        for _ in range(samples):
            t0 = time.monotonic()
            os.write(master, b"4006381333931\r\n")
            got = b""
            while not got.endswith(b"\r\n"):
                got += os.read(slave, 64)
            out.append((time.monotonic() - t0) * 1000)
    finally:
        os.close(master)
        os.close(slave)
    return out


def station_latency(scans: int, folder: Path) -> list[float]:
    """Return scan-to-`scan.accepted` latencies through the headless station, ms."""
    db_url = f"sqlite:///{folder / 'bench.db'}"
    seed(db_url, scans + 10)
    scanner = SimScanner.on_pty()
    config = folder / "station.toml"
    config.write_text(f'[station]\nid = "bench"\ndatabase = "{db_url}"\n'
                      f'[devices.scanner]\nurl = "{scanner.url}"\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "run", "--config", str(config), "--headless",
         "--events-jsonl", "-"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    events = proc.stdout

    def wait(pred) -> dict:
        while True:
            line = events.readline()
            if not line:
                raise RuntimeError("the station stopped")
            event = json.loads(line)
            if pred(event):
                return event

    try:
        wait(lambda e: e["event"] == "device.state" and e.get("state") == "connected")
        for code in ("BADGE:B1", "SO-BENCH"):
            scanner.scan(code)
            assert wait(lambda e: e["event"].startswith("scan."))["event"] == "scan.accepted"
        out = []
        for _ in range(scans):
            t0 = time.monotonic()
            scanner.scan(GTIN[1:])
            event = wait(lambda e: e["event"].startswith("scan."))
            if event["event"] != "scan.accepted":
                raise RuntimeError(f"scan refused: {event}")
            out.append((event["ts"] - t0) * 1000)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        events.close()
        scanner.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=5000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="packbench-bench-") as tmp:
        pty_ms = raw_pty_latency(args.scans)
        station_ms = station_latency(args.scans, Path(tmp))
    rows = [("raw pty one-way", pty_ms), ("scan to scan.accepted (station)", station_ms)]
    print(f"{args.scans} scans, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| path | p50 ms | p99 ms | max ms | mean ms |")
    print("|---|---|---|---|---|")
    for name, values in rows:
        print(f"| {name} | {percentile(values, 50):.3f} | {percentile(values, 99):.3f} | "
              f"{max(values):.3f} | {statistics.fmean(values):.3f} |")
    overhead = percentile(station_ms, 99) - percentile(pty_ms, 99)
    verdict = "met" if overhead <= TARGET_OVERHEAD_P99_MS else "NOT met"
    print(f"\noverhead p99: {overhead:.3f} ms (target <= {TARGET_OVERHEAD_P99_MS} ms: {verdict})")
    return 0 if overhead <= TARGET_OVERHEAD_P99_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
