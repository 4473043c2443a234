"""Imports report their progress in chunks and stop, writing nothing, when cancelled."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station.app.work import Cancelled, CancelToken, Progress, import_job
from station.data.models import Order, OrderLine, Product, ProductBarcode
from sync.importing import import_box_types, import_orders, import_products

EXAMPLES = Path(__file__).resolve().parents[2] / "resources/examples"
ORDER_HEADER = next(csv.reader([(EXAMPLES / "orders.csv").read_text("utf-8").splitlines()[0]]))
SKUS = 50


def products_csv(folder: Path, n: int = SKUS) -> Path:
    """Write a products CSV of `n` SKUs (SKU-0 ...)."""
    path = folder / "products.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["sku", "title", "barcodes", "unit_weight_g"])
        for i in range(n):
            out.writerow([f"SKU-{i}", f"Article {i}", f"ALIAS-{i}", 10 + i])
    return path


def orders_csv(folder: Path, lines: int, *, name: str = "orders.csv", per_order: int = 4,
               qty: int = 1) -> Path:
    """Write an orders CSV of `lines` order lines, `per_order` lines to an order."""
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(ORDER_HEADER)
        for i in range(lines):
            order = i // per_order
            row = dict.fromkeys(ORDER_HEADER, "") | {
                "order_id": f"ord_{order}", "order_number": f"SO-{order}",
                "customer_first_name": "Ana", "customer_last_name": "Lima",
                "customer_email": "ana@example.com", "ship_to_name": "Ana Lima",
                "ship_to_street": "Rua 1", "ship_to_city": "Porto", "ship_to_postal_code": "4000",
                "ship_to_country": "PT", "carrier": "CTT", "service": "Expresso",
                "line_id": str(i % per_order), "sku": f"SKU-{i % SKUS}", "qty": str(qty),
            }
            out.writerow([row[column] for column in ORDER_HEADER])
    return path


def snapshot(sessions) -> dict:
    """Return every order and line as stored, to prove nothing changed."""
    with sessions() as s:
        return {
            "orders": sorted(s.execute(select(Order.id, Order.order_id, Order.content_hash,
                                              Order.imported_at)).all()),
            "lines": sorted(s.execute(select(OrderLine.id, OrderLine.order_pk,
                                             OrderLine.line_id, OrderLine.qty)).all()),
        }


def phases(seen: list[tuple[int, int, str]]) -> list[str]:
    return [phase for phase, _ in itertools.groupby(p for _, _, p in seen)]


@pytest.fixture
def catalogue(sessions, tmp_path):
    import_products(sessions, products_csv(tmp_path))
    return sessions


def test_a_large_csv_reports_rising_progress_in_chunks(catalogue, tmp_path):
    path = orders_csv(tmp_path, 20_000)
    seen: list[tuple[int, int, str]] = []
    result = import_orders(catalogue, path, report=lambda *step: seen.append(step))
    assert (result.created, result.records) == (5000, 5000)
    assert phases(seen) == ["reading", "checking", "writing"]
    size = path.stat().st_size
    for name, total in (("reading", size), ("checking", 20_000), ("writing", 20_000)):
        steps = [(done, t) for done, t, phase in seen if phase == name]
        assert {t for _, t in steps} == {total}, name
        done = [d for d, _ in steps]
        assert done == sorted(done) and done[0] == 0 and done[-1] == total, name
        assert any(0 < d < total for d in done), f"{name} has no step in between"
    # Chunks, not rows: a bar needs a few dozen steps, not 60,000.
    assert len(seen) < 100
    assert seen[-1] == (20_000, 20_000, "writing")


@pytest.mark.parametrize(("importer", "name", "rows"), [
    (import_products, "products.json", 6),
    (import_products, "products.csv", 6),
    (import_box_types, "boxes.json", 4),
    (import_orders, "orders.jsonl", 3),
    (import_orders, "orders.csv", 6),
])
def test_every_import_reports_its_phases(sessions, importer, name, rows):
    import_products(sessions, EXAMPLES / "products.json")
    seen: list[tuple[int, int, str]] = []
    bytes_read: list[int] = []
    importer(sessions, EXAMPLES / name, progress=bytes_read.append,
             report=lambda *step: seen.append(step))
    assert phases(seen) == ["reading", "checking", "writing"]
    assert seen[-1] == (rows, rows, "writing")
    # The byte callback works as before, beside the new one.
    assert bytes_read and bytes_read[-1] == (EXAMPLES / name).stat().st_size


def first_write(progress: Progress) -> bool:
    return progress.phase == "writing" and 0 < progress.done < progress.total


def last_report(progress: Progress) -> bool:
    return progress.phase == "writing" and progress.done == progress.total


def while_reading(progress: Progress) -> bool:
    return progress.phase == "reading" and progress.done > 0


@pytest.mark.parametrize("when", [while_reading, first_write, last_report])
def test_a_cancelled_import_leaves_the_database_unchanged(catalogue, tmp_path, when):
    import_orders(catalogue, orders_csv(tmp_path, 2_000, name="first.csv"))
    before = snapshot(catalogue)
    # The same orders with other quantities (updates) and 18,000 lines more (new orders).
    path = orders_csv(tmp_path, 20_000, qty=2)
    token = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        if when(p):
            token.cancel()

    with pytest.raises(Cancelled):
        import_job(catalogue, "orders", path)(progress, token)
    assert token.cancelled and when(seen[-1])
    assert snapshot(catalogue) == before
    # Not cancelled, the same import goes through: the cancel was what stopped it.
    result = import_job(catalogue, "orders", path)(lambda p: None, CancelToken())
    assert (result.created, result.updated) == (4500, 500)


def test_a_cancelled_product_import_writes_no_product_or_barcode(sessions, tmp_path):
    path = tmp_path / "products.jsonl"
    path.write_text("".join(json.dumps({"sku": f"P-{i}", "title": "x", "unit_weight_g": 5,
                                        "barcodes": [f"P-{i}-CODE"]}) + "\n"
                            for i in range(5000)), encoding="utf-8")
    token = CancelToken()

    def progress(p: Progress) -> None:
        if first_write(p):
            token.cancel()

    with pytest.raises(Cancelled):
        import_job(sessions, "products", path)(progress, token)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 0
        assert s.scalar(select(func.count()).select_from(ProductBarcode)) == 0
