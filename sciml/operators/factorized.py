r"""Spectral weight tensors :math:`R \in \mathbb C^{c_{in} \times c_{out} \times K_1 \times
\dots \times K_d}`: dense, Tucker-factorized or CP-factorized, in pure torch.

* Dense: every entry is a parameter, :math:`c_{in} c_{out} \prod K_i` complex numbers.
* Tucker: :math:`R = G \times_1 U_1 \times_2 \dots \times_N U_N` with a core
  :math:`G \in \mathbb C^{r_1 \times \dots \times r_N}` and factor matrices
  :math:`U_j \in \mathbb C^{n_j \times r_j}`: :math:`\prod r_j + \sum n_j r_j` numbers.
* CP: :math:`R = \sum_{r=1}^{R} u^{(1)}_r \otimes \dots \otimes u^{(N)}_r`, factors
  :math:`U_j \in \mathbb C^{n_j \times R}`: :math:`R \sum_j n_j` numbers.

The factorized weights are rebuilt as a dense tensor in every forward pass (the
"reconstructed" contraction): simple, and the rebuild costs less than the FFTs around it.
Complex parameters are stored as real tensors with a trailing axis of 2 (``torch.view_as_real``
layout), so optimizers, ``state_dict`` and DistributedDataParallel see ordinary real tensors.

Initialization: entries of :math:`R` are zero-mean with :math:`E|R|^2 = s^2` (``scale``). For
Tucker, core entries have :math:`E|G|^2 = s^2` and factor entries :math:`E|U_j|^2 = 1/r_j`,
so :math:`E|R|^2 = \prod_j r_j \cdot s^2 \prod_j r_j^{-1} = s^2`. For CP, each factor has
:math:`E|U_j|^2 = (s^2 / R)^{1/N}`, so :math:`E|R|^2 = R \prod_j (s^2/R)^{1/N} = s^2`.
"""

from __future__ import annotations

import abc
import math
import numbers
import string
from typing import final

import torch
from torch import nn

from sciml.core.errors import ParameterError, explain

__all__ = [
    "AbstractSpectralWeight",
    "DenseWeight",
    "TuckerWeight",
    "CPWeight",
    "spectral_weight",
    "FACTORIZATIONS",
    "complex_parameter",
    "as_complex",
]

FACTORIZATIONS = (None, "tucker", "cp")


def complex_parameter(shape, std: float) -> nn.Parameter:
    """A real ``(*shape, 2)`` parameter holding complex entries with ``E|w|^2 = std**2``
    (real and imaginary parts independent ``N(0, std**2 / 2)``)."""
    return nn.Parameter(torch.randn(*shape, 2) * (std / math.sqrt(2.0)))


def as_complex(p: torch.Tensor) -> torch.Tensor:
    """The complex view of a real ``(..., 2)`` tensor."""
    return torch.view_as_complex(p if p.is_contiguous() else p.contiguous())


class AbstractSpectralWeight(nn.Module, abc.ABC):
    """A complex tensor of fixed ``shape`` built from parameters.

    Calling the module returns the complex tensor of shape :attr:`shape`.
    """

    shape: tuple[int, ...]

    @abc.abstractmethod
    def forward(self) -> torch.Tensor: ...

    @property
    def dense_parameter_count(self) -> int:
        """Real scalars of the dense tensor of the same shape (2 per complex entry)."""
        return 2 * math.prod(self.shape)

    @property
    def parameter_count(self) -> int:
        """Real scalars actually stored."""
        return sum(p.numel() for p in self.parameters())


@final
class DenseWeight(AbstractSpectralWeight):
    """Every entry a parameter.

    Examples
    --------
    >>> w = DenseWeight((2, 3, 4), scale=0.5)
    >>> w().shape, w().dtype, w.parameter_count
    (torch.Size([2, 3, 4]), torch.complex64, 48)
    """

    def __init__(self, shape, *, scale: float = 1.0):
        super().__init__()
        self.shape = tuple(int(s) for s in shape)
        self.weight = complex_parameter(self.shape, scale)

    def forward(self) -> torch.Tensor:
        return as_complex(self.weight)


