r"""Fourier neural operator (Li et al., ICLR 2021) in 1-D, 2-D and 3-D, with dense or
Tucker/CP-factorized spectral weights (TFNO, Kossaifi et al. 2024).

.. math::

    v_0 = P(a, x), \qquad v_{l+1} = \sigma(K_l v_l + W_l v_l + b_l), \qquad u = Q(v_L)

* :math:`P`: pointwise lifting MLP on the input channels and the coordinate embedding;
* :math:`K_l`: :class:`~.spectral_conv.SpectralConv` (truncated Fourier multiplier);
* :math:`W_l, b_l`: pointwise linear skip; :math:`\sigma` the activation (default
  :class:`~.mlp.GELUTwice`, :math:`\operatorname{GELU} \circ \operatorname{GELU}`), not
  applied after the last layer;
* :math:`Q`: pointwise projection MLP.

Initialization and forward pass follow neuraloperator 2.0.0's ``FNO`` built with
``use_channel_mlp=False, fno_skip="linear"`` (its weights loaded into this model give the
same outputs, up to round-off): PyTorch's default ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``
for the weights and biases of the lifting and projection MLPs and the skip weights, complex
normal spectral weights with :math:`E|R|^2 = 2 / (c_{in} + c_{out})`, layer biases
:math:`b_l \sim N(0, 2 / (c_{in} + c_{out}))`, and its effective nonlinearity between
Fourier layers, which is GELU applied twice. The bias :math:`b_l` is stored in the skip
layer, where neuraloperator adds it after the spectral layer (same function, same
parameter count, same ``state_dict`` keys as before).

Resolution independence: every piece is either pointwise or a Fourier multiplier on
Fourier-series coefficients, so one set of weights evaluates on any uniform grid with at
least ``2 * n_modes`` points per axis (see :mod:`.spectral_conv` for the normalization and
:mod:`.padding` for non-periodic domains).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import final

import torch
from torch import nn

from sciml.core import TensorGrid

from ._checks import check_choice, check_fraction, check_int, check_modes
from .base import AbstractOperator, parameter_count, seeded
from .embedding import EMBEDDINGS, coordinate_channels, embedding_channels, grid_input
from .factorized import FACTORIZATIONS
from .mlp import PointwiseMLP, make_activation
from .padding import check_uniform, crop, pad_right, padding_amounts
from .spectral_conv import SpectralConv, check_resolution

__all__ = ["FNO", "Compression"]


@dataclass(frozen=True)
class Compression:
    """Parameter counts of a model against the same architecture with dense weights.

    Attributes
    ----------
    parameters, dense_parameters : int
        Whole model, as built and with dense spectral weights.
    spectral_parameters, dense_spectral_parameters : int
        The spectral weights alone.
    """

    parameters: int
    dense_parameters: int
    spectral_parameters: int
    dense_spectral_parameters: int

    @property
    def ratio(self) -> float:
        """``dense_parameters / parameters`` (> 1 means compressed)."""
        return self.dense_parameters / self.parameters

    @property
    def spectral_ratio(self) -> float:
        """``dense_spectral_parameters / spectral_parameters``."""
        return self.dense_spectral_parameters / self.spectral_parameters

    def __str__(self) -> str:
        return (
            f"{self.parameters:,} parameters vs {self.dense_parameters:,} dense "
            f"({self.ratio:.2f}x); spectral weights {self.spectral_parameters:,} vs "
            f"{self.dense_spectral_parameters:,} ({self.spectral_ratio:.2f}x)"
        )


def _embedding_kind(value):
    if value is True:
        return "linear"
    if value is False or value is None:
        return None
    return check_choice(value, "positional_embedding", (True, False, None, *EMBEDDINGS))


def _init_layer_biases(skips: nn.ModuleList) -> None:
    r"""Redraw the bias :math:`b_l` of every Fourier layer (held by its skip, a
    ``c -> c`` linear map) from :math:`N(0, 2 / (c + c))`, neuraloperator's draw for the
    bias it adds after the spectral layer; the weights are left as drawn."""
    for skip in skips:
        (layer,) = skip.mlp.net
        std = math.sqrt(2.0 / (layer.in_features + layer.out_features))
        with torch.no_grad():
            layer.bias.normal_(0.0, std)


@final
class FNO(AbstractOperator):
    """Fourier neural operator.

    Parameters
    ----------
    in_channels, out_channels : int
    n_modes : int or tuple of int
        Kept frequencies ``|k_i| < n_modes[i]`` per axis; its length (1, 2 or 3) is the
        spatial dimension. Grids need at least ``2 * n_modes[i]`` points per axis.
    hidden_channels : int
        Width of the Fourier layers.
    n_layers : int
        Number of Fourier layers.
    factorization : {None, "tucker", "cp"}
        Dense (FNO) or factorized (TFNO) spectral weights, one factorization per layer.
    rank : float, int or tuple
        Rank of the factorization; a float is the fraction of the dense size.
    padding : float
        Zero padding of non-periodic axes as a fraction of the domain length (see
        :mod:`.padding`); 0 treats the domain as periodic.
    positional_embedding : bool or {"linear", "periodic"}
        Append coordinate channels (:mod:`.embedding`); True means ``"linear"``. Called on
        a Field, the coordinates are the Field's grid nodes; on a raw tensor, the nodes of
        ``TensorGrid.uniform(shape)`` (``linspace(0, 1, n)`` per axis) unless ``grid=`` is
        passed.
    lifting_channels, projection_channels : int, optional
        Hidden width of the lifting and projection MLPs; default ``2 * hidden_channels``;
        0 makes the map a single linear layer.
    activation : str
        Nonlinearity between Fourier layers, a key of :data:`~.mlp.ACTIVATIONS`; the
        lifting and projection MLPs use GELU. Default ``"gelu_twice"`` (see the module
        docstring); models saved before this option existed rebuild with ``"gelu"``,
        which is what they were trained with.
    seed : int, optional
        Draw the initial weights from this seed (the global RNG is left untouched).

    Shapes
    ------
    ``(B, in_channels, n_1, ..., n_d) -> (B, out_channels, n_1, ..., n_d)``; a Field in,
    a Field on the same grid out.

    Examples
    --------
    >>> model = FNO(1, 1, n_modes=(6, 6), hidden_channels=8, n_layers=2, seed=0)
    >>> model(torch.randn(3, 1, 16, 16)).shape
    torch.Size([3, 1, 16, 16])
    >>> from sciml.core import Field
    >>> g = TensorGrid.uniform((12, 12), periodic=True)
    >>> model(Field(torch.randn(1, 12, 12), g)).disc == g
    True
    """

    # configs saved before `activation` existed were trained with one GELU
    DEFAULTS_BEFORE_THEY_EXISTED = {"activation": "gelu"}

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        n_modes,
        hidden_channels: int = 32,
        n_layers: int = 4,
        *,
        factorization: str | None = None,
        rank=0.1,
        padding: float = 0.0,
        positional_embedding: bool | str = True,
        lifting_channels: int | None = None,
        projection_channels: int | None = None,
        activation: str = "gelu_twice",
        seed: int | None = None,
    ):
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels")
        self.out_channels = check_int(out_channels, "out_channels")
        self.n_modes = check_modes(n_modes)
        self.hidden_channels = check_int(hidden_channels, "hidden_channels")
        self.n_layers = check_int(n_layers, "n_layers")
        check_choice(factorization, "factorization", FACTORIZATIONS)
        self.padding = check_fraction(padding, "padding", upper=10.0)
        self.embedding = _embedding_kind(positional_embedding)
        width = self.hidden_channels
        lift = (
            2 * width
            if lifting_channels is None
            else check_int(lifting_channels, "lifting_channels", minimum=0)
        )
        proj = (
            2 * width
            if projection_channels is None
            else check_int(projection_channels, "projection_channels", minimum=0)
        )
        self._store_config(
            in_channels=self.in_channels,
            out_channels=self.out_channels,
            n_modes=list(self.n_modes),
            hidden_channels=width,
            n_layers=self.n_layers,
            factorization=factorization,
            rank=list(rank) if isinstance(rank, (tuple, list)) else rank,
            padding=self.padding,
            positional_embedding=self.embedding or False,
            lifting_channels=lift,
            projection_channels=proj,
            activation=activation,
            seed=seed,
        )
        extra = embedding_channels(self.embedding, len(self.n_modes))
        with seeded(seed):
            self.lifting = PointwiseMLP(self.in_channels + extra, width, (lift,) if lift else ())
            self.spectral = nn.ModuleList(
                SpectralConv(width, width, self.n_modes, factorization=factorization, rank=rank)
                for _ in range(self.n_layers)
            )
            self.skips = nn.ModuleList(PointwiseMLP(width, width) for _ in range(self.n_layers))
            self.projection = PointwiseMLP(width, self.out_channels, (proj,) if proj else ())
            _init_layer_biases(self.skips)
        self.activation = make_activation(activation)

    @property
    def ndim(self) -> int:
        """Spatial dimension."""
        return len(self.n_modes)

    def forward(self, x, grid: TensorGrid | None = None):
        """Apply the operator.

        Parameters
        ----------
        x : torch.Tensor of shape (B, in_channels, *shape), or Field on a TensorGrid
        grid : TensorGrid, optional
            Grid of a raw tensor (default ``TensorGrid.uniform(shape)``).

        Returns
        -------
        torch.Tensor of shape (B, out_channels, *shape), or Field on the input's grid
        """
        inp = grid_input(x, grid, self.ndim, self.in_channels, "FNO")
        check_uniform(inp.grid, "FNO")
        shape = inp.grid.shape
        check_resolution(shape, self.n_modes, "FNO")
        v = inp.values
        if self.embedding is not None:
            coords = coordinate_channels(inp.grid, self.embedding, like=v)
            v = torch.cat([v, coords.expand(v.shape[0], *coords.shape)], dim=1)
        v = pad_right(self.lifting(v), padding_amounts(inp.grid, self.padding))
        for i, (spectral, skip) in enumerate(zip(self.spectral, self.skips)):
            v = spectral(v) + skip(v)
            if i < self.n_layers - 1:
                v = self.activation(v)
        return inp.wrap(self.projection(crop(v, shape)))

    def compression(self) -> Compression:
        """Parameter counts against the same FNO with dense spectral weights.

        Examples
        --------
        >>> dense = FNO(1, 1, (8, 8), 16, 2, seed=0).compression()
        >>> dense.ratio
        1.0
        >>> tucker = FNO(1, 1, (8, 8), 16, 2, factorization="tucker", rank=0.1, seed=0)
        >>> tucker.compression().ratio > 3
        True
        """
        spectral = sum(layer.weight.parameter_count for layer in self.spectral)
        dense = sum(layer.weight.dense_parameter_count for layer in self.spectral)
        total = parameter_count(self)
        return Compression(total, total - spectral + dense, spectral, dense)
