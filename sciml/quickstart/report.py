"""The quickstart report: ``report.md``, its HTML rendering ``report.html``, ``results.json``.

Examples
--------
>>> from sciml.quickstart.parts import Part, Table
>>> part = Part("demo", "1. Demo", tables=[Table("Numbers", ("x",), [(1.5,)])])
>>> text = report_markdown([part], {"scale": "tiny"}, 1.0)
>>> "## 1. Demo" in text and "| 1.5 |" in text
True
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .html import render_page, slug
from .parts import Part

__all__ = ["report_markdown", "write_report"]


def _summary(parts: list[Part]) -> list[str]:
    lines = ["| part | status | seconds | result |", "|---|---|---:|---|"]
    for p in parts:
        status = "ok" if p.ok else "**FAILED**"
        result = p.headline if p.ok else "; ".join(x for x in (p.headline, p.error) if x)
        cell = result.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| [{p.title}](#{slug(p.title)}) | {status} | {p.seconds:.1f} | {cell} |")
    return lines


def _section(part: Part, out: Path) -> list[str]:
    lines = [f"## {part.title}", ""]
    if not part.ok:
        lines += [f"**FAILED** after {part.seconds:.1f} s: {part.error}", ""]
        if part.detail:
            lines += ["```", part.detail.rstrip(), "```", ""]
    for note in part.notes:
        lines += [note, ""]
    for table in part.tables:
        lines += [f"**{table.caption}**", "", table.markdown(), ""]
    for path, caption in part.figures:
        rel = Path(path).resolve().relative_to(out.resolve()).as_posix()
        lines += [f"![{caption}]({rel})", ""]
    if part.ok:
        lines += [f"*Part time: {part.seconds:.1f} s.*", ""]
    return lines


def report_markdown(parts: list[Part], header: dict, seconds: float, out: Path = Path(".")) -> str:
    """The report's markdown: a header, a summary table, one section per part."""
    failed = [p for p in parts if not p.ok]
    verdict = (
        "All parts completed."
        if not failed
        else f"**{len(failed)} of {len(parts)} part(s) FAILED**: "
        + ", ".join(p.title for p in failed)
        + "."
    )
    facts = ", ".join(f"{k} {v}" for k, v in header.items())
    lines = [
        "# sciml quickstart report",
        "",
        f"{verdict} Total wall time {seconds:.1f} s ({facts}).",
        "",
        *_summary(parts),
        "",
    ]
    for part in parts:
        lines += _section(part, out)
    return "\n".join(lines).rstrip() + "\n"


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    return str(obj)


def write_report(parts: list[Part], header: dict, seconds: float, out: Path) -> Path:
    """Write ``report.md``, ``report.html`` and ``results.json`` into ``out``; returns the
    path of ``report.md``."""
    out = Path(out)
    text = report_markdown(parts, header, seconds, out)
    md = out / "report.md"
    md.write_text(text, encoding="utf-8")
    (out / "report.html").write_text(render_page(text, "sciml quickstart report"), "utf-8")
    results = {
        "header": header,
        "seconds": seconds,
        "parts": {
            p.key: {
                "title": p.title,
                "ok": p.ok,
                "error": p.error,
                "seconds": p.seconds,
                "headline": p.headline,
                "results": p.results,
            }
            for p in parts
        },
    }
    (out / "results.json").write_text(json.dumps(_jsonable(results), indent=2) + "\n", "utf-8")
    return md
