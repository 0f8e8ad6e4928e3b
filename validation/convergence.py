"""Observed convergence rates: a least-squares slope with its standard error, a curvature
check, and a bootstrap confidence interval. Pure numpy.

The model is ``log y = a + p X`` with ``X = log x`` (``scale="loglog"``, algebraic rates
``y ~ x^p``) or ``X = x`` (``scale="semilogy"``, geometric rates ``y ~ exp(p x)``). Levels
whose error is not finite or lies below a floor (where rounding, not the method, sets the
error) are dropped before fitting, following theory.md §8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SlopeFit", "fit_slope", "bootstrap_ci", "critical_t", "MIN_LEVELS"]

MIN_LEVELS = 3
"""Fewer usable levels than this leave the slope undetermined (INCONCLUSIVE)."""

# Student-t quantiles at the one-sided 3-sigma probability Phi(3) = 0.99865, for 1..30
# degrees of freedom (scipy.stats.t.ppf); beyond 30 a Cornish-Fisher expansion is used.
_T3 = (
    235.801, 19.207, 9.219, 6.620, 5.507, 4.904, 4.530, 4.277, 4.094, 3.957,
    3.850, 3.764, 3.694, 3.636, 3.586, 3.544, 3.507, 3.475, 3.447, 3.422,
    3.400, 3.380, 3.361, 3.345, 3.330, 3.316, 3.303, 3.291, 3.280, 3.270,
)  # fmt: skip


def critical_t(dof: int) -> float:
    """The Student-t value as unlikely as 3 sigma: ``t.ppf(Phi(3), dof)``.

    A statistic ``|estimate| / se`` with ``se`` estimated from ``dof`` residual degrees of
    freedom is significant "at 3 sigma" when it exceeds this (3.0 as ``dof -> inf``).

    Examples
    --------
    >>> critical_t(4), round(critical_t(10**6), 3)
    (6.62, 3.0)
    """
    if dof < 1:
        return float("inf")
    if dof <= len(_T3):
        return _T3[dof - 1]
    z = 3.0
    return z + (z**3 + z) / (4 * dof) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * dof**2)


@dataclass(frozen=True, eq=False)
class SlopeFit:
    """A least-squares fit of ``log y`` against ``X`` (``log x`` or ``x``).

    Attributes
    ----------
    scale : {"loglog", "semilogy"}
    slope, intercept : float
        ``p`` and ``a`` in ``log y = a + p X`` (natural logarithms); NaN if not ``ok``.
    se : float
        Standard error of the slope, ``sqrt(s^2 / sum((X - mean X)^2))`` with ``s^2`` the
        residual variance (``n_used - 2`` degrees of freedom); NaN with fewer than 3 levels.
    used : ndarray of bool, shape (L,)
        Levels that entered the fit (finite, positive, at or above the floor).
    n_nonfinite : int
        Levels whose error is NaN or infinite.
    curvature, curvature_se : float
        Coefficient ``c`` of ``X^2`` in a quadratic fit and its standard error (NaN with
        fewer than 4 levels).
    curvature_dof : int
        Residual degrees of freedom of the quadratic fit (``n_used - 3``).
    slope_at_min, slope_at_max : float
        Local slopes ``dq/dX`` of the quadratic fit at the smallest and largest used ``x``
        (equal to ``slope`` when the quadratic is not determined).
    slope_at_min_se, slope_at_max_se : float
        Their standard errors.

    Examples
    --------
    >>> h = 2.0 ** -np.arange(3, 9)
    >>> fit = fit_slope(h, 0.1 * h**2)
    >>> round(fit.slope, 12), fit.n_used
    (2.0, 6)
    """

    scale: str
    slope: float
    intercept: float
    se: float
    residual_sd: float
    used: np.ndarray
    n_nonfinite: int
    curvature: float
    curvature_se: float
    curvature_dof: int
    slope_at_min: float
    slope_at_max: float
    slope_at_min_se: float
    slope_at_max_se: float

    @property
    def n_used(self) -> int:
        """Number of levels in the fit."""
        return int(self.used.sum())

    @property
    def n_dropped(self) -> int:
        """Levels dropped (below the floor, non-positive or not finite)."""
        return int(self.used.size - self.used.sum())

    @property
    def ok(self) -> bool:
        """Whether enough levels remained to fit a slope with an error estimate."""
        return self.n_used >= MIN_LEVELS

    @property
    def curvature_t(self) -> float:
        """``|c| / se(c)``: the significance of the curvature (NaN if undetermined)."""
        if not np.isfinite(self.curvature_se):
            return float("nan")
        if self.curvature_se == 0.0:
            return float("inf") if self.curvature != 0.0 else 0.0
        return abs(self.curvature) / self.curvature_se

    @property
    def curvature_significant(self) -> bool:
        """Whether the quadratic term is nonzero at the 3-sigma level (Student-t with
        ``curvature_dof`` degrees of freedom, so few levels need a larger ratio)."""
        return bool(self.curvature_t > critical_t(self.curvature_dof))  # False for NaN

    @property
    def drift(self) -> float:
        """Change of the local slope across the used levels, ``slope_at_max - slope_at_min``."""
        return self.slope_at_max - self.slope_at_min

    def predict(self, x) -> np.ndarray:
        """The fitted error ``exp(a + p X(x))`` at levels ``x``."""
        return np.exp(self.intercept + self.slope * _abscissa(np.asarray(x, float), self.scale))

    def to_dict(self) -> dict:
        """Plain-Python fields (for JSON)."""
        out = {k: _jsonable(getattr(self, k)) for k in self.__dataclass_fields__}
        out.update(n_used=self.n_used, n_dropped=self.n_dropped, ok=self.ok)
        out.update(curvature_t=_jsonable(self.curvature_t), drift=_jsonable(self.drift))
        out.update(curvature_significant=self.curvature_significant)
        return out


def _jsonable(v):
    if isinstance(v, np.ndarray):
        return [_jsonable(t) for t in v.tolist()]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if np.isfinite(v) else None
    return v


def _abscissa(x: np.ndarray, scale: str) -> np.ndarray:
    if scale == "loglog":
        return np.log(x)
    if scale == "semilogy":
        return x
    raise ValueError(
        f"unknown scale: expected 'loglog' or 'semilogy', received {scale!r}. "
        "Fix: fit log-log for algebraic rates, semilog-y for geometric ones."
    )


def fit_slope(x, y, *, scale: str = "loglog", floor: float = 0.0) -> SlopeFit:
    """Fit the observed rate of errors ``y`` at levels ``x``.

    Parameters
    ----------
    x : array_like of shape (L,)
        Levels; positive for ``scale="loglog"``.
    y : array_like of shape (L,)
        Errors. Levels with ``y`` not finite, ``y <= 0`` or ``y < floor`` are dropped.
    scale : {"loglog", "semilogy"}
    floor : float
        Errors below this are rounding-dominated and left out.

    Returns
    -------
    SlopeFit

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in shape, or ``x`` is not positive on a log-log scale.

    Examples
    --------
    >>> n = np.arange(10, 60, 10)
    >>> fit = fit_slope(n, 3.0 * np.exp(-0.4 * n), scale="semilogy")
    >>> round(fit.slope, 12), round(float(np.exp(fit.intercept)), 12)
    (-0.4, 3.0)
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.shape != y.shape:
        raise ValueError(
            f"levels and errors differ in length: expected equal shapes, received x "
            f"{x.shape} and y {y.shape}. Fix: return one error per level."
        )
    if scale == "loglog" and not np.all(x > 0):
        raise ValueError(
            f"log-log fits need positive levels: expected x > 0, received min(x) = "
            f"{x.min() if x.size else 'n/a'}. Fix: use scale='semilogy' or positive x."
        )
    nonfinite = ~np.isfinite(y)
    used = ~nonfinite & (y > 0) & (y >= floor) & np.isfinite(x)
    big_x = _abscissa(x[used], scale)
    log_y = np.log(y[used])
    nan = float("nan")
    slope = intercept = se = sd = nan
    curv = curv_se = nan
    if big_x.size >= 2 and np.ptp(big_x) > 0:
        slope, intercept, se, sd = _linear(big_x, log_y)
    lo_slope = hi_slope = slope
    lo_se = hi_se = se
    if big_x.size >= 4 and np.ptp(big_x) > 0:
        curv, curv_se, (lo_slope, lo_se), (hi_slope, hi_se) = _quadratic(big_x, log_y)
    used.setflags(write=False)
    return SlopeFit(
        scale=scale,
        slope=float(slope),
        intercept=float(intercept),
        se=float(se),
        residual_sd=float(sd),
        used=used,
        n_nonfinite=int(nonfinite.sum()),
        curvature=float(curv),
        curvature_se=float(curv_se),
        curvature_dof=max(int(big_x.size) - 3, 0),
        slope_at_min=float(lo_slope),
        slope_at_max=float(hi_slope),
        slope_at_min_se=float(lo_se),
        slope_at_max_se=float(hi_se),
    )