def tucker_ranks(shape, rank) -> tuple[int, ...]:
    """Tucker ranks from a fraction of the dense size, one int, or one int per mode.

    A float ``rank`` in (0, 1] is the target ratio of factorized to dense numbers: the
    ranks ``r_j = clip(round(a n_j), 1, n_j)`` with the largest ``a`` whose count
    ``prod r_j + sum n_j r_j`` stays within ``rank * prod n_j``.
    """
    shape = tuple(shape)
    if isinstance(rank, numbers.Integral) and not isinstance(rank, bool):
        ranks = tuple(min(max(int(rank), 1), n) for n in shape)
    elif isinstance(rank, numbers.Real) and not isinstance(rank, bool):
        if not 0.0 < float(rank) <= 1.0:
            raise _rank_error(rank, "tucker")
        budget = float(rank) * math.prod(shape)

        def at(a):
            return tuple(min(max(round(a * n), 1), n) for n in shape)

        def count(r):
            return math.prod(r) + sum(n * k for n, k in zip(shape, r))

        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if count(at(mid)) <= budget else (lo, mid)
        ranks = at(lo)
    else:
        try:
            ranks = tuple(int(r) for r in rank)
        except TypeError:
            raise _rank_error(rank, "tucker") from None
        if len(ranks) != len(shape) or any(not 1 <= r <= n for r, n in zip(ranks, shape)):
            raise _rank_error(rank, "tucker", shape)
    return ranks


def _rank_error(rank, kind, shape=None):
    bound = f" with 1 <= r_j <= n_j for shape {shape}" if shape else ""
    return ParameterError(
        explain(
            f"invalid {kind} rank",
            expected="a float in (0, 1] (fraction of the dense size), a positive int"
            + (", or one int per mode" if kind == "tucker" else "")
            + bound,
            received=repr(rank),
            fix="pass e.g. rank=0.1",
        )
    )


def _letters(n: int) -> str:
    return string.ascii_lowercase[:n]


@final
class TuckerWeight(AbstractSpectralWeight):
    r"""Tucker factorization :math:`R = G \times_1 U_1 \dots \times_N U_N`.

    Parameters
    ----------
    shape : tuple of int
        Shape ``(n_1, ..., n_N)`` of the complex tensor.
    rank : float, int or tuple of int
        See :func:`tucker_ranks`; ``rank=shape`` is full rank (reproduces any tensor).
    scale : float
        Target ``E|R|^2 = scale**2`` at initialization.

    Examples
    --------
    >>> w = TuckerWeight((4, 4, 5), rank=(2, 2, 3))
    >>> w.ranks, w.parameter_count  # 2 * (2*2*3 + 4*2 + 4*2 + 5*3)
    ((2, 2, 3), 86)
    """

    def __init__(self, shape, rank=0.1, *, scale: float = 1.0):
        super().__init__()
        self.shape = tuple(int(s) for s in shape)
        self.ranks = tucker_ranks(self.shape, rank)
        self.core = complex_parameter(self.ranks, scale)
        self.factors = nn.ParameterList(
            [complex_parameter((n, r), 1.0 / math.sqrt(r)) for n, r in zip(self.shape, self.ranks)]
        )

    def forward(self) -> torch.Tensor:
        n = len(self.shape)
        core, out = _letters(n), string.ascii_uppercase[:n]
        expr = ",".join([core] + [o + c for o, c in zip(out, core)]) + "->" + out
        return torch.einsum(expr, as_complex(self.core), *map(as_complex, self.factors))

    @classmethod
    def from_dense(cls, weight: torch.Tensor, rank=None) -> TuckerWeight:
        """Truncated higher-order SVD of a complex tensor (exact at full rank).

        Parameters
        ----------
        weight : complex torch.Tensor
        rank : optional
            As in the constructor; default full rank.
        """
        shape = tuple(weight.shape)
        module = cls(shape, shape if rank is None else rank)
        factors = []
        for j, r in enumerate(module.ranks):
            unfold = torch.movedim(weight, j, 0).reshape(shape[j], -1)
            u, _, _ = torch.linalg.svd(unfold, full_matrices=False)
            factors.append(u[:, :r])
        core = weight
        for j, u in enumerate(factors):
            core = torch.movedim(torch.tensordot(core, u.conj(), dims=([j], [0])), -1, j)
        with torch.no_grad():
            module.core.copy_(torch.view_as_real(core.to(torch.complex64)))
            for p, u in zip(module.factors, factors):
                p.copy_(torch.view_as_real(u.to(torch.complex64)))
        return module


