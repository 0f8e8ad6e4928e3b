"""Automatic choice of a solution method for a family of sparse systems, by a measured pilot.

Which method generates a data set fastest depends on the family (one shared matrix or one
per sample, symmetric positive definite or not), on the size and on the machine, so
:func:`choose_method` measures: it solves a few of the family's systems with every
applicable method in :data:`METHODS` and keeps the fastest one that meets the tolerance.
:class:`SequenceSolver` then runs that method over the whole data set.

Examples
--------
>>> from sciml.solvers.pde import Darcy
>>> darcy = Darcy(17)
>>> systems = [darcy.assemble(a) for a in darcy.sample_inputs(4, rng=0)]
>>> choice = choose_method(systems, shared_matrix=False, symmetric=True, definite=True)
>>> choice.method in METHODS, "cg" in choice.pilot, "factor_once" in choice.pilot
(True, True, False)
>>> solver = SequenceSolver(choice.method)
>>> all(solver.solve(A, b).stats["residual"] <= 1e-8 for A, b in systems)
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from sciml.core import ShapeError, Status
from sciml.core.errors import explain

from ._checks import ParameterError
from ._sequence import METHODS, OverBudget, SequenceSolver, check_method
from .ordering import greedy_order, identity_order

__all__ = ["METHODS", "MethodChoice", "SequenceSolver", "choose_method", "valid_methods"]

_PILOT_MAX_ITER = 2000


@dataclass(frozen=True)
class MethodChoice:
    """The outcome of :func:`choose_method`.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`; pass it to :class:`SequenceSolver`.
    sort : bool
        Whether to solve the samples in :func:`~sciml.solvers.krylov.greedy_order` of their
        parameters (True only for ``"gcrodr_recycled_sorted"``).
    pilot : dict
        JSON-serializable record of the pilot: for each candidate method a dict with
        ``seconds_per_system`` (median wall time per system, setup included: the figure the
        choice compares), ``mean_seconds_per_system``, ``matvecs_per_system``,
        ``max_residual`` (largest finite true relative residual; 1.0, that of ``x = 0``, when
        none was finite), ``status`` (``"SUCCESS"``, the
        first failure's status name, ``"SETUP_FAILED"`` or ``"ABANDONED"``: stopped for
        being too slow to win, its times then a lower bound) and ``systems`` (how many
        were attempted); and ``chosen_because``, a sentence.
    """

    method: str
    sort: bool
    pilot: dict


def valid_methods(
    *, shared_matrix: bool, symmetric: bool, definite: bool, sortable: bool = True
) -> tuple[str, ...]:
    """The methods of :data:`METHODS` that apply to systems with these properties.

    ``factor_once`` needs one matrix for all systems; ``cg``, ``amg_cg`` and ``gmg_cg`` a
    symmetric positive definite one (``gmg_cg`` also the unit-square grid of the stationary
    families, inferred from the size ``n = (R - 2)^2``); ``gcrodr_recycled_sorted``
    features to sort by (``sortable``).

    Examples
    --------
    >>> valid_methods(shared_matrix=False, symmetric=False, definite=False)
    ('direct', 'gmres_ilu', 'gcrodr', 'gcrodr_recycled', 'gcrodr_recycled_sorted')
    """
    out = []
    for m in METHODS:
        if m == "factor_once" and not shared_matrix:
            continue
        if m in ("cg", "amg_cg", "gmg_cg") and not (symmetric and definite):
            continue
        if m == "gcrodr_recycled_sorted" and not sortable:
            continue
        out.append(m)
    return tuple(out)


def _check_systems(systems) -> list:
    systems = [tuple(s) if isinstance(s, (tuple, list)) else s for s in systems]
    if not systems or any(not isinstance(s, tuple) or len(s) != 2 for s in systems):
        raise ShapeError(
            explain(
                "choose_method needs a few (A, b) systems to pilot",
                expected="a non-empty sequence of (A, b) tuples, e.g. 4-8 samples",
                received=f"{len(systems)} item(s)",
                fix="pass [family.assemble(x) for x in family.sample_inputs(4, rng=...)]",
            )
        )
    return systems


def _check_features(features, n: int):
    if features is None:
        return None
    F = np.asarray(features)
    if F.ndim < 1 or F.shape[0] != n or not np.issubdtype(F.dtype, np.number):
        raise ShapeError(
            explain(
                "features must hold one numeric row per pilot system",
                expected=f"an array of shape ({n}, p)",
                received=f"shape {F.shape}, dtype {F.dtype}",
                fix="pass the pilot samples' parameters, stacked along axis 0",
            )
        )
    return F.reshape(n, -1)


def _pilot_one(method, systems, order, *, rtol, max_iter, budget) -> dict:
    """Solve ``systems`` in ``order`` with one method (no fallback) and summarize; stop with
    ``"ABANDONED"`` once the time spent exceeds ``budget`` seconds."""
    start = time.perf_counter()
    deadline = start + budget if np.isfinite(budget) else None
    solver = SequenceSolver(method, rtol=rtol, max_iter=max_iter, fallback=False, deadline=deadline)
    seconds, matvecs, residuals, status = [], [], [], "SUCCESS"
    for position, i in enumerate(order):
        A, b = systems[i]
        t0 = time.perf_counter()
        try:
            sol = solver.solve(A, b)
        except (ParameterError, OverBudget) as err:  # an ILU/LU that cannot be built
            seconds.append(time.perf_counter() - t0)
            stopped = "ABANDONED" if isinstance(err, OverBudget) else "SETUP_FAILED"
            status = stopped if status == "SUCCESS" else status
            break
        seconds.append(time.perf_counter() - t0)
        matvecs.append(sol.stats["matvecs"])
        residuals.append(sol.stats["residual"])
        if status == "SUCCESS" and not (sol.ok and sol.stats["residual"] <= rtol):
            status = sol.status.name if not sol.ok else Status.STAGNATION.name
        remaining = position < len(order) - 1
        if remaining and deadline is not None and time.perf_counter() > deadline:
            status = "ABANDONED" if status == "SUCCESS" else status
            break
    finite = [r for r in residuals if np.isfinite(r)]
    return {
        "seconds_per_system": float(np.median(seconds)),
        "mean_seconds_per_system": float(np.mean(seconds)),
        "matvecs_per_system": float(np.mean(matvecs)) if matvecs else 0.0,
        "max_residual": float(max(finite)) if finite else 1.0,
        "status": status,
        "systems": len(seconds),
    }


def _decide(pilot: dict, *, shared_matrix: bool, rtol: float, tie: float) -> tuple[str, str]:
    """The chosen method and why, from the pilot entries."""
    ok = {
        m: e
        for m, e in pilot.items()
        if e["status"] == "SUCCESS" and e["systems"] > 0 and e["max_residual"] <= rtol
    }
    if shared_matrix and "factor_once" in ok:
        return "factor_once", (
            "the matrix is shared by all samples: one factorization serves every right-hand "
            f"side ({ok['factor_once']['seconds_per_system']:.3g} s/system in the pilot)"
        )
    if not ok:
        return "direct", (
            f"no candidate met rtol={rtol:g} in the pilot; a direct solve per system is the "
            "most robust choice"
        )
    best = min(e["seconds_per_system"] for e in ok.values())
    tied = [m for m in METHODS if m in ok and ok[m]["seconds_per_system"] <= best * (1 + tie)]
    choice = tied[0]  # METHODS lists the simplest first
    why = f"fastest method meeting rtol={rtol:g}: {ok[choice]['seconds_per_system']:.3g} s/system"
    if len(tied) > 1:
        close = ", ".join(f"{m} {ok[m]['seconds_per_system']:.3g} s" for m in tied[1:])
        why += f"; within {tie:.0%} of the fastest, so tied and left to the simpler: {close}"
    others = sorted((e["seconds_per_system"], m) for m, e in ok.items() if m not in tied)
    if others:
        why += f"; next: {others[0][1]} at {others[0][0]:.3g} s"
    return choice, why


def choose_method(
    systems,
    *,
    shared_matrix: bool,
    symmetric: bool,
    definite: bool,
    rtol: float = 1e-8,
    candidates=None,
    features=None,
    max_iter: int | None = _PILOT_MAX_ITER,
    tie: float = 0.1,
    abandon: float = 2.0,
) -> MethodChoice:
    """Pick the fastest correct method for a family by solving a few of its systems.

    Every candidate that applies to the flags (:func:`valid_methods`) solves the pilot
    systems, without fallback, in the given order (``gcrodr_recycled_sorted``: in
    :func:`~sciml.solvers.krylov.greedy_order` of ``features``). A candidate is eligible
    when every pilot system met ``rtol`` in the true residual; the choice is the eligible
    candidate with the smallest median seconds per system, where candidates within ``tie``
    of the fastest count as tied and the earliest in :data:`METHODS` (the simplest) wins.
    So recycling, and sorting on top of it, are chosen only when they beat every simpler
    method by more than ``tie``.

    Parameters
    ----------
    systems : sequence of (A, b)
        A few systems of the family (e.g. its first 4-8 samples), in sample order. The
        median over at least 3 systems discounts one-off costs (a first factorization, a
        first recycled space), which the data set amortizes over all its samples.
    shared_matrix : bool
        Every sample has the same matrix: ``factor_once`` is measured and, if it meets
        ``rtol``, chosen by construction (factor once, then one triangular solve per sample).
    symmetric, definite : bool
        ``symmetric and definite`` (SPD) allows ``cg``, ``amg_cg`` and ``gmg_cg``.
    rtol : float
        Required true relative residual ``||b - A x|| / ||b||``.
    candidates : sequence of str, optional
        Restrict the pilot to these methods (default: all of :data:`METHODS`). Unknown names
        raise ParameterError; names that do not apply to the flags are skipped, and noted in
        ``chosen_because``.
    features : array_like of shape (len(systems), p), optional
        Parameters of the pilot samples (e.g. coefficient fields, flattened). Without them
        ``gcrodr_recycled_sorted`` is not piloted.
    max_iter : int, optional
        Iteration cap of the iterative candidates in the pilot (default 2000; None: the
        solvers' ``10 n``). A candidate that needs more is not a contender.
    tie : float
        Relative band within which timings count as tied.
    abandon : float
        A candidate whose time exceeds ``abandon`` times the best eligible time per system,
        times the number of pilot systems, stops (mid-solve if need be) with status
        ``"ABANDONED"``: it cannot win, and the pilot stays cheap.

    Returns
    -------
    MethodChoice
        ``method``, ``sort`` and the JSON-serializable ``pilot`` record.

    Notes
    -----
    Expected outcomes (measured, 2-D, 1 thread): a shared matrix gives ``factor_once``;
    small 2-D problems ``direct``; larger SPD ones on the unit square (R >= 65) ``gmg_cg``,
    whose geometric hierarchy is cheaper to set up than ``amg_cg``'s aggregation;
    indefinite or nonsymmetric ones ``direct`` at small sizes and ``gcrodr`` beyond;
    recycling wins on slowly varying sequences (frequency sweeps), rarely on i.i.d. samples.
    Timings are noisy, so the choice can differ between runs when two methods are close;
    the rule is deterministic given the timings.
    """
    systems = _check_systems(systems)
    F = _check_features(features, len(systems))
    requested = METHODS if candidates is None else tuple(check_method(m) for m in candidates)
    valid = valid_methods(
        shared_matrix=shared_matrix,
        symmetric=symmetric,
        definite=definite,
        sortable=F is not None and len(systems) > 2,
    )
    run = [m for m in METHODS if m in requested and m in valid]
    skipped = [m for m in requested if m not in valid]
    if not run:
        raise ParameterError(
            explain(
                "no candidate method applies to these systems",
                expected="at least one of " + ", ".join(valid),
                received="candidates " + ", ".join(requested),
                fix="add an applicable method to candidates, or pass candidates=None",
            )
        )
    if "amg_cg" in run:
        import pyamg  # noqa: F401  (import cost kept out of the measurement)
    given = identity_order(len(systems))
    sorted_order = greedy_order(F) if F is not None and len(systems) > 2 else given
    pilot: dict = {}
    best = np.inf
    for m in run:
        order = sorted_order if m == "gcrodr_recycled_sorted" else given
        budget = abandon * best * len(systems)
        entry = _pilot_one(m, systems, order, rtol=rtol, max_iter=max_iter, budget=budget)
        pilot[m] = entry
        if entry["status"] == "SUCCESS" and entry["max_residual"] <= rtol:
            best = min(best, entry["seconds_per_system"])
    method, why = _decide(pilot, shared_matrix=shared_matrix, rtol=rtol, tie=tie)
    if skipped:
        why += "; not applicable to these flags: " + ", ".join(skipped)
    pilot["chosen_because"] = why
    return MethodChoice(method=method, sort=method == "gcrodr_recycled_sorted", pilot=pilot)
