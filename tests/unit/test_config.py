"""Configuration: one declaration per option, docs generated from it, clear errors."""

from pathlib import Path

import pytest

from station.config import ConfigError, load_config
from station.config_docs import render_docs

ROOT = Path(__file__).resolve().parents[2]


def test_docs_are_generated_from_the_model():
    assert (ROOT / "docs/configuration.md").read_text() == render_docs()


def test_example_file_is_valid():
    config = load_config(ROOT / "resources/examples/station.toml")
    assert config.devices.scale.protocol == "mt-sics"
    assert (config.sound.volume, config.station.language) == (80, "")
    # relative SQLite paths resolve next to the config file
    assert config.database_url() == f"sqlite:///{ROOT / 'resources/examples/packbench.db'}"


def test_defaults_without_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    config = load_config(None)
    assert config.database_url().startswith("sqlite:///")
    assert config.weight.tolerance_g == 20


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[station]\nid = 3\n", "station.id"),
        ("[weight]\ntolerance_g = -1\n", "weight.tolerance_g"),
        ("[devices.scanner]\nterminator = 'XX'\n", "devices.scanner.terminator"),
        ("[nope]\n", "nope"),
        ("[station\n", "not valid TOML"),
        ("[devices.scale]\nprotocol = 'toledo-9999'\n", "devices.scale.protocol 'toledo-9999'"),
        ("[devices.scale]\nprotocol = 'continuous'\nmodel = 'nope'\n", "nope"),
        ("[devices.scale]\nprotocol = 'continuous'\npattern = '(unclosed'\n", "devices.scale"),
        ("[devices.scale]\npattern = '.*'\n", "only for continuous"),
        ("[devices.vlm]\nmodel = 'jmif-2000'\n", "devices.vlm: unknown Kardex dialect"),
        ("[printing]\nreview_url_template = 'https://x/{customer_email}'\n",
         "printing.review_url_template"),
        ("[printing]\nlabel_dpi = 600\n", "printing.label_dpi"),
        ("[[edd.services]]\ntransit = { DE = [3, 1] }\n", "edd:"),
        ("[edd]\ntimezone = 'Mars/Olympus'\n[[edd.services]]\ntransit = { '*' = [1, 2] }\n",
         "edd:"),
        ("[backend]\ntracking_urls = { DHL = 'https://x/{trackingnumber}' }\n",
         "backend.tracking_urls.DHL"),
        ("[printing]\nsscc_company_prefix = '12AB'\n", "printing.sscc_company_prefix"),
    ],
)
def test_errors_name_the_key(tmp_path, text, needle):
    path = tmp_path / "station.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert needle in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_secret_never_in_repr():
    config = load_config(None)
    config.backend.secret = "whsec_c2VjcmV0"
    assert "whsec_" not in repr(config)


def test_edd_rules_from_toml(tmp_path):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from station.domain.edd import estimate

    path = tmp_path / "station.toml"
    path.write_text(
        '[printing.ship_from]\ncountry = "DE"\n'
        '[edd]\ncutoff = "14:00"\norigin_subdivision = "BE"\n'
        '[[edd.services]]\ncarrier = "DHL"\nservice = "Paket"\n'
        'transit = { DE = [1, 2], "*" = [3, 6] }\n'
    )
    config = load_config(path)
    policy = config.edd.policy(config.printing.ship_from.country)
    friday_late = datetime(2026, 12, 4, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    edd = estimate(friday_late, policy, "DHL", "Paket", "DE")
    assert (edd.ship_date, edd.earliest, edd.latest) == (
        date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9))
    assert load_config(None).edd.policy("DE") is None  # no rules: no estimate
