"""Toledo 8217/8213 frames, byte-exact: commands, weights, statuses, profiles, garbage."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.scale.errors import (
    ScaleBusyError,
    ScaleCommandError,
    ScaleError,
    ScaleMotionError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleUnderloadError,
)
from drivers.scale.toledo import (
    PROFILES,
    StatusBits,
    StatusFrame,
    WeightFrame,
    check_status,
    describe_status,
    encode_command,
    encode_status,
    encode_weight,
    parse_frame,
    split_frame,
)

P8217 = PROFILES["8217"]


@pytest.mark.parametrize(("cmd", "wire"), [("W", b"W"), ("Z", b"Z"), ("T", b"T"), ("C", b"C")])
def test_commands_are_one_letter_without_terminator(cmd, wire):
    assert encode_command(cmd) == wire


@pytest.mark.parametrize("cmd", ["w", "", "WW", "X", "W\r"])
def test_other_commands_are_refused(cmd):
    with pytest.raises(ValueError):
        encode_command(cmd)


@pytest.mark.parametrize(
    ("value", "decimals", "net", "wire"),
    [
        (Decimal("1.25"), 3, False, b"\x0201.250\r"),
        (Decimal("1.25"), 3, True, b"\x0201.250N\r"),
        (Decimal("2.75"), 2, False, b"\x02002.75\r"),
        (Decimal("0"), 3, False, b"\x0200.000\r"),
        (Decimal("99.999"), 3, True, b"\x0299.999N\r"),
    ],
)
def test_encode_weight_is_byte_exact(value, decimals, net, wire):
    assert encode_weight(value, decimals=decimals, net=net) == wire


def test_encode_weight_refuses_what_the_frame_cannot_carry():
    with pytest.raises(ValueError):
        encode_weight(Decimal("100"), decimals=3)
    with pytest.raises(ValueError):
        encode_weight(Decimal("-1"), decimals=3)


@pytest.mark.parametrize(
    ("status", "wire"),
    [(0x40, b"\x02?@\r"), (0x41, b"\x02?A\r"), (0x42, b"\x02?B\r"), (0x44, b"\x02?D\r"),
     (0x50, b"\x02?P\r"), (0x60, b"\x02?`\r"), (0x0D, b"\x02?\r\r"), (0x02, b"\x02?\x02\r")],
)
def test_encode_status_is_byte_exact(status, wire):
    assert encode_status(status) == wire
    assert parse_frame(wire) == StatusFrame(status)


def test_encode_status_refuses_eight_bits():
    with pytest.raises(ValueError):
        encode_status(0x80)


@pytest.mark.parametrize(
    ("wire", "frame"),
    [
        (b"\x0201.250\r", WeightFrame(Decimal("1.250"), False, "01.250")),
        (b"\x0201.250N\r", WeightFrame(Decimal("1.250"), True, "01.250N")),
        (b"\x02002.75\r", WeightFrame(Decimal("2.75"), False, "002.75")),
        (b"\x02  1.25\r", WeightFrame(Decimal("1.25"), False, "  1.25")),  # padded: accepted
        (b"\x0212\r", WeightFrame(Decimal(12), False, "12")),
        (b"\x02?A\r", StatusFrame(0x41)),
    ],
)
def test_parse_frame(wire, frame):
    assert parse_frame(wire) == frame


@pytest.mark.parametrize(
    "wire",
    [
        b"", b"\r", b"\x02\r", b"01.250\r", b"\x0201.250", b"\x02-1.250\r", b"\x021.2.3\r",
        b"\x021,250\r", b"\x02N\r", b"\x0201.250NN\r", b"\x0201.250 kg\r", b"\x02?\r",
        b"\x02?AB\r", b"\x02?\xc1\r", b"\x15\xfe#?*GARBAGE*\xff\r", b"x\x0201.250\r",
    ],
)
def test_garbage_frames_are_protocol_errors(wire):
    with pytest.raises(ScaleProtocolError):
        parse_frame(wire)


@pytest.mark.parametrize(
    ("buf", "frame", "used"),
    [
        (b"", None, 0),
        (b"\x0201.2", None, 0),
        (b"\x0201.250\r", b"\x0201.250\r", 8),
        (b"\x0201.250\r\x02?A\r", b"\x0201.250\r", 8),
        (b"\x02?", None, 0),
        (b"\x02?\r", None, 0),  # the CR is the status byte: one more byte to come
        (b"\x02?\r\r", b"\x02?\r\r", 4),
        (b"\x02?\x02\rrest", b"\x02?\x02\r", 4),
        (b"junk\r\x0201.250\r", b"junk\r", 5),
    ],
)
def test_split_frame(buf, frame, used):
    assert split_frame(buf) == (frame, used)


def test_split_frame_bounds_a_frame_without_cr():
    assert split_frame(b"\x02" + b"1" * 14) == (None, 0)
    with pytest.raises(ScaleProtocolError, match="no CR within 16"):
        split_frame(b"\x02" + b"1" * 15)
    with pytest.raises(ScaleProtocolError):
        split_frame(b"\x02" + b"1" * 20 + b"\r")


@pytest.mark.parametrize(
    ("status", "cmd", "error"),
    [
        (0x41, "W", ScaleMotionError), (0x42, "W", ScaleOverloadError),
        (0x44, "W", ScaleUnderloadError), (0x48, "W", ScaleBusyError),
        (0x48, "Z", ScaleCommandError), (0x43, "W", ScaleOverloadError),
        (0x61, "T", ScaleMotionError), (0x45, "Z", ScaleUnderloadError),
    ],
)
def test_check_status_raises_the_matching_error(status, cmd, error):
    with pytest.raises(error):
        check_status(status, P8217, cmd)


@pytest.mark.parametrize(
    ("status", "bits"),
    [(0x40, StatusBits(0)), (0x50, StatusBits.CENTRE_OF_ZERO),
     (0x70, StatusBits.CENTRE_OF_ZERO | StatusBits.NET), (0x48, StatusBits.OUTSIDE_ZERO_CAPTURE)],
)
def test_check_status_returns_the_meaningful_bits(status, bits):
    assert check_status(status, P8217, "T") == bits


def test_profiles_read_bit_6_and_bit_5_their_way():
    assert PROFILES["8217"].meaningful(0x40) == StatusBits(0)
    assert PROFILES["8213"].meaningful(0x60) == StatusBits(0)  # bit 5 is no net flag there
    badcmd = PROFILES["8217-badcmd"]
    with pytest.raises(ScaleCommandError, match="bad command"):
        check_status(0x40, badcmd, "W")
    assert check_status(0x10, badcmd, "Z") == StatusBits.CENTRE_OF_ZERO
    assert PROFILES["8217-lb"].unit == "lb" and PROFILES["8217"].unit == "kg"


def test_describe_status_names_the_bits():
    assert describe_status(0x41, P8217) == "0x41 (motion)"
    assert describe_status(0x40, P8217) == "0x40 (no flags)"
    assert describe_status(0x72, P8217) == "0x72 (over capacity, centre of zero, net)"
    assert describe_status(0x40, PROFILES["8217-badcmd"]) == "0x40 (bad command)"


@settings(max_examples=300, deadline=None)
@given(
    value=st.decimals(min_value=0, max_value=Decimal("99.999"), places=3),
    net=st.booleans(),
)
def test_weight_round_trip(value, net):
    wire = encode_weight(value, decimals=3, net=net)
    assert split_frame(wire + b"\x02") == (wire, len(wire))
    assert parse_frame(wire) == WeightFrame(value, net, wire[1:-1].decode())


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=0x7F))
def test_every_status_byte_round_trips_and_checks_to_a_scale_error_or_bits(status):
    wire = encode_status(status)
    assert split_frame(wire) == (wire, 4)
    assert parse_frame(wire) == StatusFrame(status)
    for profile in PROFILES.values():
        with contextlib.suppress(ScaleError):
            check_status(status, profile, "W")


@settings(max_examples=1000, deadline=None)
@given(st.one_of(
    st.binary(max_size=40),
    st.lists(st.sampled_from([b"\x02", b"\r", b"?", b"N", b".", b"0", b"1", b"A", b" "]),
             max_size=20).map(b"".join),
))
def test_framing_and_parsing_raise_only_protocol_errors(data):
    """Any bytes: frames cut and parsed, or ScaleProtocolError; never a loop or another error."""
    buf = bytearray(data)
    for _ in range(len(data) + 1):  # every step consumes bytes: this ends
        try:
            frame, used = split_frame(buf)
        except ScaleProtocolError:
            return
        if frame is None:
            return
        assert used > 0 and frame == bytes(buf[:used])
        del buf[:used]
        with contextlib.suppress(ScaleProtocolError):
            parse_frame(frame)
    raise AssertionError("split_frame did not consume its input")
