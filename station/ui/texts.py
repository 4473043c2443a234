"""What the screen says for each event, in the screen's language.

The station's own messages are English and the most specific (they name the product or the
lot). In English the screen shows them as they are; in another language it shows the
translated text for the event's reason code, filled in from the event's fields, and the
English message only for a reason nobody translated yet.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

translate = QCoreApplication.translate  # the name Qt's lupdate looks for

CTX = "Texts"


# Reason code -> source text (QT_TRANSLATE_NOOP marks it for lupdate; translated on use).
REASONS: dict[str, str] = {
    "wrong_item": QT_TRANSLATE_NOOP("Texts", "Wrong item: {code} is not in this order."),
    "over_pick": QT_TRANSLATE_NOOP(
        "Texts", "Too many: {sku} needs {qty}, {packed} already packed."
    ),
    "wrong_lot": QT_TRANSLATE_NOOP("Texts", "Wrong lot for {sku}."),
    "expired": QT_TRANSLATE_NOOP("Texts", "Expired: {sku} cannot ship."),
    "unknown_barcode": QT_TRANSLATE_NOOP("Texts", "Unknown barcode {code}."),
    "duplicate_serial": QT_TRANSLATE_NOOP("Texts", "This serial number was already packed."),
    "order_not_found": QT_TRANSLATE_NOOP("Texts", "No order {code}."),
    "no_order_open": QT_TRANSLATE_NOOP("Texts", "That is an item. Scan an order first."),
    "order_already_packed": QT_TRANSLATE_NOOP("Texts", "This order is already packed."),
    "order_on_hold": QT_TRANSLATE_NOOP("Texts", "This order is on hold."),
    "order_in_progress": QT_TRANSLATE_NOOP(
        "Texts", "This order is being packed at another station."
    ),
    "order_open": QT_TRANSLATE_NOOP("Texts", "An order is open: finish or cancel it first."),
    "waiting_for_weight": QT_TRANSLATE_NOOP("Texts", "Put the parcel on the scale first."),
    "not_logged_in": QT_TRANSLATE_NOOP("Texts", "Scan your badge first."),
    "unknown_badge": QT_TRANSLATE_NOOP("Texts", "This badge is not registered."),
    "badge_inactive": QT_TRANSLATE_NOOP("Texts", "This badge is disabled."),
    "not_supervisor": QT_TRANSLATE_NOOP("Texts", "A supervisor badge is needed to override."),
    "reason_required": QT_TRANSLATE_NOOP("Texts", "Supervisor: choose a reason."),
    "unknown_command": QT_TRANSLATE_NOOP("Texts", "Unknown command {code}."),
    "command_not_allowed": QT_TRANSLATE_NOOP("Texts", "That cannot be done now."),
    "empty_box": QT_TRANSLATE_NOOP("Texts", "This box is still empty."),
    "unreadable": QT_TRANSLATE_NOOP("Texts", "The barcode could not be read. Scan again."),
    "invalid_encoding": QT_TRANSLATE_NOOP(
        "Texts", "The scanner sent bytes that are not text. Scan again."
    ),
    "line_too_long": QT_TRANSLATE_NOOP(
        "Texts", "The scanner sent a line that is too long. Check its suffix."
    ),
    "storage_error": QT_TRANSLATE_NOOP(
        "Texts", "The scan could not be stored; nothing changed. Scan again."
    ),
    "label_failed": QT_TRANSLATE_NOOP("Texts", "No shipping label could be made."),
    "label_mismatch": QT_TRANSLATE_NOOP("Texts", "That is not this parcel's shipping label."),
    "label_of_other_order": QT_TRANSLATE_NOOP(
        "Texts", "Wrong label: it belongs to another order. Do not ship it."
    ),
    "pin_wrong": QT_TRANSLATE_NOOP("Texts", "Wrong badge number or PIN."),
    "pin_locked": QT_TRANSLATE_NOOP(
        "Texts", "Too many wrong PINs: scan the badge, or wait a minute."
    ),
    "item_barcode_scanned": QT_TRANSLATE_NOOP(
        "Texts", "That is the item barcode; scan the lot or serial number."
    ),
    "invalid_lot": QT_TRANSLATE_NOOP("Texts", "That is not a lot number."),
    "invalid_serial": QT_TRANSLATE_NOOP("Texts", "That is not a serial number."),
    "unknown_box": QT_TRANSLATE_NOOP("Texts", "Unknown box type {code}."),
    "short_pick": QT_TRANSLATE_NOOP("Texts", "on hold: short pick"),
    "damaged": QT_TRANSLATE_NOOP("Texts", "on hold: damaged item"),
    "cancelled": QT_TRANSLATE_NOOP("Texts", "cancelled; it can be packed again"),
}
# Rejections of an item in the packer's hand: it must be put aside, not in the parcel.
ITEM_PROBLEMS = frozenset(
    {"wrong_item", "over_pick", "wrong_lot", "expired", "unknown_barcode", "duplicate_serial"}
)


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def translated(source: str, fields: dict[str, Any], fallback: str) -> str:
    """Return `source` translated and filled in, or `fallback` when nothing is translated."""
    text = translate("Texts", source)
    if text == source and fallback:
        return fallback
    return text.format_map(_Fields({k: v for k, v in fields.items() if v is not None}))


def reason_text(event: dict[str, Any]) -> str:
    """Return why a scan or order was refused or stopped, in words."""
    reason = str(event.get("reason") or "")
    message = str(event.get("message") or "")
    source = REASONS.get(reason)
    if source is None:
        return message or reason.replace("_", " ")
    return translated(source, event, message)


def event_message(event: dict[str, Any]) -> str:
    """Return an accepted scan's message (English from the station, else a short word)."""
    message = str(event.get("message") or "")
    # "OK" is translated only to tell whether the screen is in another language.
    if translate("Texts", "OK") == "OK":
        return message
    kind = event.get("kind")
    if event.get("sku") and event.get("packed") is not None:
        return "{sku} {packed}/{qty}".format(**_Fields(event))
    return {
        "badge": translate("Texts", "Badge accepted."),
        "order": translate("Texts", "Order opened."),
        "label": translate("Texts", "Label OK."),
        "command": translate("Texts", "Done."),
    }.get(str(kind), message)


