"""Run a station without a screen: scanner and scale workers feeding one core thread.

Threads: the scanner reader (pushes lines), the scale worker (reads weights only while the
core waits for one), and the core worker (the only thread that touches the pack state and
the database). They talk through one queue, so inputs are handled strictly in arrival order.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from drivers.scale.device import Weight
from drivers.scale.errors import ScaleBusyError, ScaleConnectionError, ScaleError
from drivers.scale.factory import open_scale
from drivers.scanner.device import ScannerReader
from station.app.core import StationCore
from station.app.device_worker import DeviceWorker
from station.app.devices import device_workers
from station.app.events import make_event
from station.app.pull import pull_orders
from station.app.spooler import PrintSpooler
from station.config import DeviceSection
from sync.relay import Relay, RelayState, open_relay
from sync.relay.claim import outstanding_count

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Input:
    kind: str  # scan | pin | overflow | weight | cleared | device | event | stop
    data: bytes = b""
    grams: float = 0.0
    generation: int = 0
    event: dict | None = None


class ScaleWorker:
    """Poll the scale; report one stable parcel weight per request and when it is emptied.

    The scale is read continuously (live weight for the screen, removal of the last
    parcel). A parcel only counts once the scale has read empty since the previous
    accepted parcel, so a parcel left on the scale is never taken for the next one.
    """

    def __init__(
        self, cfg: DeviceSection, inbox: queue.Queue, min_parcel_g: float, *,
        armed: bool = True, on_live_weight: Callable[[Weight | None], None] | None = None,
    ) -> None:
        self.cfg = cfg
        self.inbox = inbox
        self.min_parcel_g = min_parcel_g
        self.last_weight: Weight | None = None
        # Every changed reading (None: no reading), for the screen; called on this thread.
        self.on_live_weight = on_live_weight
        self._request = 0
        self._served = 0
        # False when the last accepted parcel may still be on the scale (kept across restarts)
        self._armed = armed
        self._empty: bool | None = None
        self._stop = threading.Event()
        self._state = ""
        self._thread = threading.Thread(target=self._run, name="scale", daemon=True)

    def start(self) -> None:
        """Start the worker thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker thread."""
        self._stop.set()
        self._thread.join(timeout=3)

    def request(self) -> int:
        """Ask for one stable parcel weight; return the request generation."""
        self._request += 1
        return self._request

    def cancel(self) -> None:
        """Drop the outstanding request."""
        self._served = self._request

    def parcel_accepted(self) -> None:
        """Require the scale to be emptied before the next parcel counts."""
        self._armed = False

    def _set_state(self, state: str, detail: str = "") -> None:
        if state != self._state:
            self._state = state
            self.inbox.put(_Input("device", data=f"scale\t{state}\t{detail}".encode()))

    def _run(self) -> None:
        cfg = self.cfg
        scale = open_scale(
            cfg.protocol or "mt-sics", cfg.url, baudrate=cfg.baudrate, timeout_s=cfg.timeout_s,
            model=cfg.model, pattern=cfg.pattern,
        )
        try:
            while not self._stop.is_set():
                try:
                    weight = scale.weight_immediate()
                    self._set_state("connected")
                except ScaleConnectionError as exc:
                    self._live(None)
                    self._set_state("disconnected", str(exc))
                    self._stop.wait(self.cfg.reconnect_s)
                    continue
                except ScaleBusyError:
                    # In motion (a Toledo sends no weight then) or busy: a parcel is being
                    # placed, not a fault. It never counts as a weight.
                    self._set_state("connected")
                    self._empty = False
                    if self.last_weight is not None and self.last_weight.stable:
                        self._live(dataclasses.replace(self.last_weight, stable=False))
                    self._stop.wait(self.cfg.poll_interval_s)
                    continue
                except ScaleError as exc:
                    self._live(None)
                    self._set_state("error", str(exc))
                    self._stop.wait(self.cfg.poll_interval_s)
                    continue
                self._live(weight)
                self._observe(weight)
                self._stop.wait(self.cfg.poll_interval_s)
        finally:
            scale.close()

    def _live(self, weight: Weight | None) -> None:
        previous, self.last_weight = self.last_weight, weight
        if self.on_live_weight is None or weight == previous:
            return
        try:
            self.on_live_weight(weight)
        except Exception:  # the display must never stop the weighing
            log.exception("live weight listener failed")

    def _observe(self, weight: Weight) -> None:
        empty = weight.grams < self.min_parcel_g
        if empty:
            self._armed = True
            if self._empty is not True:
                self.inbox.put(_Input("cleared"))
        self._empty = empty
        generation = self._request
        if generation > self._served and weight.stable and not empty and self._armed:
            self._served = generation
            self.inbox.put(_Input("weight", grams=weight.grams, generation=generation))


class HeadlessStation:
    """Wire scanner, scale and core together and run until stopped."""

    def __init__(self, core: StationCore) -> None:
        self.core = core
        self.config = core.config
        self.inbox: queue.Queue[_Input] = queue.Queue()
        self.scanner: ScannerReader | None = None
        self.scale: ScaleWorker | None = None
        self.devices: dict[str, DeviceWorker] = {}
        self.spooler: PrintSpooler | None = None
        self.relay: Relay | None = None
        self._generation = 0
        self._stopped = threading.Event()
        # Set before start() to follow the scale's readings (the screen's live weight).
        self.on_live_weight: Callable[[Weight | None], None] | None = None

    def start(self) -> None:
        """Start the scanner, resume the core (which announces `station.ready`), then the scale.

        Scanner lines that arrive before the core loop runs wait in the queue: none is lost.
        """
        devices = self.config.devices
        if devices.scanner.url:
            sc = devices.scanner
            self.scanner = ScannerReader(
                sc.url, baudrate=sc.baudrate, terminator=sc.terminator,
                max_line_bytes=sc.max_line_bytes, prefix=sc.prefix.encode(),
                suffix=sc.suffix.encode(), reconnect_s=sc.reconnect_s,
                on_line=lambda data: self.inbox.put(_Input("scan", data=data)),
                on_overflow=lambda n: self.inbox.put(_Input("overflow", grams=n)),
                on_state=lambda st, detail: self.inbox.put(
                    _Input("device", data=f"scanner\t{st.value}\t{detail}".encode())
                ),
            )
            self.scanner.start()
        self.core.start()
        if devices.scale.url:
            self.scale = ScaleWorker(
                devices.scale, self.inbox, self.config.weight.min_parcel_g,
                armed=not self.core.state.scale_must_clear, on_live_weight=self.on_live_weight,
            )
            self.scale.start()
        self.devices = device_workers(devices, self._device_state)
        for worker in self.devices.values():
            worker.start()
        self.spooler = PrintSpooler(
            self.core.sessions, self.core.station_id, self.devices,
            lambda event: self.inbox.put(_Input("event", event=event)),
        )
        self.core.on_print_queued = self.spooler.wake
        self.spooler.start()  # jobs left queued by an earlier run go out now
        self._start_relay()
        if self.config.backend.orders_url:
            self._puller = threading.Thread(target=self._pull_orders, name="orders-pull",
                                            daemon=True)
            self._puller.start()
        self._maybe_request_weight()

    def _pull_orders(self) -> None:
        """Pull ready orders every `pull_interval_s` until the station stops."""
        while not self._stopped.is_set():
            try:
                result = pull_orders(self.core.sessions, self.config)
                event = make_event("orders.pulled", self.core.station_id,
                                   records=result.records, created=result.created,
                                   updated=result.updated)
            except Exception as exc:  # the backend or a page was bad: say so, try later
                log.warning("order pull failed: %s", exc)
                event = make_event("orders.pull_failed", self.core.station_id,
                                   message=str(exc)[:500])
            self.inbox.put(_Input("event", event=event))
            self._stopped.wait(self.config.backend.pull_interval_s)

    def _start_relay(self) -> None:
        backend = self.config.backend
        if not backend.events_url:
            return
        self.relay = open_relay(
            self.core.sessions, events_url=backend.events_url, secret=backend.secret,
            sender_id=f"{self.core.station_id}:{uuid.uuid4().hex[:8]}",
            on_relay_state_changed=self._relay_state,
            on_alert=lambda kind, detail: self.inbox.put(_Input("event", event=make_event(
                "backend.alert", self.core.station_id, kind=kind, detail=detail))),
        )
        self.core.on_events_queued = self.relay.wake
        self.relay.start()  # events left by an earlier run (or a long outage) go out now

    def _relay_state(self, state: RelayState) -> None:
        """Show the backend queue like a device: offline with N events waiting, or paused."""
        with self.core.sessions() as s:
            waiting = outstanding_count(s)
        if state in (RelayState.IDLE, RelayState.SENDING):
            shown, detail = "connected", f"{waiting} event(s) waiting" if waiting else ""
        elif state is RelayState.RETRYING:
            shown, detail = "disconnected", f"offline, {waiting} event(s) waiting"
        elif state is RelayState.PAUSED:
            paused = self.relay.paused_detail if self.relay else ""
            shown, detail = "error", f"paused: {paused}; {waiting} event(s) waiting"
        else:
            return
        self._device_state("backend", shown, detail)

    def _device_state(self, device: str, state: str, detail: str) -> None:
        self.inbox.put(_Input("device", data=f"{device}\t{state}\t{detail}".encode()))
        if self.spooler is not None:
            self.spooler.wake()  # a printer that is back prints what waits for it

    def feed_scan(self, data: bytes) -> None:
        """Handle a scan from another source (a keyboard-wedge scanner on the screen)."""
        self.inbox.put(_Input("scan", data=data))

    def feed_pin(self, badge_id: str, pin: str) -> None:
        """Handle a badge number and PIN typed at the screen (as if the badge were scanned)."""
        self.inbox.put(_Input("pin", data=f"{badge_id}\t{pin}".encode()))

    def stop(self) -> None:
        """Ask the core loop to finish."""
        self.inbox.put(_Input("stop"))

    def run(self) -> None:
        """Handle inputs until `stop()`; this thread is the core worker."""
        try:
            while True:
                item = self.inbox.get()
                if item.kind == "stop":
                    break
                self._handle(item)
        finally:
            if self.scanner:
                self.scanner.stop()
            if self.scale:
                self.scale.stop()
            if self.relay:
                self.relay.close()
            if self.spooler:
                self.spooler.stop()
            for worker in self.devices.values():
                worker.stop()
            self._stopped.set()

    def _handle(self, item: _Input) -> None:
        if item.kind == "scan":
            self.core.handle_scan_bytes(item.data)
        elif item.kind == "pin":
            badge_id, pin = item.data.decode("utf-8", "replace").split("\t", 1)
            self.core.handle_pin(badge_id, pin)
        elif item.kind == "overflow":
            self.core.handle_overflow(int(item.grams))
        elif item.kind == "weight":
            if item.generation != self._generation:
                return  # a weight for a request that no longer stands
            self._generation = 0
            if not self.core.wants_weight:
                return
            self.core.handle_weight(item.grams)
        elif item.kind == "cleared":
            self.core.scale_cleared()
        elif item.kind == "event" and item.event is not None:
            self.core.emit(item.event)
        elif item.kind == "device":
            device, state, detail = item.data.decode().split("\t", 2)
            self.core.device_state(device, state, detail)
        if self.scale and self.core.state.scale_must_clear:
            self.scale.parcel_accepted()  # accepted or overridden: it must come off first
        self._maybe_request_weight()

    def _maybe_request_weight(self) -> None:
        if self.scale is None:
            return
        if self.core.wants_weight:
            if self._generation == 0:
                self._generation = self.scale.request()
        elif self._generation:
            self._generation = 0
            self.scale.cancel()
