"""Real third-party MT-SICS peers: our driver against an emulator, our simulator under a client.

(a) `MtSicsScale` against the `mt-sics-emulator` package's TCP server (`mtsics-tcp`, run
    as a process on free loopback ports), told what to hold through its HTTP control port
    (`POST /weight`). The emulator answers `SI` with id `SI` (the manual says `S`), `ZI`
    with `ZI A` and names the model in `I1`: the driver's `mt-sics-emulator` quirks
    profile accepts exactly that. It also answers `S` with `S D` while the load moves,
    which `weight_stable()` never accepts.
(b) `SimMtSics` on a pty, driven by the `mettler_toledo_device` client (serial_interface
    2.3.1 opens the pty path as a serial port): `get_serial_number`, `get_weight`,
    `get_weight_stable`, `get_balance_data`, `zero_stable`, `zero`...
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.scale.device import MtSicsScale, ScaleIdentity, Weight
from drivers.scale.errors import ScaleBusyError, ScaleOverloadError, ScaleTimeoutError
from drivers.sim.mtsics import SimMtSics


# --------------------------------------------------------- (a) mt-sics-emulator
class Emulator:
    """The emulator's TCP server as a process, with its HTTP control port."""

    def __init__(self) -> None:
        script = Path(sys.executable).parent / "mtsics-tcp"
        cmd = [str(script)] if script.exists() else [sys.executable, "-m", "mtsics.transport.tcp"]
        self.proc = subprocess.Popen(
            [*cmd, "--host", "127.0.0.1", "--port", "0", "--control-port", "0",
             "--profile", "ohaus-defender5000"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
            errors="replace", env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.port = self.control_port = 0
        banner = []
        while not (self.port and self.control_port):
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"mtsics-tcp did not start: {''.join(banner)!r}")
            banner.append(line)
            if m := re.search(r"listening on 127\.0\.0\.1:(\d+)", line):
                self.port = int(m[1])
            if m := re.search(r"http://127\.0\.0\.1:(\d+)", line):
                self.control_port = int(m[1])
        self.url = f"socket://127.0.0.1:{self.port}"

    def post(self, path: str, body: dict | None = None) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.control_port, timeout=5)
        try:
            conn.request("POST", path, json.dumps(body or {}),
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = json.loads(response.read())
            assert response.status == 200, payload
            return payload
        finally:
            conn.close()

    def hold(self, kg: float) -> None:
        """Put `kg` on the platform at once (no settling)."""
        assert self.post("/weight", {"value": kg, "snap": True})["stable"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def emulator():
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def emulated(emulator):
    emulator.post("/reset")
    scale = MtSicsScale(emulator.url, timeout_s=1.0, quirks="mt-sics-emulator")
    yield emulator, scale
    scale.close()


def test_reads_the_weights_the_emulator_holds(emulated):
    emu, scale = emulated
    for kg, raw in [(1.25, "SI S       1.25 kg"), (12.5, "SI S      12.50 kg"),
                    (0.05, "SI S       0.05 kg")]:
        emu.hold(kg)
        assert scale.weight_immediate() == Weight(kg * 1000, True, raw)
        assert scale.weight_stable().grams == pytest.approx(kg * 1000)


def test_without_the_quirk_the_si_reply_is_not_taken(emulator):
    emulator.hold(2.0)
    with MtSicsScale(emulator.url, timeout_s=0.3) as strict:
        with pytest.raises(ScaleTimeoutError):  # `SI S` is another command's id: skipped
            strict.weight_immediate()
        assert strict.weight_stable().grams == 2000.0  # `S` is answered by the manual


def test_identify_tare_zero_and_stream(emulated):
    emu, scale = emulated
    assert scale.identify() == ScaleIdentity("Defender 5000", "B123456789")
    emu.hold(3.0)
    assert scale.tare() == Weight(3000.0, True, "T S       3.00 kg")
    assert scale.weight_immediate().grams == 0.0
    scale.clear_tare()
    assert scale.weight_immediate().grams == 3000.0
    assert scale.zero_immediate() is True  # `ZI A`, accepted as a quirk
    assert scale.weight_immediate().grams == 0.0
    emu.hold(4.5)
    with scale.stream(timeout_s=2.0) as weights:
        readings = [next(weights) for _ in range(3)]
    assert {w.grams for w in readings} == {1500.0}  # 4.5 kg minus the 3 kg zeroed
    assert scale.serial_number() == "B123456789"


def test_an_unstable_load_never_gives_a_stable_weight(emulated):
    emu, scale = emulated
    emu.post("/weight", {"target": 40.0})  # the platform settles over about 2 s
    deadline = time.monotonic() + 2
    while scale.weight_immediate().stable:
        assert time.monotonic() < deadline, "the emulator never reported motion"
    with pytest.raises(ScaleBusyError):  # it answers `S D`: asked again, never accepted
        scale.weight_stable(timeout_s=0.3)
    emu.hold(40.0)
    assert scale.weight_stable() == Weight(40000.0, True, "S S      40.00 kg")


def test_over_range_is_an_overload(emulated):
    emu, scale = emulated
    emu.hold(200.0)  # capacity 150 kg
    with pytest.raises(ScaleOverloadError):
        scale.weight_immediate()
    emu.hold(1.0)
    assert scale.weight_immediate().grams == 1000.0


# ------------------------------------------------- (b) mettler_toledo_device
@pytest.fixture
def client_and_sim():
    from mettler_toledo_device import MettlerToledoDevice

    class Client(MettlerToledoDevice):
        _RESET_DELAY = 0.0  # it sleeps 2 s after opening the port, for a balance booting

    sim = SimMtSics.on_pty(stable_timeout_s=0.2)
    client = Client(port=sim.url)
    yield client, sim
    client.close()
    sim.stop()


def test_mettler_toledo_device_reads_our_simulator(client_and_sim):
    client, sim = client_and_sim
    sim.place(123.45)
    assert client.get_serial_number() == "0123456789"
    assert client.get_weight() == [123.45, "g", "S"]
    assert client.get_weight_stable() == [123.45, "g"]
    assert client.get_balance_data() == ["PB-SIM6200", "6200.00", "g"]
    assert client.get_mtsics_level() == ["01", "2.20", "2.20", "1.00", "1.00"]
    assert client.get_software_version() == ["1.00", "1.0.0.1"]
    assert client.get_software_id() == "1234567"
    assert sim.commands_received == ["I4", "SI", "S", "I2", "I1", "I3", "I5"]


def test_mettler_toledo_device_zeroes_and_sees_motion(client_and_sim):
    from mettler_toledo_device.mettler_toledo_device import MettlerToledoError

    client, sim = client_and_sim
    sim.place(50)
    assert client.zero_stable() is True
    assert client.get_weight() == [0.0, "g", "S"]
    sim.place(80)
    sim.set_unstable(True)
    assert client.get_weight() == [30.0, "g", "D"]
    assert client.get_weight_stable() is None  # `S I`: no stable weight in time
    assert client.zero_stable() is False  # `Z I`
    assert client.zero() == "D"  # `ZI D`: zeroed in motion
    sim.set_unstable(False)
    sim.overload()
    with pytest.raises(MettlerToledoError, match="overload"):
        client.get_weight()
    assert sim.commands_received == ["Z", "SI", "SI", "S", "Z", "ZI", "SI"]
