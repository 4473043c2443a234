"""Write device settings back into the station TOML file, keeping everything else as it was.

`save_device_settings(path, {"scale": {"url": ..., "baudrate": ...}})` edits the file with
tomlkit, so comments, key order, formatting and the other sections survive. The edited
document is validated as a whole through `StationConfig` before anything is written; an
invalid value raises `ConfigError` naming the key, and the file is left untouched. The new
text goes to a temporary file next to it, which then replaces it (`os.replace`), so a crash
or a full disk never leaves half a file. A symlinked config file stays a symlink.

A key the file does not have yet is only added when its value differs from the default, so
saving a form that shows every field does not fill the file with defaults.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable

from station.config import (
    PROTOCOLS,
    ConfigError,
    DeviceSection,
    StationConfig,
    describe_invalid,
    load_config,
)

__all__ = ["DEVICE_KEYS", "SETTINGS_SECTIONS", "save_device_settings", "save_settings"]

# Top-level sections the screen's settings page may change.
SETTINGS_SECTIONS = ("station", "sound")

DEVICE_KEYS = tuple(DeviceSection.model_fields)
_DEFAULTS = DeviceSection()


def save_device_settings(
    path: str | Path, devices: Mapping[str, Mapping[str, Any]]
) -> StationConfig:
    """Store `devices` (name -> key -> value) in the TOML file at `path`; return its config.

    The file is created if it does not exist. Raises `ConfigError` for an unknown device or
    key, a file that is not TOML, or a result that does not validate; nothing is written then.
    """
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    doc, text = _read(path, target)
    _apply(path, doc, devices)
    new_text = tomlkit.dumps(doc)
    _validate(path, new_text)
    if new_text != text:
        _replace(target, new_text)
    return load_config(path)


def save_settings(
    path: str | Path, sections: Mapping[str, Mapping[str, Any]]
) -> StationConfig:
    """Store top-level settings (`{"sound": {"volume": 60}}`) like `save_device_settings`."""
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    doc, text = _read(path, target)
    for name, values in sections.items():
        if name not in SETTINGS_SECTIONS:
            raise ConfigError(f"{path}: {name!r} cannot be changed here")
        model = StationConfig.model_fields[name].annotation
        defaults = model()  # type: ignore[misc, operator]
        unknown = sorted(set(values) - set(model.model_fields))  # type: ignore[union-attr]
        if unknown:
            raise ConfigError(f"{path}: {name}: unknown setting(s) {', '.join(unknown)}")
        table = doc.get(name)
        if table is None and any(v != getattr(defaults, k) for k, v in values.items()):
            table = tomlkit.table()
            doc[name] = table
        if not isinstance(table, Mapping):
            continue  # absent and all defaults, or not a table (validation reports that)
        for key, value in values.items():
            if key in table or value != getattr(defaults, key):
                table[key] = value
    new_text = tomlkit.dumps(doc)
    _validate(path, new_text)
    if new_text != text:
        _replace(target, new_text)
    return load_config(path)


def _read(path: Path, target: Path) -> tuple[tomlkit.TOMLDocument, str]:
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return tomlkit.parse(text), text
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _apply(path: Path, doc: tomlkit.TOMLDocument, devices: Mapping[str, Mapping[str, Any]]) -> None:
    for name, settings in devices.items():
        if name not in PROTOCOLS:
            raise ConfigError(f"{path}: unknown device {name!r} (known: {', '.join(PROTOCOLS)})")
        unknown = sorted(set(settings) - set(DEVICE_KEYS))
        if unknown:
            raise ConfigError(f"{path}: devices.{name}: unknown setting(s) {', '.join(unknown)}")
        changed = {k: v for k, v in settings.items() if v != getattr(_DEFAULTS, k)}
        table, created = _device_table(doc, name, create=bool(changed))
        if table is None:
            continue
        for key, value in settings.items():
            if key in table or key in changed:
                table[key] = value
        if created:
            table.add(tomlkit.nl())  # a blank line before whatever section follows


def _device_table(doc: tomlkit.TOMLDocument, name: str, *, create: bool) -> tuple[Any, bool]:
    """Return the `devices.<name>` table (None: absent, or not a table) and if it is new."""
    devices = doc.get("devices")
    if devices is None:
        if not create:
            return None, False
        devices = tomlkit.table(is_super_table=True)
        doc["devices"] = devices
    if not isinstance(devices, Mapping):
        return None, False  # not a table: validation reports it
    table = devices.get(name)
    if table is None and create:
        inline = isinstance(devices, InlineTable)
        table = tomlkit.inline_table() if inline else tomlkit.table()
        devices[name] = table
        return table, not inline
    return (table if isinstance(table, Mapping) else None), False


def _validate(path: Path, text: str) -> None:
    """Raise `ConfigError` unless `text` is a valid station configuration."""
    try:
        StationConfig.model_validate(tomllib.loads(text))
    except ValidationError as exc:
        raise ConfigError(describe_invalid(
            f"{path}: not saved, the configuration would be invalid", exc)) from exc
    except tomllib.TOMLDecodeError as exc:  # e.g. a value that is not a TOML type
        raise ConfigError(f"{path}: not saved: {exc}") from exc


def _replace(target: Path, text: str) -> None:
    """Write `text` to a temporary file beside `target`, then move it over `target`."""
    folder = target.parent
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write in {folder}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ConfigError(f"{target}: not saved: {exc.strerror or exc}") from exc
    # The rename is durable only once the folder entry is on disk too.
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

