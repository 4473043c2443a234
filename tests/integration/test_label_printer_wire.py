"""ZplPrinter against exact byte scripts over real loopback TCP: what it sends, what it reads.

Each script is a list of (bytes the driver must send, bytes the peer answers). The peer
fails the test on any byte it did not expect, and on any step left over.
"""

from __future__ import annotations

import threading

import pytest

from drivers.label_printer.device import ZplPrinter
from drivers.label_printer.errors import LabelPrinterProtocolError, LabelPrinterTimeoutError
from drivers.label_printer.protocol import ExtendedStatus, encode_extended_status
from drivers.sim.wire import WireServer

OK = (b"\x02030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n"
      b"\x02001,0,0,0,1,2,4,0,00000000,1,000\x03\r\n"
      b"\x020000,0\x03\r\n")
HQES_LOW = (b"\x02\r\n\r\n  PRINTER STATUS                            \r\n"
            b"   ERRORS:         0 00000000 00000000      \r\n"
            b"   WARNINGS:       1 00000000 00000008      \r\n\x03")


class ScriptedPeer:
    """A TCP peer that answers exact bytes with exact bytes (optionally one byte at a time)."""

    def __init__(self, script: list[tuple[bytes, bytes]], *, bytewise: bool = False) -> None:
        self.script = list(script)
        self.bytewise = bytewise
        self.received = bytearray()
        self._cond = threading.Condition()
        self._server = WireServer("tcp", on_data=self._on_data, name="scripted")
        self.url = self._server.url

    def _on_data(self, data: bytes) -> None:
        with self._cond:
            self.received += data
            while self.script and self.received.startswith(self.script[0][0]):
                expected, answer = self.script.pop(0)
                del self.received[: len(expected)]
                chunks = [answer[i : i + 1] for i in range(len(answer))] if self.bytewise else [
                    answer]
                for chunk in filter(None, chunks):
                    self._server.send(chunk)
            self._cond.notify_all()

    def finished(self, timeout: float = 2.0) -> bool:
        """Wait until every step has been played; True if nothing unexpected arrived."""
        with self._cond:
            self._cond.wait_for(lambda: not self.script, timeout)
            return not self.script and not self.received

    def stop(self) -> None:
        self._server.stop()


@pytest.fixture
def run():
    peers, printers = [], []

    def start(script, *, bytewise=False, **kw):
        peer = ScriptedPeer(script, bytewise=bytewise)
        printer = ZplPrinter(peer.url, **kw)
        peers.append(peer)
        printers.append(printer)
        return peer, printer

    yield start
    for printer in printers:
        printer.close()
    for peer in peers:
        peer.stop()


def test_status_is_one_query_and_three_frames(run):
    peer, printer = run([(b"~HS", OK)])
    assert printer.status().ready
    assert peer.finished()


def test_print_label_sends_status_job_status(run):
    job = b"^XA^FO20,20^FDBOX 7^FS^XZ"
    peer, printer = run([(b"~HS", OK), (b"^XA^FO20,20^FDBOX 7^FS^PQ3^XZ", b""), (b"~HS", OK)])
    assert printer.print_label(job, copies=3).confirmed
    assert peer.finished()


def test_print_label_unchecked_sends_the_job_only(run):
    peer, printer = run([(b"^XA^XZ^XA^FDb^FS^XZ", b"")])
    assert printer.print_label(b"^XA^XZ\r\n^XA^FDb^FS^XZ", check=False).after is None
    assert peer.finished()


def test_extended_status_asks_both_queries(run):
    peer, printer = run([(b"~HS", OK), (b"~HQES", HQES_LOW)], extended_status=True)
    status = printer.status()
    assert status.paper_low is True and status.ready
    assert peer.finished()


def test_cancel_pause_resume_are_single_commands(run):
    peer, printer = run([(b"~JA", b""), (b"~PP", b""), (b"~PS", b"")])
    printer.cancel_all()
    printer.pause()
    printer.resume()
    assert peer.finished()


def test_a_reply_arriving_byte_by_byte(run):
    peer, printer = run([(b"~HS", OK.replace(b",0,0,1218", b",1,0,1218"))], bytewise=True)
    assert printer.status().paper_out
    assert peer.finished()


def test_a_late_extended_reply_before_the_host_status_is_skipped(run):
    peer, printer = run([(b"~HS", encode_extended_status(ExtendedStatus()) + b"\r\n" + OK)])
    assert printer.status().ready
    assert peer.finished()


def test_bytes_after_a_complete_reply_do_not_spoil_it(run):
    peer, printer = run([(b"~HS", OK + b"\x15junk"), (b"~HS", OK)])
    assert printer.status().ready
    assert printer.status().ready
    assert peer.finished()


@pytest.mark.parametrize(
    "answer",
    [
        b"\x02hello\x03\r\n\x02world\x03\r\n\x02!\x03\r\n",
        OK.replace(b"1218", b"12a8"),
        b"\x15\xfe#?*GARBAGE*\xff\r\n",
        b"\x02" + b"7" * 5000,
    ],
)
def test_a_malformed_reply_is_a_protocol_error_and_the_stream_is_closed(run, answer):
    peer, printer = run([(b"~HS", answer)])
    with pytest.raises(LabelPrinterProtocolError):
        printer.status()
    assert not printer.is_open
    assert peer.finished()


def test_a_timeout_after_the_job_left_says_so(run):
    job = b"^XA^FDx^FS^XZ"
    peer, printer = run([(b"~HS", OK), (job, b""), (b"~HS", OK[:20])], timeout_s=0.2)
    with pytest.raises(LabelPrinterTimeoutError, match="partial reply") as lost:
        printer.print_label(job)
    assert lost.value.job_sent
    assert peer.finished()
