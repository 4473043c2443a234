"""Reprint the labels of many orders at once: checked first, one order at a time, stoppable."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from drivers.sim.zpl import SimZplPrinter
from station.app.core import StationCore
from station.app.devices import device_workers
from station.app.shipments import (
    OrderReprint,
    ShipmentError,
    packed_today,
    reprint_orders,
    void_shipment,
)
from station.app.spooler import PrintSpooler
from station.app.work import CancelToken, Progress
from station.config import StationConfig
from station.data.models import Order, PrintJob, Shipment
from tests.integration.seed import MUG, seed

PACKED = ("SO-2", "SO-4", "SO-5")


def station_config(label_url: str = "socket://127.0.0.1:9") -> StationConfig:
    return StationConfig.model_validate({
        "station": {"id": "st-1"},
        "devices": {"label_printer": {"url": label_url, "status_interval_s": 0.1}},
    })


def pack(sessions, config: StationConfig) -> None:
    """Pack SO-2, SO-4 and SO-5 (one mug each) at the station: one label each is queued."""
    core = StationCore(sessions, config, lambda e: None, today=lambda: date(2023, 1, 1))
    core.start()
    core.handle_scan("BADGE:P1")
    for number in PACKED:
        core.handle_scan(number)
        core.handle_scan(MUG)
        assert core.handle_weight(352.0).accepted
        core.scale_cleared()


@pytest.fixture
def packed(sessions):
    seed(sessions)
    config = station_config()
    pack(sessions, config)
    return config


def reprint_jobs(sessions) -> list[tuple[str, bytes]]:
    """Return (order number, payload) of every queued reprint, in queue order."""
    with sessions() as s:
        return [(number, payload) for number, payload in s.execute(
            select(Order.order_number, PrintJob.payload)
            .join(Order, PrintJob.order_pk == Order.id)
            .where(PrintJob.reprint.is_(True)).order_by(PrintJob.id))]


def labels(sessions) -> dict[str, tuple[bytes, int]]:
    """Return each order's live label ZPL and reprint count."""
    with sessions() as s:
        return {number: (zpl, reprints) for number, zpl, reprints in s.execute(
            select(Order.order_number, Shipment.label_zpl, Shipment.reprints)
            .join(Order, Shipment.order_pk == Order.id).where(Shipment.status == "created"))}


def test_each_order_is_queued_again_and_reported(sessions, packed):
    seen: list[Progress] = []
    # By order id or number, one order named twice, blank lines from a text box.
    result = reprint_orders(sessions, packed, ["SO-2", " ord_4 ", "", "ord_2", "SO-5"],
                            seen.append)
    assert result.orders == (OrderReprint("SO-2", 1), OrderReprint("SO-4", 1),
                             OrderReprint("SO-5", 1))
    assert (result.total, result.labels, result.cancelled, result.not_done) == (3, 3, False, ())
    assert seen == [Progress(0, 3, "reprinting"), Progress(1, 3, "reprinting", "SO-2"),
                    Progress(2, 3, "reprinting", "SO-4"), Progress(3, 3, "reprinting", "SO-5")]
    live = labels(sessions)
    assert reprint_jobs(sessions) == [(n, live[n][0]) for n in PACKED]
    assert {n: r for n, (_, r) in live.items()} == dict.fromkeys(PACKED, 1)


def test_an_unknown_ref_or_an_order_without_label_is_refused_before_any_is_queued(
        sessions, packed):
    with pytest.raises(ShipmentError) as info:
        reprint_orders(sessions, packed, ["SO-2", "SO-404", "SO-3", "SO-5"])
    assert str(info.value) == "no order 'SO-404'; order SO-3 has no live shipping label"
    assert reprint_jobs(sessions) == []
    assert {r for _, r in labels(sessions).values()} == {0}


def test_a_cancel_stops_after_the_current_order(sessions, packed):
    token = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if p.done == 1:
            token.cancel()

    result = reprint_orders(sessions, packed, PACKED, progress, token)
    assert result.cancelled and result.orders == (OrderReprint("SO-2", 1),)
    assert result.not_done == ("SO-4", "SO-5") and result.total == 3
    assert [n for n, _ in reprint_jobs(sessions)] == ["SO-2"]
    assert seen[-1] == Progress(1, 3, "reprinting", "SO-2")


def test_todays_orders_of_this_station_with_a_live_label(sessions, packed):
    assert packed_today(sessions, "st-1") == list(PACKED)
    assert packed_today(sessions, "st-9") == []
    assert packed_today(sessions, "st-1", now=datetime.now() + timedelta(days=1)) == []
    assert packed_today(sessions, "st-1", now=datetime.now() - timedelta(days=1)) == []
    with sessions() as s:
        tracking = s.scalar(select(Shipment.tracking_number).join(Order, Shipment.order_pk ==
                                                                  Order.id)
                            .where(Order.order_number == "SO-4"))
    assert void_shipment(sessions, packed, tracking, "box crushed") == "SO-4"
    assert packed_today(sessions, "st-1") == ["SO-2", "SO-5"]
    result = reprint_orders(sessions, packed, packed_today(sessions, "st-1"))
    assert [o.order_number for o in result.orders] == ["SO-2", "SO-5"]


def test_the_spooler_prints_the_reprinted_labels(sessions):
    seed(sessions)
    with SimZplPrinter("tcp") as printer:
        config = station_config(printer.url)
        pack(sessions, config)
        result = reprint_orders(sessions, config, PACKED)
        assert result.labels == 3
        workers = device_workers(config.devices, lambda *state: spooler.wake())
        spooler = PrintSpooler(sessions, "st-1", workers, lambda event: None, retry_s=0.2)
        for worker in workers.values():
            worker.start()
        spooler.start()
        try:
            spooler.wake()
            assert printer.wait_for_jobs(6, 10), printer.jobs
        finally:
            spooler.stop()
            for worker in workers.values():
                worker.stop()
        live = labels(sessions)
        # Each label first as packed, then again, exactly as first printed (the printer
        # keeps a format from ^XA to ^XZ).
        assert printer.jobs == [live[n][0].rstrip(b"\n") for n in PACKED] * 2
