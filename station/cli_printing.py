"""Offer the printing commands: test prints, reprints and voided shipments."""

from __future__ import annotations

from pathlib import Path

import click

from station.cli_common import _config, config_option


def _printer_url(config_url: str, url: str | None, what: str) -> str:
    chosen = url or config_url
    if not chosen:
        raise click.ClickException(
            f"no {what} URL: pass --url or set [devices.{what}] url in the configuration")
    return chosen


@click.command("test-label")
@config_option
@click.option("--url", help="Printer URL (default: [devices.label_printer] url).")
@click.option("--brand", default="", help="Use this brand's label template.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the ZPL to this file instead of printing it.")
def print_test_label(config_path: Path | None, url: str | None, brand: str,
                     out: Path | None) -> None:
    """Print a sample shipping label with this station's settings."""
    from drivers.label_printer.device import ZplPrinter
    from drivers.label_printer.errors import LabelPrinterError
    from station.app.samples import sample_label

    config = _config(config_path)
    zpl, data = sample_label(config, brand=brand)
    if out is not None:
        out.write_bytes(zpl)
        click.echo(f"wrote {out} ({len(zpl)} bytes, tracking {data.tracking_number})")
        return
    target = _printer_url(config.devices.label_printer.url, url, "label_printer")
    try:
        with ZplPrinter(target, timeout_s=config.devices.label_printer.timeout_s) as printer:
            result = printer.print_label(zpl)
    except LabelPrinterError as exc:
        raise click.ClickException(f"{target}: {exc}") from exc
    click.echo(f"printed test label on {target} (tracking {data.tracking_number}, "
               f"{result.bytes_sent} bytes, printer {result.after.state.value})")


@click.command("test-insert")
@config_option
@click.option("--url", help="Printer URL (default: [devices.receipt_printer] url).")
@click.option("--brand", default="", help="Use this brand's insert template.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the ESC/POS job to this file instead of printing it.")
def print_test_insert(config_path: Path | None, url: str | None, brand: str,
                      out: Path | None) -> None:
    """Print a sample packing slip and insert with this station's settings."""
    from drivers.receipt_printer.device import EscPosPrinter
    from drivers.receipt_printer.errors import ReceiptPrinterError
    from station.app.samples import sample_insert

    config = _config(config_path)
    job, _ = sample_insert(config, brand=brand)
    if out is not None:
        out.write_bytes(job)
        click.echo(f"wrote {out} ({len(job)} bytes)")
        return
    target = _printer_url(config.devices.receipt_printer.url, url, "receipt_printer")
    try:
        with EscPosPrinter(target, timeout_s=config.devices.receipt_printer.timeout_s) as p:
            p.print_job(job)
    except ReceiptPrinterError as exc:
        raise click.ClickException(f"{target}: {exc}") from exc
    click.echo(f"printed test insert on {target} ({len(job)} bytes)")


@click.command("reprint")
@click.argument("order")
@config_option
def print_reprint(order: str, config_path: Path | None) -> None:
    """Queue an order's live shipping labels again (the station prints them)."""
    from station.app.bootstrap import open_database
    from station.app.shipments import ShipmentError, reprint_order

    config = _config(config_path)
    database = open_database(config)
    try:
        count = reprint_order(database.sessions, config, order)
    except ShipmentError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.close()
    click.echo(f"queued {count} label(s) of order {order} again")


@click.group()
def shipments() -> None:
    """Inspect and void shipping labels."""


@shipments.command("list")
@click.option("--order", "order", help="Only this order (id or number).")
@config_option
def shipments_list(order: str | None, config_path: Path | None) -> None:
    """List shipping labels, newest first."""
    from station.app.bootstrap import open_database
    from station.app.shipments import list_shipments

    database = open_database(_config(config_path))
    try:
        for row in list_shipments(database.sessions, order):
            click.echo("  ".join(row))
    finally:
        database.close()


@shipments.command("void")
@click.argument("tracking_number")
@click.option("--reason", required=True, help="Why the label must not be used.")
@config_option
def shipments_void(tracking_number: str, reason: str, config_path: Path | None) -> None:
    """Void a shipping label (it must not ship); queued prints of it are cancelled."""
    from station.app.bootstrap import open_database
    from station.app.shipments import ShipmentError, void_shipment

    config = _config(config_path)
    database = open_database(config)
    try:
        order_number = void_shipment(database.sessions, config, tracking_number, reason)
    except ShipmentError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.close()
    click.echo(f"voided {tracking_number} (order {order_number}): {reason}")
