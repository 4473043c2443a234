"""Run a demo station: sample catalogue and orders, simulated scanner and scale.

Every device is a simulator speaking its real wire protocol: scanner (pty), MT-SICS scale,
ZPL label printer, ESC/POS receipt printer and Kardex VLM (loopback TCP). Lines typed at the
prompt go through the simulated scanner exactly as a scanner's would; lines starting with
`!` control the simulated scale and printers. `--auto N` packs N
orders by itself, which is also how the demo is tested.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs
from sqlalchemy import select

from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.kardex import SimKardexVlm
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.zpl import SimZplPrinter
from station.app.bootstrap import bootstrap
from station.app.events import Event, JsonlSink
from station.app.headless import HeadlessStation
from station.app.packers import add_packer
from station.config import StationConfig
from station.data.models import Order, OrderLine, Product, ProductBarcode
from sync import importing
from sync.receiver.app import Receiver
from sync.relay.client import Secret

HELP = """\
Type or scan a barcode and press Enter. Simulator controls:
  !orders        list orders ready to pack, with their items' barcodes
  !w GRAMS       put a parcel of GRAMS on the scale      !auto   put the expected weight
  !off           take the parcel off the scale           !help   this text
  !label paper-out|head-open|ok    !receipt paper-out|cover-open|ok   printer faults
  !quit          stop the demo
Badges: BADGE:1001 (packer), BADGE:9001 (supervisor). Commands: docs/commands.md"""

GREEN, RED, AMBER, DIM, RESET = "\x1b[1;32m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[2m", "\x1b[0m"


def demo_config(folder: Path, base: StationConfig | None = None) -> StationConfig:
    """Return the demo station's configuration: `base` (or demo settings), its own database."""
    if base is None:
        base = StationConfig.model_validate({
            "station": {"id": "demo-1", "site": "demo"},
            "printing": {
                "sscc_company_prefix": "0614141",  # GS1's example company prefix
                "review_url_template": "https://shop.example/review/{order_id}",
                "returns_url_template": "https://shop.example/returns/{order_number}",
                "ship_from": {"name": "Demo Shop", "street": "Lagerstraße 5",
                              "city": "Berlin", "postal_code": "10115", "country": "DE"},
            },
        })
    config = base.model_copy(deep=True)
    config.station.database = f"sqlite:///{folder / 'demo.db'}"
    return config


def prepare_demo_database(folder: Path, base: StationConfig | None = None) -> StationConfig:
    """Create the demo database in `folder` and load the demo data (idempotent).

    `base` gives the other settings; the database is always the demo's own.
    """
    folder.mkdir(parents=True, exist_ok=True)
    config = demo_config(folder, base)
    from station.app.bootstrap import open_database

    database = open_database(config)
    data = resources.files("resources") / "demo"
    try:
        with resources.as_file(data) as path:
            importing.import_products(database.sessions, path / "products.jsonl")
            importing.import_box_types(database.sessions, path / "boxes.json")
            importing.import_orders(database.sessions, path / "orders.jsonl")
            for p in json.loads((path / "packers.json").read_text(encoding="utf-8")):
                add_packer(database.sessions, badge_id=p["badge_id"], name=p["name"],
                           role=p["role"], pin=p.get("pin"))
    finally:
        database.close()
    return config


