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


# ------------------------------------------------------------ full command set
@pytest.mark.parametrize(
    ("cmd", "args", "wire"),
    [
        ("ZI", (), b"ZI\r\n"),
        ("TI", (), b"TI\r\n"),
        ("TA", (), b"TA\r\n"),
        ("TAC", (), b"TAC\r\n"),
        ("I2", (), b"I2\r\n"),
        ("TA", ("0.500", "kg"), b"TA 0.500 kg\r\n"),
    ],
)
def test_encode_every_supported_command(cmd, args, wire):
    assert encode_command(cmd, *args) == wire


@pytest.mark.parametrize(
    ("wire", "reply"),
    [
        (b"ZI S\r\n", StatusReply("ZI", "S")),
        (b"ZI D\r\n", StatusReply("ZI", "D")),
        (b"ZI I\r\n", BusyReply("ZI")),
        (b"ZI +\r\n", OverloadReply("ZI")),
        (b"ZI -\r\n", UnderloadReply("ZI")),
        (b"Z -\r\n", UnderloadReply("Z")),
        (b"T I\r\n", BusyReply("T")),
        (b"T -\r\n", UnderloadReply("T")),
        (b"TI S     100.00 g\r\n", WeightReply(True, Decimal("100.00"), "g", id="TI")),
        (b"TI D     100.00 g\r\n", WeightReply(False, Decimal("100.00"), "g", id="TI")),
        (b"TI L\r\n", StatusReply("TI", "L")),
        (b"TI I\r\n", BusyReply("TI")),
        (b"TA A     100.00 g\r\n", StatusReply("TA", "A", ("100.00", "g"))),
        (b"TA L\r\n", StatusReply("TA", "L")),
        (b"TA I\r\n", BusyReply("TA")),
        (b"TAC A\r\n", StatusReply("TAC", "A")),
        (b"TAC I\r\n", BusyReply("TAC")),
        (b'I2 A "PB-SIM6200 6200.00 g"\r\n', StatusReply("I2", "A", ("PB-SIM6200 6200.00 g",))),
        (b"I2 I\r\n", BusyReply("I2")),
        (b"I4 I\r\n", BusyReply("I4")),
        (b"SI S       1.25 kg\r\n", WeightReply(True, Decimal("1.25"), "kg", id="SI")),
    ],
)
def test_parse_every_reply_of_the_command_set(wire, reply):
    assert parse_reply(wire) == reply


@pytest.mark.parametrize("wire", [b"TI S\r\n", b"T S\r\n", b"S D\r\n", b"ZI S 1 g g\r\n"])
def test_weight_statuses_without_a_weight_are_protocol_errors(wire):
    with pytest.raises(ScaleProtocolError):
        parse_reply(wire)


@pytest.mark.parametrize(
    ("cmd", "wire", "error"),
    [
        *[(cmd, code, ScaleCommandError)
          for cmd in ("S", "SI", "SIR", "Z", "ZI", "T", "TI", "TA", "TAC", "@", "I2", "I4")
          for code in (b"ES", b"ET", b"EL")],
        ("S", b"S +", ScaleOverloadError), ("S", b"S -", ScaleUnderloadError),
        ("SIR", b"S I", ScaleBusyError), ("SIR", b"S +", ScaleOverloadError),
        ("SIR", b"S -", ScaleUnderloadError),
        ("Z", b"Z I", ScaleBusyError), ("Z", b"Z +", ScaleOverloadError),
        ("Z", b"Z -", ScaleUnderloadError),
        ("ZI", b"ZI I", ScaleBusyError), ("ZI", b"ZI +", ScaleOverloadError),
        ("ZI", b"ZI -", ScaleUnderloadError),
        ("T", b"T I", ScaleBusyError), ("T", b"T -", ScaleUnderloadError),
        ("TI", b"TI I", ScaleBusyError), ("TI", b"TI L", ScaleCommandError),
        ("TI", b"TI +", ScaleOverloadError), ("TI", b"TI -", ScaleUnderloadError),
        ("TA", b"TA I", ScaleBusyError), ("TA", b"TA L", ScaleCommandError),
        ("TAC", b"TAC I", ScaleBusyError), ("I2", b"I2 I", ScaleBusyError),
        ("I4", b"I4 I", ScaleBusyError),
        ("SI", b"SI S 1 g", ScaleProtocolError),  # the emulator's id, not the manual's
        ("SIR", b"SIR S 1 g", ScaleProtocolError),
        ("@", b"@ A", ScaleProtocolError),  # @ answers as I4
    ],
)
def test_every_error_reply_raises_its_error(cmd, wire, error):
    with pytest.raises(error):
        check_reply(parse_reply(wire), cmd)


@pytest.mark.parametrize(
    ("cmd", "wire"),
    [("SIR", b"S D 1 g"), ("ZI", b"ZI S"), ("ZI", b"ZI D"), ("TI", b"TI D 1 g"),
     ("TA", b"TA A 1 g"), ("TAC", b"TAC A"), ("I2", b'I2 A "X 1 g"')],
)
def test_good_replies_of_the_full_command_set_pass(cmd, wire):
    reply = parse_reply(wire)
    assert check_reply(reply, cmd) is reply


def test_reply_ids_follow_the_manual():
    assert [mtsics.reply_id(c) for c in ("S", "SI", "SIR", "SR", "@", "ZI", "TAC")] == [
        "S", "S", "S", "S", "I4", "ZI", "TAC"]
    assert mtsics.reply_ids("SI") == ("S",)


def test_emulator_quirks_accept_its_deviations_only():
    quirks = mtsics.QUIRKS["mt-sics-emulator"]
    assert mtsics.reply_ids("SI", quirks) == ("S", "SI")
    reply = parse_reply(b"SI S       1.25 kg")
    assert check_reply(reply, "SI", quirks) is reply
    with pytest.raises(ScaleProtocolError):
        check_reply(parse_reply(b"SIR S 1 g"), "SIR", quirks)  # only SI is affected
    assert quirks.model_command == "I1"
    assert quirks.ok_statuses["ZI"] == "A"
    assert mtsics.STANDARD.model_command == "I2"


def test_weight_fields_reads_a_status_reply_as_a_weight():
    assert mtsics.weight_fields(StatusReply("TA", "A", ("0.500", "kg"))) == WeightReply(
        True, Decimal("0.500"), "kg", id="TA")
    for fields in [(), ("1",), ("x", "g"), ("1", "g g"), ("1", "g", "x")]:
        with pytest.raises(ScaleProtocolError):
            mtsics.weight_fields(StatusReply("TA", "A", fields))


@settings(max_examples=500, deadline=None)
@given(
    cmd=st.sampled_from(["S", "SI", "SIR", "Z", "ZI", "T", "TI", "TA", "TAC", "@", "I2", "I4"]),
    data=st.binary(max_size=60),
    quirks=st.sampled_from(sorted(mtsics.QUIRKS)),
)
def test_check_reply_raises_only_scale_errors(cmd, data, quirks):
    """Whatever line answers whatever command: a reply, or a ScaleError; nothing else."""
    with contextlib.suppress(ScaleError):
        check_reply(parse_reply(data), cmd, mtsics.QUIRKS[quirks])
