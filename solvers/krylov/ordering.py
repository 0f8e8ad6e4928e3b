"""Orders in which to solve a sequence of systems, and solving a sequence with recycling.

SKR (Wang et al., ICLR 2024, Alg. 1) solves similar systems one after another so that a
recycled Krylov space (:func:`gcrodr`) carries from each to the next; its ordering is a
nearest-neighbour chain on the problems' parameters. Measured gains from ordering i.i.d.
samples are small (a few percent of matvecs); for sweeps and time steps the natural order
is already a chain.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from sciml.core import Solution, Status
from sciml.core.errors import ShapeError, explain

from ._checks import ParameterError
from .cg import cg
from .gcrodr import gcrodr
from .gmres import gmres

__all__ = ["greedy_order", "identity_order", "solve_sequence"]

_METHODS = {"gcrodr": gcrodr, "gmres": gmres, "cg": cg}


def identity_order(n: int) -> np.ndarray:
    """The order ``0, 1, ..., n - 1``.

    Examples
    --------
    >>> identity_order(3).tolist()
    [0, 1, 2]
    """
    return np.arange(int(n))


def greedy_order(features, *, start: int = 0, memory: int = 2**27) -> np.ndarray:
    """SKR's nearest-neighbour chain: from ``start``, repeatedly visit the nearest unvisited.

    Parameters
    ----------
    features : array_like of shape (N, ...)
        One feature array per problem (e.g. its coefficient field); rows are flattened and
        compared in the Euclidean (Frobenius) norm.
    start : int
        The first problem of the chain.
    memory : int
        Bytes allowed for distances. When the ``N x N`` distance matrix fits it is built in
        row blocks by matrix products (fast); otherwise each step computes one row of
        distances (``O(N p)`` memory, slower). Both give the same order.

    Returns
    -------
    ndarray of shape (N,)
        A permutation of ``0 .. N-1`` beginning with ``start``. Ties go to the lower index.

    Notes
    -----
    ``O(N^2 p)`` time. A greedy chain, not an optimal tour: it can end with long jumps back
    to skipped problems.

    Examples
    --------
    >>> greedy_order([[0.0], [3.0], [1.0], [2.5]]).tolist()
    [0, 2, 3, 1]
    """
    F = np.asarray(features)
    if F.ndim < 1 or F.shape[0] < 1 or not np.issubdtype(F.dtype, np.number):
        raise ShapeError(
            explain(
                "greedy_order needs one numeric feature row per problem",
                expected="an array of shape (N, ...) with N >= 1",
                received=f"shape {F.shape}, dtype {F.dtype}",
                fix="stack the problems' parameters along axis 0",
            )
        )
    N = F.shape[0]
    F = F.reshape(N, -1)
    F = F - F.mean(axis=0)  # smaller norms: less cancellation in |f|^2 - 2 f.g + |g|^2
    if not 0 <= start < N:
        raise ParameterError(
            explain(
                "start is not a problem index",
                expected=f"0 <= start < {N}",
                received=repr(start),
                fix="pass the index of the first problem",
            )
        )
    sq = np.einsum("ij,ij->i", F, F.conj()).real
    if N * N * 8 <= memory:
        D = np.empty((N, N))
        block = max(1, memory // (8 * N * 4))
        for i in range(0, N, block):
            D[i : i + block] = -2 * (F[i : i + block].conj() @ F.T).real
        row = D.__getitem__
    else:

        def row(i):
            return -2 * (F @ F[i].conj()).real

    order = np.empty(N, dtype=np.intp)
    visited = np.zeros(N, dtype=bool)
    current = start
    for step in range(N):
        order[step] = current
        visited[current] = True
        if step == N - 1:
            break
        d = row(current) + sq  # |f_j - f_c|^2 minus |f_c|^2, the same for every j
        d = np.where(visited, np.inf, d)
        current = int(np.argmin(d))
    return order


def _check_order(order, N: int) -> np.ndarray:
    order = np.asarray(order)
    if (
        order.shape != (N,)
        or not np.issubdtype(order.dtype, np.integer)
        or not np.array_equal(np.sort(order), np.arange(N))
    ):
        raise ParameterError(
            explain(
                "order is not a permutation of the systems",
                expected=f"each of 0 .. {N - 1} exactly once",
                received=f"shape {order.shape}, dtype {order.dtype}",
                fix="use identity_order(N) or greedy_order(features)",
            )
        )
    return order


def solve_sequence(
    systems: Sequence,
    order=None,
    *,
    method: str = "gcrodr",
    state=None,
    warm_start: bool = False,
    **options,
) -> Solution:
    """Solve ``A_i x_i = b_i`` in the given order, carrying recycled state from one to the next.

    Parameters
    ----------
    systems : sequence of (A, b) pairs
        The systems, in their original order.
    order : array_like of shape (N,), optional
        A permutation: ``order[t]`` is the system solved at step ``t``. Default: the
        original order.
    method : {"gcrodr", "gmres", "cg"}
        ``"gcrodr"`` passes each solution's recycled subspace to the next solve.
    state : RecycledSubspace, optional
        Initial recycled space for ``"gcrodr"``.
    warm_start : bool
        Use the previous solution (in solve order) as ``x0``. Helps only when consecutive
        solutions are close; costs one matvec per system.
    **options
        Passed to the solver (``M``, ``rtol``, ``restart``, ``recycle``, ...). A frozen
        ``M`` (factored from one system) suits a slowly varying sequence.

    Returns
    -------
    Solution
        ``value``: the list of per-system Solutions in the ORIGINAL order. ``status``:
        SUCCESS if all succeeded, else the status of the first failure (original order).
        ``stats``: totals ``iterations``, ``matvecs``, ``precond`` and ``seconds``,
        ``residual`` (the largest), ``failed`` (original indices), ``order``.
        ``state``: the recycled space after the last solve.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.diags([-1.0, 2.5, -1.0], [-1, 0, 1], shape=(30, 30)).tocsr()
    >>> systems = [(A + s * sp.identity(30), np.ones(30)) for s in (0.0, 0.1, 0.2)]
    >>> out = solve_sequence(systems, [2, 0, 1], restart=10, recycle=3)
    >>> out.ok, len(out.value), out.stats["order"]
    (True, 3, [2, 0, 1])
    """
    if method not in _METHODS:
        raise ParameterError(
            explain(
                "unknown method",
                expected=" or ".join(repr(m) for m in _METHODS),
                received=repr(method),
                fix="choose one of the listed methods",
            )
        )
    systems = list(systems)
    N = len(systems)
    order = identity_order(N) if order is None else _check_order(order, N)
    solver = _METHODS[method]
    t0 = time.perf_counter()
    results: list[Solution | None] = [None] * N
    previous = None
    for i in order:
        A, b = systems[i]
        kwargs = dict(options)
        if method == "gcrodr":
            kwargs["state"] = state
        if warm_start and previous is not None and "x0" not in options:
            kwargs["x0"] = previous
        sol = solver(A, b, **kwargs)
        results[i] = sol
        if method == "gcrodr":
            state = sol.state
        if sol.status is not Status.NONFINITE:
            previous = sol.value
    failed = [i for i, s in enumerate(results) if not s.ok]
    status = Status.SUCCESS if not failed else results[failed[0]].status
    stats = {
        key: sum(s.stats[key] for s in results) for key in ("iterations", "matvecs", "precond")
    }
    residuals = [s.stats["residual"] for s in results]
    stats.update(
        residual=float(np.max(residuals)) if N else 0.0,
        seconds=time.perf_counter() - t0,
        failed=failed,
        order=[int(i) for i in order],
    )
    return Solution(value=results, status=status, stats=stats, state=state)
