"""Reports of a validation run: a rich table on the console, and in a folder
``summary.json`` (every field, levels and errors included), ``summary.md`` (a table for
people) and one ``<claim>.png`` per claim. Every file is written atomically: to a
temporary file in the same folder, then ``os.replace``.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import platform
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from .convergence import SlopeFit
from .registry import Case
from .rules import AllOf, BelowTolerance, Rule, Verdict
from .runner import CaseResult, Outcome, RunResult

__all__ = ["print_table", "summary_dict", "summary_markdown", "figure_for", "write_report"]

_STYLE = {
    Verdict.PASS: "bold green",
    Verdict.FAIL: "bold red",
    Verdict.INCONCLUSIVE: "bold yellow",
    Verdict.ERROR: "bold white on red",
}


def _num(v):
    """A JSON-safe number: NaN and infinities become None."""
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def _list(a):
    return None if a is None else [_num(t) for t in np.asarray(a, dtype=float).tolist()]


def _describe(fn) -> str:
    """First paragraph of a function's docstring, on one line."""
    doc = inspect.getdoc(fn) or ""
    return " ".join(doc.split("\n\n")[0].split()).replace("``", "")


def _slope_se(fit: SlopeFit | None) -> str:
    if fit is None or not np.isfinite(fit.slope):
        return "—"
    se = f"{fit.se:.2g}" if np.isfinite(fit.se) else "n/a"
    return f"{fit.slope:+.4f} ± {se}"


# --------------------------------------------------------------------------- JSON
def _outcome_dict(o: Outcome) -> dict:
    m = o.measurement
    measurement = None
    if m is not None:
        est = m.estimate
        measurement = {
            "x": _list(m.x),
            "y": _list(m.y),
            "y_low": _list(m.y_low),
            "y_high": _list(m.y_high),
            "replicates": m.replicates,
            "estimate": None
            if est is None
            else {
                "name": est.name,
                "value": _num(est.value),
                "low": _num(est.low),
                "high": _num(est.high),
                "level": est.level,
            },
        }
    a = o.assessment
    return {
        "verdict": a.verdict.value,
        "reason": a.reason,
        "observed": _num(a.observed),
        "observed_text": a.observed_text,
        "seconds": o.seconds,
        "measurement": measurement,
        "fit": None if o.fit is None else o.fit.to_dict(),
        "error": o.error,
    }


def _rule_dict(rule: Rule) -> dict:
    return json.loads(json.dumps(rule.to_dict(), default=str))


def summary_dict(run: RunResult) -> dict:
    """Everything about a run as plain Python (what ``summary.json`` holds)."""
    import torch

    # the root package is loaded (it is this package's parent); reading its version from
    # sys.modules keeps validation's imports to the layers it may use
    version = getattr(sys.modules.get("sciml"), "__version__", "unknown")
    cases = []
    for r in run.results:
        c = r.case
        cases.append(
            {
                "name": c.name,
                "statement": c.statement,
                "source": c.source,
                "variable": c.variable,
                "scale": c.scale,
                "tier": c.tier,
                "expected": _num(c.expected),
                "requirement": c.rule.describe(),
                "rule": _rule_dict(c.rule),
                "floor": _num(c.floor),
                "claim_description": _describe(c.run),
                "broken_description": _describe(c.broken),
                "ok": r.ok,
                "seconds": r.seconds,
                "figure": f"{c.name}.png",
                "claim": _outcome_dict(r.claim),
                "broken": _outcome_dict(r.broken),
            }
        )
    return {
        "schema": 1,
        "sciml_version": version,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "tier": run.tier,
        "root_seed": run.root_seed,
        "seconds": run.seconds,
        "ok": run.ok,
        "exit_code": run.exit_code,
        "counts": {"claim": run.counts("claim"), "broken": run.counts("broken")},
        "environment": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "torch": torch.__version__,
            "platform": platform.platform(),
        },
        "cases": cases,
    }


# --------------------------------------------------------------------------- markdown
def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _totals(run: RunResult) -> str:
    claims = run.counts("claim")
    broken_failed = run.counts("broken")[Verdict.FAIL.value]
    parts = ", ".join(f"{n} {k}" for k, n in claims.items() if n)
    return (
        f"Claims: {parts or 'none'}. Negative controls: {broken_failed} of "
        f"{len(run.results)} FAIL as required."
    )


