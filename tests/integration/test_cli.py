"""The `packbench` command line, in process, on a SQLite file."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from station.cli import SIMULATORS, main
from station.data.db import make_engine, session_factory
from station.data.models import Order, Packer, Product

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources/examples"


@pytest.fixture
def cfg(tmp_path) -> Path:
    path = tmp_path / "station.toml"
    path.write_text('[station]\nid = "st-9"\ndatabase = "sqlite:///station.db"\n')
    return path


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def count(cfg: Path, model) -> int:
    engine = make_engine(f"sqlite:///{cfg.parent / 'station.db'}")
    try:
        with session_factory(engine)() as s:
            return s.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_db_upgrade_and_imports(cfg):
    r = invoke("db", "upgrade", "--config", str(cfg))
    assert r.exit_code == 0 and "revision" in r.output
    r = invoke("products", "import", str(EXAMPLES / "products.json"), "--config", str(cfg))
    assert r.exit_code == 0, r.output
    assert "created" in r.output
    r = invoke("orders", "import", str(EXAMPLES / "orders.json"), "--config", str(cfg))
    assert r.exit_code == 0, r.output
    orders = count(cfg, Order)
    assert orders >= 3
    r = invoke("orders", "import", str(EXAMPLES / "orders.json"), "--config", str(cfg))
    assert r.exit_code == 0 and f"{orders} unchanged" in r.output


def test_bad_order_file_imports_nothing(cfg, tmp_path):
    invoke("products", "import", str(EXAMPLES / "products.json"), "--config", str(cfg))
    good = json.loads((EXAMPLES / "orders.json").read_text())
    bad = [*good, {**good[0], "order_id": "ord_bad", "order_number": "SO-BAD",
                   "lines": [{"line_id": "1", "sku": "NO-SUCH-SKU", "qty": 1}]}]
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(bad, indent=2))
    r = invoke("orders", "import", str(path), "--config", str(cfg))
    assert r.exit_code == 1
    assert "nothing imported" in r.output and "line " in r.output and "NO-SUCH-SKU" in r.output
    assert count(cfg, Order) == 0


def test_missing_file_is_a_clear_error(cfg, tmp_path):
    r = invoke("products", "import", str(tmp_path / "nope.csv"), "--config", str(cfg))
    assert r.exit_code == 1 and "nope.csv" in r.output


def test_packers_add(cfg):
    r = invoke("packers", "add", "--badge", "1001", "--name", "Ana", "--config", str(cfg))
    assert r.exit_code == 0 and "added packer Ana" in r.output
    r = invoke("packers", "add", "--badge", "1001", "--name", "Ana B", "--role", "supervisor",
               "--pin", "--config", str(cfg), input="2468\n2468\n")
    assert r.exit_code == 0 and "updated supervisor" in r.output
    assert count(cfg, Packer) == 1
    r = CliRunner(env={"PACKBENCH_PIN": "1357"}).invoke(
        main, ["packers", "add", "--badge", "2002", "--name", "Bo", "--role", "supervisor",
               "--pin", "--config", str(cfg)])
    assert r.exit_code == 0 and "added supervisor Bo" in r.output
    r = invoke("packers", "add", "--badge", "with space", "--name", "X", "--config", str(cfg))
    assert r.exit_code == 1 and "badge" in r.output


def test_bad_config_is_reported(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[weight]\ntolerance_pct = 'lots'\n")
    r = invoke("db", "upgrade", "--config", str(path))
    assert r.exit_code == 1 and "weight.tolerance_pct" in r.output


def test_command_sheet(tmp_path):
    out = tmp_path / "sheet.pdf"
    r = invoke("print", "command-sheet", "--out", str(out))
    assert r.exit_code == 0 and out.read_bytes().startswith(b"%PDF")


def test_config_docs_match_file():
    r = invoke("config", "docs")
    assert r.output == (ROOT / "docs/configuration.md").read_text()
    r = invoke("config", "docs", "--config", str(ROOT / "resources/examples/station.toml"))
    assert r.exit_code == 0 and r.output == (ROOT / "docs/configuration.md").read_text()


def test_import_shows_a_progress_bar_on_a_terminal(cfg, tmp_path):
    products = tmp_path / "products.jsonl"
    with products.open("w") as fh:
        for i in range(3000):
            fh.write(json.dumps({"sku": f"P-{i}", "title": f"Product {i}",
                                 "barcodes": [f"ALIAS-{i}"], "unit_weight_g": 100}) + "\n")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "products", "import", str(products),
         "--config", str(cfg)], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0
    text = out.decode(errors="replace")
    assert "importing products.jsonl" in text and "100%" in text, text
    assert "3000 records" in proc.stdout.read().decode()
    proc.stdout.close()


def test_main_py_is_the_same_command():
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--help"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and "db" in proc.stdout and "run" in proc.stdout


def test_products_count_after_csv(cfg):
    r = invoke("products", "import", str(EXAMPLES / "products.csv"), "--config", str(cfg))
    assert r.exit_code == 0, r.output
    assert count(cfg, Product) >= 6


@pytest.mark.slow
def test_demo_packs_orders_on_simulated_devices(tmp_path):
    events_path = tmp_path / "events.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "station.cli", "demo", "--dir", str(tmp_path / "demo"),
         "--auto", "2", "--events-jsonl", str(events_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    events = [json.loads(line) for line in events_path.read_text().splitlines()]
    assert sum(e["event"] == "order.packed" for e in events) == 2
    connected = {e["device"] for e in events
                 if e["event"] == "device.state" and e["state"] == "connected"}
    assert connected == {"scanner", "scale", "label_printer", "receipt_printer", "vlm",
                         "backend"}
    from sync.receiver.store import ReceiverStore

    store = ReceiverStore(f"sqlite:///{tmp_path / 'demo' / 'backend.db'}")
    try:  # the demo's own backend got both orders' events, in order
        kinds = [kind for _, kind, _, _ in store.since()]
        assert kinds.count("packbench.order.packed.v1") == 2
        assert kinds.count("packbench.shipment.created.v1") == 2
        assert store.violations() == []
    finally:
        store.close()


@pytest.mark.parametrize("device", sorted(SIMULATORS))
def test_every_simulator_runs_from_the_command_line(device):
    proc = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "sim", device, "--listen", "tcp:0"], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith(("socket://127.0.0.1:", "modbus://127.0.0.1:")), url
        proc.stdin.write("help\nquit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()


def test_backend_serve_runs_the_reference_backend(tmp_path):
    from sync.relay.client import Secret

    proc = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "backend", "serve", "--listen", "127.0.0.1:0",
         "--db", str(tmp_path / "backend.db"), "--secret", Secret.generate().reveal()],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout.readline().startswith("http://127.0.0.1:")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()


def test_packbench_alone_needs_a_configured_station(tmp_path, monkeypatch):
    from station.cli import main

    monkeypatch.delenv("PACKBENCH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    result = CliRunner().invoke(main, [])
    assert result.exit_code != 0
    assert "no station configured" in result.output and "packbench demo" in result.output
    monkeypatch.setenv("PACKBENCH_CONFIG", str(tmp_path / "missing.toml"))
    result = CliRunner().invoke(main, [])
    assert result.exit_code != 0 and "file not found" in result.output


def test_demo_screen_and_console_choices(tmp_path):
    from station.cli import main

    result = CliRunner().invoke(main, ["demo", "--gui", "--auto", "1"])
    assert result.exit_code == 2 and "--gui cannot go with" in result.output
