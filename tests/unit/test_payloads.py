"""Event payloads: built from typed inputs, always valid against their schema, no personal data."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
import uuid6
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.domain.barcodes import gs1_check_digit
from station.domain.edd import EddPolicy, ServiceRule, estimate
from sync import payload_checks as checks
from sync import payloads as p
from sync.schemas import validate_event

AT = datetime(2026, 3, 11, 13, 45, 12, 345678, tzinfo=UTC)
DHL_URL = "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={tracking}"
FULL_ADDRESS = {
    "name": "Zoë Müller", "company": "Müller Kaffeerösterei", "street": "Schönhauser Allee 10",
    "street2": "Hinterhaus, 3. OG", "city": "Berlin", "postal_code": "10119", "region": "",
    "country": "de", "phone": "+49 30 1234567", "email": "zoe.mueller@example.com",
}


def envelope(kind: str, data: dict[str, Any], *, site: str = "ber", station: str = "st-1",
             sequence: int = 1, station_sequence: int = 1) -> dict[str, Any]:
    """Wrap data as sync/outbox/store.py does, through the same JSON encoding."""
    body = {
        "specversion": "1.0", "id": str(uuid6.uuid7()),
        "source": f"urn:packbench:{site}:station:{station}", "type": f"packbench.{kind}.v1",
        "subject": f"order/{data['order_id']}",
        "time": AT.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "datacontenttype": "application/json", "sequence": sequence,
        "stationsequence": station_sequence, "data": data,
    }
    return json.loads(json.dumps(body, ensure_ascii=False, separators=(",", ":"),
                                 sort_keys=True))


def created(**changes) -> dict[str, Any]:
    values = {
        "order_id": "ord_1001", "order_number": "SO-1001", "carrier": "DHL", "service": "Paket",
        "tracking_number": "00340434161234567890", "tracking_url_template": DHL_URL,
        "ship_date": date(2026, 3, 11),
        "estimated_delivery": p.Estimate(earliest=date(2026, 3, 12), latest=date(2026, 3, 13)),
        "weight_g": 1234.5, "dimensions_mm": [300, 200, 150.5], "package_index": 1,
        "package_count": 2, "sscc": "340123450000000017",
        "contents": [p.ContentLine(sku="MUG-1", title="Becher „Berlin“", qty=2)],
        "ship_to": p.Place.from_address(FULL_ADDRESS),
    }
    return p.shipment_created(**{**values, **changes})


def packed(**changes) -> dict[str, Any]:
    values = {
        "order_id": "ord_1001", "order_number": "SO-1001", "packed_at": AT,
        "station_id": "st-1", "packer_id": "pk_7f3a", "package_count": 1,
        "lines": [p.PackedLine(sku="MUG-1", qty=2),
                  p.PackedLine(sku="VIT-1", qty=1, lot="L230710"),
                  p.PackedLine(sku="PHN-1", qty=2, serials=["SN1", "SN2"])],
    }
    return p.order_packed(**{**values, **changes})


def voided(**changes) -> dict[str, Any]:
    values = {"order_id": "ord_1001", "tracking_number": "PB000000019DE", "package_index": 1,
              "reason": "pack cancelled", "voided_at": AT}
    return p.shipment_voided(**{**values, **changes})


def exception(**changes) -> dict[str, Any]:
    values = {
        "order_id": "ord_1001", "order_number": "SO-1001", "kind": "short_pick",
        "reason": "2 of 3 found in the tote", "detected_at": AT, "customer_impact": "delay",
        "lines": [p.MissingLine(sku="MUG-1", qty_missing=1)],
        "revised_estimated_delivery": p.Estimate(earliest=date(2026, 3, 16),
                                                 latest=date(2026, 3, 17)),
    }
    return p.order_exception(**{**values, **changes})


def received(**changes) -> dict[str, Any]:
    values = {"order_id": "ord_1001", "return_id": "RMA-77", "received_at": AT,
              "lines": [p.ReturnLine(sku="MUG-1", qty=2)]}
    return p.return_received(**{**values, **changes})


def inspected(**changes) -> dict[str, Any]:
    values = {"order_id": "ord_1001", "return_id": "RMA-77", "inspected_at": AT,
              "lines": [p.InspectedLine(sku="MUG-1", qty=1, condition="resellable"),
                        p.InspectedLine(sku="MUG-1", qty=1, condition="damaged")],
              "refund_recommended": True}
    return p.return_inspected(**{**values, **changes})


SAMPLES = {"shipment.created": created, "order.packed": packed, "shipment.voided": voided,
           "order.exception": exception, "return.received": received,
           "return.inspected": inspected}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_payload_is_valid_inside_its_envelope(kind):
    validate_event(envelope(kind, SAMPLES[kind]()))


def test_shipment_created_fields():
    data = created()
    assert data["tracking_url"] == DHL_URL.replace("{tracking}", "00340434161234567890")
    assert data["ship_date"] == "2026-03-11"
    assert data["estimated_delivery"] == {"earliest": "2026-03-12", "latest": "2026-03-13",
                                          "source": "computed"}
    assert data["ship_to"] == {"city": "Berlin", "postal_code": "10119", "region": None,
                               "country": "DE"}
    assert data["contents"] == [{"sku": "MUG-1", "title": "Becher „Berlin“", "qty": 2}]
    none = created(tracking_url_template=None, estimated_delivery=None, dimensions_mm=None,
                   sscc=None)
    assert [none[k] for k in ("tracking_url", "estimated_delivery", "dimensions_mm", "sscc")] == [
        None] * 4
    validate_event(envelope("shipment.created", none))


def test_an_edd_from_the_domain_is_accepted_as_is():
    policy = EddPolicy(origin_country="DE", timezone="Europe/Berlin", cutoff=time(14),
                       services={("DHL", "Paket"): ServiceRule({"*": (1, 2)})})
    edd = estimate(AT, policy, "DHL", "Paket", "DE")
    data = created(ship_date=edd.ship_date, estimated_delivery=edd)
    # 13:45 UTC is 14:45 in Berlin, after the cutoff: it ships on Thursday.
    assert data["ship_date"] == "2026-03-12"
    assert data["estimated_delivery"] == {"earliest": "2026-03-13", "latest": "2026-03-16",
                                          "source": "computed"}


def test_no_personal_data_leaves_the_station():
    text = json.dumps(envelope("shipment.created", created()), ensure_ascii=False)
    for key in ("name", "company", "street", "street2", "phone", "email"):
        assert FULL_ADDRESS[key] not in text, key
        assert f'"{key}"' not in text, key
    assert "Zoë" not in text and "Schönhauser" not in text and "@" not in text
    assert set(p.Place.from_address(FULL_ADDRESS).__dict__) == {
        "city", "country", "postal_code", "region"}


def test_tracking_url_templates():
    assert p.fill_tracking_url("https://t.example/{tracking}?zip={postal_code}&c={country}",
                               tracking="AB 1/2", postal_code="10119", country="DE") == (
        "https://t.example/AB%201%2F2?zip=10119&c=DE")
    data = created(tracking_url_template="https://www.ups.com/track?tracknum={tracking}",
                   tracking_number="1Z999AA10123456784")
    assert data["tracking_url"] == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    for bad, message in [("https://x.example/{tracking_number}", "unknown field"),
                         ("https://x.example/{tracking!r}", "unknown field"),
                         ("https://x.example/{tracking:>20}", "unknown field"),
                         ("https://x.example/track", "no {tracking}"),
                         ("ftp://x.example/{tracking}", "http"),
                         ("https://x.example/{tracking", "tracking URL template")]:
        with pytest.raises(p.PayloadError, match=message):
            p.check_tracking_url_template(bad)
        with pytest.raises(p.PayloadError, match="tracking_url_template"):
            created(tracking_url_template=bad)


def test_datetimes_are_utc_with_milliseconds():
    berlin = datetime(2026, 7, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert packed(packed_at=berlin)["packed_at"] == "2026-06-30T22:30:00.000Z"
    assert voided()["voided_at"] == "2026-03-11T13:45:12.345Z"


@pytest.mark.parametrize(("build", "changes", "message"), [
    (created, {"order_id": ""}, "shipment.created: order_id: must be a non-empty string"),
    (created, {"order_id": " ord"}, "surrounding spaces"),
    (created, {"order_id": "o\n1"}, "control characters"),
    (created, {"order_id": "x" * 65}, "longer than 64"),
    (created, {"order_id": "o\udcff"}, "not valid Unicode"),
    (created, {"package_index": 3}, "package_index: 3 is beyond package_count 2"),
    (created, {"package_count": 0}, "package_count"),
    (created, {"weight_g": 0}, "weight_g"),
    (created, {"weight_g": float("nan")}, "weight_g"),
    (created, {"weight_g": True}, "weight_g"),
    (created, {"dimensions_mm": [1, 2]}, "dimensions_mm"),
    (created, {"dimensions_mm": [1, 2, -3]}, r"dimensions_mm\[2\]"),
    (created, {"sscc": "340123450000000018"}, "check digit"),
    (created, {"sscc": "34012345"}, "18 digits"),
    (created, {"ship_date": datetime(2026, 3, 11, tzinfo=UTC)}, "not a datetime"),
    (created, {"ship_date": "2026-03-11"}, "ship_date"),
    (created, {"contents": []}, "contents: must be a non-empty list"),
    (created, {"contents": [p.ContentLine(sku="A", title="", qty=0)]},
     r"contents\[0\]\.qty"),
    (created, {"contents": [p.ReturnLine(sku="A", qty=1)]}, "must be a ContentLine"),
    (created, {"ship_to": FULL_ADDRESS}, "must be a Place"),
    (created, {"ship_to": p.Place(city="Berlin", country="Germany")}, "ship_to.country"),
    (created, {"ship_to": p.Place(city=" ", country="DE")}, "ship_to.city"),
    (created, {"estimated_delivery": p.Estimate(earliest=date(2026, 3, 13),
                                                latest=date(2026, 3, 12))}, "before earliest"),
    (created, {"estimated_delivery": p.Estimate(earliest=date(2026, 3, 13),
                                                latest=date(2026, 3, 13), source="guess")},
     "estimated_delivery.source"),
    (packed, {"packed_at": datetime(2026, 3, 11, 12)}, "packed_at: must be a timezone-aware"),
    (packed, {"lines": [p.PackedLine(sku="A", qty=2, serials=["S1"])]}, "1 serial numbers"),
    (packed, {"lines": [p.PackedLine(sku="A", qty=2, serials=["S1", "S1"])]}, "twice"),
    (packed, {"lines": [p.PackedLine(sku="A", qty=1, serials="S1")]}, "list of serial"),
    (packed, {"lines": [p.PackedLine(sku="A", qty=1, lot="")]}, r"lines\[0\]\.lot"),
    (voided, {"reason": "  "}, "reason: must not be empty"),
    (voided, {"reason": "x" * 501}, "longer than 500"),
    (exception, {"kind": "lost"}, "kind: 'lost' is not one of"),
    (exception, {"customer_impact": "maybe"}, "customer_impact"),
    (exception, {"customer_impact": "none"}, "customer_impact is 'none'"),
    (exception, {"lines": []}, "lines: must be a non-empty list"),
    (inspected, {"lines": [p.InspectedLine(sku="A", qty=1, condition="used")]}, "condition"),
    (inspected, {"refund_recommended": "yes"}, "refund_recommended"),
    (received, {"lines": "MUG-1"}, "lines: must be a non-empty list"),
])
def test_bad_inputs_are_refused_by_name(build, changes, message):
    with pytest.raises(p.PayloadError, match=message):
        build(**changes)


def test_an_exception_without_known_lines_or_new_date():
    data = exception(lines=None, revised_estimated_delivery=None, customer_impact="none",
                     kind="hold")
    assert (data["lines"], data["revised_estimated_delivery"]) == (None, None)
    validate_event(envelope("order.exception", data))


# ----------------------------------------------------------------- properties
ids = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=64).filter(
    lambda s: checks._ID.match(s) is not None)
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)
reasons = texts.filter(lambda s: s.strip() != "")
qtys = st.integers(1, checks.MAX_QTY)
days = st.dates(date(2000, 1, 1), date(2100, 12, 31))
moments = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.timezones())
grams = st.floats(0, checks.MAX_WEIGHT_G, exclude_min=True, allow_nan=False) | st.integers(
    1, checks.MAX_WEIGHT_G)
sides = st.floats(0, checks.MAX_DIMENSION_MM, exclude_min=True) | st.integers(
    1, checks.MAX_DIMENSION_MM)
digits17 = st.text("0123456789", min_size=17, max_size=17)
ssccs = st.none() | digits17.map(lambda d: d + str(gs1_check_digit(d)))
windows = st.none() | st.builds(
    lambda a, n, s: p.Estimate(earliest=a, latest=a + timedelta(days=n), source=s),
    days, st.integers(0, 30), st.sampled_from(checks.ESTIMATE_SOURCES))
optional_text = st.none() | reasons.map(lambda s: s[:20])
places = st.builds(p.Place, city=reasons.map(lambda s: s[:100]),
                   country=st.from_regex(r"[A-Z]{2}", fullmatch=True),
                   postal_code=optional_text, region=optional_text)
templates = st.sampled_from([None, "", DHL_URL, "https://t.example/{country}/{tracking}",
                             "http://t.example/?p={postal_code}&t={tracking}"])


@st.composite
def created_inputs(draw) -> dict[str, Any]:
    count = draw(st.integers(1, checks.MAX_PACKAGES))
    return {
        "order_id": draw(ids), "order_number": draw(ids), "carrier": draw(ids),
        "service": draw(ids), "tracking_number": draw(ids),
        "tracking_url_template": draw(templates), "ship_date": draw(days),
        "estimated_delivery": draw(windows), "weight_g": draw(grams),
        "dimensions_mm": draw(st.none() | st.lists(sides, min_size=3, max_size=3)),
        "package_index": draw(st.integers(1, count)), "package_count": count,
        "sscc": draw(ssccs), "ship_to": draw(places),
        "contents": draw(st.lists(st.builds(p.ContentLine, sku=ids, title=texts, qty=qtys),
                                  min_size=1, max_size=4)),
    }


@st.composite
def packed_line(draw) -> p.PackedLine:
    qty = draw(st.integers(1, 4))
    serials = draw(st.just([]) | st.lists(ids, min_size=qty, max_size=qty, unique=True))
    return p.PackedLine(sku=draw(ids), qty=qty, lot=draw(st.none() | ids), serials=serials)


INPUTS = {
    "shipment.created": (p.shipment_created, created_inputs()),
    "order.packed": (p.order_packed, st.fixed_dictionaries({
        "order_id": ids, "order_number": ids, "packed_at": moments, "station_id": ids,
        "packer_id": ids, "package_count": st.integers(1, checks.MAX_PACKAGES),
        "lines": st.lists(packed_line(), min_size=1, max_size=4)})),
    "shipment.voided": (p.shipment_voided, st.fixed_dictionaries({
        "order_id": ids, "tracking_number": ids, "package_index": st.integers(1, 999),
        "reason": reasons, "voided_at": moments})),
    "order.exception": (p.order_exception, st.fixed_dictionaries({
        "order_id": ids, "order_number": ids, "kind": st.sampled_from(checks.EXCEPTION_KINDS),
        "reason": reasons, "detected_at": moments, "customer_impact": st.just("delay"),
        "lines": st.none() | st.lists(st.builds(p.MissingLine, sku=ids, qty_missing=qtys),
                                      min_size=1, max_size=3),
        "revised_estimated_delivery": windows})),
    "return.received": (p.return_received, st.fixed_dictionaries({
        "order_id": ids, "return_id": ids, "received_at": moments,
        "lines": st.lists(st.builds(p.ReturnLine, sku=ids, qty=qtys), min_size=1,
                          max_size=3)})),
    "return.inspected": (p.return_inspected, st.fixed_dictionaries({
        "order_id": ids, "return_id": ids, "inspected_at": moments,
        "refund_recommended": st.booleans(),
        "lines": st.lists(st.builds(p.InspectedLine, sku=ids, qty=qtys,
                                    condition=st.sampled_from(checks.CONDITIONS)),
                          min_size=1, max_size=3)})),
}
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_any_valid_input_builds_a_schema_valid_event(kind):
    build, inputs = INPUTS[kind]

    @PROPERTY
    @given(inputs)
    def check(values):
        validate_event(envelope(kind, build(**values)))

    check()


junk = (st.none() | st.booleans() | st.integers(-3, 10**7) | st.floats() | st.text(max_size=80)
        | days | st.lists(st.integers(), max_size=3) | st.just(p.Place(city="B", country="DE")))


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_one_bad_field_is_a_payload_error_or_still_valid(kind):
    build, inputs = INPUTS[kind]

    @PROPERTY
    @given(inputs, st.data())
    def check(values, data):
        field = data.draw(st.sampled_from(sorted(values)))
        values = {**values, field: data.draw(junk)}
        try:
            built = build(**values)
        except p.PayloadError:
            return
        validate_event(envelope(kind, built))

    check()


def test_builders_do_not_keep_references_to_inputs():
    lines = [p.PackedLine(sku="PHN-1", qty=1, serials=["SN1"])]
    data = packed(lines=lines)
    lines[0] = replace(lines[0], sku="OTHER")
    assert data["lines"][0]["sku"] == "PHN-1"
    assert isinstance(data["lines"][0]["serials"], list)