def summary_markdown(run: RunResult) -> str:
    """The markdown report (what ``summary.md`` holds)."""
    status = "OK" if run.ok else "FAILED"
    lines = [
        "# sciml validation report",
        "",
        f"Tier `{run.tier}`, root seed {run.root_seed}, {len(run.results)} claims, "
        f"{run.seconds:.1f} s. **Result: {status}** (exit status {run.exit_code}).",
        "",
        _totals(run),
        "",
        "| claim | x | expected | observed slope ± se | tested statistic | verdict "
        "| broken variant | broken slope ± se | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in run.results:
        c = r.case
        lines.append(
            "| "
            + " | ".join(
                _cell(v)
                for v in (
                    f"`{c.name}`",
                    c.variable,
                    c.rule.describe(),
                    _slope_se(r.claim.fit),
                    r.claim.assessment.observed_text,
                    f"**{r.claim.verdict.value}**",
                    f"**{r.broken.verdict.value}**" + ("" if r.broken_ok else " (must FAIL)"),
                    _slope_se(r.broken.fit),
                    f"{r.seconds:.2f}",
                )
            )
            + " |"
        )
    for r in run.results:
        c = r.case
        lines += [
            "",
            f"## `{c.name}`",
            "",
            c.statement,
            "",
            f"*Source:* {c.source}",
            "",
            f"- claim: {_describe(c.run)} **{r.claim.verdict.value}**: {r.claim.assessment.reason}",
            f"- broken variant: {_describe(c.broken)} **{r.broken.verdict.value}**: "
            f"{r.broken.assessment.reason}",
            "",
            f"![{c.name}]({c.name}.png)",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- figures
def _thresholds(rule: Rule) -> list[float]:
    rules = rule.rules if isinstance(rule, AllOf) else (rule,)
    return [r.threshold for r in rules if isinstance(r, BelowTolerance)]


def _series(o: Outcome, label: str, color: str, marker: str, slopes: bool):
    """A plotted curve; without a slope claim (``slopes=False``) no level is "dropped"."""
    from sciml.plot import ConvergenceSeries

    m = o.measurement
    fit = o.fit if slopes else None
    line = (fit.slope, fit.intercept) if fit is not None and fit.ok else None
    return ConvergenceSeries(
        m.x,
        m.y,
        label,
        used=None if fit is None else fit.used,
        fit=line,
        y_low=m.y_low,
        y_high=m.y_high,
        color=color,
        marker=marker,
    )


def figure_for(result: CaseResult):
    """The claim and its broken variant: errors, fitted lines, expected slope, verdicts.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from sciml.plot import convergence_figure

    c: Case = result.case
    series = []
    if result.claim.measurement is not None:
        series.append(_series(result.claim, "claim", "tab:blue", "o", c.expected is not None))
    if result.broken.measurement is not None:
        series.append(_series(result.broken, "broken variant", "tab:red", "s", True))
    curve = None
    if c.expected_curve is not None and result.claim.measurement is not None:
        x = result.claim.measurement.x
        xs = (
            np.geomspace(x.min(), x.max(), 100)
            if c.scale == "loglog"
            else np.linspace(x.min(), x.max(), 100)
        )
        curve = (xs, np.asarray(c.expected_curve(xs), dtype=float), "exact error curve")
    ys = [np.asarray(s.y) for s in series]
    hlines = [(t, f"tolerance {t:.2g}") for t in _thresholds(c.rule)]
    if not hlines and any(np.any((y > 0) & (y < 10 * c.floor)) for y in ys):
        hlines.append((c.floor, f"rounding floor {c.floor:.2g}"))
    claim, broken = result.claim.assessment, result.broken.assessment
    title = f"{c.name}: {claim.verdict.value}   (broken variant: {broken.verdict.value})"
    subtitle = f"required {c.rule.describe()}; observed {claim.observed_text}"
    if not series:
        subtitle = f"no data: {claim.reason}"
    return convergence_figure(
        series,
        scale=c.scale,
        xlabel=c.variable,
        ylabel="error",
        title=title,
        subtitle=subtitle,
        reference_slope=c.expected,
        curve=curve,
        hlines=hlines,
    )


# --------------------------------------------------------------------------- files
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; match a plain open()
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_report(run: RunResult, out_dir) -> list[Path]:
    """Write ``summary.json``, ``summary.md`` and ``<claim>.png`` files into ``out_dir``.

    Parameters
    ----------
    run : RunResult
    out_dir : str or os.PathLike
        Created (with parents) if missing.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    NotADirectoryError
        If ``out_dir`` exists and is not a folder.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(
            f"report folder {str(out)!r} is a file: expected a folder (or a new path), "
            "received an existing file. Fix: pass another --out, or move the file."
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for r in run.results:
        fig = figure_for(r)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        path = out / f"{r.case.name}.png"
        _atomic_write(path, buf.getvalue())
        written.append(path)
    summary = json.dumps(summary_dict(run), indent=2, allow_nan=False)
    _atomic_write(out / "summary.json", (summary + "\n").encode("utf-8"))
    _atomic_write(out / "summary.md", summary_markdown(run).encode("utf-8"))
    return [out / "summary.json", out / "summary.md", *written]


# --------------------------------------------------------------------------- console
def print_table(run: RunResult, console=None) -> None:
    """Print the run as a table, then the reasons for anything not plainly PASS/FAIL."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=f"sciml validate: tier {run.tier}, seed {run.root_seed}")
    table.add_column("claim", style="cyan", no_wrap=True)
    table.add_column("x")
    table.add_column("expected")
    table.add_column("observed")
    table.add_column("verdict")
    table.add_column("broken variant")
    table.add_column("s", justify="right")
    for r in run.results:
        cv, bv = r.claim.verdict, r.broken.verdict
        broken = f"[{_STYLE[bv]}]{bv.value}[/]" + (" (ok)" if r.broken_ok else " (must FAIL)")
        table.add_row(
            r.case.name,
            r.case.variable,
            r.case.rule.describe(),
            r.claim.assessment.observed_text,
            f"[{_STYLE[cv]}]{cv.value}[/]",
            broken,
            f"{r.seconds:.2f}",
        )
    console.print(table)
    for r in run.results:
        for o in (r.claim, r.broken):
            expected = Verdict.FAIL if o.variant == "broken" else Verdict.PASS
            if o.verdict is not expected:
                console.print(
                    f"  {r.case.name} [{o.variant}] {o.verdict.value}: {o.assessment.reason}",
                    markup=False,
                )
    status = "[bold green]OK[/]" if run.ok else "[bold red]FAILED[/]"
    console.print(f"{_totals(run)} {run.seconds:.1f} s. Result: {status}")
