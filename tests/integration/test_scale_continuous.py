"""ContinuousScale against SimContinuous streaming on a real pty and loopback TCP."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.scale.base import Weight
from drivers.scale.continuous import ReadingState
from drivers.scale.continuous_device import ContinuousScale
from drivers.scale.errors import (
    ScaleCommandError,
    ScaleConnectionError,
    ScaleMotionError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleTimeoutError,
    ScaleUnderloadError,
)
from drivers.sim.continuous import SimContinuous

ROOT = Path(__file__).resolve().parents[2]
RATE_HZ = 100.0  # fast lines keep the tests short; a real scale sends 5 to 20 a second


@pytest.fixture(params=["pty", "tcp"])
def kind(request):
    return request.param


@pytest.fixture(params=["cas", "ad", "ohaus"])
def preset(request):
    return request.param


@pytest.fixture
def sim(kind, preset):
    s = SimContinuous(kind, preset=preset, rate_hz=RATE_HZ)
    yield s
    s.stop()


@pytest.fixture
def scale(sim, preset):
    sc = ContinuousScale(sim.url, fmt=preset, timeout_s=0.25)
    yield sc
    sc.close()


@pytest.fixture
def cas(kind):
    """A CAS simulator and its scale: faults are the same whatever the line format."""
    with SimContinuous(kind, preset="cas", rate_hz=RATE_HZ) as s, \
            ContinuousScale(s.url, fmt="cas", timeout_s=0.25) as sc:
        yield s, sc


def test_fresh_weight_stable_and_in_motion(sim, scale):
    sim.place(1250)
    weight = scale.weight_immediate()
    assert (weight.grams, weight.stable) == (1250.0, True)
    sim.set_unstable(True)
    moving = scale.weight_immediate()
    assert (moving.grams, moving.stable) == (1250.0, False)


def test_a_new_load_is_seen_by_the_next_call(sim, scale):
    sim.place(100)
    assert scale.weight_immediate().grams == 100.0
    sim.place(2345)
    assert scale.weight_immediate().grams == 2345.0  # lines queued before the call are dropped


def test_weight_stable_skips_motion_and_gives_up_at_the_deadline(sim, scale):
    sim.place(700)
    sim.set_unstable(True)
    started = time.monotonic()
    with pytest.raises(ScaleMotionError, match="motion"):
        scale.weight_stable(timeout_s=0.2)
    assert 0.2 <= time.monotonic() - started < 0.4
    sim.set_unstable(False)
    assert scale.weight_stable() == Weight(700.0, True, scale.weight_stable().raw)


def test_overload_and_underload_lines(sim, scale, preset):
    sim.overload()
    if preset == "ohaus":  # its line has no overload form: never a weight, a clear error
        with pytest.raises(ScaleProtocolError):
            scale.weight_immediate()
        return
    with pytest.raises(ScaleOverloadError):
        scale.weight_immediate()
    with pytest.raises(ScaleOverloadError):
        scale.weight_stable()
    assert scale.read().state is ReadingState.OVERLOAD
    if preset == "ad":  # A&D signs the OL line; CAS has no underload line
        sim.underload()
        with pytest.raises(ScaleUnderloadError):
            scale.weight_immediate()
    sim.place(10)
    assert scale.weight_immediate().grams == 10.0


def test_zero_and_tare_commands(sim, scale, preset):
    sim.place(200)
    if preset == "cas":
        with pytest.raises(ScaleCommandError, match="no commands"):
            scale.zero()
        with pytest.raises(ScaleCommandError):
            scale.tare()
        return
    scale.zero()
    assert sim.wait_for_commands(1)
    assert scale.weight_immediate().grams == 0.0
    sim.place(500)
    scale.tare()
    assert sim.wait_for_commands(2)
    sim.place(800)
    assert scale.weight_immediate().grams == 300.0
    assert sim.commands_received == ["Z", "T"]


def test_one_garbage_line_is_skipped(cas):
    sim, scale = cas
    sim.place(42)
    assert scale.weight_immediate().grams == 42.0
    sim.garbage(1)
    sim.wait_for_lines(3)
    before = scale.garbage_lines
    sim.garbage(1)
    assert scale.weight_immediate().grams == 42.0
    assert scale.garbage_lines - before <= 1


def test_garbage_lines_in_a_row_are_a_protocol_error(cas):
    sim, scale = cas
    sim.place(42)
    sim.garbage(1000)
    with pytest.raises(ScaleProtocolError, match="in a row"):
        scale.weight_immediate()


def test_overlong_lines_in_a_row_are_a_protocol_error(cas):
    sim, scale = cas
    sim.place(42)
    for _ in range(5):
        sim.send_raw(b"9" * 1000 + b"\r\n")
    with pytest.raises(ScaleProtocolError, match="no line end within 128"):
        scale.weight_immediate()


def test_an_endless_line_is_a_protocol_error_then_resyncs(cas):
    sim, scale = cas
    sim.place(42)
    sim.overlong()
    with pytest.raises(ScaleProtocolError, match="no line end within 128"):
        scale.weight_immediate()
    sim.overlong(False)
    assert scale.weight_immediate().grams == 42.0


def test_a_silent_scale_times_out_with_no_old_weight(cas):
    sim, scale = cas
    sim.place(9)
    assert scale.weight_immediate().grams == 9.0
    sim.pause()
    with pytest.raises(ScaleTimeoutError):
        scale.weight_immediate()
    sim.pause(False)
    assert scale.weight_immediate().grams == 9.0


def test_dropped_connection_raises_once_then_reconnects(cas):
    sim, scale = cas
    sim.place(3)
    assert scale.weight_immediate().grams == 3.0
    sim.drop_connection()
    with pytest.raises(ScaleConnectionError):
        for _ in range(3):  # pty: the hang-up may land between two calls
            scale.weight_immediate()
    assert not scale.is_open
    assert scale.weight_immediate().grams == 3.0


def test_custom_pattern_reads_a_cas_like_stream(kind):
    pattern = (r"(?P<stability>ST|US|OL),(?P<mode>GS|NT),(?P<sign>[+-]) *(?P<value>[\d.]+)"
               r"(?P<unit>kg)")
    with SimContinuous(kind, preset="cas", rate_hz=RATE_HZ) as sim, \
            ContinuousScale(sim.url, pattern=pattern) as scale:
        sim.place(1500)
        assert scale.weight_immediate() == Weight(1500.0, True, "ST,GS,+  1.500kg")


@pytest.mark.slow
def test_simulator_runs_as_a_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.continuous", "--listen", "tcp:0", "--preset", "ad",
         "--unit", "g", "--rate", "50"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("socket://127.0.0.1:")
        proc.stdin.write("place 123.4\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ok"
        with ContinuousScale(url, fmt="ad") as scale:
            assert scale.weight_stable() == Weight(123.4, True, "ST,+000123.4  g")
        proc.stdin.write("bogus\nquit\n")
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("error:")
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
