"""Judge a parcel weight against what its contents should weigh.

Expected weight = box tare + the sum of unit weights. A unit weight is the catalogue value
until enough accepted single-SKU parcels have taught the station the real one.
The allowance is the larger of a fixed number of grams and a percentage of the expectation,
so a 40 g envelope and a 12 kg carton are both judged fairly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WeightPolicy:
    tolerance_g: float = 20.0
    tolerance_pct: float = 5.0
    learn_min_samples: int = 3


@dataclass(frozen=True, slots=True)
class WeightVerdict:
    accepted: bool
    measured_g: float
    expected_g: float
    allowance_g: float

    @property
    def difference_g(self) -> float:
        """Return measured minus expected, grams."""
        return self.measured_g - self.expected_g

    @property
    def low_g(self) -> float:
        """Return the lowest accepted weight, grams."""
        return max(0.0, self.expected_g - self.allowance_g)

    @property
    def high_g(self) -> float:
        """Return the highest accepted weight, grams."""
        return self.expected_g + self.allowance_g


def unit_weight(
    catalogue_g: float, learned_g: float | None, samples: int, min_samples: int
) -> float:
    """Return the unit weight to expect: learned once it rests on enough samples."""
    if learned_g is not None and samples >= min_samples:
        return learned_g
    return catalogue_g


def allowance(expected_g: float, policy: WeightPolicy) -> float:
    """Return the accepted deviation for an expected weight, grams."""
    return max(policy.tolerance_g, expected_g * policy.tolerance_pct / 100.0)


def judge(measured_g: float, expected_g: float, policy: WeightPolicy) -> WeightVerdict:
    """Accept or reject a measured weight."""
    allow = allowance(expected_g, policy)
    ok = abs(measured_g - expected_g) <= allow + 1e-9
    return WeightVerdict(ok, measured_g, expected_g, allow)


def learn(
    learned_g: float | None, samples: int, observed_unit_g: float, window: int = 50
) -> tuple[float, int]:
    """Fold one observed unit weight into the running mean; return (mean, samples).

    The mean becomes exponential after `window` samples so a changed product (new
    packaging from the supplier) is learned again within a few dozen parcels.
    """
    if learned_g is None or samples <= 0:
        return observed_unit_g, 1
    n = min(samples + 1, window)
    return learned_g + (observed_unit_g - learned_g) / n, samples + 1
