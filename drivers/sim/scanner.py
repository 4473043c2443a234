"""A simulated serial/TCP barcode scanner: pushes scan lines into a pty or to a TCP client.

On a pty the bytes go into the pty whether or not a reader has it open (a reader that opens
it later starts clean: pyserial flushes input on open). On TCP they go to the connected
client. A client whose connection the kernel has completed but this thread has not yet
accepted is waited for (up to `client_wait_s`); with no client at all the bytes are lost,
like a scan from a real network scanner nobody listens to, and `scan()` returns False.
"""

from __future__ import annotations

from drivers.sim.wire import Kind, WireServer

__all__ = ["SimScanner"]


class SimScanner:
    """Simulated scanner; `url` is a pyserial URL for `ScannerReader`."""

    def __init__(self, kind: Kind = "pty", *, port: int = 0, client_wait_s: float = 1.0) -> None:
        self._server = WireServer(kind, port=port, name="sim-scanner")
        self.url = self._server.url
        self.client_wait_s = client_wait_s

    @classmethod
    def on_pty(cls) -> SimScanner:
        """Start a scanner on a new pty; `url` is a stable path to its slave end."""
        return cls("pty")

    @classmethod
    def on_tcp(cls, port: int = 0) -> SimScanner:
        """Start a scanner on 127.0.0.1:`port` (0: any free port); `url` is `socket://...`."""
        return cls("tcp", port=port)

    def __enter__(self) -> SimScanner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def scan(self, code: str | bytes, terminator: bytes = b"\r\n") -> bool:
        """Send one scan: `code` (str is sent as UTF-8) then `terminator`; False if no client."""
        data = code.encode("utf-8") if isinstance(code, str) else bytes(code)
        return self.send_raw(data + terminator)

    def send_raw(self, data: bytes, timeout_s: float = 10.0) -> bool:
        """Send bytes exactly as given; False if no client (TCP)."""
        if not self._server.has_client:
            self._server.wait_for_client(timeout=self.client_wait_s)
        return self._server.send(bytes(data), timeout=timeout_s)

    def drop_connection(self) -> None:
        """Close the TCP client, or hang up the pty (a new one appears at the same `url`)."""
        self._server.drop()

    def wait_for_client(self, min_connections: int = 1, timeout: float = 5.0) -> bool:
        """Wait until `min_connections` TCP clients have connected and one is connected now."""
        return self._server.wait_for_client(min_connections, timeout)

    @property
    def connections(self) -> int:
        """How many TCP clients have connected so far."""
        return self._server.connections

    def stop(self) -> None:
        """Stop and close everything (idempotent)."""
        self._server.stop()
