"""SimEscPosPrinter against a real third-party ESC/POS host: python-escpos's Network and Serial.

python-escpos sends the jobs and asks `paper_status()` (DLE EOT 4, read back as 2 / 1 / 0)
and `is_online()` (DLE EOT 1); our simulator must understand the one and answer the other as
a printer does, over loopback TCP and over a pty.
"""

from __future__ import annotations

import os

import pytest
import zxingcpp

from drivers.receipt_printer import PaperStatus
from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from drivers.receipt_printer.raster import with_quiet_zone
from drivers.sim.escpos import SimEscPosPrinter

URL = "https://example.com/r/1"
LEVELS = [(PaperStatus.OK, 2), (PaperStatus.NEAR_END, 1), (PaperStatus.OUT, 0),
          (PaperStatus.OK, 2)]


@pytest.fixture(scope="module")
def escpos_printers(tmp_path_factory):
    """Return python-escpos's `escpos.printer` module, its capability cache in a tmp dir."""
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))
    from escpos import printer

    return printer


@pytest.fixture
def tcp_client(escpos_printers):
    with SimEscPosPrinter.on_tcp(idle_gap_s=None) as sim:
        host, port = sim.url.removeprefix("socket://").rsplit(":", 1)
        client = escpos_printers.Network(host, port=int(port), timeout=2)
        try:
            yield sim, client
        finally:
            client.close()


@pytest.fixture
def serial_client(escpos_printers):
    with SimEscPosPrinter.on_pty(idle_gap_s=None) as sim:
        # python-escpos reads 16 bytes per status query, so each one lasts `timeout`.
        client = escpos_printers.Serial(devfile=sim.url, baudrate=9600, timeout=0.1)
        try:
            yield sim, client
        finally:
            client.close()


@pytest.fixture(params=["network", "serial"])
def peer(request):
    return request.getfixturevalue(f"{'tcp' if request.param == 'network' else 'serial'}_client")


def _print_receipt(client) -> None:
    client.hw("INIT")
    client.set(align="center", bold=True, double_width=True, double_height=True)
    client.textln("PACKBENCH")
    client.set(normal_textsize=True, bold=False, align="left")
    client.textln("Order 1 - 2 items")
    client.qr(URL)
    client.cut()


def test_paper_status_in_each_paper_state(peer):
    sim, client = peer
    for paper, level in LEVELS:
        sim.set_paper(paper)
        assert client.paper_status() == level, paper
    assert sim.status_requests == [4, 4, 4, 4]
    assert sim.jobs == []


def test_is_online_follows_the_cover(peer):
    sim, client = peer
    assert client.is_online()
    sim.cover_open()
    assert not client.is_online()
    sim.cover_open(False)
    assert client.is_online()
    assert sim.status_requests == [1, 1, 1]


def test_receipt_with_raster_qr_is_received_and_decodes(peer):
    sim, client = peer
    _print_receipt(client)
    assert sim.wait_for_jobs(1)
    [job] = sim.jobs
    assert (job.ended_by, job.unknown) == ("cut", [])
    assert job.text.split("\n")[:2] == ["PACKBENCH", "Order 1 - 2 items"]
    styles = [e.style for e in job.elements if getattr(e, "style", None)]
    assert (styles[0].align, styles[0].bold, styles[0].width, styles[0].height) == (
        "center", True, 2, 2)
    [image] = job.images
    assert [r.text for r in zxingcpp.read_barcodes(with_quiet_zone(image))] == [URL]


def test_jobs_and_status_queries_interleave(peer):
    sim, client = peer
    _print_receipt(client)
    sim.paper_near_end()
    assert client.paper_status() == 1
    client.textln("second receipt")
    client.qr(URL, native=True)
    client.cut(mode="PART")
    assert sim.wait_for_jobs(2)
    first, second = sim.jobs
    assert first.images and not first.qr_codes
    assert second.text.startswith("second receipt\n")
    assert second.qr_codes == [URL.encode()]
    assert second.elements[-1].partial
    assert sim.status_requests == [4]


def test_network_job_without_cut_ends_when_python_escpos_closes(tcp_client):
    sim, client = tcp_client
    client.textln("no cut")
    client.close()
    assert sim.wait_for_jobs(1)
    assert (sim.jobs[0].text, sim.jobs[0].ended_by) == ("no cut\n", "close")
