"""MT-SICS frames, byte-exact: commands, every reply kind, errors, units."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.scale import mtsics
from drivers.scale.errors import (
    ScaleBusyError,
    ScaleCommandError,
    ScaleError,
    ScaleOverloadError,
    ScaleProtocolError,
    ScaleUnderloadError,
)
from drivers.scale.mtsics import (
    BusyReply,
    ErrorReply,
    OverloadReply,
    StatusReply,
    UnderloadReply,
    WeightReply,
    check_reply,
    encode_command,
    encode_reply,
    format_weight,
    parse_reply,
    to_grams,
)


@pytest.mark.parametrize(
    ("cmd", "args", "wire"),
    [
        ("S", (), b"S\r\n"),
        ("SI", (), b"SI\r\n"),
        ("Z", (), b"Z\r\n"),
        ("T", (), b"T\r\n"),
        ("@", (), b"@\r\n"),
        ("I4", (), b"I4\r\n"),
        ("SIR", (), b"SIR\r\n"),
        ("TA", ("100.00", "g"), b"TA 100.00 g\r\n"),
        ("D", ("hello world",), b'D "hello world"\r\n'),
        ("D", ("",), b'D ""\r\n'),
        ("M21", (0, 1), b"M21 0 1\r\n"),
    ],
)
def test_encode_command(cmd, args, wire):
    assert encode_command(cmd, *args) == wire


@pytest.mark.parametrize(
    ("cmd", "args"),
    [("s", ()), ("", ()), ("S I", ()), ("S\r\n", ()), ("@@", ()), ("D", ('say "hi"',)),
     ("D", ("a\r\n",)), ("D", ("é",))],
)
def test_encode_command_rejects_what_is_not_mtsics(cmd, args):
    with pytest.raises(ValueError):
        encode_command(cmd, *args)


@pytest.mark.parametrize(
    ("wire", "reply"),
    [
        (b"S S      12.35 kg\r\n", WeightReply(True, Decimal("12.35"), "kg")),
        (b"S S      12.35 kg", WeightReply(True, Decimal("12.35"), "kg")),
        (b"S D     100.25 g\r\n", WeightReply(False, Decimal("100.25"), "g")),
        (b"S S     -0.005 kg\r\n", WeightReply(True, Decimal("-0.005"), "kg")),
        (b"S S    1234567 mg\r\n", WeightReply(True, Decimal(1234567), "mg")),
        (b"S S     2.2046 lb\r\n", WeightReply(True, Decimal("2.2046"), "lb")),
        (b"S S 7 g\r\n", WeightReply(True, Decimal(7), "g")),  # unpadded: accepted
        (b"T S     100.00 g\r\n", WeightReply(True, Decimal("100.00"), "g", id="T")),
        (b"S I\r\n", BusyReply("S")),
        (b"S +\r\n", OverloadReply("S")),
        (b"S -\r\n", UnderloadReply("S")),
        (b"Z I\r\n", BusyReply("Z")),
        (b"T +\r\n", OverloadReply("T")),
        (b"ES\r\n", ErrorReply("ES")),
        (b"ET\r\n", ErrorReply("ET")),
        (b"EL\r\n", ErrorReply("EL")),
        (b"Z A\r\n", StatusReply("Z", "A")),
        (b"Z L\r\n", StatusReply("Z", "L")),
        (b'I4 A "0123456789"\r\n', StatusReply("I4", "A", ("0123456789",))),
        (b'I2 A "XS204 Excellence" "220.0090 g"\r\n',
         StatusReply("I2", "A", ("XS204 Excellence", "220.0090 g"))),
        (b'I1 A "01" "2.20" "2.20" "" ""\r\n',
         StatusReply("I1", "A", ("01", "2.20", "2.20", "", ""))),
        (b"I0 B 0 \"I0\"\r\n", StatusReply("I0", "B", ("0", "I0"))),
    ],
)
def test_parse_reply(wire, reply):
    assert parse_reply(wire) == reply


@pytest.mark.parametrize(
    "wire",
    [
        b"", b"\r\n", b"S", b"S S", b"S S \r\n", b"S X\r\n", b"s S 1.0 g\r\n", b"S  S 1 g\r\n",
        b"S S      12.35\r\n", b"S S      12,35 kg\r\n", b"S S   1.2.3 g\r\n", b"S S 12 kg g\r\n",
        b"S S   \xb012.35 kg\r\n", b"\x00\x01\x02", b"\xff\xfe\r\n", b"S S 1 g\r\n\r\n",
        b'I4 A "0123\r\n', b"ES ", b"E\r\n", b"EX\r\n", b"S S 1 g\rjunk",
        b"#?*GARBAGE*\r\n",
    ],
)
def test_garbage_is_a_protocol_error(wire):
    with pytest.raises(ScaleProtocolError):
        parse_reply(wire)


def test_error_meanings():
    assert "syntax" in ErrorReply("ES").meaning
    assert "transmission" in ErrorReply("ET").meaning
    assert "logical" in ErrorReply("EL").meaning


@pytest.mark.parametrize(
    ("cmd", "wire", "error"),
    [
        ("S", b"ES", ScaleCommandError),
        ("SI", b"ET", ScaleCommandError),
        ("Z", b"EL", ScaleCommandError),
        ("Z", b"Z L", ScaleCommandError),
        ("S", b"S I", ScaleBusyError),
        ("SI", b"S +", ScaleOverloadError),
        ("SI", b"S -", ScaleUnderloadError),
        ("T", b"T +", ScaleOverloadError),
        ("SI", b"Z A", ScaleProtocolError),  # answers another command
        ("@", b"S S 1 g", ScaleProtocolError),
    ],
)
def test_check_reply_raises_the_matching_error(cmd, wire, error):
    with pytest.raises(error):
        check_reply(parse_reply(wire), cmd)


@pytest.mark.parametrize(
    ("cmd", "wire"),
    [("SI", b"S D 1 g"), ("S", b"S S 1 g"), ("@", b'I4 A "1"'), ("I4", b'I4 A "1"'),
     ("Z", b"Z A"), ("T", b"T S 5 g")],
)
def test_check_reply_passes_good_replies(cmd, wire):
    reply = parse_reply(wire)
    assert check_reply(reply, cmd) is reply


@pytest.mark.parametrize(
    ("value", "unit", "grams"),
    [
        ("12.35", "kg", Decimal("12350.00")),
        ("352", "g", Decimal(352)),
        ("1500", "mg", Decimal("1.5")),
        ("1", "lb", Decimal("453.59237")),
        ("1", "oz", Decimal("28.349523125")),
        ("16", "oz", Decimal("453.59237")),
        ("-0.005", "kg", Decimal("-5")),
    ],
)
def test_to_grams(value, unit, grams):
    assert to_grams(Decimal(value), unit) == grams


def test_unknown_unit_is_a_protocol_error():
    with pytest.raises(ScaleProtocolError, match="ct"):
        to_grams(Decimal(1), "ct")


def test_encode_reply_is_byte_exact():
    assert encode_reply("S", "S", weight=(Decimal("12.35"), 2, "kg")) == b"S S      12.35 kg\r\n"
    assert encode_reply("S", "D", weight=(352, 2, "g")) == b"S D     352.00 g\r\n"
    assert encode_reply("T", "S", weight=(1.5, 3, "kg")) == b"T S      1.500 kg\r\n"
    assert encode_reply("I4", "A", "0123456789") == b'I4 A "0123456789"\r\n'
    assert encode_reply("Z", "A") == b"Z A\r\n"
    assert format_weight(Decimal("-1.5"), 1) == "      -1.5"
    with pytest.raises(ValueError):
        format_weight(Decimal("123456789.5"), 2)


@settings(max_examples=300, deadline=None)
@given(
    stable=st.booleans(),
    value=st.decimals(min_value=-99999, max_value=999999, places=3, allow_nan=False),
    unit=st.sampled_from(sorted(mtsics.GRAMS_PER_UNIT)),
)
def test_weight_round_trip(stable, value, unit):
    wire = encode_reply("S", "S" if stable else "D", weight=(value, 3, unit))
    assert len(wire) == len(f"S S {'x' * 10} {unit}\r\n")
    assert parse_reply(wire) == WeightReply(stable, value.quantize(Decimal("0.001")), unit)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(
    st.binary(max_size=80),
    st.text(alphabet='SDITZAEL+-@4 "0123456789.gk\r\n', max_size=40).map(str.encode),
))
def test_parse_reply_returns_a_reply_or_raises_protocol_error_only(data):
    """Any bytes: a typed reply, or ScaleProtocolError; never another exception."""
    try:
        reply = parse_reply(data)
    except ScaleProtocolError:
        return
    assert isinstance(reply, mtsics.Reply)
    with contextlib.suppress(ScaleError):  # error replies map to ScaleError, nothing else
        check_reply(reply, getattr(reply, "id", "S"))
