"""Build the sample label and insert that `packbench print test-label/test-insert` print.

They go through exactly the templates, options and drivers real parcels use, so a test
print shows what the station will print (sender address, dpi, paper width, brand).
"""

from __future__ import annotations

from station.config import StationConfig
from station.printing.gs1_ids import sscc18
from station.printing.insert import InsertData, InsertLine, render_insert
from station.printing.label import Address, LabelData, render_label
from station.printing.tracking import s10

SAMPLE_TO = Address(name="Ana Müller", street="Beispielweg 12", city="Hamburg",
                    postal_code="20095", country="DE")


def sample_label(config: StationConfig, *, brand: str = "") -> tuple[bytes, LabelData]:
    """Return a test label (ZPL) and the data printed on it."""
    p = config.printing
    sender = p.ship_from
    ship_from = Address(name=sender.name or config.station.site, street=sender.street,
                        city=sender.city, postal_code=sender.postal_code,
                        country=sender.country, region=sender.region)
    sscc = sscc18(p.sscc_extension, p.sscc_company_prefix, 0) if p.sscc_company_prefix else ""
    data = LabelData(
        ship_from=ship_from, ship_to=SAMPLE_TO, carrier="TEST", service="Test print",
        order_number="TEST-LABEL", package_index=1, package_count=1, weight_g=1234,
        tracking_number=s10(p.tracking_service, 0, p.tracking_country), sscc=sscc,
        notes="Test label: do not ship",
    )
    zpl = render_label(data, dpi=p.label_dpi, template=p.label_template, brand=brand,
                       templates_dir=p.templates_dir or None)
    return zpl, data


def sample_insert(config: StationConfig, *, brand: str = "") -> tuple[bytes, InsertData]:
    """Return a test insert (ESC/POS job) and the data printed on it."""
    p = config.printing
    data = InsertData(
        order_number="TEST-INSERT", order_id="test-insert", customer_first_name="Ana",
        lines=(InsertLine(sku="MUG-1", title="Stoneware mug, 350 ml", qty=2),
               InsertLine(sku="TEE-1", title="Organic T-shirt", qty=1)),
        message="This is a test print of the packing slip and insert.",
        review_url="https://example.com/review/test-insert",
        returns_url="https://example.com/returns/test-insert",
        categories=("Home & Kitchen", "Apparel"), station_id=config.station.id,
        packer_name="Test", brand=brand,
    )
    job = render_insert(data, profile=p.insert_profile, template=p.insert_template,
                        brand=brand, templates_dir=p.templates_dir or None)
    return job, data
