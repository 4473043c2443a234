"""Run the reference receiver as a process; its base URL is the first stdout line.

    python -m sync.receiver --listen 127.0.0.1:0 --secret whsec_... --db received.db

The secret may come from `PACKBENCH_BACKEND_SECRET` instead of the command line (which
other users of the machine can read). Events go to `<url>/events`, orders come from
`<url>/orders` (`--orders FILE`, a JSON array or JSON lines of order records). Then each
stdin line is a control command, answered with one line (`help` lists them, `quit` or
the end of stdin stops); `--no-stdin` serves until interrupted instead.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from pathlib import Path

from sync.receiver.app import Receiver
from sync.receiver.faults import apply_control, control_from_words

HELP = """stats | clear | fail_before [N] [STATUS] | fail_after [N] [STATUS]
drop_before [N] | drop_after [N] | throttle [N] [RETRY_AFTER] | slow SECONDS [N]
random RATE [SEED] | quit"""


def _listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("--listen must be HOST:PORT (PORT 0: any free port)")
    return host, int(port)


def _orders(path: str | None) -> list[dict]:
    if not path:
        return []
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _control(receiver: Receiver, words: list[str]) -> str:
    if words[0] == "stats":
        return json.dumps(receiver.stats(), separators=(",", ":"))
    return apply_control(receiver.faults, control_from_words(words))


def main(argv: list[str] | None = None) -> int:
    """Serve until stdin ends or says `quit` (or until interrupted, with --no-stdin)."""
    parser = argparse.ArgumentParser(prog="python -m sync.receiver", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", type=_listen, default=("127.0.0.1", 0), help="HOST:PORT")
    parser.add_argument("--secret", default=os.environ.get("PACKBENCH_BACKEND_SECRET", ""),
                        help="whsec_... (default: $PACKBENCH_BACKEND_SECRET)")
    parser.add_argument("--db", required=True, help="SQLite file or SQLAlchemy URL")
    parser.add_argument("--orders", help="orders to offer on GET /orders (JSON or JSON lines)")
    parser.add_argument("--no-control", action="store_true", help="no /_control, /_stats")
    parser.add_argument("--no-stdin", action="store_true", help="ignore stdin; stop on SIGTERM")
    args = parser.parse_args(argv)
    if not args.secret.startswith("whsec_"):
        parser.error("a whsec_... secret is needed (--secret or PACKBENCH_BACKEND_SECRET)")
    host, port = args.listen
    receiver = Receiver(args.secret, args.db, host=host, port=port,
                        control=not args.no_control, orders=_orders(args.orders)).start()
    try:
        print(receiver.url, flush=True)
        if args.no_stdin:
            done = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: done.set())
            with contextlib.suppress(KeyboardInterrupt):
                done.wait()
            return 0
        for raw in sys.stdin:
            words = raw.split()
            if not words:
                continue
            if words[0] in ("quit", "exit"):
                break
            if words[0] == "help":
                print(HELP.replace("\n", " | "), flush=True)
                continue
            try:
                answer = _control(receiver, words)
            except (ValueError, IndexError, KeyError) as exc:
                answer = f"error: {exc}"
            print(answer, flush=True)
    finally:
        receiver.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
