"""The contract of a PDE problem family: seeded inputs, a discretization, reference solves.

Three abstract levels; every concrete family is final and implements only the abstract
methods of its level (no concrete method is overridden):

* :class:`AbstractProblemFamily`: ``grid``, ``channels``, ``parameters``,
  ``sample_inputs(n, *, rng, start=0)`` and ``solve(inputs)``;
* :class:`AbstractLinearFamily`: linear problems on the vertex grid of the unit square with
  zero Dirichlet values: ``matrix_varies``, ``symmetric``, ``definite`` and
  ``solution_field(u_vec)``;
* :class:`AbstractStationaryFamily`: ``assemble(inputs_i) -> (A, b)`` for one sample, and a
  direct reference ``solve`` (one LU per sample, or one for all when the matrix is shared).

Constant facts (``channels``, ``order``, the flags) are class attributes of the concrete
families, which implement the abstract properties. The flags are guarantees for every
sample: ``symmetric`` means :math:`A = A^T` exactly, ``definite`` that :math:`A` is symmetric
positive definite, ``matrix_varies=False`` that every sample has the same matrix (factor
once, or recycle nothing).
"""

from __future__ import annotations

import abc

import numpy as np
import scipy.sparse as sp
import torch
from scipy.sparse.linalg import splu

from sciml.core import Field, ShapeError, TensorGrid
from sciml.core.errors import explain

from ._checks import batch_values, check_finite, check_resolution
from .seeding import sample_generators
from .stencils import embed_interior, interior, spacing, unit_square_grid

__all__ = ["AbstractProblemFamily", "AbstractLinearFamily", "AbstractStationaryFamily"]


class AbstractProblemFamily(abc.ABC):
    """A distribution of PDE inputs and the map from inputs to solutions."""

    @property
    @abc.abstractmethod
    def grid(self) -> TensorGrid:
        """The grid of inputs and solutions."""

    @property
    @abc.abstractmethod
    def channels(self) -> tuple[str, ...]:
        """Names of the input channels, in order."""

    @abc.abstractmethod
    def _parameters(self) -> dict:
        """Family-specific entries of :attr:`parameters`."""

    @abc.abstractmethod
    def _draw(self, generator: np.random.Generator, index: int) -> np.ndarray:
        """Inputs of sample ``index``, shape ``(len(channels), *grid.shape)``, drawn from that
        sample's own generator."""

    @abc.abstractmethod
    def solve(self, inputs) -> Field:
        """Solutions for a batch of inputs (a Field from :meth:`sample_inputs`)."""

    # ------------------------------------------------------------------ concrete
    @property
    def parameters(self) -> dict:
        """JSON-serializable description of the family, for dataset metadata."""
        return {"family": type(self).__name__, **self._parameters()}

    def sample_inputs(self, n: int, *, rng, start: int = 0) -> Field:
        """Inputs of samples ``start, ..., start + n - 1``.

        Parameters
        ----------
        n : int
            Number of samples.
        rng : int, SeedSequence or numpy Generator
            Root of the per-sample streams (:func:`sciml.solvers.pde.seeding.root_sequence`):
            sample ``i`` depends only on ``rng`` and ``i``, never on ``n`` or ``start``.
        start : int
            Index of the first sample, to resume or shard a dataset.

        Returns
        -------
        Field
            Values of shape ``(n, len(channels), *grid.shape)``, float64, channels-first.
        """
        gens = sample_generators(n, rng, start=start)
        draws = [self._draw(g, start + i) for i, g in enumerate(gens)]
        shape = (0, len(self.channels), *self.grid.shape)
        values = np.stack(draws) if draws else np.zeros(shape)
        return Field(torch.from_numpy(np.ascontiguousarray(values)), self.grid)

    def _batch(self, inputs) -> np.ndarray:
        return batch_values(inputs, self.grid.shape, self.channels)


