"""Run the station with its packing screen: the headless core on worker threads, Qt in front.

`GuiStation` builds exactly what `packbench run --headless` builds (database, core,
`HeadlessStation` with its device workers) but does all of it on the core worker thread, so
the GUI thread never opens a port or a database. Every event goes to the optional JSON-lines
file and to the window through `EventBridge`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station.app.bootstrap import Database, bootstrap
from station.app.core import StationCore
from station.app.events import Event, JsonlSink
from station.app.headless import HeadlessStation
from station.config import StationConfig
from station.data.models import Order, OrderLine, Product

log = logging.getLogger(__name__)


def order_details(core: StationCore, order_id: str) -> dict[str, Any]:
    """Return the customer first name, carrier, service and line titles and pictures."""
    with core.sessions() as s:
        order = s.scalars(select(Order).where(Order.order_id == order_id)).first()
        if order is None:
            return {}
        products = {line_id: (title, image) for line_id, title, image in s.execute(
            select(OrderLine.line_id, Product.title, Product.image_url).join(Product)
            .where(OrderLine.order_pk == order.id)
        ).all()}
        return {"customer_first_name": order.customer_first_name, "carrier": order.carrier,
                "service": order.service, "products": products}


class GuiStation:
    """Run one station on worker threads and send every event to `show` (any thread)."""

    def __init__(self, config: StationConfig, show: Callable[[Event], None],
                 events_path: str | None = None) -> None:
        self.config = config
        self.show = show
        self.events_path = events_path
        self.station: HeadlessStation | None = None
        self.error: BaseException | None = None
        self._database: Database | None = None
        self._core: StationCore | None = None
        self._sink: JsonlSink | None = None
        self._built = threading.Event()
        self._thread = threading.Thread(target=self._run, name="core", daemon=True)

    def start(self) -> None:
        """Start the core worker; it opens the database and the devices itself."""
        self._thread.start()

    def _emit(self, event: Event) -> None:
        # Runs on the core thread: the one place allowed to read the database.
        if self._sink is not None:
            self._sink(event)
        shown = dict(event)
        if shown.get("order_id") and shown["event"] in ("order.opened", "station.ready") \
                and self._core is not None:
            try:
                details = order_details(self._core, shown["order_id"])
            except Exception:  # the screen can do without the extras; the pack goes on
                log.exception("order details for the screen failed")
                details = {}
            products = details.pop("products", {})
            shown.update(details)
            shown["lines"] = [
                dict(ln, title=products.get(ln["line_id"], ("", ""))[0],
                     image_url=products.get(ln["line_id"], ("", ""))[1])
                for ln in shown.get("lines", ())
            ]
        self.show(shown)

    def _run(self) -> None:
        try:
            self._sink = JsonlSink(self.events_path) if self.events_path else None
            self._database, self._core = bootstrap(self.config, self._emit)
            self.station = HeadlessStation(self._core)
            self.station.on_live_weight = self._live_weight
        except BaseException as exc:
            self.error = exc
            log.exception("the station could not start")
            self._built.set()
            self._close()
            return
        self._built.set()
        try:
            self.station.start()
            self.station.run()
        except Exception as exc:
            self.error = exc
            log.exception("the station stopped on an error")
        finally:
            self._close()

    def _close(self) -> None:
        if self._database is not None:
            self._database.close()
        if self._sink is not None:
            self._sink.close()

    def _live_weight(self, weight: Any) -> None:
        # Straight to the screen: a display value, not a station event to record.
        self.show({"event": "scale.live", "grams": None if weight is None else weight.grams,
                   "stable": bool(weight and weight.stable)})

    @property
    def sessions(self) -> Any:
        """Return the station's session factory once the core is built (else None)."""
        return self._core.sessions if self._built.is_set() and self._core else None

    def feed_pin(self, badge_id: str, pin: str) -> None:
        """Pass a badge number and PIN typed on the screen to the station (queued)."""
        if self._built.is_set() and self.station is not None:
            self.station.feed_pin(badge_id, pin)
        else:
            log.warning("PIN before the station was ready: ignored")

    def feed_scan(self, data: bytes) -> None:
        """Pass a keyboard-wedge scan to the station (queued; never waits on this thread)."""
        if self._built.is_set() and self.station is not None:
            self.station.feed_scan(data)
        else:  # the packer saw no verdict, so scans again once the station is up
            log.warning("keyboard scan before the station was ready: ignored")

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the station and wait for its threads and files to close."""
        if not self._thread.is_alive():
            return
        self._built.wait(timeout_s)
        if self.station is not None:
            self.station.stop()
        self._thread.join(timeout_s)


class Screen:
    """The packing screen and its panels for one `GuiStation` (all built on the GUI thread).

    Sounds, the print preview and the supervisor window (imports and reprints, device
    setup) need the station's database; they get it when `station.ready` shows the core is
    up, so nothing here waits for it.
    """

    def __init__(self, bridge: Any, station: GuiStation, config: StationConfig,
                 config_path: str | Path | None = None) -> None:
        from station.ui.main_window import MainWindow
        from station.ui.preview import PrintPreview
        from station.ui.sound import VerdictSounds

        self.station, self.config, self.config_path = station, config, config_path
        self.sounds = VerdictSounds(config.sound)
        self.preview = PrintPreview()
        self.supervisor: Any = None
        self.window = MainWindow(bridge, station=station, sounds=self.sounds,
                                 preview=self.preview, open_supervisor=self.open_supervisor)
        bridge.event.connect(self._on_event)

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("event") == "station.ready" and not self.preview.ready \
                and self.station.sessions is not None:
            from drivers.receipt_printer.profiles import get_profile
            from station.ui.preview import PreviewLoader

            p = self.config.printing
            self.preview.set_loader(PreviewLoader(
                self.station.sessions, self.config.station.id, label_dpi=p.label_dpi,
                paper_width_dots=get_profile(p.insert_profile).width_px))

    def open_supervisor(self) -> None:
        """Show the supervisor window: imports and batch reprints, device setup."""
        if self.station.sessions is None:
            return  # the station is still starting; the key does nothing yet
        if self.supervisor is None:
            from station.ui.supervisor import SupervisorWindow

            self.supervisor = SupervisorWindow(self.station.sessions, self.config,
                                               self.config_path, self.sounds,
                                               parent=self.window)
        self.supervisor.show()
        self.supervisor.raise_()

    def close(self) -> None:
        """Stop the panels' worker threads."""
        self.preview.shutdown()
        if self.supervisor is not None:
            self.supervisor.shutdown()


