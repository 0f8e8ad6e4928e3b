"""``KroneckerGPSolver``: GP-HM's model solved by exact Sylvester solves for the grid
values, alternating with Adam steps on the spectral-mixture hyperparameters."""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from sciml.core import Field, ParameterError, Solution, Status, TensorGrid, relative_l2_error
from sciml.core.errors import explain

from .baselines import operator_matrices
from .gram import SpectralMixture
from .joint import joint_adam
from .kronecker import KroneckerGram
from .objective import factor_blocks, negative_log_objective
from .periodogram import refit_to_spectrum
from .posterior import ConditionalMean, midpoint_residual
from .problems import LinearProblem
from .resolution import check_frequency, check_spectrum
from .semilinear import collocation_solve

__all__ = ["KroneckerGPSolver"]

MODES = ("hybrid", "fixed", "joint")


@dataclass
class KroneckerGPSolver:
    """Gaussian-process collocation on a uniform tensor grid (GP-HM, exact inner solve).

    For fixed kernels the grid values solve the collocation equations
    ``(sum_i M_i x_i U)_I = F_I``, ``M_i = a_i K_i''K_i^{-1} + b_i K_i'K_i^{-1}`` (+ ``c I``),
    with Dirichlet data imposed strongly (the ``v, tau -> inf`` limit of GP-HM's quadratic
    MAP), solved exactly by per-axis eigendecompositions (:func:`solve_separable`).
    In ``"hybrid"`` mode, ``rounds`` times: ``steps`` Adam steps on the kernels'
    hyperparameters minimising GP-HM's negative log objective at the current ``U``
    (:func:`negative_log_objective`), then an exact re-solve; with ``refit_spectrum``
    the kernels are first refitted to the periodogram of the current ``U``
    (:func:`refit_to_spectrum`: components moved onto its peaks, the others pruned).
    In ``"joint"`` mode (GP-HM's published optimisation) ``U`` and the hyperparameters
    are learned together by ``steps`` Adam steps on the penalised objective
    (:func:`joint_adam`), with no exact solve.

    Parameters
    ----------
    n_components : int
        Spectral-mixture components per axis (GP-HM: 30).
    envelope : {"gaussian", "matern52"}
    mode : {"hybrid", "fixed", "joint"}
    rounds, steps : int
        Hybrid schedule: ``rounds`` x (``steps`` Adam steps + one exact solve); in joint
        mode ``steps`` is the number of Adam steps (``rounds`` unused).
    lr : float
        Adam learning rate of the first round (GP-HM: 1e-2).
    lr_decay : float
        Factor applied to the learning rate after each round (damps the round-to-round
        oscillation of the alternating scheme).
    jitter : float
        ``epsilon`` added to each factor (GP-HM: 1e-6, which leaves near-null modes in
        ``K''K^{-1}`` restricted to the interior: rel L2 2.4 vs 4e-3 with 1e-10 on
        poisson1d-sin100 at 400 nodes).
    residual_weight : float
        ``v`` in the hyperparameter objective.
    select : {"residual", "final"}
        Which round's iterate is returned: the one with the smallest PDE residual of the
        conditional mean at the cell midpoints (label-free; the default), or the last.
    max_frequency : float, optional
        Highest initial frequency (cycles/unit); always capped at 0.8 x Nyquist.
    refit_spectrum : bool
        Hybrid mode: refit the kernels to the periodogram of ``U`` before each round's
        Adam steps.
    boundary_weight : float
        Joint mode: ``lambda_b`` (GP-HM: 200; 500 for advection).
    time_limit : float, optional
        Joint mode: stop Adam after this many seconds.

    Warns
    -----
    ResolutionWarning
        When the problem's known frequency, a requested ``max_frequency`` or a learned
        kernel frequency exceeds an axis' Nyquist limit (the message names the node
        count needed).

    Examples
    --------
    >>> from sciml.solvers.gp.problems import benchmark
    >>> p = benchmark("poisson1d-sin100")
    >>> sol = KroneckerGPSolver(mode="fixed").solve(p, p.grid(400))
    >>> sol.stats["rel_l2"] < 1e-2
    True
    """

    n_components: int = 30
    envelope: str = "gaussian"
    mode: str = "hybrid"
    rounds: int = 5
    steps: int = 50
    lr: float = 1e-2
    lr_decay: float = 0.5
    jitter: float = 1e-10
    residual_weight: float = 0.0
    max_frequency: float | None = None
    select: str = "residual"
    refit_spectrum: bool = False
    boundary_weight: float = 200.0
    time_limit: float | None = None

    def __post_init__(self):
        if self.mode not in MODES:
            raise ParameterError(
                explain(
                    "unknown GP solver mode",
                    expected=" | ".join(MODES),
                    received=repr(self.mode),
                    fix="pass mode='hybrid' (learn the kernel), 'fixed' or 'joint' (GP-HM's "
                    "Adam on U and the kernel)",
                )
            )

    def initial_kernels(self, grid: TensorGrid) -> list[SpectralMixture]:
        """GP-HM's initial spectral mixtures, one per axis (frequencies capped at 0.8 x
        Nyquist; a ``max_frequency`` above Nyquist warns)."""
        if self.max_frequency is not None:
            for i, ax in enumerate(grid.axes):
                check_frequency(ax, self.max_frequency, what="the requested max_frequency", index=i)
        return [
            SpectralMixture.initial(
                ax, self.n_components, max_frequency=self.max_frequency, envelope=self.envelope
            )
            for ax in grid.axes
        ]

    def exact_solve(
        self, kernels, grid: TensorGrid, problem: LinearProblem, f, g, initial=None
    ) -> dict:
        """One exact collocation solve for fixed kernels (Newton–GMRES preconditioned by
        the exact linear solve for semilinear problems); returns values and the Gram."""
        with torch.no_grad():
            blocks = [factor_blocks(k, ax.nodes, self.jitter) for k, ax in zip(kernels, grid.axes)]
            gram = KroneckerGram([b[0] for b in blocks])
            derivs = [
                (gram.derivative_matrix(i, b[1]), gram.derivative_matrix(i, b[2]))
                for i, b in enumerate(blocks)
            ]
            ops = operator_matrices(problem, derivs)
            out = collocation_solve(problem, ops, f, g, initial=initial)
        out["gram"] = gram
        return out

    def solve(self, problem: LinearProblem, grid: TensorGrid, *, kernels=None) -> Solution:
        """Solve ``problem`` on ``grid`` (uniform axes); ``kernels`` warm-starts the kernels.

        Returns
        -------
        Solution
            ``value``: :class:`Field` of grid values (``Field.__call__`` interpolates
            them linearly); ``state``: ``{"kernels", "mean"}`` where ``mean`` is the
            :class:`ConditionalMean` (the GP's own evaluation anywhere); ``stats``:
            ``rel_l2``, ``history`` (per round: seconds, rel_l2, objective), ``timings``,
            ``spectrum`` (per axis: weights, frequencies, lengthscales), ``jitter``.
        """
        t0 = time.perf_counter()
        f, u_exact = problem.data(grid)
        if problem.frequency is not None:
            for i, ax in enumerate(grid.axes):
                what = "the problem's known frequency"
                check_frequency(ax, problem.frequency, what=what, index=i)
        kernels = self.initial_kernels(grid) if kernels is None else kernels
        check_spectrum(kernels, grid, what="initial")
        nodes = [ax.nodes for ax in grid.axes]
        reference = Field(u_exact, grid)
        if self.mode == "joint":
            return self._solve_joint(problem, grid, kernels, f, u_exact, t0)
        history, timings = [], {"solve": 0.0, "adam": 0.0}
        params = [p.requires_grad_() for k in kernels for p in k.parameters()]
        opt = torch.optim.Adam(params, lr=self.lr)
        rounds = self.rounds if self.mode == "hybrid" else 0
        status = Status.SUCCESS
        best, u = None, None
        for r in range(rounds + 1):
            ts = time.perf_counter()
            out = self.exact_solve(kernels, grid, problem, f, u_exact, u)
            timings["solve"] += time.perf_counter() - ts
            u = out["values"]
            if not torch.isfinite(u).all():
                status = Status.NONFINITE
                break
            err = float(relative_l2_error(Field(u, grid), reference))
            indicator = midpoint_residual(problem, kernels, nodes, out["gram"].solve(u))
            entry = {
                "round": r,
                "rel_l2": err,
                "midpoint_residual": indicator,
                "seconds": time.perf_counter() - t0,
            }
            if best is None or indicator < best[0]:
                best = (indicator, r, u, out, [k.snapshot() for k in kernels])
            if r < rounds:
                ta = time.perf_counter()
                if self.refit_spectrum:
                    entry["peaks"] = refit_to_spectrum(kernels, grid, u)
                for _ in range(self.steps):
                    opt.zero_grad()
                    loss = negative_log_objective(
                        kernels,
                        nodes,
                        u,
                        f,
                        problem,
                        jitter=self.jitter,
                        residual_weight=self.residual_weight,
                    )
                    loss.backward()
                    opt.step()
                entry["objective"] = float(loss.detach())
                for group in opt.param_groups:
                    group["lr"] *= self.lr_decay
                timings["adam"] += time.perf_counter() - ta
            history.append(entry)
        for p in params:
            p.requires_grad_(False)
        check_spectrum(kernels, grid, what="learned")
        final_error = history[-1]["rel_l2"] if history else float("nan")
        if self.select == "residual" and best is not None:
            _, chosen, u, out, kernels = best
        else:
            chosen = len(history) - 1
        gram = out["gram"]
        mean = ConditionalMean(kernels, nodes, gram.solve(u))
        value = Field(u, grid)
        timings["total"] = time.perf_counter() - t0
        stats = {
            "method": "gp",
            "rel_l2": float(relative_l2_error(value, reference)),
            "rel_l2_final_round": final_error,
            "selected_round": chosen,
            "history": history,
            "timings": timings,
            "seconds": timings["total"],
            "spectrum": [k.spectrum() for k in kernels],
            "jitter": gram.jitter,
            "min_denominator": out["min_denominator"],
        }
        return Solution(value, status, stats, {"kernels": kernels, "mean": mean})

    def _solve_joint(self, problem, grid, kernels, f, u_exact, t0) -> Solution:
        """GP-HM's joint Adam on ``U`` and the hyperparameters (``mode="joint"``)."""
        out = joint_adam(
            kernels,
            grid,
            problem,
            f,
            u_exact,
            steps=self.steps,
            lr=self.lr,
            jitter=self.jitter,
            boundary_weight=self.boundary_weight,
            time_limit=self.time_limit,
            reference=u_exact,
        )
        check_spectrum(kernels, grid, what="learned")
        u = out["values"]
        value = Field(u, grid)
        finite = bool(torch.isfinite(u).all())
        with torch.no_grad():
            blocks = [factor_blocks(k, ax.nodes, self.jitter) for k, ax in zip(kernels, grid.axes)]
            gram = KroneckerGram([b[0] for b in blocks])
        seconds = time.perf_counter() - t0
        err = float(relative_l2_error(value, Field(u_exact, grid)))
        stats = {
            "method": "gp",
            "mode": "joint",
            "rel_l2": err,
            "rel_l2_final_round": err,
            "selected_round": 0,
            "adam_steps": out["steps"],
            "history": out["history"],
            "timings": {"adam": seconds, "total": seconds},
            "seconds": seconds,
            "spectrum": [k.spectrum() for k in kernels],
            "jitter": gram.jitter,
        }
        mean = ConditionalMean(kernels, [ax.nodes for ax in grid.axes], gram.solve(u))
        status = Status.SUCCESS if finite else Status.NONFINITE
        return Solution(value, status, stats, {"kernels": kernels, "mean": mean})
