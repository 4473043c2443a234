"""The relay's states, alerts, settings and counters."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["AlertKind", "Cycle", "RelaySettings", "RelayState", "RelayStats"]


class RelayState(StrEnum):
    """What the relay is doing."""

    STOPPED = "stopped"
    IDLE = "idle"          # nothing due
    SENDING = "sending"
    RETRYING = "retrying"  # the last request failed; waiting out a backoff
    PAUSED = "paused"      # 401/403/404/410: waits for resume() or the next probe


class AlertKind(StrEnum):
    """What an `on_alert` call tells."""

    PAUSED = "paused"
    RESUMED = "resumed"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True)
class RelaySettings:
    """Sizes and intervals of the relay."""

    batch_size: int = 200   # events per request at most (one per order)
    lease_s: float = 60.0   # a claim's lifetime: longer than any request may take
    poll_s: float = 1.0     # longest idle wait between looks at the outbox


@dataclass(frozen=True)
class RelayStats:
    """Counters since the relay was made."""

    requests: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    pauses: int = 0


@dataclass(frozen=True)
class Cycle:
    """What one cycle did: events claimed and their fates, and how long to wait next."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    wait_s: float = 0.0
    outstanding: int | None = None  # deliverable events left (idle cycles during flush())
