"""ZPL II framing, byte-exact: label jobs, `~HS` and `~HQES` replies, every malformed reply."""

from __future__ import annotations

import contextlib
import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.label_printer.errors import LabelJobError, LabelPrinterProtocolError
from drivers.label_printer.protocol import (
    CANCEL_ALL,
    EXTENDED_STATUS,
    HOST_STATUS,
    PAUSE,
    RESUME,
    ErrorFlag,
    ExtendedStatus,
    HostStatus,
    WarningFlag,
    encode_extended_status,
    encode_host_status,
    is_extended_frame,
    parse_extended_status,
    parse_host_status,
    scan_frames,
    set_quantity,
    split_formats,
)

S1 = b"030,0,0,1218,000,0,0,0,000,0,0,0"
S2 = b"001,0,0,0,1,2,4,0,00000000,1,000"
S3 = b"0000,0"


def reply(s1: bytes = S1, s2: bytes = S2, s3: bytes = S3) -> bytes:
    return b"\x02" + s1 + b"\x03\r\n\x02" + s2 + b"\x03\r\n\x02" + s3 + b"\x03\r\n"


def test_commands_are_byte_exact():
    assert HOST_STATUS == b"\x7e\x48\x53"
    assert EXTENDED_STATUS == b"\x7e\x48\x51\x45\x53"
    assert (CANCEL_ALL, PAUSE, RESUME) == (b"~JA", b"~PP", b"~PS")


def test_encode_host_status_is_byte_exact():
    assert encode_host_status(HostStatus()) == (
        b"\x02030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n"
        b"\x02001,0,0,0,1,2,4,0,00000000,1,000\x03\r\n"
        b"\x020000,0\x03\r\n"
    )
    busy = HostStatus(paper_out=True, formats_in_buffer=12, labels_remaining=345, head_up=True,
                      label_length_dots=832, print_mode="K", password="1234")
    assert encode_host_status(busy) == (
        b"\x02030,1,0,0832,012,0,0,0,000,0,0,0\x03\r\n"
        b"\x02001,0,1,0,1,K,4,0,00000345,1,000\x03\r\n"
        b"\x021234,0\x03\r\n"
    )


def test_parse_host_status_reads_every_field():
    s1 = b"094,1,1,0832,007,1,1,1,000,1,1,1"
    s2 = b"129,0,1,1,1,3,6,1,00000042,1,017"
    s3 = b"1234,1"
    assert parse_host_status(reply(s1, s2, s3)) == HostStatus(
        comm_settings=94, paper_out=True, paused=True, label_length_dots=832,
        formats_in_buffer=7, buffer_full=True, comm_diagnostic_mode=True, partial_format=True,
        corrupt_ram=True, under_temperature=True, over_temperature=True, function_settings=129,
        head_up=True, ribbon_out=True, thermal_transfer=True, print_mode="3",
        print_width_mode=6, label_waiting=True, labels_remaining=42,
        format_while_printing=True, graphics_in_memory=17, password="1234",
        static_ram_installed=True,
    )


FLAGS_1 = {1: "paper_out", 2: "paused", 5: "buffer_full", 6: "comm_diagnostic_mode",
           7: "partial_format", 9: "corrupt_ram", 10: "under_temperature",
           11: "over_temperature"}
FLAGS_2 = {2: "head_up", 3: "ribbon_out", 7: "label_waiting"}


@pytest.mark.parametrize(("string", "index", "name"),
                         [(1, i, n) for i, n in FLAGS_1.items()]
                         + [(2, i, n) for i, n in FLAGS_2.items()])
def test_each_flag_is_read_from_its_own_position(string, index, name):
    fields = (S1 if string == 1 else S2).split(b",")
    fields[index] = b"1"
    joined = b",".join(fields)
    status = parse_host_status(reply(joined) if string == 1 else reply(s2=joined))
    set_flags = {f.name for f in dataclasses.fields(status)
                 if getattr(status, f.name) is True} - {"thermal_transfer",
                                                         "format_while_printing"}
    assert set_flags == {name}


