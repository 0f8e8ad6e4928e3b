"""The solve sequence: features of the samples, their greedy order, and its split into chains.

A data set is solved as one sequence (the identity, or SKR's nearest-neighbour chain of the
samples' coefficient fields when the method recycles a Krylov space); the sequence is cut
into contiguous *chains* of at most ``chunk`` samples, the unit of work of a worker and of a
write to the file. Where a sample sits in the sequence never changes what it is: its inputs
come from its own seed and its output is stored at its index.

Examples
--------
>>> import numpy as np
>>> order = np.array([0, 2, 1, 3, 4])
>>> positions(order).tolist()   # sample 2 is solved second
[0, 2, 1, 3, 4]
>>> done = np.array([True, False, False, False, False])
>>> [c.tolist() for c in split_chains(order, done, chunk=2)]
[[2, 1], [3, 4]]
"""

from __future__ import annotations

import numpy as np

from sciml.solvers.krylov import greedy_order, identity_order

__all__ = ["MAX_FEATURE_POINTS", "coarse_features", "plan_order", "positions", "split_chains"]

#: Largest number of nodes per axis kept in the sorting features (strided subsample).
MAX_FEATURE_POINTS = 32


def coarse_features(values: np.ndarray, *, max_points: int = MAX_FEATURE_POINTS) -> np.ndarray:
    """Flattened, strided samples of input fields: the features of :func:`plan_order`.

    Parameters
    ----------
    values : ndarray of shape (k, C, *grid)
        The inputs (or the channels that determine the matrix) of ``k`` samples.
    max_points : int
        Every axis longer than this is strided down to about ``max_points`` nodes.

    Returns
    -------
    ndarray of shape (k, p)
        ``p = C * prod(ceil(n_axis / stride))``, float64.

    Examples
    --------
    >>> coarse_features(np.zeros((3, 1, 65, 65)), max_points=16).shape
    (3, 169)
    """
    values = np.asarray(values, dtype=np.float64)
    index = [slice(None), slice(None)]
    for n in values.shape[2:]:
        stride = max(1, -(-n // max_points))
        index.append(slice(None, None, stride))
    coarse = values[tuple(index)]
    return coarse.reshape(coarse.shape[0], -1)


def plan_order(n: int, features: np.ndarray | None = None) -> np.ndarray:
    """The solve sequence: the greedy nearest-neighbour chain of ``features`` from sample 0,
    or the identity without features.

    Parameters
    ----------
    n : int
    features : ndarray of shape (n, p), optional

    Returns
    -------
    ndarray of shape (n,)
        ``order[t]`` is the sample solved at step ``t``.
    """
    if features is None or n < 3:
        return identity_order(n)
    return greedy_order(features)


def positions(order: np.ndarray) -> np.ndarray:
    """Inverse permutation: ``positions(order)[i]`` is the step at which sample ``i`` is
    solved (the file's ``solve_order``)."""
    order = np.asarray(order)
    pos = np.empty(order.size, dtype=np.int64)
    pos[order] = np.arange(order.size)
    return pos


def split_chains(order: np.ndarray, done: np.ndarray, chunk: int) -> list[np.ndarray]:
    """The samples still to solve, in sequence order, cut into chains of ``chunk``.

    Parameters
    ----------
    order : ndarray of shape (N,)
    done : ndarray of bool, shape (N,)
    chunk : int
        Largest chain length, ``>= 1``.

    Returns
    -------
    list of ndarray
        Sample indices; their concatenation is ``order`` without the done samples.
    """
    todo = np.asarray(order)[~np.asarray(done, dtype=bool)[order]]
    return [todo[s : s + chunk] for s in range(0, todo.size, max(1, int(chunk)))]
