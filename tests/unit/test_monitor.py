"""The byte monitor: a bounded ring, exact rendering, and each driver family opening through it."""

from __future__ import annotations

import queue
import threading
from typing import Any

import pytest

from drivers.label_printer.device import ZplPrinter
from drivers.monitor import (
    ByteMonitor,
    Chunk,
    Direction,
    MonitoredPort,
    format_chunks,
    open_monitored,
    render_text,
)
from drivers.receipt_printer.device import EscPosPrinter
from drivers.scale.device import MtSicsScale
from drivers.scale.factory import open_scale
from drivers.scanner.device import ScannerReader, ScannerState
from drivers.sim.continuous import SimContinuous
from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.kardex import SimKardexVlm
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.toledo import SimToledo
from drivers.sim.zpl import SimZplPrinter
from drivers.transport import close_transport, read_available, write_all
from drivers.vlm import open_vlm

TX, RX = Direction.TX, Direction.RX


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Opener:
    """`open_monitored(monitor)` that also keeps each port it opened and the keywords asked."""

    def __init__(self, monitor: ByteMonitor) -> None:
        self._open = open_monitored(monitor)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.ports: list[MonitoredPort] = []

    def __call__(self, url: str, **kw: Any) -> MonitoredPort:
        port = self._open(url, **kw)
        self.calls.append((url, kw))
        self.ports.append(port)
        return port


def test_chunks_keep_direction_time_and_bytes_in_order():
    clock = Clock()
    monitor = ByteMonitor(clock=clock)
    monitor.record(TX, b"SI\r\n")
    clock.now = 100.25
    monitor.record(RX, bytearray(b"S S 1 g\r\n"))
    monitor.record(RX, b"")  # an empty read is no chunk
    assert monitor.chunks() == [Chunk(TX, 100.0, b"SI\r\n"), Chunk(RX, 100.25, b"S S 1 g\r\n")]
    assert monitor.totals == {TX: 4, RX: 9}
    assert monitor.data(RX) == b"S S 1 g\r\n"
    assert len(monitor) == 13


def test_the_ring_keeps_exactly_the_last_limit_bytes():
    monitor = ByteMonitor(10)
    monitor.record(TX, b"abcdef")
    monitor.record(RX, b"ghijkl")
    assert len(monitor) == 10
    assert [c.data for c in monitor.chunks()] == [b"cdef", b"ghijkl"]
    assert monitor.dropped == 2
    monitor.record(TX, b"0123456789ABC")  # alone longer than the ring: its tail stays
    assert [c.data for c in monitor.chunks()] == [b"3456789ABC"]
    assert monitor.dropped == 2 + 3 + 10
    assert monitor.totals == {TX: 19, RX: 6}


def test_since_returns_only_new_chunks_for_a_live_view():
    monitor = ByteMonitor()
    monitor.record(TX, b"a")
    first, cursor = monitor.since(0)
    assert [c.data for c in first] == [b"a"]
    assert monitor.since(cursor) == ([], cursor)
    monitor.record(RX, b"b")
    monitor.record(TX, b"c")
    later, cursor2 = monitor.since(cursor)
    assert [c.data for c in later] == [b"b", b"c"] and cursor2 == cursor + 2