@pytest.mark.parametrize(
    "wire",
    [
        reply().removesuffix(b"\r\n"),  # no CR LF after the last ETX
        reply().replace(b"\r\n", b"\n"),  # LF only
        b"\r\n" + reply(),  # a blank line first
        reply(s1=b"030,0,0,12180,000,0,0,0,000,0,0,0"),  # 5-digit label length
        reply(s2=b"001,0,0,0,1,A,4,0,0,1,0"),  # kiosk print mode, unpadded numbers
    ],
)
def test_parse_host_status_accepts_firmware_variants(wire):
    assert isinstance(parse_host_status(wire), HostStatus)


@pytest.mark.parametrize(
    "wire",
    [
        b"",
        b"\r\n",
        reply()[: reply().index(b"\x03\r\n\x02") + 3],  # one string only
        reply().rsplit(b"\x02", 1)[0],  # two strings
        reply() + b"\x020000,0\x03\r\n",  # four strings
        reply(s1=b"030,2,0,1218,000,0,0,0,000,0,0,0"),  # flag 2
        reply(s1=b"030,0,0,1218,000,0,0,0,000,0,0"),  # a field missing
        reply(s1=b"030,0,0,1218,000,0,0,0,000,0,0,0,0"),  # a field too many
        reply(s1=b"030,0,0,12x8,000,0,0,0,000,0,0,0"),
        reply(s1=b"030, 0,0,1218,000,0,0,0,000,0,0,0"),
        reply(s1=b"030,0,0,123456,000,0,0,0,000,0,0,0"),  # too wide
        reply(s2=b"001,0,0,0,1,k,4,0,00000000,1,000"),  # lower-case print mode
        reply(s2=b"001,0,0,0,1,2,4,0,000000000,1,000"),  # 9-digit labels remaining
        reply(s3=b"0000"),
        reply(s3=b"00000,0"),
        reply(s1=S1 + b"\xb0"),  # not ASCII
        reply(s1=b"030\x00,0,0,1218,000,0,0,0,000,0,0,0"),
        reply().replace(b"\x03\r\n\x02", b"\x03 \x02", 1),  # junk between frames
        b"junk" + reply(),
        reply() + b"junk",
        b"\x02030,0,0,1218,000,0,0,0,000,0,0,0\x02" + reply()[1:],  # STX inside a frame
        b"\x15\xfe#?*GARBAGE*\xff\r\n",
        encode_extended_status(ExtendedStatus()),
    ],
)
def test_malformed_host_status_is_a_protocol_error(wire):
    with pytest.raises(LabelPrinterProtocolError):
        parse_host_status(wire)


def test_scan_frames_leaves_an_incomplete_frame_for_later():
    data = reply()
    assert scan_frames(data[:10]) == ([], 0)
    frames, used = scan_frames(data[:-4])
    assert frames == [S1, S2]
    assert data[used:used + 3] == b"\r\n\x02"
    assert scan_frames(data) == ([S1, S2, S3], len(data) - 2)


def test_scan_frames_can_stop_before_what_follows_a_reply():
    data = b"\r\n" + reply() + b"\x15junk"
    assert scan_frames(data, stop_after=1) == ([S1], data.index(b"\x03") + 1)
    assert scan_frames(data, stop_after=3)[0] == [S1, S2, S3]
    with pytest.raises(LabelPrinterProtocolError):
        scan_frames(data)


def test_scan_frames_rejects_garbage_at_once_and_overlong_frames():
    with pytest.raises(LabelPrinterProtocolError, match="0x15"):
        scan_frames(b"\x15")
    with pytest.raises(LabelPrinterProtocolError, match="longer"):
        scan_frames(b"\x02" + b"0" * 2000)
    with pytest.raises(LabelPrinterProtocolError, match="0xff"):
        scan_frames(b"\x02abc\xff")  # bad byte seen before the frame is complete


HQES_OK = encode_extended_status(ExtendedStatus())


