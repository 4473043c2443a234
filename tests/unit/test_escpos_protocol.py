"""ESC/POS real-time status, byte-exact: requests, every reply bit, bad replies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.receipt_printer.errors import ReceiptPrinterError, ReceiptPrinterProtocolError
from drivers.receipt_printer.protocol import (
    ErrorStatus,
    OfflineStatus,
    PaperStatus,
    PrinterStatus,
    ReceiptPrinterStatus,
    encode_error_status,
    encode_offline_status,
    encode_paper_status,
    encode_printer_status,
    encode_status_request,
    parse_error_status,
    parse_offline_status,
    parse_paper_status,
    parse_printer_status,
    status_from_replies,
)


@pytest.mark.parametrize(("n", "wire"), [(1, b"\x10\x04\x01"), (2, b"\x10\x04\x02"),
                                         (3, b"\x10\x04\x03"), (4, b"\x10\x04\x04")])
def test_status_request(n, wire):
    assert encode_status_request(n) == wire


@pytest.mark.parametrize("n", [0, 5, 17, -1])
def test_status_request_out_of_range(n):
    with pytest.raises(ValueError):
        encode_status_request(n)


@pytest.mark.parametrize(
    ("wire", "paper"),
    [(b"\x12", PaperStatus.OK), (b"\x1e", PaperStatus.NEAR_END), (b"\x16", PaperStatus.NEAR_END),
     (b"\x1a", PaperStatus.NEAR_END), (b"\x72", PaperStatus.OUT), (b"\x7e", PaperStatus.OUT),
     (b"\x32", PaperStatus.OUT), (b"\x52", PaperStatus.OUT)],
)
def test_paper_status(wire, paper):
    assert parse_paper_status(wire) is paper


@pytest.mark.parametrize(("paper", "wire"), [(PaperStatus.OK, b"\x12"),
                                             (PaperStatus.NEAR_END, b"\x1e"),
                                             (PaperStatus.OUT, b"\x7e")])
def test_encode_paper_status(paper, wire):
    assert encode_paper_status(paper) == wire


def _python_escpos_level(byte: int) -> int:
    """python-escpos 3.1 `paper_status()` on one reply byte (its RT_MASK_* logic)."""
    if byte & 114 == 114:
        return 0
    if byte & 30 == 30:
        return 1
    return 2 if byte & 18 == 18 else 0


@pytest.mark.parametrize(("paper", "level"), [(PaperStatus.OK, 2), (PaperStatus.NEAR_END, 1),
                                              (PaperStatus.OUT, 0)])
def test_encoded_paper_status_reads_the_same_in_python_escpos(paper, level):
    assert _python_escpos_level(encode_paper_status(paper)[0]) == level


@pytest.mark.parametrize(
    ("wire", "status"),
    [(b"\x12", PrinterStatus()), (b"\x16", PrinterStatus(drawer_pin3_high=True)),
     (b"\x1a", PrinterStatus(offline=True)), (b"\x32", PrinterStatus(waiting_for_recovery=True)),
     (b"\x52", PrinterStatus(feed_button_pressed=True)),
     (b"\x7e", PrinterStatus(True, True, True, True))],
)
def test_printer_status(wire, status):
    assert parse_printer_status(wire) == status
    assert encode_printer_status(status) == wire


@pytest.mark.parametrize(
    ("wire", "status"),
    [(b"\x12", OfflineStatus()), (b"\x16", OfflineStatus(cover_open=True)),
     (b"\x1a", OfflineStatus(feeding_by_button=True)),
     (b"\x32", OfflineStatus(paper_end_stop=True)), (b"\x52", OfflineStatus(error=True)),
     (b"\x76", OfflineStatus(cover_open=True, paper_end_stop=True, error=True))],
)
def test_offline_status(wire, status):
    assert parse_offline_status(wire) == status
    assert encode_offline_status(status) == wire


@pytest.mark.parametrize(
    ("wire", "status", "names"),
    [(b"\x12", ErrorStatus(), ()), (b"\x16", ErrorStatus(mark_detection=True), ("mark_detection",)),
     (b"\x1a", ErrorStatus(autocutter=True), ("autocutter",)),
     (b"\x32", ErrorStatus(unrecoverable=True), ("unrecoverable",)),
     (b"\x52", ErrorStatus(auto_recoverable=True), ("auto_recoverable",)),
     (b"\x7a", ErrorStatus(False, True, True, True),
      ("autocutter", "unrecoverable", "auto_recoverable"))],
)
def test_error_status(wire, status, names):
    assert parse_error_status(wire) == status
    assert encode_error_status(status) == wire
    assert status.names == names


@pytest.mark.parametrize("parse", [parse_printer_status, parse_offline_status,
                                   parse_error_status, parse_paper_status])
@pytest.mark.parametrize(
    ("wire", "why"),
    [(b"", "expected one status byte, got 0"), (b"\x12\x12", "got 2"),
     (b"\x00", "0x00 is not a status byte"), (b"\x13", "0x13"), (b"\x02", "0x02"),
     (b"\x10", "0x10"), (b"\x92", "0x92"), (b"\xa5", "0xA5"), (b"G", "0x47")],
)
def test_bad_status_bytes(parse, wire, why):
    with pytest.raises(ReceiptPrinterProtocolError, match=why):
        parse(wire)


def test_status_from_replies_combines_and_explains():
    ok = status_from_replies(b"\x12", b"\x12", b"\x12")
    assert ok == ReceiptPrinterStatus(online=True, cover_open=False, paper=PaperStatus.OK,
                                      raw=b"\x12\x12\x12")
    assert ok.ready
    assert ok.problems == []
    low = status_from_replies(b"\x12", b"\x12", b"\x1e")
    assert low.ready
    assert low.problems == ["paper near end"]
    out = status_from_replies(b"\x1a", b"\x32", b"\x7e")
    assert not out.ready
    assert out.paper_end_stop
    assert out.problems == ["paper out"]
    cover = status_from_replies(b"\x1a", b"\x16", b"\x12")
    assert (cover.ready, cover.cover_open, cover.problems) == (False, True, ["cover open"])
    jam = status_from_replies(b"\x1a", b"\x52", b"\x12", b"\x1a")
    assert (jam.ready, jam.errors, jam.raw) == (False, ("autocutter",), b"\x1a\x52\x12\x1a")
    assert jam.problems == ["error: autocutter"]
    offline = status_from_replies(b"\x1a", b"\x12", b"\x12")
    assert (offline.ready, offline.problems) == (False, ["offline"])


@settings(max_examples=300, deadline=1000)
@given(st.binary(max_size=3))
def test_parsers_accept_status_bytes_and_reject_everything_else(wire):
    is_status = len(wire) == 1 and wire[0] & 0x93 == 0x12
    for parse in (parse_printer_status, parse_offline_status, parse_error_status,
                  parse_paper_status):
        try:
            parse(wire)
        except ReceiptPrinterError as exc:
            assert isinstance(exc, ReceiptPrinterProtocolError)
            assert not is_status
        else:
            assert is_status