@final
class CPWeight(AbstractSpectralWeight):
    r"""CP (canonical polyadic) factorization :math:`R = \sum_r \bigotimes_j U_j[:, r]`.

    Parameters
    ----------
    shape : tuple of int
    rank : float or int
        A float in (0, 1] is the target ratio to the dense size, ``R = round(rank *
        prod(n) / sum(n))``; an int is ``R``.
    scale : float

    Examples
    --------
    >>> w = CPWeight((4, 4, 5), rank=3)
    >>> w.rank, w.parameter_count  # 2 * 3 * (4 + 4 + 5)
    (3, 78)
    """

    def __init__(self, shape, rank=0.1, *, scale: float = 1.0):
        super().__init__()
        self.shape = tuple(int(s) for s in shape)
        if isinstance(rank, numbers.Integral) and not isinstance(rank, bool) and rank >= 1:
            self.rank = int(rank)
        elif isinstance(rank, numbers.Real) and not isinstance(rank, bool) and 0 < rank <= 1:
            self.rank = max(1, round(float(rank) * math.prod(self.shape) / sum(self.shape)))
        else:
            raise _rank_error(rank, "cp")
        std = (scale**2 / self.rank) ** (1.0 / (2 * len(self.shape)))
        self.factors = nn.ParameterList(
            [complex_parameter((n, self.rank), std) for n in self.shape]
        )

    def forward(self) -> torch.Tensor:
        n = len(self.shape)
        out = _letters(n)
        expr = ",".join(o + "z" for o in out) + "->" + out
        return torch.einsum(expr, *map(as_complex, self.factors))

    @classmethod
    def from_dense(cls, weight: torch.Tensor) -> CPWeight:
        """An exact CP decomposition of rank ``prod(shape) / max(shape)``: one rank-one
        term per fibre along the longest mode (indicator vectors on the other modes)."""
        shape = tuple(weight.shape)
        fibre = max(range(len(shape)), key=lambda j: shape[j])
        others = [j for j in range(len(shape)) if j != fibre]
        rank = math.prod(shape[j] for j in others)
        module = cls(shape, rank)
        index = torch.arange(rank)
        with torch.no_grad():
            stride = rank
            for j in others:
                stride //= shape[j]
                onehot = torch.zeros(shape[j], rank, dtype=torch.complex64)
                onehot[(index // stride) % shape[j], index] = 1.0
                module.factors[j].copy_(torch.view_as_real(onehot))
            fibres = torch.movedim(weight, fibre, -1).reshape(rank, shape[fibre])
            module.factors[fibre].copy_(torch.view_as_real(fibres.T.to(torch.complex64)))
        return module


def spectral_weight(shape, factorization=None, rank=0.1, *, scale=1.0) -> AbstractSpectralWeight:
    """The weight module for ``factorization`` in ``(None, "tucker", "cp")``."""
    if factorization is None:
        return DenseWeight(shape, scale=scale)
    if factorization == "tucker":
        return TuckerWeight(shape, rank, scale=scale)
    if factorization == "cp":
        return CPWeight(shape, rank, scale=scale)
    raise ParameterError(
        explain(
            "unknown factorization of the spectral weights",
            expected="None (dense), 'tucker' or 'cp'",
            received=repr(factorization),
            fix="pass factorization=None, 'tucker' or 'cp'",
        )
    )
