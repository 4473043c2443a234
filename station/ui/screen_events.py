"""How the packing screen follows station events: one handler per event name.

`ScreenEvents` is the event half of `MainWindow` (kept apart so each file stays small); it
only updates widgets the window built, and runs on the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from station.ui.override import reason_words
from station.ui.texts import ITEM_PROBLEMS, event_message, prompt_text, reason_text

translate = QCoreApplication.translate  # the name Qt's lupdate looks for


def print_kind(kind: str) -> str:
    """Return a print job's kind in words."""
    words = {"label": translate("MainWindow", "shipping label"),
             "insert": translate("MainWindow", "insert"),
             "test": translate("MainWindow", "test print")}
    return words.get(kind, translate("MainWindow", "print job"))


class ScreenEvents:
    """Update the packing screen from station events (mixed into `MainWindow`)."""

    model: Any
    boxes: Any
    sounds: Any
    preview: Any
    preview_open: bool
    context: Any
    gauge: Any
    lights: dict
    prompt_label: Any
    band: Any
    _station: str
    _packer: str

    def on_event(self, event: dict[str, Any]) -> None:
        """Follow one station event (runs on the GUI thread)."""
        name = event.get("event", "")
        self._station = event.get("station_id", self._station)
        self.model.apply_event(event)
        self.boxes.apply_event(event)
        if self.sounds is not None:
            self.sounds.on_event(event)
        if event.get("phase"):
            self._set_phase(str(event["phase"]))
        if event.get("phase") or event.get("prompt"):
            self.prompt_label.setText(prompt_text(event))
        handler = getattr(self, "_on_" + name.replace(".", "_"), None)
        if handler is not None:
            handler(event)

    def _on_scan_info(self, e: dict[str, Any]) -> None:
        if e.get("code") == "CMD:SHOW-LABELS":  # the scanner's way to the F11 preview
            self.on_action("preview")

    def _on_station_ready(self, e: dict[str, Any]) -> None:
        self._packer = e.get("packer") or ""
        self._show_header(
            e.get("order_number", ""), e.get("customer_first_name", ""), self._carrier(e)
        )
        self.set_band("idle", translate("MainWindow", "Station ready"))
        # Restarted mid-weighing: the band, and what went wrong if the weight was refused.
        weighing = e.get("weighing")
        self._show_weight(weighing)
        if weighing and e.get("phase") == "weight_rejected" and e.get("last_weight_g"):
            self.context.show_weight_problem(
                e["last_weight_g"], weighing["expected_g"], weighing["allowance_g"])
        elif weighing and e.get("phase") == "await_reason":
            self.context.show_reasons(str(e.get("supervisor_name") or e.get("supervisor", "")))

    def _on_packer_logged_in(self, e: dict[str, Any]) -> None:
        self._packer = f"{e.get('name') or e['badge_id']} ({e['badge_id']})"
        self._show_header()

    def _on_packer_logged_out(self, _e: dict[str, Any]) -> None:
        self._packer = ""
        self._show_header()

    def _on_order_opened(self, e: dict[str, Any]) -> None:
        self.preview_open = False
        self._layout_side()
        self._show_weight(None)
        self._show_header(
            e.get("order_number", ""), e.get("customer_first_name", ""), self._carrier(e)
        )

    @staticmethod
    def _carrier(e: dict[str, Any]) -> str:
        return " ".join(p for p in (e.get("carrier", ""), e.get("service", "")) if p)

    def _on_scan_accepted(self, e: dict[str, Any]) -> None:
        self.set_band(
            "accepted", translate("MainWindow", "OK  {message}").format(message=event_message(e))
        )
        if self.context.page == "item_problem":
            self.context.show_page("none")
        if e.get("phase") == "await_reason":
            self.context.show_reasons(str(e.get("supervisor_name", "")))
        elif e.get("phase") in ("await_lot", "await_serial"):
            # The unit is not packed yet: amber until its lot or serial is scanned.
            sku = e.get("pending_sku") or e.get("sku", "")
            text = (translate("MainWindow", "LOT  Now scan the lot number of {sku}")
                    if e["phase"] == "await_lot"
                    else translate("MainWindow", "SERIAL  Now scan the serial number of {sku}"))
            self.set_band("waiting", text.format(sku=sku))

    def _on_scan_rejected(self, e: dict[str, Any]) -> None:
        why = reason_text(e)
        self.set_band("rejected", translate("MainWindow", "STOP  {reason}").format(reason=why))
        if e.get("reason") in ITEM_PROBLEMS:
            self.context.show_item_problem(why)

    def _on_weight_requested(self, e: dict[str, Any]) -> None:
        self._show_weight(e)
        self.set_band(
            "waiting",
            translate("MainWindow", "WEIGH  Put box {n} on the scale: {grams} g expected").format(
                n=e.get("package", 1), grams=f"{e['expected_g']:.0f}"
            ),
        )

    def _on_weight_accepted(self, e: dict[str, Any]) -> None:
        self.set_band(
            "accepted",
            translate("MainWindow", "OK  Weight {grams} g").format(grams=f"{e['weight_g']:.0f}"),
        )

    def _on_weight_rejected(self, e: dict[str, Any]) -> None:
        self.set_band(
            "rejected",
            translate(
                "MainWindow", "STOP  Weight {grams} g, expected {expected} ± {allow} g"
            ).format(
                grams=f"{e['weight_g']:.0f}",
                expected=f"{e['expected_g']:.0f}",
                allow=f"{e['allowance_g']:.0f}",
            ),
        )
        self.context.show_weight_problem(e["weight_g"], e["expected_g"], e["allowance_g"])

    def _on_override_applied(self, e: dict[str, Any]) -> None:
        self.set_band(
            "accepted",
            translate("MainWindow", "OVERRIDE  by {who}: {reason}").format(
                who=e["supervisor"], reason=reason_words(str(e["reason"]))
            ),
        )

    def _on_order_packed(self, e: dict[str, Any]) -> None:
        if self.preview is not None:  # what went on this parcel, until the next order
            self.preview_open = True
            self._refresh_preview()
            self._layout_side()
        self._show_weight(None)
        self._show_header("", "", "")
        self.set_band(
            "accepted",
            translate("MainWindow", "PACKED  Order {number} is complete").format(
                number=e.get("order_number", "")
            ),
        )
        self.prompt_label.setText(
            translate("MainWindow", "Take the parcel off and scan the next order")
        )

    def _on_order_exception(self, e: dict[str, Any]) -> None:
        self._show_weight(None)
        self._show_header("", "", "")
        self.set_band(
            "waiting",
            translate("MainWindow", "HOLD  Order {number}: {reason}").format(
                number=e.get("order_number", ""), reason=reason_text({**e, "message": ""})
            ),
        )

    def _on_station_error(self, e: dict[str, Any]) -> None:
        self.set_band(
            "rejected", translate("MainWindow", "ERROR  {message}").format(message=reason_text(e))
        )

    def _on_print_waiting(self, e: dict[str, Any]) -> None:
        self._on_print_printed(e)
        self.set_band(
            "waiting",
            translate("MainWindow", "PRINT  The {kind} waits: {why}").format(
                kind=print_kind(str(e.get("kind", ""))),
                why=e.get("detail") or e.get("reason", ""),
            ),
        )

    def _on_print_printed(self, _e: dict[str, Any]) -> None:
        if self.preview_open:
            self._refresh_preview()

    _on_print_held = _on_print_printed

    def _on_device_state(self, e: dict[str, Any]) -> None:
        if self.preview is not None and hasattr(self.preview, "set_device_state"):
            self.preview.set_device_state(
                e.get("device", ""), e.get("state", ""), e.get("detail", "")
            )
        light = self.lights.get(e.get("device", ""))
        if light is not None:
            light.set_state(e.get("state", "error"), e.get("detail", ""))

    def _on_scale_live(self, e: dict[str, Any]) -> None:
        self.gauge.set_live(e.get("grams"), bool(e.get("stable")))
