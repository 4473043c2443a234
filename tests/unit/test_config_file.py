"""Saving device settings into the station TOML: comments kept, invalid refused, atomic."""

from __future__ import annotations

import os
import stat
import tomllib

import pytest

from station.app.config_file import save_device_settings
from station.config import ConfigError, load_config

ORIGINAL = """\
# Packing station at door 3
[station]
id = "st-3"  # shown in events
database = "sqlite:///station.db"

[devices.scale]
# the bench scale, USB adapter under the table
url = "/dev/ttyUSB0"  # replace when the adapter changes
baudrate = 9600

[weight]
tolerance_g = 25
"""


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "station.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_value_replaces_the_old_and_every_comment_survives(config_file):
    config = save_device_settings(config_file, {"scale": {
        "url": "socket://10.0.0.30:4001", "baudrate": 9600, "protocol": "", "timeout_s": 2.5}})
    assert config_file.read_text(encoding="utf-8") == ORIGINAL.replace(
        'url = "/dev/ttyUSB0"  # replace', 'url = "socket://10.0.0.30:4001"  # replace'
    ).replace("baudrate = 9600\n", "baudrate = 9600\ntimeout_s = 2.5\n")
    assert config.devices.scale.url == "socket://10.0.0.30:4001"
    assert config.devices.scale.timeout_s == 2.5
    assert config.station.id == "st-3"
    assert leftovers(config_file.parent) == []


def test_a_device_not_in_the_file_gets_its_own_table_without_defaults(config_file):
    save_device_settings(config_file, {
        "label_printer": {"url": "socket://10.0.0.31:9100", "baudrate": 9600, "protocol": ""},
        "vlm": {"url": "", "baudrate": 9600},  # all defaults: nothing to write
    })
    text = config_file.read_text(encoding="utf-8")
    assert '[devices.label_printer]\nurl = "socket://10.0.0.31:9100"\n\n[weight]' in text
    assert "vlm" not in text and text.count("baudrate") == 1
    assert text.startswith(ORIGINAL.split("[weight]")[0])
    assert tomllib.loads(text)["weight"] == {"tolerance_g": 25}


def test_an_invalid_value_is_refused_by_name_and_the_file_is_unchanged(config_file):
    before = config_file.stat()
    with pytest.raises(ConfigError) as caught:
        save_device_settings(config_file, {"scale": {"url": "socket://x:1", "baudrate": 0}})
    message = str(caught.value)
    assert str(config_file) in message and "not saved" in message
    assert "devices.scale.baudrate: Input should be greater than 0" in message
    assert config_file.read_text(encoding="utf-8") == ORIGINAL
    assert config_file.stat().st_mtime_ns == before.st_mtime_ns
    assert leftovers(config_file.parent) == []


def test_a_protocol_or_model_the_drivers_do_not_know_is_refused(config_file):
    with pytest.raises(ConfigError, match=r"devices\.scale\.protocol 'toledo-9999'"):
        save_device_settings(config_file, {"scale": {"protocol": "toledo-9999"}})
    with pytest.raises(ConfigError, match="unknown MT-SICS model 'nope'"):
        save_device_settings(config_file, {"scale": {"model": "nope"}})
    assert config_file.read_text(encoding="utf-8") == ORIGINAL


@pytest.mark.parametrize(("devices", "needle"), [
    ({"printer": {"url": "x"}}, "unknown device 'printer'"),
    ({"scale": {"speed": 9600}}, "devices.scale: unknown setting(s) speed"),
])
def test_unknown_devices_and_keys_are_refused(config_file, devices, needle):
    with pytest.raises(ConfigError) as caught:
        save_device_settings(config_file, devices)
    assert needle in str(caught.value)
    assert config_file.read_text(encoding="utf-8") == ORIGINAL


def test_the_file_is_replaced_not_rewritten_in_place(config_file):
    with open(config_file, encoding="utf-8") as reader:  # a reader of the old file...
        save_device_settings(config_file, {"scale": {"url": "/dev/ttyACM0"}})
        assert reader.read() == ORIGINAL  # ...still sees all of it, never half a file
    assert 'url = "/dev/ttyACM0"' in config_file.read_text(encoding="utf-8")


def test_mode_and_symlink_are_kept(tmp_path, config_file):
    os.chmod(config_file, 0o640)
    link = tmp_path / "current.toml"
    link.symlink_to(config_file)
    save_device_settings(link, {"scale": {"url": "/dev/ttyACM0"}})
    assert link.is_symlink()
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o640
    assert load_config(link).devices.scale.url == "/dev/ttyACM0"


def test_a_missing_file_is_created(tmp_path):
    path = tmp_path / "new.toml"
    config = save_device_settings(path, {"scale": {"url": "socket://127.0.0.1:4001"}})
    assert path.read_text(encoding="utf-8") == (
        '[devices.scale]\nurl = "socket://127.0.0.1:4001"\n\n')
    assert config.devices.scale.url == "socket://127.0.0.1:4001"


def test_inline_tables_are_edited_in_place(tmp_path):
    path = tmp_path / "inline.toml"
    path.write_text('devices = { scale = { url = "a" } }  # compact\n', encoding="utf-8")
    save_device_settings(path, {"scale": {"url": "b", "baudrate": 19200}, "vlm": {"url": "c"}})
    text = path.read_text(encoding="utf-8")
    assert text.endswith("# compact\n")
    assert tomllib.loads(text)["devices"] == {"scale": {"url": "b", "baudrate": 19200},
                                              "vlm": {"url": "c"}}


def test_a_file_that_is_not_toml_is_left_alone(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[devices.scale\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        save_device_settings(path, {"scale": {"url": "x"}})
    assert path.read_text(encoding="utf-8") == "[devices.scale\n"


def test_the_relative_database_path_stays_relative(config_file):
    save_device_settings(config_file, {"scale": {"url": "/dev/ttyACM0"}})
    assert 'database = "sqlite:///station.db"' in config_file.read_text(encoding="utf-8")


def test_settings_sections_keep_comments_and_skip_defaults(tmp_path):
    from station.app.config_file import save_settings

    path = tmp_path / "station.toml"
    path.write_text('# our station\n[station]\nid = "st-9"  # by the door\n', encoding="utf-8")
    config = save_settings(path, {"sound": {"volume": 55, "enabled": True},
                                  "station": {"language": "es"}})
    text = path.read_text(encoding="utf-8")
    assert "# our station" in text and "# by the door" in text
    assert config.sound.volume == 55 and config.station.language == "es"
    assert "enabled" not in text  # a default is not written
    with pytest.raises(ConfigError, match="volume"):
        save_settings(path, {"sound": {"volume": 150}})
    with pytest.raises(ConfigError, match="cannot be changed here"):
        save_settings(path, {"devices": {}})
    with pytest.raises(ConfigError, match="unknown setting"):
        save_settings(path, {"sound": {"loudness": 3}})
    assert path.read_text(encoding="utf-8") == text  # refused: untouched
