"""ToledoScale against SimToledo on a real pty (7E1) and on loopback TCP, faults included."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from drivers.scale.base import Weight
from drivers.scale.errors import (
    ScaleBusyError,
    ScaleCommandError,
    ScaleConnectionError,
    ScaleMotionError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleTimeoutError,
    ScaleUnderloadError,
)
from drivers.scale.toledo_device import ToledoScale
from drivers.sim.toledo import SimToledo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["pty", "tcp"])
def sim(request):
    s = SimToledo(request.param)
    yield s
    s.stop()


@pytest.fixture
def scale(sim):
    sc = ToledoScale(sim.url, timeout_s=0.5)
    yield sc
    sc.close()


def test_weight_in_kilograms(sim, scale):
    sim.place(1250)
    assert scale.weight_immediate() == Weight(1250.0, True, "01.250")
    assert scale.weight_stable() == Weight(1250.0, True, "01.250")
    assert sim.commands_received == ["W", "W"]


def test_pounds_are_converted_to_grams():
    with SimToledo.on_tcp(profile="8217-lb") as sim, ToledoScale(sim.url, profile="8217-lb") as sc:
        sim.place(1247.378)  # 2.75 lb
        weight = sc.weight_immediate()
        assert weight.raw == "002.75"
        assert weight.grams == pytest.approx(1247.378, abs=0.01)


def test_motion_gives_no_weight_and_stable_waits(sim, scale):
    sim.place(500)
    sim.set_unstable(True)
    with pytest.raises(ScaleMotionError, match="motion"):
        scale.weight_immediate()
    with pytest.raises(ScaleMotionError):
        scale.weight_stable(timeout_s=0.2)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(scale.weight_stable, timeout_s=5)
        count = len(sim.commands_received)
        assert sim.wait_for_commands(count + 2)  # still asking
        assert not future.done()
        sim.set_unstable(False)
        assert future.result(timeout=2) == Weight(500.0, True, "00.500")


def test_over_capacity_and_under_zero(sim, scale):
    sim.place(20000)
    with pytest.raises(ScaleOverloadError, match="over capacity"):
        scale.weight_immediate()
    with pytest.raises(ScaleOverloadError):
        scale.weight_stable()
    sim.place(100)
    scale.zero()
    sim.place(50)
    with pytest.raises(ScaleUnderloadError, match="under zero"):
        scale.weight_immediate()
    sim.place(150)
    sim.overload()
    with pytest.raises(ScaleOverloadError):
        scale.weight_immediate()
    sim.underzero()
    with pytest.raises(ScaleUnderloadError):
        scale.weight_immediate()


def test_zero_tare_and_clear(sim, scale):
    sim.place(80)
    scale.zero()
    assert scale.weight_immediate().grams == 0.0
    sim.place(380)
    scale.tare()
    assert sim.tare_g == 300.0
    sim.place(1380)
    assert scale.weight_immediate() == Weight(1000.0, True, "01.000N")
    scale.clear_tare()
    assert scale.weight_immediate() == Weight(1300.0, True, "01.300")
    assert sim.commands_received == ["Z", "W", "T", "W", "C", "W"]


def test_zero_and_tare_refusals(sim, scale):
    sim.place(5000)
    with pytest.raises(ScaleCommandError, match="zero range"):
        scale.zero()
    sim.set_unstable(True)
    with pytest.raises(ScaleMotionError):
        scale.tare()
    with pytest.raises(ScaleMotionError):
        scale.zero()
    sim.set_unstable(False)
    sim.place(0)
    with pytest.raises(ScaleCommandError, match="no tare"):
        scale.tare()  # nothing on the platter to tare


def test_bad_command_bit_in_the_profile_that_has_one():
    with SimToledo.on_tcp(profile="8217-badcmd") as sim, \
            ToledoScale(sim.url, profile="8217-badcmd") as scale:
        sim.force_reply(b"\x02?@\r")
        with pytest.raises(ScaleCommandError, match="bad command"):
            scale.weight_immediate()
        sim.place(10)
        assert scale.weight_immediate().grams == 10.0


@pytest.mark.parametrize(
    ("forced", "error"),
    [(b"\x02?A\r", ScaleMotionError), (b"\x02?B\r", ScaleOverloadError),
     (b"\x02?D\r", ScaleUnderloadError), (b"\x02?H\r", ScaleBusyError),
     (b"\x02?P\r", ScaleProtocolError),  # centre of zero only: no reason for no weight
     (b"\x02-1.250\r", ScaleProtocolError), (b"\x021.2.3\r", ScaleProtocolError),
     (b"\x02?\x81\r", ScaleProtocolError)],
)
def test_every_status_and_bad_frame_over_the_wire(sim, scale, forced, error):
    sim.force_reply(forced)
    with pytest.raises(error):
        scale.weight_immediate()
    sim.place(7)
    assert scale.weight_immediate().grams == 7.0


def test_a_weight_where_a_status_belongs_is_a_protocol_error(sim, scale):
    sim.force_reply(b"\x0201.000\r")
    with pytest.raises(ScaleProtocolError, match="expected a status"):
        scale.zero()


def test_status_byte_that_is_a_cr_is_framed_correctly(sim, scale):
    sim.force_reply(b"\x02?\r\r")  # 0x0D = motion + under zero + outside zero capture
    with pytest.raises(ScaleUnderloadError):
        scale.weight_immediate()


def test_garbage_and_overlong_frames_are_protocol_errors(sim, scale):
    sim.place(42)
    sim.answer_garbage()
    with pytest.raises(ScaleProtocolError, match="not a Toledo frame"):
        scale.weight_immediate()
    assert scale.weight_immediate().grams == 42.0
    sim.force_reply(b"\x02" + b"9" * 40 + b"\r")
    with pytest.raises(ScaleProtocolError, match="no CR"):
        scale.weight_immediate()
    assert scale.weight_immediate().grams == 42.0


def test_no_answer_times_out(sim, scale):
    scale.open()
    sim.dont_answer()
    started = time.monotonic()
    with pytest.raises(ScaleTimeoutError):
        scale.weight_immediate()
    assert 0.5 <= time.monotonic() - started < 0.8
    assert scale.weight_immediate().grams == 0.0


def test_dropped_connection_raises_once_then_reconnects(sim, scale):
    sim.place(3)
    assert scale.weight_immediate().grams == 3.0
    sim.drop_connection()
    with pytest.raises(ScaleConnectionError):
        scale.weight_immediate()
    assert not scale.is_open
    assert scale.weight_immediate().grams == 3.0


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="8217"):
        ToledoScale("loop://", profile="9999")


@pytest.mark.slow
def test_simulator_runs_as_a_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.toledo", "--listen", "pty"], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.endswith("/tty")
        proc.stdin.write("place 2500\nunstable on\n")
        proc.stdin.flush()
        assert [proc.stdout.readline().strip() for _ in range(2)] == ["ok", "ok"]
        with ToledoScale(url) as scale:
            with pytest.raises(ScaleMotionError):
                scale.weight_immediate()
            proc.stdin.write("unstable off\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "ok"
            assert scale.weight_immediate().grams == 2500.0
        proc.stdin.write("help\nbogus\nquit\n")
        proc.stdin.flush()
        assert "place GRAMS" in proc.stdout.readline()
        assert proc.stdout.readline().startswith("error:")
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