class Console:
    """Show station events to a person, in colour."""

    def __init__(self, out=None) -> None:
        self.out = out or sys.stdout
        self.expected_g: float | None = None
        self.events: list[Event] = []
        self.changed = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self.changed:
            self.events.append(event)
            self.changed.notify_all()
        name = event["event"]
        if name == "weight.requested":
            self.expected_g = event["expected_g"]
        line = self._format(event)
        if line:
            print(line, file=self.out, flush=True)

    def _format(self, e: Event) -> str:
        name = e["event"]
        if name == "scan.accepted":
            return f"{GREEN}  OK  {RESET}{e['message']}  {DIM}next: {e['prompt']}{RESET}"
        if name == "scan.rejected":
            return f"{RED} STOP {RESET}{e['message']}  {DIM}next: {e.get('prompt', '')}{RESET}"
        if name == "weight.requested":
            return (f"{AMBER}WEIGH {RESET}box {e['package']}: expected {e['expected_g']:.0f} g "
                    f"({e['low_g']:.0f}-{e['high_g']:.0f} g)  {DIM}try !auto{RESET}")
        if name == "weight.accepted":
            return f"{GREEN}  OK  {RESET}weight {e['weight_g']:.0f} g"
        if name == "label.created":
            return (f"{DIM}label  box {e['package']}: {e['tracking_number']}"
                    f"{'  SSCC ' + e['sscc'] if e.get('sscc') else ''}{RESET}")
        if name == "print.printed":
            return f"{DIM}printed {e['kind']} on the {e['device'].replace('_', ' ')}{RESET}"
        if name in ("print.waiting", "print.failed"):
            return (f"{AMBER}PRINT {RESET}{e['kind']} waits: {e.get('detail', '')}  "
                    f"{DIM}(it prints when the printer is back){RESET}")
        if name == "station.error":
            return f"{RED}ERROR {RESET}{e['message']}"
        if name == "weight.rejected":
            return (f"{RED} STOP {RESET}weight {e['weight_g']:.0f} g, expected "
                    f"{e['expected_g']:.0f} ± {e['allowance_g']:.0f} g: CMD:REWEIGH or "
                    "supervisor badge + CMD:REASON-...")
        if name == "order.packed":
            return (f"{GREEN}PACKED{RESET} order {e['order_number']}  "
                    f"{DIM}(take it off: !off){RESET}")
        if name == "order.exception":
            return f"{AMBER} HOLD {RESET}order {e['order_number']}: {e['reason']}"
        if name == "station.ready":
            return f"station ready: {e['prompt']}"
        if name == "device.state":
            colour = {"connected": DIM, "not_ready": AMBER}.get(e["state"], RED)
            return f"{colour}{e['device']}: {e['state']} {e.get('detail', '')}{RESET}"
        return ""

    def scan_verdicts(self) -> int:
        """Count the scan verdicts shown so far."""
        return sum(1 for e in self.events if e["event"].startswith("scan."))

    def wait_for(self, name: str, start: int, timeout: float = 20.0) -> Event:
        """Wait for an event named `name` after index `start`."""
        with self.changed:
            ok = self.changed.wait_for(
                lambda: any(e["event"] == name for e in self.events[start:]), timeout
            )
            if not ok:
                raise TimeoutError(f"demo: no {name} within {timeout} s")
            return next(e for e in self.events[start:] if e["event"] == name)


OrderPlan = list[tuple[str, list[tuple[str, int, bool, bool]]]]


def ready_orders(config: StationConfig, limit: int) -> OrderPlan:
    """Return ready orders with, per line, a barcode, quantity and lot/serial needs."""
    from station.app.bootstrap import open_database

    database = open_database(config)
    out = []
    try:
        with database.sessions() as s:
            for order in s.scalars(
                select(Order).where(Order.status == "ready").order_by(Order.id).limit(limit)
            ):
                lines = []
                for line, product in s.execute(
                    select(OrderLine, Product).join(Product).where(OrderLine.order_pk == order.id)
                    .order_by(OrderLine.position)
                ):
                    code = s.scalars(select(ProductBarcode.original)
                                     .where(ProductBarcode.product_id == product.id)).first()
                    lines.append((code, line.qty, product.requires_lot, product.requires_serial,
                                  line.lot))
                out.append((order.order_number, lines))
    finally:
        database.close()
    return out


def start_demo_devices(
    folder: Path, base: StationConfig | None = None,
) -> tuple[StationConfig, Sims, Receiver]:
    """Prepare the demo database and start its simulators and reference backend.

    Return the configuration pointing the station at them; the caller stops `sims` and
    `receiver`.
    """
    config = prepare_demo_database(folder, base)
    secret = Secret.generate().reveal()
    receiver = Receiver(secret, str(folder / "backend.db")).start()
    config.backend.events_url, config.backend.secret = receiver.events_url, secret
    sims = Sims(SimScanner.on_pty(), SimMtSics.on_tcp(), SimZplPrinter("tcp"),
                SimEscPosPrinter("tcp"), SimKardexVlm("tcp"))
    devices = config.devices
    devices.scanner.url, devices.scale.url = sims.scanner.url, sims.scale.url
    devices.scale.protocol = "mt-sics"
    devices.scale.poll_interval_s = 0.05
    devices.label_printer.url, devices.label_printer.protocol = sims.label.url, "zpl"
    devices.receipt_printer.url, devices.receipt_printer.protocol = sims.receipt.url, "escpos"
    devices.vlm.url, devices.vlm.protocol = sims.vlm.url, "kardex-jmif"
    return config, sims, receiver


def run_demo(
    folder: Path | None, *, auto: int = 0, events_path: str | None = None,
    base: StationConfig | None = None,
) -> int:
    """Run the demo station; return the exit code."""
    folder = folder or Path(platformdirs.user_data_dir("packbench", appauthor=False)) / "demo"
    print(f"demo database: {folder / 'demo.db'}")
    config, sims, receiver = start_demo_devices(folder, base)
    scanner, scale = sims.scanner, sims.scale
    console = Console()
    sink = JsonlSink(events_path) if events_path else None

    def emit(event: Event) -> None:
        console(event)
        if sink:
            sink(event)

    database, core = bootstrap(config, emit)
    station = HeadlessStation(core)
    worker = threading.Thread(target=station.run, name="core", daemon=True)
    watcher = BackendWatcher(receiver, console)
    watcher.start()
    try:
        station.start()
        worker.start()
        if auto:
            code = _autopilot(config, console, scanner, scale, auto)
            if station.relay is not None:
                station.relay.flush(15)  # let the demo backend get the last events
            time.sleep(0.5)  # and the watcher show them
            return code
        print(HELP)
        _interactive(config, console, sims)
        return 0
    finally:
        station.stop()
        worker.join(timeout=5)
        watcher.stop()
        receiver.stop()
        sims.stop()
        database.close()
        if sink:
            sink.close()