class AbstractLinearFamily(AbstractProblemFamily):
    r"""A linear problem on the ``R x R`` vertex grid of :math:`[0,1]^2`, zero Dirichlet
    values; the unknowns are the :math:`(R-2)^2` interior nodes (see
    :mod:`sciml.solvers.pde.stencils`)."""

    def __init__(self, resolution: int):
        self.resolution = check_resolution(resolution)
        self._grid = unit_square_grid(self.resolution)
        self._h = spacing(self._grid)

    @property
    @abc.abstractmethod
    def matrix_varies(self) -> bool:
        """False when every sample shares one matrix."""

    @property
    @abc.abstractmethod
    def symmetric(self) -> bool:
        """True when every matrix is exactly symmetric."""

    @property
    @abc.abstractmethod
    def definite(self) -> bool:
        """True when every matrix is symmetric positive definite."""

    # ------------------------------------------------------------------ concrete
    @property
    def grid(self) -> TensorGrid:
        return self._grid

    @property
    def n_unknowns(self) -> int:
        """Size of the linear systems, :math:`(R-2)^2`."""
        return (self.resolution - 2) ** 2

    def solution_field(self, u_vec) -> Field:
        """Interior solution vectors as a Field with the boundary values (zero) filled in.

        Parameters
        ----------
        u_vec : array_like of shape (n_unknowns,) or (batch, n_unknowns)

        Returns
        -------
        Field of shape (1, R, R) or (batch, 1, R, R)
        """
        u = u_vec.detach().cpu().numpy() if isinstance(u_vec, torch.Tensor) else u_vec
        u = np.asarray(u, dtype=np.float64)
        if u.ndim not in (1, 2) or u.shape[-1] != self.n_unknowns:
            raise ShapeError(
                explain(
                    "solution vector does not match the family's unknowns",
                    expected=f"shape ({self.n_unknowns},) or (batch, {self.n_unknowns})",
                    received=f"shape {u.shape}",
                    fix="pass the solution of the system returned by assemble()",
                )
            )
        full = embed_interior(u, self.grid.shape)
        return Field(torch.from_numpy(full[..., None, :, :]), self.grid)

    def _rhs(self, source, default) -> np.ndarray:
        """Interior right-hand side from nodal source values (``source`` overrides)."""
        f = default if source is None else source
        f = np.broadcast_to(np.asarray(f, dtype=np.float64), self.grid.shape)
        return interior(check_finite(f, "source f")).copy()


class AbstractStationaryFamily(AbstractLinearFamily):
    """A stationary linear problem: one sparse system per sample."""

    @property
    @abc.abstractmethod
    def order(self) -> int:
        """Declared order of accuracy in the grid spacing ``h`` (smooth data)."""

    @abc.abstractmethod
    def assemble(self, inputs_i, *, source=None) -> tuple[sp.csr_matrix, np.ndarray]:
        """The linear system of one sample.

        Parameters
        ----------
        inputs_i : Field or array_like of shape (len(channels), R, R)
            One sample of :meth:`sample_inputs`.
        source : float or array_like of shape (R, R), optional
            Nodal values of the right-hand side ``f``, replacing the family's own
            (manufactured solutions use it).

        Returns
        -------
        A : csr_matrix of shape (n_unknowns, n_unknowns)
            Shared (and read-only) between samples when ``matrix_varies`` is False.
        b : ndarray of shape (n_unknowns,)
        """

    def solve(self, inputs) -> Field:
        """Direct reference solutions (SuperLU), shape ``(n, 1, R, R)``.

        One factorization per sample, or a single one reused by every sample when
        ``matrix_varies`` is False.
        """
        batch = self._batch(inputs)
        out = np.zeros((batch.shape[0], self.n_unknowns))
        lu = None
        for i, sample in enumerate(batch):
            A, b = self.assemble(sample)
            if lu is None or self.matrix_varies:
                lu = splu(sp.csc_matrix(A))
            out[i] = lu.solve(b)
        return self.solution_field(out)
