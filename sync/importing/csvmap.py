"""Turn CSV rows (all text) into the same typed records a JSON file gives.

Lists are `|`-separated in one cell (`barcodes`, `dimensions_mm` as `l|w|h`). An empty cell
means "not given". A cell that does not convert is passed on unchanged, so the record model
reports it with the usual message ("must be a number").

Orders have one row per order line. Rows of one order need not be next to each other; the
order's lines keep the order of their rows, and its order-level cells must agree on every row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sync.importing.issues import Issues
from sync.importing.readers import CsvColumns

TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")

PRODUCT_COLUMNS = CsvColumns(
    required=("sku", "title", "barcodes", "unit_weight_g"),
    optional=("dimensions_mm", "category", "fragile", "requires_serial", "requires_lot",
              "image_url"),
)
BOX_COLUMNS = CsvColumns(required=("code", "name", "tare_g"), optional=("dimensions_mm",))

_ORDER_REQUIRED = (
    "order_id", "order_number", "customer_first_name", "customer_last_name", "customer_email",
    "ship_to_name", "ship_to_street", "ship_to_city", "ship_to_postal_code", "ship_to_region",
    "ship_to_country", "carrier", "service",
)
_ORDER_OPTIONAL = (
    "pick_list_id", "tote_id", "insert_message", "insert_review_url", "insert_returns_url",
    "brand", "channel",
)
_LINE_COLUMNS = ("line_id", "sku", "qty", "lot")
ORDER_COLUMNS = CsvColumns(
    required=(*_ORDER_REQUIRED, "line_id", "sku", "qty"), optional=(*_ORDER_OPTIONAL, "lot")
)
_NESTED = ("customer", "ship_to", "insert")


def number(cell: str) -> object:
    """Return the int or float a cell holds, or the cell itself."""
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return cell


def boolean(cell: str) -> object:
    """Return True/False for true/false/1/0/yes/no (any case), or the cell itself."""
    word = cell.lower()
    return True if word in TRUE else False if word in FALSE else cell


def split(cell: str) -> list[str]:
    """Split a `|`-separated cell, dropping empty parts."""
    return [part.strip() for part in cell.split("|") if part.strip()]


def product_record(row: dict[str, str]) -> dict:
    """Convert one products.csv row to a product record."""
    out: dict[str, object] = {}
    for name, cell in row.items():
        if cell == "":
            continue
        if name == "barcodes":
            out[name] = split(cell)
        elif name == "unit_weight_g":
            out[name] = number(cell)
        elif name == "dimensions_mm":
            out[name] = [number(part) for part in split(cell)]
        elif name in ("fragile", "requires_serial", "requires_lot"):
            out[name] = boolean(cell)
        else:
            out[name] = cell
    return out


def box_record(row: dict[str, str]) -> dict:
    """Convert one boxes.csv row to a box-type record."""
    out: dict[str, object] = {}
    for name, cell in row.items():
        if cell == "":
            continue
        if name == "tare_g":
            out[name] = number(cell)
        elif name == "dimensions_mm":
            out[name] = [number(part) for part in split(cell)]
        else:
            out[name] = cell
    return out


def order_records(
    rows: Iterable[tuple[int, dict[str, str]]], issues: Issues
) -> Iterator[tuple[int, dict, list[int]]]:
    """Group order-line rows into orders; yield (first line, record, line of each order line)."""
    orders: dict[str, tuple[int, dict[str, str], dict, list[int]]] = {}
    for line, row in rows:
        order_id = row.get("order_id", "")
        if not order_id:
            issues.add(line, "order_id", "is required")
            continue
        head = {name: row.get(name, "") for name in (*_ORDER_REQUIRED, *_ORDER_OPTIONAL)}
        known = orders.get(order_id)
        if known is None:
            known = orders[order_id] = (line, head, _order_fields(head), [])
        else:
            first_line, first_head = known[0], known[1]
            for name, cell in head.items():
                if cell != first_head[name]:
                    issues.add(line, name, f"{cell!r} differs from line {first_line} "
                               f"({first_head[name]!r}) for order {order_id}; the order's "
                               "columns must be the same on each of its rows")
        known[2]["lines"].append(_line_fields(row))
        known[3].append(line)
    for first_line, _head, record, line_rows in orders.values():
        yield first_line, record, line_rows


def _order_fields(head: dict[str, str]) -> dict:
    out: dict[str, object] = {"lines": []}
    for name, cell in head.items():
        group = next((g for g in _NESTED if name.startswith(g + "_")), None)
        if group is None:
            if cell:
                out[name] = cell
            continue
        key = name[len(group) + 1:]
        if group == "insert":
            if cell:
                out.setdefault("insert", {})[key] = cell  # type: ignore[index]
        else:
            # Empty customer/ship-to cells stay: the record decides what may be empty.
            out.setdefault(group, {})[key] = cell  # type: ignore[index]
    return out


def _line_fields(row: dict[str, str]) -> dict:
    out: dict[str, object] = {}
    for name in _LINE_COLUMNS:
        cell = row.get(name, "")
        if cell:
            out[name] = number(cell) if name == "qty" else cell
    return out
