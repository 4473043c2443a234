"""Open the configured printers and VLM behind device workers; map their states for the station.

This is the one place where each driver's own state names become the station's
`device.state` vocabulary:

- `connected`: the device answers and can work (`detail` may still warn, e.g. paper low);
- `not_ready`: it answers but cannot work now (`detail` says why: paper out, head open...);
- `disconnected`: it cannot be reached (unplugged, refused, wrong URL);
- `error`: it answers wrongly or not in time.
"""

from __future__ import annotations

from collections.abc import Callable

from drivers.label_printer.device import ZplPrinter
from drivers.label_printer.errors import LabelPrinterConnectionError, LabelPrinterError
from drivers.label_printer.status import PrinterState
from drivers.receipt_printer.device import EscPosPrinter, ReceiptPrinterState
from drivers.receipt_printer.errors import ReceiptPrinterConnectionError, ReceiptPrinterError
from drivers.vlm import VlmConnectionError, VlmController, VlmError, VlmState, open_vlm
from station.app.device_worker import DeviceWorker, OnState
from station.config import DevicesSection

_LABEL_NOT_READY = frozenset({
    PrinterState.HEAD_OPEN, PrinterState.PAPER_OUT, PrinterState.RIBBON_OUT,
    PrinterState.BUFFER_FULL, PrinterState.PAUSED,
})


def label_printer_state(printer: ZplPrinter) -> tuple[str, str]:
    """Ask a ZPL printer for its status; return the station state and its detail."""
    try:
        status = printer.status()
    except LabelPrinterConnectionError as exc:
        return "disconnected", str(exc)
    except LabelPrinterError as exc:
        return "error", str(exc)
    detail = ", ".join(problem.value for problem in status.problems)
    if status.state is PrinterState.READY:
        return "connected", detail
    if status.state in _LABEL_NOT_READY:
        return "not_ready", detail or status.state.value
    return "error", detail or status.state.value


def receipt_printer_state(printer: EscPosPrinter) -> tuple[str, str]:
    """Ask an ESC/POS printer for its status; return the station state and its detail."""
    try:
        status = printer.status()
    except ReceiptPrinterConnectionError as exc:
        return "disconnected", str(exc)
    except ReceiptPrinterError as exc:
        return "error", str(exc)
    detail = ", ".join(status.problems)
    state = printer.state
    if state in (ReceiptPrinterState.READY, ReceiptPrinterState.PAPER_LOW):
        return "connected", detail
    if state is ReceiptPrinterState.NOT_READY:
        return "not_ready", detail
    return "error", detail or state.value


def vlm_state(vlm: VlmController) -> tuple[str, str]:
    """Ping a VLM controller; return the station state and its detail (the tray's state)."""
    try:
        vlm.ping()
    except VlmConnectionError as exc:
        return "disconnected", str(exc)
    except VlmError as exc:
        return "error", str(exc)
    status = vlm.status()
    if status.state is VlmState.FAULT:
        return "not_ready", status.last_error or "controller not ready"
    if status.state is VlmState.DISCONNECTED:
        return "disconnected", status.last_error
    return "connected", "" if status.state is VlmState.IDLE else f"tray {status.state.value}"


def device_workers(devices: DevicesSection, on_state: OnState) -> dict[str, DeviceWorker]:
    """Return a (not yet started) worker for each configured printer and VLM."""
    makers: dict[str, Callable[[], DeviceWorker]] = {}
    label, receipt = devices.label_printer, devices.receipt_printer
    if label.url:
        makers["label_printer"] = lambda: DeviceWorker(
            "label_printer",
            ZplPrinter(label.url, timeout_s=label.timeout_s, baudrate=label.baudrate),
            label_printer_state, on_state, interval_s=label.status_interval_s,
            close=ZplPrinter.close,
        )
    if receipt.url:
        makers["receipt_printer"] = lambda: DeviceWorker(
            "receipt_printer",
            EscPosPrinter(receipt.url, timeout_s=receipt.timeout_s, baudrate=receipt.baudrate),
            receipt_printer_state, on_state, interval_s=receipt.status_interval_s,
            close=EscPosPrinter.close,
        )
    vlm = devices.vlm
    if vlm.url:
        protocol = vlm.protocol or "kardex-jmif"
        options: dict = {}
        if protocol == "kardex-jmif":  # a serial Kardex link runs at the configured speed
            options = {"baudrate": vlm.baudrate, **({"dialect": vlm.model} if vlm.model else {})}
        makers["vlm"] = lambda: DeviceWorker(
            "vlm", open_vlm(protocol, vlm.url, timeout_s=vlm.timeout_s, **options),
            vlm_state, on_state, interval_s=vlm.status_interval_s, close=lambda v: v.close(),
        )
    return {name: make() for name, make in makers.items()}