def _linear(big_x: np.ndarray, log_y: np.ndarray):
    xbar = big_x.mean()
    sxx = float(((big_x - xbar) ** 2).sum())
    slope = float(((big_x - xbar) * (log_y - log_y.mean())).sum() / sxx)
    intercept = float(log_y.mean() - slope * xbar)
    dof = big_x.size - 2
    if dof < 1:
        return slope, intercept, float("nan"), float("nan")
    resid = log_y - (intercept + slope * big_x)
    s2 = float((resid**2).sum() / dof)
    return slope, intercept, float(np.sqrt(s2 / sxx)), float(np.sqrt(s2))


def _quadratic(big_x: np.ndarray, log_y: np.ndarray):
    """Quadratic fit in the scaled variable ``t = (X - mid) / half`` in ``[-1, 1]``.

    Returns the curvature in ``X`` units with its standard error, and the local slope
    ``dq/dX`` with its standard error at the smallest and the largest ``X``.
    """
    mid = 0.5 * (big_x.max() + big_x.min())
    half = 0.5 * np.ptp(big_x)
    t = (big_x - mid) / half
    design = np.stack([np.ones_like(t), t, t**2], axis=1)
    coef, *_ = np.linalg.lstsq(design, log_y, rcond=None)
    dof = t.size - 3
    resid = log_y - design @ coef
    s2 = float((resid**2).sum() / dof)
    cov = s2 * np.linalg.inv(design.T @ design)
    curv = coef[2] / half**2
    curv_se = np.sqrt(cov[2, 2]) / half**2

    def local(t_end: float):
        grad = np.array([0.0, 1.0, 2.0 * t_end]) / half  # d/dX of (1, t, t^2)
        return float(grad @ coef), float(np.sqrt(max(grad @ cov @ grad, 0.0)))

    return float(curv), float(curv_se), local(-1.0), local(1.0)


