"""Check each configured device once, headless: does it open, answer, print; what was sent.

Every check takes the device's `DeviceSection` (as the station config has it, or as a setup
screen is editing it), builds the same driver the station builds with a byte monitor's
opener (`opener=open_monitored(monitor)`, so every byte the check moves is recorded in a
`ByteMonitor`) and returns a `CheckResult`. A check never raises and never hangs: driver errors
and unexpected failures become a failed result, each driver call has the configured
`timeout_s`, and `run_bounded` gives up on a check that still has no result after its budget
(its thread is a daemon and ends by itself).

Printer and VLM states are judged by the same mapping the running station uses
(`station.app.devices`), so a device the doctor calls OK is one the station calls connected.
Test prints go through `station.app.samples`, like `packbench print test-label`.

The checks open the port themselves: with the station running, a serial device is then
shared with it, and a reply may go to the wrong reader once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from serial.tools import list_ports

from drivers.label_printer.device import ZplPrinter
from drivers.label_printer.errors import LabelPrinterError
from drivers.monitor import ByteMonitor, Chunk, format_chunks, open_monitored, render_text
from drivers.receipt_printer.device import EscPosPrinter
from drivers.receipt_printer.errors import ReceiptPrinterError
from drivers.scale.continuous import PRESETS
from drivers.scale.device import MtSicsScale
from drivers.scale.errors import (
    ScaleBusyError,
    ScaleError,
    ScaleOverloadError,
    ScaleUnderloadError,
)
from drivers.scale.factory import SCALE_PROTOCOLS, open_scale
from drivers.scale.mtsics import QUIRKS
from drivers.scale.toledo import PROFILES
from drivers.scanner.protocol import LineFramer, Overflow, ScanLine
from drivers.transport import close_transport, read_available
from drivers.vlm import VLM_PROTOCOLS, VlmError, open_vlm
from drivers.vlm.kardex import DIALECTS
from station.app.devices import label_printer_state, receipt_printer_state, vlm_state
from station.app.samples import sample_insert, sample_label
from station.config import PROTOCOLS, BackendSection, DeviceSection, StationConfig

__all__ = [
    "DEVICES", "CheckResult", "SerialPortInfo", "check_backend", "check_label_printer",
    "check_receipt_printer", "check_scale", "check_scanner", "check_vlm", "list_serial_ports",
    "model_choices", "run_bounded", "run_checks",
]

log = logging.getLogger(__name__)

DEVICES = ("scanner", "scale", "label_printer", "receipt_printer", "vlm")
# Errors a device or its URL can cause; anything else is a bug and is logged with its stack.
_DEVICE_ERRORS = (ScaleError, LabelPrinterError, ReceiptPrinterError, VlmError, OSError,
                  ValueError, httpx.HTTPError)
Body = Callable[[], tuple[bool, str, str]]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check; `chunks` are the bytes the check moved (see drivers.monitor)."""

    device: str
    ok: bool
    summary: str
    detail: str = ""
    elapsed_ms: float = 0.0
    url: str = ""
    configured: bool = True
    chunks: tuple[Chunk, ...] = field(default=(), repr=False)
    origin: float = 0.0  # the monitor's start, for timestamps

    @property
    def status(self) -> str:
        """`OK`, `FAIL`, or `--` for a device that is not configured."""
        return "--" if not self.configured else "OK" if self.ok else "FAIL"

    def monitor_text(self) -> str:
        """Return the moved bytes as hex and text rows."""
        return format_chunks(self.chunks, self.origin)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data."""
        return {
            "device": self.device, "status": self.status, "ok": self.ok,
            "configured": self.configured, "url": self.url, "summary": self.summary,
            "detail": self.detail, "elapsed_ms": round(self.elapsed_ms, 1),
            "bytes": [{"direction": c.direction.value, "t_s": round(c.t - self.origin, 6),
                       "hex": c.data.hex(), "text": render_text(c.data)} for c in self.chunks],
        }


@dataclass(frozen=True, slots=True)
class SerialPortInfo:
    """A serial port the operating system reports; `vid_pid` like `067B:2303` for USB."""

    device: str
    description: str
    hwid: str
    vid_pid: str = ""


def port_info(port: list_ports.ListPortInfo) -> SerialPortInfo:
    """Describe one port as `serial.tools.list_ports` reports it."""
    usb = port.vid is not None and port.pid is not None
    vid_pid = f"{port.vid:04X}:{port.pid:04X}" if usb else ""
    return SerialPortInfo(port.device, port.description or "", port.hwid or "", vid_pid)


def list_serial_ports() -> list[SerialPortInfo]:
    """Return the serial ports of this machine, by device name (may take a moment)."""
    return sorted((port_info(p) for p in list_ports.comports()), key=lambda p: p.device)


def model_choices(device: str, protocol: str) -> tuple[str, ...]:
    """Return the `model` names the driver for `device` and `protocol` knows ("" first)."""
    protocol = protocol or (PROTOCOLS.get(device) or ("",))[0]
    names: tuple[str, ...] = ()
    if device == "scale":
        names = tuple({"mt-sics": QUIRKS, "toledo-8217": PROFILES,
                       "continuous": PRESETS}.get(protocol, ()))
    elif device == "vlm" and protocol == "kardex-jmif":
        names = tuple(DIALECTS)
    return ("", *names) if names else ()


# ------------------------------------------------------------------ checks
def _run(device: str, url: str, monitor: ByteMonitor, body: Body) -> CheckResult:
    """Run `body` and time it; turn every exception into a failed result."""
    start = time.monotonic()
    try:
        ok, summary, detail = body()
    except _DEVICE_ERRORS as exc:
        ok, summary, detail = False, str(exc) or type(exc).__name__, type(exc).__name__
    except Exception as exc:  # a bug must still give a result, not a traceback on screen
        log.exception("%s check failed", device)
        ok, summary, detail = False, f"check failed: {exc}", type(exc).__name__
    return CheckResult(device, ok, summary, detail, (time.monotonic() - start) * 1000, url,
                       chunks=tuple(monitor.chunks()), origin=monitor.started)


def _not_configured(device: str) -> CheckResult:
    return CheckResult(device, True, "not configured", configured=False)


def check_scanner(
    cfg: DeviceSection, *, listen_s: float = 0.0, max_lines: int = 0,
    monitor: ByteMonitor | None = None, on_listening: Callable[[], None] | None = None,
) -> CheckResult:
    """Open the scanner's port; with `listen_s`, report the lines scanned meanwhile.

    Listening ends early after `max_lines` lines (0: listen the whole time). Lines are framed
    as the station frames them (terminator, prefix, suffix). `on_listening()` is called once
    the port is open. Listening without a scan is a failure: the scan was the point.
    """
    if not cfg.url:
        return _not_configured("scanner")
    monitor = ByteMonitor() if monitor is None else monitor  # an empty one is falsy

    def body() -> tuple[bool, str, str]:
        framer = LineFramer(cfg.terminator, cfg.max_line_bytes, cfg.prefix.encode(),
                            cfg.suffix.encode())
        port = open_monitored(monitor)(cfg.url, baudrate=cfg.baudrate, timeout=0.05)
        try:
            if listen_s <= 0:
                return True, "port opens (a scanner sends only when a code is scanned)", ""
            if on_listening is not None:
                on_listening()
            lines, overflows = [], 0
            deadline = time.monotonic() + listen_s
            while (left := deadline - time.monotonic()) > 0 and not (
                    max_lines and len(lines) >= max_lines):
                for frame in framer.feed(read_available(port, 65536, wait_s=min(left, 0.1))):
                    if isinstance(frame, ScanLine):
                        lines.append(render_text(frame.data))
                    elif isinstance(frame, Overflow):
                        overflows += 1
        finally:
            close_transport(port)
        too_long = f"; {overflows} line(s) too long" if overflows else ""
        if not lines:
            return False, f"port opens, but no scan arrived in {listen_s:g} s{too_long}", ""
        return True, f"{len(lines)} scan(s): {', '.join(lines[:5])}{too_long}", "\n".join(lines)

    return _run("scanner", cfg.url, monitor, body)


def check_scale(cfg: DeviceSection, *, monitor: ByteMonitor | None = None) -> CheckResult:
    """Read one weight, and the scale's identification where its protocol has one."""
    if not cfg.url:
        return _not_configured("scale")
    monitor = ByteMonitor() if monitor is None else monitor  # an empty one is falsy

    def body() -> tuple[bool, str, str]:
        scale = open_scale(cfg.protocol or SCALE_PROTOCOLS[0], cfg.url, baudrate=cfg.baudrate,
                           timeout_s=cfg.timeout_s, model=cfg.model, pattern=cfg.pattern,
                           opener=open_monitored(monitor))
        try:
            try:
                weight = scale.weight_immediate()
            except (ScaleBusyError, ScaleOverloadError, ScaleUnderloadError) as exc:
                return True, f"answers, but has no weight now: {exc}", type(exc).__name__
            summary = f"{weight.grams:.1f} g, {'stable' if weight.stable else 'in motion'}"
            detail = f"reply {weight.raw!r}"
            if isinstance(scale, MtSicsScale):
                try:
                    ident = scale.identify()
                    summary += f"; {ident.model}, serial {ident.serial_number}"
                except ScaleError as exc:
                    detail += f"; no identification: {exc}"
            return True, summary, detail
        finally:
            scale.close()

    return _run("scale", cfg.url, monitor, body)


