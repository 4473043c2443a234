"""A wire-level ESC/POS receipt printer simulator on a pty or loopback TCP, with fault injection.

What it does with the bytes it receives (parsed by `drivers.receipt_printer.job`):

- Real-time status requests `DLE EOT n` (n 1-4) are answered at once with one status byte
  from the simulated state (see `drivers.receipt_printer.protocol`). They are logged in
  `status_requests` and are not part of any job.
- Everything else is collected into the current job.

Where a job ends (the rule the tests rely on):

1. after a cut (`GS V`, any form): the cut is the last element of its job;
2. when the connection ends: the TCP client goes away, a new client replaces it, or
   `drop_connection()` (on a pty a client closing its end is not seen: use rule 1 or 3);
3. after an idle gap: no byte for `idle_gap_s` seconds (1 s by default; None: never);
4. on `stop()`.

A job with no element (a client that only asked for status) is not kept. An incomplete
command at a job's end is kept as a truncated `Unknown`. Each `ReceivedJob` holds its raw
bytes (status requests removed) and its elements, with text, raster images and native QR
data read out.

State: paper ok / near end / out, cover open, cutter error. The printer is offline while the
cover is open, the paper is out or an error is set; `DLE EOT 2` then reports cover open,
paper-end stop or error occurred, and `DLE EOT 3` an autocutter error. Jobs are received
and kept whatever the state, as a real printer buffers them.

Faults: `drop_connection()`, `dont_answer(n)` (ignore the next n status requests),
`answer_garbage(n)` (answer them with bytes that are not a status byte), `slow(seconds)`.

Run it as a process: `python -m drivers.sim.escpos --listen tcp:0` (or `tcp:9100`, `pty`)
prints the URL on its first stdout line, then reads control lines from stdin (`help`).
"""

from __future__ import annotations

import queue
import sys
import time
from dataclasses import dataclass
from functools import partial

from drivers.receipt_printer.elements import (
    Cut,
    Element,
    StatusRequest,
    Unknown,
    job_text,
    printed_qr_codes,
    raster_images,
)
from drivers.receipt_printer.job import JobParser
from drivers.receipt_printer.protocol import (
    ErrorStatus,
    OfflineStatus,
    PaperStatus,
    PrinterStatus,
    encode_error_status,
    encode_offline_status,
    encode_paper_status,
    encode_printer_status,
)
from drivers.sim.base import FaultCounters, WireSimulator
from drivers.sim.cli import FAULT_HELP, fault_control, listen_parser, parse_args, serve, switch
from drivers.sim.wire import Kind

__all__ = ["ReceivedJob", "SimEscPosPrinter", "main"]

GARBAGE = b"\xa5GARBAGE\xff"  # 0xA5 breaks the fixed bits of every status byte
_TICK = object()
_WATCH_S = 0.05  # how often a pending job looks for a closed connection


@dataclass(frozen=True)
class ReceivedJob:
    """One job as the printer received it; `ended_by` is cut, close, drop, idle or stop."""

    raw: bytes
    elements: tuple[Element, ...]
    ended_by: str

    @property
    def text(self) -> str:
        """Return the printed text, lines separated by LF."""
        return job_text(self.elements)

    @property
    def images(self) -> list:
        """Return the raster images (PIL, mode "1") in print order."""
        return raster_images(self.elements)

    @property
    def qr_codes(self) -> list[bytes]:
        """Return the data of the native QR codes printed (GS ( k)."""
        return printed_qr_codes(self.elements)

    @property
    def unknown(self) -> list[Unknown]:
        """Return the bytes the printer did not understand."""
        return [e for e in self.elements if isinstance(e, Unknown)]

    @property
    def cut(self) -> bool:
        """True when the job ended with a cut."""
        return bool(self.elements) and isinstance(self.elements[-1], Cut)


