"""The least-squares rate fit, its standard error, curvature check and bootstrap."""

import numpy as np
import pytest

from sciml.validation.convergence import bootstrap_ci, critical_t, fit_slope


def test_recovers_exact_power_law():
    h = 2.0 ** -np.arange(2, 10)
    fit = fit_slope(h, 3.0 * h**1.5)
    assert fit.slope == pytest.approx(1.5, abs=1e-12)
    assert np.exp(fit.intercept) == pytest.approx(3.0, rel=1e-12)
    assert fit.se == pytest.approx(0.0, abs=1e-12)
    assert fit.n_used == 8 and fit.ok


def test_semilogy_fits_log_error_against_x():
    n = np.arange(4, 40, 4)
    fit = fit_slope(n, 2.0 * np.exp(-0.3 * n), scale="semilogy")
    assert fit.slope == pytest.approx(-0.3, abs=1e-12)
    assert fit.predict([10.0])[0] == pytest.approx(2.0 * np.exp(-3.0), rel=1e-10)


def test_standard_error_matches_the_textbook_formula():
    rng = np.random.default_rng(3)
    x = 2.0 ** np.arange(6, 13)
    big_x = np.log(x)
    log_y = 0.7 - 0.5 * big_x + 0.05 * rng.standard_normal(x.size)
    fit = fit_slope(x, np.exp(log_y))
    slope, intercept = np.polyfit(big_x, log_y, 1)
    resid = log_y - (intercept + slope * big_x)
    s2 = (resid**2).sum() / (x.size - 2)
    se = np.sqrt(s2 / ((big_x - big_x.mean()) ** 2).sum())
    assert fit.slope == pytest.approx(slope, rel=1e-12)
    assert fit.se == pytest.approx(se, rel=1e-10)


def test_standard_error_is_calibrated_on_noisy_data():
    """Over many noise draws the slope scatters by about the reported se."""
    rng = np.random.default_rng(11)
    x = 2.0 ** np.arange(6, 13)
    slopes, ses = [], []
    for _ in range(400):
        y = x**-0.5 * np.exp(0.05 * rng.standard_normal(x.size))
        fit = fit_slope(x, y)
        slopes.append(fit.slope)
        ses.append(fit.se)
    assert np.mean(slopes) == pytest.approx(-0.5, abs=0.004)
    true_sd = 0.05 / np.sqrt(((np.log(x) - np.log(x).mean()) ** 2).sum())
    assert np.std(slopes) == pytest.approx(true_sd, rel=0.15)
    assert np.sqrt(np.mean(np.square(ses))) == pytest.approx(true_sd, rel=0.15)


def test_floored_and_nonfinite_levels_are_dropped_and_counted():
    n = np.arange(8, 100, 8, dtype=float)
    y = np.exp(-0.4 * n)
    y[-3:] = 1e-16  # rounding floor
    y[0] = np.nan
    fit = fit_slope(n, y, scale="semilogy", floor=1e-13)
    assert fit.n_nonfinite == 1
    assert fit.n_used == n.size - 4 and fit.n_dropped == 4
    assert not fit.used[0] and not fit.used[-1]
    assert fit.slope == pytest.approx(-0.4, abs=1e-10)


def test_too_few_levels_leave_the_fit_not_ok():
    fit = fit_slope([0.1, 0.05, 0.025], [1e-20, 1e-20, 1e-3], floor=1e-13)
    assert not fit.ok and np.isnan(fit.slope)


def test_curvature_of_a_bent_curve_is_significant():
    h = 2.0 ** -np.arange(1, 9)
    bent = fit_slope(h, h**2 * (1 + 30 * h))  # local slope 2 + 30h/(1 + 30h): 2.1 .. 2.9
    straight = fit_slope(h, h**2)
    assert bent.curvature_significant and bent.drift > 0.5
    assert bent.slope_at_min < bent.slope < bent.slope_at_max
    assert not straight.curvature_significant and abs(straight.drift) < 1e-9


def test_noise_alone_is_rarely_significant_curvature():
    rng = np.random.default_rng(5)
    x = 2.0 ** np.arange(6, 13)
    hits = sum(
        fit_slope(x, x**-0.5 * np.exp(0.05 * rng.standard_normal(x.size))).curvature_significant
        for _ in range(300)
    )
    assert hits <= 6  # 3-sigma test: expected 0.27 % of 300


def test_critical_t_decreases_to_three():
    values = [critical_t(d) for d in (1, 4, 30, 31, 1000)]
    assert values == sorted(values, reverse=True)
    assert critical_t(0) == float("inf")
    assert critical_t(31) == pytest.approx(3.2609, abs=2e-3)
    assert critical_t(1000) == pytest.approx(3.0, abs=0.02)


def test_bad_inputs_raise_with_a_fix():
    with pytest.raises(ValueError, match="Fix"):
        fit_slope([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="positive levels"):
        fit_slope([0.0, 1.0, 2.0], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="semilogy"):
        fit_slope([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], scale="linear")


def test_bootstrap_interval_covers_the_mean():
    rng = np.random.default_rng(2)
    covered = 0
    for _ in range(40):
        z = rng.exponential(size=500)  # mean 1, skewed
        value, low, high = bootstrap_ci(z, level=0.95, n_boot=500, rng=rng)
        assert low <= value <= high
        covered += low <= 1.0 <= high
    assert covered >= 33  # 95 % nominal
    with pytest.raises(ValueError):
        bootstrap_ci([1.0])
