"""Stage 5: the validation claims (fast tier): each claim beside its broken variant.

Runs :func:`sciml.validation.runner.run_cases` on the scale's tier, as ``sciml validate``
does, and writes the run's ``summary.json`` into ``validation/`` of the report folder (the
per-claim figures of ``sciml validate --out DIR`` are left out: drawing them costs about
as much as the fast tier itself). A claim must PASS (or be INCONCLUSIVE) and its
deliberately broken variant must FAIL; otherwise this part is marked failed.
"""

from __future__ import annotations

import json

from .parts import Context, Part, Table

#: The report section title.
TITLE = "5. Validation claims"

__all__ = ["TITLE", "run_validation"]


def _figure(ctx: Context, run):
    from matplotlib.figure import Figure

    results = list(run.results)
    names = [r.case.name for r in results]
    seconds = [r.seconds for r in results]
    colors = ["C2" if r.ok else "C3" for r in results]
    labels = [f"{r.claim.verdict.value} / {r.broken.verdict.value}" for r in results]
    fig = Figure(figsize=(8, 1.2 + 0.28 * len(results)), layout="constrained")
    ax = fig.subplots()
    bars = ax.barh(names, seconds, color=colors)
    ax.bar_label(bars, labels=labels, padding=3, fontsize=7)
    ax.set_xlim(0, 1.35 * max(seconds))
    ax.invert_yaxis()
    ax.set_xlabel("seconds (claim + broken variant); label: claim / broken verdict")
    ok = sum(r.ok for r in results)
    ax.set_title(f"validation, tier {run.tier}: {ok}/{len(results)} as required (green)")
    ax.tick_params(axis="y", labelsize=8)
    path = ctx.figures / "validation.png"
    fig.savefig(path, dpi=100)
    return path


def run_validation(ctx: Context) -> Part:
    """Run the claims of the scale's tier; the part fails if any claim misbehaves."""
    from sciml.validation.registry import cases
    from sciml.validation.report import summary_dict
    from sciml.validation.runner import run_cases

    s = ctx.scale.validation
    selected = cases(s.tier, list(s.only) or None)
    if not selected:
        raise RuntimeError(f"no validation claim matches tier {s.tier!r}, only {s.only!r}")

    def progress(result) -> None:
        mark = "ok" if result.ok else "!!"
        ctx.say(
            f"  {mark} {result.case.name}: claim {result.claim.verdict.value}, broken "
            f"{result.broken.verdict.value} ({result.seconds:.2f} s)"
        )

    run = run_cases(selected, seed=ctx.scale.seed, tier=s.tier, on_result=progress)
    folder = ctx.out / "validation"
    folder.mkdir(parents=True, exist_ok=True)
    summary = json.dumps(summary_dict(run), indent=2, allow_nan=False)
    (folder / "summary.json").write_text(summary + "\n", encoding="utf-8")
    claims, broken = run.counts("claim"), run.counts("broken")
    good = sum(r.ok for r in run.results)
    part = Part("validation", TITLE)
    part.notes.append(
        f"{len(run.results)} claims of the `{s.tier}` tier, each a measured rate or bound "
        "checked against its declared value, run beside a deliberately broken variant "
        "that must FAIL. The run's measurements are in "
        "[validation/summary.json](validation/summary.json); `sciml validate --tier "
        f"{s.tier} --out DIR` also draws one figure per claim."
    )
    part.tables.append(
        Table(
            "Verdicts",
            ("claims", "as required", "claim PASS", "claim INCONCLUSIVE", "broken FAIL", "seconds"),
            [
                (
                    len(run.results),
                    good,
                    claims.get("PASS", 0),
                    claims.get("INCONCLUSIVE", 0),
                    broken.get("FAIL", 0),
                    run.seconds,
                )
            ],
        )
    )
    part.tables.append(
        Table(
            "Claims",
            ("claim", "claim verdict", "observed", "broken variant", "seconds"),
            [
                (
                    r.case.name,
                    r.claim.verdict.value,
                    r.claim.assessment.observed_text or "",
                    r.broken.verdict.value,
                    r.seconds,
                )
                for r in run.results
            ],
        )
    )
    part.figure(_figure(ctx, run), "Time per claim; red: a claim that did not behave as required.")
    part.headline = f"{good}/{len(run.results)} claims as required ({run.seconds:.1f} s)"
    part.results = {
        "claims": len(run.results),
        "as_required": good,
        "seconds": run.seconds,
        "failed": [r.case.name for r in run.results if not r.ok],
    }
    if not run.ok:
        bad = ", ".join(part.results["failed"])
        part.error = (
            f"{len(run.results) - good} claim(s) did not behave as required: {bad}. See "
            "validation/summary.json for the reasons."
        )
    return part