class SimEscPosPrinter(FaultCounters, WireSimulator):
    """Simulated ESC/POS receipt printer; `url` is a pyserial URL for the driver."""

    def __init__(
        self, kind: Kind = "tcp", *, port: int = 0, idle_gap_s: float | None = 1.0,
    ) -> None:
        super().__init__()
        self.idle_gap_s = idle_gap_s
        self.status_requests: list[int] = []
        self._jobs: list[ReceivedJob] = []
        self._paper = PaperStatus.OK
        self._cover_open = self._cutter_error = False
        self._parser = JobParser()
        self._elements: list[Element] = []  # of the current job
        self._job_generation: int | None = None
        self._last_rx = 0.0
        self._inbox: queue.Queue = queue.Queue()
        self._listen(kind, port, "escpos", on_data=self._on_data, worker=self._serve)

    # --------------------------------------------------------------- control
    def set_paper(self, paper: PaperStatus) -> None:
        """Set what the roll paper sensors see."""
        with self._cond:
            self._paper = paper

    def paper_out(self, on: bool = True) -> None:
        """Run out of paper (True) or load a full roll (False)."""
        self.set_paper(PaperStatus.OUT if on else PaperStatus.OK)

    def paper_near_end(self, on: bool = True) -> None:
        """Let the roll reach the near-end sensor (True) or load a full roll (False)."""
        self.set_paper(PaperStatus.NEAR_END if on else PaperStatus.OK)

    def cover_open(self, on: bool = True) -> None:
        """Open (True) or close (False) the paper cover."""
        with self._cond:
            self._cover_open = on

    def cutter_error(self, on: bool = True) -> None:
        """Jam the autocutter (True) or clear the jam (False)."""
        with self._cond:
            self._cutter_error = on

    def clear(self) -> None:
        """Make the printer healthy again: full roll, cover closed, no error, no faults."""
        with self._cond:
            self._paper = PaperStatus.OK
            self._cover_open = self._cutter_error = False
            self._dont_answer = self._garbage = 0
            self._delay_s = 0.0

    def clear_jobs(self) -> None:
        """Forget the jobs and status requests received so far."""
        with self._cond:
            self._jobs.clear()
            self.status_requests.clear()

    def drop_connection(self) -> None:
        """Drop the client connection (TCP) or hang up the pty; ends the current job."""
        super().drop_connection()
        with self._cond:
            self._end_job("drop")

    @property
    def jobs(self) -> list[ReceivedJob]:
        """Return the jobs received so far, oldest first."""
        with self._cond:
            return list(self._jobs)

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` jobs in all have been received."""
        return self._wait_until(lambda: len(self._jobs) >= count, timeout)

    def wait_for_status_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` status requests in all have been received."""
        return self._wait_until(lambda: len(self.status_requests) >= count, timeout)

    def stop(self) -> None:
        """Stop serving, end the current job and close everything (idempotent)."""
        super().stop()
        with self._cond:
            self._end_job("stop")

    # ------------------------------------------------------------------ jobs
    def _on_data(self, data: bytes) -> None:
        """Take bytes from the I/O thread: answer status requests, collect job elements."""
        with self._cond:
            generation = self._server.generation
            if generation != self._job_generation:
                self._end_job("close")
                self._job_generation = generation
            self._last_rx = time.monotonic()
            was_pending = self._pending()
            for element in self._parser.feed(data):
                self._take(element, generation)
            if self._pending() and not was_pending:
                self._inbox.put(_TICK)  # the worker starts watching the idle gap
            self._cond.notify_all()

    def _take(self, element: Element, generation: int) -> None:
        if isinstance(element, StatusRequest):
            self.status_requests.append(element.n)
            self._inbox.put((element.n, generation))
            return
        self._elements.append(element)
        if isinstance(element, Cut):
            self._end_job("cut")

    def _end_job(self, reason: str) -> None:
        """Close the current job, if it has anything (called with `_cond` held)."""
        if reason != "cut":  # after a cut, bytes still in the parser belong to the next job
            for element in self._parser.flush():
                self._take(element, self._job_generation or 0)
        elements, self._elements = self._elements, []
        if elements:
            raw = b"".join(e.raw for e in elements)
            self._jobs.append(ReceivedJob(raw, tuple(elements), reason))
            self._cond.notify_all()

    def _pending(self) -> bool:
        return bool(self._elements) or self._parser.pending > 0

    def _watch(self) -> float | None:
        """End a pending job whose connection or idle gap is over; return when to look again."""
        with self._cond:
            if not self._pending():
                return None
            if self._server.generation != self._job_generation:
                self._end_job("close")
                return None
            if self.idle_gap_s is None:
                return _WATCH_S
            left = self._last_rx + self.idle_gap_s - time.monotonic()
            if left <= 0:
                self._end_job("idle")
                return None
            return min(left, _WATCH_S)

    # --------------------------------------------------------------- replies
    def _serve(self) -> None:
        while True:
            try:
                item = self._inbox.get(timeout=self._watch())
            except queue.Empty:
                continue
            if item is None:
                return
            if item is _TICK:
                continue
            n, generation = item
            with self._cond:
                if self._take_silence():
                    continue
                garbage = self._take_garbage()
                if self._wait_slow():
                    return
                reply = GARBAGE if garbage else self._status_byte(n)
            self._server.send(reply, generation=generation)

    def _status_byte(self, n: int) -> bytes:
        """Return the answer to DLE EOT n from the current state (`_cond` held)."""
        paper_out = self._paper is PaperStatus.OUT
        if n == 1:
            offline = self._cover_open or paper_out or self._cutter_error
            return encode_printer_status(PrinterStatus(offline=offline))
        if n == 2:
            return encode_offline_status(OfflineStatus(
                cover_open=self._cover_open, paper_end_stop=paper_out, error=self._cutter_error))
        if n == 3:
            return encode_error_status(ErrorStatus(autocutter=self._cutter_error))
        return encode_paper_status(self._paper)


HELP = f"""\
paper ok|near_end|out | cover open|closed | cutter_error on|off | clear | clear_jobs
{FAULT_HELP} | jobs | job [INDEX] | help | quit"""


def _describe(job: ReceivedJob) -> str:
    return (f"ok ended_by={job.ended_by} bytes={len(job.raw)} images={len(job.images)}"
            f" qr={[q.decode('utf-8', 'replace') for q in job.qr_codes]} text={job.text!r}")


def _control(sim: SimEscPosPrinter, words: list[str], _line: str = "") -> str | None:
    """Apply one control line; return the answer to print (None: unknown)."""
    name, args = words[0], words[1:]
    on = switch(args, ("on", "open", "1", "true", "yes"))
    if name == "paper":
        sim.set_paper(PaperStatus(args[0]))
    elif name == "cover":
        sim.cover_open(on)
    elif name == "cutter_error":
        sim.cutter_error(on)
    elif name == "clear":
        sim.clear()
    elif name == "clear_jobs":
        sim.clear_jobs()
    elif name == "jobs":
        return f"ok {len(sim.jobs)}"
    elif name == "job":
        jobs = sim.jobs
        return _describe(jobs[int(args[0]) if args else -1]) if jobs else "error: no job yet"
    elif not fault_control(sim, name, args):
        return None
    return "ok"


def main(argv: list[str] | None = None) -> int:
    """Run the simulator until stdin closes or says `quit`."""
    parser = listen_parser("escpos", __doc__)
    parser.add_argument("--idle-gap", type=float, default=1.0,
                        help="end a job after this many idle seconds (0: never)")
    args, kind, port = parse_args(parser, argv)
    sim = SimEscPosPrinter(kind, port=port, idle_gap_s=args.idle_gap or None)
    return serve(sim, partial(_control, sim), HELP)


if __name__ == "__main__":
    sys.exit(main())
