"""Measure how long the packing screen takes to be ready on the demo database.

Each run is a fresh process, timed from its start (Python, Qt and packbench imports
included) until the window is shown and the station has announced `station.ready` on it
(the database is open and scans are accepted). The demo database is prepared once, before.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/gui_startup.py --runs 5

Target: ready within 1.5 s of start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 1.5


def child(folder: Path) -> int:
    """Show the screen on the prepared demo database; print READY once it is ready."""
    from PySide6.QtWidgets import QApplication

    from station.app.demo import demo_config
    from station.ui.app import GuiStation, Screen
    from station.ui.bridge import EventBridge

    app = QApplication([])
    bridge = EventBridge()
    ready: list[bool] = []
    bridge.event.connect(lambda e: ready.append(True) if e["event"] == "station.ready" else None)
    config = demo_config(folder)
    station = GuiStation(config, bridge.post)
    screen = Screen(bridge, station, config)  # the whole screen: sounds, preview, panels
    screen.window.show()
    station.start()
    deadline = time.perf_counter() + 30
    while not ready and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    print("READY" if ready else "TIMEOUT", flush=True)
    screen.close()
    station.stop()
    return 0 if ready else 1


def one_run(folder: Path) -> float:
    """Start a fresh process showing the screen; return seconds until it is ready."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline().strip()
    took = time.perf_counter() - t0
    proc.wait(timeout=30)
    proc.stdout.close()
    if line != "READY":
        raise RuntimeError(f"the screen did not become ready: {line!r}")
    return took


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.child:
        return child(args.child)
    from station.app.demo import prepare_demo_database

    with tempfile.TemporaryDirectory(prefix="packbench-gui-") as tmp:
        prepare_demo_database(Path(tmp))
        times = [one_run(Path(tmp)) for _ in range(args.runs)]
    print(f"{args.runs} starts: first {times[0]:.3f} s, median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s")
    verdict = "met" if max(times) <= TARGET_S else "NOT met"
    print(f"target ready within {TARGET_S} s: {verdict}")
    return 0 if max(times) <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
