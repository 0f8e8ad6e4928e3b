"""Claims as data: a :class:`Case` states a rate or exactness property, how to measure it,
how to judge the measurement, and a deliberately broken variant that must fail.

A case's ``run`` returns a :class:`Measurement` (levels ``x`` and errors ``y``, optionally
per-level confidence intervals and a scalar :class:`Estimate` with a confidence interval);
its ``rule`` turns the measurement into a verdict (see :mod:`sciml.validation.rules`).

Cases are collected in a :class:`Registry`. The module-level registry holds the package's
own claims; :func:`register` adds to it and :func:`cases` selects from it (loading the
built-in claims in ``sciml.validation.cases`` first).
"""

from __future__ import annotations

import fnmatch
import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from sciml.core.errors import SciMLError, explain

from .rules import Assessment, Rule

__all__ = [
    "Case",
    "Estimate",
    "Measurement",
    "Registry",
    "RegistryError",
    "REGISTRY",
    "TIERS",
    "SCALES",
    "register",
    "cases",
    "get_case",
]

TIERS = ("fast", "slow", "gpu")
SCALES = ("loglog", "semilogy")
_EPS = float(np.finfo(np.float64).eps)
_NAME = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


class RegistryError(SciMLError, ValueError):
    """A case is malformed, registered twice, or a selection is invalid."""


