"""`packbench print test-label/test-insert/reprint` and `packbench shipments` for real."""

from __future__ import annotations

import numpy as np
import pytest
import zplkit
import zxingcpp
from click.testing import CliRunner
from sqlalchemy import select

from drivers.receipt_printer.raster import with_quiet_zone
from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.zpl import SimZplPrinter
from station.app.core import StationCore
from station.cli import main
from station.config import load_config
from station.data.db import make_engine, session_factory, upgrade
from station.data.models import PrintJob, Shipment
from tests.integration.seed import MUG, seed


@pytest.fixture
def station_db(tmp_path):
    """Yield the path and sessions of a migrated, seeded SQLite station database."""
    db = tmp_path / "station.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    sessions = session_factory(engine)
    seed(sessions)
    yield db, sessions
    engine.dispose()


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def read_label(zpl: bytes) -> dict[str, str]:
    (label,) = zplkit.render(zpl, zplkit.Options(profile="zd621", dpi=203)).labels
    raster = label.rasterize()
    img = np.frombuffer(raster.pixels, dtype=np.uint8).reshape(raster.height, raster.width)
    return {r.symbology_identifier: r.text
            for r in zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)}


def test_test_label_prints_on_a_simulated_printer(tmp_path):
    cfg = tmp_path / "station.toml"
    cfg.write_text('[printing]\nsscc_company_prefix = "4012345"\n'
                   '[printing.ship_from]\nname = "Example Shop"\ncity = "Berlin"\n')
    with SimZplPrinter("tcp") as printer:
        r = invoke("print", "test-label", "--config", str(cfg), "--url", printer.url)
        assert r.exit_code == 0 and "printed test label" in r.output, r.output
        assert printer.wait_for_jobs(1, 5)
        codes = read_label(printer.jobs[0])
        assert codes["]C0"] == "PB000000005DE"
        assert codes["]C1"].startswith("0004012345")
        printer.paper_out()
        r = invoke("print", "test-label", "--config", str(cfg), "--url", printer.url)
        assert r.exit_code == 1 and "paper out" in r.output
    out = tmp_path / "label.zpl"
    r = invoke("print", "test-label", "--config", str(cfg), "--out", str(out))
    assert r.exit_code == 0 and out.read_bytes().startswith(b"^XA")
    r = invoke("print", "test-label", "--config", str(cfg))
    assert r.exit_code == 1 and "--url" in r.output


def test_test_insert_prints_on_a_simulated_printer(tmp_path):
    with SimEscPosPrinter("tcp", idle_gap_s=None) as printer:
        r = invoke("print", "test-insert", "--url", printer.url)
        assert r.exit_code == 0, r.output
        assert printer.wait_for_jobs(1, 5)
        (job,) = printer.jobs
        qr = [r.text for image in job.images
              for r in zxingcpp.read_barcodes(with_quiet_zone(image))]
        assert qr == ["https://example.com/review/test-insert",
                      "https://example.com/returns/test-insert"]
        printer.cover_open()
        r = invoke("print", "test-insert", "--url", printer.url)
        assert r.exit_code == 1 and "cover open" in r.output


def test_reprint_void_and_list(tmp_path, station_db):
    db, sessions = station_db
    cfg = tmp_path / "station.toml"
    cfg.write_text(f'[station]\ndatabase = "sqlite:///{db}"\n'
                   '[devices.label_printer]\nurl = "socket://127.0.0.1:9"\n')
    core = StationCore(sessions, load_config(cfg), lambda e: None)
    core.start()
    for code in ("BADGE:P1", "SO-2", MUG):
        core.handle_scan(code)
    assert core.handle_weight(352.0).accepted
    with sessions() as s:
        tracking = s.scalars(select(Shipment.tracking_number)).one()
    r = invoke("print", "reprint", "SO-2", "--config", str(cfg))
    assert r.exit_code == 0 and "queued 1 label" in r.output
    r = invoke("shipments", "list", "--order", "ord_2", "--config", str(cfg))
    assert tracking in r.output and "reprints=1" in r.output and "created" in r.output
    r = invoke("shipments", "void", tracking, "--reason", "box damaged in transit",
               "--config", str(cfg))
    assert r.exit_code == 0 and "SO-2" in r.output
    with sessions() as s:
        shipment = s.scalars(select(Shipment)).one()
        assert (shipment.status, shipment.void_reason) == ("voided", "box damaged in transit")
        jobs = s.scalars(select(PrintJob).order_by(PrintJob.id)).all()
        assert [(j.reprint, j.status) for j in jobs] == [(False, "cancelled"), (True, "cancelled")]
    r = invoke("shipments", "void", tracking, "--reason", "again", "--config", str(cfg))
    assert r.exit_code == 1 and "no live shipping label" in r.output
    r = invoke("print", "reprint", "SO-2", "--config", str(cfg))
    assert r.exit_code == 1 and "no live shipping label" in r.output


