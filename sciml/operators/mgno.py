r"""MgNO (He, Liu, Xu, ICLR 2024): a neural operator whose linear maps between neurons are
multi-channel V-cycles.

.. math::

    u^{(l+1)} = \sigma\big(\mathcal V_l u^{(l)} + W_l u^{(l)} + b_l\big), \qquad
    u = Q u^{(L)}

with :math:`\mathcal V_l` a :class:`~.vcycle.VCycle` (the paper's :math:`\sum_j W_{ij}
u_j`, every :math:`W_{ij}` a V-cycle), :math:`W_l, b_l` a pointwise linear map with bias
and :math:`Q` a pointwise linear head. There are no lifting or projection MLPs: the first
V-cycle maps the input channels to the hidden ones.

Boundary conditions enter through the convolutions' ``padding_mode`` (``"zeros"`` for
Dirichlet problems, ``"circular"`` for periodic ones). The same weights run on any grid
size that the hierarchy divides (see :mod:`.vcycle`): the stencils are in grid units, so
evaluating at another resolution changes the operator (Berner et al.'s principle 3); MgNO
is not discretization-convergent in the FNO sense.
"""

from __future__ import annotations

from typing import final

import torch
from torch import nn

from sciml.core import TensorGrid
from sciml.core.errors import DiscretizationError, ShapeError, explain

from ._checks import check_choice, check_int
from .base import AbstractOperator, seeded
from .embedding import grid_input
from .mlp import PointwiseMLP, make_activation
from .vcycle import CENTERINGS, PADDING_MODES, VCycle

__all__ = ["MgNO", "check_mg_shape"]


def check_mg_shape(shape, levels: int, centering: str) -> None:
    """Raise a :class:`ShapeError` naming the nearest valid sizes unless every axis can be
    halved ``levels - 1`` times.

    Examples
    --------
    >>> check_mg_shape((33, 33), 4, "vertex")
    >>> check_mg_shape((34,), 4, "vertex")
    Traceback (most recent call last):
    ...
    sciml.core.errors.ShapeError: MgNO with levels=4 halves each axis 3 times...
    """
    factor = 2 ** (levels - 1)
    extra = 1 if centering == "vertex" else 0
    bad = [n for n in shape if n - extra < factor or (n - extra) % factor]
    if not bad:
        return
    n = bad[0]
    below = max((n - extra) // factor, 1) * factor + extra
    above = ((n - extra) // factor + 1) * factor + extra
    nearest = sorted({below, above} - {n})
    rule = "n - 1" if extra else "n"
    raise ShapeError(
        explain(
            f"MgNO with levels={levels} halves each axis {levels - 1} times, which a "
            f"{centering}-centred axis of {n} points does not allow",
            expected=f"{rule} divisible by 2**(levels - 1) = {factor} on every axis",
            received=f"grid shape {tuple(shape)}",
            fix=f"use the nearest valid sizes {nearest} (resample with Field.on), or fewer levels",
        )
    )


def _check_centering(grid: TensorGrid, centering: str) -> None:
    for i, ax in enumerate(grid.axes):
        vertex = ax.kind == "uniform" and not ax.periodic and ax.offset == 0.0
        cell = ax.kind == "uniform" and (ax.periodic or ax.offset == 0.5)
        if not (vertex if centering == "vertex" else cell):
            raise DiscretizationError(
                explain(
                    f"MgNO was built for {centering}-centred grids; axis {i} is {ax!r}",
                    expected="uniform non-periodic vertex axes (both ends are nodes)"
                    if centering == "vertex"
                    else "uniform periodic or cell-centred axes",
                    received=repr(ax),
                    fix="build the model with the grid's centering, or resample the input",
                )
            )


@final
class MgNO(AbstractOperator):
    """Multigrid neural operator.

    Parameters
    ----------
    in_channels, out_channels : int
    hidden_channels : int
    n_layers : int
    levels : int
        Grids in each V-cycle, the finest included (``levels - 1`` halvings).
    ndim : int
        Spatial dimension (1, 2 or 3).
    padding_mode : {"zeros", "circular", "reflect", "replicate"}
        Boundary handling of every convolution: zeros = Dirichlet, circular = periodic.
    centering : {"cell", "vertex"}
        ``"vertex"``: both ends of each axis are nodes (``n = 2**(levels-1) m + 1``, e.g.
        Darcy's 33 x 33 grid); ``"cell"``: periodic or cell-centred (``n = 2**(levels-1)
        m``). Checked against a Field's grid.
    pre_smooth, post_smooth : int or sequence of int
        Smoothing steps per level.
    seed : int, optional

    Shapes
    ------
    ``(B, in_channels, *shape) -> (B, out_channels, *shape)``; a Field in, a Field out.

    Examples
    --------
    >>> model = MgNO(1, 1, hidden_channels=8, n_layers=2, levels=3, centering="vertex", seed=0)
    >>> model(torch.randn(2, 1, 17, 17)).shape
    torch.Size([2, 1, 17, 17])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 32,
        n_layers: int = 4,
        levels: int = 4,
        *,
        ndim: int = 2,
        padding_mode: str = "zeros",
        centering: str = "cell",
        pre_smooth=1,
        post_smooth=0,
        seed: int | None = None,
    ):
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels")
        self.out_channels = check_int(out_channels, "out_channels")
        self.hidden_channels = check_int(hidden_channels, "hidden_channels")
        self.n_layers = check_int(n_layers, "n_layers")
        self.levels = check_int(levels, "levels")
        self.ndim = check_int(ndim, "ndim")
        check_choice(self.ndim, "ndim", (1, 2, 3))
        self.padding_mode = check_choice(padding_mode, "padding_mode", PADDING_MODES)
        self.centering = check_choice(centering, "centering", CENTERINGS)
        smooth = {
            k: v if isinstance(v, int) else list(v)
            for k, v in (("pre_smooth", pre_smooth), ("post_smooth", post_smooth))
        }
        self._store_config(
            in_channels=self.in_channels,
            out_channels=self.out_channels,
            hidden_channels=self.hidden_channels,
            n_layers=self.n_layers,
            levels=self.levels,
            ndim=self.ndim,
            padding_mode=self.padding_mode,
            centering=self.centering,
            seed=seed,
            **smooth,
        )
        width = self.hidden_channels
        with seeded(seed):
            ins = [self.in_channels] + [width] * (self.n_layers - 1)
            self.cycles = nn.ModuleList(
                VCycle(
                    c,
                    width,
                    self.levels,
                    self.ndim,
                    padding_mode=self.padding_mode,
                    centering=self.centering,
                    **smooth,
                )
                for c in ins
            )
            self.skips = nn.ModuleList(PointwiseMLP(c, width) for c in ins)
            self.head = PointwiseMLP(width, self.out_channels)
        self.activation = make_activation("gelu")

    def forward(self, x, grid: TensorGrid | None = None):
        """Apply the operator to ``(B, in_channels, *shape)`` values or a Field."""
        explicit = grid is not None or not isinstance(x, torch.Tensor)
        inp = grid_input(x, grid, self.ndim, self.in_channels, "MgNO")
        if explicit:
            _check_centering(inp.grid, self.centering)
        check_mg_shape(inp.grid.shape, self.levels, self.centering)
        v = inp.values
        for cycle, skip in zip(self.cycles, self.skips):
            v = self.activation(cycle(v) + skip(v))
        return inp.wrap(self.head(v))
