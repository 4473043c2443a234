"""Print inserts on the ESC/POS simulator over TCP with the real driver and read them back.

Demo orders (customer, message, lines joined to the demo catalogue for titles and
categories) are rendered for 58 mm and 80 mm paper, sent with `EscPosPrinter.print_job` to
`SimEscPosPrinter`, and read from what the printer received: the raster QR codes (GS v 0)
are decoded with zxing-cpp back to the exact review and returns URLs, and the job text must
hold the first name, the order number, every line's quantity and title, and the care tips.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp

from drivers.receipt_printer import EscPosPrinter
from drivers.receipt_printer.escpos_lib import PICKLE_DIR_ENV
from drivers.receipt_printer.raster import with_quiet_zone
from drivers.sim.escpos import SimEscPosPrinter
from station.printing.care_tips import default_care_tips
from station.printing.insert import InsertData, InsertLine, render_insert

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo"
RETURNS_TEMPLATE = "https://shop.example/returns/{order_number}?name={first_name}"
# GB, DE (Schäfer, "für"), FR ("Léa"): the returns URL each must scan to, exactly.
RETURNS_URLS = {
    "SO-100106": "https://shop.example/returns/SO-100106?name=Oliver",
    "SO-100113": "https://shop.example/returns/SO-100113?name=Clara",
    "SO-100118": "https://shop.example/returns/SO-100118?name=L%C3%A9a",
}


@pytest.fixture(scope="module", autouse=True)
def _escpos_cache(tmp_path_factory):
    os.environ.setdefault(PICKLE_DIR_ENV, str(tmp_path_factory.mktemp("escpos")))


@pytest.fixture(scope="module")
def demo():
    products = {p["sku"]: p for p in _jsonl(DEMO / "products.jsonl")}
    orders = {o["order_number"]: o for o in _jsonl(DEMO / "orders.jsonl")}
    return products, orders


@pytest.fixture
def sim():
    with SimEscPosPrinter("tcp", idle_gap_s=None) as s:
        yield s


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _insert_data(order: dict, products: dict, *, drop_returns_url: bool) -> InsertData:
    lines = [InsertLine(sku=line["sku"], title=products[line["sku"]]["title"], qty=line["qty"],
                        lot=line.get("lot") or "") for line in order["lines"]]
    insert = order.get("insert") or {}
    return InsertData(
        order_number=order["order_number"], order_id=order["order_id"],
        customer_first_name=order["customer"]["first_name"], lines=lines,
        message=insert.get("message", ""), review_url=insert.get("review_url", ""),
        # Left out, so the returns URL comes from the template, with the name encoded.
        returns_url="" if drop_returns_url else insert.get("returns_url", ""),
        categories=[products[line["sku"]]["category"] for line in order["lines"]],
        station_id="ST-07", packer_name="Zoë",
        packed_at=datetime(2025, 3, 14, 16, 5, tzinfo=UTC),
    )


def _print_and_capture(sim: SimEscPosPrinter, job: bytes, profile: str):
    with EscPosPrinter(sim.url, profile=profile, timeout_s=2.0) as printer:
        printer.print_job(job)
    assert sim.wait_for_jobs(1, 5)
    [received] = sim.jobs
    return received


@pytest.mark.parametrize("profile", ["58mm", "80mm"])
@pytest.mark.parametrize("number", sorted(RETURNS_URLS))
def test_insert_prints_and_reads_back(sim, demo, number, profile):
    products, orders = demo
    data = _insert_data(orders[number], products, drop_returns_url=True)
    job = render_insert(data, profile=profile, returns_url_template=RETURNS_TEMPLATE)
    received = _print_and_capture(sim, job, profile)
    assert received.raw == job
    assert (received.ended_by, received.unknown) == ("cut", [])

    decoded = [[r.text for r in zxingcpp.read_barcodes(with_quiet_zone(image))]
               for image in received.images]
    assert decoded == [[data.review_url], [RETURNS_URLS[number]]]
    assert all(image.width == {"58mm": 384, "80mm": 576}[profile] for image in received.images)

    flat = "".join(received.text.split())
    assert f"Thankyou,{data.customer_first_name}!" in flat
    assert "".join(data.message.split()) in flat
    assert f"Order{data.order_number}" in flat
    for line in data.lines:
        assert "".join(f"{line.qty} x {line.title}".split()) in flat
    tips = default_care_tips().choose(data.categories, 3)
    assert tips
    for tip in tips:
        assert "".join(tip.split()) in flat
    assert "PackedbyZoëatST-07" in flat and "2025-03-1416:05" in flat
