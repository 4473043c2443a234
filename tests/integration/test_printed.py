"""The latest print jobs of an order or a station, on SQLite and PostgreSQL, in one query.

Jobs are rows as `station.app.shipping` writes them (a label per parcel with its shipment,
one insert per order), with real label and insert bytes. One test prints them for real:
the spooler sends them to the ZPL and ESC/POS simulators, and the records then say printed,
with the bytes the printers received, and those bytes preview to the right barcodes.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import time
from datetime import UTC, datetime

import pytest
import zxingcpp
from sqlalchemy import event, select

from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.zpl import SimZplPrinter
from station.app.devices import device_workers
from station.app.printed import latest_by_kind, latest_prints
from station.app.spooler import PrintSpooler
from station.config import DevicesSection
from station.data.models import Order, Package, Packer, PackSession, PrintJob, Shipment
from station.printing.insert import InsertData, render_insert
from station.printing.label import render_label
from station.printing.preview import render_escpos_preview, render_zpl_preview
from tests.integration.seed import seed
from tests.unit.test_label_render import SAMPLE

SID = "st-1"


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


@pytest.fixture
def db(sessions):
    seed(sessions)
    return sessions


def pack(sessions, number: str, trackings: list[str], *, station: str = SID,
         insert: bool = True) -> dict:
    """Write an order's shipments and print jobs as shipping does; return ids and payloads."""
    with sessions.begin() as s:
        order = s.scalars(select(Order).where(Order.order_number == number)).one()
        packer = s.scalars(select(Packer).order_by(Packer.id)).first()
        session = PackSession(order_pk=order.id, packer_id=packer.id, station_id=station,
                              status="packed")
        s.add(session)
        s.flush()
        labels = []
        for index, tracking in enumerate(trackings, 1):
            package = Package(session_id=session.id, index=index, status="accepted")
            s.add(package)
            s.flush()
            zpl = render_label(dataclasses.replace(
                SAMPLE, tracking_number=tracking, order_number=number, package_index=index,
                package_count=len(trackings)))
            shipment = Shipment(package_id=package.id, order_pk=order.id, package_index=index,
                                package_count=len(trackings), carrier="DHL", service="Paket",
                                tracking_number=tracking, label_zpl=zpl)
            s.add(shipment)
            s.flush()
            job = PrintJob(station_id=station, device="label_printer", kind="label",
                           order_pk=order.id, shipment_id=shipment.id, payload=zpl)
            s.add(job)
            s.flush()
            labels.append((job.id, tracking, zpl))
        out = {"order_pk": order.id, "labels": labels}
        if insert:
            payload = render_insert(InsertData(
                order_number=number, order_id=order.order_id, customer_first_name="Ana",
                review_url=f"https://shop.example/review/{number}"), profile="58mm")
            job = PrintJob(station_id=station, device="receipt_printer", kind="insert",
                           order_pk=order.id, payload=payload)
            s.add(job)
            s.flush()
            out["insert"] = (job.id, payload)
        return out


def summary(records) -> list[tuple]:
    return [(r.job_id, r.kind, r.order_number, r.tracking_number) for r in records]


def test_the_latest_label_and_insert_of_an_order(db) -> None:
    one = pack(db, "SO-1", ["PB000000013DE", "PB000000027DE"])
    two = pack(db, "SO-2", ["PB000000035DE"])
    (label_2, tracking_2, zpl_2), insert = one["labels"][1], one["insert"]

    records = latest_prints(db, SID, one["order_pk"])
    assert summary(records) == [(insert[0], "insert", "SO-1", None),
                                (label_2, "label", "SO-1", tracking_2)]
    assert records[1].payload == zpl_2 and records[0].payload == insert[1]
    assert {(r.device, r.status, r.printed_at) for r in records} == {
        ("receipt_printer", "queued", None), ("label_printer", "queued", None)}
    assert all(r.created_at.tzinfo is not None for r in records)

    both = latest_prints(db, SID, one["order_pk"], limit=2)
    assert [r.job_id for r in both] == [insert[0], label_2, one["labels"][0][0]]
    station = latest_prints(db, SID)  # the station's newest: order SO-2
    assert summary(station) == [(two["insert"][0], "insert", "SO-2", None),
                                (two["labels"][0][0], "label", "SO-2", "PB000000035DE")]
    assert latest_by_kind(both) == {"insert": both[0], "label": both[1]}


