"""Weight check: allowance, verdicts and learned unit weights."""

import pytest

from station.domain.weight import WeightPolicy, allowance, judge, learn, unit_weight

POLICY = WeightPolicy(tolerance_g=20, tolerance_pct=5, learn_min_samples=3)


@pytest.mark.parametrize(
    ("expected", "allow"), [(40, 20), (400, 20), (1000, 50), (12000, 600)]
)
def test_allowance_is_larger_of_grams_and_percent(expected, allow):
    assert allowance(expected, POLICY) == pytest.approx(allow)


@pytest.mark.parametrize(
    ("measured", "ok"), [(1050, True), (950, True), (1050.1, False), (949.9, False), (1000, True)]
)
def test_judge_edges(measured, ok):
    v = judge(measured, 1000, POLICY)
    assert v.accepted is ok
    assert (v.low_g, v.high_g) == (950, 1050)


def test_unit_weight_uses_learned_only_with_enough_samples():
    assert unit_weight(100, 120, 2, 3) == 100
    assert unit_weight(100, 120, 3, 3) == 120
    assert unit_weight(100, None, 10, 3) == 100


def test_learning_running_mean_then_exponential():
    mean, n = learn(None, 0, 100)
    assert (mean, n) == (100, 1)
    mean, n = learn(mean, n, 110)
    assert (mean, n) == (105, 2)
    for _ in range(200):
        mean, n = learn(mean, n, 150)
    assert mean == pytest.approx(150, abs=0.5)  # follows a product that changed
