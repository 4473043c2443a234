"""List every command barcode the station understands, with what it does.

This table is the single source for the flow, `docs/commands.md` and the printable
command sheet (`packbench print command-sheet`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

COMMAND_PREFIX = "CMD:"
BADGE_PREFIX = "BADGE:"
BOX_PREFIX = "BOX:"


class Command(StrEnum):
    NEW_BOX = "CMD:NEW-BOX"
    REWEIGH = "CMD:REWEIGH"
    SHORT = "CMD:SHORT"
    DAMAGED = "CMD:DAMAGED"
    CANCEL = "CMD:CANCEL"
    BACK = "CMD:BACK"
    LOGOUT = "CMD:LOGOUT"
    REPRINT = "CMD:REPRINT"
    SHOW_LABELS = "CMD:SHOW-LABELS"
    REASON_SCALE = "CMD:REASON-SCALE"
    REASON_PRODUCT_DATA = "CMD:REASON-PRODUCT-DATA"
    REASON_PACKAGING = "CMD:REASON-PACKAGING"
    REASON_VERIFIED = "CMD:REASON-VERIFIED"


# Override reasons a supervisor can give, by command.
OVERRIDE_REASONS: dict[Command, str] = {
    Command.REASON_SCALE: "scale_issue",
    Command.REASON_PRODUCT_DATA: "product_data_wrong",
    Command.REASON_PACKAGING: "packaging_variance",
    Command.REASON_VERIFIED: "contents_verified",
}


@dataclass(frozen=True, slots=True)
class CommandInfo:
    command: Command
    label: str
    when: str
    effect: str


COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo(
        Command.NEW_BOX, "New box", "while scanning items",
        "Close the current box (it is weighed first) and continue the order in a new box.",
    ),
    CommandInfo(
        Command.REWEIGH, "Re-weigh", "after a weight was rejected",
        "Weigh the parcel again (after fixing its contents or placing it properly).",
    ),
    CommandInfo(
        Command.SHORT, "Short pick", "during a pack",
        "Stop: an item is missing. The order goes on hold with reason short_pick.",
    ),
    CommandInfo(
        Command.DAMAGED, "Damaged", "during a pack",
        "Stop: an item is damaged. The order goes on hold with reason damaged.",
    ),
    CommandInfo(
        Command.CANCEL, "Cancel pack", "during a pack",
        "Abandon this pack; items go back, the order returns to ready and can be packed again.",
    ),
    CommandInfo(
        Command.BACK, "Back", "while the station asks for a lot, serial or override reason",
        "Drop the pending unit or override and return to item scanning.",
    ),
    CommandInfo(
        Command.REPRINT, "Reprint labels", "while the station asks for the shipping label",
        "Print this order's shipping labels again (jammed, smudged or lost); recorded.",
    ),
    CommandInfo(
        Command.SHOW_LABELS, "Show last labels", "any time (packing screen)",
        "Show or hide the last shipping label and insert as printed; changes nothing else.",
    ),
    CommandInfo(
        Command.LOGOUT, "Log out", "with no order open",
        "Log the packer out of the station.",
    ),
    CommandInfo(
        Command.REASON_SCALE, "Reason: scale issue", "after a supervisor badge scan",
        "Override the weight check: the scale is known to read wrong.",
    ),
    CommandInfo(
        Command.REASON_PRODUCT_DATA, "Reason: product data wrong",
        "after a supervisor badge scan",
        "Override the weight check: the catalogue weight of an item is wrong.",
    ),
    CommandInfo(
        Command.REASON_PACKAGING, "Reason: packaging variance", "after a supervisor badge scan",
        "Override the weight check: extra dunnage or a different box was used.",
    ),
    CommandInfo(
        Command.REASON_VERIFIED, "Reason: contents verified", "after a supervisor badge scan",
        "Override the weight check: the supervisor checked the contents by hand.",
    ),
)


def render_commands_markdown() -> str:
    """Render docs/commands.md from the command table."""
    out = [
        "# Command barcodes",
        "",
        "Everything a packer does at the station can be done with the scanner alone.",
        "Command barcodes are Code 128 and begin with `CMD:`. Besides them the station reads:",
        "",
        "- `BADGE:<badge id>`: log in (packer) or authorise an override (supervisor);",
        "- `BOX:<box type code>`: the box being filled (its tare is used in the weight check);",
        "- an order id, order number, pick-list id or tote id: open that order;",
        "- item barcodes (GTIN/UPC/EAN, GS1-128, GS1 DataMatrix, GS1 QR, catalogue aliases);",
        "- lot and serial numbers when the station asks for them.",
        "",
        "Print them all on one sheet: `packbench print command-sheet --out commands.pdf`.",
        "This page is generated from `station/domain/commands.py`.",
        "",
        "| barcode | name | when | what it does |",
        "|---|---|---|---|",
    ]
    for info in COMMANDS:
        out.append(f"| `{info.command.value}` | {info.label} | {info.when} | {info.effect} |")
    return "\n".join(out) + "\n"
