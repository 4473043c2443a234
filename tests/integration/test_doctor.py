"""`packbench doctor` and its checks against the real simulators: OK, stopped, silent."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo

from drivers.monitor import ByteMonitor, Direction
from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.kardex import SimKardexVlm
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.vlm_modbus import SimModbusVlm
from drivers.sim.zpl import SimZplPrinter
from station.app.doctor import (
    check_backend,
    check_label_printer,
    check_receipt_printer,
    check_scale,
    check_scanner,
    check_vlm,
    list_serial_ports,
    port_info,
    run_bounded,
    run_checks,
)
from station.cli import main
from station.config import BackendSection, DeviceSection, StationConfig
from sync.receiver import Receiver
from sync.relay import Secret

ROOT = Path(__file__).resolve().parents[2]
TX, RX = Direction.TX, Direction.RX


@pytest.fixture
def sims():
    """Start one simulator per device: the scale and scanner on ptys, the rest on TCP."""
    with SimMtSics("pty") as scale, SimZplPrinter("tcp") as label, \
            SimEscPosPrinter("tcp") as receipt, SimKardexVlm("tcp", dialect="jmif-pipe") as vlm, \
            SimScanner("pty") as scanner:
        scale.place(1234.5)
        yield {"scale": scale, "label_printer": label, "receipt_printer": receipt, "vlm": vlm,
               "scanner": scanner}


def station_config(sims, timeout_s: float = 1.0) -> StationConfig:
    devices = {name: {"url": sim.url, "timeout_s": timeout_s} for name, sim in sims.items()}
    devices["vlm"]["model"] = "jmif-pipe"
    return StationConfig.model_validate({"devices": devices})


def write_config(path: Path, sims, **extra: dict) -> Path:
    lines = []
    for name, sim in sims.items():
        lines += [f"[devices.{name}]", f'url = "{sim.url}"', "timeout_s = 1.0"]
        lines += [f'{key} = "{value}"' for key, value in extra.get(name, {}).items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_device_checks_ok_with_what_went_over_the_wire(sims):
    results = {r.device: r for r in run_checks(station_config(sims))}
    assert [r.status for r in results.values()] == ["OK"] * 5 + ["--"]
    scale = results["scale"]
    assert scale.summary == "1234.5 g, stable; PB-SIM6200 6200.00 g, serial 0123456789"
    assert scale.chunks[0].direction is TX and scale.chunks[0].data == b"SI\r\n"
    assert "SI<CR><LF>" in scale.monitor_text()
    label = results["label_printer"]
    assert label.summary == "ready" and label.chunks[0].data == b"~HS"
    assert results["receipt_printer"].chunks[0].data == b"\x10\x04\x01"
    assert results["vlm"].summary == "answers the ping"
    assert b"".join(c.data for c in results["vlm"].chunks if c.direction is TX).startswith(b"61|")
    assert results["scanner"].summary.startswith("port opens")
    assert results["backend"].summary == "not configured"
    assert sims["label_printer"].jobs == [] and sims["receipt_printer"].jobs == []


def test_print_tests_print_a_label_and_an_insert(sims):
    results = {r.device: r for r in run_checks(station_config(sims), print_tests=True)}
    assert "test label printed" in results["label_printer"].summary
    assert "test insert printed" in results["receipt_printer"].summary
    assert sims["label_printer"].wait_for_jobs(1, 5)
    assert sims["receipt_printer"].wait_for_jobs(1, 5)
    assert b"^XA" in b"".join(c.data for c in results["label_printer"].chunks)


def test_listening_reports_the_scan_and_ends_with_it(sims):
    listening = threading.Event()
    out = []
    cfg = DeviceSection(url=sims["scanner"].url)
    worker = threading.Thread(target=lambda: out.append(check_scanner(
        cfg, listen_s=10, max_lines=1, on_listening=listening.set)))
    worker.start()
    assert listening.wait(5)
    assert sims["scanner"].scan("]C1010400638133393\x1d10LOT7")
    worker.join(10)
    (result,) = out
    assert result.ok and result.summary == "1 scan(s): ]C1010400638133393<GS>10LOT7"
    assert result.elapsed_ms < 5000  # it did not wait out the 10 s
    assert b"".join(c.data for c in result.chunks) == b"]C1010400638133393\x1d10LOT7\r\n"


def test_listening_without_a_scan_fails_and_says_so(sims):
    result = check_scanner(DeviceSection(url=sims["scanner"].url), listen_s=0.3)
    assert not result.ok
    assert result.summary == "port opens, but no scan arrived in 0.3 s"


def test_stopped_devices_fail_fast_with_the_reason(sims):
    config = station_config(sims)
    for sim in sims.values():
        sim.stop()
    start = time.monotonic()
    results = {r.device: r for r in run_checks(config)}
    assert time.monotonic() - start < 5
    for name in ("scanner", "scale", "label_printer", "receipt_printer", "vlm"):
        r = results[name]
        assert r.status == "FAIL", r
        assert f"cannot open {sims[name].url}" in r.summary, r.summary
    assert "Connection refused" in results["label_printer"].summary
    assert "No such file" in results["scale"].summary


@pytest.mark.parametrize("device", ["scale", "label_printer", "receipt_printer", "vlm"])
def test_a_device_that_never_answers_fails_within_its_timeout(sims, device):
    sims[device].dont_answer(100)
    cfg = DeviceSection(url=sims[device].url, timeout_s=0.5,
                        model="jmif-pipe" if device == "vlm" else "")
    check = {"scale": check_scale, "label_printer": check_label_printer,
             "receipt_printer": check_receipt_printer, "vlm": check_vlm}[device]
    start = time.monotonic()
    result = check(cfg)
    assert time.monotonic() - start < 2.5
    assert not result.ok
    assert "no reply" in result.summary or "no answer" in result.summary, result.summary
    assert result.chunks and result.chunks[0].direction is TX  # the question went out


def test_a_printer_out_of_paper_fails_and_prints_nothing(sims):
    sims["label_printer"].paper_out()
    result = check_label_printer(DeviceSection(url=sims["label_printer"].url), print_test=True)
    assert result.status == "FAIL" and result.summary.startswith("not ready: paper out")
    assert sims["label_printer"].jobs == []


def test_a_check_is_given_up_after_its_budget(sims):
    sims["scale"].dont_answer(100)
    cfg = DeviceSection(url=sims["scale"].url, timeout_s=5)
    start = time.monotonic()
    result = run_bounded("scale", cfg.url, 0.3, lambda: check_scale(cfg))
    assert 0.3 <= time.monotonic() - start < 1.5
    assert not result.ok and result.summary == "no result within 0.3 s"


def test_modbus_vlm_is_pinged_and_a_stopped_one_fails():
    with SimModbusVlm() as sim:
        cfg = DeviceSection(url=sim.url, protocol="modbus", timeout_s=0.5)
        pinged = check_vlm(cfg)
        assert pinged.summary == "answers the ping"
        assert pinged.chunks == ()  # pymodbus keeps its own socket: no byte monitor
    result = check_vlm(cfg)
    assert result.status == "FAIL" and result.elapsed_ms < 3000


def test_backend_reachable_then_not(tmp_path):
    with Receiver(Secret.generate().reveal(), str(tmp_path / "rx.db")) as rx:
        backend = BackendSection(events_url=rx.events_url)
        result = check_backend(backend, timeout_s=2)
        assert result.ok and result.summary.startswith("reachable (HTTP ")
    result = check_backend(backend, timeout_s=2)
    assert result.status == "FAIL" and result.summary


def test_serial_ports_are_listed_as_the_os_reports_them():
    assert [p.device for p in list_serial_ports()] == sorted(
        p.device for p in list_ports.comports())
    usb = ListPortInfo("/dev/ttyUSB7", skip_link_detection=True)
    usb.vid, usb.pid, usb.description = 0x067B, 0x2303, "USB-Serial Controller"
    usb.hwid = usb.usb_info()
    info = port_info(usb)
    assert (info.device, info.vid_pid, info.description) == (
        "/dev/ttyUSB7", "067B:2303", "USB-Serial Controller")
    assert "VID:PID=067B:2303" in info.hwid


def test_cli_prints_one_line_per_device_and_exits_0(sims, tmp_path):
    cfg = write_config(tmp_path / "station.toml", sims, vlm={"model": "jmif-pipe"})
    r = CliRunner().invoke(main, ["doctor", "--config", str(cfg)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    for name in ("scanner", "scale", "label_printer", "receipt_printer", "vlm"):
        (line,) = [ln for ln in lines if ln.startswith(name + " ")]
        assert line.split()[1] == "OK", line
    assert any(ln.startswith("backend") and " -- " in ln for ln in lines)
    assert any(ln.startswith("serial ports") for ln in lines)


def test_cli_fails_naming_the_absent_device_and_shows_bytes_and_json(sims, tmp_path):
    cfg = write_config(tmp_path / "station.toml", sims, vlm={"model": "jmif-pipe"})
    sims["label_printer"].stop()
    r = CliRunner().invoke(main, ["doctor", "--config", str(cfg), "--bytes"],
                           catch_exceptions=False)
    assert r.exit_code == 1
    (line,) = [ln for ln in r.output.splitlines() if ln.startswith("label_printer")]
    assert line.split()[1] == "FAIL" and "Connection refused" in line
    assert "SI<CR><LF>" in r.output  # the scale's bytes
    assert r.output.splitlines()[-1] == "1 device(s) failed: label_printer"
    r = CliRunner().invoke(main, ["doctor", "--config", str(cfg), "--json"],
                           catch_exceptions=False)
    assert r.exit_code == 1
    doc = json.loads(r.output)
    assert doc["ok"] is False
    by_name = {d["device"]: d for d in doc["devices"]}
    assert by_name["label_printer"]["status"] == "FAIL"
    assert by_name["scale"]["bytes"][0] == {"direction": "tx", "t_s": by_name["scale"]["bytes"][0]
                                            ["t_s"], "hex": "53490d0a", "text": "SI<CR><LF>"}
    assert isinstance(doc["serial_ports"], list)


def test_cli_print_tests_reach_the_printers(sims, tmp_path):
    cfg = write_config(tmp_path / "station.toml", sims, vlm={"model": "jmif-pipe"})
    r = CliRunner().invoke(main, ["doctor", "--config", str(cfg), "--print-tests"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert sims["label_printer"].wait_for_jobs(1, 5)
    assert sims["receipt_printer"].wait_for_jobs(1, 5)


@pytest.mark.slow
def test_the_command_exits_non_zero_as_a_process(tmp_path):
    with SimMtSics("tcp") as scale:
        cfg = tmp_path / "station.toml"
        cfg.write_text(f'[devices.scale]\nurl = "{scale.url}"\n'
                       '[devices.label_printer]\nurl = "socket://127.0.0.1:1"\n')
        proc = subprocess.run([sys.executable, "-m", "station.cli", "doctor", "--config",
                               str(cfg)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert any(ln.startswith("scale") and " OK " in ln for ln in proc.stdout.splitlines())
    assert any(ln.startswith("label_printer") and " FAIL " in ln
               for ln in proc.stdout.splitlines())


def test_a_check_records_into_a_monitor_the_caller_watches(sims):
    monitor = ByteMonitor()
    result = check_scale(DeviceSection(url=sims["scale"].url), monitor=monitor)
    assert result.ok
    assert monitor.data(TX) == b"SI\r\nI2\r\nI4\r\n"
    assert list(result.chunks) == monitor.chunks()
