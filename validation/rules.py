"""Acceptance rules: a measurement in, a :class:`Verdict` with a one-line reason out.

Every rule follows the same logic (theory.md §8): a claim FAILs only on evidence, that is a
deviation beyond the tolerance *and* beyond the measurement's own uncertainty; it PASSes
only when the measurement is precise enough to resolve the tolerance; everything between
is INCONCLUSIVE (reported, not fatal).

=================  ===========================================================================
rule               verdict
=================  ===========================================================================
TwoSidedSlope      PASS ``|p - e| <= tol`` with ``3 se <= tol``; FAIL ``|p - e| > max(tol, 3 se)``;
                   INCONCLUSIVE when ``3 se > tol`` hides the answer (a PASS would be vacuous),
                   when fewer than 3 levels lie above the floor, or when the curve is
                   significantly curved (a FAIL still, if its asymptotic end is off too)
OneSidedSlope      PASS when ``p`` satisfies the bound; FAIL when it violates it by more than
                   ``3 se``; INCONCLUSIVE in between
CIContains         PASS when the estimate's interval contains the value (and is narrower than
                   ``max_width``, if given); FAIL when it excludes it
ExactCurve         PASS when every level is within ``rtol`` of the exact finite-``x`` curve;
                   FAIL when a level deviates by more than ``rtol`` and its interval excludes
                   the curve; INCONCLUSIVE when intervals are wider than ``rtol``
BelowTolerance     PASS when every error is at most the threshold, FAIL otherwise
AllOf              FAIL if any FAILs, else INCONCLUSIVE if any is, else PASS
=================  ===========================================================================

Non-finite errors (NaN, Inf) FAIL every rule: a method that claims convergence must not
produce them. Slope rules refuse measurements of fewer than 5 levels (theory.md §8.1) with a
:class:`RuleError`, which the runner reports as ERROR.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sciml.core.errors import SciMLError, explain

from .convergence import MIN_LEVELS, SlopeFit, fit_slope

DESIGN_LEVELS = 5
"""Slope claims measure at least this many levels (theory.md §8.1); fewer is a case bug."""

if TYPE_CHECKING:  # pragma: no cover
    from .registry import Measurement

__all__ = [
    "Verdict",
    "Assessment",
    "Rule",
    "TwoSidedSlope",
    "OneSidedSlope",
    "CIContains",
    "ExactCurve",
    "BelowTolerance",
    "AllOf",
    "RuleError",
]


class RuleError(SciMLError, ValueError):
    """A rule was misconfigured or given a measurement it cannot judge."""


class Verdict(enum.Enum):
    """Outcome of judging a claim. ERROR is given by the runner, never by a rule."""

    PASS = "PASS"
    FAIL = "FAIL"
    INCONCLUSIVE = "INCONCLUSIVE"
    ERROR = "ERROR"


@dataclass(frozen=True, eq=False)
class Assessment:
    """A verdict with its reason.

    Attributes
    ----------
    verdict : Verdict
    reason : str
        One line: what was observed against what was required.
    observed : float or None
        The statistic the rule tested (slope, max error, estimate, max deviation).
    observed_text : str
        That statistic formatted for a table, e.g. ``"-0.3973 ± 0.00021"``.
    fit : SlopeFit or None
        The slope fit, for slope rules.
    """

    verdict: Verdict
    reason: str
    observed: float | None = None
    observed_text: str = "—"
    fit: SlopeFit | None = None


def _slope_text(fit: SlopeFit) -> str:
    if not np.isfinite(fit.slope):
        return "—"
    se = "n/a" if not np.isfinite(fit.se) else f"{fit.se:.2g}"
    return f"{fit.slope:+.4f} ± {se}"


def _check_number(value, name: str, positive: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not np.isfinite(v) or (positive and v <= 0):
        raise RuleError(
            explain(
                f"rule parameter {name} is invalid",
                expected="a finite positive number" if positive else "a finite number",
                received=repr(value),
                fix=f"pass a valid {name}",
            )
        )
    return v


class Rule(abc.ABC):
    """How a measurement is judged. Concrete rules are frozen dataclasses."""

    @property
    def expected_slope(self) -> float | None:
        """The slope the rule expects (drawn as the reference line), if any."""
        return None

    @abc.abstractmethod
    def assess(
        self,
        measurement: Measurement,
        *,
        scale: str = "loglog",
        floor: float = 0.0,
        expected_curve: Callable | None = None,
    ) -> Assessment:
        """Judge ``measurement`` (see the module table for each rule's logic)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """What is required, in a few characters, e.g. ``"2 ± 0.1"``."""

    def to_dict(self) -> dict:
        """The rule's type, parameters and description (for JSON)."""
        params = {k: getattr(self, k) for k in getattr(self, "__dataclass_fields__", {})}
        if "rules" in params:
            params["rules"] = [r.to_dict() for r in params["rules"]]
        return {"rule": type(self).__name__, "describe": self.describe(), **params}


def _fit_or_verdict(measurement, scale: str, floor: float):
    """The fit, or an Assessment when non-finite errors or too few levels decide already."""
    if measurement.levels < DESIGN_LEVELS:
        raise RuleError(
            explain(
                "a slope claim needs enough levels to regress over",
                expected=f"at least {DESIGN_LEVELS} levels",
                received=f"{measurement.levels}",
                fix="measure more levels (pairwise ratios are not a rate test)",
            )
        )
    fit = fit_slope(measurement.x, measurement.y, scale=scale, floor=floor)
    text = _slope_text(fit)
    if fit.n_nonfinite:
        return fit, Assessment(
            Verdict.FAIL,
            f"{fit.n_nonfinite} of {fit.used.size} levels gave non-finite errors",
            fit.slope,
            text,
            fit,
        )
    if not fit.ok:
        return fit, Assessment(
            Verdict.INCONCLUSIVE,
            f"only {fit.n_used} levels lie above the floor {floor:.2g} (need {MIN_LEVELS})",
            fit.slope,
            text,
            fit,
        )
    return fit, None


def _curved(fit: SlopeFit, curvature_tol: float) -> bool:
    """Significant curvature (3 sigma) that moves the local slope by more than the
    tolerance across the levels: a single slope does not summarize such data."""
    return fit.curvature_significant and abs(fit.drift) > curvature_tol


def _asymptotic_end(fit: SlopeFit, target: float) -> tuple[float, float, str]:
    """Local slope (and se) where the claimed error vanishes: x -> 0 for positive slopes
    (``h``), x -> infinity otherwise (``n``)."""
    if target > 0:
        return fit.slope_at_min, fit.slope_at_min_se, "smallest x"
    return fit.slope_at_max, fit.slope_at_max_se, "largest x"


@dataclass(frozen=True)
class TwoSidedSlope(Rule):
    """The observed slope equals ``expected`` within ``tol``.

    Parameters
    ----------
    expected : float
        The declared rate (log-log order, or semilog-y slope in natural-log units).
    tol : float
        Acceptance half-width.
    curvature_tol : float, optional
        A quadratic term significant at 3 sigma whose local slope changes by more than this
        across the levels makes the straight-line fit meaningless (default ``tol``).

    Notes
    -----
    ``|p - e| <= max(tol, 3 se)`` alone (theory.md §8.5) would let a noisy fit pass any
    tolerance: with ``3 se > tol`` the window is set by the noise, not by the claim. So a
    PASS needs ``3 se <= tol``; with ``3 se > tol`` the data can still refute the claim
    (``|p - e| > 3 se``, FAIL) but cannot confirm it (INCONCLUSIVE: add levels or
    replicates). Significant curvature (a quadratic term at 3 sigma that moves the local
    slope by more than ``curvature_tol``) makes the verdict INCONCLUSIVE (theory.md §8.8),
    unless both the fitted slope and the local slope at the asymptotic end (``x -> 0`` for
    positive rates, ``x -> infinity`` otherwise) are off by more than ``max(tol, 3 se)``:
    then no part of the data supports the claim and it FAILs.

    Examples
    --------
    >>> from sciml.validation.registry import Measurement
    >>> h = 2.0 ** -np.arange(3, 9)
    >>> TwoSidedSlope(2.0, 0.1).assess(Measurement(h, h**2)).verdict.name
    'PASS'
    >>> TwoSidedSlope(2.0, 0.1).assess(Measurement(h, h)).verdict.name
    'FAIL'
    """

    expected: float
    tol: float
    curvature_tol: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "expected", _check_number(self.expected, "expected"))
        object.__setattr__(self, "tol", _check_number(self.tol, "tol", positive=True))
        ctol = self.tol if self.curvature_tol is None else self.curvature_tol
        object.__setattr__(self, "curvature_tol", _check_number(ctol, "curvature_tol", True))

    @property
    def expected_slope(self) -> float:
        return self.expected

    def describe(self) -> str:
        return f"{self.expected:+.4g} ± {self.tol:g}"

    def assess(self, measurement, *, scale="loglog", floor=0.0, expected_curve=None):
        fit, early = _fit_or_verdict(measurement, scale, floor)
        if early is not None:
            return early
        p, se, e, tol = fit.slope, fit.se, self.expected, self.tol
        text = _slope_text(fit)
        dev = abs(p - e)
        if _curved(fit, self.curvature_tol):
            s_end, se_end, where = _asymptotic_end(fit, e)
            span = f"local slope runs {fit.slope_at_min:+.3f} -> {fit.slope_at_max:+.3f}"
            if dev > max(tol, 3 * se) and abs(s_end - e) > max(tol, 3 * se_end):
                reason = f"curved ({span}); slope {p:+.4f} and at the {where} {s_end:+.3f}, "
                reason += f"not {e:+.4g}"
                return Assessment(Verdict.FAIL, reason, p, text, fit)
            reason = f"curved ({span}): one slope does not fit; refine or drop coarse levels"
            return Assessment(Verdict.INCONCLUSIVE, reason, p, text, fit)
        if dev > max(tol, 3 * se):
            reason = f"slope {p:+.4f} ± {se:.2g} is {dev:.3g} from {e:+.4g} (tol {tol:g})"
            return Assessment(Verdict.FAIL, reason, p, text, fit)
        if 3 * se > tol:
            reason = f"3 se = {3 * se:.3g} exceeds tol {tol:g}: add levels or replicates"
            return Assessment(Verdict.INCONCLUSIVE, reason, p, text, fit)
        reason = f"slope {p:+.4f} ± {se:.2g} within {e:+.4g} ± {tol:g} ({fit.n_used} levels)"
        return Assessment(Verdict.PASS, reason, p, text, fit)


