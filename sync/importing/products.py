"""Import the product catalogue: upsert by SKU, replacing each product's barcode set.

Products not in the file are left alone. A barcode may move from one SKU to another only when
both SKUs are in the same file (the old owner's new barcode list drops it).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from station.data.models import Product, ProductBarcode, utcnow
from station.domain.barcodes import BarcodeError, BarcodeKey, normalize_catalogue_barcode
from sync.importing import csvmap
from sync.importing.batch import (
    CHUNK,
    delete_in,
    insert_many,
    insert_new,
    refresh_statistics,
    select_in,
    update_many,
    write_transaction,
)
from sync.importing.issues import ImportResult, Issues
from sync.importing.loading import Parsed, first_lines, load
from sync.importing.readers import Progress
from sync.importing.records import ProductRecord
from sync.importing.steps import Report, Steps

FIELDS = ("title", "unit_weight_g", "length_mm", "width_mm", "height_mm", "category",
          "fragile", "requires_serial", "requires_lot", "image_url")
Codes = frozenset[tuple[str, str, str]]  # (code, kind, original) of one product


def import_products(
    sessions: sessionmaker[Session], path: Path, *, progress: Progress | None = None,
    report: Report | None = None,
) -> ImportResult:
    """Import a products file (all or nothing); `progress(n)` gets bytes read so far.

    `report(done, total, phase)` follows the import through its phases (`sync.importing.steps`);
    if it raises, nothing is imported.
    """
    issues = Issues()
    steps = Steps(report)
    parsed = load(path, ProductRecord, issues, progress, columns=csvmap.PRODUCT_COLUMNS,
                  from_csv=csvmap.product_record, steps=steps)
    steps.start("checking")
    first_lines(parsed, lambda r: r.sku, "sku", issues, "sku")
    codes = _file_barcodes(parsed, issues, steps)
    with write_transaction(sessions) as s:
        existing = {
            row.sku: row
            for row in select_in(s, lambda b: select(Product.id, Product.sku,
                                                     *(getattr(Product, f) for f in FIELDS))
                                 .where(Product.sku.in_(b)), (p.record.sku for p in parsed))
        }
        _check_db_barcodes(s, parsed, codes, existing, issues)
        issues.raise_if_any()
        current, row_ids = _current_barcodes(s, [row.id for row in existing.values()])
        steps.finish()
        result = _write(s, parsed, codes, existing, current, row_ids, steps)
        steps.finish()  # the last report before the commit: raising there still undoes all
        return result


def product_row(record: ProductRecord) -> dict:
    """Return the `products` columns a record sets."""
    length, width, height = record.dimensions_mm or (None, None, None)
    return {
        "title": record.title, "unit_weight_g": record.unit_weight_g, "length_mm": length,
        "width_mm": width, "height_mm": height, "category": record.category or "",
        "fragile": bool(record.fragile), "requires_serial": bool(record.requires_serial),
        "requires_lot": bool(record.requires_lot), "image_url": record.image_url or "",
    }


def _file_barcodes(parsed: list[Parsed[ProductRecord]], issues: Issues,
                   steps: Steps) -> list[Codes]:
    """Normalise every barcode; report bad ones and codes shared by two SKUs in the file."""
    owner: dict[str, tuple[str, int]] = {}  # key -> (sku, line)
    out: list[Codes] = []
    for item in parsed:
        steps.advance(1)
        keys: dict[str, BarcodeKey] = {}
        for i, code in enumerate(item.record.barcodes):
            loc = ("barcodes", i)
            try:
                key = normalize_catalogue_barcode(code)
            except BarcodeError as exc:
                issues.add(item.line, item.field(loc), str(exc))
                continue
            # Two spellings of one GTIN (UPC-A and its EAN-13) on one product are harmless.
            keys.setdefault(key.key, key)
            sku, line = owner.setdefault(key.key, (item.record.sku, item.line))
            if sku != item.record.sku:
                issues.add(item.line, item.field(loc),
                           f"barcode {code} is also given to sku {sku} on line {line}")
        out.append(frozenset((k.key, k.kind, k.original) for k in keys.values()))
    return out


def _check_db_barcodes(s: Session, parsed: list[Parsed[ProductRecord]], codes: list[Codes],
                       existing: dict, issues: Issues) -> None:
    """Report barcodes the database has on a SKU that this file does not also redefine."""
    in_file = {row.id for row in existing.values()}
    where: dict[str, tuple[Parsed[ProductRecord], str]] = {}
    for item, product_codes in zip(parsed, codes, strict=True):
        for key, _kind, original in product_codes:
            where[key] = (item, original)
    # Single-table queries: right after a bulk load PostgreSQL's stale statistics made a join
    # here take a second per batch.
    taken = [(code, owner) for code, owner in select_in(
        s, lambda b: select(ProductBarcode.code, ProductBarcode.product_id)
        .where(ProductBarcode.code.in_(b)), where) if owner not in in_file]
    skus = dict(select_in(s, lambda b: select(Product.id, Product.sku).where(Product.id.in_(b)),
                          (owner for _, owner in taken)))
    for code, owner in taken:
        item, original = where[code]
        index = item.record.barcodes.index(original)
        issues.add(item.line, item.field(("barcodes", index)),
                   f"barcode {original} already belongs to sku {skus[owner]} in the database")


def _current_barcodes(s: Session, ids: list[int]) -> tuple[dict[int, Codes], dict[int, list]]:
    """Return each product's barcodes and barcode row ids.

    `product_barcodes.product_id` has no index, so each IN query scans the table: for more
    than one batch of products, one scan of the whole table is cheaper.
    """
    columns = (ProductBarcode.product_id, ProductBarcode.id, ProductBarcode.code,
               ProductBarcode.kind, ProductBarcode.original)
    if len(ids) > CHUNK:
        wanted = set(ids)
        rows = [r for r in s.connection().execute(select(*columns)) if r[0] in wanted]
    else:
        rows = select_in(s, lambda b: select(*columns).where(ProductBarcode.product_id.in_(b)),
                         ids)
    codes: dict[int, set[tuple[str, str, str]]] = {}
    row_ids: dict[int, list] = {}
    for product_id, row_id, code, kind, original in rows:
        codes.setdefault(product_id, set()).add((code, kind, original))
        row_ids.setdefault(product_id, []).append(row_id)
    return {product_id: frozenset(c) for product_id, c in codes.items()}, row_ids


class _Plan(NamedTuple):
    """What to write for one product of the file."""

    row: dict  # the columns to write; empty when the product is unchanged
    codes: Codes
    old_id: int | None  # None for a new product
    recode: bool  # its barcode rows are written (again)


def _write(s: Session, parsed: list[Parsed[ProductRecord]], codes: list[Codes],
           existing: dict, current: dict[int, Codes], row_ids: dict[int, list],
           steps: Steps) -> ImportResult:
    """Write new and changed products and their barcodes, a chunk of the file at a time."""
    plan: list[_Plan] = []
    now = utcnow()
    for item, product_codes in zip(parsed, codes, strict=True):
        row = product_row(item.record)
        old = existing.get(item.record.sku)
        if old is None:
            plan.append(_Plan({"sku": item.record.sku, "updated_at": now, **row},
                              product_codes, None, True))
            continue
        same_fields = all(getattr(old, f) == row[f] for f in FIELDS)
        same_codes = current.get(old.id, frozenset()) == product_codes
        changed = {"id": old.id, "updated_at": now, **row}
        plan.append(_Plan({} if same_fields and same_codes else changed, product_codes,
                          old.id, not same_codes))
    # Old barcode rows go first, so a code moving between two SKUs of this file is free again.
    delete_in(s, ProductBarcode, ProductBarcode.id,
              [row_id for p in plan if p.old_id is not None and p.recode
               for row_id in row_ids.get(p.old_id, ())])
    steps.start("writing")
    for batch in steps.chunks(plan, lambda _: 1):
        update_many(s, Product, [p.row for p in batch if p.old_id is not None and p.row])
        new = [p.row for p in batch if p.old_id is None]
        ids = insert_new(s, Product, new, Product.sku) if new else {}
        insert_many(s, ProductBarcode, [
            {"product_id": ids[p.row["sku"]] if p.old_id is None else p.old_id, "code": code,
             "kind": kind, "original": original}
            for p in batch if p.recode for code, kind, original in sorted(p.codes)
        ])
    created = sum(1 for p in plan if p.old_id is None)
    unchanged = sum(1 for p in plan if not p.row)
    updated = len(plan) - created - unchanged
    refresh_statistics(s, created + updated, Product, ProductBarcode)
    return ImportResult(created=created, updated=updated, unchanged=unchanged,
                        records=len(parsed))
