"""Open a byte stream from a pyserial URL and move bytes; the only module that knows pyserial.

Any URL that `serial.serial_for_url` understands works: `/dev/ttyUSB0`, `/dev/pts/3`,
`socket://127.0.0.1:4001`, `rfc2217://host:port`, `loop://`. A simulator on a pty or a
loopback TCP port is then only another URL.

Every failure (cannot open, peer gone, pty hung up) is raised as `TransportError` (an
`OSError`) naming the URL, so device code catches one thing.
"""

from __future__ import annotations

import contextlib
import fcntl
import select
import struct
import termios
from typing import Any

import serial
from serial.urlhandler import protocol_socket

__all__ = [
    "TransportError",
    "close_transport",
    "discard_input",
    "open_transport",
    "read_available",
    "write_all",
]

_DISCARD_LIMIT = 1 << 16  # a device that never stops talking must not hold us forever


class TransportError(OSError):
    """A byte stream could not be opened, read or written; the message names the URL."""


def open_transport(
    url: str, *, baudrate: int = 9600, timeout: float | None = 0.05, **kw: Any
) -> serial.SerialBase:
    """Open `url` with `serial.serial_for_url`; raise `TransportError` saying which URL and why.

    `timeout` is pyserial's read timeout; `write_timeout` defaults to 1 s so a writer never
    blocks for ever on a peer that stopped reading (except on `rfc2217://`, whose pyserial
    client supports none). Other keywords go to pyserial.
    """
    if not url:
        raise TransportError("no device URL configured")
    if not url.startswith("rfc2217://"):
        # pyserial's RFC 2217 client refuses any write timeout; its writes go to a socket.
        kw.setdefault("write_timeout", 1.0)
    try:
        return serial.serial_for_url(url, baudrate=baudrate, timeout=timeout, **kw)
    except (serial.SerialException, OSError, ValueError, NotImplementedError) as exc:
        raise TransportError(f"cannot open {url}: {exc}") from exc


def read_available(port: serial.SerialBase, limit: int = 4096, wait_s: float = 0.05) -> bytes:
    """Wait up to `wait_s` for input, then return what has arrived (at most `limit` bytes).

    Returns b"" when nothing arrived in time. Raises `TransportError` when the stream has
    ended: EOF on a socket, a pty whose other side closed (EIO or "ready but no data").
    Ports without a file descriptor (`loop://`, `rfc2217://`) wait for the port's own
    `timeout` instead of `wait_s`.
    """
    try:
        fd = _fileno(port)
        if fd is None:
            first = port.read(1)
            more = port.in_waiting if first else 0
            return first + port.read(min(more, limit - 1)) if more else first
        ready, _, _ = select.select([fd], [], [], max(wait_s, 0.0))
        if not ready:
            return b""
        # Read exactly what is there, so pyserial never waits for more than has arrived. Zero
        # bytes on a readable descriptor means end of stream: pyserial's read(1) raises then.
        return port.read(max(1, min(_pending(fd), limit)))
    except serial.SerialException as exc:  # its message already says "read failed: ..."
        raise TransportError(f"{_name(port)}: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise TransportError(f"{_name(port)}: read failed: {exc}") from exc


def write_all(port: serial.SerialBase, data: bytes) -> None:
    """Write all of `data`; raise `TransportError` if the stream is gone or stalls."""
    try:
        port.write(data)
        port.flush()
    except serial.SerialException as exc:
        raise TransportError(f"{_name(port)}: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise TransportError(f"{_name(port)}: write failed: {exc}") from exc


def discard_input(port: serial.SerialBase) -> int:
    """Drop input that has already arrived; return how many bytes were dropped.

    Unlike pyserial's `reset_input_buffer` on sockets, a peer that has gone away is reported
    (`TransportError`) here, before a command is sent into the void.
    """
    if _fileno(port) is None:
        try:
            port.reset_input_buffer()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise TransportError(f"{_name(port)}: flush failed: {exc}") from exc
        return 0
    dropped = 0
    while dropped < _DISCARD_LIMIT:
        chunk = read_available(port, limit=_DISCARD_LIMIT, wait_s=0.0)
        if not chunk:
            break
        dropped += len(chunk)
    return dropped


def close_transport(port: serial.SerialBase) -> None:
    """Close `port`; never raises, never leaks the descriptor.

    pyserial's `socket://` close sleeps 0.3 s and, when `shutdown()` fails because the peer
    already reset the connection, skips `close()` and leaks the socket; close it here instead.
    """
    if isinstance(port, protocol_socket.Serial) and port.is_open:
        sock, port._socket = port._socket, None
        port.is_open = False
        if sock is not None:
            sock.close()
        return
    with contextlib.suppress(serial.SerialException, OSError):  # gone either way
        port.close()


def _fileno(port: serial.SerialBase) -> int | None:
    try:
        return port.fileno()
    except (OSError, ValueError, AttributeError):
        return None  # io.UnsupportedOperation is both an OSError and a ValueError


def _pending(fd: int) -> int:
    """Bytes waiting on a tty or socket descriptor (FIONREAD is TIOCINQ on ttys)."""
    raw = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    return struct.unpack("i", raw)[0]


def _name(port: serial.SerialBase) -> str:
    return str(getattr(port, "portstr", None) or getattr(port, "port", None) or "port")