def _application() -> Any:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def quit_on_signals(app: Any) -> None:
    """Close the screen on Ctrl+C or SIGTERM like any terminal program."""
    import signal

    from PySide6.QtCore import QTimer

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_a: app.quit())
    # Python runs signal handlers only between bytecodes; Qt's loop gives it none otherwise.
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def install_translator(app: Any, language: str) -> str:
    """Put the screen in `language` ("" the system's); return the language used."""
    from station.ui.i18n import install_translator as install

    return install(app, language)


def run_gui(config: StationConfig, events_path: str | None = None,
            config_path: str | Path | None = None) -> int:
    """Show the packing screen for a station until the window closes; return the exit code."""
    from station.ui.bridge import EventBridge
    from station.ui.wedge import WedgeFilter

    app = _application()
    install_translator(app, config.station.language)  # before any window is built
    quit_on_signals(app)
    bridge = EventBridge()
    station = GuiStation(config, bridge.post, events_path)
    screen = Screen(bridge, station, config, config_path)
    app.installEventFilter(WedgeFilter(station.feed_scan, parent=app))
    app.aboutToQuit.connect(station.stop)
    screen.window.showMaximized()
    station.start()
    try:
        return app.exec()
    finally:
        screen.close()
        station.stop()


class DemoRig:
    """The demo's sample database, reference backend and simulated devices, as a context.

    The same set as `packbench demo`: scanner on a pty, MT-SICS scale, ZPL and ESC/POS
    printers and a Kardex VLM on loopback TCP. `config` points the station at them.
    """

    def __init__(self, folder: Path | None = None, base: StationConfig | None = None) -> None:
        import platformdirs

        self.folder = folder or Path(platformdirs.user_data_dir("packbench", appauthor=False)) \
            / "demo"
        self.config: StationConfig = base  # type: ignore[assignment]  # set in __enter__
        self.sims: Any = None
        self.receiver: Any = None
        self.expected_g: float | None = None

    def __enter__(self) -> DemoRig:
        from station.app.demo import start_demo_devices

        self.config, self.sims, self.receiver = start_demo_devices(self.folder, self.config)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.sims is not None:
            self.sims.stop()
        if self.receiver is not None:
            self.receiver.stop()

    def watch(self, event: Event) -> None:
        """Remember the expected weight (for `!auto`); safe from any thread."""
        if event.get("event") == "weight.requested":
            self.expected_g = event["expected_g"]

    def command(self, line: str) -> None:
        """Send one terminal line: a scan, or `!w GRAMS`, `!auto`, `!off`."""
        words = line.split()
        if not words:
            return
        if words[0] == "!w" and len(words) == 2:
            self.sims.scale.place(float(words[1]))
        elif words[0] == "!auto" and self.expected_g is not None:
            self.sims.scale.place(self.expected_g)
        elif words[0] == "!off":
            self.sims.scale.place(0.0)
        elif not words[0].startswith("!"):
            self.sims.scanner.scan(line)

    def read_terminal(self) -> None:
        """Forward terminal lines to the simulators on a daemon thread (never the GUI's)."""
        import sys

        def loop() -> None:
            for raw in sys.stdin:
                try:
                    self.command(raw.strip())
                except ValueError:
                    print("usage: !w GRAMS", flush=True)

        threading.Thread(target=loop, name="demo-terminal", daemon=True).start()


DEMO_HELP = """\
Type a barcode and press Enter in this terminal: it goes through the simulated scanner.
  !w GRAMS  parcel on the scale   !auto  the expected weight   !off  take it off
Badges: BADGE:1001 (packer), BADGE:9001 (supervisor, PIN 9090).
Close the window (or Ctrl+C here) to stop."""


def run_gui_demo(folder: Path | None = None, *, base: StationConfig | None = None,
                 events_path: str | None = None) -> int:
    """Run the demo station (sample data, simulated devices) with the packing screen."""
    from station.ui.bridge import EventBridge
    from station.ui.wedge import WedgeFilter

    with DemoRig(folder, base) as rig:
        app = _application()
        install_translator(app, rig.config.station.language)
        quit_on_signals(app)
        bridge = EventBridge()

        def show(event: Event) -> None:
            rig.watch(event)
            bridge.post(event)

        station = GuiStation(rig.config, show, events_path)
        screen = Screen(bridge, station, rig.config)
        app.installEventFilter(WedgeFilter(station.feed_scan, parent=app))
        screen.window.showMaximized()
        station.start()
        print(DEMO_HELP, flush=True)
        rig.read_terminal()
        try:
            return app.exec()
        finally:
            screen.close()
            station.stop()
