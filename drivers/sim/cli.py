"""Run a simulator as a process: `--listen tcp:PORT|pty`, URL on stdout, control on stdin.

Every simulator's `main()` follows the same contract, so tests, the demo and people at a
terminal drive them alike: the first stdout line is the pyserial URL to give the driver;
then each stdin line is a control command (`help` lists them, `quit` stops) answered with
one stdout line (`ok ...` or `error: ...`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Protocol


class Simulator(Protocol):
    url: str

    def stop(self) -> None: ...


def parse_listen(parser: argparse.ArgumentParser, value: str) -> tuple[str, int]:
    """Return ("pty", 0) or ("tcp", port) for a `--listen` value; exit with usage otherwise."""
    if value == "pty":
        return "pty", 0
    if value.startswith("tcp:") and value[4:].isdigit():
        return "tcp", int(value[4:])
    parser.error("--listen must be tcp:PORT (0: any free port) or pty")
    raise AssertionError  # parser.error exits


def serve(sim: Simulator, control: Callable[[list[str], str], str], help_text: str) -> int:
    """Print the URL, answer control lines until stdin ends or says `quit`, then stop.

    `control(words, line)` gets the line split into words and the whole line (no newline).
    """
    try:
        print(sim.url, flush=True)
        for raw in sys.stdin:
            words = raw.split()
            if not words:
                continue
            if words[0] in ("quit", "exit"):
                break
            if words[0] == "help":
                print(help_text.replace("\n", " | "), flush=True)
                continue
            try:
                print(control(words, raw.rstrip("\r\n")), flush=True)
            except (ValueError, IndexError, KeyError) as exc:
                print(f"error: {exc}", flush=True)
    finally:
        sim.stop()
    return 0
