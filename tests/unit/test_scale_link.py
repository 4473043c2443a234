"""LineBuffer: lines out of a byte stream, bounded, resynchronised after junk."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.scale.link import LineBuffer, Overlong


def test_lines_with_lf_or_cr_lf():
    buf = LineBuffer(16)
    assert buf.feed(b"S S 1 g\r\nZ A\n") == [b"S S 1 g", b"Z A"]
    assert buf.feed(b"T S") == []
    assert buf.pending == b"T S"
    assert buf.feed(b" 2 g\r\n") == [b"T S 2 g"]


def test_a_line_of_exactly_the_limit_passes_and_one_byte_more_does_not():
    buf = LineBuffer(4)
    assert buf.feed(b"abcd\r") == [Overlong(5)]  # the CR counts: 5 bytes before LF
    buf = LineBuffer(5)
    assert buf.feed(b"abcd\r\n") == [b"abcd"]
    buf = LineBuffer(4)
    assert buf.feed(b"abcde\nok\n") == [Overlong(5), b"ok"]


def test_an_overlong_line_is_reported_at_once_and_skipped_to_its_end():
    buf = LineBuffer(8)
    assert buf.feed(b"x" * 9) == [Overlong(9)]
    assert buf.feed(b"x" * 100) == []  # still the same line
    assert buf.feed(b"xx\nS S 1 g\n") == [b"S S 1 g"]


def test_resync_drops_the_first_fragment():
    buf = LineBuffer(32, resync=True)
    assert buf.feed(b"1.234kg\r\nST,GS,+  1.250kg\r\n") == [b"ST,GS,+  1.250kg"]
    buf.clear(resync=True)
    assert buf.feed(b"\nA\n") == [b"A"]
    buf.clear()
    assert buf.feed(b"B\n") == [b"B"]


def test_other_terminators_and_bad_arguments():
    assert LineBuffer(8, b"\r").feed(b"a\rb\r") == [b"a", b"b"]
    with pytest.raises(ValueError):
        LineBuffer(8, b"\r\n")
    with pytest.raises(ValueError):
        LineBuffer(0)


@settings(max_examples=500, deadline=None)
@given(data=st.binary(max_size=200), cuts=st.lists(st.integers(0, 200), max_size=10),
       limit=st.integers(1, 20))
def test_chunking_does_not_change_the_result(data, cuts, limit):
    """However the bytes arrive, the same lines come out, each within the limit."""
    whole = LineBuffer(limit).feed(data)
    buf, parts, start = LineBuffer(limit), [], 0
    for cut in [*sorted(cuts), len(data)]:
        parts += buf.feed(data[start:max(start, cut)])
        start = max(start, cut)
    assert parts == whole
    for item in whole:
        assert isinstance(item, Overlong) or len(item) <= limit


def test_a_fragment_longer_than_a_line_is_overlong():
    buf = LineBuffer(8, resync=True)
    assert buf.feed(b"x" * 6) == []
    assert buf.feed(b"x" * 6) == [Overlong(12)]
    assert buf.feed(b"x" * 50) == []
    assert buf.feed(b"\nok\n") == [b"ok"]