def test_sync_status_and_retry(tmp_path, station_db):
    from station.data.models import OutboxEvent
    from sync.outbox.store import enqueue

    db, sessions = station_db
    cfg = tmp_path / "station.toml"
    cfg.write_text(f'[station]\nid = "st-1"\ndatabase = "sqlite:///{db}"\n')
    with sessions.begin() as s:
        dead = enqueue(s, site="x", station_id="st-1", order_id="o1", kind="order.packed",
                       data={})
        enqueue(s, site="x", station_id="st-1", order_id="o2", kind="order.packed", data={})
    with sessions.begin() as s:
        row = s.get(OutboxEvent, dead.id)
        row.status, row.last_status, row.last_error = "dead", 422, "data.weight_g: not a number"
    r = invoke("sync", "status", "--config", str(cfg))
    assert "pending 1  delivered 0  dead 1" in r.output
    assert dead.id in r.output and "HTTP 422" in r.output and "weight_g" in r.output
    r = invoke("sync", "retry", "--config", str(cfg))
    assert "1 event(s)" in r.output
    assert "pending 2" in invoke("sync", "status", "--config", str(cfg)).output


def test_orders_pull_imports_pages_once(tmp_path, station_db):
    from sync.receiver.app import Receiver
    from sync.relay.client import Secret

    secret = Secret.generate().reveal()
    orders = [{
        "order_id": f"web-{i}", "order_number": f"W-{i}",
        "customer": {"first_name": "Ana", "last_name": "B", "email": "ana@example.com"},
        "ship_to": {"name": "Ana B", "street": "Weg 1", "city": "Berlin", "postal_code": "10115",
                    "region": "", "country": "DE"},
        "carrier": "DHL", "service": "Paket",
        "lines": [{"line_id": "1", "sku": "MUG-1", "qty": 1}],
    } for i in range(5)]
    db, _ = station_db
    receiver = Receiver(secret, str(tmp_path / "backend.db"), orders=orders).start()
    try:
        cfg = tmp_path / "station.toml"
        cfg.write_text(f'[station]\ndatabase = "sqlite:///{db}"\n'
                       f'[backend]\norders_url = "{receiver.orders_url}"\nsecret = "{secret}"\n')
        r = invoke("orders", "pull", "--limit", "2", "--config", str(cfg))
        assert r.exit_code == 0, r.output
        assert "5 pulled in 3 page(s), 5 created" in r.output
        r = invoke("orders", "pull", "--config", str(cfg))
        assert "0 created, 0 updated, 5 unchanged" in r.output
        cfg.write_text(cfg.read_text().replace(secret, Secret.generate().reveal()))
        r = invoke("orders", "pull", "--config", str(cfg))
        assert r.exit_code == 1  # a backend we cannot verify is refused
    finally:
        receiver.stop()


def test_returns_are_checked_against_the_shipment_and_announced(tmp_path, station_db):
    import json as _json

    from station.data.models import OutboxEvent
    from sync.schemas import validate_event

    db, sessions = station_db
    cfg = tmp_path / "station.toml"
    cfg.write_text(f'[station]\ndatabase = "sqlite:///{db}"\n')
    core = StationCore(sessions, load_config(cfg), lambda e: None)
    core.start()
    for code in ("BADGE:P1", "SO-2", MUG):
        core.handle_scan(code)
    assert core.handle_weight(352.0).accepted
    r = invoke("returns", "receive", "SO-3", "--rma", "R1", "--line", "MUG-1:1",
               "--config", str(cfg))
    assert r.exit_code == 1 and "was not shipped" in r.output
    r = invoke("returns", "receive", "SO-2", "--rma", "R1", "--line", "MUG-1:2",
               "--config", str(cfg))
    assert r.exit_code == 1 and "2 returned but 1 shipped" in r.output
    r = invoke("returns", "receive", "SO-2", "--rma", "R1", "--line", "PHN-1:1",
               "--config", str(cfg))
    assert r.exit_code == 1 and "PHN-1 was not shipped" in r.output
    r = invoke("returns", "receive", "SO-2", "--rma", "R1", "--line", "MUG-1:1",
               "--config", str(cfg))
    assert r.exit_code == 0, r.output
    r = invoke("returns", "inspect", "SO-2", "--rma", "R1", "--line", "MUG-1:1:damaged",
               "--no-refund", "--config", str(cfg))
    assert r.exit_code == 0, r.output
    with sessions() as s:
        bodies = [_json.loads(b) for b in s.scalars(
            select(OutboxEvent.body).order_by(OutboxEvent.station_seq))]
    received, inspected = bodies[-2:]
    for event in (received, inspected):
        validate_event(event)
    assert received["type"] == "packbench.return.received.v1" and received["sequence"] == 3
    assert inspected["data"]["lines"] == [{"sku": "MUG-1", "qty": 1, "condition": "damaged"}]
    assert inspected["data"]["refund_recommended"] is False
