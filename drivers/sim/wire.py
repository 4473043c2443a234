"""The byte plumbing shared by simulators: one client at a time on a pty or loopback TCP.

`WireServer` runs one I/O thread that accepts TCP clients (a new client replaces the old
one, as a serial device server does when a host reconnects), reads what the client sends
and hands it to `on_data`. Every descriptor is opened, replaced and closed on that thread
only; other threads ask for a drop or a stop through a wake-up socket and wait for it to be
done, so a descriptor is never closed under a `select()`. `send()` may be called from any
thread.

`generation` counts connections: it changes when a client connects or goes away and when
the connection is dropped, so a simulator can discard a reply meant for a connection that
no longer exists.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Literal

from drivers.sim.pty import PtyPort

__all__ = ["WireServer"]

log = logging.getLogger(__name__)

Kind = Literal["pty", "tcp"]


class WireServer:
    """Serve one client at a time on a pty or on 127.0.0.1:`port` (0 picks a free port)."""

    def __init__(
        self, kind: Kind, *, port: int = 0, on_data: Callable[[bytes], None] | None = None,
        name: str = "sim",
    ) -> None:
        if kind not in ("pty", "tcp"):
            raise ValueError(f"kind must be 'pty' or 'tcp', not {kind!r}")
        self.kind = kind
        self._on_data = on_data or (lambda data: None)
        self._lock = threading.RLock()  # the current peer, for send() against drop
        self._changed = threading.Condition(self._lock)
        self._wake_r, self._wake_w = socket.socketpair()
        self._drop_requested = False
        self._drop_done = threading.Event()
        self._stopping = False
        self._pty: PtyPort | None = None
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self.connections = 0
        self.generation = 0
        if kind == "pty":
            self._pty = PtyPort()
            self.url = self._pty.url
        else:
            self._listener = socket.create_server(("127.0.0.1", port))
            self.url = f"socket://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._run, name=f"{name}-io", daemon=True)
        self._thread.start()

    # --------------------------------------------------------------- control
    @property
    def has_client(self) -> bool:
        """True when a TCP client is connected; always True for a pty."""
        return self.kind == "pty" or self._client is not None

    def wait_for_client(self, min_connections: int = 1, timeout: float = 5.0) -> bool:
        """Wait until `min_connections` TCP clients have connected and one is connected now."""
        if self.kind == "pty":
            return True
        with self._changed:
            return self._changed.wait_for(
                lambda: self.connections >= min_connections and self._client is not None, timeout
            )

    def send(self, data: bytes, *, generation: int | None = None, timeout: float = 10.0) -> bool:
        """Send `data` to the client; False if there is none (or `generation` has passed).

        On a pty the bytes go into the pty whether a client has it open or not; a full pty
        that nobody drains raises `TimeoutError` after `timeout` seconds.
        """
        with self._lock:
            if generation is not None and generation != self.generation:
                return False
            if self._pty is not None:
                self._write_pty(data, time.monotonic() + timeout)
                return True
            if self._client is None:
                return False
            try:
                self._client.sendall(data)
            except OSError as exc:  # the I/O thread sees the EOF and tidies up
                log.debug("sim %s: send failed: %s", self.url, exc)
                return False
            return True

    def drop(self, timeout: float = 5.0) -> None:
        """Drop the connection: close the TCP client, or hang up the pty (same `url` after)."""
        if threading.current_thread() is self._thread:
            self._do_drop()
            return
        self._drop_done.clear()
        self._drop_requested = True
        self._wake()
        if not self._drop_done.wait(timeout):
            raise TimeoutError(f"sim {self.url}: drop not done in {timeout} s")

    def stop(self) -> None:
        """Stop the I/O thread and close every descriptor (idempotent)."""
        if self._stopping:
            return
        self._stopping = True
        self._wake()
        if threading.current_thread() is not self._thread:
            self._thread.join(5)
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
            if self._listener is not None:
                self._listener.close()
            if self._pty is not None:
                self._pty.close()
            self._wake_r.close()
            self._wake_w.close()

    # ------------------------------------------------------------- I/O thread
    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # already stopped
            self._wake_w.send(b"!")

    def _run(self) -> None:
        while not self._stopping:
            fds: list = [self._wake_r]
            if self._pty is not None:
                fds.append(self._pty.master_fd)
            else:
                fds.append(self._listener)
                if self._client is not None:
                    fds.append(self._client)
            ready, _, _ = select.select(fds, [], [])
            if self._wake_r in ready:
                self._wake_r.recv(64)
                if self._drop_requested:
                    self._drop_requested = False
                    self._do_drop()
                    self._drop_done.set()
                continue  # descriptors may have changed: select again
            for item in ready:
                if item is self._listener:
                    self._accept()
                elif item is self._client:
                    self._receive_tcp()
                elif self._pty is not None and item == self._pty.master_fd:
                    self._receive_pty()
                # else: a client replaced by _accept() in this same round; already closed

    def _accept(self) -> None:
        conn, _ = self._listener.accept()
        conn.settimeout(10.0)  # send() gives up on a client that stopped reading
        with self._changed:
            if self._client is not None:
                self._client.close()
            self._client = conn
            self.connections += 1
            self.generation += 1
            self._changed.notify_all()

    def _receive_tcp(self) -> None:
        try:
            data = self._client.recv(65536)
        except OSError:
            data = b""
        if data:
            self._deliver(data)
            return
        with self._changed:  # client went away
            self._client.close()
            self._client = None
            self.generation += 1
            self._changed.notify_all()

    def _receive_pty(self) -> None:
        try:
            data = os.read(self._pty.master_fd, 65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # EIO cannot happen while we hold the slave; never spin on it
            data = b""
        if data:
            self._deliver(data)

    def _deliver(self, data: bytes) -> None:
        try:
            self._on_data(data)
        except Exception:
            log.exception("sim %s: on_data failed", self.url)

    def _do_drop(self) -> None:
        with self._changed:
            if self._pty is not None:
                self._pty.hangup()
            elif self._client is not None:
                self._client.close()
                self._client = None
            self.generation += 1
            self._changed.notify_all()

    def _write_pty(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self._pty.master_fd, view) :]
                continue
            except BlockingIOError:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"sim {self.url}: nobody reads the pty")
            select.select([], [self._pty.master_fd], [], min(remaining, 0.1))
