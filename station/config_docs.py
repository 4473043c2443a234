"""Render the configuration reference (docs/configuration.md) from the option models."""

from __future__ import annotations

from typing import Literal, get_args, get_origin

from pydantic import BaseModel

from station.config import (
    AddressSection,
    BackendSection,
    DeviceSection,
    EddSection,
    EddServiceSection,
    PrintingSection,
    ScanSection,
    SoundSection,
    StationSection,
    WeightSection,
)


def _type_name(annotation: object) -> str:
    if get_origin(annotation) is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in get_args(annotation))
    if get_origin(annotation) is list:
        return f"list of {getattr(get_args(annotation)[0], '__name__', 'str')}"
    return getattr(annotation, "__name__", str(annotation))


def render_docs() -> str:
    """Render the configuration reference as Markdown."""
    out = [
        "# Station configuration",
        "",
        "One TOML file, passed to every command as `--config FILE`. Every option is optional;",
        "the example `resources/examples/station.toml` shows a full file.",
        "This page is generated from `station/config.py` (`packbench config docs`).",
        "",
    ]

    def section(title: str, model: type[BaseModel]) -> None:
        out.append(f"## `[{title}]`")
        out.append("")
        out.append((model.__doc__ or "").strip())
        out.append("")
        out.append("| key | type | default | description |")
        out.append("|---|---|---|---|")
        for name, field in model.model_fields.items():
            value = field.get_default(call_default_factory=True)
            typ = _type_name(field.annotation)
            if field.is_required():
                default = "required"
            elif name == "secret":
                default = '""'
            elif isinstance(value, BaseModel):
                default, typ = "table below", "table"
            else:
                default = repr(value)
            desc = (field.description or "").replace("|", "\\|")
            out.append(f"| `{name}` | {typ} | `{default}` | {desc} |")
        out.append("")

    section("station", StationSection)
    out.append("Devices: `[devices.scanner]`, `[devices.scale]`, `[devices.label_printer]`,")
    out.append("`[devices.receipt_printer]`, `[devices.vlm]`; each takes the keys below.")
    out.append("")
    section("devices.<name>", DeviceSection)
    section("weight", WeightSection)
    section("scan", ScanSection)
    section("printing", PrintingSection)
    section("printing.ship_from", AddressSection)
    section("edd", EddSection)
    section("edd.services", EddServiceSection)
    section("backend", BackendSection)
    section("sound", SoundSection)
    return "\n".join(out).rstrip() + "\n"
