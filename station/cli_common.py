"""Share the `--config` option and its loading between the command modules."""

from __future__ import annotations

from pathlib import Path

import click

from station.config import ConfigError, StationConfig, load_config

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    envvar="PACKBENCH_CONFIG", help="Station TOML file (env PACKBENCH_CONFIG).",
)


def _config(path: Path | None) -> StationConfig:
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