@dataclass(frozen=True)
class OneSidedSlope(Rule):
    """The observed slope satisfies a bound: ``p <= bound`` or ``p >= bound``.

    For claims that are bounds (theory.md §8.3), e.g. RQMC rates ``<= -1.25`` or kernel
    interpolation orders ``>= nu - 0.1``.

    Parameters
    ----------
    bound : float
    side : {"<=", ">="}
    curvature_tol : float
        As in :class:`TwoSidedSlope`. With significant curvature the verdict is PASS only
        if the fitted slope and the local slope at the asymptotic end both satisfy the
        bound, FAIL only if both violate it by more than 3 standard errors.

    Examples
    --------
    >>> from sciml.validation.registry import Measurement
    >>> n = 2.0 ** np.arange(6, 12)
    >>> OneSidedSlope(-1.25, "<=").assess(Measurement(n, n**-1.5)).verdict.name
    'PASS'
    """

    bound: float
    side: str = "<="
    curvature_tol: float = 0.1

    def __post_init__(self):
        object.__setattr__(self, "bound", _check_number(self.bound, "bound"))
        if self.side not in ("<=", ">="):
            raise RuleError(
                explain(
                    "unknown side of a one-sided bound",
                    expected="'<=' or '>='",
                    received=repr(self.side),
                    fix="pass side='<=' (rate at most) or side='>=' (rate at least)",
                )
            )
        ctol = _check_number(self.curvature_tol, "curvature_tol", positive=True)
        object.__setattr__(self, "curvature_tol", ctol)

    def describe(self) -> str:
        return f"{'≤' if self.side == '<=' else '≥'} {self.bound:+.4g}"

    def _violation(self, p: float) -> float:
        """How far ``p`` lies on the wrong side of the bound (<= 0 when satisfied)."""
        return p - self.bound if self.side == "<=" else self.bound - p

    def assess(self, measurement, *, scale="loglog", floor=0.0, expected_curve=None):
        fit, early = _fit_or_verdict(measurement, scale, floor)
        if early is not None:
            return early
        p, se, text = fit.slope, fit.se, _slope_text(fit)
        req = f"{self.side} {self.bound:+.4g}"
        if _curved(fit, self.curvature_tol):
            s_end, se_end, where = _asymptotic_end(fit, self.bound)
            if self._violation(p) <= 0 and self._violation(s_end) <= 0:
                reason = f"slope {p:+.4f} and local slope {s_end:+.3f} at the {where} {req}"
                return Assessment(Verdict.PASS, reason, p, text, fit)
            if self._violation(p) > 3 * se and self._violation(s_end) > 3 * se_end:
                reason = f"curved; slope {p:+.4f} and {s_end:+.3f} at the {where} violate {req}"
                return Assessment(Verdict.FAIL, reason, p, text, fit)
            reason = f"curved; local slope {s_end:+.3f} at the {where} is not clearly {req}"
            return Assessment(Verdict.INCONCLUSIVE, reason, p, text, fit)
        if self._violation(p) <= 0:
            return Assessment(Verdict.PASS, f"slope {p:+.4f} ± {se:.2g} {req}", p, text, fit)
        if self._violation(p) > 3 * se:
            reason = f"slope {p:+.4f} ± {se:.2g} violates {req} by more than 3 se"
            return Assessment(Verdict.FAIL, reason, p, text, fit)
        reason = f"slope {p:+.4f} ± {se:.2g} violates {req} by less than 3 se"
        return Assessment(Verdict.INCONCLUSIVE, reason, p, text, fit)


