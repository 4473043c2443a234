"""Offer the `packbench` command line: database, imports, packers, the station, printing."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

import click

from station.cli_common import _config, config_option
from station.cli_doctor import doctor
from station.cli_printing import (
    print_reprint,
    print_test_insert,
    print_test_label,
    shipments,
)
from station.cli_sync import backend_group, orders_pull, returns_group, sync_group
from station.config import StationConfig
from station.config_docs import render_docs


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
@click.option("-v", "--verbose", is_flag=True, help="Log debug details to stderr.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """packbench: scan-verified pick-and-pack station.

    Without a command, opens the packing screen for the station configured in
    PACKBENCH_CONFIG (or `station.toml` in the user config folder).
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if ctx.invoked_subcommand is None:
        path = default_config_path()
        if path is None:
            raise click.ClickException(
                "no station configured: set PACKBENCH_CONFIG or create "
                f"{user_config_file()} (or try `packbench demo`)")
        ctx.invoke(run, config_path=path, headless=False, events_path=None)


def user_config_file() -> Path:
    """Return where the station's configuration lives by default."""
    import platformdirs

    return Path(platformdirs.user_config_dir("packbench", appauthor=False)) / "station.toml"


def default_config_path() -> Path | None:
    """Return PACKBENCH_CONFIG, else the user config file if it exists, else None."""
    env = os.environ.get("PACKBENCH_CONFIG")
    if env:
        return Path(env)
    path = user_config_file()
    return path if path.exists() else None


def has_display() -> bool:
    """Tell whether a window can be shown (an X11 or Wayland display, or a Qt platform)."""
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


# ---------------------------------------------------------------- database
@main.group()
def db() -> None:
    """Manage the station database."""


