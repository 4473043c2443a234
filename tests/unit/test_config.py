"""Configuration: one declaration per option, docs generated from it, clear errors."""

from pathlib import Path

import pytest

from station.config import ConfigError, load_config, render_docs

ROOT = Path(__file__).resolve().parents[2]


def test_docs_are_generated_from_the_model():
    assert (ROOT / "docs/configuration.md").read_text() == render_docs()


def test_example_file_is_valid():
    config = load_config(ROOT / "resources/examples/station.toml")
    assert config.devices.scale.protocol == "mt-sics"
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
