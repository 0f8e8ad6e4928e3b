"""Every built-in fast-tier claim PASSes over at least five levels, every broken variant
FAILs, and the whole tier stays within its budget."""

import pytest

from sciml.validation import Verdict, cases

NAMES = [c.name for c in cases("fast")]


@pytest.mark.parametrize("name", NAMES)
def test_claim_passes_and_broken_variant_fails(fast_results, name):
    claim, broken = fast_results[name].claim, fast_results[name].broken
    assert claim.verdict is Verdict.PASS, f"{claim.assessment.reason}\n{claim.error or ''}"
    assert broken.verdict is Verdict.FAIL, f"{broken.assessment.reason}\n{broken.error or ''}"
    assert claim.measurement.levels >= 5


def test_fast_tier_runs_in_under_two_minutes(fast_run):
    """About 26 CPU seconds here; the bound is the budget the tier is held to."""
    run, cpu_seconds = fast_run
    assert cpu_seconds < 120.0
    assert run.exit_code == 0