@db.command("upgrade")
@config_option
def db_upgrade(config_path: Path | None) -> None:
    """Create or migrate the database schema to this version."""
    from station.data.db import current_revision, make_engine, upgrade

    config = _config(config_path)
    engine = make_engine(config.database_url())
    try:
        upgrade(engine)
        click.echo(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()


@db.command("current")
@config_option
def db_current(config_path: Path | None) -> None:
    """Show the schema revision of the database."""
    from station.data.db import current_revision, head_revision, make_engine

    engine = make_engine(_config(config_path).database_url())
    try:
        click.echo(f"current {current_revision(engine)}, newest {head_revision(engine)}")
    finally:
        engine.dispose()


# ------------------------------------------------------------------ import
def _run_import(kind: str, file: Path, config_path: Path | None, progress: bool) -> None:
    from station.app.bootstrap import open_database
    from sync import importing

    func = {
        "products": importing.import_products,
        "orders": importing.import_orders,
        "boxes": importing.import_box_types,
    }[kind]
    database = open_database(_config(config_path))
    size = file.stat().st_size if file.exists() else 0
    try:
        with click.progressbar(
            length=max(size, 1), label=f"importing {file.name}", file=sys.stderr,
            hidden=not progress,
        ) as bar:
            last = [0]

            def advance(done: int) -> None:
                bar.update(done - last[0])
                last[0] = done

            result = func(database.sessions, file, progress=advance)
    except importing.ImportFailed as exc:
        raise click.ClickException(f"{file}: nothing imported\n{exc}") from exc
    except OSError as exc:
        raise click.ClickException(f"{file}: {exc.strerror or exc}") from exc
    finally:
        database.close()
    click.echo(
        f"{kind}: {result.records} records, {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )


def _import_command(group: click.Group, kind: str) -> None:
    @group.command("import")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @config_option
    @click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
    def _cmd(file: Path, config_path: Path | None, progress: bool) -> None:
        """Import a JSON, JSON-lines or CSV file (all or nothing)."""
        _run_import(kind, file, config_path, progress)


@main.group()
def products() -> None:
    """Manage the product catalogue."""


@main.group()
def orders() -> None:
    """Manage orders."""


@main.group()
def boxes() -> None:
    """Manage box types."""


for _group, _kind in ((products, "products"), (orders, "orders"), (boxes, "boxes")):
    _import_command(_group, _kind)


# ----------------------------------------------------------------- packers
@main.group()
def packers() -> None:
    """Manage packers and supervisors."""


@packers.command("add")
@click.option("--badge", required=True, help="Badge id (scanned as BADGE:<id>).")
@click.option("--name", required=True, help="Name shown at the station.")
@click.option("--role", type=click.Choice(["packer", "supervisor"]), default="packer")
@click.option("--pin", is_flag=True,
              help="Set a PIN (for overrides at the screen): asked for, or taken from the "
              "environment variable PACKBENCH_PIN.")
@config_option
def packers_add(badge: str, name: str, role: str, pin: bool, config_path: Path | None) -> None:
    """Register a packer or supervisor (updates an existing badge)."""
    from station.app.bootstrap import open_database
    from station.app.packers import PackerError, add_packer

    pin_value = None
    if pin:
        pin_value = os.environ.get("PACKBENCH_PIN") or click.prompt(
            "PIN", hide_input=True, confirmation_prompt=True
        )
    database = open_database(_config(config_path))
    try:
        created = add_packer(database.sessions, badge_id=badge, name=name, role=role,
                             pin=pin_value)
    except PackerError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.close()
    click.echo(f"{'added' if created else 'updated'} {role} {name} (BADGE:{badge})")


# ----------------------------------------------------------------- station
@main.command("run")
@config_option
@click.option("--headless", is_flag=True, help="Run without a screen.")
@click.option("--events-jsonl", "events_path", default=None,
              help="Write station events as JSON lines to PATH, or - for stdout.")
def run(config_path: Path | None, headless: bool, events_path: str | None) -> None:
    """Run the station: the packing screen, or with --headless no screen."""
    config = _config(config_path)
    if not headless:
        from station.ui.app import run_gui

        raise SystemExit(run_gui(config, events_path, config_path))
    raise SystemExit(run_headless(config, events_path))


def run_headless(config: StationConfig, events_path: str | None) -> int:
    """Run the headless station until SIGTERM or SIGINT; return the exit code."""
    from station.app.bootstrap import bootstrap
    from station.app.events import JsonlSink
    from station.app.headless import HeadlessStation

    sink = JsonlSink(events_path) if events_path else None
    database, core = bootstrap(config, sink or (lambda _event: None))
    station = HeadlessStation(core)

    def _stop(_signum, _frame) -> None:
        station.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        station.start()
        worker = threading.Thread(target=station.run, name="core")
        worker.start()
        while worker.is_alive():
            worker.join(timeout=0.5)
    finally:
        database.close()
        if sink:
            sink.close()
    return 0


@main.command("demo")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the demo database (default: user data folder).")
@click.option("--auto", "auto", type=int, default=0,
              help="Pack this many demo orders by itself, then exit.")
@click.option("--events-jsonl", "events_path", default=None,
              help="Also write station events as JSON lines to PATH, or - for stdout.")
@click.option("--gui", is_flag=True, help="Show the packing screen (the default with a display).")
@click.option("--console", is_flag=True, help="Run in this terminal, without the screen.")
@config_option
def demo(folder: Path | None, auto: int, events_path: str | None, gui: bool, console: bool,
         config_path: Path | None) -> None:
    """Run a demo station on simulated devices with sample orders.

    Opens the packing screen when there is a display (else, or with --console or --auto,
    runs in the terminal). With --config, the file's settings (weight check, scanning,
    station id, sound) apply; the demo still uses its own database and simulated devices.
    """
    from station.app.demo import run_demo

    base = _config(config_path) if config_path else None
    if gui and (console or auto):
        raise click.UsageError("--gui cannot go with --console or --auto")
    if not gui and not console and not auto and not has_display():
        click.echo("No display: running the demo in this terminal (--console).", err=True)
    elif gui or not (console or auto):
        from station.ui.app import run_gui_demo

        raise SystemExit(run_gui_demo(folder, base=base, events_path=events_path))
    raise SystemExit(run_demo(folder, auto=auto, events_path=events_path, base=base))


# -------------------------------------------------------------- simulators
SIMULATORS = {
    "scanner": "drivers.sim.scanner",
    "mt-sics": "drivers.sim.mtsics",
    "toledo-8217": "drivers.sim.toledo",
    "continuous": "drivers.sim.continuous",
    "zpl": "drivers.sim.zpl",
    "escpos": "drivers.sim.escpos",
    "kardex-jmif": "drivers.sim.kardex",
    "modbus-vlm": "drivers.sim.vlm_modbus",
}


@main.command(
    "sim", context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("device", type=click.Choice(sorted(SIMULATORS)))
@click.option("--listen", default="tcp:0", show_default=True,
              help="tcp:PORT (0: any free port) or pty.")
@click.pass_context
def sim(ctx: click.Context, device: str, listen: str) -> None:
    """Run a device simulator that speaks the real wire protocol.

    The first output line is the device URL for the station's configuration; then every
    input line is a control command (`help` lists them, `quit` stops). Options after the
    device name go to the simulator (e.g. `--unit kg` for mt-sics).
    """
    import importlib

    module = importlib.import_module(SIMULATORS[device])
    raise SystemExit(module.main(["--listen", listen, *ctx.args]))


# ---------------------------------------------------------------- printing
@main.group("print")
def print_group() -> None:
    """Print labels, inserts and sheets."""


@print_group.command("command-sheet")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Output file: .pdf or .png.")
@config_option
def print_command_sheet(out: Path, config_path: Path | None) -> None:
    """Write a printable sheet of every command barcode."""
    from station.app.command_sheet import render_command_sheet

    if out.suffix.lower() not in (".pdf", ".png"):
        raise click.ClickException("--out must end in .pdf or .png")
    for path in render_command_sheet(out):
        click.echo(str(path))


# ------------------------------------------------------------------ config
@main.group("config")
def config_group() -> None:
    """Inspect the station configuration."""


@config_group.command("docs")
@config_option
def config_docs(config_path: Path | None) -> None:
    """Print the configuration reference (Markdown); with --config, check that file first."""
    if config_path:
        _config(config_path)
    click.echo(render_docs(), nl=False)


@config_group.command("check")
@config_option
def config_check(config_path: Path | None) -> None:
    """Validate a configuration file and show the database it uses."""
    config = _config(config_path)
    click.echo(f"ok: station {config.station.id}, database {config.database_url()}")


for _command in (print_test_label, print_test_insert, print_reprint):
    print_group.add_command(_command)
main.add_command(shipments)
main.add_command(doctor)
main.add_command(sync_group)
main.add_command(backend_group)
main.add_command(returns_group)
orders.add_command(orders_pull)

if __name__ == "__main__":  # pragma: no cover
    main()

