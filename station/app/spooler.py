"""Send this station's queued print jobs to their printers, in order, until each is printed.

Print jobs are rows of `print_jobs`, written in the same transaction as the decision that
needs them (an order packed, a reprint), so a crash loses none. `PrintSpooler` runs on its
own thread and hands each job to the printer's `DeviceWorker`; nothing here blocks a scan.

Per printer, jobs go out strictly in order. What happens to a job:

- printed: `status = printed`, event `print.printed`;
- the printer says it cannot print (paper out, head open, cover open, paused) before the
  job is sent: it stays `queued`, event `print.failed` with `will_retry`, and is sent again
  as soon as the printer reports `connected` again (or every `retry_s`);
- a ZPL printer took the job but then reported a fault: it holds the job and prints it once
  the fault is cleared, so the job is `held` (event `print.held`), not sent twice; it counts
  as printed when the printer is next seen ready;
- the printer is known not to be ready (its worker says so): the job waits, `queued`, with
  one `print.waiting` event, until the printer reports `connected`;
- the printer is unreachable: the job stays `queued` and is retried.

Events carry `job_id`, `device`, `kind`, `order_id` and, for failures, `reason`/`detail`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from drivers.label_printer.errors import LabelPrinterError, LabelPrinterNotReadyError
from drivers.receipt_printer.errors import ReceiptPrinterError
from station.app.device_worker import DeviceWorker
from station.app.events import Event, make_event
from station.data.models import Order, PrintJob, utcnow

log = logging.getLogger(__name__)

_PRINT_TIMEOUT_S = 60.0  # a long batch on a slow serial line still ends within this


def _send(device: str, payload: bytes) -> Callable[[object], object]:
    if device == "label_printer":
        return lambda printer: printer.print_label(payload)  # type: ignore[attr-defined]
    return lambda printer: printer.print_job(payload)  # type: ignore[attr-defined]


class PrintSpooler:
    """Drain the print queue of one station through its printers' workers."""

    def __init__(
        self, sessions: sessionmaker[Session], station_id: str,
        workers: dict[str, DeviceWorker], emit: Callable[[Event], None], *,
        retry_s: float = 5.0,
    ) -> None:
        self.sessions = sessions
        self.station_id = station_id
        self.workers = {k: w for k, w in workers.items() if k.endswith("_printer")}
        self.emit = emit
        self.retry_s = retry_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._reported: dict[int, str] = {}  # job id -> last failure told, to tell it once
        self._thread = threading.Thread(target=self._run, name="spooler", daemon=True)

    def start(self) -> None:
        """Start the spooler thread."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the job in progress."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def wake(self) -> None:
        """Look at the queue now (new jobs were committed, or a printer came back)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            busy = False
            for device, worker in self.workers.items():
                if self._stop.is_set():
                    break
                try:
                    busy |= self._one(device, worker)
                except Exception:  # the spooler must outlive any single job
                    log.exception("print spooler: %s failed", device)
            if not busy:
                self._wake.wait(self.retry_s)
                self._wake.clear()

    def _one(self, device: str, worker: DeviceWorker) -> bool:
        """Send the next job for `device`; return True if one was printed."""
        if worker.state == "connected":
            self._held_done(device)
        with self.sessions() as s:
            job = s.scalars(
                select(PrintJob).where(
                    PrintJob.station_id == self.station_id, PrintJob.device == device,
                    PrintJob.status == "queued",
                ).order_by(PrintJob.id).limit(1)
            ).first()
            if job is None:
                return False
            order_id = s.scalar(select(Order.order_id).where(Order.id == job.order_pk)) \
                if job.order_pk else None
        if worker.state not in ("connected", ""):
            # Wait until the printer is back (its worker wakes us); say so once.
            waiting = f"{worker.state}: {worker.detail}"
            if self._reported.get(job.id) != waiting:
                self._reported[job.id] = waiting
                self._tell("print.waiting", job, order_id, reason=worker.state,
                           detail=worker.detail)
            return False
        future = worker.submit(_send(device, job.payload))
        try:
            future.result(timeout=_PRINT_TIMEOUT_S)
        except (LabelPrinterError, ReceiptPrinterError, FutureTimeout) as exc:
            self._failed(job, order_id, exc)
            return False
        self._finish(job.id, "printed")
        self._reported.pop(job.id, None)
        self._tell("print.printed", job, order_id)
        return True

    def _failed(self, job: PrintJob, order_id: str | None, exc: Exception) -> None:
        detail = str(exc) or type(exc).__name__
        held = isinstance(exc, LabelPrinterNotReadyError) and exc.job_sent
        with self.sessions.begin() as s:
            s.execute(
                update(PrintJob).where(PrintJob.id == job.id).values(
                    attempts=PrintJob.attempts + 1, last_error=detail[:2000],
                    status="held" if held else "queued",
                )
            )
        if held:
            self._tell("print.held", job, order_id, detail=detail)
        elif self._reported.get(job.id) != detail:
            self._reported[job.id] = detail
            self._tell("print.failed", job, order_id, reason=type(exc).__name__,
                       detail=detail, will_retry=True)

    def _held_done(self, device: str) -> None:
        """Count jobs a printer held through a fault as printed once it is ready again."""
        where = (PrintJob.station_id == self.station_id, PrintJob.device == device,
                 PrintJob.status == "held")
        with self.sessions() as s:  # a read first: most cycles find none, and take no lock
            if s.scalar(select(PrintJob.id).where(*where).limit(1)) is None:
                return
        with self.sessions.begin() as s:
            held = s.scalars(select(PrintJob).where(*where)).all()
            for job in held:
                job.status, job.printed_at = "printed", utcnow()
        for job in held:
            self._tell("print.printed", job, None)

    def _finish(self, job_id: int, status: str) -> None:
        with self.sessions.begin() as s:
            s.execute(update(PrintJob).where(PrintJob.id == job_id)
                      .values(status=status, printed_at=utcnow()))

    def _tell(self, name: str, job: PrintJob, order_id: str | None, **fields: object) -> None:
        self.emit(make_event(name, self.station_id, job_id=job.id, device=job.device,
                             kind=job.kind, order_id=order_id, reprint=job.reprint or None,
                             **fields))
