"""Pack outcomes become outbox events in the same transaction, valid against their schemas."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from station.app.core import StationCore
from station.app.shipments import void_shipment
from station.config import StationConfig
from station.data.models import OutboxEvent, Shipment
from sync.schemas import validate_event
from tests.integration.seed import MUG, seed
from tests.integration.test_core import Recorder

CONFIG = {
    "station": {"id": "st-1", "site": "ber"},
    "printing": {"sscc_company_prefix": "4012345"},
    "edd": {"services": [{"carrier": "DHL", "service": "Paket", "transit": {"*": [1, 2]}}]},
    "backend": {"tracking_urls": {"DHL": "https://track.example/{tracking}"}},
}


@pytest.fixture
def core(sessions):
    seed(sessions)
    with sessions.begin() as s:  # a street, a name and an email that must never leave
        from station.data.models import Order
        s.execute(Order.__table__.update().values(ship_to={
            "name": "Ana Example", "street": "Secret Street 1", "city": "Berlin",
            "postal_code": "10115", "region": "BE", "country": "DE"}))
    config = StationConfig.model_validate(CONFIG)
    core = StationCore(sessions, config, Recorder(), today=lambda: date(2023, 1, 1))
    woken = []
    core.on_events_queued = lambda: woken.append(1)
    core.start()
    core.woken = woken
    return core


def outbox(sessions, order_id=None):
    with sessions() as s:
        q = select(OutboxEvent).order_by(OutboxEvent.station_seq)
        if order_id:
            q = q.where(OutboxEvent.order_id == order_id)
        return [json.loads(r.body) for r in s.scalars(q)]


def test_packed_order_announces_itself_then_its_parcel(core, sessions):
    for code in ("BADGE:P1", "SO-2", MUG):
        core.handle_scan(code)
    assert outbox(sessions) == []  # nothing before the order is packed
    assert core.handle_weight(352.0).accepted
    packed, created = outbox(sessions)
    for event in (packed, created):
        validate_event(event)
    assert (packed["type"], packed["sequence"]) == ("packbench.order.packed.v1", 1)
    assert (created["type"], created["sequence"]) == ("packbench.shipment.created.v1", 2)
    assert packed["source"] == "urn:packbench:ber:station:st-1"
    data = created["data"]
    with sessions() as s:
        shipment = s.scalars(select(Shipment)).one()
    assert data["tracking_number"] == shipment.tracking_number
    assert data["tracking_url"] == f"https://track.example/{shipment.tracking_number}"
    assert data["sscc"] == shipment.sscc and data["weight_g"] == 352.0
    assert data["estimated_delivery"]["source"] == "computed"
    assert data["contents"] == [{"sku": "MUG-1", "title": "Stoneware mug", "qty": 1}]
    assert data["ship_to"] == {"city": "Berlin", "postal_code": "10115", "region": "BE",
                               "country": "DE"}
    text = json.dumps([packed, created])
    assert "Secret Street" not in text and "Ana Example" not in text and "@" not in text
    assert core.woken == [1]
    void_shipment(sessions, core.config, shipment.tracking_number, "parcel damaged")
    voided = outbox(sessions)[-1]
    validate_event(voided)
    assert (voided["type"], voided["sequence"]) == ("packbench.shipment.voided.v1", 3)


def test_short_pick_tells_the_backend_the_order_is_late(core, sessions):
    for code in ("BADGE:P1", "SO-1", MUG, "CMD:SHORT"):
        core.handle_scan(code)
    (event,) = outbox(sessions)
    validate_event(event)
    assert event["type"] == "packbench.order.exception.v1"
    data = event["data"]
    assert (data["kind"], data["customer_impact"]) == ("short_pick", "delay")
    assert {"sku": "MUG-1", "qty_missing": 1} in data["lines"]
    core.handle_scan("SO-3")
    core.handle_scan("CMD:CANCEL")  # a cancelled pack goes back to ready: no news for anyone
    assert len(outbox(sessions)) == 1


def test_carrier_and_backend_estimates_override_ours(core, sessions):
    from station.data.models import Order

    zpl = "^XA^FO40,40^A0N,40,40^FDCarrier label^FS^XZ"
    with sessions.begin() as s:
        s.execute(Order.__table__.update().where(Order.order_id == "ord_2").values(
            supplied_labels=[{"tracking_number": "1Z999AA10123456784", "zpl": zpl,
                              "estimated_delivery": {"earliest": "2030-01-07",
                                                     "latest": "2030-01-08"}}]))
        s.execute(Order.__table__.update().where(Order.order_id == "ord_4").values(
            estimated_delivery={"earliest": "2030-02-01", "latest": "2030-02-03"}))
    core.handle_scan("BADGE:P1")
    for number in ("SO-2", "SO-4", "SO-5"):
        core.handle_scan(number)
        core.handle_scan(MUG)
        assert core.handle_weight(352.0).accepted
        core.scale_cleared()
    windows = {e["subject"]: e["data"]["estimated_delivery"] for e in outbox(sessions)
               if e["type"] == "packbench.shipment.created.v1"}
    assert windows["order/ord_2"] == {"earliest": "2030-01-07", "latest": "2030-01-08",
                                      "source": "carrier"}
    assert windows["order/ord_4"] == {"earliest": "2030-02-01", "latest": "2030-02-03",
                                      "source": "backend"}
    assert windows["order/ord_5"]["source"] == "computed"