@dataclass(frozen=True)
class CIContains(Rule):
    """The measurement's :class:`Estimate` interval contains ``value``.

    Parameters
    ----------
    value : float
        The exact value of the statistic (e.g. 1 for a ratio to an exact formula).
    max_width : float, optional
        An interval wider than this cannot confirm the claim: INCONCLUSIVE (it can still
        refute it).

    Examples
    --------
    >>> from sciml.validation.registry import Estimate, Measurement
    >>> m = Measurement([1.0], [1.0], estimate=Estimate("ratio", 1.02, 0.97, 1.07))
    >>> CIContains(1.0).assess(m).verdict.name, CIContains(1.1).assess(m).verdict.name
    ('PASS', 'FAIL')
    """

    value: float
    max_width: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "value", _check_number(self.value, "value"))
        if self.max_width is not None:
            width = _check_number(self.max_width, "max_width", positive=True)
            object.__setattr__(self, "max_width", width)

    def describe(self) -> str:
        return f"CI ∋ {self.value:g}"

    def assess(self, measurement, *, scale="loglog", floor=0.0, expected_curve=None):
        est = measurement.estimate
        if est is None:
            raise RuleError(
                explain(
                    "CIContains needs a measurement with an estimate",
                    expected="Measurement(..., estimate=Estimate(...))",
                    received="estimate=None",
                    fix="compute the statistic and its interval in the case's run "
                    "(e.g. with sciml.validation.bootstrap_ci)",
                )
            )
        text = f"{est.value:.4g} [{est.low:.4g}, {est.high:.4g}]"
        pct = f"{100 * est.level:g}% CI"
        if not all(np.isfinite([est.value, est.low, est.high])):
            return Assessment(Verdict.FAIL, f"{est.name} is not finite", est.value, text)
        if not est.contains(self.value):
            reason = f"{pct} of {est.name} = {text} excludes {self.value:g}"
            return Assessment(Verdict.FAIL, reason, est.value, text)
        if self.max_width is not None and est.high - est.low > self.max_width:
            reason = f"{pct} of {est.name} is wider than {self.max_width:g}: add replicates"
            return Assessment(Verdict.INCONCLUSIVE, reason, est.value, text)
        reason = f"{pct} of {est.name} = {text} contains {self.value:g}"
        return Assessment(Verdict.PASS, reason, est.value, text)


