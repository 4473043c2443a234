"""Continuous-output scale lines: the presets' real formats, custom patterns, garbage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.scale.continuous import (
    PRESETS,
    Reading,
    ReadingState,
    custom_format,
    encode_line,
    parse_line,
    resolve_format,
)
from drivers.scale.errors import ScaleProtocolError

S, M, OL, UL = (ReadingState.STABLE, ReadingState.MOTION, ReadingState.OVERLOAD,
                ReadingState.UNDERLOAD)


@pytest.mark.parametrize(
    ("preset", "line", "state", "value", "unit", "net"),
    [
        ("cas", b"ST,GS,+  1.234kg", S, "1.234", "kg", False),
        ("cas", b"US,NT,-  0.500kg", M, "-0.500", "kg", True),
        ("cas", b"ST,GS,+001.234kg", S, "1.234", "kg", False),
        ("cas", b"ST,NT,1\xc5,000013.5 kg", S, "13.5", "kg", True),  # 22-byte: id, lamp byte
        ("cas", b"US,GS,1\xc1,  -13.5 kg", M, "-13.5", "kg", False),
        ("cas", b"ST,GS,  1234.5 lb", S, "1234.5", "lb", False),
        ("cas", b"OL,GS,+       kg", OL, None, "kg", False),
        ("ad", b"ST,+00123.45  g", S, "123.45", "g", None),
        ("ad", b"US,-0001.234 kg", M, "-1.234", "kg", None),
        ("ad", b"ST,OK,+0001.234 kg", S, "1.234", "kg", None),
        ("ad", b"ST,+00123.45,  g", S, "123.45", "g", None),  # CSV variant
        ("ad", b"OL,+9999999E+19", OL, None, "", None),
        ("ad", b"OL,-9999999E+19", UL, None, "", None),
        ("ohaus", b"    192.21 g     ", S, "192.21", "g", None),
        ("ohaus", b"      0.01 g     ?", M, "0.01", "g", None),
        ("ohaus", b"    -1.234 kg      N", S, "-1.234", "kg", True),
        ("ohaus", b"     1.234 kg    ? G", M, "1.234", "kg", False),
        ("ohaus", b"    176.30 g     ? 00:00:15", M, "176.30", "g", None),
    ],
)
def test_parse_preset_lines(preset, line, state, value, unit, net):
    reading = parse_line(line, PRESETS[preset])
    assert reading == Reading(state, None if value is None else Decimal(value), unit, net,
                              line.decode("latin-1"))


@pytest.mark.parametrize(
    ("reading", "grams"),
    [(Reading(S, Decimal("1.234"), "kg", None, ""), Decimal("1234.000")),
     (Reading(S, Decimal("1"), "lb", None, ""), Decimal("453.59237")),
     (Reading(S, Decimal("2"), "t", None, ""), Decimal(2_000_000)),
     (Reading(S, Decimal("16"), "oz", None, ""), Decimal("453.592370000"))],
)
def test_readings_convert_to_grams(reading, grams):
    assert reading.grams == grams


def test_an_overload_reading_has_no_grams():
    with pytest.raises(ScaleProtocolError):
        _ = Reading(OL, None, "kg", None, "OL").grams


@pytest.mark.parametrize(
    ("preset", "line"),
    [
        ("cas", b""), ("cas", b"ST,GS,"), ("cas", b"XX,GS,+  1.234kg"),
        ("cas", b"ST,GS,+  1.2.3kg"), ("cas", b"ST,GS,+  1,234kg"), ("cas", b"ST,XX,+1kg"),
        ("cas", b"ST,GS,+  abc kg"), ("cas", b"ST,GS,+  1.234"), ("cas", b"\x15\xfe#?*GARBAGE*"),
        ("ad", b"QT,+00001234 PC"), ("ad", b"ST,+00123.45"), ("ad", b"ST,00123.45  g"),
        ("ad", b"ST,+9E+19  g"), ("ohaus", b"    -OL-   "), ("ohaus", b"192.21g"),
        ("ohaus", b"    192.21 pcs  "), ("ad", b"ST,+00123.45 \xff"),
    ],
)
def test_lines_that_do_not_fit_are_protocol_errors(preset, line):
    with pytest.raises(ScaleProtocolError):
        parse_line(line, PRESETS[preset])


def test_custom_pattern_with_named_groups():
    fmt = custom_format(r"(?P<stability>[SU]),(?P<sign>[+-])(?P<value>\d+\.\d+)(?P<unit>kg)")
    assert parse_line(b"S,+1.500kg", fmt) == Reading(S, Decimal("1.500"), "kg", None,
                                                     "S,+1.500kg")
    assert parse_line(b"U,-0.250kg", fmt).state is M
    with pytest.raises(ScaleProtocolError, match="stability"):
        parse_line(b"X,+1.500kg", custom_format(r"(?P<stability>.),\+(?P<value>.*)kg"))
    with pytest.raises(ScaleProtocolError, match="unit"):
        parse_line(b"S 1.5", custom_format(r"(?P<stability>S) (?P<value>.*)"))
    with pytest.raises(ValueError, match="encoder"):
        encode_line(fmt, Reading(S, Decimal(1), "kg", None, ""))


@pytest.mark.parametrize(
    "pattern",
    [r"(?P<value>\d+)", r"(?P<stability>ST)", r"(?P<stability>ST)(?P<value>\d+)(?P<x>.)", "((",
     r"(?P<stability>ST"],
)
def test_bad_custom_patterns_are_refused(pattern):
    with pytest.raises(ValueError):
        custom_format(pattern)


def test_resolve_format():
    assert resolve_format() is PRESETS["cas"]
    assert resolve_format("ohaus") is PRESETS["ohaus"]
    assert resolve_format(pattern=r"(?P<stability>S)(?P<value>\d)").name == "custom"
    with pytest.raises(ValueError, match="one of"):
        resolve_format("mettler")
    with pytest.raises(ValueError, match="not both"):
        resolve_format("ad", r"(?P<stability>S)(?P<value>\d)")


@pytest.mark.parametrize(
    ("preset", "reading", "wire"),
    [
        ("cas", Reading(S, Decimal("1.234"), "kg", False, ""), b"ST,GS,+  1.234kg\r\n"),
        ("cas", Reading(M, Decimal("-0.500"), "kg", True, ""), b"US,NT,-  0.500kg\r\n"),
        ("cas", Reading(OL, None, "kg", False, ""), b"OL,GS,+       kg\r\n"),
        ("ad", Reading(S, Decimal("123.45"), "g", None, ""), b"ST,+00123.45  g\r\n"),
        ("ad", Reading(M, Decimal("-1.234"), "kg", None, ""), b"US,-0001.234 kg\r\n"),
        ("ad", Reading(UL, None, "kg", None, ""), b"OL,-9999999E+19\r\n"),
        ("ohaus", Reading(S, Decimal("192.21"), "g", None, ""), b"    192.21 g      \r\n"),
        ("ohaus", Reading(M, Decimal("1.234"), "kg", True, ""), b"     1.234 kg    ? N\r\n"),
    ],
)
def test_encode_line_is_byte_exact(preset, reading, wire):
    assert encode_line(PRESETS[preset], reading) == wire


@settings(max_examples=300, deadline=None)
@given(
    preset=st.sampled_from(sorted(PRESETS)),
    state=st.sampled_from([S, M]),
    value=st.decimals(min_value=-9999, max_value=9999, places=3),
    unit=st.sampled_from(["g", "kg", "lb"]),
    net=st.booleans(),
)
def test_round_trip(preset, state, value, unit, net):
    fmt = PRESETS[preset]
    wire = encode_line(fmt, Reading(state, value, unit, net, ""))
    reading = parse_line(wire[:-2], fmt)
    assert (reading.state, reading.value, reading.unit) == (state, value, unit)
    assert reading.net in (net, None)  # A&D lines carry no gross/net


@settings(max_examples=1000, deadline=None)
@given(
    preset=st.sampled_from(sorted(PRESETS)),
    data=st.one_of(
        st.binary(max_size=60),
        st.text(alphabet="STUOLGN,+-. 0123456789kglb?", max_size=30).map(str.encode),
    ),
)
def test_parse_line_raises_only_protocol_errors(preset, data):
    """Any bytes: a Reading with a consistent state, or ScaleProtocolError; nothing else."""
    try:
        reading = parse_line(data, PRESETS[preset])
    except ScaleProtocolError:
        return
    if reading.state in (S, M):
        assert reading.grams == reading.value * {"g": 1, "kg": 1000, "lb": Decimal(
            "453.59237"), "t": 1_000_000, "mg": Decimal("0.001"), "oz": Decimal(
            "28.349523125")}[reading.unit]
    else:
        assert reading.value is None