class BackendWatcher:
    """Show the events the demo's reference backend receives, as they arrive."""

    def __init__(self, receiver: Receiver, console: Console) -> None:
        self.receiver = receiver
        self.console = console
        self.received: list[tuple[int, str, str, int | None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backend-watch", daemon=True)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        last = 0
        while not self._stop.wait(0.3):
            for arrival, kind, subject, seq in self.receiver.store.since(last):
                last = arrival
                self.received.append((arrival, kind, subject, seq))
                short = kind.removeprefix("packbench.").removesuffix(".v1")
                print(f"{DIM}backend received {short} for {subject} (#{seq}){RESET}",
                      file=self.console.out, flush=True)


@dataclass
class Sims:
    """The demo's simulated devices."""

    scanner: SimScanner
    scale: SimMtSics
    label: SimZplPrinter
    receipt: SimEscPosPrinter
    vlm: SimKardexVlm

    def stop(self) -> None:
        """Stop every simulator."""
        for sim in (self.scanner, self.scale, self.label, self.receipt, self.vlm):
            sim.stop()

    def printer(self, words: list[str]) -> str:
        """Handle `!label ...` / `!receipt ...`: paper-out, head-open, cover-open, ok."""
        sim = self.label if words[0] == "!label" else self.receipt
        action = words[1] if len(words) > 1 else ""
        faults = {"paper-out": "paper_out", "head-open": "head_open", "cover-open": "cover_open",
                  "ok": "clear"}
        method = getattr(sim, faults.get(action, ""), None)
        if method is None:
            return f"usage: {words[0]} paper-out|head-open|cover-open|ok"
        method()
        return f"{words[0][1:]} printer: {action}"


def _interactive(config, console: Console, sims: Sims) -> None:
    scanner, scale = sims.scanner, sims.scale
    sent = 0
    for raw in sys.stdin:
        line = raw.rstrip("\r\n")
        if not line:
            continue
        if line in ("!quit", "!q"):
            break
        if line == "!help":
            print(HELP)
        elif line == "!orders":
            for number, lines in ready_orders(config, 8):
                items = ", ".join(f"{code} x{qty}" for code, qty, *_ in lines)
                print(f"  {number}: {items}")
        elif line == "!auto":
            if console.expected_g is None:
                print("nothing to weigh yet")
            else:
                scale.place(console.expected_g)
        elif line == "!off":
            scale.place(0.0)
        elif line.split()[0] in ("!label", "!receipt"):
            print(sims.printer(line.split()))
        elif line.startswith("!w"):
            try:
                scale.place(float(line[2:].strip()))
            except ValueError:
                print("usage: !w GRAMS")
        else:
            scanner.scan(line)
            sent += 1
    # Input may end (a pipe) before the station has answered every scan: wait for them.
    with console.changed:
        console.changed.wait_for(lambda: console.scan_verdicts() >= sent, 10)


def _autopilot(config, console: Console, scanner, scale, count: int) -> int:
    """Pack `count` ready orders with simulated scans and weights."""
    orders = ready_orders(config, count)
    if len(orders) < count:
        print(f"only {len(orders)} ready orders in the demo database", file=sys.stderr)
        return 1

    def scan(code: str) -> Event:
        mark = len(console.events)
        scanner.scan(code)
        with console.changed:
            console.changed.wait_for(
                lambda: any(e["event"].startswith("scan.") for e in console.events[mark:]), 10
            )
        return next(e for e in console.events[mark:] if e["event"].startswith("scan."))

    scan("BADGE:1001")
    serial = 0
    for number, lines in orders:
        scan(number)
        mark = len(console.events)
        for code, qty, needs_lot, needs_serial, fixed_lot in lines:
            for _ in range(qty):
                scan(code)
                if needs_lot:
                    scan(fixed_lot or "LOT-DEMO-1")
                if needs_serial:
                    serial += 1
                    scan(f"SN-DEMO-{serial:06d}")
        console.wait_for("weight.requested", mark)
        assert console.expected_g is not None
        scale.place(console.expected_g)
        console.wait_for("order.packed", mark)
        mark = len(console.events)
        scale.place(0.0)
        console.wait_for("scale.cleared", mark)
    return 0
