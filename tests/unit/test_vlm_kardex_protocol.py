"""Kardex JMIF-style telegrams, byte-exact: every task type, every echo kind, garbage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.vlm import kardex
from drivers.vlm.errors import VlmProtocolError
from drivers.vlm.kardex import (
    JMIF,
    JMIF_PIPE,
    Telegram,
    carried,
    dialect_named,
    encode_reply,
    encode_task,
    is_error,
    is_progress,
    parse_reply,
    result_meaning,
    sanitize_text,
)

PICK = Telegram(4, "1001", "SH1-1", carrier=17, pos_x=120, pos_y=40, qty=3,
                article="4006381333931", description="Screw M4x20", order="ORD-0815")


@pytest.mark.parametrize(
    ("task", "wire"),
    [
        (PICK, b"4;1001;SH1-1;17;120;40;3;4006381333931;Screw M4x20;ORD-0815;\r\n"),
        (Telegram(3, "1002", "SH1-1", carrier=5, pos_x=300, pos_y=150, qty=10, article="A-7",
                  note="batch 42"),
         b"3;1002;SH1-1;5;300;150;10;A-7;;;batch 42\r\n"),
        (Telegram(5, "1003", "SH2-1", carrier=9, pos_x=50, pos_y=50, article="B"),
         b"5;1003;SH2-1;9;50;50;;B;;;\r\n"),
        (Telegram(0, "1004", "SH1-1", carrier=0, pos_x=0, pos_y=0),
         b"0;1004;SH1-1;0;0;0;;;;;\r\n"),
        (Telegram(4, "X9", carrier=17), b"4;X9;;17;;;;;;;\r\n"),  # no light pointer
    ],
)
def test_encode_jmif_tasks(task, wire):
    assert encode_task(task, JMIF) == wire
    assert encode_task(task) == wire  # JMIF is the default


@pytest.mark.parametrize(
    ("task", "wire"),
    [
        (Telegram(1, "1001", "SH1-1", carrier=17, carrier_next=0, pos_x=120, pos_y=40, qty=3,
                  order="ORD-0815", article="4006381333931", description="Screw M4x20"),
         b"1|1001|SH1-1|17|0|120|40||3|ORD-0815|4006381333931|Screw M4x20|\r\n"),
        (Telegram(2, "1002", "SH1-1", carrier=5, carrier_next=6, pos_x=1, pos_y=2, qty=4,
                  box_type="K2"),
         b"2|1002|SH1-1|5|6|1|2|K2|4||||\r\n"),
        (Telegram(5, "1003", "SH1-1", carrier=9, carrier_next=0),
         b"5|1003|SH1-1|9|0||||||||\r\n"),
        # release: the open task's code with carrier 0, as the public integration sends it
        (Telegram(1, "1004", "SH1-1", carrier=0, carrier_next=0, pos_x=0, pos_y=0),
         b"1|1004|SH1-1|0|0|0|0||||||\r\n"),
        # keep-alive ping, byte for byte as the public JMIF proxy sends it
        (Telegram(61, "ping1", "SH1-1", carrier=0, carrier_next=0),
         b"61|ping1|SH1-1|0|0||||||||\r\n"),
    ],
)
def test_encode_pipe_tasks(task, wire):
    assert encode_task(task, JMIF_PIPE) == wire


@pytest.mark.parametrize(
    ("wire", "dialect", "reply"),
    [
        (b"0;1001;SH1-1;17;120;40;2;4006381333931;Screw M4x20;ORD-0815;\r\n", JMIF,
         Telegram(0, "1001", "SH1-1", 17, 120, 40, 2, "4006381333931", "Screw M4x20",
                  "ORD-0815")),
        (b"101;1001;SH1-1;17;120;40;3;;;;\r\n", JMIF,
         Telegram(101, "1001", "SH1-1", 17, 120, 40, 3)),
        (b"201;1001;SH1-1;17;120;40;3;;;;", JMIF, Telegram(201, "1001", "SH1-1", 17, 120, 40, 3)),
        (b"203;1001;SH1-1;17;120;40;3;;;;\n", JMIF,
         Telegram(203, "1001", "SH1-1", 17, 120, 40, 3)),
        (b"0;1004;SH1-1;0;0;0;;;;;\r\n", JMIF, Telegram(0, "1004", "SH1-1", 0, 0, 0)),
        (b"0;7;;;;;;\xfcber;;;\r\n", JMIF, Telegram(0, "7", article="\u00fcber")),
        (b"0|ping1|SH1-1|0|0||||||||\r\n", JMIF_PIPE,
         Telegram(0, "ping1", "SH1-1", carrier=0, carrier_next=0)),
        (b"0|1001|SH1-1|17|0|120|40||2|ORD-0815|4006381333931|Screw M4x20|\r\n", JMIF_PIPE,
         Telegram(0, "1001", "SH1-1", carrier=17, carrier_next=0, pos_x=120, pos_y=40, qty=2,
                  order="ORD-0815", article="4006381333931", description="Screw M4x20")),
        (b"106|1002|SH1-1|5|0||||||||\r\n", JMIF_PIPE,
         Telegram(106, "1002", "SH1-1", carrier=5, carrier_next=0)),
    ],
)
def test_parse_replies(wire, dialect, reply):
    assert parse_reply(wire, dialect) == reply


def test_reply_encoding_is_the_task_layout_with_the_result_first():
    assert encode_reply(Telegram(101, "1001", "SH1-1", carrier=17), JMIF) == (
        b"101;1001;SH1-1;17;;;;;;;\r\n")
    assert encode_reply(Telegram(0, "ping5", "SH1-1", carrier=0, carrier_next=0),
                        JMIF_PIPE) == b"0|ping5|SH1-1|0|0||||||||\r\n"


@pytest.mark.parametrize(
    ("wire", "dialect"),
    [
        (b"", JMIF), (b"\r\n", JMIF), (b"0", JMIF), (b"0;1;;;;;;;;", JMIF),  # 10 fields
        (b"0;1;;;;;;;;;;", JMIF),  # 12 fields
        (b";1;;;;;;;;;", JMIF),  # no result code
        (b"x;1;;;;;;;;;", JMIF), (b"-1;1;;;;;;;;;", JMIF), (b"0;;;;;;;;;;", JMIF),  # no task id
        (b"0;1;;A;;;;;;;", JMIF), (b"0;1;;1.5;;;;;;;", JMIF), (b"0;1;;;;;-3;;;;", JMIF),
        (b"0;1;; 7;;;;;;;", JMIF), (b"0;1;;;;;;a\tb;;;", JMIF), (b"0;1;;;;;;\x00;;;", JMIF),
        (b"0;1;;;;;;;;;\rjunk", JMIF), (b"1234567890;1;;;;;;;;;", JMIF),
        (b"\x15\xfe#?*GARBAGE*\xff\r\n", JMIF), (b"0|ping1|SH1-1|0|0|||||||", JMIF_PIPE),
        (b"0|ping1|SH1-1|0|0|||||||\r\n", JMIF_PIPE),  # no trailing separator
        (b"0|ping1|SH1-1|0|0|||||||||\r\n", JMIF_PIPE),  # 13 fields
        (b"0;1004;SH1-1;0;0;0;;;;;\r\n", JMIF_PIPE), (b"0|1|||||||||||\r\n", JMIF),
    ],
)
def test_garbage_is_a_protocol_error(wire, dialect):
    with pytest.raises(VlmProtocolError):
        parse_reply(wire, dialect)


def test_free_text_is_made_safe_not_escaped():
    task = Telegram(4, "1", carrier=1, article="A;B", description="line1\r\nline2",
                    order="\u20ac 5", note="Gr\u00f6\u00dfe")
    assert encode_task(task, JMIF) == b"4;1;;1;;;;A,B;line1  line2;? 5;Gr\xf6\xdfe\r\n"
    pipe = Telegram(1, "1", carrier=1, carrier_next=0, description="a|b;c")
    assert encode_task(pipe, JMIF_PIPE) == b"1|1||1|0|||||||a/b;c|\r\n"
    assert sanitize_text("x;y\x7f", JMIF) == "x,y "


@pytest.mark.parametrize(
    "task",
    [
        Telegram(4, ""), Telegram(4, "1;2"), Telegram(4, "a\r\n"), Telegram(4, "x" * 33),
        Telegram(4, "\u20ac"), Telegram(4, "1", address="SH1;1"), Telegram(-1, "1"),
        Telegram(4, "1", carrier=-1), Telegram(4, "1", qty=10**9), Telegram(4, "1", pos_x=1.5),
    ],
)
def test_tasks_that_cannot_be_sent_are_refused(task):
    with pytest.raises(ValueError):
        encode_task(task, JMIF)


def test_a_pipe_is_fine_in_a_jmif_identifier_and_refused_in_the_pipe_layout():
    assert encode_task(Telegram(4, "a|b"), JMIF) == b"4;a|b;;;;;;;;;\r\n"
    with pytest.raises(ValueError):
        encode_task(Telegram(1, "a|b"), JMIF_PIPE)


@pytest.mark.parametrize(
    ("code", "meaning", "progress", "error"),
    [
        (0, "success", False, False), (101, "common error", False, True),
        (103, "machine busy", False, True), (107, "cancelled", False, True),
        (201, "request accepted and queued", True, False),
        (202, "request processing started", True, False), (203, "carrier arrived", True, False),
        (302, "opening occupied (fetch / pick)", False, True), (42, "interface error", False, True),
        (600, "MM260 error", False, True), (4096, "machine error", False, True),
        (400, "unknown result code", False, True),
    ],
)
def test_result_codes(code, meaning, progress, error):
    assert result_meaning(code) == meaning
    assert is_progress(code) is progress
    assert is_error(code) is error


def test_dialects_by_name():
    assert dialect_named("jmif") is JMIF
    assert dialect_named("jmif-pipe") is JMIF_PIPE
    assert dialect_named(JMIF_PIPE) is JMIF_PIPE
    assert JMIF.codes.pick == 4 and JMIF.codes.release == 0 and JMIF.codes.ping is None
    assert JMIF_PIPE.codes.pick == 1 and JMIF_PIPE.codes.ping == 61
    with pytest.raises(ValueError, match="jmif"):
        dialect_named("kardex")


_ident = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters=";|\x7f"),
                 min_size=1, max_size=32)
_number = st.none() | st.integers(0, 999_999_999)
_text = st.text(max_size=40)


@st.composite
def telegrams(draw):
    return Telegram(
        code=draw(st.integers(0, 999_999_999)), task_id=draw(_ident),
        address=draw(_ident | st.just("")), carrier=draw(_number), pos_x=draw(_number),
        pos_y=draw(_number), qty=draw(_number), article=draw(_text), description=draw(_text),
        order=draw(_text), note=draw(_text), carrier_next=draw(_number), box_type=draw(_text),
    )


@settings(max_examples=400, deadline=None)
@given(telegram=telegrams(), dialect=st.sampled_from([JMIF, JMIF_PIPE]))
def test_round_trip(telegram, dialect):
    """What is sent parses back to the same telegram, free text made safe."""
    wire = encode_task(telegram, dialect)
    assert wire.endswith(b"\r\n") and wire.count(b"\n") == 1
    safe = {name: sanitize_text(getattr(telegram, name), dialect) for name in kardex.TEXT}
    expected = carried(dialect, Telegram(**{**_fields(telegram), **safe}))
    assert parse_reply(wire, dialect) == expected


def _fields(telegram: Telegram) -> dict:
    return {name: getattr(telegram, name) for name in Telegram.__slots__}


@settings(max_examples=1000, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=120),
        st.text(alphabet="0123456789;|\r\n ab\x00\xfc", max_size=60).map(
            lambda t: t.encode("latin-1")),
    ),
    dialect=st.sampled_from([JMIF, JMIF_PIPE]),
)
def test_parse_returns_a_telegram_or_raises_protocol_error_only(data, dialect):
    """Any bytes: a Telegram, or VlmProtocolError; never another exception."""
    try:
        reply = parse_reply(data, dialect)
    except VlmProtocolError:
        return
    assert isinstance(reply, Telegram)
    assert reply.task_id
