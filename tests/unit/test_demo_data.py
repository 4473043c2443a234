"""The committed demo data is what the generator makes, and it is consistent and importable."""

import json
import re
from pathlib import Path

import pytest

from station.app.demo_data import generate_demo_data, write_demo_data
from station.domain.barcodes import gtin14
from sync.importing.records import BoxTypeRecord, OrderRecord, ProductRecord

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
POSTAL = {
    "DE": r"\d{5}", "ES": r"\d{5}", "FR": r"\d{5}", "US": r"\d{5}",
    "NL": r"\d{4} [A-Z]{2}", "GB": r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",
}


@pytest.fixture(scope="module")
def data():
    return generate_demo_data()


def test_committed_files_are_exactly_what_the_generator_writes(tmp_path):
    written = write_demo_data(tmp_path)

    assert [p.name for p in written] == ["products.jsonl", "orders.jsonl", "boxes.json",
                                         "packers.json"]
    for path in written:
        assert (DEMO / path.name).read_bytes() == path.read_bytes(), (
            f"resources/demo/{path.name} is stale: run "
            "`python -m station.app.demo_data resources/demo`"
        )


def test_same_seed_same_data_other_seed_other_data(data):
    assert generate_demo_data(7) == data
    assert generate_demo_data(8).products != data.products


def test_every_record_matches_the_import_format(data):
    for product in data.products:
        ProductRecord.model_validate(product)
    for order in data.orders:
        OrderRecord.model_validate(order)
    for box in data.boxes:
        BoxTypeRecord.model_validate(box)


def test_catalogue_barcodes_are_valid_and_unique(data):
    owner: dict[str, str] = {}
    lengths = []
    for product in data.products:
        for code in product["barcodes"]:
            if code.isdigit():
                key = gtin14(code)
                assert key is not None, f"{product['sku']}: bad check digit in {code}"
                assert key.startswith(("04012345", "00614141")), code  # fictitious prefixes
                lengths.append(len(code))
            else:
                key = code
                assert code.startswith("ALIAS-"), code
            assert owner.setdefault(key, product["sku"]) == product["sku"], f"{code} twice"
    assert set(lengths) == {12, 13}  # EAN-13 and some UPC-A
    assert any(not code.isdigit() for p in data.products for code in p["barcodes"])


def test_catalogue_is_large_and_flags_follow_categories(data):
    products = data.products
    assert len(products) >= 250
    assert len({p["sku"] for p in products}) == len(products)
    assert len({p["title"] for p in products}) == len(products)
    for p in products:
        assert p["unit_weight_g"] > 0 and all(d > 0 for d in p["dimensions_mm"])
        assert p["requires_lot"] == (p["category"] in ("Cosmetics", "Supplements"))
        assert p["requires_serial"] == (p["category"] == "Electronics")
    fragile = [p["title"] for p in products if p["fragile"]]
    assert fragile and any("Glass" in title for title in fragile)


def test_orders_reference_the_catalogue_and_cover_the_cases(data):
    by_sku = {p["sku"]: p for p in data.products}
    orders = data.orders
    assert len(orders) >= 60
    assert len({o["order_id"] for o in orders}) == len(orders)
    assert len({o["order_number"] for o in orders}) == len(orders)
    totes = [o["tote_id"] for o in orders if "tote_id" in o]
    assert totes and len(set(totes)) == len(totes)
    for order in orders:
        assert 1 <= len(order["lines"]) <= 6
        assert len({ln["sku"] for ln in order["lines"]}) == len(order["lines"])
        for line in order["lines"]:
            assert line["sku"] in by_sku, f"{order['order_number']}: unknown {line['sku']}"
            assert 1 <= line["qty"] <= 3
            assert "lot" not in line or by_sku[line["sku"]]["requires_lot"]
        ship_to = order["ship_to"]
        assert re.fullmatch(POSTAL[ship_to["country"]], ship_to["postal_code"]), ship_to
        if "insert" in order:
            number = order["order_number"]
            assert order["customer"]["first_name"] in order["insert"]["message"]
            assert order["insert"]["review_url"] == f"https://shop.example/review/{number}"
            assert order["insert"]["returns_url"] == f"https://shop.example/returns/{number}"

    def skus_with(flag):
        return [o for o in orders if any(by_sku[ln["sku"]][flag] for ln in o["lines"])]

    assert sum(len(o["lines"]) > 1 for o in orders) >= 10
    assert len(skus_with("requires_lot")) >= 5
    assert len(skus_with("requires_serial")) >= 5
    assert any("lot" in ln for o in orders for ln in o["lines"])
    assert {o["ship_to"]["country"] for o in orders} == set(POSTAL)


def test_demo_badges_exist(data):
    # `packbench demo` tells people to log in with these two badges.
    roles = {p["badge_id"]: p["role"] for p in data.packers}
    assert roles["1001"] == "packer" and roles["9001"] == "supervisor"
    assert json.loads((DEMO / "packers.json").read_text(encoding="utf-8")) == data.packers