def prompt_text(event: dict[str, Any]) -> str:
    """Return the next thing to do, from the phase the event leaves the station in."""
    phase = event.get("phase")
    fallback = str(event.get("prompt") or "")
    prompts = {
        "logged_out": QT_TRANSLATE_NOOP("Texts", "Scan your badge"),
        "idle": QT_TRANSLATE_NOOP("Texts", "Scan an order"),
        "scanning": QT_TRANSLATE_NOOP("Texts", "Scan items ({units_packed}/{units_total})"),
        "await_lot": QT_TRANSLATE_NOOP("Texts", "Scan the lot number of {pending_sku}"),
        "await_serial": QT_TRANSLATE_NOOP("Texts", "Scan the serial number of {pending_sku}"),
        "weighing": QT_TRANSLATE_NOOP("Texts", "Place the parcel on the scale"),
        "weight_rejected": QT_TRANSLATE_NOOP("Texts", "Re-weigh (F3) or supervisor override"),
        "await_reason": QT_TRANSLATE_NOOP("Texts", "Supervisor: choose the reason"),
        "await_label": QT_TRANSLATE_NOOP("Texts", "Scan the shipping label"),
    }
    source = prompts.get(str(phase))
    if source is None:
        return fallback
    return translated(source, event, fallback)


# What the devices report (drivers and station, in English), by phrase.
DEVICE_PHRASES: dict[str, str] = {
    "print head open": QT_TRANSLATE_NOOP("Texts", "print head open"),
    "paper out": QT_TRANSLATE_NOOP("Texts", "paper out"),
    "ribbon out": QT_TRANSLATE_NOOP("Texts", "ribbon out"),
    "receive buffer full": QT_TRANSLATE_NOOP("Texts", "receive buffer full"),
    "paused": QT_TRANSLATE_NOOP("Texts", "paused"),
    "print head over temperature": QT_TRANSLATE_NOOP("Texts", "print head over temperature"),
    "print head under temperature": QT_TRANSLATE_NOOP("Texts", "print head under temperature"),
    "cutter fault": QT_TRANSLATE_NOOP("Texts", "cutter fault"),
    "printer reports an error": QT_TRANSLATE_NOOP("Texts", "printer reports an error"),
    "paper low": QT_TRANSLATE_NOOP("Texts", "paper low"),
    "paper near end": QT_TRANSLATE_NOOP("Texts", "paper near end"),
    "cover open": QT_TRANSLATE_NOOP("Texts", "cover open"),
    "label waiting to be taken": QT_TRANSLATE_NOOP("Texts", "label waiting to be taken"),
    "controller not ready": QT_TRANSLATE_NOOP("Texts", "controller not ready"),
    "offline": QT_TRANSLATE_NOOP("Texts", "offline"),
    "tray calling": QT_TRANSLATE_NOOP("Texts", "tray calling"),
    "tray present": QT_TRANSLATE_NOOP("Texts", "tray present"),
    "tray confirmed": QT_TRANSLATE_NOOP("Texts", "tray confirmed"),
    "tray releasing": QT_TRANSLATE_NOOP("Texts", "tray releasing"),
}
_WAITING = re.compile(r"^(\d+) event\(s\) waiting$")


def device_detail(detail: str) -> str:
    """Return a device state's detail in the screen's language, phrase by phrase.

    Phrases nobody translated (an error text with a port name, say) stay as they are.
    """
    parts = []
    for part in re.split(r"(, |; )", detail):
        waiting = _WAITING.match(part)
        if waiting:
            parts.append(translate("Texts", "{n} event(s) waiting").format(n=waiting.group(1)))
        elif part in DEVICE_PHRASES:
            parts.append(translate("Texts", DEVICE_PHRASES[part]))
        else:
            parts.append(part)
    return "".join(parts)
