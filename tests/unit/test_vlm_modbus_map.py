"""Modbus VLM register map, register-exact: requests, every handshake status, bad blocks, URLs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.vlm.errors import VlmProtocolError
from drivers.vlm.modbus_map import (
    ControllerStatus,
    ModbusAddress,
    RegisterMap,
    Request,
    decode_request,
    decode_status,
    encode_request,
    encode_status,
    parse_modbus_url,
)

MAP = RegisterMap()
SWAPPED = RegisterMap(command=100, task_id=101, tray=102, pos_x=103, pos_y=104, quantity=105,
                      status=204, ack_task_id=203, error_code=202, confirmed_qty=201,
                      current_tray=200, ready_bit=0x8000, error_bit=0x0100)


@pytest.mark.parametrize(
    ("regs", "request_", "start", "values"),
    [
        (MAP, Request(7, MAP.cmd_pick, tray=17, pos_x=120, pos_y=40, quantity=3), 0,
         [7, 17, 120, 40, 3, 1]),
        (MAP, Request(8, MAP.cmd_put, tray=5, quantity=10), 0, [8, 5, 0, 0, 10, 2]),
        (MAP, Request(9, MAP.cmd_count, tray=9), 0, [9, 9, 0, 0, 0, 3]),
        (MAP, Request(10, MAP.cmd_release), 0, [10, 0, 0, 0, 0, 4]),
        (MAP, Request(65535, 1, tray=65535), 0, [65535, 65535, 0, 0, 0, 1]),
        (SWAPPED, Request(7, 1, tray=17, pos_x=120, pos_y=40, quantity=3), 100,
         [1, 7, 17, 120, 40, 3]),
    ],
)
def test_encode_request(regs, request_, start, values):
    assert encode_request(regs, request_) == (start, values)
    assert decode_request(regs, values) == request_


@pytest.mark.parametrize("request_", [Request(65536, 1), Request(1, -1), Request(1, 1, tray=1.5)])
def test_requests_that_do_not_fit_registers_are_refused(request_):
    with pytest.raises(ValueError):
        encode_request(MAP, request_)


def _status(**kw) -> ControllerStatus:
    base = dict(ready=True, busy=False, present=False, done=False, error=False, ack_task_id=7)
    return ControllerStatus(**{**base, **kw})


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ([0x0001, 0, 0, 0, 0], _status(ack_task_id=0)),  # idle
        ([0x0000, 0, 0, 0, 0], _status(ready=False, ack_task_id=0)),  # not in automatic
        ([0x0003, 7, 0, 0, 17], _status(busy=True, current_tray=17)),  # accepted, travelling
        ([0x0011, 7, 3, 0, 0], _status(error=True, error_code=3)),  # rejected
        ([0x0005, 7, 0, 0, 17], _status(present=True, current_tray=17)),  # tray at the opening
        ([0x000D, 7, 0, 2, 17], _status(present=True, done=True, confirmed_qty=2,
                                        current_tray=17)),  # operator confirmed 2
        ([0x0003, 8, 0, 0, 17], _status(busy=True, ack_task_id=8, current_tray=17)),  # going back
        ([0x0001, 8, 0, 0, 0], _status(ack_task_id=8)),  # released
        ([0xFFE1, 8, 0, 0, 0], _status(ack_task_id=8)),  # reserved bits are ignored
    ],
)
def test_decode_every_handshake_status(values, status):
    assert decode_status(MAP, values) == status
    assert encode_status(MAP, status) == [v & 0x1F for v in values[:1]] + values[1:]


def test_decode_with_a_custom_map():
    # SWAPPED: current_tray 200, confirmed_qty 201, error_code 202, ack 203, status 204
    values = [17, 2, 0, 9, 0x8000 | 0x0004 | 0x0008]
    assert decode_status(SWAPPED, values) == _status(
        ack_task_id=9, present=True, done=True, confirmed_qty=2, current_tray=17)
    assert decode_status(SWAPPED, [0, 0, 3, 9, 0x8000 | 0x0100]) == _status(
        ack_task_id=9, error=True, error_code=3)
    with pytest.raises(VlmProtocolError, match="disagree"):
        decode_status(SWAPPED, [0, 0, 3, 9, 0x8000 | 0x0010])  # 0x0010 is no error bit here


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([0x0007, 7, 0, 0, 0], "BUSY and TRAY_PRESENT"),
        ([0x0009, 7, 0, 0, 0], "DONE without"),
        ([0x0011, 7, 0, 0, 0], "disagree"),
        ([0x0001, 7, 5, 0, 0], "disagree"),
        ([0x0001, 7, 0, 0], "5 registers"),
        ([0x0001, 7, 0, 0, 0, 0], "5 registers"),
        ([0x0001, 7, 0, 0, 70000], "5 registers"),
    ],
)
def test_inconsistent_status_is_a_protocol_error(values, match):
    with pytest.raises(VlmProtocolError, match=match):
        decode_status(MAP, values)


@pytest.mark.parametrize(
    "kw",
    [
        {"tray": 7},  # gap in the request block
        {"pos_x": 1},  # duplicate address
        {"status": 5},  # status block overlaps the request block
        {"current_tray": 20},  # gap in the status block
        {"done_bit": 0x0003},  # not a single bit
        {"done_bit": 0x0001},  # same bit as READY
        {"error_bit": 0x10000},
    ],
)
def test_bad_register_maps_are_refused(kw):
    with pytest.raises(ValueError):
        RegisterMap(**kw)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("modbus://127.0.0.1", ModbusAddress("127.0.0.1", 502, 1)),
        ("modbus://plc.local:1502", ModbusAddress("plc.local", 1502, 1)),
        ("modbus://10.0.0.5:502?unit=3", ModbusAddress("10.0.0.5", 502, 3)),
        ("modbus://10.0.0.5/?unit=247", ModbusAddress("10.0.0.5", 502, 247)),
    ],
)
def test_parse_modbus_url(url, address):
    assert parse_modbus_url(url) == address


@pytest.mark.parametrize(
    "url",
    ["socket://127.0.0.1:502", "modbus://", "modbus://h:0", "modbus://h:99999", "modbus://h:x",
     "modbus://h?unit=0", "modbus://h?unit=248", "modbus://h?unit=a", "modbus://h?slave=1",
     "modbus://h/path", "/dev/ttyUSB0"],
)
def test_bad_modbus_urls_are_refused(url):
    with pytest.raises(ValueError):
        parse_modbus_url(url)


_flags = st.booleans()


@settings(max_examples=300, deadline=None)
@given(
    ready=_flags, busy=_flags, present=_flags, done=_flags, error=_flags,
    numbers=st.lists(st.integers(0, 0xFFFF), min_size=4, max_size=4),
    regs=st.sampled_from([MAP, SWAPPED]),
)
def test_status_round_trip(ready, busy, present, done, error, numbers, regs):
    ack, code, qty, tray = numbers
    status = ControllerStatus(ready, busy and not present, present, done and present, error,
                              ack, (code or 1) if error else 0, qty, tray)
    assert decode_status(regs, encode_status(regs, status)) == status


@settings(max_examples=1000, deadline=None)
@given(values=st.lists(st.integers(-5, 0x1_0005), max_size=7),
       regs=st.sampled_from([MAP, SWAPPED]))
def test_decode_returns_a_status_or_raises_protocol_error_only(values, regs):
    """Any register values: a ControllerStatus, or VlmProtocolError; never another exception."""
    try:
        status = decode_status(regs, values)
    except VlmProtocolError:
        return
    assert not (status.busy and status.present)
    assert status.error == (status.error_code != 0)
