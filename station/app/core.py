"""Run the pack flow against the database: persist every input, then announce it.

One `StationCore` per station, driven from a single worker thread. Each scanner line and
each weight is handled in one transaction: the scan row, its verdict, the effects and the
resume point are committed together *before* any event is emitted, so whatever the
packer saw acknowledged survives a crash.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from station.app.events import Emit, decision_events, make_event, state_summary
from station.app.lookup import SqlLookup
from station.app.notify import Notifier
from station.app.packers import verify_pin
from station.app.persist import Persister
from station.app.resume import load_state
from station.app.shipping import Shipping, ShippingError
from station.config import StationConfig
from station.data.models import Packer, ScanEvent, utcnow
from station.domain.commands import BADGE_PREFIX
from station.domain.effects import Decision
from station.domain.flow import PackFlow, prompt
from station.domain.flow_weighing import weight_band
from station.domain.state import OrderState, PackState
from station.domain.weight import WeightPolicy

log = logging.getLogger(__name__)


_INSERT_SCAN = insert(ScanEvent.__table__)
PIN_ATTEMPTS = 5
PIN_LOCK_S = 60.0


def _escape(data: bytes) -> str:
    return _storable(data.decode("utf-8", errors="backslashreplace"))


def _storable(text: str) -> str:
    """Escape control characters other than GS, so any database can store the text.

    PostgreSQL refuses NUL in text columns; the other escapes keep stored rows readable.
    """
    if all(ch >= " " or ch == "\x1d" for ch in text):
        return text
    return "".join(
        ch if ch >= " " or ch == "\x1d" else f"\\x{ord(ch):02x}" for ch in text
    )


class StationCore:
    """Own the station's pack state; every change goes through the database first."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: StationConfig,
        emit: Emit,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.sessions = sessions
        self.config = config
        self.emit = emit
        self.station_id = config.station.id
        w = config.weight
        self.policy = WeightPolicy(w.tolerance_g, w.tolerance_pct, w.learn_min_samples)
        self.today = today
        self.state = PackState(station_id=self.station_id)
        self.seq = 0
        self.shipping = Shipping(config)
        self.notifier = Notifier(config)
        # Called after a commit that wrote outbox events (the relay wakes up).
        self.on_events_queued: Callable[[], None] = lambda: None
        # Called after a commit that queued print jobs (the spooler wakes up).
        self.on_print_queued: Callable[[], None] = lambda: None
        self._weight_on_hold = False  # a label failed: wait for a scan before weighing again
        self.clock: Callable[[], float] = time.monotonic
        self._pin_failures: dict[str, list[float]] = {}

    # ------------------------------------------------------------------ life
    def start(self) -> PackState:
        """Load the committed state and announce that scans are accepted."""
        self._reload()
        band = weight_band(self.state, self.policy)  # a parcel was on the scale: its band
        weighing = None if band is None else {
            "package": band.index, "expected_g": round(band.expected_g, 1),
            "low_g": round(band.low_g, 1), "high_g": round(band.high_g, 1),
            "allowance_g": round(band.high_g - band.expected_g, 1),
        }
        self.emit(make_event("station.ready", self.station_id, seq=self.seq,
                             site=self.config.station.site, weighing=weighing,
                             prompt=prompt(self.state), **state_summary(self.state)))
        return self.state

    def _reload(self) -> None:
        with self.sessions() as s:
            self.state, self.seq = load_state(s, self.station_id, SqlLookup(s, self.policy))

    @property
    def wants_weight(self) -> bool:
        """Tell whether the station waits for a parcel weight."""
        return self.state.phase.value == "weighing" and not self._weight_on_hold

    # ---------------------------------------------------------------- inputs
    def handle_scan_bytes(self, data: bytes) -> Decision:
        """Handle one scanner line as delivered by the scanner (bytes, terminator removed)."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            preview = data[:24].hex(" ")
            return self._bad_input(
                _escape(data), "invalid_encoding",
                f"The scanner sent bytes that are not text ({preview}...). Scan again.",
            )
        return self.handle_scan(text)

    def handle_overflow(self, discarded: int) -> Decision:
        """Record a scanner line that was too long to be a barcode."""
        return self._bad_input(
            f"<{discarded} bytes discarded>", "line_too_long",
            f"The scanner sent {discarded} bytes without a line end; ignored. Check the "
            "scanner's suffix setting, then scan again.",
        )

    def handle_scan(self, text: str, *, raw: str | None = None) -> Decision:
        """Judge, persist and announce one scanned line (`raw` is stored instead if given)."""
        order_before = self.state.order
        session_before = self.state.session_id
        self._weight_on_hold = False
        try:
            with self.sessions.begin() as s:
                flow = self._flow(s)
                decision = flow.handle_scan(self.state, text)
                seq = self.seq + 1
                scan_id = self._scan_row(s, seq, text if raw is None else raw, decision,
                                         session_before)
                persister = self._apply(s, decision, session_before, scan_id)
                persister.save_state(self.state, seq)
        except ShippingError as exc:
            log.warning("no label: %s", exc)
            self._reload()
            return self._bad_input(text, "label_failed", f"No shipping label: {exc}.")
        except Exception:
            log.exception("scan could not be stored")
            return self._storage_failed(text)
        self.seq = seq
        self._announce(decision, persister, self.state.order or order_before, seq)
        return decision

    def _apply(
        self, s: Session, decision: Decision, session_before: int | None,
        scan_id: int | None = None,
    ) -> Persister:
        persister = Persister(s, self.station_id, learn_weights=self.config.weight.learn,
                              shipping=self.shipping, notifier=self.notifier)
        self.state.session_id = persister.apply(
            self.state, decision.effects, session_id=session_before, scan_id=scan_id
        )
        if persister.labels is not None and self.state.order is not None:
            self.state.labels = persister.labels  # scan-to-confirm waits for these
        return persister

    def _announce(
        self, decision: Decision, persister: Persister, order: OrderState | None,
        seq: int | None,
    ) -> None:
        for event in decision_events(decision, self.state, order, seq=seq,
                                     labels=persister.labels, voided=persister.voided):
            self.emit(event)
        if persister.print_queued:
            self.on_print_queued()
        if persister.events_queued:
            self.on_events_queued()

    def handle_pin(self, badge_id: str, pin: str) -> Decision:
        """Take a badge number and PIN as if the badge were scanned (forgotten badge, override).

        The PIN is checked against its scrypt hash and never stored: the scan row says
        `PIN:<badge>`. After `PIN_ATTEMPTS` wrong PINs for a badge, that badge's PIN is
        refused for `PIN_LOCK_S` seconds (the badge itself still works).
        """
        badge_id = badge_id.strip()
        raw = f"PIN:{badge_id}"
        now = self.clock()
        failures = [t for t in self._pin_failures.get(badge_id, []) if now - t < PIN_LOCK_S]
        self._pin_failures[badge_id] = failures
        if len(failures) >= PIN_ATTEMPTS:
            return self._bad_input(raw, "pin_locked", "Too many wrong PINs: scan the badge, "
                                   "or try the PIN again in a minute.")
        try:
            with self.sessions() as s:
                stored = s.scalar(select(Packer.pin_hash).where(Packer.badge_id == badge_id))
        except Exception:
            log.exception("PIN check could not read the packers")
            return self._storage_failed(raw)
        if not badge_id or not verify_pin(pin, stored):
            failures.append(now)
            return self._bad_input(raw, "pin_wrong", "Wrong badge number or PIN.")
        self._pin_failures.pop(badge_id, None)
        return self.handle_scan(f"{BADGE_PREFIX}{badge_id}", raw=raw)

    def handle_weight(self, grams: float) -> Decision:
        """Judge, persist and announce a stable parcel weight."""
        order_before = self.state.order
        session_before = self.state.session_id
        if grams < self.config.weight.min_parcel_g:
            return Decision("info", "weight", "empty_scale", "The scale is empty.")
        try:
            with self.sessions.begin() as s:
                decision = self._flow(s).handle_weight(self.state, grams)
                if decision.verdict == "info":
                    return decision
                persister = self._apply(s, decision, session_before)
                persister.save_state(self.state, self.seq)
        except ShippingError as exc:
            log.warning("no label: %s", exc)
            self._reload()
            self._weight_on_hold = True
            message = f"No shipping label: {exc}. Fix it, then scan CMD:REWEIGH."
            self.emit(make_event("station.error", self.station_id, reason="label_failed",
                                 message=message, order_id=self.state.order.order_id
                                 if self.state.order else None))
            return Decision("rejected", "weight", "label_failed", message)
        except Exception:
            log.exception("weight could not be stored")
            self._reload()
            self.emit(make_event("station.error", self.station_id, reason="storage_error",
                                 message="The weight could not be stored; weigh again."))
            return Decision("rejected", "weight", "storage_error", "Weigh again.")
        self._announce(decision, persister, self.state.order or order_before, None)
        return decision

    def scale_cleared(self) -> None:
        """Record and announce that the scale reads empty (the last parcel was taken off)."""
        if self.state.scale_must_clear:
            try:
                with self.sessions.begin() as s:
                    self._flow(s).scale_cleared(self.state)
                    Persister(s, self.station_id).save_state(self.state, self.seq)
            except Exception:
                log.exception("scale clearing could not be stored")
                self._reload()
        self.emit(make_event("scale.cleared", self.station_id))

    def device_state(self, device: str, state: str, detail: str = "") -> None:
        """Announce a device state change."""
        self.emit(make_event("device.state", self.station_id, device=device, state=state,
                             detail=detail or None))

    # --------------------------------------------------------------- helpers
    def _flow(self, s: Session) -> PackFlow:
        return PackFlow(
            SqlLookup(s, self.policy), self.policy,
            gs_aliases=tuple(self.config.scan.gs_aliases), today=self.today,
            default_box=self.config.weight.default_box,
            confirm_labels=self.config.printing.confirm_label_scan,
        )

    def _scan_row(
        self, s: Session, seq: int, raw: str, d: Decision, session_id: int | None
    ) -> int:
        """Insert the scan's row (a Core insert: this runs for every scan); return its id."""
        result = s.connection().execute(
            _INSERT_SCAN,
            {
                "station_id": self.station_id, "seq": seq,
                "session_id": self.state.session_id or session_id,
                "packer_id": self.state.packer.id if self.state.packer else None,
                "raw": _storable(raw), "code": _storable(d.code)[:500],
                "symbology": d.symbology, "kind": d.kind, "verdict": d.verdict,
                "reason": d.reason, "detail": d.message, "line_pk": d.line_pk,
                "at": utcnow(),
            },
        )
        return result.inserted_primary_key[0]

    def _bad_input(self, raw: str, reason: str, message: str) -> Decision:
        decision = Decision("rejected", "bad", reason, message, prompt=prompt(self.state))
        try:
            with self.sessions.begin() as s:
                seq = self.seq + 1
                self._scan_row(s, seq, raw, decision, self.state.session_id)
                Persister(s, self.station_id).save_state(self.state, seq)
        except Exception:
            log.exception("bad input could not be stored")
            return self._storage_failed(raw)
        self.seq = seq
        for event in decision_events(decision, self.state, self.state.order, seq=seq):
            self.emit(event)
        return decision

    def _storage_failed(self, raw: str) -> Decision:
        self._reload()
        decision = Decision(
            "rejected", "bad", "storage_error",
            "The scan could not be stored; nothing changed. Scan again.",
            prompt=prompt(self.state), code=raw[:200],
        )
        self.emit(make_event("scan.rejected", self.station_id, reason="storage_error",
                             message=decision.message, code=decision.code,
                             order_id=self.state.order.order_id if self.state.order else None))
        return decision
