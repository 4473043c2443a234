"""The VLM interface: value types, error family, state keeping and the factory."""

from __future__ import annotations

import logging

import pytest

from drivers.vlm import (
    CONNECTED_STATES,
    TRAY_OPEN_STATES,
    VLM_PROTOCOLS,
    Confirmation,
    TrayLocation,
    VlmConnectionError,
    VlmController,
    VlmError,
    VlmProtocolError,
    VlmRejectedError,
    VlmState,
    VlmStateError,
    VlmStatus,
    VlmTimeoutError,
    open_vlm,
)
from drivers.vlm.base import StateKeeper
from drivers.vlm.kardex import JMIF_PIPE
from drivers.vlm.kardex_device import KardexVlm
from drivers.vlm.modbus import ModbusVlm


def test_every_error_is_a_vlm_error():
    for error in (VlmConnectionError, VlmTimeoutError, VlmProtocolError, VlmRejectedError,
                  VlmStateError):
        assert issubclass(error, VlmError)
    rejected = VlmRejectedError("tray 3 rejected", code=101, meaning="common error", task_id="7")
    assert (rejected.code, rejected.meaning, rejected.task_id) == (101, "common error", "7")
    assert str(rejected) == "tray 3 rejected"


@pytest.mark.parametrize(
    "kw", [{"carrier": 0}, {"carrier": -1}, {"carrier": 1, "quantity": -1},
           {"carrier": 1, "pos_x": -5}, {"carrier": 1, "pos_y": -1}],
)
def test_tray_location_refuses_impossible_values(kw):
    with pytest.raises(ValueError):
        TrayLocation(**kw)


def test_confirmation_short():
    assert Confirmation("1", quantity=2, requested=3).short
    assert not Confirmation("1", quantity=3, requested=3).short
    assert not Confirmation("1", quantity=4, requested=3).short


def test_state_sets():
    assert VlmState.DISCONNECTED not in CONNECTED_STATES
    assert set(VlmState) - CONNECTED_STATES == {VlmState.DISCONNECTED}
    assert {VlmState.PRESENT, VlmState.CONFIRMED} == TRAY_OPEN_STATES
    assert VlmStatus(VlmState.IDLE, None).connected
    assert not VlmStatus(VlmState.DISCONNECTED, None).connected


def test_state_keeper_notifies_changes_only_and_survives_a_broken_listener(caplog):
    keeper = StateKeeper()
    seen = []

    def broken(state):
        raise RuntimeError("listener bug")

    keeper.add_listener(broken)
    keeper.add_listener(seen.append)
    with caplog.at_level(logging.ERROR):
        keeper.set(VlmState.IDLE)
        keeper.set(VlmState.IDLE)
        keeper.set(VlmState.CALLING)
    assert seen == [VlmState.IDLE, VlmState.CALLING]
    assert keeper.state is VlmState.CALLING
    assert "listener failed" in caplog.text


def test_factory_builds_adapters_without_connecting():
    assert VLM_PROTOCOLS == ("kardex-jmif", "modbus")
    kardex = open_vlm("kardex-jmif", "socket://127.0.0.1:9", dialect="jmif-pipe",
                      address="SH1-1")
    assert isinstance(kardex, KardexVlm) and kardex.dialect is JMIF_PIPE
    modbus = open_vlm("modbus", "modbus://127.0.0.1:9?unit=2", timeout_s=1.0)
    assert isinstance(modbus, ModbusVlm) and modbus.address.unit == 2
    for vlm in (kardex, modbus):
        assert isinstance(vlm, VlmController)
        assert vlm.state is VlmState.DISCONNECTED
        assert vlm.status() == VlmStatus(VlmState.DISCONNECTED, None)
        vlm.close()


def test_factory_refuses_unknown_protocols_urls_and_options():
    with pytest.raises(ValueError, match="kardex-jmif, modbus"):
        open_vlm("opc-ua", "opc.tcp://plc")
    with pytest.raises(ValueError):
        open_vlm("modbus", "socket://127.0.0.1:502")
    with pytest.raises(ValueError):
        open_vlm("kardex-jmif", "socket://x", dialect="nope")
    with pytest.raises(TypeError):
        open_vlm("kardex-jmif", "socket://x", colour="red")
