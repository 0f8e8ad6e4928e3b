"""Each acceptance rule at and around its PASS / FAIL / INCONCLUSIVE boundaries."""

import numpy as np
import pytest

from sciml.validation import (
    AllOf,
    BelowTolerance,
    CIContains,
    Estimate,
    ExactCurve,
    Measurement,
    OneSidedSlope,
    RuleError,
    TwoSidedSlope,
    Verdict,
)

H = 2.0 ** -np.arange(3, 10)
N = 2.0 ** np.arange(6, 13)


def noisy(x, slope, noise, seed=0):
    """``x^slope`` with log-normal noise of the given size."""
    rng = np.random.default_rng(seed)
    return Measurement(x, x**slope * np.exp(noise * rng.standard_normal(x.size)))


# ------------------------------------------------------------------ TwoSidedSlope
@pytest.mark.parametrize(
    "observed, verdict",
    [(2.0, Verdict.PASS), (2.09, Verdict.PASS), (2.11, Verdict.FAIL), (1.85, Verdict.FAIL)],
)
def test_two_sided_tolerance_boundary(observed, verdict):
    assert TwoSidedSlope(2.0, 0.1).assess(Measurement(H, H**observed)).verdict is verdict


def test_two_sided_noise_wider_than_tol_is_inconclusive_not_pass():
    m = noisy(N, -0.5, noise=0.3, seed=1)
    a = TwoSidedSlope(-0.5, 0.05).assess(m)
    assert 3 * a.fit.se > 0.05
    assert abs(a.observed + 0.5) <= 3 * a.fit.se
    assert a.verdict is Verdict.INCONCLUSIVE and "add levels" in a.reason


def test_two_sided_noisy_but_far_off_still_fails():
    a = TwoSidedSlope(-0.5, 0.05).assess(noisy(N, 0.5, noise=0.3, seed=1))
    assert 3 * a.fit.se > 0.05 and a.verdict is Verdict.FAIL


def test_two_sided_precise_noisy_data_passes():
    a = TwoSidedSlope(-0.5, 0.05).assess(noisy(N, -0.5, noise=0.01, seed=2))
    assert a.verdict is Verdict.PASS and "±" in a.observed_text


def test_two_sided_curved_data_is_inconclusive_when_the_fine_end_agrees():
    # error = h^2 (1 + 40 h): pre-asymptotic at coarse h, slope 2 at the fine end
    a = TwoSidedSlope(2.0, 0.1).assess(Measurement(H, H**2 * (1 + 40 * H)))
    assert a.fit.curvature_significant
    assert a.verdict is Verdict.INCONCLUSIVE and "curved" in a.reason


def test_two_sided_curved_data_fails_when_nothing_agrees():
    n = np.arange(8.0, 100.0, 8.0)  # algebraic error on a semilog-y claim
    a = TwoSidedSlope(-0.4, 0.04).assess(Measurement(n, n**-2.0), scale="semilogy")
    assert a.verdict is Verdict.FAIL


def test_two_sided_floor_and_nonfinite():
    y = H**2
    rule = TwoSidedSlope(2.0, 0.1)
    assert rule.assess(Measurement(H, y), floor=y[-3] * 1.01).verdict is Verdict.PASS
    short = rule.assess(Measurement(H, y), floor=y[2] * 1.01)
    assert short.verdict is Verdict.INCONCLUSIVE and "above the floor" in short.reason
    y_nan = y.copy()
    y_nan[3] = np.inf
    assert rule.assess(Measurement(H, y_nan)).verdict is Verdict.FAIL


def test_slope_rules_refuse_fewer_than_five_levels():
    for rule in (TwoSidedSlope(2.0, 0.1), OneSidedSlope(1.9, ">=")):
        with pytest.raises(RuleError, match="at least 5 levels"):
            rule.assess(Measurement(H[:4], H[:4] ** 2))


def test_rule_parameters_are_checked():
    with pytest.raises(RuleError, match="tol"):
        TwoSidedSlope(2.0, 0.0)
    with pytest.raises(RuleError, match="side"):
        OneSidedSlope(1.0, side="<")
    with pytest.raises(RuleError):
        AllOf()


