"""Import orders: create new ones, update changed ones still ready, skip unchanged ones.

An order's `content_hash` is the SHA-256 of its validated record as canonical JSON, so
re-importing the same order (from JSON, JSON lines or CSV alike) writes nothing. An order
a station has started (packing, packed, on hold) may not change. Lines are matched by
`line_id` and updated in place, because scans of a cancelled pack still point at them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from station.data.models import Order, OrderLine, PackedUnit, Product, ScanEvent, utcnow
from sync.importing import csvmap
from sync.importing.batch import (
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
from sync.importing.records import OrderRecord
from sync.importing.steps import Report, Steps


def import_orders(
    sessions: sessionmaker[Session], path: Path, *, progress: Progress | None = None,
    report: Report | None = None,
) -> ImportResult:
    """Import an orders file (all or nothing); `progress(n)` gets bytes read so far.

    `report(done, total, phase)` follows the import through its phases (`sync.importing.steps`);
    if it raises, nothing is imported.
    """
    issues = Issues()
    steps = Steps(report)
    parsed = load(path, OrderRecord, issues, progress, columns=csvmap.ORDER_COLUMNS,
                  steps=steps)
    steps.start("checking")
    first_lines(parsed, lambda r: r.order_id, "order_id", issues, "order_id")
    first_lines(parsed, lambda r: r.order_number, "order_number", issues, "order_number")
    _check_line_ids(parsed, issues)
    hashes = [content_hash(p.record) for p in parsed]
    with write_transaction(sessions) as s:
        products = _product_ids(s, parsed, issues)
        existing = {
            row.order_id: row
            for row in select_in(s, lambda b: select(
                Order.id, Order.order_id, Order.status, Order.content_hash
            ).where(Order.order_id.in_(b)), (p.record.order_id for p in parsed))
        }
        _check_numbers(s, parsed, issues)
        changed = _changed(parsed, hashes, existing, issues)
        old_lines = _old_lines(s, changed, existing, issues)
        issues.raise_if_any()
        steps.finish()
        created = sum(1 for p in parsed if p.record.order_id not in existing)
        _write(s, list(zip(parsed, hashes, strict=True)), changed, existing, old_lines, products,
               steps)
        steps.finish()  # the last report before the commit: raising there still undoes all
    return ImportResult(created=created, updated=len(changed),
                        unchanged=len(parsed) - created - len(changed), records=len(parsed))


# Fields added after the first format: left out of the hash while empty, so a file that
# does not use them hashes as it always did (re-importing it stays "unchanged").
_LATER_FIELDS = ("brand", "channel", "labels", "estimated_delivery")


def content_hash(record: OrderRecord) -> str:
    """Return the SHA-256 of the record as canonical JSON (sorted keys, no spaces)."""
    data = record.model_dump(mode="json")
    for name in _LATER_FIELDS:
        if not data[name]:
            del data[name]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def order_row(record: OrderRecord, digest: str) -> dict:
    """Return the `orders` columns a record sets."""
    insert = record.insert
    return {
        "order_id": record.order_id, "order_number": record.order_number,
        "pick_list_id": record.pick_list_id, "tote_id": record.tote_id,
        "customer_first_name": record.customer.first_name,
        "customer_last_name": record.customer.last_name,
        "customer_email": record.customer.email,
        "ship_to": record.ship_to.model_dump(), "carrier": record.carrier,
        "service": record.service,
        "insert_message": insert.message if insert else "",
        "review_url": insert.review_url if insert else "",
        "returns_url": insert.returns_url if insert else "",
        "brand": record.brand, "channel": record.channel,
        "supplied_labels": [label.model_dump(exclude_none=True) for label in record.labels],
        "estimated_delivery": record.estimated_delivery.model_dump()
        if record.estimated_delivery else None,
        "content_hash": digest, "imported_at": utcnow(),
    }


def _check_line_ids(parsed: list[Parsed[OrderRecord]], issues: Issues) -> None:
    for item in parsed:
        seen: dict[str, int] = {}
        for i, line in enumerate(item.record.lines):
            loc = ("lines", i, "line_id")
            if line.line_id in seen:
                first = item.line_for(("lines", seen[line.line_id]))
                issues.add(item.line_for(loc), item.field(loc),
                           f"duplicate line_id {line.line_id} in order {item.record.order_id} "
                           f"(first on line {first})")
            else:
                seen[line.line_id] = i


def _product_ids(s: Session, parsed: list[Parsed[OrderRecord]], issues: Issues) -> dict:
    skus = {line.sku for p in parsed for line in p.record.lines}
    found = dict(select_in(s, lambda b: select(Product.sku, Product.id)
                           .where(Product.sku.in_(b)), skus))
    for item in parsed:
        for i, line in enumerate(item.record.lines):
            if line.sku not in found:
                loc = ("lines", i, "sku")
                issues.add(item.line_for(loc), item.field(loc),
                           f"unknown sku {line.sku}: import it with the products first")
    return found


def _check_numbers(s: Session, parsed: list[Parsed[OrderRecord]], issues: Issues) -> None:
    """Report order numbers the database already has on a different order_id."""
    owners = dict(select_in(s, lambda b: select(Order.order_number, Order.order_id)
                            .where(Order.order_number.in_(b)),
                            (p.record.order_number for p in parsed)))
    for item in parsed:
        owner = owners.get(item.record.order_number, item.record.order_id)
        if owner != item.record.order_id:
            issues.add(item.line, item.field(("order_number",)),
                       f"order number {item.record.order_number} already belongs to order "
                       f"{owner} in the database")


def _changed(parsed: list[Parsed[OrderRecord]], hashes: list[str], existing: dict,
             issues: Issues) -> list[tuple[Parsed[OrderRecord], str]]:
    changed = []
    for item, digest in zip(parsed, hashes, strict=True):
        old = existing.get(item.record.order_id)
        if old is None or old.content_hash == digest:
            continue
        if old.status != "ready":
            issues.add(item.line, item.field(("order_id",)),
                       f"order {item.record.order_id} is already "
                       f"{old.status.replace('_', ' ')}; it cannot change")
            continue
        changed.append((item, digest))
    return changed


def _old_lines(s: Session, changed: list, existing: dict, issues: Issues) -> dict:
    """Return {(order_pk, line_id): line pk} of changed orders; refuse to drop scanned lines."""
    order_pks = [existing[item.record.order_id].id for item, _ in changed]
    old = {(pk, line_id): line_pk for line_pk, pk, line_id in select_in(
        s, lambda b: select(OrderLine.id, OrderLine.order_pk, OrderLine.line_id)
        .where(OrderLine.order_pk.in_(b)), order_pks)}
    kept = {(existing[item.record.order_id].id, line.line_id)
            for item, _ in changed for line in item.record.lines}
    dropped = {line_pk: key for key, line_pk in old.items() if key not in kept}
    used = {pk for (pk,) in select_in(s, lambda b: select(PackedUnit.line_pk)
                                      .where(PackedUnit.line_pk.in_(b)), dropped)}
    used |= {pk for (pk,) in select_in(s, lambda b: select(ScanEvent.line_pk)
                                       .where(ScanEvent.line_pk.in_(b)), dropped)}
    by_pk = {existing[item.record.order_id].id: item for item, _ in changed}
    for line_pk in sorted(used):
        order_pk, line_id = dropped[line_pk]
        item = by_pk[order_pk]
        issues.add(item.line, item.field(("lines",)),
                   f"line {line_id} of order {item.record.order_id} was scanned in an earlier "
                   "pack session; it cannot be removed (set its qty instead)")
    return old


def _write(s: Session, records: list[tuple[Parsed[OrderRecord], str]], changed: list,
           existing: dict, old_lines: dict, products: dict, steps: Steps) -> None:
    """Write new and changed orders and their lines, a chunk of the file at a time."""
    changed_ids = {item.record.order_id for item, _ in changed}
    kept = {(existing[item.record.order_id].id, line.line_id)
            for item, _ in changed for line in item.record.lines}
    delete_in(s, OrderLine, OrderLine.id,
              [line_pk for key, line_pk in old_lines.items() if key not in kept])
    steps.start("writing")
    for batch in steps.chunks(records, lambda record: record[0].rows):
        new = [(item, digest) for item, digest in batch if item.record.order_id not in existing]
        updated = [(item, digest) for item, digest in batch
                 if item.record.order_id in changed_ids]
        pks = insert_new(s, Order, [order_row(item.record, digest) for item, digest in new],
                         Order.order_id) if new else {}
        update_many(s, Order, [{"id": existing[item.record.order_id].id,
                                **order_row(item.record, digest)} for item, digest in updated])
        pks.update({item.record.order_id: existing[item.record.order_id].id
                    for item, _ in updated})
        inserts, updates = [], []
        for item, _ in (*new, *updated):
            order_pk = pks[item.record.order_id]
            for position, line in enumerate(item.record.lines):
                row = {"position": position, "product_id": products[line.sku], "qty": line.qty,
                       "lot": line.lot}
                line_pk = old_lines.get((order_pk, line.line_id))
                if line_pk is None:
                    inserts.append({"order_pk": order_pk, "line_id": line.line_id, **row})
                else:
                    updates.append({"id": line_pk, **row})
        update_many(s, OrderLine, updates)
        insert_many(s, OrderLine, inserts)
    written = sum(1 for item, _ in records if item.record.order_id not in existing)
    refresh_statistics(s, written + len(changed), Order, OrderLine)
