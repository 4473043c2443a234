"""Offer `packbench doctor`: check every configured device headless, list serial ports."""

from __future__ import annotations

import json
from pathlib import Path

import click

from station.cli_common import _config, config_option


@click.command("doctor")
@config_option
@click.option("--print-tests", is_flag=True,
              help="Also print a test label and a test insert on the configured printers.")
@click.option("--listen", "listen_s", type=click.FloatRange(min=0), default=0.0,
              help="Wait up to this many seconds for one scan from the scanner.")
@click.option("--bytes", "show_bytes", is_flag=True,
              help="Show the bytes each check sent and received (hex and text).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def doctor(config_path: Path | None, print_tests: bool, listen_s: float, show_bytes: bool,
           as_json: bool) -> None:
    """Check each configured device once; exit 1 if any of them fails.

    One line per device: OK, FAIL and why, or -- when it is not configured. The serial ports
    of this machine are listed after. Run it while the station is stopped: a serial device
    it shares with a running station may answer the wrong one.
    """
    from station.app.doctor import list_serial_ports, run_checks

    config = _config(config_path)
    results = run_checks(config, print_tests=print_tests, listen_s=listen_s)
    ports = list_serial_ports()
    failed = [r for r in results if r.configured and not r.ok]
    if as_json:
        click.echo(json.dumps({
            "ok": not failed,
            "devices": [r.as_dict() for r in results],
            "serial_ports": [{"device": p.device, "description": p.description,
                              "hwid": p.hwid, "vid_pid": p.vid_pid} for p in ports],
        }, indent=2))
    else:
        for r in results:
            where = f"{r.url}: " if r.url else ""
            timing = f" ({r.elapsed_ms:.0f} ms)" if r.configured else ""
            click.echo(f"{r.device:<16} {r.status:<4} {where}{r.summary}{timing}")
            if show_bytes and r.chunks:
                click.echo(r.monitor_text())
        click.echo("serial ports:" if ports else "serial ports: none found")
        for p in ports:
            known = [x for x in (p.description, p.hwid) if x and x != "n/a"]  # pyserial's blank
            click.echo("  ".join(["", p.device, *known]))
        if failed:
            click.echo(f"{len(failed)} device(s) failed: "
                       f"{', '.join(r.device for r in failed)}")
    if failed:
        raise SystemExit(1)
