"""Print jobs from the database reach real printers (simulated), in order, through faults."""

from __future__ import annotations

import queue
import time

import pytest
from sqlalchemy import select

from drivers.sim.escpos import SimEscPosPrinter
from drivers.sim.zpl import SimZplPrinter
from station.app.devices import device_workers
from station.app.spooler import PrintSpooler
from station.config import DevicesSection
from station.data.models import PrintJob

LABEL = b"^XA^FO50,50^A0N,40,40^FDlabel %d^FS^XZ"


class Events:
    def __init__(self) -> None:
        self.q: queue.Queue = queue.Queue()
        self.seen: list[dict] = []

    def __call__(self, event: dict) -> None:
        self.q.put(event)

    def wait(self, name: str, timeout: float = 10.0, **match) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.q.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {name} {match}; saw {self.seen}") from None
            self.seen.append(event)
            if event["event"] == name and all(event.get(k) == v for k, v in match.items()):
                return event

    def printed(self, ids: list[int], timeout: float = 10.0) -> list[int]:
        """Wait until every job in `ids` is printed; return them in the order they were."""
        done = [e["job_id"] for e in self.seen if e["event"] == "print.printed"]
        while not set(ids) <= set(done):
            done.append(self.wait("print.printed", timeout)["job_id"])
        return done


@pytest.fixture
def rig(sessions):
    label, receipt = SimZplPrinter("tcp"), SimEscPosPrinter("tcp")
    devices = DevicesSection.model_validate({
        "label_printer": {"url": label.url, "status_interval_s": 0.1},
        "receipt_printer": {"url": receipt.url, "status_interval_s": 0.1},
    })
    states: list[tuple] = []
    events = Events()
    workers = device_workers(devices, lambda *s: (states.append(s), spooler.wake()))
    spooler = PrintSpooler(sessions, "st-1", workers, events, retry_s=0.2)
    for w in workers.values():
        w.start()
    spooler.start()
    yield label, receipt, spooler, events
    spooler.stop()
    for w in workers.values():
        w.stop()
    label.stop()
    receipt.stop()


def queue_jobs(sessions, *jobs: tuple[str, str, bytes]) -> list[int]:
    with sessions.begin() as s:
        rows = [PrintJob(station_id="st-1", device=d, kind=k, payload=p) for d, k, p in jobs]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def statuses(sessions) -> dict[int, str]:
    with sessions() as s:
        return dict(s.execute(select(PrintJob.id, PrintJob.status)).all())


def test_jobs_print_in_order_on_each_printer(sessions, rig):
    label, receipt, spooler, events = rig
    insert = b"\x1b@Thank you!\n\x1dV\x00"
    ids = queue_jobs(sessions, *[("label_printer", "label", LABEL % i) for i in range(3)],
                     ("receipt_printer", "insert", insert))
    spooler.wake()
    order = events.printed(ids)
    assert [i for i in order if i in ids[:3]] == ids[:3]  # per printer, in queue order
    assert label.wait_for_jobs(3, 5) and [j for j in label.jobs] == [LABEL % i for i in range(3)]
    assert receipt.wait_for_jobs(1, 5) and "Thank you!" in receipt.jobs[0].text
    assert set(statuses(sessions).values()) == {"printed"}


def test_paper_out_requeues_and_prints_when_the_printer_is_back(sessions, rig):
    label, receipt, spooler, events = rig
    label.paper_out()
    receipt.paper_out()
    time.sleep(0.3)  # let both workers see the fault (status every 0.1 s)
    first, second = queue_jobs(sessions, ("label_printer", "label", LABEL % 1),
                               ("receipt_printer", "insert", b"\x1b@slip\n\x1dV\x00"))
    spooler.wake()
    waiting = events.wait("print.waiting", job_id=first)
    assert (waiting["reason"], waiting["detail"]) == ("not_ready", "paper out")
    with pytest.raises(AssertionError):
        events.wait("print.printed", timeout=1.0)
    assert statuses(sessions) == {first: "queued", second: "queued"}
    assert label.jobs == [] and receipt.jobs == []  # nothing sent while it cannot print
    label.clear()
    receipt.clear()
    events.printed([first, second])
    assert label.wait_for_jobs(1, 5) and receipt.wait_for_jobs(1, 5)


def test_a_fault_found_at_print_time_is_retried_when_the_printer_is_back(sessions):
    label = SimZplPrinter("tcp")
    devices = DevicesSection.model_validate(
        {"label_printer": {"url": label.url, "status_interval_s": 60}})
    events = Events()
    workers = device_workers(devices, lambda *s: spooler.wake())
    spooler = PrintSpooler(sessions, "st-1", workers, events, retry_s=0.2)
    worker = workers["label_printer"]
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while worker.state != "connected":  # its first status check
            assert time.monotonic() < deadline
            time.sleep(0.01)
        label.head_open()  # after the check: the station still thinks it is ready
        spooler.start()
        (job,) = queue_jobs(sessions, ("label_printer", "label", LABEL % 7))
        spooler.wake()
        failed = events.wait("print.failed", job_id=job)
        assert failed["will_retry"] and "head open" in failed["detail"]
        assert statuses(sessions) == {job: "queued"} and label.jobs == []
        label.clear()
        worker.check_now()
        events.printed([job])
        assert label.wait_for_jobs(1, 5)
    finally:
        spooler.stop()
        worker.stop()
        label.stop()
