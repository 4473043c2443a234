"""Turn decisions into station events and write them as JSON lines.

Every event has `event`, `ts` (monotonic seconds), `at` (UTC ISO 8601), `station_id` and,
where there is one, `order_id`. Lines are flushed as they are written so other programs can
follow the file.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from drivers.scanner.aim import split_aim
from station.domain import effects as fx
from station.domain.effects import Decision
from station.domain.state import LabelState, OrderState, PackState

Event = dict[str, Any]
Emit = Callable[[Event], None]


def make_event(name: str, station_id: str, /, **fields: Any) -> Event:
    """Return an event with the common fields filled in."""
    event: Event = {
        "event": name,
        "ts": time.monotonic(),
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "station_id": station_id,
    }
    event.update({k: v for k, v in fields.items() if v is not None})
    return event


def state_summary(state: PackState) -> dict[str, Any]:
    """Describe the station state (for `station.ready` and the GUI)."""
    summary: dict[str, Any] = {
        "phase": state.phase.value,
        "packer": state.packer.badge_id if state.packer else None,
        "scale_must_clear": state.scale_must_clear,
    }
    if state.order is not None:
        summary["order_id"] = state.order.order_id
        summary["order_number"] = state.order.order_number
        summary["lines"] = [
            {"line_id": ln.line_id, "sku": ln.sku, "packed": ln.packed, "qty": ln.qty}
            for ln in state.order.lines
        ]
        summary["packages"] = [
            {"index": p.index, "units": len(p.units), "status": p.status}
            for p in state.packages
        ]
        if state.pending is not None:
            summary["pending_line"] = state.order.line(state.pending.line_pk).line_id
            summary["pending_lot"] = state.pending.lot
            summary["pending_serial"] = state.pending.serial
        if state.supervisor is not None:
            summary["supervisor"] = state.supervisor.badge_id
        if state.last_weight is not None:
            summary["last_weight_g"] = state.last_weight.measured_g
        if state.labels:
            summary["labels"] = [
                {"package": lb.index, "tracking_number": lb.tracking_number,
                 "confirmed": lb.confirmed} for lb in state.labels
            ]
    return summary


def _symbology_name(aim: str) -> str | None:
    found, _ = split_aim(aim.encode("ascii", "replace"))
    return found.symbology if found else None


def decision_events(
    decision: Decision, state: PackState, order: OrderState | None, *, seq: int | None,
    labels: list[LabelState] | None = None, voided: Sequence[Any] = (),
) -> list[Event]:
    """Return the events announcing one decision (scan verdict first)."""
    sid = state.station_id
    order_id = order.order_id if order else None
    events: list[Event] = []
    if seq is not None:  # weights have no scan verdict of their own
        line = order.line(decision.line_pk) if order and decision.line_pk else None
        events.append(
            make_event(
                f"scan.{decision.verdict}", sid, seq=seq, order_id=order_id,
                kind=decision.kind, code=decision.code, symbology=decision.symbology or None,
                symbology_name=_symbology_name(decision.symbology),
                reason=decision.reason or None, message=decision.message,
                prompt=decision.prompt, line_id=line.line_id if line else None,
                sku=line.sku if line else None,
                packed=line.packed if line else None, qty=line.qty if line else None,
            )
        )
    for effect in decision.effects:
        match effect:
            case fx.LoggedIn(packer=p):
                events.append(make_event("packer.logged_in", sid, badge_id=p.badge_id,
                                         name=p.name, role=p.role))
            case fx.LoggedOut(packer=p):
                events.append(make_event("packer.logged_out", sid, badge_id=p.badge_id))
            case fx.OrderOpened(order=o):
                events.append(make_event(
                    "order.opened", sid, order_id=o.order_id, order_number=o.order_number,
                    units=o.units_total,
                    lines=[{"line_id": ln.line_id, "sku": ln.sku, "qty": ln.qty} for ln in o.lines],
                ))
            case fx.BoxSelected(index=i, box=b):
                events.append(make_event("box.selected", sid, order_id=order_id, package=i,
                                         box=b.code, tare_g=b.tare_g))
            case fx.BoxClosed(index=i, expected_g=e, low_g=lo, high_g=hi):
                events.append(make_event("weight.requested", sid, order_id=order_id, package=i,
                                         expected_g=round(e, 1), low_g=round(lo, 1),
                                         high_g=round(hi, 1)))
            case fx.BoxReopened(index=i):
                events.append(make_event("box.reopened", sid, order_id=order_id, package=i))
            case fx.WeightJudged(index=i, verdict=v):
                events.append(make_event(
                    "weight.accepted" if v.accepted else "weight.rejected", sid,
                    order_id=order_id, package=i, weight_g=round(v.measured_g, 1),
                    expected_g=round(v.expected_g, 1), allowance_g=round(v.allowance_g, 1),
                    reason=None if v.accepted else "weight_out_of_tolerance",
                ))
            case fx.OverrideApplied(index=i, supervisor=s, reason=r, verdict=v):
                events.append(make_event("override.applied", sid, order_id=order_id, package=i,
                                         supervisor=s.badge_id, reason=r,
                                         weight_g=round(v.measured_g, 1)))
            case fx.BoxOpened(index=i):
                events.append(make_event("box.opened", sid, order_id=order_id, package=i))
            case fx.OrderPacked(order=o, packages=pkgs):
                events.append(make_event(
                    "order.packed", sid, order_id=o.order_id, order_number=o.order_number,
                    packages=[{"index": i, "weight_g": w} for i, w in pkgs],
                ))
            case fx.OrderStopped(order=o, kind=k, order_status=st):
                events.append(make_event("order.exception", sid, order_id=o.order_id,
                                         order_number=o.order_number, reason=k, order_status=st))
                for shipment in voided:
                    events.append(make_event(
                        "label.voided", sid, order_id=o.order_id, package=shipment.package_index,
                        tracking_number=shipment.tracking_number, reason=k,
                    ))
            case fx.ShipmentsRequested(order=o):
                for label in labels or ():
                    events.append(make_event(
                        "label.created", sid, order_id=o.order_id, package=label.index,
                        tracking_number=label.tracking_number, sscc=label.sscc,
                    ))
            case fx.LabelConfirmed(index=i, code=c):
                events.append(make_event("label.confirmed", sid, order_id=order_id, package=i,
                                         tracking_number=c))
            case fx.ReprintRequested(order=o):
                events.append(make_event("label.reprint", sid, order_id=o.order_id))
    where = phase_fields(state)
    for event in events:
        event.update(where)
    return events


def phase_fields(state: PackState) -> dict[str, Any]:
    """Return where the pack stands after a decision (the screen enables its actions by it)."""
    fields: dict[str, Any] = {"phase": state.phase.value}
    if state.order is not None:
        fields["units_packed"] = state.order.units_packed
        fields["units_total"] = state.order.units_total
        if state.pending is not None:
            fields["pending_sku"] = state.order.line(state.pending.line_pk).sku
    if state.supervisor is not None:
        fields["supervisor_name"] = state.supervisor.name
    return fields


class JsonlSink:
    """Write events as JSON lines to a file or stdout, flushing each line."""

    def __init__(self, target: str | Path) -> None:
        self._lock = threading.Lock()
        if str(target) == "-":
            self._fh: IO[str] = sys.stdout
            self._own = False
        else:
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
            self._own = True

    def __call__(self, event: Event) -> None:
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._fh.write(line + "\n")
            self._fh.flush()

    def close(self) -> None:
        """Close the file (stdout stays open)."""
        if self._own:
            self._fh.close()
