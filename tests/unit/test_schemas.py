"""Event schemas: well formed, strict where personal data could leak, clear when they refuse."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sync import payloads
from sync.outbox import store
from sync.schemas import EVENT_TYPES, EventSchemaError, schema_for, validate_data, validate_event

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"
EVENT_ID = "01890a5d-ac96-774b-bcce-b302099a8057"
TIME = "2026-03-11T13:45:12.345Z"
DATA: dict[str, dict[str, Any]] = {
    "order.packed": {
        "order_id": "ord_1", "order_number": "SO-1", "packed_at": TIME, "station_id": "st-1",
        "packer_id": "pk_1", "package_count": 1,
        "lines": [{"sku": "MUG-1", "qty": 2, "lot": None, "serials": []}],
    },
    "shipment.created": {
        "order_id": "ord_1", "order_number": "SO-1", "carrier": "DHL", "service": "Paket",
        "tracking_number": "PB000000019DE",
        "tracking_url": "https://www.dhl.de/track?piececode=PB000000019DE",
        "ship_date": "2026-03-11",
        "estimated_delivery": {"earliest": "2026-03-12", "latest": "2026-03-13",
                               "source": "computed"},
        "weight_g": 1234, "dimensions_mm": [300, 200, 150], "package_index": 1,
        "package_count": 1, "sscc": None,
        "contents": [{"sku": "MUG-1", "title": "Mug", "qty": 2}],
        "ship_to": {"city": "Berlin", "postal_code": "10119", "region": None, "country": "DE"},
    },
    "shipment.voided": {"order_id": "ord_1", "tracking_number": "PB000000019DE",
                        "package_index": 1, "reason": "cancelled", "voided_at": TIME},
    "order.exception": {
        "order_id": "ord_1", "order_number": "SO-1", "kind": "damaged", "reason": "crushed",
        "lines": None, "detected_at": TIME, "customer_impact": "delay",
        "revised_estimated_delivery": None,
    },
    "return.received": {"order_id": "ord_1", "return_id": "RMA-1", "received_at": TIME,
                        "lines": [{"sku": "MUG-1", "qty": 1}]},
    "return.inspected": {"order_id": "ord_1", "return_id": "RMA-1", "inspected_at": TIME,
                         "lines": [{"sku": "MUG-1", "qty": 1, "condition": "missing"}],
                         "refund_recommended": False},
}


def event(kind: str, **changes) -> dict[str, Any]:
    body = {
        "specversion": "1.0", "id": EVENT_ID, "source": "urn:packbench:ber:station:st-1",
        "type": f"packbench.{kind}.v1", "subject": "order/ord_1", "time": TIME,
        "datacontenttype": "application/json", "sequence": 1, "stationsequence": 7,
        "data": copy.deepcopy(DATA[kind]),
    }
    return {**body, **changes}


def refused(envelope: dict[str, Any], *fragments: str) -> str:
    with pytest.raises(EventSchemaError) as caught:
        validate_event(envelope)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# ----------------------------------------------------------------- the schema files
def test_one_well_formed_schema_per_event_type():
    assert {f"packbench.{k}.v1" for k in store.EVENT_TYPES} == set(EVENT_TYPES)
    folder = resources.files("resources").joinpath("schemas")
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".schema.json"))
    assert names == sorted(f"{t}.schema.json" for t in EVENT_TYPES)
    for event_type in EVENT_TYPES:
        schema = schema_for(event_type)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["type"] == {"const": event_type}
        assert schema["$defs"]["id"]["pattern"] == payloads.ID_PATTERN


def test_every_schema_shares_one_envelope():
    def envelope_part(event_type: str) -> dict[str, Any]:
        schema = schema_for(event_type)
        for key in ("$id", "title", "description"):
            schema.pop(key)
        schema["properties"].pop("type")
        schema["properties"].pop("data")
        schema["$defs"].pop("data")
        return schema

    first, *rest = (envelope_part(t) for t in EVENT_TYPES)
    assert all(part == first for part in rest)


def test_every_object_forbids_unknown_keys():
    def objects(node: Any):
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    for event_type in EVENT_TYPES:
        for obj in objects(schema_for(event_type)):
            assert obj.get("additionalProperties") is False, (event_type, obj)


def test_schema_for_returns_a_copy():
    schema_for(EVENT_TYPES[0])["properties"].clear()
    assert schema_for(EVENT_TYPES[0])["properties"]


# ----------------------------------------------------------------- valid events
@pytest.mark.parametrize("kind", sorted(DATA))
def test_hand_written_events_are_valid(kind):
    validate_event(event(kind))
    validate_data(f"packbench.{kind}.v1", DATA[kind])


def test_cloudevents_extension_attributes_are_allowed():
    validate_event(event("order.packed", traceparent="00-abc-01", partition=3))
    validate_event(event("order.packed", dataschema="urn:packbench:schema:x"))


def test_events_written_by_the_outbox_are_valid(sessions):
    with sessions.begin() as s:
        rows = [store.enqueue(s, site="ber", station_id="st-1", order_id="ord_1", kind=kind,
                              data=DATA[kind]) for kind in store.EVENT_TYPES]
        bodies = [json.loads(row.body) for row in rows]
    for body in bodies:
        validate_event(body)


# ----------------------------------------------------------------- refused events
def test_a_street_in_ship_to_is_refused():
    bad = event("shipment.created")
    bad["data"]["ship_to"]["street"] = "Schönhauser Allee 10"
    refused(bad, "data.ship_to", "'street' was unexpected")


@pytest.mark.parametrize("key", ["name", "email", "phone", "street", "customer"])
def test_personal_data_anywhere_in_data_is_refused(key):
    for kind in DATA:
        bad = event(kind)
        bad["data"][key] = "Zoë Müller"
        refused(bad, f"'{key}' was unexpected")


def test_personal_data_in_a_line_is_refused():
    bad = event("order.packed")
    bad["data"]["lines"][0]["packer_name"] = "Ana"
    refused(bad, "data.lines[0]", "'packer_name' was unexpected")


def test_a_missing_tracking_number_is_refused():
    bad = event("shipment.created")
    del bad["data"]["tracking_number"]
    refused(bad, "'tracking_number' is a required property")
    with pytest.raises(EventSchemaError, match="data: 'tracking_number' is a required"):
        validate_data("packbench.shipment.created.v1",
                      {k: v for k, v in DATA["shipment.created"].items()
                       if k != "tracking_number"})


@pytest.mark.parametrize("wrong", ["packbench.shipment.create.v1", "packbench.shipment.created.v2",
                                   "shipment.created", "", None, 7])
def test_a_wrong_type_string_is_refused(wrong):
    refused(event("shipment.created", type=wrong), "unknown event type")


def test_data_of_another_type_is_refused():
    message = refused(event("shipment.created", type="packbench.order.packed.v1"),
                      "packbench.order.packed.v1 is invalid")
    assert "'packed_at' is a required property" in message
    with pytest.raises(EventSchemaError, match="unknown event type"):
        validate_data("packbench.order.lost.v1", {})


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"specversion": "0.3"}, "specversion"),
    ({"id": "not-a-uuid"}, "id:"),
    ({"id": "0f7e1f2a-3b4c-4d5e-8f60-718293a4b5c6"}, "id:"),  # UUIDv4, not v7
    ({"source": "station-1"}, "source"),
    ({"subject": "order/ord_2"}, "does not match data.order_id"),
    ({"subject": "parcel/ord_1"}, "subject"),
    ({"time": "2026-03-11T14:45:12+01:00"}, "time"),
    ({"time": "11.03.2026"}, "time"),
    ({"datacontenttype": "text/plain"}, "datacontenttype"),
    ({"sequence": 0}, "sequence"),
    ({"stationsequence": "7"}, "stationsequence"),
    ({"Data": {}}, "'Data' does not match"),
    ({"trace": {"nested": 1}}, "trace"),
])
def test_bad_envelopes_are_refused(changes, fragment):
    refused(event("order.packed", **changes), fragment)


def test_missing_envelope_fields_are_refused():
    bad = event("order.packed")
    del bad["data"]
    refused(bad, "'data' is a required property")
    refused("not an event", "JSON object")  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "path", "value", "fragment"), [
    ("shipment.created", ("ship_date",), "2026-3-1", "data.ship_date"),
    ("shipment.created", ("ship_date",), "2026-02-30", "data.ship_date"),
    ("shipment.created", ("weight_g",), 0, "data.weight_g"),
    ("shipment.created", ("dimensions_mm",), [1, 2], "data.dimensions_mm"),
    ("shipment.created", ("sscc",), "12345", "data.sscc"),
    ("shipment.created", ("tracking_url",), "javascript:alert(1)", "data.tracking_url"),
    ("shipment.created", ("ship_to", "country"), "Germany", "data.ship_to.country"),
    ("shipment.created", ("estimated_delivery", "source"), "guess", "source"),
    ("shipment.created", ("contents",), [], "data.contents"),
    ("shipment.created", ("package_index",), 0, "data.package_index"),
    ("order.packed", ("lines", 0, "qty"), 0, "data.lines[0].qty"),
    ("order.packed", ("lines", 0, "serials"), ["S1", "S1"], "data.lines[0].serials"),
    ("order.packed", ("order_id",), " ord_1", "data.order_id"),
    ("order.exception", ("kind",), "lost", "data.kind"),
    ("order.exception", ("customer_impact",), "maybe", "data.customer_impact"),
    ("return.inspected", ("lines", 0, "condition"), "used", "data.lines[0].condition"),
    ("return.inspected", ("refund_recommended",), "yes", "data.refund_recommended"),
    ("shipment.voided", ("reason",), "   ", "data.reason"),
])
def test_bad_data_fields_are_refused_by_path(kind, path, value, fragment):
    bad = event(kind)
    node = bad["data"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    refused(bad, fragment)


def test_no_new_date_without_a_customer_impact():
    bad = event("order.exception")
    bad["data"]["customer_impact"] = "none"
    bad["data"]["revised_estimated_delivery"] = {
        "earliest": "2026-03-16", "latest": "2026-03-17", "source": "computed"}
    refused(bad, "data.revised_estimated_delivery")
    bad["data"]["customer_impact"] = "delay"
    validate_event(bad)


def test_the_error_lists_every_problem_and_is_a_value_error():
    bad = event("shipment.created")
    bad["data"]["ship_to"]["street"] = "x"
    bad["data"]["weight_g"] = -1
    with pytest.raises(ValueError) as caught:
        validate_event(bad)
    assert isinstance(caught.value, EventSchemaError)
    assert caught.value.event_type == "packbench.shipment.created.v1"
    assert len(caught.value.errors) == 2


def test_the_catalogue_examples_are_valid():
    text = DOCS.read_text(encoding="utf-8")
    heading = None
    checked = set()
    for part in re.split(r"^(## .*)$", text, flags=re.M):
        if part.startswith("## "):
            heading = part
            continue
        for block in re.findall(r"```json\n(.*?)```", part, flags=re.S):
            example = json.loads(block)
            if "specversion" in example:
                validate_event(example)
                checked.add(example["type"])
            else:
                event_type = re.search(r"`(packbench\.[a-z.]+\.v1)`", heading)[1]
                validate_data(event_type, example)
                checked.add(event_type)
                assert set(example) == set(schema_for(event_type)["$defs"]["data"]["required"])
    assert checked == set(EVENT_TYPES)