def check_label_printer(
    cfg: DeviceSection, *, config: StationConfig | None = None, print_test: bool = False,
    monitor: ByteMonitor | None = None,
) -> CheckResult:
    """Ask the ZPL printer for its host status; with `print_test`, print the test label."""
    if not cfg.url:
        return _not_configured("label_printer")

    def test(printer: ZplPrinter) -> str:
        zpl, data = sample_label(config or StationConfig())
        result = printer.print_label(zpl)
        return (f"test label printed ({result.bytes_sent} bytes, "
                f"tracking {data.tracking_number})")

    return _check_printer(
        "label_printer", cfg, monitor,
        lambda opener: ZplPrinter(cfg.url, timeout_s=cfg.timeout_s, baudrate=cfg.baudrate,
                                  opener=opener),
        label_printer_state, test if print_test else None,
    )


def check_receipt_printer(
    cfg: DeviceSection, *, config: StationConfig | None = None, print_test: bool = False,
    monitor: ByteMonitor | None = None,
) -> CheckResult:
    """Ask the ESC/POS printer for its status; with `print_test`, print the test insert."""
    if not cfg.url:
        return _not_configured("receipt_printer")

    def test(printer: EscPosPrinter) -> str:
        job, _ = sample_insert(config or StationConfig())
        printer.print_job(job)
        return f"test insert printed ({len(job)} bytes)"

    return _check_printer(
        "receipt_printer", cfg, monitor,
        lambda opener: EscPosPrinter(cfg.url, timeout_s=cfg.timeout_s, baudrate=cfg.baudrate,
                                     opener=opener),
        receipt_printer_state, test if print_test else None,
    )


