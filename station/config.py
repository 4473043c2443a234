"""Declare every station option once: type, default, unit and description.

The station reads one TOML file. `docs/configuration.md` is generated from these models
(`packbench config docs`, see `station/config_docs.py`), so the documentation cannot drift
from the code.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from drivers.scale.factory import SCALE_PROTOCOLS, open_scale
from drivers.vlm.factory import VLM_PROTOCOLS
from drivers.vlm.kardex import dialect_named
from station.domain.edd import EddPolicy, ServiceRule
from station.printing.insert import check_url_template
from sync.payloads import check_tracking_url_template


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StationSection(_Section):
    """Identity of this station and where it keeps its data."""

    id: str = Field("station-1", description="Station id, unique on the site; appears in events.")
    site: str = Field("site-1", description="Site (warehouse) id; appears in event sources.")
    database: str = Field(
        "",
        description="SQLAlchemy URL of the station database. Empty: SQLite file `packbench.db` "
        "in the user data folder. Multi-station sites: `postgresql+psycopg://user@host/db`.",
    )
    auto_migrate: bool = Field(
        True, description="Apply pending database migrations when the station starts."
    )
    language: str = Field(
        "",
        description="Language of the packing screen: `en`, `es`. Empty: the system's "
        "language if the screen has it, else English.",
        pattern=r"^([a-z]{2}(_[A-Z]{2})?)?$",
    )


# Wire protocols each device family speaks; the first is the default.
PROTOCOLS: dict[str, tuple[str, ...]] = {
    "scanner": ("lines",),
    "scale": SCALE_PROTOCOLS,
    "label_printer": ("zpl",),
    "receipt_printer": ("escpos",),
    "vlm": VLM_PROTOCOLS,
}


class DeviceSection(_Section):
    """One device reached through a pyserial URL."""

    url: str = Field(
        "",
        description="pyserial URL: `/dev/ttyUSB0`, `socket://host:port`, `rfc2217://host:port`, "
        "`loop://`. Empty: device not configured.",
    )
    protocol: str = Field(
        "",
        description="Wire protocol. scanner: `lines`; scale: `mt-sics`, `toledo-8217`, "
        "`continuous`; label_printer: `zpl`; "
        "receipt_printer: `escpos`; vlm: `kardex-jmif`, `modbus` "
        "(URL `modbus://host:port?unit=1`). Empty: the family default (the first named).",
    )
    model: str = Field(
        "",
        description="Device variant. scale: MT-SICS `standard`, `mt-sics-emulator`; Toledo "
        "`8217`, `8217-lb`, `8213`, `8213-kg`, `8217-badcmd`; continuous `cas`, `ad`, `ohaus`. "
        "vlm (kardex-jmif): `jmif`, `jmif-pipe` (the older `|` telegrams). "
        "Empty: the standard one.",
    )
    pattern: str = Field(
        "",
        description="Continuous-output scale: a regular expression for one line, with named "
        "groups `stability`, `sign`, `value`, `unit` (overrides the model's).",
    )
    baudrate: int = Field(9600, description="Serial speed (ignored by TCP and ptys).", gt=0)
    timeout_s: float = Field(
        1.0, description="Reply deadline for request/response devices, s.", gt=0
    )
    reconnect_s: float = Field(
        1.0, description="Delay between reconnection attempts after a device is lost, s.", gt=0
    )
    terminator: Literal["CR", "LF", "CRLF", "TAB", "ANY"] = Field(
        "ANY", description="Scanner line terminator. `ANY` accepts CR, LF, CRLF or TAB."
    )
    prefix: str = Field("", description="Scanner prefix to strip from every code.")
    suffix: str = Field("", description="Scanner suffix to strip from every code.")
    max_line_bytes: int = Field(
        4096,
        description="Longest scanner line accepted; longer input is reported and discarded.",
        ge=64,
    )
    poll_interval_s: float = Field(
        0.1, description="Scale: delay between weight requests while waiting for a parcel, s.", gt=0
    )
    status_interval_s: float = Field(
        2.0, description="Printers and VLM: how often the station checks an idle device, s.",
        gt=0,
    )


class DevicesSection(_Section):
    """Devices attached to this station; each is optional."""

    scanner: DeviceSection = Field(default_factory=DeviceSection, description="Barcode scanner.")
    scale: DeviceSection = Field(default_factory=DeviceSection, description="Parcel scale.")
    label_printer: DeviceSection = Field(
        default_factory=DeviceSection, description="Shipping-label printer (ZPL)."
    )
    receipt_printer: DeviceSection = Field(
        default_factory=DeviceSection, description="Packing-slip and insert printer (ESC/POS)."
    )
    vlm: DeviceSection = Field(
        default_factory=DeviceSection, description="Vertical lift module controller."
    )

    @model_validator(mode="after")
    def _known_protocols(self) -> DevicesSection:
        for name, allowed in PROTOCOLS.items():
            protocol = getattr(self, name).protocol
            if protocol and protocol not in allowed:
                known = ", ".join(f"`{p}`" for p in allowed) or "none yet"
                raise ValueError(
                    f"devices.{name}.protocol {protocol!r} is not supported (known: {known})"
                )
        scale = self.scale
        try:  # building the driver checks model and pattern; it opens nothing
            open_scale(scale.protocol or SCALE_PROTOCOLS[0], "loop://", model=scale.model,
                       pattern=scale.pattern)
        except (ValueError, re.error) as exc:
            raise ValueError(f"devices.scale: {exc}") from exc
        if self.vlm.model and (self.vlm.protocol or VLM_PROTOCOLS[0]) == "kardex-jmif":
            try:
                dialect_named(self.vlm.model)
            except ValueError as exc:
                raise ValueError(f"devices.vlm: {exc}") from exc
        return self


class WeightSection(_Section):
    """Parcel weight check."""

    tolerance_g: float = Field(
        20.0, description="Allowed difference from the expected weight, grams.", ge=0
    )
    tolerance_pct: float = Field(
        5.0,
        description="Allowed difference as percent of the expected weight. The allowance is "
        "the larger of `tolerance_g` and this.",
        ge=0,
    )
    min_parcel_g: float = Field(
        5.0, description="A stable reading below this counts as an empty scale, grams.", ge=0
    )
    learn: bool = Field(
        True, description="Learn per-SKU unit weights from accepted single-SKU parcels."
    )
    learn_min_samples: int = Field(
        3, description="Accepted parcels needed before a learned weight replaces the catalogue.",
        ge=1,
    )
    default_box: str = Field(
        "", description="Box type code used when the packer scans none (empty: no tare)."
    )


class ScanSection(_Section):
    """How scanned text is read."""

    gs_aliases: list[str] = Field(
        default_factory=lambda: ["<GS>", "{GS}", "[GS]", "^]", "\u241d", "<FNC1>"],
        description="Text forms some scanners send instead of the GS (0x1D) separator.",
    )


class AddressSection(_Section):
    """A postal address."""

    name: str = Field("", description="Company or person.")
    street: str = Field("", description="Street and number.")
    city: str = Field("", description="City.")
    postal_code: str = Field("", description="Postal code.")
    region: str = Field("", description="Region or state.")
    country: str = Field("", description="ISO 3166 two-letter country code.")


class PrintingSection(_Section):
    """Shipping labels (ZPL) and packing slips / inserts (ESC/POS)."""

    label_provider: Literal["auto", "offline", "supplied"] = Field(
        "auto",
        description="Where labels come from: `supplied` (the ZPL the backend sent with the "
        "order), `offline` (made here, with our own tracking numbers), `auto` (supplied when "
        "the order has labels, else offline).",
    )
    label_dpi: Literal[203, 300] = Field(203, description="Label printer resolution, dpi.")
    label_template: str = Field("shipping_4x6", description="Label template name.")
    print_insert: bool = Field(True, description="Print the packing slip and insert.")
    insert_template: str = Field("insert", description="Insert template name.")
    insert_profile: Literal["80mm", "58mm"] = Field("80mm", description="Insert paper width.")
    templates_dir: str = Field(
        "", description="Folder with template overrides (same layout as resources/templates)."
    )
    review_url_template: str = Field(
        "", description="Review link when the order has none, e.g. "
        "`https://shop.example/review/{order_id}` (`{order_id}`, `{order_number}`, "
        "`{first_name}`).",
    )
    returns_url_template: str = Field(
        "", description="Returns link when the order has none (same fields)."
    )
    confirm_label_scan: bool = Field(
        False,
        description="The packer scans each printed shipping label before the order closes; "
        "a label of another parcel is refused.",
    )
    sscc_company_prefix: str = Field(
        "", description="Your GS1 company prefix (7 to 10 digits): labels then carry an SSCC "
        "as GS1-128. Empty: no SSCC.",
        pattern=r"^(\d{7,10})?$",
    )
    sscc_extension: int = Field(0, description="SSCC extension digit.", ge=0, le=9)
    tracking_service: str = Field(
        "PB", description="Offline tracking numbers (UPU S10): service indicator, 2 letters.",
        pattern=r"^[A-Z]{2}$",
    )
    tracking_country: str = Field(
        "DE", description="Offline tracking numbers: ISO country code.", pattern=r"^[A-Z]{2}$"
    )
    ship_from: AddressSection = Field(
        default_factory=AddressSection, description="Sender address printed on labels."
    )

    @field_validator("review_url_template", "returns_url_template")
    @classmethod
    def _url_template(cls, value: str) -> str:
        if value:
            check_url_template(value)  # UrlTemplateError is a ValueError: reported by key
        return value


class EddServiceSection(_Section):
    """Transit days of one carrier service."""

    carrier: str = Field("*", description="Carrier name as on orders; `*` for any.")
    service: str = Field("*", description="Service name as on orders; `*` for any.")
    transit: dict[str, tuple[int, int]] = Field(
        description="Delivery days (min, max) after dispatch by destination: `DE-BY`, `DE`, "
        "a zone name, or `*`.",
    )
    delivery_weekmask: str = Field(
        "1111100", description="Days the service delivers, Monday first (`1111110`: Saturdays)."
    )


class EddSection(_Section):
    """Estimated delivery date: cut-off, handling, business days, transit times."""

    timezone: str = Field("Europe/Berlin", description="Time zone of the site (IANA name).")
    cutoff: time = Field(
        time(14, 0), description="Parcels packed at or after this local time ship next day."
    )
    handling_days: int = Field(0, description="Dispatch days before a parcel ships.", ge=0)
    origin_country: str = Field(
        "", description="Country whose public holidays stop dispatch. Empty: the ship-from "
        "country (`[printing.ship_from] country`), else DE.",
    )
    origin_subdivision: str = Field("", description="Region for holidays, e.g. `BY`.")
    dispatch_weekmask: str = Field("1111100", description="Days carriers collect, Monday first.")
    closed_days: list[str] = Field(
        default_factory=list,
        description="Days the site does not ship: `MM-DD` every year or `YYYY-MM-DD`.",
    )
    zones: dict[str, str] = Field(
        default_factory=dict, description="Country to zone name, for transit rules by zone."
    )
    services: list[EddServiceSection] = Field(
        default_factory=list,
        description="Transit rules (`[[edd.services]]`). None: events carry no estimate.",
    )

    def policy(self, fallback_country: str) -> EddPolicy | None:
        """Return the EDD policy, or None when no transit rule is configured."""
        if not self.services:
            return None
        return EddPolicy(
            origin_country=(self.origin_country or fallback_country or "DE").upper(),
            timezone=self.timezone, cutoff=self.cutoff,
            services={(r.carrier, r.service): ServiceRule(dict(r.transit), r.delivery_weekmask)
                      for r in self.services},
            origin_subdivision=self.origin_subdivision or None,
            handling_days=self.handling_days, dispatch_weekmask=self.dispatch_weekmask,
            closed_days=tuple(self.closed_days), zones=dict(self.zones),
        )


class BackendSection(_Section):
    """Customer-notification backend."""

    events_url: str = Field("", description="URL that receives ship events (HTTPS).")
    orders_url: str = Field("", description="URL that lists orders ready to pack.")
    pull_interval_s: float = Field(
        300.0, description="How often the running station pulls orders from `orders_url`, s.",
        gt=0,
    )
    tracking_urls: dict[str, str] = Field(
        default_factory=dict,
        description="Tracking page by carrier, e.g. `DHL = \"https://...?piececode={tracking}"
        "\"` (`{tracking}`, `{postal_code}`, `{country}`).",
    )
    secret: str = Field(
        "", description="Standard Webhooks signing secret (`whsec_...`). Never logged.", repr=False
    )


class SoundSection(_Section):
    """Verdict sounds on the packing screen."""

    enabled: bool = Field(True, description="Play a sound for each verdict.")
    volume: int = Field(
        80, description="Loudness, percent of full scale (0 to 100).", ge=0, le=100
    )
    repeat_reject_s: float = Field(
        0.0,
        description="Repeat the reject sound this often until the packer scans again or "
        "acknowledges it, s. 0: play it once.",
        ge=0,
    )
    folder: str = Field(
        "",
        description="Folder with sound overrides: `accept.wav`, `reject.wav`, `complete.wav`, "
        "`attention.wav` (16-bit PCM). A file missing there plays the built-in one.",
    )


class StationConfig(_Section):
    """The whole station configuration file."""

    station: StationSection = Field(default_factory=StationSection, description="Station.")
    devices: DevicesSection = Field(default_factory=DevicesSection, description="Devices.")
    weight: WeightSection = Field(default_factory=WeightSection, description="Weight check.")
    scan: ScanSection = Field(default_factory=ScanSection, description="Scanning.")
    printing: PrintingSection = Field(
        default_factory=PrintingSection, description="Labels and inserts."
    )
    edd: EddSection = Field(default_factory=EddSection, description="Delivery estimates.")
    backend: BackendSection = Field(default_factory=BackendSection, description="Backend.")
    sound: SoundSection = Field(default_factory=SoundSection, description="Verdict sounds.")

    @model_validator(mode="after")
    def _edd_and_tracking(self) -> StationConfig:
        try:
            self.edd.policy(self.printing.ship_from.country)
        except ValueError as exc:
            raise ValueError(f"edd: {exc}") from exc
        for carrier, template in self.backend.tracking_urls.items():
            try:
                check_tracking_url_template(template)
            except ValueError as exc:
                raise ValueError(f"backend.tracking_urls.{carrier}: {exc}") from exc
        return self

    def database_url(self) -> str:
        """Return the database URL, defaulting to SQLite in the user data folder."""
        if self.station.database:
            return self.station.database
        folder = Path(platformdirs.user_data_dir("packbench", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'packbench.db'}"


class ConfigError(Exception):
    """The configuration file cannot be used."""


def describe_invalid(heading: str, exc: ValidationError) -> str:
    """Return `heading` and one line per invalid key (`devices.scale.baudrate: ...`)."""
    lines = [heading]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        lines.append(f"  {where}: {err['msg']}")
    return "\n".join(lines)


def load_config(path: str | Path | None) -> StationConfig:
    """Load and validate a station TOML file; no path gives the defaults."""
    if path is None:
        return StationConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        config = StationConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_invalid(f"{path}: invalid configuration", exc)) from exc
    db = config.station.database
    if db.startswith("sqlite:///") and not db.startswith("sqlite:////"):
        # A relative SQLite path is relative to the config file, not the working folder.
        rel = db.removeprefix("sqlite:///")
        config.station.database = f"sqlite:///{(path.parent / rel).resolve()}"
    return config
