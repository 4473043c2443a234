"""Printing: shipping labels (ZPL) and package inserts, as pure rendering code.

Shipping labels:

- `gs1_ids`    SSCC: build, check, element string `00` + SSCC and its HRI `(00) ...`
- `tracking`   UPU S10 tracking numbers for labels made here
- `templates`  the Jinja2 ZPL template environment, lookup order, text and barcode fields
- `label`      `LabelData` and `render_label()`: one 4 x 6 in `^XA...^XZ` format
- `providers`  `LabelProvider`: labels made offline or supplied by a backend

Nothing here talks to a printer or a database: callers inject serial numbers and send the
bytes with `drivers.label_printer`.
"""