def test_encode_extended_status_is_byte_exact():
    assert HQES_OK == (b"\x02\r\n\r\n  PRINTER STATUS\r\n"
                       b"   ERRORS:         0 00000000 00000000\r\n"
                       b"   WARNINGS:       0 00000000 00000000\r\n\x03")
    faults = ExtendedStatus(True, int(ErrorFlag.HEAD_OPEN | ErrorFlag.MEDIA_OUT), True,
                            int(WarningFlag.PAPER_NEAR_END) | 0xA << 32)
    assert encode_extended_status(faults) == (
        b"\x02\r\n\r\n  PRINTER STATUS\r\n"
        b"   ERRORS:         1 00000000 00000005\r\n"
        b"   WARNINGS:       1 0000000A 00000008\r\n\x03")


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (HQES_OK, ExtendedStatus()),
        (HQES_OK + b"\r\n", ExtendedStatus()),
        (b"\x02\r\n\r\n  PRINTER STATUS                            \r\n"
         b"   ERRORS:         1 00000000 00010001      \r\n"
         b"   WARNINGS:       0 00000000 00000000      \r\n\x03",
         ExtendedStatus(True, 0x10001, False, 0)),
        (b"\x02\r\nPRINTER STATUS\r\n ERRORS: 1 00000000 0000000b\r\n"
         b" WARNINGS: 1 00000000 00000002\r\n\x03", ExtendedStatus(True, 0xB, True, 2)),
        (b"PRINTER STATUS\nWARNINGS: 0 00000000 00000000\nERRORS: 1 00000001 00000000\n",
         ExtendedStatus(True, 1 << 32, False, 0)),  # payload only, LF only, any order
    ],
)
def test_parse_extended_status(wire, expected):
    assert parse_extended_status(wire) == expected


def test_extended_flags_are_the_known_group_1_bits():
    status = parse_extended_status(
        b"\x02PRINTER STATUS\r\n ERRORS: 1 00000001 00010405\r\n"
        b" WARNINGS: 1 00000000 00001008\r\n\x03")
    assert status.error_flags == ErrorFlag.PAUSED | ErrorFlag.HEAD_OPEN | ErrorFlag.MEDIA_OUT
    assert status.warning_flags == WarningFlag.PAPER_NEAR_END


@pytest.mark.parametrize(
    "wire",
    [
        b"", b"\x02\x03", b"\x02PRINTER STATUS\r\n\x03",
        b"\x02PRINTER STATUS\r\n ERRORS: 0 00000000 00000000\r\n\x03",  # no WARNINGS
        b"\x02 ERRORS: 0 00000000 00000000\r\n WARNINGS: 0 00000000 00000000\r\n\x03",
        b"\x02PRINTER STATUS\r\n ERRORS: 0 00000000 00000000\r\n"
        b" ERRORS: 0 00000000 00000000\r\n WARNINGS: 0 00000000 00000000\r\n\x03",
        b"\x02PRINTER STATUS\r\n ERRORS: 2 00000000 00000000\r\n"
        b" WARNINGS: 0 00000000 00000000\r\n\x03",
        b"\x02PRINTER STATUS\r\n ERRORS: 0 0000000 00000000\r\n"
        b" WARNINGS: 0 00000000 00000000\r\n\x03",
        b"\x02PRINTER STATUS\r\n ERRORS: 0 00000000 0000000G\r\n"
        b" WARNINGS: 0 00000000 00000000\r\n\x03",
        HQES_OK.replace(b"PRINTER STATUS", b"PRINTER STATUS\r\nHELLO"),
        HQES_OK + b"junk",
        HQES_OK + HQES_OK,
        reply(),
    ],
)
def test_malformed_extended_status_is_a_protocol_error(wire):
    with pytest.raises(LabelPrinterProtocolError):
        parse_extended_status(wire)


def test_frames_of_the_two_queries_are_told_apart():
    frames, _ = scan_frames(reply() + HQES_OK)
    assert [is_extended_frame(f) for f in frames] == [False, False, False, True]


@pytest.mark.parametrize(
    ("job", "formats"),
    [
        (b"^XA^FDhello^FS^XZ", [b"^XA^FDhello^FS^XZ"]),
        ("^XA^FDgrüße^FS^XZ", ["^XA^FDgrüße^FS^XZ".encode()]),
        (b"\r\n^XA\r\n^FO10,10^FDa^FS\r\n^XZ\r\n ^xa^xz\t", [b"^XA\r\n^FO10,10^FDa^FS\r\n^XZ",
                                                           b"^xa^xz"]),
    ],
)
def test_split_formats(job, formats):
    assert split_formats(job) == formats


