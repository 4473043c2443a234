"""Find what a station printed, or is about to print: the latest label and insert jobs.

`latest_prints` reads `print_jobs` with the order number and the parcel's tracking number
in one query, newest first, for the whole station or one order. Each `PrintRecord` carries
the payload exactly as it was (or will be) sent, so a preview drawn from it shows the paper.
Cancelled jobs are left out: they never print.

Runs on a worker thread like any database read; times come back timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from station.data.models import Order, PrintJob, Shipment

__all__ = ["PRINT_KINDS", "SHOWN_STATUSES", "PrintRecord", "latest_by_kind", "latest_prints"]

PRINT_KINDS = ("label", "insert")
SHOWN_STATUSES = ("queued", "held", "printed")


@dataclass(frozen=True, slots=True)
class PrintRecord:
    """One print job as the screen shows it; `payload` is the exact bytes for the printer.

    `status`: queued (waiting for its printer), held (the printer has it and prints it once
    its fault is cleared) or printed. `last_error` says why a waiting job has not printed.
    """

    job_id: int
    kind: str  # label | insert | test
    device: str  # label_printer | receipt_printer
    status: str
    created_at: datetime
    printed_at: datetime | None
    order_pk: int | None
    order_number: str | None
    tracking_number: str | None
    payload: bytes
    reprint: bool = False
    attempts: int = 0
    last_error: str = ""

    @property
    def printed(self) -> bool:
        """True once the printer has printed the job."""
        return self.status == "printed"


def latest_prints(
    sessions: sessionmaker[Session], station_id: str, order_pk: int | None = None, *,
    limit: int = 1, kinds: Iterable[str] = PRINT_KINDS,
) -> list[PrintRecord]:
    """Return the newest `limit` jobs of each of `kinds` at the station, newest first.

    With `order_pk`, only that order's jobs. One query: jobs are ranked per kind in the
    database (a window function, SQLite 3.25+ and PostgreSQL), joined to their order and
    shipment, and only the top `limit` of each kind come back with their payload.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    wanted = tuple(kinds)
    where = [PrintJob.station_id == station_id, PrintJob.kind.in_(wanted),
             PrintJob.status.in_(SHOWN_STATUSES)]
    if order_pk is not None:
        where.append(PrintJob.order_pk == order_pk)
    ranked = (
        select(PrintJob.id.label("job_id"), func.row_number().over(
            partition_by=PrintJob.kind, order_by=PrintJob.id.desc()).label("rank"))
        .where(*where)
        .subquery()
    )
    stmt = (
        select(PrintJob.id, PrintJob.kind, PrintJob.device, PrintJob.status,
               PrintJob.created_at, PrintJob.printed_at, PrintJob.order_pk,
               Order.order_number, Shipment.tracking_number, PrintJob.payload,
               PrintJob.reprint, PrintJob.attempts, PrintJob.last_error)
        .join(ranked, ranked.c.job_id == PrintJob.id)
        .outerjoin(Order, Order.id == PrintJob.order_pk)
        .outerjoin(Shipment, Shipment.id == PrintJob.shipment_id)
        .where(ranked.c.rank <= limit)
        .order_by(PrintJob.id.desc())
    )
    with sessions() as s:
        rows = s.execute(stmt).all()
    return [
        PrintRecord(
            job_id=row.id, kind=row.kind, device=row.device, status=row.status,
            created_at=_utc(row.created_at),
            printed_at=_utc(row.printed_at) if row.printed_at else None,
            order_pk=row.order_pk, order_number=row.order_number,
            tracking_number=row.tracking_number, payload=bytes(row.payload),
            reprint=bool(row.reprint), attempts=row.attempts or 0,
            last_error=row.last_error or "",
        )
        for row in rows
    ]


def latest_by_kind(records: Sequence[PrintRecord]) -> dict[str, PrintRecord]:
    """Return the newest record of each kind among `records`."""
    newest: dict[str, PrintRecord] = {}
    for record in records:
        if record.kind not in newest or record.job_id > newest[record.kind].job_id:
            newest[record.kind] = record
    return newest


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
