"""Solving one chain of samples, in whatever process runs it (the main one or a Dask worker).

A :class:`ChainTask` is small and picklable: the configuration's fields, the chosen method,
a run id and the sample indices. The process rebuilds the family from the configuration and
keeps it, with one :class:`~sciml.solvers.krylov.auto.SequenceSolver`, for the rest of the
run: consecutive chains on one worker share its factors, preconditioner and recycled
space. Inputs are redrawn from the per-sample seeds, so they are bit-identical wherever they
are drawn.

Examples
--------
>>> from sciml.data.config import GenerationConfig
>>> task = ChainTask.of(GenerationConfig("darcy", n=4, resolution=9), "direct", "doc", [2, 0])
>>> result = solve_chain(task)
>>> result.inputs.shape, result.outputs.shape, bool(result.stats["residual"].max() < 1e-12)
((2, 1, 9, 9), (2, 1, 9, 9), True)
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass

import numpy as np
import torch

from sciml.core import Field
from sciml.solvers.krylov.auto import SequenceSolver

from .config import GenerationConfig

__all__ = ["ChainResult", "ChainTask", "release", "solve_chain"]

STAT_NAMES = ("iterations", "matvecs", "residual", "seconds", "fallback")


@dataclass(frozen=True)
class ChainTask:
    """One chain of work.

    Attributes
    ----------
    config : dict
        Constructor arguments of :class:`~sciml.data.config.GenerationConfig`.
    method : str
        The method to solve with (from the plan).
    run : str
        Identifies the run: a process keeps its solver while the run id stays the same.
    indices : tuple of int
        The samples, in solve order.
    """

    config: dict
    method: str
    run: str
    indices: tuple[int, ...]

    @classmethod
    def of(cls, config: GenerationConfig, method: str, run: str, indices) -> ChainTask:
        """A task for ``indices`` of ``config``."""
        fields = {
            "family": config.family,
            "n": config.n,
            "resolution": config.resolution,
            "params": dict(config.params),
            "seed": config.seed,
            "method": config.method,
            "rtol": config.rtol,
        }
        return cls(fields, method, run, tuple(int(i) for i in indices))


@dataclass
class ChainResult:
    """What a chain sends back to the writer.

    Attributes
    ----------
    indices : ndarray of shape (k,)
    inputs : ndarray of shape (k, C_in, *grid), float64
    outputs : ndarray of shape (k, C_out, *grid), float64
    stats : dict of str to ndarray of shape (k,)
        ``iterations``, ``matvecs`` (summed over the steps of a heat trajectory),
        ``residual`` (true relative residual; the largest over steps; NaN for families
        without linear systems), ``seconds`` (solver time), ``fallback``.
    worker : str
        ``host:pid`` of the process that solved the chain.
    """

    indices: np.ndarray
    inputs: np.ndarray
    outputs: np.ndarray
    stats: dict
    worker: str


# One run at a time per process: (run id, config, solver).
_CONTEXT: dict = {}


def _context(task: ChainTask):
    if _CONTEXT.get("run") != task.run:
        config = GenerationConfig(**task.config)
        solver = None
        if config.spec.kind != "trajectory":
            solver = SequenceSolver(task.method, rtol=config.rtol)
        _CONTEXT.clear()
        _CONTEXT.update(run=task.run, config=config, solver=solver)
    return _CONTEXT["config"], _CONTEXT["solver"]


def release() -> None:
    """Drop this process's family and solver (factors, recycled space) after a run."""
    _CONTEXT.clear()


def _stationary(family, solver, x):
    A, b = family.assemble(x)
    sol = solver.solve(A, b)
    s = sol.stats
    u = family.solution_field(sol.value).values.numpy()  # (1, R, R)
    return u, (s["iterations"], s["matvecs"], s["residual"], s["seconds"], s["fallback"])


def _heat(family, solver, x):
    steps = family.step_systems(x)
    A, b = next(steps)
    levels, rows = [b], []
    for m in range(family.steps):
        sol = solver.solve(A, b)
        s = sol.stats
        levels.append(sol.value)
        rows.append((s["iterations"], s["matvecs"], s["residual"], s["seconds"], s["fallback"]))
        if m < family.steps - 1:
            A, b = steps.send(sol.value)
    steps.close()
    it, mv, res, sec, fb = zip(*rows)
    u = family.solution_field(np.stack(levels)).values.numpy()[:, 0]  # (steps + 1, R, R)
    return u, (sum(it), sum(mv), float(np.max(res)), sum(sec), any(fb))


def solve_chain(task: ChainTask) -> ChainResult:
    """Draw, assemble and solve the samples of a chain in order.

    Returns
    -------
    ChainResult
    """
    config, solver = _context(task)
    family, kind = config.problem, config.spec.kind
    idx = np.asarray(task.indices, dtype=np.int64)
    x = np.stack(
        [family.sample_inputs(1, rng=config.seed, start=int(i)).values[0].numpy() for i in idx]
    )
    if kind == "trajectory":
        # one sample per call: batched FFTs round differently with the batch size, and a
        # sample's output must not depend on how the samples were chunked
        out, rows = [], []
        for xi in x:
            t0 = time.perf_counter()
            out.append(family.solve(Field(torch.from_numpy(xi[None]), family.grid)).values[0])
            rows.append((family.steps, 0, np.nan, time.perf_counter() - t0, False))
        out = np.stack([o.numpy() for o in out])
    else:
        one = _heat if kind == "steps" else _stationary
        solved = [one(family, solver, xi) for xi in x]
        out = np.stack([u for u, _ in solved])
        rows = [r for _, r in solved]
    columns = list(zip(*rows))
    dtypes = (np.int64, np.int64, np.float64, np.float64, bool)
    stats = {k: np.asarray(c, dtype=t) for k, c, t in zip(STAT_NAMES, columns, dtypes)}
    return ChainResult(
        idx, x, np.ascontiguousarray(out), stats, f"{socket.gethostname()}:{os.getpid()}"
    )