def test_recording_from_many_threads_loses_nothing():
    monitor = ByteMonitor(1 << 20)
    workers = [threading.Thread(target=lambda: [monitor.record(TX, b"x" * 7) for _ in range(500)])
               for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(10)
    assert len(monitor) == monitor.totals[TX] == 4 * 500 * 7


@pytest.mark.parametrize(("data", "text"), [
    (b"SI\r\n", "SI<CR><LF>"),
    (b"\x1b@", "<ESC>@"),
    (b"\x1dV\x00", "<GS>V<NUL>"),
    (b"\x02030,0\x03", "<STX>030,0<ETX>"),
    (b"\x10\x04\x01", "<DLE><EOT><SOH>"),
    (b"a\tb\x7f\xff\x80", "a<TAB>b<DEL><xFF><x80>"),
    (b" ~", " ~"),
])
def test_render_text_names_control_bytes(data, text):
    assert render_text(data) == text


def test_format_chunks_renders_rows_of_hex_and_text_byte_for_byte():
    chunks = [Chunk(TX, 10.0, b"SI\r\n"),
              Chunk(RX, 10.25, b"S S      12.35 kg\r\n")]
    assert format_chunks(chunks, origin=10.0) == (
        "    0.000 TX >  53 49 0D 0A                                      SI<CR><LF>\n"
        "    0.250 RX <  53 20 53 20 20 20 20 20 20 31 32 2E 33 35 20 6B  S S      12.35 k\n"
        "                67 0D 0A                                         g<CR><LF>"
    )
    assert format_chunks([], 0.0) == ""


def test_monitored_port_records_both_directions_on_a_real_port():
    monitor = ByteMonitor()
    port = open_monitored(monitor)("loop://", timeout=0.05)
    try:
        assert isinstance(port, MonitoredPort)
        write_all(port, b"\x1b@hello\r\n")
        got = b""
        while len(got) < 9:
            got += read_available(port, wait_s=0.5)
        assert got == b"\x1b@hello\r\n"
        port.write_timeout = 3.0  # attributes reach the pyserial port
        assert port.port_object.write_timeout == 3.0
    finally:
        close_transport(port)
    assert not port.port_object.is_open
    assert monitor.data(TX) == b"\x1b@hello\r\n" == monitor.data(RX)


def test_an_mt_sics_scale_opened_through_the_monitor_records_its_exchange_byte_for_byte():
    with SimMtSics("pty") as sim:
        sim.place(1234.5)
        monitor = ByteMonitor()
        scale = MtSicsScale(sim.url, timeout_s=2, opener=open_monitored(monitor))
        try:
            weight = scale.weight_immediate()
        finally:
            scale.close()
    assert weight.grams == 1234.5
    assert monitor.data(TX) == b"SI\r\n"
    assert monitor.data(RX) == b"S S    1234.50 g\r\n"


def test_open_scale_passes_the_opener_with_the_toledo_line_settings():
    with SimToledo("pty") as sim:
        sim.place(1250)
        monitor = ByteMonitor()
        opener = Opener(monitor)
        scale = open_scale("toledo-8217", sim.url, timeout_s=2, opener=opener)
        try:
            weight = scale.weight_immediate()
        finally:
            scale.close()
    assert weight.grams == 1250.0
    assert monitor.data(TX) == b"W"
    assert monitor.data(RX) == b"\x0201.250\r"
    ((url, kw),) = opener.calls
    assert url == sim.url and (kw["bytesize"], kw["parity"], kw["stopbits"]) == (7, "E", 1)
    port = opener.ports[0].port_object
    assert (port.bytesize, port.parity, port.stopbits) == (7, "E", 1)  # reached pyserial
    assert not port.is_open


def test_a_continuous_scale_records_the_lines_it_reads_and_sends_nothing():
    with SimContinuous("pty", preset="cas") as sim:
        sim.place(1250)
        monitor = ByteMonitor()
        scale = open_scale("continuous", sim.url, timeout_s=2, opener=open_monitored(monitor))
        try:
            weight = scale.weight_immediate()
        finally:
            scale.close()
    assert weight.raw == "ST,GS,+  1.250kg"
    assert b"ST,GS,+  1.250kg\r\n" in monitor.data(RX)
    assert monitor.data(TX) == b""


def test_a_label_printer_opens_every_connection_through_the_opener():
    with SimZplPrinter("tcp") as sim:
        monitor = ByteMonitor()
        opener = Opener(monitor)
        printer = ZplPrinter(sim.url, timeout_s=2, write_timeout_s=7.0, opener=opener)
        try:
            printer.status()
            printer.close()
            printer.status()  # a new connection: recorded as well
        finally:
            printer.close()
        assert sim.connections == 2
    assert monitor.data(TX) == b"~HS~HS"
    assert monitor.data(RX).count(b"\x02") == 6  # three frames per reply
    assert [kw["write_timeout"] for _, kw in opener.calls] == [7.0, 7.0]
    assert [p.port_object.is_open for p in opener.ports] == [False, False]


def test_a_receipt_printer_records_status_and_job_and_still_sets_its_write_timeout():
    with SimEscPosPrinter("tcp") as sim:
        monitor = ByteMonitor()
        opener = Opener(monitor)
        printer = EscPosPrinter(sim.url, timeout_s=2, opener=opener)
        try:
            printer.print_job(b"\x1b@Hello\n\x1dV\x00")
            assert opener.ports[0].port_object.write_timeout >= 2  # set through the wrapper
        finally:
            printer.close()
        assert sim.wait_for_jobs(1, 5)
    assert [(c.direction, c.data) for c in monitor.chunks()] == [
        (TX, b"\x10\x04\x01"), (RX, b"\x12"),  # printer, offline, paper status first
        (TX, b"\x10\x04\x02"), (RX, b"\x12"),
        (TX, b"\x10\x04\x04"), (RX, b"\x12"),
        (TX, b"\x1b@Hello\n\x1dV\x00"),
    ]


def test_open_vlm_passes_the_opener_to_a_kardex_controller():
    with SimKardexVlm("tcp", dialect="jmif-pipe") as sim:
        monitor = ByteMonitor()
        vlm = open_vlm("kardex-jmif", sim.url, dialect="jmif-pipe", address="SH1-1",
                       task_id_start=10, opener=open_monitored(monitor))
        try:
            vlm.ping()
        finally:
            vlm.close()
    assert monitor.data(TX) == b"61|ping10|SH1-1|0|0||||||||\r\n"
    assert monitor.data(RX) == b"0|ping10|SH1-1|0|0||||||||\r\n"


def test_a_scanner_reader_records_the_scan_it_reads():
    lines: queue.Queue[bytes] = queue.Queue()
    connected = threading.Event()

    def on_state(state: ScannerState, _detail: str) -> None:
        if state is ScannerState.CONNECTED:
            connected.set()

    with SimScanner("pty") as sim:
        monitor = ByteMonitor()
        reader = ScannerReader(sim.url, on_line=lines.put, on_state=on_state,
                               opener=open_monitored(monitor))
        with reader:
            assert connected.wait(5)
            assert sim.scan("]C1010400638133393\x1d10LOT7")
            assert lines.get(timeout=5) == b"]C1010400638133393\x1d10LOT7"
    assert monitor.data(RX) == b"]C1010400638133393\x1d10LOT7\r\n"
    assert monitor.data(TX) == b""


def test_limit_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        ByteMonitor(0)
