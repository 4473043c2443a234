"""Zebra ZPL II label printers: `ZplPrinter` (device), `protocol` (pure framing), errors."""
