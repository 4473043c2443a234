"""Offer the sync commands: outbox status and retry."""

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
