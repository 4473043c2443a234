"""Offer the sync commands: outbox status, retry and drain; order pull; the test backend."""

from __future__ import annotations

from pathlib import Path

import click

from station.cli_common import _config, config_option


@click.group("sync")
def sync_group() -> None:
    """Inspect and retry events for the customer-notification backend."""


@sync_group.command("status")
@config_option
@click.option("--all-stations", is_flag=True, help="Count every station's events.")
def sync_status(config_path: Path | None, all_stations: bool) -> None:
    """Show how many events wait, were delivered or were refused (dead)."""
    from station.app.bootstrap import open_database
    from sync.outbox.store import outbox_status

    config = _config(config_path)
    database = open_database(config)
    try:
        with database.sessions() as s:
            st = outbox_status(s, None if all_stations else config.station.id)
    finally:
        database.close()
    oldest = st.oldest_pending.isoformat(timespec="seconds") if st.oldest_pending else "-"
    click.echo(f"pending {st.pending}  delivered {st.delivered}  dead {st.dead}  "
               f"oldest pending {oldest}")
    for event_id, order_id, kind, http, error in st.dead_events:
        click.echo(f"dead {event_id}  order {order_id}  {kind}  HTTP {http or '-'}  {error}")


@sync_group.command("retry")
@click.argument("event_ids", nargs=-1)
@config_option
def sync_retry(event_ids: tuple[str, ...], config_path: Path | None) -> None:
    """Send dead events again (all of them, or the ids given)."""
    from station.app.bootstrap import open_database
    from sync.outbox.store import retry

    database = open_database(_config(config_path))
    try:
        with database.sessions.begin() as s:
            count = retry(s, list(event_ids) or None)
    finally:
        database.close()
    click.echo(f"{count} event(s) will be sent again")


@sync_group.command("run")
@config_option
@click.option("--timeout", "timeout_s", type=float, default=60.0, show_default=True,
              help="Give up after this many seconds.")
def sync_run(config_path: Path | None, timeout_s: float) -> None:
    """Deliver waiting events to `[backend] events_url` now, then exit."""
    from station.app.bootstrap import open_database
    from sync.relay import open_relay

    config = _config(config_path)
    if not config.backend.events_url:
        raise click.ClickException("no [backend] events_url configured")
    database = open_database(config)
    relay = open_relay(database.sessions, events_url=config.backend.events_url,
                       secret=config.backend.secret, sender_id=f"{config.station.id}:cli")
    try:
        done = relay.flush(timeout_s)
        stats = relay.stats
    finally:
        relay.close()
        database.close()
    click.echo(f"{'all delivered' if done else 'not all delivered'}: {stats}")
    if not done:
        raise SystemExit(1)


@click.command("pull")
@config_option
@click.option("--limit", type=int, default=100, show_default=True, help="Orders per page.")
def orders_pull(config_path: Path | None, limit: int) -> None:
    """Fetch ready orders from `[backend] orders_url` and import them (idempotent)."""
    from station.app.bootstrap import open_database
    from station.app.pull import pull_orders
    from sync.importing import ImportFailed
    from sync.relay.orders import OrdersError

    config = _config(config_path)
    database = open_database(config)
    try:
        result = pull_orders(database.sessions, config, limit=limit)
    except (OrdersError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    except ImportFailed as exc:
        raise click.ClickException(f"a page was refused, nothing of it imported\n{exc}") from exc
    finally:
        database.close()
    click.echo(f"orders: {result.records} pulled in {result.pages} page(s), {result.created} "
               f"created, {result.updated} updated, {result.unchanged} unchanged")


@click.group("backend")
def backend_group() -> None:
    """Run the reference backend (for tests and demos)."""


@backend_group.command(
    "serve", context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.pass_context
def backend_serve(ctx: click.Context) -> None:
    """Receive, verify and store events like a notification backend would.

    Options go to the receiver: `--listen HOST:PORT --db FILE --secret whsec_...
    [--orders FILE]`; see `packbench backend serve --help-receiver`.
    """
    from sync.receiver.__main__ import main as receiver_main

    args = ["--help" if a == "--help-receiver" else a for a in ctx.args]
    raise SystemExit(receiver_main(args))


def _lines(values: tuple[str, ...], parts: int) -> list[tuple]:
    out = []
    for value in values:
        bits = value.split(":")
        if len(bits) != parts or not bits[1].isdigit():
            form = "SKU:QTY" if parts == 2 else "SKU:QTY:CONDITION"
            raise click.BadParameter(f"{value!r}: expected {form}", param_hint="--line")
        out.append((bits[0], int(bits[1]), *bits[2:]))
    return out


@click.group("returns")
def returns_group() -> None:
    """Record returned parcels and their inspection (the backend is told)."""


@returns_group.command("receive")
@click.argument("order")
@click.option("--rma", "return_id", required=True, help="Return (RMA) id.")
@click.option("--line", "lines", multiple=True, required=True, help="SKU:QTY (repeatable).")
@config_option
def returns_receive(order: str, return_id: str, lines: tuple[str, ...],
                    config_path: Path | None) -> None:
    """Record that a return parcel arrived, with what it held."""
    from station.app.bootstrap import open_database
    from station.app.returns import ReturnError, receive_return

    config = _config(config_path)
    database = open_database(config)
    try:
        number = receive_return(database.sessions, config, order, return_id, _lines(lines, 2))
    except ReturnError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.close()
    click.echo(f"return {return_id} of order {number} received")


@returns_group.command("inspect")
@click.argument("order")
@click.option("--rma", "return_id", required=True, help="Return (RMA) id.")
@click.option("--line", "lines", multiple=True, required=True,
              help="SKU:QTY:CONDITION, condition resellable, damaged or missing (repeatable).")
@click.option("--refund/--no-refund", default=True, help="Recommend a refund.")
@config_option
def returns_inspect(order: str, return_id: str, lines: tuple[str, ...], refund: bool,
                    config_path: Path | None) -> None:
    """Record the inspection of a returned parcel."""
    from station.app.bootstrap import open_database
    from station.app.returns import ReturnError, inspect_return
    from sync.payloads import PayloadError

    config = _config(config_path)
    database = open_database(config)
    try:
        number = inspect_return(database.sessions, config, order, return_id, _lines(lines, 3),
                                refund)
    except (ReturnError, PayloadError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        database.close()
    click.echo(f"return {return_id} of order {number} inspected")
