"""KardexVlm against SimKardexVlm on a real pty and loopback TCP, faults included."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.sim.kardex import SimKardexVlm
from drivers.sim.wire import WireServer
from drivers.vlm import (
    Confirmation,
    Operation,
    TrayLocation,
    VlmConnectionError,
    VlmError,
    VlmProtocolError,
    VlmRejectedError,
    VlmState,
    VlmStateError,
    VlmTimeoutError,
    open_vlm,
)
from drivers.vlm.kardex import Telegram
from drivers.vlm.kardex_device import KardexVlm

ROOT = Path(__file__).resolve().parents[2]
TRAY = TrayLocation(17, pos_x=120, pos_y=40, quantity=3, article="4006381333931",
                    description="Screw M4x20", order="ORD-0815")


@pytest.fixture(params=["pty", "tcp"])
def sim(request):
    s = SimKardexVlm(request.param, travel_s=0.05)
    yield s
    s.stop()


@pytest.fixture
def vlm(sim):
    device = KardexVlm(sim.url, address="SH1-1", timeout_s=1.0, task_id_start=1)
    yield device
    device.close()


def _states(vlm) -> list[str]:
    seen: list[str] = []
    vlm.on_vlm_state_changed(lambda state: seen.append(state.value))
    return seen


def test_full_pick(sim, vlm):
    states = _states(vlm)
    call = vlm.call_tray(TRAY)
    assert (call.task_id, call.accepted) == ("1", True)
    assert vlm.wait_tray_present(2.0)
    assert vlm.state is VlmState.PRESENT
    assert vlm.wait_confirmation(0.05) is None  # the operator has not confirmed yet
    assert sim.confirm(2)
    assert vlm.wait_confirmation(2.0) == Confirmation("1", quantity=2, requested=3)
    vlm.release_tray()
    assert sim.tray is None
    assert states == ["idle", "calling", "present", "confirmed", "releasing", "idle"]
    assert sim.tasks_received == [
        Telegram(4, "1", "SH1-1", 17, 120, 40, 3, "4006381333931", "Screw M4x20", "ORD-0815"),
        Telegram(0, "2", "SH1-1", carrier=0, pos_x=0, pos_y=0),
    ]
    assert vlm.stale_replies == 0


@pytest.mark.parametrize(("operation", "code"), [(Operation.PUT, 3), (Operation.COUNT, 5)])
def test_put_and_count_use_their_task_types(sim, vlm, operation, code):
    sim.operator_s = 0.0  # confirms as soon as the tray arrives
    vlm.call_tray(TrayLocation(5, quantity=10, operation=operation))
    assert vlm.wait_confirmation(2.0) == Confirmation("1", 10, 10)
    vlm.release_tray()
    assert [t.code for t in sim.tasks_received] == [code, 0]


def test_pipe_layout_with_ping(sim):
    with SimKardexVlm("tcp", dialect="jmif-pipe", travel_s=0.05, operator_s=0.0,
                      confirm_qty=1) as pipe_sim:
        vlm = open_vlm("kardex-jmif", pipe_sim.url, dialect="jmif-pipe", address="SH1-1",
                       task_id_start=10)
        with vlm:
            vlm.ping()
            vlm.call_tray(TRAY)
            assert vlm.wait_confirmation(2.0) == Confirmation("11", 1, 3)
            vlm.release_tray()
        assert [(t.code, t.task_id, t.carrier) for t in pipe_sim.tasks_received] == [
            (61, "ping10", 0), (1, "11", 17), (1, "12", 0)]


def test_rejection_closes_the_call_and_the_next_one_works(sim, vlm):
    sim.fail_next(101)
    with pytest.raises(VlmRejectedError, match="101") as info:
        vlm.call_tray(TRAY)
    assert (info.value.code, info.value.meaning, info.value.task_id) == (101, "common error", "1")
    assert vlm.state is VlmState.IDLE
    assert "101" in vlm.status().last_error
    vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)


def test_a_second_call_while_a_tray_is_open_is_refused(sim, vlm):
    vlm.call_tray(TRAY)
    with pytest.raises(VlmStateError, match="release it first"):
        vlm.call_tray(TrayLocation(3))
    with pytest.raises(VlmStateError):
        KardexVlm(sim.url).wait_tray_present(0.1)  # nothing called on that one
    assert len(sim.tasks_received) == 1


def test_after_a_restart_the_open_tray_is_busy_until_released(sim, vlm):
    vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)
    vlm.close()  # the station goes down with the tray out
    restarted = KardexVlm(sim.url, task_id_start=500)
    try:
        with pytest.raises(VlmRejectedError) as info:
            restarted.call_tray(TrayLocation(3))
        assert (info.value.code, info.value.meaning) == (103, "machine busy")
        restarted.release_tray()  # no call known: releases whatever tray is open
        assert restarted.stale_replies == 1  # the `107` for the old station's task
        restarted.call_tray(TrayLocation(3))
        assert restarted.wait_tray_present(2.0)
    finally:
        restarted.close()


def test_no_answer_times_out_within_the_deadline(sim):
    vlm = KardexVlm(sim.url, timeout_s=0.3, task_id_start=1)
    try:
        vlm.ping()  # connected
        sim.dont_answer()
        started = time.monotonic()
        with pytest.raises(VlmTimeoutError, match="acknowledgement"):
            vlm.call_tray(TRAY)
        assert 0.3 <= time.monotonic() - started < 0.6
        assert not vlm.wait_tray_present(0.2)  # the controller never got it
        vlm.release_tray()  # the documented recovery
        vlm.call_tray(TRAY)
        assert vlm.wait_tray_present(2.0)
    finally:
        vlm.close()


def test_release_cancels_an_unconfirmed_task_and_its_late_echo_is_stale(sim, vlm):
    vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)
    vlm.release_tray()  # the sim answers 107 for the pick, then 0 for the release
    assert vlm.state is VlmState.IDLE
    assert vlm.stale_replies == 1
    vlm.call_tray(TRAY)  # no leftover rejection
    assert vlm.wait_tray_present(2.0)


def test_slow_echo_after_a_timeout_is_taken_for_the_right_task(sim, vlm):
    sim.slow(0.3)
    with pytest.raises(VlmTimeoutError):
        vlm.call_tray(TRAY, timeout_s=0.1)
    assert vlm.wait_tray_present(2.0)  # 201 then 203 arrive late, for task 1
    sim.slow(0)
    assert sim.confirm()
    assert vlm.wait_confirmation(2.0) == Confirmation("1", 3, 3)


def test_garbage_is_a_protocol_error_and_the_flow_goes_on(sim, vlm):
    sim.answer_garbage()  # instead of the 201
    with pytest.raises(VlmProtocolError):
        vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)  # the 203 is fine
    assert sim.confirm(3)
    assert vlm.wait_confirmation(2.0).quantity == 3


def test_dropped_connection_raises_once_then_reconnects(sim, vlm):
    vlm.ping()
    assert vlm.state is VlmState.IDLE
    assert sim.wait_for_client()  # accepted, so the drop hits this connection
    sim.drop_connection()
    with pytest.raises(VlmConnectionError):
        vlm.call_tray(TRAY)
    assert vlm.state is VlmState.DISCONNECTED
    assert sim.tasks_received == []  # refused before anything was sent
    vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)
    if sim.url.startswith("socket://"):
        assert sim.connections == 2


def test_drop_while_waiting_then_the_call_goes_on(sim, vlm):
    sim.travel_s = 0.3
    vlm.call_tray(TRAY)
    sim.drop_connection()
    with pytest.raises(VlmConnectionError):
        vlm.wait_tray_present(2.0)
    assert vlm.status().call is not None  # kept: the machine still has the task
    assert vlm.wait_tray_present(2.0)  # reconnected; the arrival comes on the new line


def test_unreachable_controller_then_it_appears():
    probe = SimKardexVlm("tcp")
    port = int(probe.url.rsplit(":", 1)[1])
    probe.stop()
    vlm = KardexVlm(f"socket://127.0.0.1:{port}", task_id_start=1)
    try:
        with pytest.raises(VlmConnectionError, match=str(port)):
            vlm.call_tray(TRAY)
        with SimKardexVlm("tcp", port=port, travel_s=0.01) as sim:
            vlm.call_tray(TRAY)
            assert vlm.wait_tray_present(2.0)
            assert sim.tasks_received[0].task_id == "1"
    finally:
        vlm.close()


def test_without_acknowledgements(sim):
    sim.acknowledge = sim.announce_arrival = False  # the machine only sends `0`
    vlm = KardexVlm(sim.url, expect_ack=False, task_id_start=1)
    try:
        assert not vlm.call_tray(TRAY).accepted
        assert not vlm.wait_tray_present(0.2)
        sim.operator_s = 0.0
        assert sim.wait_for_tasks(1)
        assert sim.tray is not None and sim.confirm(2)
        assert vlm.wait_confirmation(2.0) == Confirmation("1", 2, 3)
        assert vlm.tray_present()  # `0` implies the tray is there
    finally:
        vlm.close()


def test_exact_bytes_and_nul_padded_echoes():
    """Level 1: a scripted peer checks every byte and pads its echoes like some gateways do."""
    received: list[bytes] = []
    got = threading.Event()
    server = WireServer("tcp", on_data=lambda data: (received.append(data), got.set()))
    try:
        vlm = KardexVlm(server.url, address="SH1-1", task_id_start=1000, timeout_s=1.0)
        with vlm:
            vlm.ping()
            assert server.wait_for_client()
            thread = threading.Thread(target=vlm.call_tray, args=(TRAY,))
            thread.start()
            assert got.wait(2.0)
            assert b"".join(received) == (
                b"4;1000;SH1-1;17;120;40;3;4006381333931;Screw M4x20;ORD-0815;\r\n")
            server.send(b"0;999;SH1-1;1;;;;;;;\r\n")  # a stale echo of an older task
            server.send(b"201;1000;SH1-1;17;120;40;3;;;;\r\n".ljust(1024, b"\0"))
            thread.join(2.0)
            assert vlm.state is VlmState.CALLING and vlm.stale_replies == 1
            server.send(b"\0\0" + b"0;1000;SH1-1;17;120;40;1;;;;\r\n")
            assert vlm.wait_confirmation(1.0) == Confirmation("1000", 1, 3)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def peer():
    server = WireServer("tcp")
    yield server
    server.stop()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from([b"0;1;;17;;;;;;;", b"203;1;;;;;;;;;", b"\0" * 50, b"\r\n",
                              b"101;1", b";;;;;;;;;;", b"\xff" * 200]), max_size=6)
    .map(b"\r\n".join),
))
def test_any_bytes_from_the_controller_never_hang_the_driver(peer, data):
    """Whatever arrives: a result or a VlmError, within the deadline, never a hang."""
    before = peer.connections
    vlm = KardexVlm(peer.url, expect_ack=False, timeout_s=0.05, task_id_start=1,
                    max_line_bytes=128)
    try:
        vlm.call_tray(TRAY)
        assert peer.wait_for_client(before + 1)
        peer.send(data)
        started = time.monotonic()
        with contextlib.suppress(VlmError):
            vlm.wait_confirmation(0.05)
        assert time.monotonic() - started < 1.0
    finally:
        vlm.close()


@pytest.mark.slow
def test_simulator_runs_as_a_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.kardex", "--listen", "tcp:0", "--travel", "0.05"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("socket://127.0.0.1:")
        with KardexVlm(url, task_id_start=1) as vlm:
            vlm.call_tray(TRAY)
            assert vlm.wait_tray_present(5.0)
            proc.stdin.write("tray\nconfirm 2\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "ok 17 present"
            assert proc.stdout.readline().strip() == "ok"
            assert vlm.wait_confirmation(5.0).quantity == 2
            vlm.release_tray()
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
