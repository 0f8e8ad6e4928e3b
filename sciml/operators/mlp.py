"""Multilayer perceptrons: on feature vectors (DeepONet) and pointwise on channels-first
fields (FNO lifting and projection)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ._checks import check_choice, check_int

__all__ = ["MLP", "PointwiseMLP", "make_activation", "ACTIVATIONS"]

ACTIVATIONS = {"gelu": nn.GELU, "relu": nn.ReLU, "tanh": nn.Tanh, "silu": nn.SiLU}
_CONVS = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def make_activation(name: str) -> nn.Module:
    """The activation module named ``name`` (``gelu``, ``relu``, ``tanh``, ``silu``)."""
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
        # each Linear as a 1x1 convolution on the channels-first values: the same sums as
        # the MLP on channels-last values, without transposing copies
        d = x.ndim - 2
        if d not in _CONVS:
            return torch.movedim(self.mlp(torch.movedim(x, 1, -1)), -1, 1)
        v = x
        for layer in self.mlp.net:
            if isinstance(layer, nn.Linear):
                kernel = layer.weight.reshape(*layer.weight.shape, *(1,) * d)
                v = _CONVS[d](v, kernel, layer.bias)
            else:
                v = layer(v)
        return v
