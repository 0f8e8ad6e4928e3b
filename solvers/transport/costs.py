"""Ground costs between point sets."""

from __future__ import annotations

import torch

from sciml.core import PointCloud, ShapeError
from sciml.core.errors import explain

__all__ = ["cost_matrix", "as_points"]


def as_points(x, *, dtype=None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Coordinates and weights of a :class:`PointCloud`, or ``(x, None)`` for a tensor.

    A 1-D tensor is read as ``n`` points in one dimension.
    """
    if isinstance(x, PointCloud):
        pts, w = x.points(), x.weights()
        if dtype is not None:
            pts, w = pts.to(dtype), w.to(dtype)
        return pts, w
    x = torch.as_tensor(x)
    if not x.is_floating_point():
        x = x.to(torch.float64)
    if dtype is not None:
        x = x.to(dtype)
    return (x[:, None] if x.ndim == 1 else x), None


def cost_matrix(x, y, p: int = 2) -> torch.Tensor:
    """Pairwise cost ``C[..., i, j] = ||x_i - y_j||^p``.

    Parameters
    ----------
    x : tensor of shape (..., n, d)
    y : tensor of shape (..., m, d)
    p : {1, 2}
        ``p = 2`` is the squared Euclidean cost ``||x - y||^2`` (POT's ``sqeuclidean``;
        *not* ``1/2 ||x - y||^2``, see the ε conventions in :mod:`.sinkhorn`).

    Returns
    -------
    tensor of shape (..., n, m)

    Notes
    -----
    ``p = 2`` uses ``|x|^2 + |y|^2 - 2 x.y`` (one matrix product), clamped at 0; in float32
    with coordinates far from the origin, centre the points first to avoid cancellation.

    Examples
    --------
    >>> cost_matrix(torch.tensor([[0.0], [1.0]]), torch.tensor([[2.0]])).tolist()
    [[4.0], [1.0]]
    """
    x, y = torch.as_tensor(x), torch.as_tensor(y)
    if x.ndim < 2 or y.ndim < 2 or x.shape[-1] != y.shape[-1]:
        raise ShapeError(
            explain(
                "point sets must be (..., n, d) and (..., m, d) with the same d",
                expected="matching last dimensions",
                received=f"shapes {tuple(x.shape)} and {tuple(y.shape)}",
                fix="reshape 1-D samples to (n, 1)",
            )
        )
    if p == 2:
        sq = (x * x).sum(-1)[..., :, None] + (y * y).sum(-1)[..., None, :]
        return (sq - 2.0 * x @ y.transpose(-1, -2)).clamp_min(0.0)
    if p == 1:
        return torch.cdist(x, y, p=2)
    raise ShapeError(
        explain("unsupported cost exponent", expected="p in {1, 2}", received=f"p={p}", fix="")
    )
