r"""Multigrid patching (MG-TFNO's domain decomposition, Kossaifi et al. 2024).

The input is cut into ``2**levels`` patches per axis. Each patch is passed to the wrapped
model together with ``levels`` coarse *context* channels: at level ``l`` the window
``2**l`` times larger than the (padded) patch, centred on it, averaged down by ``2**l`` to
the patch size. The model therefore sees a high-resolution local view and increasingly
coarse global views, in ``(levels + 1) * c`` channels, and outputs the patch; the patches
are stitched back together.

Simplifications, documented rather than hidden:

* windows wrap around periodically (MG-TFNO's Navier-Stokes setting); for non-periodic
  data the context near the boundary mixes in the opposite side;
* all patches of a batch go through the model as one batch of ``B * 2**(levels * d)``
  (the memory saving of sequential patches is not implemented);
* ``padding`` extends each patch by ``round(padding * s)`` points per side (``s`` the
  patch size) taken from its neighbours, and the model output is cropped back: this
  reduces seams between patches; there is no overlap averaging ("stitching") beyond it;
* the wrapped model receives raw tensors, each patch read as its own unit box (so a
  coordinate embedding inside it is patch-local).
"""

from __future__ import annotations

import itertools
from typing import final

import torch
import torch.nn.functional as F
from torch import nn

from sciml.core.errors import ShapeError, explain

from ._checks import check_fraction, check_int
from .base import AbstractOperator, build
from .embedding import grid_input

__all__ = ["MultigridPatching"]

_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


@final
class MultigridPatching(AbstractOperator):
    """Wrap a grid model to act on patches with multigrid context.

    Parameters
    ----------
    model : AbstractOperator or dict
        The patch model (or its ``spec()``), mapping ``(levels + 1) * c`` input channels on
        a patch to the output channels on the same patch.
    levels : int
        ``2**levels`` patches per axis; ``levels`` context channels groups.
    ndim : int
        Spatial dimension (1, 2 or 3).
    padding : float
        Patch padding as a fraction of the patch size.

    Shapes
    ------
    ``(B, c, n_1, ..., n_d) -> (B, c_out, n_1, ..., n_d)`` with every ``n_i`` divisible by
    ``2**levels``; a Field in, a Field on the same grid out.

    Examples
    --------
    >>> from sciml.operators import FNO
    >>> inner = FNO(3, 1, (4, 4), 8, 2, positional_embedding=False, seed=0)
    >>> mg = MultigridPatching(inner, levels=2, ndim=2)
    >>> mg(torch.randn(2, 1, 32, 32)).shape
    torch.Size([2, 1, 32, 32])
    """

    def __init__(self, model, levels: int, ndim: int = 2, *, padding: float = 0.0):
        super().__init__()
        self.model = build(model) if isinstance(model, dict) else model
        if not isinstance(self.model, nn.Module):
            raise ShapeError(
                explain(
                    "MultigridPatching wraps a model",
                    expected="an AbstractOperator or its spec() dict",
                    received=type(model).__name__,
                    fix="pass e.g. FNO(...)",
                )
            )
        self.levels = check_int(levels, "levels", minimum=1)
        self.ndim = check_int(ndim, "ndim")
        self.padding = check_fraction(padding, "padding", upper=1.0)
        inner = self.model.spec() if isinstance(self.model, AbstractOperator) else None
        self._store_config(model=inner, levels=self.levels, ndim=self.ndim, padding=self.padding)

    def _windows(self, x, starts, width):
        """Periodic windows: (B, c, *n) -> (P_d, ..., P_1, B, c, *width)."""
        d = self.ndim
        for i in range(d):
            dim = x.ndim - d + i
            n = x.shape[dim]
            idx = (starts[i][:, None] + torch.arange(width[i])) % n
            x = x.index_select(dim, idx.reshape(-1).to(x.device))
            x = x.unflatten(dim, idx.shape).movedim(dim, 0)
        return x

    def forward(self, x, grid=None):
        channels = x.channels if hasattr(x, "channels") else x.shape[1]
        inp = grid_input(x, grid, self.ndim, channels, "MultigridPatching")
        v, shape, d = inp.values, inp.grid.shape, self.ndim
        parts = 2**self.levels
        if any(n % parts for n in shape):
            valid = [(max(n // parts, 1) * parts, (n // parts + 1) * parts) for n in shape]
            raise ShapeError(
                explain(
                    f"{parts} patches per axis ({self.levels} levels) do not tile the grid",
                    expected=f"every axis divisible by 2**levels = {parts}",
                    received=f"grid shape {shape}",
                    fix=f"use sizes such as {valid} or fewer levels",
                )
            )
        size = [n // parts for n in shape]
        pad = [round(self.padding * s) for s in size]
        local = [s + 2 * p for s, p in zip(size, pad)]
        groups = []
        for level in range(self.levels + 1):
            f = 2**level
            width = [w * f for w in local]
            starts = [torch.arange(parts) * s - (w - s) // 2 for s, w in zip(size, width)]
            win = self._windows(v, starts, width)
            lead = win.shape[: d + 1]
            win = win.reshape(-1, *win.shape[d + 1 :])
            if f > 1:
                win = _POOL[d](win, kernel_size=f)
            groups.append(win)
        out = self.model(torch.cat(groups, dim=1))
        out = out[(slice(None), slice(None), *(slice(p, p + s) for p, s in zip(pad, size)))]
        out = out.reshape(*lead, *out.shape[1:])  # (P_d, ..., P_1, B, c_out, *size)
        perm = [d, d + 1] + list(itertools.chain(*((d - i, d + 1 + i) for i in range(1, d + 1))))
        out = out.permute(perm).reshape(out.shape[d], out.shape[d + 1], *shape)
        return inp.wrap(out)
