"""A thin layer over POT for unregularised OT on point clouds, in the package's units."""

from __future__ import annotations

import ot
import torch

from .costs import as_points, cost_matrix
from .gaussian import bures_w2_squared

__all__ = ["emd", "emd2", "wasserstein_1d", "bures_w2_squared"]


def _problem(x, y, a, b, p):
    x, wa = as_points(x)
    y, wb = as_points(y, dtype=x.dtype)
    a = wa if a is None else torch.as_tensor(a, dtype=x.dtype)
    b = wb if b is None else torch.as_tensor(b, dtype=x.dtype)
    if a is None:
        a = torch.full((x.shape[0],), 1.0 / x.shape[0], dtype=x.dtype)
    if b is None:
        b = torch.full((y.shape[0],), 1.0 / y.shape[0], dtype=x.dtype)
    return a, b, cost_matrix(x, y, p)


def emd(x, y, *, a=None, b=None, p: int = 2, max_iter: int = 10**7) -> torch.Tensor:
    """Exact optimal plan ``(n, m)`` between point clouds for the cost ``||x - y||^p``.

    Wraps ``ot.emd`` (network simplex), raising its iteration limit (POT's default
    ``1e5`` stops early from n ~ 1k). Cost grows about as ``n^2.3``.

    Examples
    --------
    >>> P = emd(torch.tensor([[0.0], [1.0]]), torch.tensor([[1.1], [0.1]]))
    >>> P.tolist()
    [[0.0, 0.5], [0.5, 0.0]]
    """
    a, b, C = _problem(x, y, a, b, p)
    return ot.emd(a, b, C, numItermax=max_iter)


def emd2(x, y, *, a=None, b=None, p: int = 2, max_iter: int = 10**7) -> torch.Tensor:
    """Exact OT value ``min <P, C>`` with ``C = ||x - y||^p`` (``W_p^p``), differentiable.

    Gradients come from POT's envelope theorem (plan for ``C``, centred potentials for
    the weights).

    Examples
    --------
    >>> float(emd2(torch.tensor([[0.0], [1.0]]), torch.tensor([[1.0], [2.0]])))
    1.0
    """
    a, b, C = _problem(x, y, a, b, p)
    return ot.emd2(a, b, C, numItermax=max_iter)


def wasserstein_1d(x, y, *, a=None, b=None, p: int = 1) -> torch.Tensor:
    """``W_p^p`` between 1-D samples (sorting; ``O(n log n)``).

    Parameters
    ----------
    x : tensor (n,) or (n, k)
        Samples; with ``k`` columns, ``k`` independent problems are solved at once.
    y : tensor (m,) or (m, k)
    a, b : tensors (n,) / (n, k) and (m,) / (m, k), optional
        Weights (default uniform).
    p : int

    Returns
    -------
    tensor () or (k,)

    Examples
    --------
    >>> float(wasserstein_1d(torch.tensor([0.0, 1.0]), torch.tensor([2.0, 3.0])))
    2.0
    """
    x = torch.as_tensor(x, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)
    single = x.ndim == 1
    x, y = (x[:, None], y[:, None]) if single else (x, y)
    a = None if a is None else torch.as_tensor(a, dtype=torch.float64).reshape(x.shape[0], -1)
    b = None if b is None else torch.as_tensor(b, dtype=torch.float64).reshape(y.shape[0], -1)
    out = ot.wasserstein_1d(x, y, a, b, p=p)
    return out[0] if single else out
