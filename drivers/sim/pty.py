"""Pseudo-terminals for simulators: a raw pty whose slave path is a pyserial URL.

`open_raw_pty()` is the bare helper. `PtyPort` is what the simulators use: it keeps its own
slave descriptor open (so bytes written while no client has the port open are not thrown
away by the kernel and the master never reads EIO between clients), and it publishes a
stable path (a symlink) so that `hangup()` can replace the pty, as if the cable was pulled
and put back, while clients keep the same URL.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import tty

__all__ = ["PtyPort", "open_raw_pty"]


def open_raw_pty() -> tuple[int, str]:
    """Open a pty pair in raw mode (no echo, no line editing); return (master_fd, slave_path).

    The slave descriptor is closed again; a client opens the slave by path. Until one does,
    reading the master raises EIO and bytes written to it are lost.
    """
    master, slave = _raw_pair()
    path = os.ttyname(slave)
    os.close(slave)
    return master, path


def _raw_pair() -> tuple[int, int]:
    master, slave = os.openpty()
    try:
        tty.setraw(master)
        tty.setraw(slave)
        os.set_blocking(master, False)
    except BaseException:
        os.close(master)
        os.close(slave)
        raise
    return master, slave


class PtyPort:
    """A raw pty held open by the simulator, reachable at a stable symlink `url`."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="packbench-pty-")
        self.url = os.path.join(self._dir, "tty")
        self.master_fd = -1
        self._slave_fd = -1
        self.slave_path = ""
        self._open()

    def _open(self) -> None:
        self.master_fd, self._slave_fd = _raw_pair()
        self.slave_path = os.ttyname(self._slave_fd)
        tmp = self.url + ".new"
        os.symlink(self.slave_path, tmp)
        os.replace(tmp, self.url)

    def _close_fds(self) -> None:
        for fd in (self.master_fd, self._slave_fd):
            if fd >= 0:
                os.close(fd)
        self.master_fd = self._slave_fd = -1

    def hangup(self) -> None:
        """Close this pty (clients read EOF/EIO) and open a fresh one at the same `url`."""
        self._close_fds()
        self._open()

    def close(self) -> None:
        """Close the pty and remove the symlink."""
        self._close_fds()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.url)
        os.rmdir(self._dir)
