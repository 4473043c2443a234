"""Check the shipping labels the packer scans back before the order closes.

Swapped labels are the classic mis-ship: two parcels packed right, each sent to the other
customer. With scan-to-confirm on, every parcel's printed label (its tracking number as
Code 128, or its SSCC as GS1-128) must be scanned; a label of another order, or anything
else, is refused and the order stays open.
"""

from __future__ import annotations

from station.domain import effects as fx
from station.domain.effects import Decision
from station.domain.scan import ScannedCode
from station.domain.state import LabelState, Lookup, PackState


def _normal(text: str) -> str:
    return "".join(text.split()).upper()


def label_for(state: PackState, scan: ScannedCode) -> LabelState | None:
    """Return the label of this order that `scan` is, or None."""
    sscc = dict(scan.gs1).get("00")
    tracking = _normal(scan.text)
    for label in state.labels:
        if sscc is not None and label.sscc == sscc:
            return label
        if sscc is None and _normal(label.tracking_number) == tracking:
            return label
    return None


def confirm_label(state: PackState, scan: ScannedCode, lookup: Lookup) -> Decision:
    """Judge a scan while the station waits for this order's shipping labels."""
    label = label_for(state, scan)
    if label is None:
        code = dict(scan.gs1).get("00") or scan.text
        owner = lookup.label_owner(code)
        if owner is not None:
            return Decision(
                "rejected", "label", "label_of_other_order",
                f"Wrong label: this label is for order {owner}. Do not ship it on this parcel.",
            )
        return Decision(
            "rejected", "label", "label_mismatch",
            "That is not this parcel's shipping label; scan the label just printed.",
        )
    if label.confirmed:
        return Decision("info", "label", "label_already_scanned",
                        f"Label of box {label.index} was already scanned.")
    label.confirmed = True
    effects: list[fx.Effect] = [fx.LabelConfirmed(label.index, label.tracking_number)]
    missing = [lb.index for lb in state.labels if not lb.confirmed]
    if missing:
        return Decision("accepted", "label", message=f"Label {label.index} OK; scan the label "
                        f"of box {missing[0]}.", effects=effects)
    return Decision("accepted", "label", message="Label OK.", effects=effects)