def test_cancelled_jobs_other_stations_and_other_kinds_are_left_out(db) -> None:
    one = pack(db, "SO-1", ["PB000000013DE"])
    pack(db, "SO-2", ["PB000000035DE"], station="st-2")
    cancelled = pack(db, "SO-3", ["PB000000044DE"], insert=False)
    with db.begin() as s:
        s.get(PrintJob, cancelled["labels"][0][0]).status = "cancelled"
        s.add(PrintJob(station_id=SID, device="label_printer", kind="test",
                       payload=b"^XA^FDtest^FS^XZ"))
        s.get(PrintJob, one["labels"][0][0]).status = "held"
    records = latest_prints(db, SID)
    assert summary(records) == [(one["insert"][0], "insert", "SO-1", None),
                                (one["labels"][0][0], "label", "SO-1", "PB000000013DE")]
    assert records[1].status == "held"
    assert latest_prints(db, SID, cancelled["order_pk"]) == []
    (test,) = latest_prints(db, SID, kinds=("test",))
    assert (test.kind, test.order_pk, test.order_number) == ("test", None, None)
    assert [r.order_number for r in latest_prints(db, "st-2", limit=5)] == ["SO-2", "SO-2"]
    with pytest.raises(ValueError, match="limit"):
        latest_prints(db, SID, limit=0)


def test_many_jobs_are_read_in_one_query(db, engine) -> None:
    for number in ("SO-1", "SO-2", "SO-3", "SO-4"):
        pack(db, number, [f"PB0000000{n}DE" for n in ("13", "27", "35")])
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        records = latest_prints(db, SID, limit=5)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [r.kind for r in records].count("label") == 5
    assert [r.kind for r in records].count("insert") == 4
    # SQLite's BEGIN IMMEDIATE (station.data.db) is a transaction, not a query.
    queries = [s for s in statements if not s.lstrip().upper().startswith("BEGIN")]
    assert len(queries) == 1 and queries[0].lstrip().upper().startswith("SELECT")


class Events:
    """Collect spooler events from its thread; wait for one with a deadline."""

    def __init__(self) -> None:
        self.q: queue.Queue = queue.Queue()

    def __call__(self, e: dict) -> None:
        self.q.put(e)

    def printed(self, ids: set[int], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while ids:
            e = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            if e["event"] == "print.printed":
                ids.discard(e["job_id"])


def test_printed_jobs_carry_the_bytes_the_printers_received(db) -> None:
    label_sim, receipt_sim = SimZplPrinter("tcp"), SimEscPosPrinter("tcp")
    devices = DevicesSection.model_validate({
        "label_printer": {"url": label_sim.url, "status_interval_s": 0.1},
        "receipt_printer": {"url": receipt_sim.url, "status_interval_s": 0.1},
    })
    events = Events()
    workers = device_workers(devices, lambda *_s: spooler.wake())
    spooler = PrintSpooler(db, SID, workers, events, retry_s=0.2)
    before = datetime.now(UTC)
    one = pack(db, "SO-1", ["PB000000013DE"])
    try:
        for worker in workers.values():
            worker.start()
        spooler.start()
        spooler.wake()
        events.printed({one["labels"][0][0], one["insert"][0]})
        assert label_sim.wait_for_jobs(1) and receipt_sim.wait_for_jobs(1)
    finally:
        spooler.stop()
        for worker in workers.values():
            worker.stop()
        label_sim.stop()
        receipt_sim.stop()
    insert, label = latest_prints(db, SID, one["order_pk"])
    assert (insert.status, label.status) == ("printed", "printed")
    assert before <= label.printed_at <= datetime.now(UTC)
    assert label_sim.jobs == [label.payload.rstrip(b"\n")]
    assert receipt_sim.jobs[0].raw == insert.payload
    codes = zxingcpp.read_barcodes(render_zpl_preview(label.payload, 203))
    assert "PB000000013DE" in [c.text for c in codes]
    qr = zxingcpp.read_barcodes(render_escpos_preview(insert.payload, 384))
    assert [c.text for c in qr] == ["https://shop.example/review/SO-1"]
