"""File import of products, orders and box types, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from station.data.models import BoxType, Order, OrderLine, Product, ProductBarcode, ScanEvent
from station.domain.barcodes import gs1_check_digit
from sync.importing import (
    ImportFailed,
    ImportIssue,
    import_box_types,
    import_orders,
    import_products,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "resources/examples"
PRODUCTS = json.loads((EXAMPLES / "products.json").read_text(encoding="utf-8"))
ORDERS = json.loads((EXAMPLES / "orders.json").read_text(encoding="utf-8"))


def write(folder: Path, name: str, content: str | list | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, list):
        if name.endswith(".jsonl"):
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in content),
                            encoding="utf-8")
        else:
            path.write_text(json.dumps(content, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(content, encoding="utf-8")
    return path


def count(sessions, model) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def snapshot(sessions) -> dict:
    """Return every imported row, to prove a re-import changed nothing."""
    with sessions() as s:
        return {
            model.__tablename__: sorted(
                tuple(getattr(row, c.key) for c in model.__table__.columns)
                for row in s.scalars(select(model))
            ) if model is not Order else sorted(
                (o.id, o.order_id, o.content_hash, o.imported_at, json.dumps(o.ship_to))
                for o in s.scalars(select(Order))
            )
            for model in (Product, ProductBarcode, Order, OrderLine, BoxType)
        }


def failure(importer, sessions, path: Path) -> list[str]:
    """Return the issues, as text, of an import that must fail."""
    with pytest.raises(ImportFailed) as info:
        importer(sessions, path)
    return [str(issue) for issue in info.value.errors]


def ean13(n: int) -> str:
    payload = f"200{n:09d}"
    return payload + str(gs1_check_digit(payload))


@pytest.fixture
def catalogue(sessions):
    """Return `sessions` on a database holding the example products and box types."""
    import_products(sessions, EXAMPLES / "products.json")
    import_box_types(sessions, EXAMPLES / "boxes.json")
    return sessions


# ------------------------------------------------------------------------ examples
def test_every_example_file_imports(sessions):
    r = import_products(sessions, EXAMPLES / "products.json")
    assert (r.created, r.updated, r.unchanged, r.records) == (6, 0, 0, 6)
    assert import_products(sessions, EXAMPLES / "products.csv").unchanged == 6
    assert import_box_types(sessions, EXAMPLES / "boxes.json").created == 4
    assert import_orders(sessions, EXAMPLES / "orders.json").created == 3
    # The same orders in the other formats hash the same, so they are unchanged.
    assert import_orders(sessions, EXAMPLES / "orders.jsonl").unchanged == 3
    assert import_orders(sessions, EXAMPLES / "orders.csv").unchanged == 3
    with sessions() as s:
        book = s.scalars(select(Product).where(Product.sku == "BOOK-1")).one()
        assert book.title == "Café au lait — Erzählungen"
        assert {(b.code, b.kind) for b in book.barcodes} == {
            ("09780201379624", "gtin"), ("BK-000123", "alias")}
        tee = s.scalars(select(Product).where(Product.sku == "TEE-1")).one()
        assert [b.code for b in tee.barcodes] == ["00036000291452"]
        assert tee.length_mm is None and not tee.fragile
        phone = s.scalars(select(Product).where(Product.sku == "PHN-1")).one()
        assert phone.requires_serial and (phone.length_mm, phone.width_mm) == (160, 80)
        order = s.scalars(select(Order).where(Order.order_id == "ord_1001")).one()
        assert [(ln.line_id, ln.qty, ln.lot) for ln in order.lines] == [
            ("1", 2, None), ("2", 1, None), ("3", 1, "L230710")]
        assert order.customer_first_name == "Zoë" and order.ship_to["country"] == "DE"
        assert order.tote_id == "TOTE-07" and order.status == "ready"
        assert order.review_url.startswith("https://")


def test_csv_examples_import_alone(sessions):
    assert import_products(sessions, EXAMPLES / "products.csv").created == 6
    assert import_orders(sessions, EXAMPLES / "orders.csv").created == 3
    assert import_orders(sessions, EXAMPLES / "orders.json").unchanged == 3
    assert count(sessions, OrderLine) == 6


def test_box_types_csv_and_update(sessions, tmp_path):
    path = write(tmp_path, "boxes.csv", "code,name,tare_g,dimensions_mm\n"
                 "S,Small box,90,200|150|100\nBAG,Mailer bag,25,\n")
    assert import_box_types(sessions, path).created == 2
    assert import_box_types(sessions, EXAMPLES / "boxes.json").created == 2
    r = import_box_types(sessions, EXAMPLES / "boxes.json")
    assert (r.created, r.updated, r.unchanged) == (0, 0, 4)
    with sessions() as s:
        bag = s.scalars(select(BoxType).where(BoxType.code == "BAG")).one()
        assert (bag.name, bag.tare_g, bag.length_mm) == ("Padded mailer bag", 25, None)


def test_progress_reports_bytes_up_to_the_file_size(catalogue):
    for importer, name in ((import_products, "products.json"), (import_products, "products.csv"),
                           (import_orders, "orders.jsonl"), (import_orders, "orders.csv")):
        seen: list[int] = []
        importer(catalogue, EXAMPLES / name, progress=seen.append)
        assert seen and seen == sorted(seen) and seen[-1] == (EXAMPLES / name).stat().st_size


# ------------------------------------------------------------------------ errors
def test_product_errors_name_line_and_field(sessions, tmp_path):
    good = {"sku": "OK-1", "title": "Fine", "barcodes": [ean13(1)], "unit_weight_g": 10}
    records = [
        good,                                                          # line 1
        {**good, "sku": "W-0", "barcodes": [ean13(2)], "unit_weight_g": 0},
        {**good, "sku": "T-1", "barcodes": [ean13(3)], "title": None},
        {**good, "sku": "T-2", "barcodes": [ean13(4)], "unit_weight_g": "heavy"},
        {**good, "sku": "BC-1", "barcodes": ["4006381333932"]},        # wrong check digit
        {**good, "sku": "D-1", "barcodes": [ean13(5)], "dimensions_mm": [10, 20]},
        {**good, "sku": "U-1", "barcodes": [ean13(6)], "image_url": "ftp://x.example/a.jpg"},
        {**good, "barcodes": [ean13(7)]},                              # duplicate sku
        {**good, "sku": "SH-1", "barcodes": [ean13(8), ean13(1)]},     # OK-1's barcode
        {**good, "sku": "X-1", "barcodes": [ean13(9)], "fragle": True},
        {**good, "sku": "M-1", "barcodes": [ean13(10)], "requires_lot": "yes"},
    ]
    path = write(tmp_path, "products.jsonl", records)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"sku": "BROKEN", "title": }\n')                    # line 12
        fh.write("[1, 2]\n")                                           # line 13
    assert failure(import_products, sessions, path) == [
        "line 2: unit_weight_g: must be greater than 0",
        "line 3: title: must be a string",
        "line 4: unit_weight_g: must be a number",
        "line 5: barcodes[0]: barcode 4006381333932 has 13 digits like a GTIN but its check "
        "digit should be 1; fix it, or give internal codes a non-numeric form",
        "line 6: dimensions_mm: must be three numbers: [length, width, height]",
        "line 7: image_url: must be an http:// or https:// URL",
        "line 8: sku: duplicate sku OK-1 (first on line 1)",
        f"line 9: barcodes[1]: barcode {ean13(1)} is also given to sku OK-1 on line 1",
        "line 10: fragle: unknown field",
        "line 11: requires_lot: must be true or false",
        "line 12: column 28: invalid JSON: Expecting value",
        "line 13: record: must be a JSON object {...}",
    ]
    assert count(sessions, Product) == 0


def test_order_errors_name_line_and_field(catalogue, tmp_path):
    base = ORDERS[1]
    line = base["lines"][0]
    records = [
        base,                                                               # line 1
        {**base, "order_id": "o2", "order_number": "N2", "lines": [{**line, "qty": 0}]},
        {**base, "order_id": "o3", "order_number": "N3",
         "lines": [{**line, "sku": "NO-SUCH-SKU"}]},
        {**base, "order_id": "o4", "order_number": "N4",
         "customer": {**base["customer"], "email": "james at example"}},
        {**base, "order_id": "o5", "order_number": "N5",
         "ship_to": {**base["ship_to"], "country": "Germany"}},
        {**base, "order_id": "o6", "order_number": "N6",
         "insert": {"review_url": "javascript:alert(1)"}},
        {**base, "order_number": "N7"},                                     # duplicate id
        {**base, "order_id": "o8"},                                         # duplicate number
        {**base, "order_id": "o9", "order_number": "N9", "lines": [line, line]},
        {k: v for k, v in base.items() if k != "customer"} | {"order_id": "o10",
                                                               "order_number": "N10"},
        {**base, "order_id": "o11", "order_number": "N11", "lines": [{**line, "qty": 1.5}]},
        {**base, "order_id": "o12", "order_number": "N12", "lines": []},
    ]
    path = write(tmp_path, "orders.jsonl", records)
    assert failure(import_orders, catalogue, path) == [
        "line 2: lines[0].qty: must be greater than 0",
        "line 3: lines[0].sku: unknown sku NO-SUCH-SKU: import it with the products first",
        "line 4: customer.email: must be an email address like name@example.com",
        "line 5: ship_to.country: must be a 2-letter ISO 3166 country code like DE or US",
        "line 6: insert.review_url: must be an http:// or https:// URL",
        "line 7: order_id: duplicate order_id ord_1002 (first on line 1)",
        "line 8: order_number: duplicate order_number SO-1002 (first on line 1)",
        "line 9: lines[1].line_id: duplicate line_id 1 in order o9 (first on line 9)",
        "line 10: customer: is required",
        "line 11: lines[0].qty: must be a whole number",
        "line 12: lines: must have at least 1 item(s)",
    ]
    assert count(catalogue, Order) == 0


def test_json_array_errors_point_at_the_element_start(sessions, tmp_path):
    records = copy.deepcopy(PRODUCTS)
    records[4]["unit_weight_g"] = -1
    path = write(tmp_path, "products.json", records)
    starts = [n for n, ln in enumerate(path.read_text().splitlines(), 1) if ln == "  {"]
    assert len(starts) == 6 and starts[4] > 40
    assert failure(import_products, sessions, path) == [
        f"line {starts[4]}: unit_weight_g: must be greater than 0"]


def test_truncated_json_array_is_a_syntax_error_with_its_line(sessions, tmp_path):
    content = (EXAMPLES / "products.json").read_text(encoding="utf-8")
    cut = content[: content.index('"title": "Vitamin')]
    path = write(tmp_path, "products.json", cut)
    errors = failure(import_products, sessions, path)
    lines = cut.count("\n")
    assert errors[-1].startswith("line ") and "invalid JSON" in errors[-1]
    assert int(errors[-1].split(":")[0].removeprefix("line ")) in (lines, lines + 1)
    assert count(sessions, Product) == 0


@pytest.mark.parametrize(("content", "expected"), [
    ('[{"sku": "A"} {"sku": "B"}]', "line 1: column 15: invalid JSON: expected ',' or ']' "
     "after an array element"),
    ('[\n  {"sku": "A"},\n]', "line 3: column 1: invalid JSON: Expecting value"),
    ("[]\n]", "line 2: column 1: invalid JSON: unexpected text after the closing ']'"),
])
def test_json_array_syntax_errors(sessions, tmp_path, content, expected):
    assert expected in failure(import_products, sessions, write(tmp_path, "p.json", content))


@pytest.mark.parametrize(("name", "line", "byte"), [("products.csv", 6, 11),
                                                     ("products.json", 68, 18)])
def test_invalid_utf8_is_reported_with_its_line(sessions, tmp_path, name, line, byte):
    body = (EXAMPLES / name).read_bytes().replace(b"Caf\xc3\xa9", b"Caf\xe9")
    errors = failure(import_products, sessions, write(tmp_path, name, body))
    assert errors == [f"line {line}: encoding: not valid UTF-8 (byte {byte} of the line); "
                      "save the file as UTF-8"]


def test_unclosed_csv_quote_points_at_the_row_start(sessions, tmp_path):
    content = (f'sku,title,barcodes,unit_weight_g\nA,"Open title,{ean13(1)},10\n'
               f"B,Fine,{ean13(2)},5\n")
    assert failure(import_products, sessions, write(tmp_path, "p.csv", content)) == [
        "line 2: csv: invalid CSV in the row starting here: unexpected end of data "
        "(a quoted cell is never closed)"]


def test_csv_errors_count_physical_lines(sessions, tmp_path):
    content = (
        "sku,title,barcodes,unit_weight_g,fragile\n"
        f'A-1,"Two\nline title",{ean13(1)},10,yes\n'        # lines 2-3
        f"A-2,Bad bool,{ean13(2)},10,maybe\n"                 # line 4
        f"A-3,Short row,{ean13(3)}\n"                         # line 5
        "\n"
        f"A-4,Comma weight,{ean13(4)},\"12,5\",no\n"          # line 7
        f"A-5,No barcode,,10,no\n"                            # line 8
    )
    assert failure(import_products, sessions, write(tmp_path, "p.csv", content)) == [
        "line 4: fragile: must be true or false",
        "line 5: row: has 3 cells but the header has 5; quote cells that contain commas",
        "line 7: unit_weight_g: must be a number",
        "line 8: barcodes: is required",
    ]


def test_csv_header_problems_stop_the_file(sessions, tmp_path):
    path = write(tmp_path, "p.csv", "sku,title,weight\nA,B,1\n")
    assert failure(import_products, sessions, path) == [
        "line 1: weight: unknown column (known: barcodes, category, dimensions_mm, fragile, "
        "image_url, requires_lot, requires_serial, sku, title, unit_weight_g)",
        "line 1: barcodes: required column is missing from the header",
        "line 1: unit_weight_g: required column is missing from the header",
    ]


def test_csv_order_rows_may_be_apart_but_must_agree(catalogue, tmp_path):
    header, *rows = (EXAMPLES / "orders.csv").read_text(encoding="utf-8").splitlines()
    # ord_1001's rows are 1, 2, 3: move its third row to the end.
    reordered = [header, rows[0], rows[1], *rows[3:], rows[2]]
    path = write(tmp_path, "o.csv", "\n".join(reordered) + "\n")
    assert import_orders(catalogue, path).created == 3
    with catalogue() as s:
        order = s.scalars(select(Order).where(Order.order_id == "ord_1001")).one()
        assert [ln.line_id for ln in order.lines] == ["1", "2", "3"]
    reordered[-1] = reordered[-1].replace("Berlin", "Hamburg")
    path = write(tmp_path, "o2.csv", "\n".join(reordered) + "\n")
    assert failure(import_orders, catalogue, path) == [
        "line 7: ship_to_city: 'Hamburg' differs from line 2 ('Berlin') for order ord_1001; "
        "the order's columns must be the same on each of its rows"]


def test_csv_order_line_errors_point_at_their_row(catalogue, tmp_path):
    header, *rows = (EXAMPLES / "orders.csv").read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace(",VIT-1,1,", ",VIT-1,0,")
    rows[5] = rows[5].replace(",GLS-1,", ",GONE-1,")
    path = write(tmp_path, "o.csv", "\n".join([header, *rows]) + "\n")
    assert failure(import_orders, catalogue, path) == [
        "line 4: qty: must be greater than 0",
        "line 7: sku: unknown sku GONE-1: import it with the products first",
    ]


def test_many_errors_are_all_collected_and_the_message_is_capped(sessions, tmp_path):
    rows = "".join(f"B-{i},Title,{ean13(i)},0\n" for i in range(60))
    path = write(tmp_path, "p.csv", "sku,title,barcodes,unit_weight_g\n" + rows)
    with pytest.raises(ImportFailed) as info:
        import_products(sessions, path)
    assert len(info.value.errors) == 60
    message = str(info.value)
    assert message.splitlines()[0] == "line 2: unit_weight_g: must be greater than 0"
    assert message.splitlines()[-1] == "... and 10 more" and len(message.splitlines()) == 51
    assert str(ImportIssue(12, "unit_weight_g", "must be greater than 0")) == \
        "line 12: unit_weight_g: must be greater than 0"


# ------------------------------------------------------------------ all or nothing
def test_one_bad_record_among_many_imports_nothing(catalogue, tmp_path):
    before = snapshot(catalogue)
    records = [{"sku": f"GOOD-{i}", "title": f"Good {i}", "barcodes": [ean13(i)],
                "unit_weight_g": 5 + i} for i in range(300)]
    records[217]["barcodes"] = ["5901234123458"]
    path = write(tmp_path, "products.jsonl", records)
    errors = failure(import_products, catalogue, path)
    assert len(errors) == 1 and errors[0].startswith("line 218: barcodes[0]: barcode 59012341")
    assert snapshot(catalogue) == before
    assert count(catalogue, Product) == 6 and count(catalogue, ProductBarcode) == 7


def test_a_failing_database_write_rolls_everything_back(catalogue, tmp_path, engine):
    # A trigger refuses one barcode: products are written before barcodes, so this fails late.
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER no_x BEFORE INSERT ON product_barcodes WHEN NEW.code = 'REFUSED' "
                "BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END"))
        else:
            conn.execute(text(
                "CREATE FUNCTION no_x() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.code = 'REFUSED' THEN RAISE EXCEPTION 'refused by trigger'; END IF; "
                "RETURN NEW; END $$"))
            conn.execute(text("CREATE TRIGGER no_x BEFORE INSERT ON product_barcodes "
                              "FOR EACH ROW EXECUTE FUNCTION no_x()"))
    before = snapshot(catalogue)
    changed = copy.deepcopy(PRODUCTS)
    changed[0]["title"] = "Renamed mug"
    changed.append({"sku": "NEW-1", "title": "New", "barcodes": ["REFUSED"], "unit_weight_g": 1})
    errors = failure(import_products, catalogue, write(tmp_path, "p.json", changed))
    assert len(errors) == 1 and errors[0].startswith("database: the database refused the import")
    assert "refused by trigger" in errors[0]
    assert snapshot(catalogue) == before


# ------------------------------------------------------------------ idempotency
def test_reimport_is_idempotent(catalogue):
    import_orders(catalogue, EXAMPLES / "orders.json")
    before = snapshot(catalogue)
    r = import_products(catalogue, EXAMPLES / "products.json")
    assert (r.created, r.updated, r.unchanged) == (0, 0, 6)
    r = import_orders(catalogue, EXAMPLES / "orders.json")
    assert (r.created, r.updated, r.unchanged, r.records) == (0, 0, 3, 3)
    assert snapshot(catalogue) == before


def test_changed_ready_order_is_updated_and_its_lines_replaced(catalogue, tmp_path):
    import_orders(catalogue, EXAMPLES / "orders.json")
    with catalogue() as s:
        kept_pk = s.scalar(select(OrderLine.id).join(Order).where(
            Order.order_id == "ord_1001", OrderLine.line_id == "2"))
    orders = copy.deepcopy(ORDERS)
    orders[0]["lines"] = [{"line_id": "2", "sku": "TEE-1", "qty": 3},
                          {"line_id": "4", "sku": "PHN-1", "qty": 1}]
    orders[0]["ship_to"]["city"] = "Potsdam"
    r = import_orders(catalogue, write(tmp_path, "orders.json", orders))
    assert (r.created, r.updated, r.unchanged) == (0, 1, 2)
    with catalogue() as s:
        order = s.scalars(select(Order).where(Order.order_id == "ord_1001")).one()
        assert order.ship_to["city"] == "Potsdam" and order.status == "ready"
        assert [(ln.line_id, ln.position, ln.qty) for ln in order.lines] == [
            ("2", 0, 3), ("4", 1, 1)]
        assert order.lines[0].id == kept_pk
    assert import_orders(catalogue, write(tmp_path, "again.json", orders)).unchanged == 3


def test_a_started_order_cannot_change_and_nothing_is_imported(catalogue, tmp_path):
    import_orders(catalogue, EXAMPLES / "orders.json")
    with catalogue.begin() as s:
        s.execute(update(Order).where(Order.order_id == "ord_1001").values(status="packed"))
        s.execute(update(Order).where(Order.order_id == "ord_1002").values(status="on_hold"))
    before = snapshot(catalogue)
    orders = copy.deepcopy(ORDERS)
    orders[0]["lines"][0]["qty"] = 5
    orders[1]["carrier"] = "FedEx"
    orders[2]["service"] = "Express"                      # ready: would be updated
    orders.append({**ORDERS[2], "order_id": "ord_new", "order_number": "SO-NEW"})
    path = write(tmp_path, "orders.jsonl", orders)
    assert failure(import_orders, catalogue, path) == [
        "line 1: order_id: order ord_1001 is already packed; it cannot change",
        "line 2: order_id: order ord_1002 is already on hold; it cannot change",
    ]
    assert snapshot(catalogue) == before
    # Unchanged started orders are fine to send again.
    assert import_orders(catalogue, EXAMPLES / "orders.jsonl").unchanged == 3


def test_a_scanned_line_cannot_be_dropped_but_can_change(catalogue, tmp_path):
    import_orders(catalogue, EXAMPLES / "orders.json")
    with catalogue.begin() as s:
        line_pk = s.scalar(select(OrderLine.id).join(Order).where(
            Order.order_id == "ord_1001", OrderLine.line_id == "1"))
        s.add(ScanEvent(station_id="st-1", seq=1, raw="4006381333931", kind="item",
                        verdict="accepted", line_pk=line_pk))
    orders = copy.deepcopy(ORDERS)
    orders[0]["lines"] = orders[0]["lines"][1:]
    errors = failure(import_orders, catalogue, write(tmp_path, "o.json", orders))
    assert errors == ["line 2: lines: line 1 of order ord_1001 was scanned in an earlier pack "
                      "session; it cannot be removed (set its qty instead)"]
    orders = copy.deepcopy(ORDERS)
    orders[0]["lines"][0]["qty"] = 1
    assert import_orders(catalogue, write(tmp_path, "o.json", orders)).updated == 1


def test_order_number_of_another_order_in_the_db_is_refused(catalogue, tmp_path):
    import_orders(catalogue, EXAMPLES / "orders.json")
    path = write(tmp_path, "o.jsonl", [{**ORDERS[0], "order_id": "ord_other"}])
    assert failure(import_orders, catalogue, path) == [
        "line 1: order_number: order number SO-1001 already belongs to order ord_1001 "
        "in the database"]


# ------------------------------------------------------------------ products upsert
def test_products_are_updated_and_barcode_sets_replaced(catalogue, tmp_path):
    products = copy.deepcopy(PRODUCTS)
    products[0]["title"] = "Stoneware mug, blue"
    products[4]["barcodes"] = ["9780201379624"]                 # alias dropped
    products[1]["barcodes"] = ["0036000291452", "TEE-ALIAS"]    # same GTIN as EAN-13 + alias
    r = import_products(catalogue, write(tmp_path, "p.json", products))
    assert (r.created, r.updated, r.unchanged) == (0, 3, 3)
    with catalogue() as s:
        codes = dict(s.execute(select(ProductBarcode.code, Product.sku).join(Product)).all())
    assert "BK-000123" not in codes and codes["TEE-ALIAS"] == "TEE-1"
    assert codes["00036000291452"] == "TEE-1"


def test_barcode_of_another_sku_in_the_db_is_refused(catalogue, tmp_path):
    # The GTIN-14 spelling of MUG-1's EAN-13 is the same product code.
    new = {"sku": "NEW-1", "title": "New", "barcodes": ["04006381333931"], "unit_weight_g": 1}
    assert failure(import_products, catalogue, write(tmp_path, "p.jsonl", [new])) == [
        "line 1: barcodes[0]: barcode 04006381333931 already belongs to sku MUG-1 "
        "in the database"]
    # Moving it is fine when the file also gives MUG-1 its new barcode list.
    mug = {**PRODUCTS[0], "barcodes": ["MUG-ALIAS"]}
    r = import_products(catalogue, write(tmp_path, "p.jsonl", [new, mug]))
    assert (r.created, r.updated) == (1, 1)


# ------------------------------------------------------------------ volume
def test_twenty_thousand_products_and_their_orders(sessions, tmp_path):
    n = 20_000
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({
                "sku": f"SKU-{i:06d}", "title": f"Produit n° {i}", "unit_weight_g": 1 + i % 900,
                "barcodes": [ean13(i), f"ALIAS-{i}"], "dimensions_mm": [10, 20, 30],
                "requires_lot": i % 7 == 0}) + "\n")
    r = import_products(sessions, path)
    assert (r.created, r.records) == (n, n)
    assert count(sessions, ProductBarcode) == 2 * n
    assert import_products(sessions, path).unchanged == n
    orders = [{**ORDERS[1], "order_id": f"o{i}", "order_number": f"N{i}",
               "lines": [{"line_id": str(k), "sku": f"SKU-{(i * 5 + k) % n:06d}", "qty": 1}
                         for k in range(5)]} for i in range(n // 5)]
    path = write(tmp_path, "orders.json", orders)
    assert import_orders(sessions, path).created == n // 5
    assert count(sessions, OrderLine) == n
    assert import_orders(sessions, path).unchanged == n // 5


def test_brand_channel_and_supplied_labels(catalogue, tmp_path):
    label = "^XA^FO50,50^A0N,40,40^FDFrom the carrier^FS^XZ"
    order = {**copy.deepcopy(ORDERS[0]), "brand": "acme", "channel": "web",
             "labels": [{"tracking_number": "1Z999AA10123456784", "zpl": label}]}
    import_orders(catalogue, write(tmp_path, "orders.json", [order]))
    with catalogue() as s:
        row = s.scalars(select(Order).where(Order.order_id == order["order_id"])).one()
        assert (row.brand, row.channel) == ("acme", "web")
        assert row.supplied_labels == [{"tracking_number": "1Z999AA10123456784", "zpl": label}]
    bad = {**order, "order_id": "o-bad", "order_number": "SO-BAD",
           "labels": [{"tracking_number": "X1", "zpl": "^XA^FDno end"}]}
    issues = failure(import_orders, catalogue, write(tmp_path, "bad.jsonl", [bad]))
    assert any("line 1" in i and "labels" in i and "ZPL" in i for i in issues), issues



def test_delivery_estimates_from_the_backend(catalogue, tmp_path):
    label = "^XA^FDx^FS^XZ"
    order = {**copy.deepcopy(ORDERS[0]),
             "estimated_delivery": {"earliest": "2030-01-07", "latest": "2030-01-09"},
             "labels": [{"tracking_number": "T1", "zpl": label,
                         "estimated_delivery": {"earliest": "2030-01-08",
                                                "latest": "2030-01-08"}}]}
    import_orders(catalogue, write(tmp_path, "orders.json", [order]))
    with catalogue() as s:
        row = s.scalars(select(Order).where(Order.order_id == order["order_id"])).one()
        assert row.estimated_delivery == {"earliest": "2030-01-07", "latest": "2030-01-09"}
        assert row.supplied_labels[0]["estimated_delivery"]["latest"] == "2030-01-08"
    bad = {**order, "estimated_delivery": {"earliest": "2030-01-09", "latest": "2030-01-07"}}
    issues = failure(import_orders, catalogue, write(tmp_path, "bad.json", [bad]))
    assert any("latest is before earliest" in i for i in issues), issues
    bad = {**order, "estimated_delivery": {"earliest": "soon", "latest": "2030-01-07"}}
    issues = failure(import_orders, catalogue, write(tmp_path, "bad2.json", [bad]))
    assert any("not a date" in i for i in issues), issues