# ------------------------------------------------------------------ OneSidedSlope
def test_one_sided_bounds():
    below = OneSidedSlope(-1.25, "<=")
    assert below.assess(Measurement(N, N**-1.5)).verdict is Verdict.PASS
    assert below.assess(Measurement(N, N**-1.0)).verdict is Verdict.FAIL
    above = OneSidedSlope(1.9, ">=")
    assert above.assess(Measurement(H, H**2)).verdict is Verdict.PASS
    assert above.assess(Measurement(H, H**1.8)).verdict is Verdict.FAIL


def test_one_sided_violation_within_noise_is_inconclusive():
    m = noisy(N, -1.2, noise=0.3, seed=4)
    a = OneSidedSlope(-1.25, "<=").assess(m)
    assert a.observed > -1.25 and a.observed - 3 * a.fit.se < -1.25
    assert a.verdict is Verdict.INCONCLUSIVE


# ------------------------------------------------------------------ CIContains
def test_ci_contains_boundaries():
    m = Measurement([1.0], [1.0], estimate=Estimate("ratio", 1.02, 0.97, 1.07, 0.99))
    assert CIContains(1.0).assess(m).verdict is Verdict.PASS
    assert CIContains(0.97).assess(m).verdict is Verdict.PASS  # endpoint included
    assert CIContains(0.969).assess(m).verdict is Verdict.FAIL
    assert CIContains(1.0, max_width=0.05).assess(m).verdict is Verdict.INCONCLUSIVE
    assert CIContains(2.0, max_width=0.05).assess(m).verdict is Verdict.FAIL


def test_ci_contains_needs_an_estimate():
    with pytest.raises(RuleError, match="estimate"):
        CIContains(1.0).assess(Measurement([1.0], [1.0]))


# ------------------------------------------------------------------ ExactCurve
def curve(x):
    return 1.0 / np.asarray(x)


def test_exact_curve_without_intervals():
    rule = ExactCurve(0.05)
    assert rule.assess(Measurement(N, 1.049 / N), expected_curve=curve).verdict is Verdict.PASS
    a = rule.assess(Measurement(N, 1.051 / N), expected_curve=curve)
    assert a.verdict is Verdict.FAIL and a.observed == pytest.approx(0.051)


def test_exact_curve_with_intervals():
    rule = ExactCurve(0.05)
    y = 1.02 / N
    tight = Measurement(N, y, 0.99 * y, 1.01 * y)  # +-1 %, dev 2 %: PASS
    assert rule.assess(tight, expected_curve=curve).verdict is Verdict.PASS
    off = Measurement(N, 1.1 * y, 1.09 * y, 1.11 * y)  # dev 12 %, CI excludes curve
    assert rule.assess(off, expected_curve=curve).verdict is Verdict.FAIL
    wide = Measurement(N, 1.1 / N, 0.8 / N, 1.4 / N)  # dev 10 % inside a 30 % CI
    assert rule.assess(wide, expected_curve=curve).verdict is Verdict.INCONCLUSIVE
    with pytest.raises(RuleError, match="expected_curve"):
        rule.assess(tight)


# ------------------------------------------------------------------ BelowTolerance
def test_below_tolerance():
    rule = BelowTolerance(1e-13)
    assert rule.assess(Measurement([8, 16, 32], [1e-13, 0.0, 5e-16])).verdict is Verdict.PASS
    a = rule.assess(Measurement([8, 16, 32], [1e-13, 1.1e-13, 5e-16]))
    assert a.verdict is Verdict.FAIL and "x=16" in a.reason
    assert rule.assess(Measurement([8, 16], [np.nan, 0.0])).verdict is Verdict.FAIL


# ------------------------------------------------------------------ AllOf
def test_all_of_takes_the_worst_verdict():
    est = Estimate("ratio", 1.0, 0.9, 1.1)
    good = Measurement(N, N**-0.5, estimate=est)
    rule = AllOf(TwoSidedSlope(-0.5, 0.05), CIContains(1.0))
    assert rule.assess(good).verdict is Verdict.PASS
    assert AllOf(TwoSidedSlope(-0.5, 0.05), CIContains(2.0)).assess(good).verdict is Verdict.FAIL
    inconclusive = AllOf(TwoSidedSlope(-0.5, 0.05), CIContains(1.0, max_width=0.1))
    assert inconclusive.assess(good).verdict is Verdict.INCONCLUSIVE
    assert rule.expected_slope == -0.5 and "and" in rule.describe()
