"""The scanner line framer, byte by byte: terminators, prefix/suffix, splits, bounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.scanner.errors import ScannerDecodeError, ScannerError
from drivers.scanner.protocol import LineFramer, Overflow, ScanLine, decode_line

GS = b"\x1d"


def lines(*items: bytes) -> list[ScanLine]:
    return [ScanLine(i) for i in items]


def feed_all(framer: LineFramer, data: bytes, *, step: int | None = None) -> list:
    if step is None:
        return framer.feed(data)
    out = []
    for i in range(0, len(data), step):
        out += framer.feed(data[i : i + step])
    return out


TABLE = [
    # terminator, wire bytes, lines
    ("CR", b"ABC\r", [b"ABC"]),
    ("CR", b"A\rB\r", [b"A", b"B"]),
    ("CR", b"A\nB\r", [b"A\nB"]),
    ("CR", b"A\r\rB\r", [b"A", b"B"]),
    ("LF", b"ABC\n", [b"ABC"]),
    ("LF", b"ABC\r\n", [b"ABC\r"]),
    ("LF", b"A\tB\n", [b"A\tB"]),
    ("TAB", b"A\tB\t", [b"A", b"B"]),
    ("TAB", b"A\r\nB\t", [b"A\r\nB"]),
    ("CRLF", b"ABC\r\n", [b"ABC"]),
    ("CRLF", b"A\rB\r\n", [b"A\rB"]),
    ("CRLF", b"A\nB\r\n", [b"A\nB"]),
    ("CRLF", b"A\r\r\n", [b"A\r"]),
    ("CRLF", b"A\r\n\r\nB\r\n", [b"A", b"B"]),
    ("ANY", b"A\rB\nC\r\nD\tE\n\r", [b"A", b"B", b"C", b"D", b"E"]),
    ("ANY", b"\r\n\r\n\n\t", []),
    ("ANY", b"A\n\rB\r\n", [b"A", b"B"]),
    ("ANY", b"ABC", []),
    ("ANY", b"]C1" + b"0109501101020917" + GS + b"10ABC\r\n",
     [b"]C10109501101020917\x1d10ABC"]),
    ("ANY", GS + b"\r", [GS]),
    ("ANY", b"\xff\xfe\x00\x7f\r", [b"\xff\xfe\x00\x7f"]),
]


@pytest.mark.parametrize("step", [None, 1, 2, 3])
@pytest.mark.parametrize(("terminator", "wire", "expected"), TABLE)
def test_table(terminator, wire, expected, step):
    framer = LineFramer(terminator)
    assert feed_all(framer, wire, step=step) == lines(*expected)


def test_crlf_split_across_feeds_counts_once():
    framer = LineFramer("ANY")
    assert framer.feed(b"ABC\r") == lines(b"ABC")  # CR ends the line at once
    assert framer.feed(b"\nDEF\r") == lines(b"DEF")  # its LF is not a second terminator
    assert framer.feed(b"\n") == []


def test_crlf_mode_waits_for_the_lf():
    framer = LineFramer("CRLF")
    assert framer.feed(b"ABC\r") == []
    assert framer.feed(b"\n") == lines(b"ABC")
    assert framer.feed(b"X\r") == []
    assert framer.feed(b"Y\r\n") == lines(b"X\rY")


@pytest.mark.parametrize(
    ("prefix", "suffix", "wire", "expected"),
    [
        (b"\x02", b"", b"\x02ABC\r\n", [b"ABC"]),
        (b"", b"\x03", b"ABC\x03\r\n", [b"ABC"]),
        (b"PRE", b"SUF", b"PREABCSUF\r\nPREXSUF\r", [b"ABC", b"X"]),
        (b"PRE", b"SUF", b"ABC\r", [b"ABC"]),  # absent: the line is kept as is
        (b"PRE", b"SUF", b"PRESUF\r", []),  # nothing left: dropped like an empty line
        (b"AB", b"", b"ABAB\r", [b"AB"]),  # stripped once only
    ],
)
@pytest.mark.parametrize("step", [None, 1])
def test_prefix_and_suffix(prefix, suffix, wire, expected, step):
    framer = LineFramer("ANY", prefix=prefix, suffix=suffix)
    assert feed_all(framer, wire, step=step) == lines(*expected)


def test_line_of_exactly_the_limit_passes_one_more_overflows():
    framer = LineFramer("LF", max_line_bytes=8)
    assert framer.feed(b"12345678\n") == lines(b"12345678")
    assert framer.feed(b"123456789\nok\n") == [Overflow(9), ScanLine(b"ok")]


def test_one_megabyte_without_terminator_gives_one_overflow_and_bounded_memory():
    framer = LineFramer("ANY", max_line_bytes=4096)
    out = []
    for _ in range(16):
        out += framer.feed(b"A" * 65536)
        assert framer.buffered_bytes <= 4096
    assert out == [Overflow(65536)]
    out = framer.feed(b"A" * 1_048_576)  # all in one go, too
    assert out == [] and framer.buffered_bytes == 0
    # Everything up to the next terminator is dropped, then the framer is back in sync.
    assert framer.feed(b"still the long line\r\n0123456789\r\n") == lines(b"0123456789")


def test_overflow_one_byte_at_a_time():
    framer = LineFramer("CR", max_line_bytes=16)
    out = feed_all(framer, b"x" * 1000 + b"\rnext\r", step=1)
    assert out == [Overflow(17), ScanLine(b"next")]


def test_overflow_counts_the_line_up_to_its_terminator_in_the_same_feed():
    framer = LineFramer("CRLF", max_line_bytes=4)
    assert framer.feed(b"1234\r") == []
    # The pending CR turns into data and overflows; the rest of the line counts too.
    assert framer.feed(b"XYZ\r\nok\r\n") == [Overflow(8), ScanLine(b"ok")]


def test_reset_forgets_the_partial_line():
    framer = LineFramer("LF")
    framer.feed(b"half")
    framer.reset()
    assert framer.feed(b"whole\n") == lines(b"whole")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"terminator": "NUL"}, "terminator"),
        ({"max_line_bytes": 0}, "max_line_bytes"),
        ({"terminator": "LF", "prefix": b"\n"}, "prefix"),
        ({"terminator": "ANY", "suffix": b"\t"}, "suffix"),
    ],
)
def test_bad_configuration_is_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LineFramer(**kwargs)


def test_decode_line():
    assert decode_line("Größe-€".encode()) == "Größe-€"
    assert decode_line(b"]C1" + GS + b"ok") == "]C1\x1dok"
    with pytest.raises(ScannerDecodeError, match=r"ff fe c3 28 62 61 64") as info:
        decode_line(b"\xff\xfe\xc3\x28bad")
    assert isinstance(info.value, ScannerError)
    with pytest.raises(ScannerDecodeError, match=r"\.\.\.$"):
        decode_line(b"\xff" * 100)


@settings(max_examples=300, deadline=None)
@given(
    terminator=st.sampled_from(["ANY", "CR", "LF", "CRLF", "TAB"]),
    limit=st.integers(1, 64),
    chunks=st.lists(st.binary(max_size=200), max_size=30),
)
def test_arbitrary_chunks_never_raise_and_stay_bounded(terminator, limit, chunks):
    framer = LineFramer(terminator, max_line_bytes=limit)
    for chunk in chunks:
        for frame in framer.feed(chunk):
            if isinstance(frame, ScanLine):
                assert 0 < len(frame.data) <= limit
            else:
                assert frame.discarded > limit
        assert framer.buffered_bytes <= limit


@settings(max_examples=200, deadline=None)
@given(
    terminator=st.sampled_from(["ANY", "CR", "LF", "CRLF", "TAB"]),
    data=st.binary(max_size=300),
    cuts=st.lists(st.integers(0, 300), max_size=10),
)
def test_how_the_bytes_are_split_does_not_matter_without_overflow(terminator, data, cuts):
    whole = LineFramer(terminator, max_line_bytes=1000).feed(data)
    framer = LineFramer(terminator, max_line_bytes=1000)
    pieces, last = [], 0
    for cut in sorted(c for c in cuts if c <= len(data)):
        pieces.append(data[last:cut])
        last = cut
    pieces.append(data[last:])
    assert [f for p in pieces for f in framer.feed(p)] == whole
