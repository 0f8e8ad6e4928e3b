"""Multi-resolution training from data on one grid: some batches are injected onto nested
coarser grids.

A model trained on one grid learns, along with the operator, that grid's discretization:
the aliasing of a discontinuous input's Fourier coefficients and of the pointwise layers'
outputs is different on every grid. Evaluated zero-shot on a finer grid, an FNO then errs
more than on its training grid. Training some batches on a coarser grid, made by keeping
every ``f``-th node of the same samples (exact values of the same functions, no new data),
asks one set of weights to fit the operator on two grids, which leaves less room to fit
one grid's discretization. On Darcy (FNO with 8 modes and the default domain padding, 1000
samples on 33x33, 16 epochs, every third batch on 17x17, three seeds) the zero-shot error at
65x65 went from 1.43-1.65x to 1.06-1.14x the error at 33x33, and from 3.4-4.0 % to
2.7-3.0 % in absolute terms (``benchmarks/README.md``). It does not replace domain padding:
without it, the ratio stayed near 1.4.

The coarse grid must resolve the model: an FNO keeping ``n_modes`` needs at least
``2 * n_modes`` nodes per axis there.
"""

from __future__ import annotations

import torch

from sciml.core import Field, TensorGrid
from sciml.core.errors import DiscretizationError, ParameterError, explain
from sciml.core.transfer import inject

from .pairs import Pairs

__all__ = ["MultiResolution", "check_factors"]


def check_factors(factors) -> tuple[int, ...]:
    """``factors`` as a tuple of coarsening factors (``None`` means ``(1,)``).

    Examples
    --------
    >>> check_factors([1, 1, 2])
    (1, 1, 2)
    >>> check_factors(None)
    (1,)
    """
    if factors is None:
        return (1,)
    values = tuple(factors) if isinstance(factors, (list, tuple)) else None
    if not values or not all(
        isinstance(f, int) and not isinstance(f, bool) and f >= 1 for f in values
    ):
        raise ParameterError(
            explain(
                "multiresolution must be a sequence of coarsening factors",
                expected="ints >= 1 cycled over the batches, e.g. (1, 1, 2): every third "
                "batch on the grid coarsened by 2 (1 = the data's own grid)",
                received=repr(factors),
                fix="pass a tuple of positive ints, or None for single-resolution training",
            )
        )
    return values


def _coarse_grid(disc, factor: int, role: str) -> TensorGrid:
    if not isinstance(disc, TensorGrid):
        raise ParameterError(
            explain(
                f"multi-resolution training needs the {role} on a TensorGrid",
                expected="Field data on a TensorGrid (H5Dataset and Field(values, grid) give it)",
                received=f"{role} on {disc!r}",
                fix="wrap the tensors as Field(values, TensorGrid.uniform(shape)), or pass "
                "multiresolution=None",
            )
        )
    try:
        coarse = disc.coarsen(factor)
        inject(Field(torch.zeros(disc.shape), disc), coarse)
    except DiscretizationError as err:
        raise ParameterError(
            explain(
                f"multiresolution factor {factor} does not fit the {role}' grid {disc.shape}",
                expected="a factor dividing the number of cells of every axis, with coarse "
                "nodes among the fine ones (uniform vertex or periodic axes)",
                received=str(err),
                fix="pick factors that divide the cells (33 vertex nodes: 2, 4, 8, ...)",
            )
        ) from err
    return coarse


class MultiResolution:
    """Batch ``j`` of an epoch on the grid coarsened by ``factors[j % len(factors)]``.

    Parameters
    ----------
    factors : sequence of int
        Coarsening factors cycled over the batches; 1 is the data's own grid.
    pairs : Pairs
        The training data, whose discretizations must be nested-coarsenable TensorGrids
        (checked here, before any training).

    Examples
    --------
    >>> from sciml.training.pairs import as_pairs
    >>> g = TensorGrid.uniform((9,))
    >>> data = as_pairs((Field(torch.arange(9.0)[None, None], g),) * 2)
    >>> x, y, grid, _ = MultiResolution((1, 2), data).batch(1, *data.batch(torch.tensor([0])))
    >>> x.flatten().tolist(), grid.shape
    ([0.0, 2.0, 4.0, 6.0, 8.0], (5,))
    """

    def __init__(self, factors, pairs: Pairs):
        self.factors = check_factors(factors)
        self.grids = {
            f: (
                _coarse_grid(pairs.in_disc, f, "inputs"),
                _coarse_grid(pairs.out_disc, f, "targets"),
            )
            for f in set(self.factors)
            if f > 1
        }
        self.fine = (pairs.in_disc, pairs.out_disc)

    def batch(self, step: int, x: torch.Tensor, y: torch.Tensor):
        """``(x, y, in_disc, out_disc)`` of the ``step``-th batch of an epoch.

        ``x`` and ``y`` have shapes ``(B, c, *shape)`` on the data's grids; the returned
        values are the same samples at the nodes of the step's (possibly coarser) grids.
        """
        factor = self.factors[step % len(self.factors)]
        if factor == 1:
            return x, y, *self.fine
        (fin, fout), (cin, cout) = self.fine, self.grids[factor]
        return inject(Field(x, fin), cin).values, inject(Field(y, fout), cout).values, cin, cout