def _array(values, name: str, length: int | None = None) -> np.ndarray:
    arr = None if values is None else np.array(values, dtype=np.float64)
    if arr is None or arr.ndim != 1 or arr.size < 1 or (length is not None and arr.size != length):
        want = "a non-empty 1-D array" if length is None else f"{length} values (one per level)"
        got = "None" if values is None else f"shape {np.shape(values)}"
        raise RegistryError(
            explain(
                f"measurement field {name} has the wrong shape",
                expected=want,
                received=got,
                fix="return one value per level from the case's run function",
            )
        )
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class Estimate:
    """A scalar statistic with a confidence interval (e.g. a bootstrap of replicates).

    Parameters
    ----------
    name : str
        What the statistic is, e.g. ``"n*MSE/(vol^2 Var f)"``.
    value, low, high : float
        Point estimate and the interval ``[low, high]``.
    level : float
        Confidence level of the interval, in (0, 1).

    Examples
    --------
    >>> Estimate("ratio", 1.01, 0.95, 1.07, 0.99).contains(1.0)
    True
    """

    name: str
    value: float
    low: float
    high: float
    level: float = 0.95

    def __post_init__(self):
        for key in ("value", "low", "high", "level"):
            object.__setattr__(self, key, float(getattr(self, key)))
        if not self.low <= self.high or not 0.0 < self.level < 1.0:
            raise RegistryError(
                explain(
                    "an estimate needs low <= high and a level in (0, 1)",
                    expected="low <= high, 0 < level < 1",
                    received=f"low={self.low}, high={self.high}, level={self.level}",
                    fix="pass the interval endpoints in order",
                )
            )

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in ``[low, high]``."""
        return self.low <= value <= self.high


@dataclass(frozen=True, eq=False)
class Measurement:
    """What a case's ``run`` returns: errors ``y`` at levels ``x``.

    Parameters
    ----------
    x : array_like of shape (L,)
        The levels (``h``, ``n``, ...), in any order.
    y : array_like of shape (L,)
        The error at each level (non-negative; a stochastic claim reports e.g. the RMSE
        over replicates).
    y_low, y_high : array_like of shape (L,), optional
        A per-level confidence interval of ``y`` (error bars, :class:`ExactCurve`).
    estimate : Estimate, optional
        A scalar statistic with a confidence interval (:class:`CIContains`).
    replicates : int, optional
        Number of independent replicates per level, for stochastic claims.

    Examples
    --------
    >>> m = Measurement([0.5, 0.25], [1e-2, 2.5e-3])
    >>> m.levels
    2
    """

    x: np.ndarray
    y: np.ndarray
    y_low: np.ndarray | None = None
    y_high: np.ndarray | None = None
    estimate: Estimate | None = None
    replicates: int | None = None

    def __post_init__(self):
        x = _array(self.x, "x")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", _array(self.y, "y", x.size))
        if (self.y_low is None) != (self.y_high is None):
            raise RegistryError(
                explain(
                    "per-level intervals need both ends",
                    expected="y_low and y_high together",
                    received=f"y_low={'set' if self.y_low is not None else None}, "
                    f"y_high={'set' if self.y_high is not None else None}",
                    fix="pass both or neither",
                )
            )
        if self.y_low is not None:
            object.__setattr__(self, "y_low", _array(self.y_low, "y_low", x.size))
            object.__setattr__(self, "y_high", _array(self.y_high, "y_high", x.size))
        if self.estimate is not None and not isinstance(self.estimate, Estimate):
            raise RegistryError(
                explain(
                    "measurement estimate has the wrong type",
                    expected="an Estimate",
                    received=type(self.estimate).__name__,
                    fix="wrap the statistic as Estimate(name, value, low, high, level)",
                )
            )

    @property
    def levels(self) -> int:
        """Number of levels L."""
        return int(self.x.size)


RunFn = Callable[[np.random.SeedSequence], Measurement]


@dataclass(frozen=True, eq=False)
class Case:
    """A numerically checkable claim and its negative control.

    Parameters
    ----------
    name : str
        Dotted, lower case, unique, e.g. ``"core.trapezoid.order"``.
    statement : str
        The claim in one sentence.
    source : str
        Where the claim comes from (a citation).
    variable : str
        Name of the level variable ``x`` (``"h"``, ``"n"``).
    scale : {"loglog", "semilogy"}
        Fit ``log y`` against ``log x`` (algebraic rates) or against ``x`` (geometric).
    rule : Rule
        How a measurement is judged (:mod:`sciml.validation.rules`).
    run : callable
        ``run(seed: numpy.random.SeedSequence) -> Measurement``. Stochastic cases spawn one
        generator per level from ``seed``; deterministic ones ignore it.
    broken : callable
        Same signature: a deliberately broken variant whose verdict must be FAIL.
    tier : {"fast", "slow", "gpu"}
        ``fast`` runs in CI (all fast cases together well under 30 s on a CPU).
    expected : float, optional
        The expected slope (drawn as a reference line). Defaults to the rule's.
    expected_curve : callable, optional
        ``x -> y``: the exact finite-``x`` error curve, when one is known.
    floor : float, optional
        Levels with ``y < floor`` are dropped from slope fits (rounding dominates there).
        Default ``1e3 * eps * magnitude``.
    magnitude : float
        Size of the quantity whose error is measured (scales the default floor).

    Examples
    --------
    >>> from sciml.validation.rules import TwoSidedSlope
    >>> def run(seed):
    ...     h = 2.0 ** -np.arange(2, 8)
    ...     return Measurement(h, h**2)
    >>> case = Case("demo.square.order", "h^2 is second order.", "algebra", "h", "loglog",
    ...             TwoSidedSlope(2.0, 0.1), run=run, broken=lambda s: Measurement([1, 2], [1, 1]))
    >>> case.expected, case.judge(run(None)).verdict.name
    (2.0, 'PASS')
    """

    name: str
    statement: str
    source: str
    variable: str
    scale: str
    rule: Rule
    run: RunFn
    broken: RunFn
    tier: str = "fast"
    expected: float | None = None
    expected_curve: Callable[[np.ndarray], np.ndarray] | None = None
    floor: float | None = None
    magnitude: float = 1.0

    def __post_init__(self):
        problems = []
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            problems.append(("name", "dotted lower-case words like 'core.trapezoid.order'"))
        if self.scale not in SCALES:
            problems.append(("scale", " | ".join(SCALES)))
        if self.tier not in TIERS:
            problems.append(("tier", " | ".join(TIERS)))
        if not isinstance(self.rule, Rule):
            problems.append(("rule", "a Rule from sciml.validation.rules"))
        for key in ("run", "broken"):
            if not callable(getattr(self, key)):
                problems.append((key, "a callable seed -> Measurement"))
        for key in ("statement", "source", "variable"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key).strip():
                problems.append((key, "a non-empty string"))
        if problems:
            key, want = problems[0]
            raise RegistryError(
                explain(
                    f"case {self.name!r} has an invalid {key}",
                    expected=want,
                    received=repr(getattr(self, key)),
                    fix="correct the field in the case's definition",
                )
            )
        declared = self.rule.expected_slope
        if self.expected is None:
            object.__setattr__(self, "expected", declared)
        elif declared is not None and not np.isclose(self.expected, declared):
            raise RegistryError(
                explain(
                    f"case {self.name!r} declares two expected slopes",
                    expected=f"expected == rule's slope {declared}",
                    received=f"expected={self.expected}",
                    fix="omit expected (it defaults to the rule's slope)",
                )
            )
        if self.floor is None:
            object.__setattr__(self, "floor", 1e3 * _EPS * float(self.magnitude))

    def judge(self, measurement: Measurement) -> Assessment:
        """Apply the case's rule to a measurement."""
        return self.rule.assess(
            measurement,
            scale=self.scale,
            floor=float(self.floor),
            expected_curve=self.expected_curve,
        )


