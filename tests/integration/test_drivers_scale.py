"""MtSicsScale against SimMtSics on a real pty and on loopback TCP, faults included."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from drivers.scale.base import ScaleState
from drivers.scale.device import MtSicsScale, ScaleIdentity, Weight
from drivers.scale.errors import (
    ScaleBusyError,
    ScaleCommandError,
    ScaleConnectionError,
    ScaleError,
    ScaleMotionError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleTimeoutError,
    ScaleUnderloadError,
)
from drivers.sim.mtsics import SimMtSics

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["pty", "tcp"])
def sim(request):
    s = SimMtSics(request.param, stable_timeout_s=0.2)
    yield s
    s.stop()


@pytest.fixture
def scale(sim):
    sc = MtSicsScale(sim.url, timeout_s=1.0)
    yield sc
    sc.close()


def test_stable_weight(sim, scale):
    sim.place(1234.5)
    assert scale.weight_stable() == Weight(grams=1234.5, stable=True, raw="S S    1234.50 g")
    assert sim.commands_received == ["S"]


def test_immediate_weight_while_unstable(sim, scale):
    sim.set_unstable(True)
    sim.place(500)
    assert scale.weight_immediate() == Weight(grams=500.0, stable=False, raw="S D     500.00 g")
    sim.set_unstable(False)
    assert scale.weight_immediate().stable
    assert sim.commands_received == ["SI", "SI"]


def test_stable_weight_waits_for_the_load_to_settle(sim, scale):
    sim.stable_timeout_s = 5.0
    sim.set_unstable(True)
    sim.place(250)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(scale.weight_stable, timeout_s=10)
        assert sim.wait_for_commands(1)
        assert not future.done()
        sim.set_unstable(False)
        assert future.result(timeout=2) == Weight(250.0, True, "S S     250.00 g")


def test_stable_weight_gives_up_with_busy_when_the_scale_does(sim, scale):
    sim.set_unstable(True)
    started = time.monotonic()
    with pytest.raises(ScaleBusyError, match="S I"):
        scale.weight_stable()
    assert 0.2 <= time.monotonic() - started < 1.0  # the scale's timeout, not ours


def test_zero_and_tare(sim, scale):
    sim.place(100)
    scale.zero()
    assert scale.weight_immediate().grams == 0.0
    sim.place(250)
    assert scale.weight_immediate().grams == 150.0
    assert scale.tare() == Weight(150.0, True, "T S     150.00 g")
    assert scale.weight_immediate().grams == 0.0
    sim.place(300)
    assert scale.weight_immediate().grams == 50.0
    assert sim.commands_received == ["Z", "SI", "SI", "T", "SI", "SI"]


def test_serial_number_and_reset(sim, scale):
    assert scale.serial_number() == "0123456789"
    sim.place(10)
    scale.zero()
    assert scale.reset() == "0123456789"
    assert scale.weight_immediate().grams == 10.0  # reset clears zero and tare
    assert sim.commands_received == ["I4", "Z", "@", "SI"]


def test_kilograms_with_three_decimals():
    with SimMtSics.on_tcp(unit="kg") as sim, MtSicsScale(sim.url) as scale:
        sim.place(12345.6)
        assert scale.weight_immediate() == Weight(12346.0, True, "S S     12.346 kg")


def test_overload_and_underload(sim, scale):
    sim.overload()
    with pytest.raises(ScaleOverloadError):
        scale.weight_immediate()
    with pytest.raises(ScaleOverloadError):
        scale.weight_stable()
    sim.underload()
    with pytest.raises(ScaleUnderloadError):
        scale.weight_immediate()
    sim.place(5)
    assert scale.weight_immediate().grams == 5.0


def test_a_load_too_wide_for_the_display_is_an_overload(sim, scale):
    sim.place(10_000_000)
    with pytest.raises(ScaleOverloadError):
        scale.weight_immediate()


def test_garbage_is_a_protocol_error_and_the_next_call_works(sim, scale):
    sim.place(42)
    sim.answer_garbage()
    with pytest.raises(ScaleProtocolError):
        scale.weight_immediate()
    assert scale.weight_immediate().grams == 42.0


def test_unknown_command_is_a_command_error(sim, scale):
    with pytest.raises(ScaleCommandError, match="ES"):
        scale.ask("XYZ")
    with pytest.raises(ScaleCommandError):
        scale.ask("S", 1)  # the simulator takes no parameters for S


def test_no_answer_times_out_within_the_deadline(sim):
    scale = MtSicsScale(sim.url, timeout_s=0.3)
    try:
        scale.open()
        sim.dont_answer()
        started = time.monotonic()
        with pytest.raises(ScaleTimeoutError):
            scale.weight_immediate()
        assert 0.3 <= time.monotonic() - started < 0.6
        assert scale.weight_immediate().grams == 0.0
    finally:
        scale.close()


def test_a_late_reply_to_another_command_is_skipped(sim, scale):
    sim.place(7)
    sim.slow(0.4)
    with pytest.raises(ScaleTimeoutError):
        scale.ask("Z", timeout_s=0.1)
    sim.slow(0)
    # The late `Z A` arrives while SI waits for its own reply: it is not taken for it.
    assert scale.weight_immediate().grams == 0.0  # Z did zero the scale
    assert sim.commands_received == ["Z", "SI"]


def test_dropped_connection_raises_once_then_reconnects(sim, scale):
    sim.place(3)
    assert scale.weight_immediate().grams == 3.0
    sim.drop_connection()
    with pytest.raises(ScaleConnectionError):
        scale.weight_immediate()
    assert not scale.is_open
    assert scale.weight_immediate().grams == 3.0
    assert scale.is_open


def test_unreachable_scale_then_it_appears():
    probe = SimMtSics.on_tcp()
    port = int(probe.url.rsplit(":", 1)[1])
    probe.stop()
    scale = MtSicsScale(f"socket://127.0.0.1:{port}")
    try:
        with pytest.raises(ScaleConnectionError, match=str(port)):
            scale.weight_immediate()
        with SimMtSics.on_tcp(port) as sim:
            sim.place(9)
            assert scale.weight_immediate().grams == 9.0
    finally:
        scale.close()


def test_calls_from_several_threads_are_serialised(sim, scale):
    sim.place(77)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: scale.weight_immediate(), range(40)))
    assert {r.grams for r in results} == {77.0}
    assert len(sim.commands_received) == 40


def test_every_error_is_a_scale_error():
    for error in (ScaleBusyError, ScaleCommandError, ScaleConnectionError, ScaleOverloadError,
                  ScaleProtocolError, ScaleTimeoutError, ScaleUnderloadError):
        assert issubclass(error, ScaleError)


@pytest.mark.slow
def test_simulator_runs_as_a_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.mtsics", "--listen", "tcp:0"], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("socket://127.0.0.1:")
        proc.stdin.write("place 1234\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ok"
        with MtSicsScale(url) as scale:
            assert scale.weight_stable().grams == 1234.0
            proc.stdin.write("unstable on\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "ok"
            assert not scale.weight_immediate().stable
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


# ------------------------------------------------------------ full command set
def test_zero_immediate_reports_whether_the_load_was_stable(sim, scale):
    sim.place(40)
    assert scale.zero_immediate() is True
    assert scale.weight_immediate().grams == 0.0
    sim.place(55)
    sim.set_unstable(True)
    assert scale.zero_immediate() is False  # ZI D: zeroed in motion
    sim.set_unstable(False)
    assert scale.weight_immediate().grams == 0.0
    assert sim.commands_received == ["ZI", "SI", "ZI", "SI"]


def test_tare_immediate_value_preset_and_clear(sim, scale):
    sim.place(120)
    sim.set_unstable(True)
    tare = scale.tare_immediate()
    assert tare == Weight(120.0, False, "TI D     120.00 g")
    sim.set_unstable(False)
    assert scale.tare_value() == Weight(120.0, True, "TA A 120.00 g")
    assert scale.weight_immediate().grams == 0.0
    assert scale.preset_tare(50, "kg", 3) == Weight(50.0, True, "TA A 50.00 g")
    assert scale.weight_immediate().grams == 70.0
    scale.clear_tare()
    assert scale.weight_immediate().grams == 120.0
    assert sim.tare_g == 0.0
    with pytest.raises(ScaleCommandError, match="TA L"):
        scale.ask("TA", "1", "ct")
    assert sim.commands_received == ["TI", "TA", "SI", "TA 0.050 kg", "SI", "TAC", "SI",
                                     "TA 1 ct"]


def test_identify(sim, scale):
    assert scale.identify() == ScaleIdentity("PB-SIM6200 6200.00 g", "0123456789")
    assert sim.commands_received == ["I2", "I4"]


@pytest.mark.parametrize(
    ("call", "forced", "error"),
    [
        *[(call, code, ScaleCommandError)
          for call in ("weight_immediate", "weight_stable", "zero", "tare", "clear_tare",
                       "serial_number", "identify")
          for code in (b"ES", b"ET", b"EL")],
        ("weight_immediate", b"S I", ScaleBusyError),
        ("weight_immediate", b"S +", ScaleOverloadError),
        ("weight_immediate", b"S -", ScaleUnderloadError),
        ("weight_stable", b"S I", ScaleBusyError),
        ("zero", b"Z I", ScaleBusyError), ("zero", b"Z +", ScaleOverloadError),
        ("zero", b"Z -", ScaleUnderloadError),
        ("zero_immediate", b"ZI I", ScaleBusyError), ("zero_immediate", b"ZI +",
                                                      ScaleOverloadError),
        ("zero_immediate", b"ZI -", ScaleUnderloadError),
        ("tare", b"T I", ScaleBusyError), ("tare", b"T +", ScaleOverloadError),
        ("tare", b"T -", ScaleUnderloadError),
        ("tare_immediate", b"TI I", ScaleBusyError), ("tare_immediate", b"TI L",
                                                      ScaleCommandError),
        ("tare_immediate", b"TI +", ScaleOverloadError),
        ("tare_immediate", b"TI -", ScaleUnderloadError),
        ("tare_value", b"TA I", ScaleBusyError), ("tare_value", b"TA L", ScaleCommandError),
        ("clear_tare", b"TAC I", ScaleBusyError),
        ("serial_number", b"I4 I", ScaleBusyError), ("identify", b"I2 I", ScaleBusyError),
        ("reset", b"I4 I", ScaleBusyError),
        ("zero", b"Z S", ScaleProtocolError),  # a status Z never answers
        ("tare_value", b"TA A", ScaleProtocolError),  # no weight in it
    ],
)
def test_every_error_reply_over_the_wire(sim, scale, call, forced, error):
    sim.force_reply(forced)
    with pytest.raises(error):
        getattr(scale, call)()
    sim.place(3)
    assert scale.weight_immediate().grams == 3.0  # and the scale is usable again


def test_the_simulator_answers_es_el_and_et(sim):
    from drivers.transport import close_transport, open_transport, read_available, write_all

    port = open_transport(sim.url)
    try:
        replies = b""
        for sent, frame in enumerate((b"XYZ\r\n", b"S 1\r\n", b"S\xff\r\n", b"TA 1 g g\r\n")):
            write_all(port, frame)
            assert sim.wait_for_commands(sent + 1)
        deadline = time.monotonic() + 2
        while replies.count(b"\n") < 4 and time.monotonic() < deadline:
            replies += read_available(port, wait_s=0.1)
        assert replies == b"ES\r\nEL\r\nET\r\nTA L\r\n"
    finally:
        close_transport(port)


def test_weight_stable_never_returns_a_dynamic_weight(sim, scale):
    sim.force_reply(b"S D     250.00 g", n=1000)  # a scale that answers S while moving
    started = time.monotonic()
    with pytest.raises(ScaleMotionError, match="S D"):
        scale.weight_stable(timeout_s=0.3)
    assert time.monotonic() - started < 0.6
    assert len(sim.commands_received) >= 2  # asked again, never accepted


def test_stream_sir_until_stopped(sim, scale):
    sim.place(10)
    with scale.stream() as weights:
        assert next(weights) == Weight(10.0, True, "S S      10.00 g")
        sim.set_unstable(True)
        sim.place(20)
        moving = next(w for w in weights if w.grams == 20.0)
        assert not moving.stable
        with pytest.raises(ScaleBusyError, match="stream"):
            scale.weight_immediate()
        sim.set_unstable(False)
        assert next(w for w in weights if w.stable).grams == 20.0
        sim.overload()
        with pytest.raises(ScaleOverloadError):
            for _ in range(20):
                next(weights)
        sim.place(30)  # the stream goes on after an error line
        assert next(w for w in weights if w.grams == 30.0).stable
    assert not sim.streaming
    assert list(weights) == []
    assert scale.weight_immediate().grams == 30.0
    assert sim.commands_received[0] == "SIR" and sim.commands_received[-2:] == ["I4", "SI"]


def test_stream_ends_when_the_connection_drops(sim, scale):
    weights = scale.stream(timeout_s=0.5)
    next(weights)
    sim.drop_connection()
    with pytest.raises((ScaleConnectionError, ScaleTimeoutError)):
        for _ in range(50):
            next(weights)
    weights.stop()
    sim.place(8)
    assert scale.weight_immediate().grams == 8.0


def test_state_listener_sees_connect_fault_and_loss(sim):
    seen = []
    scale = MtSicsScale(sim.url, timeout_s=0.3, on_state=lambda state, detail: seen.append(state))
    try:
        assert scale.state is ScaleState.DISCONNECTED
        scale.weight_immediate()
        sim.answer_garbage()
        with pytest.raises(ScaleProtocolError):
            scale.weight_immediate()
        assert scale.state is ScaleState.FAULT
        scale.weight_immediate()
        sim.drop_connection()
        with pytest.raises(ScaleConnectionError):
            scale.weight_immediate()
        assert seen == [ScaleState.CONNECTED, ScaleState.FAULT, ScaleState.CONNECTED,
                        ScaleState.DISCONNECTED]
    finally:
        scale.close()


def test_unknown_quirks_are_refused():
    with pytest.raises(ValueError, match="mt-sics-emulator"):
        MtSicsScale("loop://", quirks="acme")