@dataclass(frozen=True)
class ExactCurve(Rule):
    """Errors follow a known exact finite-``x`` curve within a relative tolerance.

    The curve is the case's ``expected_curve``. Observed statistic: the largest relative
    deviation ``max |y / c(x) - 1|`` over the levels.

    Parameters
    ----------
    rtol : float
        Allowed relative deviation per level.

    Notes
    -----
    Without per-level intervals the rule is a plain tolerance test. With intervals
    (``y_low``, ``y_high``) a level deviating by more than ``rtol`` FAILs only if its
    interval excludes the curve, and any interval wider than ``2 rtol`` (relative) makes
    the verdict INCONCLUSIVE: such data cannot resolve the tolerance.

    Examples
    --------
    >>> from sciml.validation.registry import Measurement
    >>> n = 2.0 ** np.arange(6, 11)
    >>> rule = ExactCurve(0.05)
    >>> rule.assess(Measurement(n, 1.01 / n), expected_curve=lambda x: 1 / x).verdict.name
    'PASS'
    """

    rtol: float

    def __post_init__(self):
        object.__setattr__(self, "rtol", _check_number(self.rtol, "rtol", positive=True))

    def describe(self) -> str:
        return f"exact curve ± {100 * self.rtol:g}%"

    def assess(self, measurement, *, scale="loglog", floor=0.0, expected_curve=None):
        if expected_curve is None:
            raise RuleError(
                explain(
                    "ExactCurve needs the exact error curve",
                    expected="a case with expected_curve=callable(x) -> y",
                    received="expected_curve=None",
                    fix="give the case its exact finite-x curve, or use a slope rule",
                )
            )
        x, y = measurement.x, measurement.y
        curve = np.asarray(expected_curve(x), dtype=np.float64).reshape(x.shape)
        if not np.all(np.isfinite(y)):
            bad = int((~np.isfinite(y)).sum())
            return Assessment(Verdict.FAIL, f"{bad} levels gave non-finite errors")
        dev = np.abs(y / curve - 1.0)
        worst = float(dev.max())
        i = int(dev.argmax())
        text = f"max dev {100 * worst:.3g}%"
        at = f"{100 * worst:.3g}% at x={x[i]:g}"
        if measurement.y_low is None:
            verdict = Verdict.PASS if worst <= self.rtol else Verdict.FAIL
            return Assessment(verdict, f"largest deviation {at} (rtol {self.rtol:g})", worst, text)
        inside = (measurement.y_low <= curve) & (curve <= measurement.y_high)
        beyond = dev > self.rtol
        if np.any(beyond & ~inside):
            j = int(np.flatnonzero(beyond & ~inside)[0])
            reason = f"level x={x[j]:g} deviates {100 * dev[j]:.3g}% and its CI excludes the curve"
            return Assessment(Verdict.FAIL, reason, worst, text)
        half_width = (measurement.y_high - measurement.y_low) / (2.0 * curve)
        if np.any(beyond) or np.any(half_width > self.rtol):
            reason = f"intervals up to ±{100 * half_width.max():.3g}% cannot resolve rtol"
            return Assessment(Verdict.INCONCLUSIVE, reason, worst, text)
        reason = f"largest deviation {at} within rtol {self.rtol:g}"
        return Assessment(Verdict.PASS, reason, worst, text)


