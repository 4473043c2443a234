"""Serial allocation: consecutive, never reused, also under concurrency on PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from station.data.counters import allocate, peek


def test_consecutive_and_rolled_back_numbers_come_back(sessions):
    with sessions.begin() as s:
        assert [allocate(s, "sscc:4012345") for _ in range(3)] == [1, 2, 3]
        assert allocate(s, "s10:PB", start=100) == 100
    with pytest.raises(RuntimeError), sessions.begin() as s:
        assert allocate(s, "sscc:4012345") == 4
        raise RuntimeError("the label could not be made")
    with sessions.begin() as s:
        assert allocate(s, "sscc:4012345", 2) == 4  # 4 was never used: no gap
        assert allocate(s, "sscc:4012345") == 6
        assert peek(s, "sscc:4012345") == 7 and peek(s, "nope") is None
    with pytest.raises(ValueError), sessions.begin() as s:
        allocate(s, "x", 0)


def test_four_stations_allocating_at_once_never_collide_or_skip(sessions):
    got: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def station(n: int) -> None:
        try:
            start.wait()
            for i in range(40):
                try:
                    with sessions.begin() as s:
                        number = allocate(s, "sscc:shared")
                        if (n + i) % 7 == 0:
                            raise LookupError("rolled back: its number must be reused")
                    with lock:
                        got.append(number)
                except LookupError:
                    pass
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=station, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(got) == list(range(1, len(got) + 1))  # no duplicates, no gaps
    assert len(got) > 100