def _check_printer(
    device: str, cfg: DeviceSection, monitor: ByteMonitor | None, make: Callable[..., Any],
    state_of: Callable[[Any], tuple[str, str]], test: Callable[[Any], str] | None,
) -> CheckResult:
    """Judge a printer by the station's own state mapping; then run `test` if given."""
    monitor = ByteMonitor() if monitor is None else monitor  # an empty one is falsy

    def body() -> tuple[bool, str, str]:
        printer = make(open_monitored(monitor))
        try:
            state, detail = state_of(printer)
            if state != "connected":
                return False, f"{state.replace('_', ' ')}: {detail}", detail
            summary = "ready" + (f" ({detail})" if detail else "")
            if test is not None:
                summary += "; " + test(printer)
            return True, summary, detail
        finally:
            printer.close()

    return _run(device, cfg.url, monitor, body)


def check_vlm(cfg: DeviceSection, *, monitor: ByteMonitor | None = None) -> CheckResult:
    """Ping the VLM controller (a Kardex dialect without a ping task: check the connection)."""
    if not cfg.url:
        return _not_configured("vlm")
    monitor = ByteMonitor() if monitor is None else monitor  # an empty one is falsy

    def body() -> tuple[bool, str, str]:
        protocol = cfg.protocol or VLM_PROTOCOLS[0]
        options: dict[str, Any] = {"timeout_s": cfg.timeout_s}
        if protocol == "kardex-jmif":  # the Modbus client is pymodbus's own: no bytes to record
            options.update(baudrate=cfg.baudrate, opener=open_monitored(monitor),
                           **({"dialect": cfg.model} if cfg.model else {}))
        vlm = open_vlm(protocol, cfg.url, **options)
        try:
            no_ping = protocol == "kardex-jmif" and vlm.codes.ping is None
            state, detail = vlm_state(vlm)
            if state != "connected":
                return False, f"{state.replace('_', ' ')}: {detail}", detail
            how = "connected (this dialect has no ping: only the connection was checked)" \
                if no_ping else "answers the ping"
            return True, how + (f"; {detail}" if detail else ""), detail
        finally:
            vlm.close()

    return _run("vlm", cfg.url, monitor, body)


