"""Run the quickstart's stages in order, each isolated, and write one report.

A stage is ``(key, title, function)`` with ``function(ctx: Context) -> Part``. An exception
in a stage does not stop the job: the stage's part is recorded as failed with the error
message and traceback, later stages run (a stage that needs an earlier one's output says
so), and the exit status is 1. A part may also mark itself failed (``part.error``) while
keeping its tables, as the validation stage does when a claim misbehaves.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import bridge, darcy_data, gp, operator, validation
from .parts import Context, Part
from .report import write_report
from .scales import SMALL, Scale

__all__ = ["STAGES", "QuickstartResult", "default_device", "run_quickstart"]

#: The stages of the main job, in order.
STAGES: tuple[tuple[str, str, Callable[[Context], Part]], ...] = (
    ("darcy_data", darcy_data.TITLE, darcy_data.run_darcy_data),
    ("operator", operator.TITLE, operator.run_operator),
    ("gp", gp.TITLE, gp.run_gp),
    ("bridge", bridge.TITLE, bridge.run_bridge),
    ("validation", validation.TITLE, validation.run_validation),
)


class QuickstartResult:
    """What :func:`run_quickstart` returns.

    Attributes
    ----------
    parts : list of Part
    report : Path
        ``report.md`` (``report.html`` and ``results.json`` are beside it).
    seconds : float
        Wall time of the whole job.
    exit_code : int
        0 when every part succeeded, 1 otherwise.
    """

    def __init__(self, parts: list[Part], report: Path, seconds: float):
        self.parts, self.report, self.seconds = parts, report, seconds
        self.exit_code = 0 if all(p.ok for p in parts) else 1

    @property
    def html(self) -> Path:
        return self.report.with_name("report.html")


def default_device() -> str:
    """``"cuda"`` when torch sees a GPU, else ``"cpu"``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _header(scale: Scale, device: str) -> dict:
    import datetime
    import os
    import platform

    import torch

    from sciml import __version__

    return {
        "scale": f"`{scale.name}`",
        "seed": scale.seed,
        "device": device,
        "torch threads": torch.get_num_threads(),
        "CPUs": os.cpu_count(),
        "sciml": __version__,
        "torch": torch.__version__,
        "Python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _run_stage(ctx: Context, key: str, title: str, fn, index: int, total: int) -> Part:
    ctx.console.rule(f"[bold][{index}/{total}] {title}", align="left")
    t0 = time.perf_counter()
    try:
        part = fn(ctx)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a failing stage is reported, never fatal to the job
        message = f"{type(exc).__name__}: {exc}".strip()
        part = Part(key, title, error=message, detail=traceback.format_exc())
    part.key, part.title = key, title
    part.seconds = time.perf_counter() - t0
    if part.ok:
        ctx.say(f"[green]done[/] in {part.seconds:.1f} s: {part.headline}")
    else:
        ctx.say(f"[bold red]FAILED[/] after {part.seconds:.1f} s: {part.error}")
    return part


def run_quickstart(
    out="sciml-quickstart",
    scale: Scale = SMALL,
    *,
    device: str | None = None,
    console=None,
    stages: Sequence[tuple[str, str, Callable[[Context], Part]]] | None = None,
) -> QuickstartResult:
    """Run the main job and write its report into ``out``.

    Parameters
    ----------
    out : str or Path
        The report folder (created; an existing folder is reused and its files replaced).
    scale : Scale
        :data:`~sciml.quickstart.scales.SMALL`, :data:`~sciml.quickstart.scales.PAPER`,
        :data:`~sciml.quickstart.scales.TINY` or any other :class:`Scale`.
    device : {"cpu", "cuda"}, optional
        Where the FNO and the bridge train; default :func:`default_device`.
    console : rich.console.Console, optional
        Progress output (default: a console on stdout).
    stages : sequence of (key, title, function), optional
        Default :data:`STAGES`.

    Returns
    -------
    QuickstartResult
    """
    from rich.console import Console

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    console = console or Console()
    device = device or default_device()
    ctx = Context(scale=scale, out=out, device=device, console=console)
    stages = STAGES if stages is None else tuple(stages)
    header = _header(scale, device)
    t0 = time.perf_counter()
    parts = [
        _run_stage(ctx, key, title, fn, i + 1, len(stages))
        for i, (key, title, fn) in enumerate(stages)
    ]
    seconds = time.perf_counter() - t0
    report = write_report(parts, header, seconds, out)
    return QuickstartResult(parts, report, seconds)