@dataclass(frozen=True)
class BelowTolerance(Rule):
    """Every error is at most ``threshold``: exactness claims (e.g. spectral resampling of
    band-limited data at rounding level).

    Examples
    --------
    >>> from sciml.validation.registry import Measurement
    >>> BelowTolerance(1e-13).assess(Measurement([8, 16], [3e-16, 0.0])).verdict.name
    'PASS'
    """

    threshold: float

    def __post_init__(self):
        value = _check_number(self.threshold, "threshold", positive=True)
        object.__setattr__(self, "threshold", value)

    def describe(self) -> str:
        return f"max ≤ {self.threshold:.2g}"

    def assess(self, measurement, *, scale="loglog", floor=0.0, expected_curve=None):
        y = measurement.y
        if not np.all(np.isfinite(y)):
            bad = int((~np.isfinite(y)).sum())
            return Assessment(Verdict.FAIL, f"{bad} levels gave non-finite errors")
        worst = float(y.max())
        at = measurement.x[int(y.argmax())]
        text = f"max {worst:.4g}"
        if worst <= self.threshold:
            reason = f"largest error {worst:.2g} (x={at:g}) <= {self.threshold:.2g}"
            return Assessment(Verdict.PASS, reason, worst, text)
        reason = f"error {worst:.2g} at x={at:g} exceeds {self.threshold:.2g}"
        return Assessment(Verdict.FAIL, reason, worst, text)


_SEVERITY = {Verdict.PASS: 0, Verdict.INCONCLUSIVE: 1, Verdict.FAIL: 2}


@dataclass(frozen=True, init=False)
class AllOf(Rule):
    """Several rules on one measurement: FAIL if any FAILs, INCONCLUSIVE if any is, else
    PASS.

    Examples
    --------
    >>> rule = AllOf(TwoSidedSlope(-0.5, 0.05), CIContains(1.0))
    >>> rule.describe(), rule.expected_slope
    ('-0.5 ± 0.05 and CI ∋ 1', -0.5)
    """

    rules: tuple[Rule, ...]

    def __init__(self, *rules: Rule):
        if not rules or not all(isinstance(r, Rule) for r in rules):
            raise RuleError(
                explain(
                    "AllOf combines rules",
                    expected="one or more Rule objects",
                    received=repr(rules),
                    fix="pass rules positionally: AllOf(TwoSidedSlope(...), CIContains(...))",
                )
            )
        object.__setattr__(self, "rules", tuple(rules))

    @property
    def expected_slope(self) -> float | None:
        return next((r.expected_slope for r in self.rules if r.expected_slope is not None), None)

    def describe(self) -> str:
        return " and ".join(r.describe() for r in self.rules)

    def assess(self, measurement, *, scale="loglog", floor=0.0, expected_curve=None):
        parts = [
            r.assess(measurement, scale=scale, floor=floor, expected_curve=expected_curve)
            for r in self.rules
        ]
        worst = max(parts, key=lambda a: _SEVERITY[a.verdict])
        fit = next((a.fit for a in parts if a.fit is not None), None)
        text = "; ".join(a.observed_text for a in parts)
        reason = "; ".join(f"{a.verdict.value}: {a.reason}" for a in parts)
        return Assessment(worst.verdict, reason, parts[0].observed, text, fit)
