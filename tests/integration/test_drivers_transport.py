"""The transport layer on real ptys, loopback TCP and pyserial's loop://."""

from __future__ import annotations

import os
import select
import socket
import struct
import time

import pytest

from drivers.sim.pty import PtyPort, open_raw_pty
from drivers.transport import (
    TransportError,
    close_transport,
    discard_input,
    open_transport,
    read_available,
    write_all,
)


def read_exactly(port, n: int, timeout: float = 2.0) -> bytes:
    deadline = time.monotonic() + timeout
    data = b""
    while len(data) < n and time.monotonic() < deadline:
        data += read_available(port, wait_s=deadline - time.monotonic())
    return data


@pytest.mark.parametrize(
    ("url", "why"),
    [("", "no device URL"), ("/dev/does-not-exist", "/dev/does-not-exist"),
     ("nonsense://x", "nonsense://x"), ("socket://127.0.0.1:1", "127.0.0.1:1")],
)
def test_open_failure_names_the_url(url, why):
    with pytest.raises(TransportError, match=why) as info:
        open_transport(url)
    assert isinstance(info.value, OSError)


def test_loop_url_round_trip():
    port = open_transport("loop://")
    try:
        write_all(port, b"hello\r\n")
        assert read_exactly(port, 7) == b"hello\r\n"
        assert read_available(port) == b""
        write_all(port, b"stale")
        discard_input(port)
        assert read_available(port) == b""
    finally:
        close_transport(port)


def test_raw_pty_is_a_pyserial_url_without_echo():
    master, path = open_raw_pty()
    port = open_transport(path)
    try:
        os.write(master, b"\x00\x1d\r\n\xff")  # raw: no translation, no echo
        assert read_exactly(port, 5) == b"\x00\x1d\r\n\xff"
        write_all(port, b"S\r\n")
        select.select([master], [], [], 2)
        assert os.read(master, 100) == b"S\r\n"
        assert read_available(port, wait_s=0.01) == b""  # nothing echoed back
    finally:
        close_transport(port)
        os.close(master)


def test_pty_hangup_is_a_transport_error_and_the_url_survives():
    pty = PtyPort()
    port = open_transport(pty.url)
    try:
        pty.hangup()
        with pytest.raises(TransportError, match=pty.url):
            read_available(port, wait_s=1)
        close_transport(port)
        port = open_transport(pty.url)
        os.write(pty.master_fd, b"again")
        assert read_exactly(port, 5) == b"again"
    finally:
        close_transport(port)
        pty.close()
    assert not os.path.exists(pty.url)


def test_socket_eof_and_reset_are_transport_errors_without_leaks():
    with socket.create_server(("127.0.0.1", 0)) as server:
        url = f"socket://127.0.0.1:{server.getsockname()[1]}"
        port = open_transport(url)
        conn, _ = server.accept()
        conn.sendall(b"abc")
        assert read_exactly(port, 3) == b"abc"
        conn.close()  # orderly EOF
        with pytest.raises(TransportError, match="disconnected"):
            read_available(port, wait_s=1)
        close_transport(port)

        port = open_transport(url)
        conn, _ = server.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # RST: pyserial's own close() would leak the socket now
        with pytest.raises(TransportError):
            discard_input(port)
        started = time.monotonic()
        close_transport(port)
        assert time.monotonic() - started < 0.1  # no 0.3 s sleep
        assert not port.is_open
