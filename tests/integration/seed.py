"""Put a small, known catalogue, order set, box types and badges into a test database."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session, sessionmaker

from station.app.packers import add_packer
from station.data.models import BoxType, Order, OrderLine, Product, ProductBarcode
from station.domain.barcodes import normalize_catalogue_barcode

MUG = "4006381333931"
SHIRT = "036000291452"
PHONE = "5901234123457"
VITAMIN = "07035620052163"
BOOK = "9780201379624"

PRODUCTS = [
    # sku, title, weight, barcodes, requires_lot, requires_serial
    ("MUG-1", "Stoneware mug", 350.0, [MUG], False, False),
    ("TEE-1", "Organic T-shirt", 180.0, [SHIRT, "TEE-ALIAS"], False, False),
    ("PHN-1", "Phone", 200.0, [PHONE], False, True),
    ("VIT-1", "Vitamin D3", 120.0, [VITAMIN], True, False),
    ("BOOK-1", "A book", 500.0, [BOOK], False, False),
]

ORDERS = [
    # order_id, number, tote, lines [(line_id, sku, qty, lot)]
    ("ord_1", "SO-1", "TOTE-1",
     [("L1", "MUG-1", 2, None), ("L2", "TEE-1", 1, None), ("L3", "PHN-1", 1, None),
      ("L4", "VIT-1", 1, "230710")]),
    ("ord_2", "SO-2", None, [("L1", "MUG-1", 1, None)]),
    ("ord_3", "SO-3", None, [("L1", "PHN-1", 1, None)]),
    ("ord_4", "SO-4", None, [("L1", "MUG-1", 1, None)]),
    ("ord_5", "SO-5", None, [("L1", "MUG-1", 1, None)]),
]


def seed(sessions: sessionmaker[Session]) -> None:
    """Insert the test data."""
    with sessions.begin() as s:
        ids: dict[str, Product] = {}
        for sku, title, weight, codes, lot, serial in PRODUCTS:
            p = Product(sku=sku, title=title, unit_weight_g=weight, requires_lot=lot,
                        requires_serial=serial)
            for code in codes:
                k = normalize_catalogue_barcode(code)
                p.barcodes.append(ProductBarcode(code=k.key, kind=k.kind, original=code))
            s.add(p)
            ids[sku] = p
        s.flush()
        for order_id, number, tote, lines in ORDERS:
            o = Order(order_id=order_id, order_number=number, tote_id=tote,
                      customer_first_name="Ana", customer_email="ana@example.com",
                      ship_to={"city": "Berlin", "country": "DE"}, carrier="DHL",
                      service="Paket", content_hash=hashlib.sha256(number.encode()).hexdigest())
            for pos, (line_id, sku, qty, req_lot) in enumerate(lines):
                o.lines.append(OrderLine(line_id=line_id, position=pos, product_id=ids[sku].id,
                                         qty=qty, lot=req_lot))
            s.add(o)
        s.add(BoxType(code="M", name="Medium box", tare_g=150.0))
    add_packer(sessions, badge_id="P1", name="Pat", role="packer")
    add_packer(sessions, badge_id="S1", name="Sam", role="supervisor", pin="2468")
