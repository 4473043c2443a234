"""Progress, cancel tokens and the import progress steps, without Qt or a database."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from station.app.work import Cancelled, CancelToken, Progress, import_report
from sync.importing.steps import REPORT_ROWS, WRITE_ROWS, Steps


def test_fraction_is_bounded_and_unknown_without_a_total():
    assert Progress(5, 10, "writing").fraction == 0.5
    assert Progress(12, 10, "writing").fraction == 1.0
    assert Progress(3, 0, "reading").fraction is None


def test_a_token_cancels_a_loop_on_another_thread():
    token = CancelToken()
    stopped = threading.Event()

    def loop() -> None:
        try:
            while True:
                token.check()
        except Cancelled:
            stopped.set()

    worker = threading.Thread(target=loop)
    worker.start()
    assert not token.cancelled
    token.cancel()
    assert stopped.wait(5) and token.cancelled
    worker.join(5)
    with pytest.raises(Cancelled):
        token.check()


def test_import_report_passes_progress_on_and_raises_once_cancelled():
    token = CancelToken()
    seen: list[Progress] = []
    report = import_report(seen.append, token)
    report(10, 100, "reading")
    assert seen == [Progress(10, 100, "reading")]

    def cancel_on_seeing(p: Progress) -> None:
        seen.append(p)
        token.cancel()

    report = import_report(cancel_on_seeing, token)
    with pytest.raises(Cancelled):  # a cancel during the last report still counts
        report(100, 100, "writing")
    with pytest.raises(Cancelled):
        report(100, 100, "writing")
    assert seen[-1] == Progress(100, 100, "writing") and len(seen) == 2


def test_steps_report_chunks_of_rows_and_each_phase_from_zero():
    seen: list[tuple[int, int, str]] = []
    steps = Steps(lambda *step: seen.append(step))
    steps.rows = 5000
    steps.start("checking")
    steps.start("checking")  # already begun: no second report at 0
    for _ in range(5000):
        steps.advance(1)
    steps.finish()
    assert seen == [(0, 5000, "checking"), *((n, 5000, "checking") for n in
                                            range(REPORT_ROWS, 5001, REPORT_ROWS)),
                    (5000, 5000, "checking")]
    seen.clear()
    steps.start("writing")
    handled = []
    for batch in steps.chunks(list(range(5000)), lambda _: 1):
        handled.append(len(batch))
        assert seen[-1][0] == sum(handled[:-1])  # reported once the chunk was handled
    assert handled == [WRITE_ROWS, WRITE_ROWS, 5000 - 2 * WRITE_ROWS]
    assert seen == [(0, 5000, "writing"), (2000, 5000, "writing"), (4000, 5000, "writing"),
                    (5000, 5000, "writing")]


def test_chunks_count_the_rows_each_item_takes():
    steps = Steps(lambda *step: None)
    steps.rows = 12_000
    batches = list(steps.chunks([3] * 4000, lambda rows: rows))
    assert [len(b) for b in batches] == [667, 667, 667, 667, 667, 665]
    assert steps.done == 12_000


def test_steps_without_report_keep_the_byte_callback_as_it_was(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_text("a\n", encoding="utf-8")
    seen: list[int] = []
    assert Steps().reading(path, seen.append) == seen.append
    assert Steps().reading(path, None) is None
    told: list[tuple] = []
    on_bytes = Steps(lambda *s: told.append(s)).reading(path, seen.append)
    assert on_bytes is not None
    on_bytes(2)
    assert seen == [2] and told == [(0, 2, "reading"), (2, 2, "reading")]
