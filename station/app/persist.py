"""Write a decision's effects and the station's resume point in the current transaction."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from station.app.notify import Notifier
from station.app.shipping import Shipping
from station.data.models import (
    BoxType,
    Order,
    Package,
    PackedUnit,
    PackException,
    PackSession,
    Product,
    Shipment,
    StationState,
    WeighEvent,
    utcnow,
)
from station.domain import effects as fx
from station.domain.state import LabelState, PackState
from station.domain.weight import learn

# Statements run for every scan, built once (Core, bypassing the ORM unit of work).
_STATE = StationState.__table__
# SET takes the columns named in the parameters; the key column is bound under another name.
_UPDATE_STATE = update(_STATE).where(_STATE.c.station_id == bindparam("key_station_id"))
_INSERT_STATE = insert(_STATE)
_INSERT_UNIT = insert(PackedUnit.__table__)
_PKG = Package.__table__
_PACKAGE_ID = select(_PKG.c.id).where(
    _PKG.c.session_id == bindparam("session_id"), _PKG.c.index == bindparam("index")
)


class Persister:
    """Translate flow effects into rows; the caller commits."""

    def __init__(
        self, session: Session, station_id: str, *, learn_weights: bool = True,
        shipping: Shipping | None = None, notifier: Notifier | None = None,
    ) -> None:
        self.s = session
        self.station_id = station_id
        self.learn_weights = learn_weights
        self.shipping = shipping
        self.labels: list[LabelState] | None = None  # made by this decision, if any
        self.print_queued = False
        self.voided: list[Shipment] = []
        self.notifier = notifier
        self.events_queued = 0  # outbox events this decision wrote

    def apply(
        self,
        state: PackState,
        effects: list[fx.Effect],
        *,
        session_id: int | None,
        scan_id: int | None = None,
    ) -> int | None:
        """Persist effects; return the pack session id in force afterwards."""
        for effect in effects:
            match effect:
                case fx.OrderOpened(order=order):
                    assert state.packer is not None
                    ps = PackSession(
                        order_pk=order.order_pk, packer_id=state.packer.id,
                        station_id=self.station_id, status="open",
                    )
                    self.s.add(ps)
                    self.s.flush()
                    session_id = ps.id
                    self.s.execute(
                        update(Order).where(Order.id == order.order_pk).values(status="packing")
                    )
                    self.s.add(Package(session_id=session_id, index=1, status="open"))
                case fx.BoxSelected(index=index, box=box):
                    self._package(session_id, index).box_type_id = box.id
                case fx.UnitPacked(index=index, unit=unit):
                    assert session_id is not None and scan_id is not None
                    # The hot path of every item scan: plain Core statements, no ORM objects.
                    self.s.connection().execute(
                        _INSERT_UNIT,
                        {
                            "session_id": session_id,
                            "package_id": self._package_id(session_id, index),
                            "line_pk": unit.line_pk, "product_id": unit.product_id,
                            "lot": unit.lot, "serial": unit.serial, "scan_id": scan_id,
                            "voided": False,
                        },
                    )
                case fx.BoxClosed(index=index, expected_g=expected):
                    pkg = self._package(session_id, index)
                    pkg.status, pkg.expected_g = "weighing", expected
                case fx.BoxReopened(index=index):
                    self._package(session_id, index).status = "open"
                case fx.WeightJudged(index=index, verdict=v):
                    pkg = self._package(session_id, index)
                    self.s.add(
                        WeighEvent(
                            package_id=pkg.id, weight_g=v.measured_g, expected_g=v.expected_g,
                            allowance_g=v.allowance_g,
                            verdict="accepted" if v.accepted else "rejected",
                        )
                    )
                    if v.accepted:
                        pkg.status, pkg.weight_g, pkg.closed_at = "accepted", v.measured_g, utcnow()
                case fx.OverrideApplied(index=index, supervisor=sup, reason=reason, verdict=v):
                    pkg = self._package(session_id, index)
                    pkg.status, pkg.weight_g, pkg.closed_at = "overridden", v.measured_g, utcnow()
                    self.s.add(
                        PackException(
                            session_id=session_id, order_pk=self._order_pk(session_id),
                            kind="override", reason=reason,
                            detail=f"weight {v.measured_g:.1f} g, expected {v.expected_g:.1f} g "
                            f"± {v.allowance_g:.1f} g",
                            packer_id=state.packer.id if state.packer else None,
                            supervisor_id=sup.id,
                        )
                    )
                case fx.BoxOpened(index=index):
                    self.s.add(Package(session_id=session_id, index=index, status="open"))
                case fx.ShipmentsRequested(order=order, packages=packages):
                    if self.shipping is not None:
                        assert session_id is not None
                        self.labels = self.shipping.create(
                            self.s, order, state.packer, session_id, packages)
                        self.print_queued = True
                case fx.LabelConfirmed(index=index):
                    if self.shipping is not None:
                        assert session_id is not None
                        self.shipping.confirm(self.s, session_id, index)
                case fx.ReprintRequested():
                    if self.shipping is not None:
                        assert session_id is not None
                        self.shipping.reprint(self.s, session_id)
                        self.print_queued = True
                case fx.OrderPacked(order=order):
                    if self.notifier is not None:
                        assert session_id is not None
                        self.events_queued += self.notifier.order_packed(
                            self.s, order, state.packer, session_id)
                    self._end_session(session_id, "packed")
                    self.s.execute(
                        update(Order).where(Order.id == order.order_pk).values(status="packed")
                    )
                    if self.learn_weights:
                        self._learn(session_id)
                    session_id = None
                case fx.OrderStopped(order=order, kind=kind, order_status=status):
                    if self.shipping is not None and session_id is not None:
                        self.voided = self.shipping.void_session(self.s, session_id, kind)
                    if self.notifier is not None and self.notifier.order_exception(
                            self.s, order, kind):
                        self.events_queued += 1
                    self.s.add(
                        PackException(
                            session_id=session_id, order_pk=order.order_pk, kind=kind,
                            reason=kind, packer_id=state.packer.id if state.packer else None,
                        )
                    )
                    ended = "cancelled" if kind == "cancelled" else "exception"
                    self._end_session(session_id, ended)
                    self.s.execute(
                        update(PackedUnit).where(PackedUnit.session_id == session_id)
                        .values(voided=True)
                    )
                    self.s.execute(
                        update(Order).where(Order.id == order.order_pk).values(status=status)
                    )
                    session_id = None
                case fx.LoggedIn() | fx.LoggedOut():
                    pass  # carried by the station_state row below
        return session_id

    def save_state(self, state: PackState, scan_seq: int) -> None:
        """Record the resume point: phase, packer, session and pending data."""
        values = {
            "phase": state.phase.value,
            "packer_id": state.packer.id if state.packer else None,
            "session_id": state.session_id,
            "scan_seq": scan_seq,
            "pending": _pending(state),
            "updated_at": utcnow(),
        }
        self.s.flush()  # ORM rows of this decision first: the state row refers to them
        conn = self.s.connection()
        if conn.execute(_UPDATE_STATE, {**values, "key_station_id": self.station_id}).rowcount:
            return
        conn.execute(_INSERT_STATE, {**values, "station_id": self.station_id})

    def _package_id(self, session_id: int, index: int) -> int:
        return self.s.connection().execute(
            _PACKAGE_ID, {"session_id": session_id, "index": index}
        ).scalar_one()

    def _package(self, session_id: int | None, index: int) -> Package:
        assert session_id is not None
        pkg = self.s.scalars(
            select(Package).where(Package.session_id == session_id, Package.index == index)
        ).one()
        return pkg

    def _order_pk(self, session_id: int | None) -> int:
        ps = self.s.get(PackSession, session_id)
        assert ps is not None
        return ps.order_pk

    def _end_session(self, session_id: int | None, status: str) -> None:
        ps = self.s.get(PackSession, session_id)
        assert ps is not None
        ps.status, ps.ended_at = status, utcnow()

    def _learn(self, session_id: int | None) -> None:
        """Learn unit weights from accepted (not overridden) single-SKU boxes."""
        self.s.flush()
        for pkg in self.s.scalars(
            select(Package).where(Package.session_id == session_id, Package.status == "accepted")
        ):
            units = self.s.scalars(
                select(PackedUnit.product_id).where(PackedUnit.package_id == pkg.id)
            ).all()
            if not units or len(set(units)) != 1 or pkg.weight_g is None:
                continue
            tare = 0.0
            if pkg.box_type_id is not None:
                box = self.s.get(BoxType, pkg.box_type_id)
                tare = box.tare_g if box else 0.0
            observed = (pkg.weight_g - tare) / len(units)
            if observed <= 0:
                continue
            product = self.s.get(Product, units[0])
            assert product is not None
            product.learned_weight_g, product.learned_samples = learn(
                product.learned_weight_g, product.learned_samples, observed
            )


def _pending(state: PackState) -> dict:
    """Return the small resume payload: pending unit, override, last weight, scale."""
    pending: dict = {}
    if state.pending is not None:
        pending["unit"] = {
            "line_pk": state.pending.line_pk,
            "lot": state.pending.lot,
            "serial": state.pending.serial,
        }
    if state.supervisor is not None:
        pending["supervisor_id"] = state.supervisor.id
    if state.last_weight is not None:
        pending["last_weight_g"] = state.last_weight.measured_g
    if state.scale_must_clear:
        pending["scale_must_clear"] = True
    return pending