class Registry:
    """An ordered collection of uniquely named cases.

    Examples
    --------
    >>> reg = Registry()
    >>> len(reg), "x.y" in reg
    (0, False)
    """

    def __init__(self):
        self._cases: dict[str, Case] = {}

    def add(self, case: Case) -> Case:
        """Add ``case``; raise :class:`RegistryError` if its name is taken."""
        if not isinstance(case, Case):
            raise RegistryError(
                explain(
                    "only Case objects can be registered",
                    expected="a Case",
                    received=type(case).__name__,
                    fix="build a Case(...) or use @register(name=..., ...) on the run function",
                )
            )
        if case.name in self._cases:
            raise RegistryError(
                explain(
                    f"a case named {case.name!r} is already registered",
                    expected="a unique name",
                    received=f"a second definition of {case.name!r}",
                    fix="rename one of the two cases (names are dotted: area.method.claim)",
                )
            )
        self._cases[case.name] = case
        return case

    def register(self, case: Case | None = None, /, **fields):
        """Register a :class:`Case`, or decorate a run function with the case's fields.

        ``registry.register(Case(...))`` adds and returns the case;
        ``@registry.register(name=..., statement=..., ..., broken=fn)`` on a function
        builds the case with ``run=`` that function, adds it, and returns the function.
        """
        if case is not None:
            if fields:
                raise RegistryError(
                    explain(
                        "register takes a Case or keyword fields, not both",
                        expected="register(case) or register(name=..., ...)",
                        received=f"a Case and fields {sorted(fields)}",
                        fix="put every field into the Case",
                    )
                )
            return self.add(case)

        def decorate(run: RunFn) -> RunFn:
            self.add(Case(run=run, **fields))
            return run

        return decorate

    def get(self, name: str) -> Case:
        """The case called ``name``."""
        try:
            return self._cases[name]
        except KeyError:
            raise RegistryError(
                explain(
                    f"no case named {name!r}",
                    expected="a registered name",
                    received=repr(name),
                    fix=f"pick one of {sorted(self._cases)}",
                )
            ) from None

    def select(
        self, tier: str = "fast", only: Sequence[str] | str | None = None
    ) -> tuple[Case, ...]:
        """Cases of a tier whose names match any of the ``only`` patterns.

        Parameters
        ----------
        tier : {"fast", "slow", "gpu", "all"}
            ``"all"`` is fast + slow, plus gpu when ``torch.cuda.is_available()``.
        only : str or sequence of str, optional
            ``fnmatch`` patterns; a pattern without ``*?[`` matches as a substring.
        """
        tiers = _tiers(tier)
        patterns = [only] if isinstance(only, str) else list(only or [])
        return tuple(
            c
            for c in self._cases.values()
            if c.tier in tiers and (not patterns or any(_matches(c.name, p) for p in patterns))
        )

    def __iter__(self):
        return iter(self._cases.values())

    def __len__(self) -> int:
        return len(self._cases)

    def __contains__(self, name: object) -> bool:
        return name in self._cases


def _tiers(tier: str) -> tuple[str, ...]:
    if tier in TIERS:
        return (tier,)
    if tier == "all":
        import torch

        return ("fast", "slow", "gpu") if torch.cuda.is_available() else ("fast", "slow")
    raise RegistryError(
        explain(
            "unknown tier",
            expected=" | ".join((*TIERS, "all")),
            received=repr(tier),
            fix="pass tier='fast', 'slow', 'gpu' or 'all'",
        )
    )


def _matches(name: str, pattern: str) -> bool:
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern in name


REGISTRY = Registry()
"""The package's claims (built-ins are added by importing ``sciml.validation.cases``)."""

register = REGISTRY.register


def load_builtin() -> None:
    """Import ``sciml.validation.cases`` so the built-in claims are registered."""
    importlib.import_module("sciml.validation.cases")


def cases(tier: str = "fast", only: Iterable[str] | str | None = None) -> tuple[Case, ...]:
    """The registered claims of ``tier`` (built-ins included) matching ``only``.

    Examples
    --------
    >>> [c.name for c in cases("fast", only="core.trapezoid")]
    ['core.trapezoid.order']
    """
    load_builtin()
    return REGISTRY.select(tier, only)


def get_case(name: str) -> Case:
    """The registered claim called ``name`` (built-ins included)."""
    load_builtin()
    return REGISTRY.get(name)
