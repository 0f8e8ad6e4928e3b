r"""A multi-channel V-cycle as a learnable linear operator (MgNet / MgNO).

It maps a right-hand side ``f`` (``in_channels``) to an approximate "solution" ``u``
(``out_channels``) the way a multigrid V-cycle for :math:`A u = f` would, with every
operator a learnable convolution:

* smoothing on level ``l``: :math:`u \leftarrow u + S_l (f_l - A_l u)`; the first step on
  the finest level is :math:`u = S_0 f`. :math:`A_l` (u to f channels) and :math:`S_l`
  (f to u channels) are 3-point stencils per axis (``3**d`` taps), no bias;
* restriction: :math:`u_{l+1} = \Pi_l u_l`, :math:`f_{l+1} = R_l (f_l - A_l u_l)`, both
  stride-2 convolutions with 3-point stencils;
* prolongation: :math:`u_l \leftarrow u_l + P_l u_{l+1}`, a stride-2 transposed
  convolution (4 taps on cell-centred grids, 3 on vertex grids, so the coarse nodes nest
  in the fine ones), then optional post-smoothing.

Boundary handling is the convolutions' ``padding_mode``: ``"zeros"`` (homogeneous
Dirichlet), ``"circular"`` (periodic), ``"reflect"`` or ``"replicate"``; the transposed
convolutions pad their input the same way before the transpose.

Grid sizes: ``levels`` grids (finest included), so ``levels - 1`` halvings. A cell-centred
(or periodic) axis of ``n`` points needs ``n`` divisible by ``2**(levels - 1)``; a vertex axis
(both ends are nodes) needs ``n - 1`` divisible by it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from sciml.core.errors import ParameterError, explain

__all__ = ["VCycle", "PADDING_MODES", "CENTERINGS"]

PADDING_MODES = ("zeros", "circular", "reflect", "replicate")
CENTERINGS = ("cell", "vertex")
_CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
_CONV_T = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
_PAD = {"zeros": "constant", "circular": "circular", "reflect": "reflect", "replicate": "replicate"}


def conv(ndim, c_in, c_out, *, stride=1, padding_mode="zeros", bias=False) -> nn.Module:
    """3-point-per-axis convolution that keeps (stride 1) or halves (stride 2) the grid."""
    return _CONV[ndim](
        c_in, c_out, 3, stride=stride, padding=1, padding_mode=padding_mode, bias=bias
    )


class Prolongation(nn.Module):
    """Stride-2 transposed convolution from ``m`` to ``2 m`` (cell) or ``m`` to ``2 m - 1``
    (vertex) points per axis, with the boundary padding of ``padding_mode``."""

    def __init__(self, ndim, channels, *, padding_mode="zeros", centering="cell"):
        super().__init__()
        self.ndim, self.padding_mode, self.centering = ndim, padding_mode, centering
        kernel = 4 if centering == "cell" else 3
        self.conv = _CONV_T[ndim](channels, channels, kernel, stride=2, bias=False)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        d = self.ndim
        pad = [1] * (2 * d)
        u = F.pad(u, pad, mode=_PAD[self.padding_mode])
        out = self.conv(u)
        for i in range(d):
            dim = out.ndim - d + i
            m = u.shape[dim] - 2
            out = out.narrow(dim, 3, 2 * m if self.centering == "cell" else 2 * m - 1)
        return out


class VCycle(nn.Module):
    """One V-cycle from ``in_channels`` (f) to ``out_channels`` (u).

    Parameters
    ----------
    in_channels, out_channels : int
    levels : int
        Number of grids, finest included.
    ndim : int
    pre_smooth, post_smooth : int or sequence of int
        Smoothing steps per level (a sequence gives one count per level, finest first);
        the finest level always does at least one pre-smoothing step (``u = S_0 f``).
    padding_mode : {"zeros", "circular", "reflect", "replicate"}
    centering : {"cell", "vertex"}

    Shapes
    ------
    ``(B, in_channels, *shape) -> (B, out_channels, *shape)``

    Examples
    --------
    >>> vc = VCycle(2, 3, levels=3, ndim=2, centering="vertex")
    >>> vc(torch.randn(1, 2, 17, 9)).shape
    torch.Size([1, 3, 17, 9])
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        levels,
        ndim,
        *,
        pre_smooth=1,
        post_smooth=0,
        padding_mode="zeros",
        centering="cell",
    ):
        super().__init__()
        self.levels = levels
        self.pre = _per_level(pre_smooth, levels)
        self.post = _per_level(post_smooth, levels)
        self.pre[0] = max(self.pre[0], 1)
        c_f, c_u = in_channels, out_channels
        kw = {"padding_mode": padding_mode}
        self.A = nn.ModuleList(conv(ndim, c_u, c_f, **kw) for _ in range(levels))
        self.S = nn.ModuleList(conv(ndim, c_f, c_u, **kw) for _ in range(levels))
        self.Pi = nn.ModuleList(conv(ndim, c_u, c_u, stride=2, **kw) for _ in range(levels - 1))
        self.R = nn.ModuleList(conv(ndim, c_f, c_f, stride=2, **kw) for _ in range(levels - 1))
        self.P = nn.ModuleList(
            Prolongation(ndim, c_u, padding_mode=padding_mode, centering=centering)
            for _ in range(levels - 1)
        )

    def _smooth(self, level, u, f, steps):
        for _ in range(steps):
            u = u + self.S[level](f - self.A[level](u))
        return u

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        u = self.S[0](f)
        u = self._smooth(0, u, f, self.pre[0] - 1)
        us, fs = [u], [f]
        for level in range(1, self.levels):
            f = self.R[level - 1](fs[-1] - self.A[level - 1](us[-1]))
            u = self._smooth(level, self.Pi[level - 1](us[-1]), f, self.pre[level])
            us.append(u)
            fs.append(f)
        u = us[-1]
        for level in range(self.levels - 2, -1, -1):
            u = us[level] + self.P[level](u)
            u = self._smooth(level, u, fs[level], self.post[level])
        return u


def _per_level(count, levels) -> list[int]:
    if isinstance(count, int):
        return [count] * levels
    counts = [int(c) for c in count]
    if len(counts) != levels:
        raise ParameterError(
            explain(
                "smoothing counts are one per level",
                expected=f"an int or {levels} ints (finest level first)",
                received=repr(count),
                fix="pass e.g. pre_smooth=1 or a list with one count per level",
            )
        )
    return counts
