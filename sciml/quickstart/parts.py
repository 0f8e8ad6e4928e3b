"""What a stage of ``sciml quickstart`` returns: tables, figures and notes (:class:`Part`).

Examples
--------
>>> t = Table("Errors", ("method", "rel L2"), [("fd", 0.25)])
>>> t.markdown().splitlines()[2]
'| fd | 0.25 |'
>>> Part("gp", "GP solver", tables=[t]).ok
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Context", "Part", "Table", "format_value"]


def format_value(value) -> str:
    """A table cell: floats in 4 significant digits (scientific outside [0.01, 1e4))."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == 0.0 or 0.01 <= abs(value) < 1e4:
            return f"{value:.4g}"
        return f"{value:.3e}"
    return str(value).replace("|", "\\|").replace("\n", " ")


@dataclass
class Table:
    """A table of the report.

    Attributes
    ----------
    caption : str
    header : tuple of str
    rows : list of tuples
        One value per column; floats are formatted by :func:`format_value`.
    numeric : tuple of str
        Columns that must hold finite numbers (checked by the tests); default: every
        column whose first-row value is a float.
    """

    caption: str
    header: tuple
    rows: list
    numeric: tuple = ()

    def markdown(self) -> str:
        """The table in pipe syntax (numeric columns right-aligned), caption excluded."""
        first = self.rows[0] if self.rows else ()
        right = [isinstance(v, (int, float)) and not isinstance(v, bool) for v in first]
        right += [False] * (len(self.header) - len(right))
        lines = ["| " + " | ".join(format_value(str(h)) for h in self.header) + " |"]
        lines.append("|" + "|".join("---:" if r else "---" for r in right) + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(format_value(v) for v in row) + " |")
        return "\n".join(lines)


@dataclass
class Part:
    """The outcome of one stage.

    Attributes
    ----------
    key : str
        Short name (file names, the summary).
    title : str
    tables : list of Table
    figures : list of (Path, caption)
        PNG files inside the report folder.
    notes : list of str
        Paragraphs (markdown) shown before the tables.
    headline : str
        One line for the summary table.
    seconds : float
    error : str or None
        Set when the stage failed: the message shown in the report.
    detail : str or None
        The traceback of a failure (shown as a code block).
    results : dict
        Machine-readable numbers (written to ``results.json``).
    """

    key: str
    title: str
    tables: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    headline: str = ""
    seconds: float = 0.0
    error: str | None = None
    detail: str | None = None
    results: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def figure(self, path: Path, caption: str) -> None:
        """Record a written figure."""
        self.figures.append((Path(path), caption))


@dataclass
class Context:
    """What every stage receives.

    Attributes
    ----------
    scale : Scale
    out : Path
        The report folder (figures go to ``out / "figures"``).
    device : str
        ``"cpu"`` or ``"cuda"``: where the FNO and the bridge train.
    console : rich.console.Console
    shared : dict
        Results handed from one stage to the next (the Darcy files to the operator stage).
    """

    scale: object
    out: Path
    device: str
    console: object
    shared: dict = field(default_factory=dict)

    @property
    def figures(self) -> Path:
        folder = self.out / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def say(self, message: str) -> None:
        self.console.print(message, highlight=False, soft_wrap=True)
