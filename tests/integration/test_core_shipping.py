"""Labels, inserts and their print jobs are made in the same transaction as the pack."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from station.app.core import StationCore
from station.config import StationConfig
from station.data.models import Order, PrintJob, Shipment
from station.domain.state import Phase
from station.printing.gs1_ids import validate_sscc
from station.printing.tracking import validate_s10
from tests.integration.seed import MUG, PHONE, SHIRT, VITAMIN, seed
from tests.integration.test_core import FULL_ORDER, Recorder

GS = "\x1d"
PRINTING = {
    "sscc_company_prefix": "4012345", "sscc_extension": 3,
    "ship_from": {"name": "Example Shop", "street": "Lagerstr. 5", "city": "Berlin",
                  "postal_code": "10115", "country": "DE"},
    "review_url_template": "https://shop.example/review/{order_id}",
}


@pytest.fixture
def make_core(sessions):
    seed(sessions)

    def make(**printing):
        config = StationConfig.model_validate({
            "station": {"id": "st-1"},
            "devices": {"label_printer": {"url": "socket://127.0.0.1:9"},
                        "receipt_printer": {"url": "socket://127.0.0.1:9"}},
            "printing": {**PRINTING, **printing},
        })
        events = Recorder()
        core = StationCore(sessions, config, events, today=lambda: date(2023, 1, 1))
        queued = []
        core.on_print_queued = lambda: queued.append(1)
        core.start()
        return core, events, queued

    return make


def rows(sessions, model, *where):
    with sessions() as s:
        return s.scalars(select(model).where(*where).order_by(model.id)).all()


def test_packed_order_gets_its_label_and_insert_queued(make_core, sessions):
    core, events, queued = make_core()
    for code in FULL_ORDER:
        core.handle_scan(code)
    assert core.handle_weight(1210.0).accepted
    (shipment,) = rows(sessions, Shipment)
    assert validate_s10(shipment.tracking_number) and shipment.tracking_number.startswith("PB")
    assert validate_sscc(shipment.sscc) and shipment.sscc.startswith("34012345")
    assert (shipment.package_index, shipment.package_count, shipment.provider) == (1, 1, "offline")
    assert shipment.tracking_number.encode() in shipment.label_zpl
    jobs = rows(sessions, PrintJob)
    assert [(j.device, j.kind, j.status) for j in jobs] == [
        ("label_printer", "label", "queued"), ("receipt_printer", "insert", "queued")]
    assert jobs[0].payload == shipment.label_zpl and b"Ana" in jobs[1].payload
    created = next(e for e in events if e["event"] == "label.created")
    assert (created["tracking_number"], created["sscc"]) == (shipment.tracking_number,
                                                             shipment.sscc)
    names = events.names()
    assert names.index("label.created") < names.index("order.packed")
    assert queued == [1]


def test_serials_are_consecutive_across_orders(make_core, sessions):
    core, _, _ = make_core()
    core.handle_scan("BADGE:P1")
    for number in ("SO-2", "SO-4", "SO-5"):
        core.handle_scan(number)
        core.handle_scan(MUG)
        assert core.handle_weight(352.0).accepted
        core.scale_cleared()
    ssccs = [s.sscc for s in rows(sessions, Shipment)]
    assert [int(s[8:17]) for s in ssccs] == [1, 2, 3]
    tracking = [s.tracking_number for s in rows(sessions, Shipment)]
    assert [int(t[2:10]) for t in tracking] == [1, 2, 3]


def test_scan_to_confirm_stops_a_swapped_label(make_core, sessions):
    core, events, _ = make_core(confirm_label_scan=True)
    core.handle_scan("BADGE:P1")
    core.handle_scan("SO-2")
    core.handle_scan(MUG)
    assert core.handle_weight(352.0).accepted  # SO-2's label is printed...
    assert core.state.phase == Phase.AWAIT_LABEL
    (other,) = rows(sessions, Shipment)
    restarted = StationCore(sessions, core.config, events, today=core.today)
    restarted.start()  # a restart keeps the labels to scan
    assert [lb.tracking_number for lb in restarted.state.labels] == [other.tracking_number]
    core = restarted
    d = core.handle_scan("CMD:CANCEL")  # packer gives up: the label must not be used
    assert d.accepted
    assert rows(sessions, Shipment)[0].status == "voided"
    assert {j.status for j in rows(sessions, PrintJob)} == {"cancelled"}
    # A two-box order now; the voided label of SO-2 is refused like any stranger.
    core.scale_cleared()
    for code in ("SO-1", MUG, MUG, "CMD:NEW-BOX"):
        core.handle_scan(code)
    assert core.handle_weight(700.0).accepted
    core.scale_cleared()
    for code in (SHIRT, PHONE, "SN-1", f"]C101{VITAMIN}15230807{GS}10230710"):
        assert core.handle_scan(code).accepted
    assert core.handle_weight(500.0).accepted
    one, two = rows(sessions, Shipment, Shipment.status == "created")
    assert core.handle_scan(other.tracking_number).reason == "label_mismatch"
    assert core.handle_scan("CMD:REPRINT").accepted
    assert core.handle_scan(f"]C100{two.sscc}").accepted
    assert core.state.phase == Phase.AWAIT_LABEL
    d = core.handle_scan(one.tracking_number)
    assert d.accepted and core.state.phase == Phase.IDLE
    with sessions() as s:
        assert s.scalar(select(Order.status).where(Order.order_id == "ord_1")) == "packed"
    confirmed = rows(sessions, Shipment, Shipment.status == "created")
    assert all(sh.confirmed_at is not None and sh.reprints == 1 for sh in confirmed)
    reprints = rows(sessions, PrintJob, PrintJob.reprint.is_(True))
    assert [j.shipment_id for j in reprints] == [one.id, two.id]
    confirmed_events = [e for e in events if e["event"] == "label.confirmed"]
    assert [e["package"] for e in confirmed_events] == [2, 1]
    voided = next(e for e in events if e["event"] == "label.voided")
    assert (voided["tracking_number"], voided["reason"]) == (other.tracking_number, "cancelled")


def test_a_label_of_another_live_order_is_named(make_core, sessions):
    core, _, _ = make_core(confirm_label_scan=True)
    core.handle_scan("BADGE:P1")
    core.handle_scan("SO-2")
    core.handle_scan(MUG)
    core.handle_weight(352.0)
    (first,) = rows(sessions, Shipment)
    core.handle_scan(first.tracking_number)  # SO-2 done
    core.scale_cleared()
    core.handle_scan("SO-4")
    core.handle_scan(MUG)
    core.handle_weight(352.0)
    d = core.handle_scan(first.tracking_number)
    assert d.reason == "label_of_other_order" and "SO-2" in d.message


def test_supplied_labels_are_printed_as_they_came(make_core, sessions):
    zpl = "^XA^FO40,40^A0N,40,40^FDCarrier label^FS^XZ"
    with sessions.begin() as s:
        s.execute(Order.__table__.update().where(Order.order_id == "ord_2").values(
            supplied_labels=[{"tracking_number": "1Z999AA10123456784", "zpl": zpl}]))
    core, _, _ = make_core()
    for code in ("BADGE:P1", "SO-2", MUG):
        core.handle_scan(code)
    assert core.handle_weight(352.0).accepted
    (shipment,) = rows(sessions, Shipment)
    assert (shipment.provider, shipment.tracking_number) == ("supplied", "1Z999AA10123456784")
    assert shipment.label_zpl == zpl.encode()


def test_missing_supplied_label_holds_the_parcel_with_a_clear_error(make_core, sessions):
    core, events, _ = make_core(label_provider="supplied")
    for code in ("BADGE:P1", "SO-2", MUG):
        core.handle_scan(code)
    d = core.handle_weight(352.0)
    assert (d.verdict, d.reason) == ("rejected", "label_failed")
    assert "0 supplied label(s) for 1 parcel(s)" in d.message
    error = next(e for e in events if e["event"] == "station.error")
    assert error["reason"] == "label_failed" and error["order_id"] == "ord_2"
    assert not core.wants_weight  # not retried at every scale reading
    assert rows(sessions, Shipment) == [] and rows(sessions, PrintJob) == []
    core.handle_scan("CMD:REWEIGH")
    assert core.wants_weight and core.state.phase == Phase.WEIGHING
