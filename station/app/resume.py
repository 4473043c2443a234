"""Rebuild a station's pack state from the database after a start or a crash."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.app.lookup import SqlLookup, box_info
from station.data.models import (
    BoxType,
    Order,
    Package,
    PackedUnit,
    PackSession,
    Shipment,
    StationState,
    WeighEvent,
)
from station.domain.state import (
    LabelState,
    PackageState,
    PackState,
    PendingUnit,
    Phase,
    UnitState,
)
from station.domain.weight import WeightVerdict


def load_state(session: Session, station_id: str, lookup: SqlLookup) -> tuple[PackState, int]:
    """Return the station's state exactly as last committed, and its scan sequence."""
    state = PackState(station_id=station_id)
    row = session.get(StationState, station_id)
    if row is None:
        return state, 0
    state.phase = Phase(row.phase)
    state.packer = lookup.packer(row.packer_id) if row.packer_id else None
    pending = row.pending or {}
    state.scale_must_clear = bool(pending.get("scale_must_clear"))
    if row.session_id is not None:
        ps = session.get(PackSession, row.session_id)
        order_row = session.get(Order, ps.order_pk) if ps else None
        if ps is None or order_row is None or ps.status != "open":
            # The session ended in a transaction the state row did not follow: start clean.
            state.phase = Phase.IDLE if state.packer else Phase.LOGGED_OUT
            return state, row.scan_seq
        state.session_id = ps.id
        state.order = lookup.order_state(order_row)
        for pkg in session.scalars(
            select(Package).where(Package.session_id == ps.id).order_by(Package.index)
        ):
            box = session.get(BoxType, pkg.box_type_id) if pkg.box_type_id else None
            units = [
                UnitState(u.line_pk, u.product_id, u.lot, u.serial)
                for u in session.scalars(
                    select(PackedUnit)
                    .where(PackedUnit.package_id == pkg.id, PackedUnit.voided.is_(False))
                    .order_by(PackedUnit.id)
                )
            ]
            state.packages.append(
                PackageState(pkg.index, box_info(box) if box else None, units, pkg.status,
                             pkg.weight_g)
            )
            for unit in units:
                state.order.line(unit.line_pk).packed += 1
        state.labels = [
            LabelState(sh.package_index, sh.tracking_number or "", sh.sscc,
                       sh.confirmed_at is not None)
            for sh in session.scalars(
                select(Shipment).join(Package, Shipment.package_id == Package.id)
                .where(Package.session_id == ps.id, Shipment.status == "created")
                .order_by(Shipment.package_index)
            )
        ]
        if "unit" in pending:
            u = pending["unit"]
            state.pending = PendingUnit(u["line_pk"], u.get("lot"), u.get("serial"))
        if "supervisor_id" in pending:
            state.supervisor = lookup.packer(pending["supervisor_id"])
        if "last_weight_g" in pending and state.package is not None:
            last = session.scalars(
                select(WeighEvent)
                .join(Package, WeighEvent.package_id == Package.id)
                .where(Package.session_id == ps.id)
                .order_by(WeighEvent.id.desc())
                .limit(1)
            ).first()
            if last is not None:
                state.last_weight = WeightVerdict(
                    last.verdict == "accepted", last.weight_g, last.expected_g, last.allowance_g
                )
    return state, row.scan_seq
