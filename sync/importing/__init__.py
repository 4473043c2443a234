"""Import products, orders and box types from JSON, JSON-lines or CSV files, all or nothing.

Every function reads and checks the whole file first and collects every problem with its line
number; if there is any, it raises ImportFailed and writes nothing. Otherwise it writes in one
transaction. `progress(n)` is called with the number of bytes of the file read so far (the
last call gives the file size; writing follows). `report(done, total, phase)` follows every
phase, "reading", "checking" and "writing", in chunks; an exception raised by it stops the
import with nothing written (see `sync.importing.steps`). The formats are in
docs/import-formats.md.
"""

from sync.importing.boxes import import_box_types
from sync.importing.issues import ImportFailed, ImportIssue, ImportResult
from sync.importing.orders import import_orders
from sync.importing.products import import_products

__all__ = [
    "ImportFailed",
    "ImportIssue",
    "ImportResult",
    "import_box_types",
    "import_orders",
    "import_products",
]
