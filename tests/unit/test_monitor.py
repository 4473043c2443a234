"""The byte monitor: a bounded ring, exact rendering, and a tap under the real drivers."""

from __future__ import annotations

import threading

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
    tap,
)
from drivers.receipt_printer.device import EscPosPrinter
from drivers.scale.device import MtSicsScale
from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.mtsics import SimMtSics
from drivers.sim.zpl import SimZplPrinter
from drivers.transport import close_transport, read_available, write_all
from drivers.vlm.modbus import ModbusVlm

TX, RX = Direction.TX, Direction.RX


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


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


def test_tap_records_an_mt_sics_exchange_byte_for_byte():
    with SimMtSics("pty") as sim:
        sim.place(1234.5)
        monitor = ByteMonitor()
        scale = MtSicsScale(sim.url, timeout_s=2)
        tap(scale, monitor)
        try:
            weight = scale.weight_immediate()
        finally:
            scale.close()
    assert weight.grams == 1234.5
    assert monitor.data(TX) == b"SI\r\n"
    assert monitor.data(RX) == b"S S    1234.50 g\r\n"


def test_tap_follows_a_reconnect():
    with SimZplPrinter("tcp") as sim:
        monitor = ByteMonitor()
        printer = ZplPrinter(sim.url, timeout_s=2)
        tap(printer, monitor)
        try:
            printer.status()
            printer.close()
            printer.status()  # a new connection: tapped as well
        finally:
            printer.close()
        assert sim.connections == 2
    assert monitor.data(TX) == b"~HS~HS"
    assert monitor.data(RX).count(b"\x02") == 6  # three frames per reply


def test_a_tapped_printer_still_sets_its_write_timeout_and_prints():
    with SimEscPosPrinter("tcp") as sim:
        monitor = ByteMonitor()
        printer = EscPosPrinter(sim.url, timeout_s=2)
        tap(printer, monitor)
        try:
            printer.print_job(b"\x1b@Hello\n\x1dV\x00")
            assert printer._port.port_object.write_timeout >= 2
        finally:
            printer.close()
        assert sim.wait_for_jobs(1, 5)
    assert monitor.data(TX).endswith(b"\x1b@Hello\n\x1dV\x00")
    assert monitor.data(TX).startswith(b"\x10\x04\x01")  # the status asked first


def test_tap_refuses_a_device_without_a_serial_port():
    with pytest.raises(TypeError, match="ModbusVlm"):
        tap(ModbusVlm("modbus://127.0.0.1:1?unit=1"), ByteMonitor())


def test_limit_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        ByteMonitor(0)
