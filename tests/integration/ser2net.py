"""Run Debian's ser2net as an RFC 2217 server in front of a pty, for tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest


class Ser2Net:
    """One ser2net process exposing `device` as `rfc2217://127.0.0.1:<port>`."""

    def __init__(self, device: str, folder: Path) -> None:
        exe = shutil.which("ser2net") or "/usr/sbin/ser2net"
        if not Path(exe).exists():
            pytest.fail("ser2net is not installed (scripts/bootstrap installs it)")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = folder / "ser2net.yaml"
        config.write_text(
            "connection: &dev\n"
            f"  accepter: telnet(rfc2217),tcp,127.0.0.1,{self.port}\n"
            f"  connector: serialdev,{device},9600n81,local\n"
            "  options:\n"
            "    kickolduser: true\n"
            "    mdns: false\n"
        )
        self.proc = subprocess.Popen(
            [exe, "-n", "-u", "-c", str(config), "-P", str(folder / "ser2net.pid")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.url = f"rfc2217://127.0.0.1:{self.port}?ign_set_control"
        self._wait_listening()

    def _wait_listening(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ser2net exited: {self.proc.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    # A probe connection: ser2net drops it (kickolduser) once a real one comes.
                    return
            except OSError:
                time.sleep(0.02)  # waiting for another process to listen
        raise RuntimeError("ser2net did not start listening")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc.stderr.close()
