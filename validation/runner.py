"""Run claims and their negative controls, with stable seeds, timings and an exit policy.

Policy: a run fails when any claim is FAIL or ERROR, or when any broken variant does not
FAIL (a negative control that passes, is inconclusive or crashes proves nothing).
INCONCLUSIVE claims are reported and do not fail the run.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .convergence import SlopeFit, fit_slope
from .registry import Case, Measurement
from .rules import Assessment, Verdict

__all__ = ["Outcome", "CaseResult", "RunResult", "case_seed", "run_case", "run_cases"]

DEFAULT_SEED = 0


def case_seed(root_seed: int, name: str) -> np.random.SeedSequence:
    """The seed of case ``name`` under ``root_seed``: stable across runs and platforms.

    Built from ``root_seed`` and a BLAKE2b digest of the name (Python's ``hash`` is salted
    per process, so it would change between runs).

    Examples
    --------
    >>> name = "core.trapezoid.order"
    >>> a, b = case_seed(0, name).generate_state(2), case_seed(0, name).generate_state(2)
    >>> c = case_seed(1, name).generate_state(2)
    >>> bool((a == b).all()), bool((a == c).all())
    (True, False)
    """
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    words = np.frombuffer(digest, dtype="<u4").tolist()
    return np.random.SeedSequence([int(root_seed), *words])


@dataclass(frozen=True, eq=False)
class Outcome:
    """One variant (the claim or its broken control) of one case, run and judged.

    Attributes
    ----------
    variant : {"claim", "broken"}
    assessment : Assessment
        ``verdict`` is ERROR when the run or the rule raised.
    measurement : Measurement or None
        None when the run raised.
    fit : SlopeFit or None
        The slope fit of the measurement (computed for every rule, for reports).
    seconds : float
    error : str or None
        The formatted traceback of an ERROR.
    """

    variant: str
    assessment: Assessment
    measurement: Measurement | None
    fit: SlopeFit | None
    seconds: float
    error: str | None = None

    @property
    def verdict(self) -> Verdict:
        return self.assessment.verdict


@dataclass(frozen=True, eq=False)
class CaseResult:
    """A case's claim and broken-variant outcomes."""

    case: Case
    root_seed: int
    claim: Outcome
    broken: Outcome

    @property
    def claim_ok(self) -> bool:
        """The claim is PASS or INCONCLUSIVE (INCONCLUSIVE is reported, not fatal)."""
        return self.claim.verdict in (Verdict.PASS, Verdict.INCONCLUSIVE)

    @property
    def broken_ok(self) -> bool:
        """The broken variant FAILs, as a negative control must."""
        return self.broken.verdict is Verdict.FAIL

    @property
    def ok(self) -> bool:
        """Both the claim and its negative control behave as required."""
        return self.claim_ok and self.broken_ok

    @property
    def seconds(self) -> float:
        return self.claim.seconds + self.broken.seconds


@dataclass(frozen=True, eq=False)
class RunResult:
    """Every case of a run, with the run's exit status."""

    results: tuple[CaseResult, ...]
    root_seed: int
    tier: str
    seconds: float

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when the run passes the policy, 1 otherwise."""
        return 0 if self.ok else 1

    def counts(self, variant: str = "claim") -> dict[str, int]:
        """Number of outcomes per verdict for ``variant`` ("claim" or "broken")."""
        out = {v.value: 0 for v in Verdict}
        for r in self.results:
            out[getattr(r, variant).verdict.value] += 1
        return out


def _run_variant(case: Case, variant: str, root_seed: int) -> Outcome:
    fn = case.run if variant == "claim" else case.broken
    start = time.perf_counter()
    measurement = fit = None
    try:
        measurement = fn(case_seed(root_seed, case.name))
        if not isinstance(measurement, Measurement):
            raise TypeError(
                f"{case.name} ({variant}) returned {type(measurement).__name__}: expected a "
                "Measurement. Fix: return Measurement(x, y, ...) from the run function."
            )
        assessment = case.judge(measurement)
        fit = assessment.fit or fit_slope(
            measurement.x, measurement.y, scale=case.scale, floor=float(case.floor)
        )
    except Exception as exc:  # a crashing case is reported, never fatal to the run
        seconds = time.perf_counter() - start
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        assessment = Assessment(Verdict.ERROR, reason)
        return Outcome(variant, assessment, measurement, None, seconds, traceback.format_exc())
    return Outcome(variant, assessment, measurement, fit, time.perf_counter() - start)


def run_case(case: Case, root_seed: int = DEFAULT_SEED) -> CaseResult:
    """Run and judge a case's claim and its broken variant (both from the same seed)."""
    claim = _run_variant(case, "claim", root_seed)
    broken = _run_variant(case, "broken", root_seed)
    return CaseResult(case, int(root_seed), claim, broken)


def run_cases(
    cases: Iterable[Case],
    *,
    seed: int = DEFAULT_SEED,
    tier: str = "custom",
    on_result: Callable[[CaseResult], None] | None = None,
) -> RunResult:
    """Run every case; ``on_result`` is called after each (for progress output).

    Examples
    --------
    >>> from sciml.validation import cases
    >>> run = run_cases(cases("fast", only="core.trapezoid"))
    >>> run.exit_code, run.results[0].claim.verdict.name, run.results[0].broken.verdict.name
    (0, 'PASS', 'FAIL')
    """
    start = time.perf_counter()
    results = []
    for case in cases:
        result = run_case(case, seed)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return RunResult(tuple(results), int(seed), tier, time.perf_counter() - start)
