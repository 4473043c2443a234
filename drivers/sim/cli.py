"""Run a simulator as a process: `--listen tcp:PORT|pty`, URL on stdout, control on stdin.

Every simulator's `main()` follows the same contract, so tests, the demo and people at a
terminal drive them alike: the first stdout line is the pyserial URL to give the driver;
then each stdin line is a control command (`help` lists them, `quit` stops) answered with
one stdout line (`ok ...` or `error: ...`).

The control words every fault-injecting simulator understands (`drop`, `dont_answer [N]`,
`garbage [N]`, `slow SECONDS`) are applied by `fault_control`, those of both VLM simulators
(`confirm [QTY]`, `qty N|auto`, `fail [CODE]`, `travel SECONDS`) by `tray_control`; a
simulator's own control function handles the rest and returns None for a word it does not
know.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Protocol

from drivers.sim.wire import Kind

__all__ = ["FAULT_HELP", "count", "fault_control", "listen_parser", "parse_args",
           "parse_listen", "serve", "switch", "tray_control"]

ON_WORDS = ("on", "1", "true", "yes")
FAULT_HELP = "drop | dont_answer [N] | garbage [N] | slow SECONDS"

Control = Callable[[list[str], str], "str | None"]


class Simulator(Protocol):
    url: str

    def stop(self) -> None: ...


class FaultSimulator(Protocol):
    def drop_connection(self) -> None: ...

    def dont_answer(self, n: int = 1) -> None: ...

    def answer_garbage(self, n: int = 1) -> None: ...

    def slow(self, seconds: float) -> None: ...


class TraySimulator(FaultSimulator, Protocol):
    confirm_qty: int | None
    travel_s: float

    def confirm(self, qty: int | None = None) -> bool: ...

    def fail_next(self, code: int, n: int = 1) -> None: ...


def listen_parser(
    name: str, description: str | None, default: str = "tcp:0",
    listen_help: str = "tcp:PORT (0: any free port) or pty",
) -> argparse.ArgumentParser:
    """Return the parser of `python -m drivers.sim.<name>`, with its `--listen` option."""
    parser = argparse.ArgumentParser(prog=f"python -m drivers.sim.{name}", description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", default=default, help=listen_help)
    return parser


def parse_listen(parser: argparse.ArgumentParser, value: str) -> tuple[Kind, int]:
    """Return ("pty", 0) or ("tcp", port) for a `--listen` value; exit with usage otherwise."""
    if value == "pty":
        return "pty", 0
    if value.startswith("tcp:") and value[4:].isdigit():
        return "tcp", int(value[4:])
    parser.error("--listen must be tcp:PORT (0: any free port) or pty")
    raise AssertionError  # parser.error exits


def parse_args(
    parser: argparse.ArgumentParser, argv: list[str] | None
) -> tuple[argparse.Namespace, Kind, int]:
    """Parse `argv`; return the options with the `--listen` kind and port."""
    args = parser.parse_args(argv)
    kind, port = parse_listen(parser, args.listen)
    return args, kind, port


def switch(args: list[str], words: tuple[str, ...] = ON_WORDS) -> bool:
    """Read an optional on/off argument: none or one of `words` means on."""
    return not args or args[0] in words


def count(args: list[str], default: int = 1) -> int:
    """Read an optional count argument."""
    return int(args[0]) if args else default


def fault_control(sim: FaultSimulator, name: str, args: list[str]) -> bool:
    """Apply `drop`, `dont_answer [N]`, `garbage [N]` or `slow SECONDS`; False for another word."""
    if name == "drop":
        sim.drop_connection()
    elif name == "dont_answer":
        sim.dont_answer(count(args))
    elif name == "garbage":
        sim.answer_garbage(count(args))
    elif name == "slow":
        sim.slow(float(args[0]))
    else:
        return False
    return True


def tray_control(sim: TraySimulator, name: str, args: list[str], fail_code: int) -> str | None:
    """Apply a control word both VLM simulators take (with the fault words); None for another."""
    if name == "confirm":
        return "ok" if sim.confirm(int(args[0]) if args else None) else "error: no tray waiting"
    if name == "qty":
        sim.confirm_qty = None if args[0] == "auto" else int(args[0])
    elif name == "fail":
        sim.fail_next(count(args, fail_code))
    elif name == "travel":
        sim.travel_s = float(args[0])
    elif not fault_control(sim, name, args):
        return None
    return "ok"


def serve(sim: Simulator, control: Control, help_text: str) -> int:
    """Print the URL, answer control lines until stdin ends or says `quit`, then stop.

    `control(words, line)` gets the line split into words and the whole line (no newline)
    and returns the answer, or None for a word it does not know.
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
                answer = control(words, raw.rstrip("\r\n"))
            except (ValueError, IndexError, KeyError) as exc:
                answer = f"error: {exc}"
            if answer is None:
                answer = f"error: unknown control {words[0]!r} (try help)"
            print(answer, flush=True)
    finally:
        sim.stop()
    return 0
