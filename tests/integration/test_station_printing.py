"""The headless station prints each parcel's label and insert on real (simulated) printers.

The ZPL that reached the label printer is rendered with zplkit and its tracking barcode read
back with zxing-cpp; the insert's QR code is decoded from the ESC/POS raster the receipt
printer received. A printer out of paper holds its job until it is back.
"""

from __future__ import annotations

import numpy as np
import pytest
import zplkit
import zxingcpp

from drivers.receipt_printer.raster import with_quiet_zone
from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.mtsics import SimMtSics
from drivers.sim.scanner import SimScanner
from drivers.sim.zpl import SimZplPrinter
from station.data.db import make_engine, session_factory, upgrade
from tests.integration.seed import MUG, seed
from tests.integration.test_station_faults import DefaultStation, scan


def barcodes(zpl: bytes) -> dict[str, str]:
    """Render a label with zplkit; return {symbology identifier: text} of its barcodes."""
    (label,) = zplkit.render(zpl, zplkit.Options(profile="zd621", dpi=203)).labels
    raster = label.rasterize()
    img = np.frombuffer(raster.pixels, dtype=np.uint8).reshape(raster.height, raster.width)
    found = zxingcpp.read_barcodes(img, text_mode=zxingcpp.TextMode.Plain)
    return {r.symbology_identifier: r.text for r in found}


@pytest.mark.slow
def test_label_and_insert_print_and_the_label_is_scanned_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'station.db'}")
    upgrade(engine)
    seed(session_factory(engine))
    engine.dispose()
    scanner, scale = SimScanner("pty"), SimMtSics("tcp")
    label, receipt = SimZplPrinter("tcp"), SimEscPosPrinter("tcp", idle_gap_s=None)
    station = DefaultStation(tmp_path, scanner, scale)
    with station.config.open("a") as fh:
        fh.write(
            f'[devices.label_printer]\nurl = "{label.url}"\nstatus_interval_s = 0.2\n'
            f'[devices.receipt_printer]\nurl = "{receipt.url}"\nstatus_interval_s = 0.2\n'
            '[printing]\nconfirm_label_scan = true\nsscc_company_prefix = "4012345"\n'
            'review_url_template = "https://shop.example/review/{order_id}"\n'
            '[printing.ship_from]\nname = "Example Shop"\nstreet = "Lagerstr. 5"\n'
            'city = "Berlin"\npostal_code = "10115"\ncountry = "DE"\n'
        )
    try:
        station.start()
        for code in ("BADGE:P1", "SO-2"):
            assert scan(station, scanner, code)["event"] == "scan.accepted"
        mark = len(station.log.events)
        label.paper_out()  # the roll ran out before this parcel's label
        station.log.wait_for(lambda e: e["event"] == "device.state"
                             and e["device"] == "label_printer" and e["state"] == "not_ready",
                             mark)
        scale.place(352.0)
        scan(station, scanner, MUG)
        created = station.log.wait_for(lambda e: e["event"] == "label.created", mark)
        waiting = station.log.wait_for(lambda e: e["event"] == "print.waiting", mark)
        assert (waiting["device"], waiting["detail"]) == ("label_printer", "paper out")
        station.log.wait_for(lambda e: e["event"] == "print.printed"
                             and e["device"] == "receipt_printer", mark)
        assert label.jobs == []  # nothing sent to a printer without paper
        label.clear()  # paper loaded: the label goes out by itself
        station.log.wait_for(lambda e: e["event"] == "print.printed"
                             and e["device"] == "label_printer", mark)
        assert label.wait_for_jobs(1, 5)
        codes = barcodes(label.jobs[0])
        assert codes["]C0"] == created["tracking_number"]
        assert codes["]C1"] == "00" + created["sscc"]
        assert receipt.wait_for_jobs(1, 5)
        (job,) = receipt.jobs
        qr = [r.text for image in job.images
              for r in zxingcpp.read_barcodes(with_quiet_zone(image))]
        assert qr == ["https://shop.example/review/ord_2"]
        assert "Ana" in job.text
        # The order closes only when this parcel's label is scanned back.
        assert scan(station, scanner, "PB123456785DE")["reason"] == "label_mismatch"
        e = scan(station, scanner, codes["]C0"])
        assert e["event"] == "scan.accepted"
        station.log.wait_for(lambda e: e["event"] == "order.packed", mark)
    finally:
        station.stop()
        for sim in (scanner, scale, label, receipt):
            sim.stop()