@pytest.mark.parametrize(
    ("job", "message"),
    [
        (b"", "no"), (b"  \r\n", "no"), (b"^XA^FDx^FS", "no ^XZ"), (b"^XZ", "without"),
        (b"^XA^XA^XZ", "before the ^XZ"), (b"^XA^XZ^XZ", "without"), (b"hello", "outside"),
        (b"^FDx^XA^XZ", "outside"), (b"^XA^XZjunk", "outside"), (b"~JA^XA^XZ", "outside"),
    ],
)
def test_split_formats_refuses_unbalanced_jobs(job, message):
    with pytest.raises(LabelJobError, match=re.escape(message)):
        split_formats(job)


def test_set_quantity():
    assert set_quantity(b"^XA^FDx^FS^XZ", 1) == b"^XA^FDx^FS^XZ"
    assert set_quantity(b"^XA^FDx^FS^XZ", 25) == b"^XA^FDx^FS^PQ25^XZ"
    assert set_quantity(b"^XA^PQ3^XZ", 1) == b"^XA^PQ3^XZ"
    with pytest.raises(LabelJobError, match="own quantity"):
        set_quantity(b"^XA^pq3^XZ", 2)
    for bad in (0, -1, 100_000_000, True, 1.5, "2"):
        with pytest.raises(LabelJobError, match="copies"):
            set_quantity(b"^XA^XZ", bad)


def test_job_errors_are_value_errors_too():
    assert issubclass(LabelJobError, ValueError)


# ------------------------------------------------------------------ properties
HS_ALPHABET = b"\x02\x03\r\n,0123456789AKz ~\xff"
host_statuses = st.builds(
    HostStatus,
    comm_settings=st.integers(0, 511), label_length_dots=st.integers(0, 99999),
    formats_in_buffer=st.integers(0, 999), function_settings=st.integers(0, 255),
    print_mode=st.sampled_from("0123456789KSA"), print_width_mode=st.integers(0, 99),
    labels_remaining=st.integers(0, 99_999_999), graphics_in_memory=st.integers(0, 999),
    password=st.from_regex(r"[0-9]{4}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(host_statuses)
def test_host_status_round_trip(status):
    assert parse_host_status(encode_host_status(status)) == status


@settings(max_examples=200, deadline=None)
@given(st.booleans(), st.integers(0, 2**64 - 1), st.booleans(), st.integers(0, 2**64 - 1))
def test_extended_status_round_trip(e_on, errors, w_on, warnings):
    status = ExtendedStatus(e_on, errors, w_on, warnings)
    assert parse_extended_status(encode_extended_status(status)) == status


def _mutations(base: bytes):
    return st.tuples(st.integers(0, len(base)), st.integers(0, len(base)),
                     st.binary(max_size=6)).map(lambda t: base[:t[0]] + t[2] + base[t[1]:])


@pytest.mark.timeout(60)  # a parser that hangs fails here instead of stalling the run
@settings(max_examples=1000, deadline=None)
@given(st.one_of(
    st.binary(max_size=120),
    st.lists(st.sampled_from([bytes([b]) for b in HS_ALPHABET]), max_size=120).map(b"".join),
    _mutations(reply()),
    _mutations(HQES_OK),
))
def test_parsers_return_a_value_or_raise_protocol_error_only(data):
    """Any bytes: a typed reply, or LabelPrinterProtocolError; never another exception."""
    for parse, kind in ((parse_host_status, HostStatus),
                        (parse_extended_status, ExtendedStatus)):
        with contextlib.suppress(LabelPrinterProtocolError):
            assert isinstance(parse(data), kind)
    try:
        frames, used = scan_frames(data)
    except LabelPrinterProtocolError:
        return
    assert used <= len(data) and all(isinstance(f, bytes) for f in frames)


@pytest.mark.timeout(60)
@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.binary(max_size=80),
    st.text(alphabet="^XAZxaz~PQ12 \r\n", max_size=60),
))
def test_split_formats_returns_formats_or_raises_job_error_only(job):
    try:
        formats = split_formats(job)
    except LabelJobError:
        return
    for fmt in formats:
        assert fmt[:3].upper() == b"^XA" and fmt[-3:].upper() == b"^XZ"
