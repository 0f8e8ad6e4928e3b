"""Multilayer perceptrons: on feature vectors (DeepONet) and pointwise on channels-first
fields (FNO lifting and projection)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._checks import check_choice, check_int

__all__ = [
    "MLP",
    "PointwiseMLP",
    "GELUTwice",
    "make_activation",
    "pointwise_linear",
    "ACTIVATIONS",
]


class GELUTwice(nn.Module):
    r""":math:`\operatorname{GELU}(\operatorname{GELU}(x))`, elementwise.

    The nonlinearity that neuraloperator 2.0.0's ``FNOBlocks`` applies between Fourier
    layers when built with ``use_channel_mlp=False``: its post-activation block calls the
    activation once after ``spectral + skip`` and once more after the (skipped) channel
    MLP. Compared with one GELU it shrinks the negative lobe
    (minimum :math:`-0.074` instead of :math:`-0.170`) and keeps :math:`x \to x` for large
    :math:`x`.

    Shapes: any tensor, same shape out.

    Examples
    --------
    >>> x = torch.linspace(-3, 3, 7)
    >>> torch.equal(GELUTwice()(x), nn.functional.gelu(nn.functional.gelu(x)))
    True
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(nn.functional.gelu(x))


ACTIVATIONS = {
    "gelu": nn.GELU,
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "silu": nn.SiLU,
    "gelu_twice": GELUTwice,
}


def pointwise_linear(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None
) -> torch.Tensor:
    r"""A linear map of the channels at every grid point of channels-first values,
    :math:`y_{bo\cdot} = \sum_i W_{oi} x_{bi\cdot} + b_o`.

    Computed as one batched matrix product ``W @ x_b`` per sample over the flattened grid
    (``torch.baddbmm``): the same sums as ``nn.functional.linear`` on channels-last
    values, without transposing copies, and on CPU faster than the equivalent 1x1
    convolution (forward and backward).

    Parameters
    ----------
    x : tensor of shape (B, in_channels, *grid)
    weight : tensor of shape (out_channels, in_channels)
    bias : tensor of shape (out_channels,), optional

    Returns
    -------
    tensor of shape (B, out_channels, *grid)

    Examples
    --------
    >>> x, w, b = torch.randn(2, 3, 4, 5), torch.randn(6, 3), torch.randn(6)
    >>> ref = torch.movedim(nn.functional.linear(torch.movedim(x, 1, -1), w, b), -1, 1)
    >>> torch.allclose(pointwise_linear(x, w, b), ref, atol=1e-6)
    True
    """
    n, c = x.shape[:2]
    flat = x.reshape(n, c, -1)
    w = weight.expand(n, *weight.shape)
    y = torch.bmm(w, flat) if bias is None else torch.baddbmm(bias[:, None], w, flat)
    return y.reshape(n, weight.shape[0], *x.shape[2:])


def make_activation(name: str) -> nn.Module:
    """The activation module named ``name`` (a key of :data:`ACTIVATIONS`: ``gelu``,
    ``relu``, ``tanh``, ``silu``, ``gelu_twice``)."""
    return ACTIVATIONS[check_choice(name, "activation", tuple(ACTIVATIONS))]()


class MLP(nn.Module):
    """Fully connected network acting on the last axis.

    Parameters
    ----------
    in_features, out_features : int
    hidden : sequence of int
        Widths of the hidden layers.
    activation : str
    final_activation : bool
        Apply the activation after the last layer too.

    Shapes
    ------
    ``(..., in_features) -> (..., out_features)``

    Examples
    --------
    >>> MLP(3, 2, hidden=(8, 8))(torch.zeros(5, 3)).shape
    torch.Size([5, 2])
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        hidden: Sequence[int] = (),
        activation: str = "gelu",
        *,
        final_activation: bool = False,
    ):
        super().__init__()
        widths = [check_int(in_features, "in_features")]
        widths += [check_int(h, "hidden width") for h in hidden]
        widths.append(check_int(out_features, "out_features"))
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(widths) - 2 or final_activation:
                layers.append(make_activation(activation))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class PointwiseMLP(nn.Module):
    """An :class:`MLP` applied at every grid point of channels-first values.

    Shapes
    ------
    ``(B, in_channels, *grid) -> (B, out_channels, *grid)``

    Examples
    --------
    >>> PointwiseMLP(3, 2, hidden=(8,))(torch.zeros(4, 3, 5, 6)).shape
    torch.Size([4, 2, 5, 6])
    """

    def __init__(self, in_channels: int, out_channels: int, hidden=(), activation="gelu"):
        super().__init__()
        self.mlp = MLP(in_channels, out_channels, hidden, activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # each Linear as a batched matrix product on the channels-first values
        # (pointwise_linear): the same sums as the MLP on channels-last values
        v = x
        for layer in self.mlp.net:
            if isinstance(layer, nn.Linear):
                v = pointwise_linear(v, layer.weight, layer.bias)
            else:
                v = layer(v)
        return v
