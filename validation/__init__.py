"""Numerical validation: claims with their broken variants, rate fits, verdicts, reports.

A :class:`Case` states a rate or exactness claim, measures it (:class:`Measurement`) and
judges it with a rule (:class:`TwoSidedSlope`, :class:`OneSidedSlope`, :class:`CIContains`,
:class:`ExactCurve`, :class:`BelowTolerance`, :class:`AllOf`). :func:`run_cases` runs the
claims and their negative controls; :func:`print_table` and :func:`write_report` report.
The command line is ``sciml validate``.

Examples
--------
>>> from sciml.validation import cases, run_cases
>>> run = run_cases(cases("fast", only="core.trapezoid"))
>>> run.ok
True
"""

# Importing the subpackage of built-in claims registers them. It also binds the name
# ``cases`` on this package to that subpackage; the import of the function ``cases`` below
# rebinds it, so ``sciml.validation.cases`` is the selection function. Reach the claim
# modules with ``from sciml.validation.cases import core``.
from . import cases as _builtin_claims  # noqa: F401  (must stay first)
from .convergence import SlopeFit, bootstrap_ci, fit_slope
from .registry import (
    REGISTRY,
    Case,
    Estimate,
    Measurement,
    Registry,
    RegistryError,
    cases,
    get_case,
    register,
)
from .report import print_table, summary_dict, write_report
from .rules import (
    AllOf,
    Assessment,
    BelowTolerance,
    CIContains,
    ExactCurve,
    OneSidedSlope,
    Rule,
    RuleError,
    TwoSidedSlope,
    Verdict,
)
from .runner import CaseResult, Outcome, RunResult, case_seed, run_case, run_cases

__all__ = [
    "AllOf",
    "Assessment",
    "BelowTolerance",
    "CIContains",
    "Case",
    "CaseResult",
    "Estimate",
    "ExactCurve",
    "Measurement",
    "OneSidedSlope",
    "Outcome",
    "REGISTRY",
    "Registry",
    "RegistryError",
    "Rule",
    "RuleError",
    "RunResult",
    "SlopeFit",
    "TwoSidedSlope",
    "Verdict",
    "bootstrap_ci",
    "case_seed",
    "cases",
    "fit_slope",
    "get_case",
    "print_table",
    "register",
    "run_case",
    "run_cases",
    "summary_dict",
    "write_report",
]
