"""Outbox rows: written in the caller's transaction, ids and sequences fixed at write time."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from station.data.models import OutboxEvent
from sync.outbox.store import enqueue, outbox_status, retry


def test_sequences_per_order_and_station_and_a_stable_body(sessions):
    with sessions.begin() as s:
        a1 = enqueue(s, site="ber", station_id="st-1", order_id="o1", kind="order.packed",
                     data={"order_number": "SO-1"})
        b1 = enqueue(s, site="ber", station_id="st-1", order_id="o2", kind="order.packed",
                     data={})
        a2 = enqueue(s, site="ber", station_id="st-1", order_id="o1",
                     kind="shipment.created", data={"tracking_number": "PB1"})
    with pytest.raises(RuntimeError), sessions.begin() as s:
        enqueue(s, site="ber", station_id="st-1", order_id="o1", kind="order.packed", data={})
        raise RuntimeError("the pack failed: its event goes with it")
    with sessions.begin() as s:
        a3 = enqueue(s, site="ber", station_id="st-2", order_id="o1",
                     kind="order.exception", data={"reason": "short_pick"})
    rows = {r.id: r for r in _all(sessions)}
    assert len(rows) == 4
    assert [(rows[e.id].order_seq, rows[e.id].station_seq) for e in (a1, b1, a2, a3)] == [
        (1, 1), (1, 2), (2, 3), (3, 1)]
    body = json.loads(rows[a2.id].body)
    assert uuid.UUID(body["id"]).version == 7 and body["id"] == a2.id
    assert body["source"] == "urn:packbench:ber:station:st-1"
    assert (body["type"], body["subject"], body["sequence"]) == (
        "packbench.shipment.created.v1", "order/o1", 2)
    assert body["specversion"] == "1.0" and body["time"].endswith("Z")
    with pytest.raises(ValueError), sessions.begin() as s:
        enqueue(s, site="x", station_id="x", order_id="o", kind="order.lost", data={})


def test_status_and_retry_of_dead_events(sessions):
    with sessions.begin() as s:
        ids = [enqueue(s, site="x", station_id="st-1", order_id=f"o{i}", kind="order.packed",
                       data={}).id for i in range(3)]
    with sessions.begin() as s:
        for row in s.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids[:2]))):
            row.status, row.last_status, row.last_error = "dead", 422, "schema"
    with sessions() as s:
        st = outbox_status(s, "st-1")
        assert (st.pending, st.dead, st.delivered) == (1, 2, 0)
        assert [d[0] for d in st.dead_events] == ids[:2] and st.oldest_pending is not None
    with sessions.begin() as s:
        assert retry(s, [ids[0]]) == 1
        assert retry(s) == 1
    with sessions() as s:
        assert outbox_status(s).pending == 3


def _all(sessions):
    with sessions() as s:
        return s.scalars(select(OutboxEvent)).all()
