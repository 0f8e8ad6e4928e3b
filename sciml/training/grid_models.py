"""Operators on gridded data sets, by name: construction, a common forward, scaling.

What ``sciml train``, ``sciml evaluate`` and ``benchmarks/operators.py`` share:

* :func:`build_grid_model`: ``fno``, ``tfno`` (Tucker), ``mgno``, ``t1`` or ``deeponet``
  for data on a :class:`~sciml.core.TensorGrid`, from one set of hyperparameters;
* :func:`grid_forward`: ``forward(model, x, grid)`` for the :class:`~.trainer.Trainer` and
  :func:`~.evaluation.evaluate_model`; a DeepONet reads its sensors (resampling the input
  with :meth:`~sciml.core.Field.on` when it lives on another grid) and is queried at the
  grid's nodes, so it runs at every resolution;
* :class:`Scaling`: per-channel input standardization and output scale, stored as JSON
  next to a checkpoint, applied inside the forward so metrics are in physical units;
* :func:`check_runs`: one forward pass on a single zero sample, so a resolution that a
  model cannot use fails before any work with the model's own message.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from sciml.core import Field, TensorGrid
from sciml.core.errors import ParameterError, explain
from sciml.operators import FNO, T1, DeepONet, MgNO
from sciml.operators.mgno import check_mg_shape

from .evaluation import default_forward

__all__ = [
    "GRID_MODELS",
    "Scaling",
    "build_grid_model",
    "check_runs",
    "grid_forward",
    "mg_levels",
]

GRID_MODELS = ("fno", "tfno", "mgno", "t1", "deeponet")
"""Model names accepted by :func:`build_grid_model`."""


def _vertex(grid: TensorGrid) -> bool:
    return all(not ax.periodic and ax.offset == 0.0 for ax in grid.axes)


def mg_levels(grid: TensorGrid, most: int = 4) -> int:
    """The most V-cycle levels (at most ``most``) that every axis of ``grid`` allows.

    Examples
    --------
    >>> mg_levels(TensorGrid.uniform((33, 33)))
    4
    >>> mg_levels(TensorGrid.uniform((19, 19)))
    2
    """
    centering = "vertex" if _vertex(grid) else "cell"
    for levels in range(most, 1, -1):
        try:
            check_mg_shape(grid.shape, levels, centering)
        except ValueError:
            continue
        return levels
    return 1


def build_grid_model(
    name: str,
    in_channels: int,
    out_channels: int,
    grid: TensorGrid,
    *,
    n_modes: int = 12,
    hidden_channels: int = 32,
    n_layers: int = 4,
    seed: int = 0,
    padding: float | None = None,
):
    """A freshly initialized operator for data on ``grid``.

    Parameters
    ----------
    name : {"fno", "tfno", "mgno", "t1", "deeponet"}
        ``tfno``: FNO with Tucker-factorized spectral weights (rank 0.1 of the dense size).
        ``mgno``: the most levels (<= 4) the grid allows, vertex-centred on vertex grids,
        zero padding (Dirichlet). ``deeponet``: sensors = the grid's nodes, ``2 *
        hidden_channels`` basis functions, branch and trunk MLPs of two hidden layers of
        ``4 * hidden_channels`` (``n_modes`` and ``n_layers`` unused).
    in_channels, out_channels : int
    grid : TensorGrid
        The training grid.
    n_modes, hidden_channels, n_layers, seed : int
    padding : float, optional
        ``fno``/``tfno``: zero padding of the non-periodic axes as a fraction of the domain
        (:mod:`sciml.operators.padding`). Default 0.25 when any axis is non-periodic, else
        0. Without it the FFT period of ``n`` vertex nodes is ``n h``, which changes with
        the resolution: on Darcy (1000 samples, 12 epochs, seed 0) the zero-shot error at
        65x65 of a 33x33-trained FNO was 5.12 % without padding and 3.91 % with 0.25
        (2.52 % and 2.42 % at 33x33).

    Examples
    --------
    >>> g = TensorGrid.uniform((17, 17))
    >>> m = build_grid_model("fno", 1, 1, g, n_modes=4, hidden_channels=8, n_layers=2)
    >>> grid_forward(m)(m, torch.zeros(2, 1, 17, 17), g).shape
    torch.Size([2, 1, 17, 17])
    """
    d = grid.ndim
    modes = (n_modes,) * d
    common = dict(hidden_channels=hidden_channels, n_layers=n_layers, seed=seed)
    if name in ("fno", "tfno"):
        factorization = "tucker" if name == "tfno" else None
        if padding is None:
            padding = 0.0 if all(ax.periodic for ax in grid.axes) else 0.25
        return FNO(
            in_channels,
            out_channels,
            modes,
            factorization=factorization,
            padding=padding,
            **common,
        )
    if name == "t1":
        return T1(in_channels, out_channels, modes, **common)
    if name == "mgno":
        centering = "vertex" if _vertex(grid) else "cell"
        padding = "circular" if all(ax.periodic for ax in grid.axes) else "zeros"
        levels = mg_levels(grid)
        return MgNO(
            in_channels,
            out_channels,
            levels=levels,
            ndim=d,
            centering=centering,
            padding_mode=padding,
            **common,
        )
    if name == "deeponet":
        width = 4 * hidden_channels
        return DeepONet(
            grid,
            2 * hidden_channels,
            in_channels=in_channels,
            out_channels=out_channels,
            branch_hidden=(width, width),
            trunk_hidden=(width, width),
            seed=seed,
        )
    raise ParameterError(
        explain(
            "unknown model name",
            expected=" | ".join(GRID_MODELS),
            received=repr(name),
            fix="pick one of the listed models",
        )
    )


def _deeponet_forward(model, x, grid):
    values = x.values if isinstance(x, Field) else x
    grid = model.sensors if grid is None else grid
    if grid != model.sensors:
        values = Field(values, grid).on(model.sensors).values
    b = values.shape[0]
    points = grid.points().reshape(-1, grid.ndim).to(values)
    out = model(values.reshape(b, model.in_channels, -1), points)
    return out.reshape(b, model.out_channels, *grid.shape)


def grid_forward(model):
    """``forward(model, x, grid) -> tensor`` on grid values for any of the models."""
    return _deeponet_forward if isinstance(model, DeepONet) else default_forward


@dataclass(frozen=True)
class Scaling:
    """Per-channel ``(x - input_mean) / input_std`` for inputs and ``y / output_scale``
    for outputs (a pure scale keeps relative errors unchanged for one output channel).

    Attributes
    ----------
    input_mean, input_std : tuple of float, one per input channel
    output_scale : tuple of float, one per output channel (root mean square)
    """

    input_mean: tuple[float, ...]
    input_std: tuple[float, ...]
    output_scale: tuple[float, ...]

    @classmethod
    def fit(cls, x: torch.Tensor, y: torch.Tensor) -> Scaling:
        """Statistics of training tensors ``(N, C, *shape)``.

        Examples
        --------
        >>> s = Scaling.fit(torch.ones(4, 1, 3) * 5, torch.ones(4, 1, 3) * 2)
        >>> s.input_mean, s.input_std, s.output_scale
        ((5.0,), (1.0,), (2.0,))
        """
        dims = (0, *range(2, x.ndim))
        mean = x.double().mean(dims)
        std = x.double().std(dims, unbiased=False)
        std = torch.where(std > 0, std, torch.ones_like(std))
        scale = y.double().pow(2).mean(dims).sqrt()
        scale = torch.where(scale > 0, scale, torch.ones_like(scale))
        return cls(*(tuple(float(v) for v in t) for t in (mean, std, scale)))

    @classmethod
    def from_json(cls, obj: dict) -> Scaling:
        return cls(*(tuple(float(v) for v in obj[k]) for k in cls.__dataclass_fields__))

    def to_json(self) -> dict:
        return {k: list(getattr(self, k)) for k in self.__dataclass_fields__}

    @staticmethod
    def _shape(values: torch.Tensor, stats) -> torch.Tensor:
        t = torch.tensor(stats, dtype=values.dtype, device=values.device)
        return t.reshape(-1, *(1,) * (values.ndim - 2))

    def encode_inputs(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self._shape(x, self.input_mean)) / self._shape(x, self.input_std)

    def encode_outputs(self, y: torch.Tensor) -> torch.Tensor:
        return y / self._shape(y, self.output_scale)

    def decode_outputs(self, y: torch.Tensor) -> torch.Tensor:
        return y * self._shape(y, self.output_scale)

    def physical(self, forward):
        """``forward`` on raw inputs, returning raw outputs (for evaluation)."""

        def wrapped(model, x, grid):
            out = forward(model, self.encode_inputs(x), grid)
            return self.decode_outputs(out.values if isinstance(out, Field) else out)

        return wrapped


def check_runs(model, forward, grid: TensorGrid, in_channels: int) -> None:
    """Run ``forward`` once on a zero sample on ``grid``; the model's own errors
    (:class:`~sciml.core.SciMLError`: too few points for the modes, a size the multigrid
    hierarchy does not divide, ...) propagate."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            param = next(model.parameters())
            x = torch.zeros(1, in_channels, *grid.shape, dtype=param.dtype, device=param.device)
            forward(model, x, grid)
    finally:
        model.train(was_training)