def check_backend(backend: BackendSection, *, timeout_s: float = 5.0) -> CheckResult:
    """Check that `events_url` answers HTTP at all (any status: the server is reachable)."""
    if not backend.events_url:
        return _not_configured("backend")
    url = backend.events_url

    def body() -> tuple[bool, str, str]:
        # GET, not POST: an unsigned POST would be a (rejected) event in the backend's log.
        answer = httpx.get(url, timeout=timeout_s, follow_redirects=False)
        return True, f"reachable (HTTP {answer.status_code} to GET)", answer.reason_phrase

    return _run("backend", url, ByteMonitor(1), body)


# ------------------------------------------------------------------ running
def budget_s(cfg: DeviceSection, *, listen_s: float = 0.0, print_test: bool = False) -> float:
    """Return how long a check of `cfg` may take before it is given up."""
    # Connecting (pyserial's TCP connect gives up after 5 s), then a few request deadlines.
    return 5.0 + 4 * cfg.timeout_s + listen_s + (10.0 if print_test else 0.0)


class _Running:
    def __init__(self, device: str, url: str, limit_s: float,
                 check: Callable[[], CheckResult]) -> None:
        self.device, self.url, self.limit_s = device, url, limit_s
        self.deadline = time.monotonic() + limit_s
        self.result: CheckResult | None = None
        self.done = threading.Event()
        self._check = check
        threading.Thread(target=self._work, name=f"doctor-{device}", daemon=True).start()

    def _work(self) -> None:
        try:
            self.result = self._check()
        finally:
            self.done.set()

    def wait(self) -> CheckResult:
        self.done.wait(max(self.deadline - time.monotonic(), 0.0))
        if self.result is not None:
            return self.result
        return CheckResult(self.device, False, f"no result within {self.limit_s:g} s",
                           elapsed_ms=self.limit_s * 1000, url=self.url)


def run_bounded(device: str, url: str, limit_s: float,
                check: Callable[[], CheckResult]) -> CheckResult:
    """Run `check` on a thread; a failed result if it has none within `limit_s`."""
    return _Running(device, url, limit_s, check).wait()


def run_checks(
    config: StationConfig, *, print_tests: bool = False, listen_s: float = 0.0,
    backend: bool = True,
) -> list[CheckResult]:
    """Check every device of `config` at once (one thread each); results in `DEVICES` order."""
    d = config.devices
    checks: dict[str, tuple[DeviceSection, float, Callable[[], CheckResult]]] = {
        "scanner": (d.scanner, budget_s(d.scanner, listen_s=listen_s),
                    lambda: check_scanner(d.scanner, listen_s=listen_s, max_lines=1)),
        "scale": (d.scale, budget_s(d.scale), lambda: check_scale(d.scale)),
        "label_printer": (d.label_printer, budget_s(d.label_printer, print_test=print_tests),
                          lambda: check_label_printer(d.label_printer, config=config,
                                                      print_test=print_tests)),
        "receipt_printer": (d.receipt_printer,
                            budget_s(d.receipt_printer, print_test=print_tests),
                            lambda: check_receipt_printer(d.receipt_printer, config=config,
                                                          print_test=print_tests)),
        "vlm": (d.vlm, budget_s(d.vlm), lambda: check_vlm(d.vlm)),
    }
    running = [_Running(name, cfg.url, limit, check)
               for name, (cfg, limit, check) in checks.items()]
    if backend:
        running.append(_Running("backend", config.backend.events_url, 10.0,
                                lambda: check_backend(config.backend)))
    return [r.wait() for r in running]
