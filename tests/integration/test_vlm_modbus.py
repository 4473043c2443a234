"""ModbusVlm against SimModbusVlm (a pymodbus server) on loopback TCP, faults included."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.sim.vlm_modbus import SimModbusVlm
from drivers.vlm import (
    Confirmation,
    Operation,
    TrayLocation,
    VlmConnectionError,
    VlmProtocolError,
    VlmRejectedError,
    VlmState,
    VlmStateError,
    VlmTimeoutError,
    open_vlm,
)
from drivers.vlm.modbus import ModbusVlm
from drivers.vlm.modbus_map import RegisterMap, Request

ROOT = Path(__file__).resolve().parents[2]
TRAY = TrayLocation(17, pos_x=120, pos_y=40, quantity=3)


@pytest.fixture
def sim():
    s = SimModbusVlm(travel_s=0.05)
    yield s
    s.stop()


@pytest.fixture
def vlm(sim):
    device = ModbusVlm(sim.url, timeout_s=1.0, request_timeout_s=0.3, poll_interval_s=0.01)
    yield device
    device.close()


def test_full_pick(sim, vlm):
    states: list[str] = []
    vlm.on_vlm_state_changed(lambda state: states.append(state.value))
    call = vlm.call_tray(TRAY)
    assert (call.task_id, call.accepted) == ("1", True)
    assert vlm.wait_tray_present(2.0)
    assert vlm.wait_confirmation(0.05) is None
    assert sim.confirm(2)
    assert vlm.wait_confirmation(2.0) == Confirmation("1", quantity=2, requested=3)
    vlm.release_tray()
    assert states == ["idle", "calling", "present", "confirmed", "releasing", "idle"]
    assert sim.requests == [Request(1, 1, tray=17, pos_x=120, pos_y=40, quantity=3),
                            Request(2, 4)]
    status = sim.status
    assert (status.ready, status.busy, status.present, status.current_tray) == (True, False,
                                                                                False, 0)


@pytest.mark.parametrize(("operation", "command"), [(Operation.PUT, 2), (Operation.COUNT, 3)])
def test_put_and_count(sim, vlm, operation, command):
    sim.operator_s = 0.0
    vlm.call_tray(TrayLocation(5, quantity=10, operation=operation))
    assert vlm.wait_confirmation(2.0) == Confirmation("1", 10, 10)
    vlm.release_tray()
    assert [r.command for r in sim.requests] == [command, 4]


def test_rejection_with_the_controller_error_code(sim):
    vlm = open_vlm("modbus", sim.url, error_meanings={7: "tray locked"}, poll_interval_s=0.01)
    with vlm:
        sim.fail_next(7)
        with pytest.raises(VlmRejectedError, match="tray locked") as info:
            vlm.call_tray(TRAY)
        assert (info.value.code, info.value.task_id) == (7, "1")
        assert vlm.state is VlmState.IDLE
        vlm.call_tray(TRAY)  # the next task clears the error
        assert vlm.wait_tray_present(2.0)


def test_not_ready_is_a_state_error_and_a_fault(sim, vlm):
    sim.set_ready(False)
    with pytest.raises(VlmStateError, match="not ready"):
        vlm.call_tray(TRAY)
    assert vlm.state is VlmState.FAULT
    assert sim.requests == []
    sim.set_ready(True)
    vlm.ping()
    assert vlm.state is VlmState.IDLE


def test_a_tray_left_open_must_be_released_first(sim, vlm):
    vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)
    vlm.close()
    restarted = ModbusVlm(sim.url, poll_interval_s=0.01)
    try:
        with pytest.raises(VlmStateError, match="tray 17 is open"):
            restarted.call_tray(TrayLocation(3))
        restarted.release_tray()
        assert restarted.call_tray(TrayLocation(3)).task_id == "3"  # continues after ack 2
    finally:
        restarted.close()


def test_no_answer_times_out_within_the_request_timeout(sim, vlm):
    vlm.ping()
    sim.dont_answer()
    started = time.monotonic()
    with pytest.raises(VlmTimeoutError):
        vlm.ping()
    assert 0.3 <= time.monotonic() - started < 0.8
    assert vlm.state is VlmState.DISCONNECTED
    vlm.ping()  # reconnects


def test_a_slow_answer_is_never_taken_for_the_next_request(sim, vlm):
    vlm.ping()
    sim.slow(0.5)
    with pytest.raises(VlmTimeoutError):
        vlm.call_tray(TRAY)  # its status read times out: nothing was written
    sim.slow(0)
    vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)
    assert sim.requests == [Request(1, 1, tray=17, pos_x=120, pos_y=40, quantity=3)]


def test_the_controller_travels_longer_than_the_wait(sim, vlm):
    sim.travel_s = 0.5
    vlm.call_tray(TRAY)
    assert not vlm.wait_tray_present(0.1)
    assert vlm.state is VlmState.CALLING
    assert not vlm.tray_present()
    assert vlm.wait_tray_present(2.0)
    with pytest.raises(VlmTimeoutError, match="not back"):
        vlm.release_tray(timeout_s=0.1)
    assert vlm.status().call is not None  # still open until the controller says so
    vlm.release_tray()
    assert vlm.state is VlmState.IDLE


def test_garbage_is_a_protocol_error_and_the_next_call_works(sim, vlm):
    vlm.ping()
    sim.answer_garbage()
    with pytest.raises(VlmProtocolError, match="not a Modbus answer"):
        vlm.ping()
    vlm.call_tray(TRAY)
    assert vlm.wait_tray_present(2.0)


def test_a_wrong_register_map_is_a_protocol_error(sim):
    wrong = RegisterMap(status=100, ack_task_id=101, error_code=102, confirmed_qty=103,
                        current_tray=104)
    with ModbusVlm(sim.url, register_map=wrong) as vlm, pytest.raises(
        VlmProtocolError, match="exception code 2"
    ):
        vlm.ping()


def test_a_wrong_unit_is_a_protocol_error(sim):
    with ModbusVlm(sim.url.replace("unit=1", "unit=9"), request_timeout_s=0.3) as vlm, \
            pytest.raises(VlmProtocolError):
        vlm.ping()


def test_dropped_connection_raises_once_then_reconnects(sim, vlm):
    vlm.call_tray(TRAY)
    sim.drop_connection()
    with pytest.raises(VlmConnectionError):
        vlm.wait_tray_present(2.0)
    assert vlm.state is VlmState.DISCONNECTED
    assert vlm.wait_tray_present(2.0)  # reconnected; the call went on in the controller
    assert sim.connections == 2


def test_unreachable_controller():
    probe = SimModbusVlm()
    url = probe.url
    probe.stop()
    with ModbusVlm(url) as vlm, pytest.raises(VlmConnectionError, match="cannot connect"):
        vlm.call_tray(TRAY)


@pytest.mark.slow
def test_simulator_runs_as_a_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.vlm_modbus", "--listen", "tcp:0", "--travel", "0.05"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("modbus://127.0.0.1:") and url.endswith("?unit=1")
        with ModbusVlm(url, poll_interval_s=0.01) as vlm:
            vlm.call_tray(TRAY)
            assert vlm.wait_tray_present(5.0)
            proc.stdin.write("confirm 2\n")
            proc.stdin.flush()
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
