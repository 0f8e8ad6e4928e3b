"""Report files: summary.json, summary.md, one valid PNG per claim, written atomically."""

import io
import json

import numpy as np
import pytest
from rich.console import Console

from sciml.validation import (
    BelowTolerance,
    Case,
    Estimate,
    Measurement,
    TwoSidedSlope,
    print_table,
    run_cases,
    write_report,
)
from sciml.validation.rules import AllOf, CIContains

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
N = 2.0 ** np.arange(4, 10)


def _case(name, scale, rule, run, broken, **kw):
    return Case(
        name=name,
        statement=f"{name} demo claim.",
        source="test",
        variable="n",
        scale=scale,
        rule=rule,
        run=run,
        broken=broken,
        **kw,
    )


def _mc(seed):
    y = N**-0.5
    est = Estimate("ratio", 1.0, 0.95, 1.05)
    return Measurement(N, y, 0.9 * y, 1.1 * y, est, replicates=100)


@pytest.fixture(scope="module")
def run():
    cases = [
        _case(
            "demo.algebraic.rate",
            "loglog",
            AllOf(TwoSidedSlope(-0.5, 0.05), CIContains(1.0)),
            _mc,
            lambda s: Measurement(N, np.ones_like(N), estimate=Estimate("ratio", 9, 8, 10)),
            expected_curve=lambda n: np.asarray(n, float) ** -0.5,
        ),
        _case(
            "demo.geometric.rate",
            "semilogy",
            TwoSidedSlope(-0.4, 0.04),
            lambda s: Measurement(N / 4, np.exp(-0.4 * N / 4) + 1e-16),  # floored tail
            lambda s: Measurement(N / 4, (N / 4) ** -2.0),
        ),
        _case(
            "demo.exact.value",
            "loglog",
            BelowTolerance(1e-13),
            lambda s: Measurement(N, np.r_[0.0, 1e-16, 2e-16, 0.0, 1e-16, 3e-16]),
            lambda s: Measurement(N, N**-2.0),
        ),
        _case("demo.crash.claim", "loglog", TwoSidedSlope(1.0, 0.1), _crash, _crash),
    ]
    return run_cases(cases, seed=3, tier="fast")


def _crash(seed):
    raise RuntimeError("boom")


@pytest.fixture(scope="module")
def report(run, tmp_path_factory):
    """The report folder, written once (figures take a moment)."""
    out = tmp_path_factory.mktemp("validation") / "nested" / "report"
    return out, write_report(run, out)


def test_report_files_are_written(run, report):
    out, written = report
    names = sorted(p.name for p in written)
    assert names == sorted(
        ["summary.json", "summary.md"] + [f"{r.case.name}.png" for r in run.results]
    )
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # no temp leftovers
    for r in run.results:
        data = (out / f"{r.case.name}.png").read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        assert len(data) > 10_000  # a real figure, not an empty canvas


def test_summary_json_holds_every_field(run, report):
    summary = json.loads((report[0] / "summary.json").read_text())
    assert summary["root_seed"] == 3 and summary["exit_code"] == 1 and not summary["ok"]
    by_name = {c["name"]: c for c in summary["cases"]}
    assert set(by_name) == {r.case.name for r in run.results}
    alg = by_name["demo.algebraic.rate"]
    assert alg["claim"]["verdict"] == "PASS" and alg["broken"]["verdict"] == "FAIL"
    assert alg["claim"]["measurement"]["x"] == N.tolist()
    assert alg["claim"]["measurement"]["estimate"]["low"] == 0.95
    assert alg["claim"]["fit"]["slope"] == pytest.approx(-0.5)
    assert alg["rule"]["rule"] == "AllOf" and len(alg["rule"]["rules"]) == 2
    geo = by_name["demo.geometric.rate"]
    assert geo["claim"]["fit"]["n_dropped"] > 0 and geo["claim"]["verdict"] == "PASS"
    crash = by_name["demo.crash.claim"]
    assert crash["claim"]["verdict"] == "ERROR" and "boom" in crash["claim"]["error"]
    assert crash["claim"]["measurement"] is None


def test_summary_markdown_lists_every_claim(run, report):
    md = (report[0] / "summary.md").read_text()
    for r in run.results:
        assert f"`{r.case.name}`" in md and f"({r.case.name}.png)" in md
    assert "observed slope ± se" in md and "-0.5000 ± " in md
    assert "**Result: FAILED**" in md and "(must FAIL)" in md


def test_writing_into_a_file_is_refused(run, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("keep me")
    with pytest.raises(NotADirectoryError, match="Fix"):
        write_report(run, target)
    assert target.read_text() == "keep me"


def test_rewriting_replaces_files(run, report):
    out = report[0]
    (out / "summary.md").write_text("stale")
    write_report(run, out)
    assert (out / "summary.md").read_text().startswith("# sciml validation report")
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_table_shows_claims_verdicts_and_reasons(run):
    buf = io.StringIO()
    print_table(run, Console(file=buf, width=200, color_system=None))
    text = buf.getvalue()
    for r in run.results:
        assert r.case.name in text
    assert "ERROR" in text and "boom" in text and "FAILED" in text
