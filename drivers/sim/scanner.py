"""A simulated serial/TCP barcode scanner: pushes scan lines into a pty or to a TCP client.

On a pty the bytes go into the pty whether or not a reader has it open (a reader that opens
it later starts clean: pyserial flushes input on open). On TCP they go to the connected
client. A client whose connection the kernel has completed but this thread has not yet
accepted is waited for (up to `client_wait_s`); with no client at all the bytes are lost,
like a scan from a real network scanner nobody listens to, and `scan()` returns False.

Run it as a process: `python -m drivers.sim.scanner --listen pty` prints the URL, then
scans every stdin line (`scan TEXT`, or just the text), with `raw HEX`, `drop`, `quit`.
"""

from __future__ import annotations

import sys
from functools import partial

from drivers.sim.base import WireSimulator
from drivers.sim.cli import listen_parser, parse_args, serve
from drivers.sim.wire import Kind

__all__ = ["SimScanner", "main"]


class SimScanner(WireSimulator):
    """Simulated scanner; `url` is a pyserial URL for `ScannerReader`."""

    def __init__(self, kind: Kind = "pty", *, port: int = 0, client_wait_s: float = 1.0) -> None:
        super().__init__()
        self.client_wait_s = client_wait_s
        self._listen(kind, port, "scanner")

    def scan(self, code: str | bytes, terminator: bytes = b"\r\n") -> bool:
        """Send one scan: `code` (str is sent as UTF-8) then `terminator`; False if no client."""
        data = code.encode("utf-8") if isinstance(code, str) else bytes(code)
        return self.send_raw(data + terminator)

    def send_raw(self, data: bytes, timeout_s: float = 10.0) -> bool:
        """Send bytes exactly as given; False if no client (TCP)."""
        if not self._server.has_client:
            self._server.wait_for_client(timeout=self.client_wait_s)
        return self._server.send(bytes(data), timeout=timeout_s)


CONTROL_HELP = """scan TEXT     send TEXT + CR LF (any other line is scanned as it is)
raw HEX       send these bytes exactly, e.g. raw 1d414243
drop          close the pty / reset the TCP client
quit          stop"""


def _control(sim: SimScanner, words: list[str], line: str) -> str:
    """Apply one control line; return the answer to print."""
    if words[0] == "drop":
        sim.drop_connection()
        return "ok dropped"
    if words[0] == "raw" and len(words) == 2:
        return "ok sent" if sim.send_raw(bytes.fromhex(words[1])) else "error: no client"
    text = line[5:] if words[0] == "scan" else line
    return "ok sent" if sim.scan(text) else "error: no client"


def main(argv: list[str] | None = None) -> int:
    """Run the scanner simulator until stdin closes or says `quit`."""
    _, kind, port = parse_args(listen_parser("scanner", __doc__, default="pty"), argv)
    sim = SimScanner(kind, port=port)
    return serve(sim, partial(_control, sim), CONTROL_HELP)


if __name__ == "__main__":
    sys.exit(main())