def bootstrap_ci(
    samples,
    *,
    statistic=np.mean,
    level: float = 0.95,
    n_boot: int = 2000,
    rng: np.random.Generator | None = None,
) -> tuple[float, float, float]:
    """Percentile bootstrap confidence interval of a statistic of i.i.d. samples.

    Parameters
    ----------
    samples : array_like of shape (R,)
        Independent replicates.
    statistic : callable
        ``statistic(array of shape (B, R), axis=1) -> shape (B,)``; default the mean.
    level : float
        Confidence level in (0, 1).
    n_boot : int
        Number of bootstrap resamples.
    rng : numpy.random.Generator, optional
        Source of the resampling indices (default: a generator seeded with 0, so the
        interval is reproducible).

    Returns
    -------
    value, low, high : float
        The statistic of the samples and the interval.

    Examples
    --------
    >>> z = np.random.default_rng(1).normal(size=4000)
    >>> value, low, high = bootstrap_ci(z, level=0.99)
    >>> low < 0.0 < high
    True
    """
    data = np.asarray(samples, dtype=np.float64).reshape(-1)
    if data.size < 2 or not 0.0 < level < 1.0:
        raise ValueError(
            f"bootstrap needs >= 2 samples and 0 < level < 1: received {data.size} samples, "
            f"level={level}. Fix: pass replicate values and a level such as 0.95."
        )
    gen = np.random.default_rng(0) if rng is None else rng
    values = np.empty(n_boot)
    chunk = max(1, min(n_boot, 4_000_000 // data.size))
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = gen.integers(0, data.size, size=(stop - start, data.size))
        values[start:stop] = statistic(data[idx], axis=1)
    alpha = 0.5 * (1.0 - level)
    low, high = np.quantile(values, [alpha, 1.0 - alpha])
    return float(statistic(data[None, :], axis=1)[0]), float(low), float(high)
