r"""Transform once (T1, Poli et al., NeurIPS 2022): one forward transform at the input, every
layer on a reduced set of frequency coefficients, one inverse transform at the output.

Transform
---------
A real FFT (``rfftn``, ``norm="forward"``: Fourier-series coefficients, resolution
independent) of the input, keeping the box of frequencies ``|k_i| < n_modes[i]`` (as in
:mod:`.spectral_conv`). With ``transform="auto"`` each non-periodic axis is first extended
evenly (vertex axis of ``n`` nodes: ``u_0..u_{n-1}, u_{n-2}..u_1``, period ``2L``;
cell-centred: ``u, reversed(u)``), so its FFT is the discrete cosine transform (DCT-I /
DCT-II) and the boundary does not produce Gibbs oscillations; periodic axes use the plain
FFT. ``transform="fft"`` uses the plain FFT on every axis. The inverse evaluates the
network's coefficients on the (extended) grid and crops back to the input grid, at any
resolution with at least ``2 * n_modes`` points per (extended) axis.

Layers
------
On complex coefficients :math:`z \in \mathbb C^{c \times K_1 \times \dots \times K_d}`:

.. math::

    z \leftarrow \sigma_{\mathbb C}\big( M_1 \times_1 \dots M_d \times_d (W \odot_c z) + b
    \big), \qquad \sigma_{\mathbb C}(z) = \sigma(\mathrm{Re}\, z) + i\,
    \sigma(\mathrm{Im}\, z),

with :math:`\sigma` GELU (default) or ReLU,
:math:`W \in \mathbb C^{c \times c \times K}` mixing channels per mode (as an FNO
weight) and :math:`M_i \in \mathbb C^{K_i \times K_i}` mixing the modes along axis ``i``
(shared by the channels). A dense map on all ``c K`` coefficients would cost
:math:`(cK)^2` parameters; the factorized form keeps the mode interaction that a
frequency-domain network needs (the nonlinearity acts coefficient by coefficient, so
without mode mixing output mode ``k`` would depend on input mode ``k`` only) at
:math:`c^2 K + \sum_i K_i^2` parameters. Lifting and projection are channel mixings shared
by all modes (pointwise linear maps commute with the transform).

Variance-preserving initialization
----------------------------------
All weights are independent, zero-mean complex Gaussians. For a pre-activation
:math:`y_{o,k} = \sum_{k'} M_{kk'} \sum_i W_{iok'} z_{ik'}` every term has independent
zero-mean weights, so second moments add (whatever the correlations of :math:`z`):

.. math::

    E|y|^2 = c\, \sigma_W^2 \prod_i \big(K_i \sigma_{M_i}^2\big)\; E|z|^2 .

The ReLU applied separately to the symmetric real and imaginary parts halves the second
moment, :math:`E|\sigma_{\mathbb C}(y)|^2 = E|y|^2 / 2`. GELU keeps a quarter of it
where the coefficients are small, :math:`\mathrm{GELU}(x) = x/2 + O(x^2)`, which is the
regime of Fourier-series coefficients (``norm="forward"``) of fields of unit size.
Choosing

.. math::

    \sigma_W^2 = \frac{g}{c}, \quad g = 2 \text{ (ReLU)}, \ 4 \text{ (GELU)}, \qquad
    \sigma_{M_i}^2 = \frac{1}{K_i}

keeps :math:`E|z|^2` constant through any number of layers: the weight variance scales
with the inverse number of kept frequencies :math:`K = \prod K_i`. The mode-mixing
matrices are drawn as Haar-random unitary matrices, whose entries have exactly this
variance and which preserve the norm of every vector: for one draw of the weights the
layer-to-layer gain then fluctuates only through :math:`W` (fan-in ``c`` per mode,
averaged over the ``K`` modes), not through the few (``K_i``) directions of each
:math:`M_i`, which with i.i.d. entries would make the gain a random walk of about 20 %
per layer. (A default
fan-in initialization over channels only multiplies the second moment by about :math:`K/2`
per layer and explodes or, with weights scaled per mode, collapses.) Lifting and projection
use :math:`1/c_{in}` and :math:`1/c` (no nonlinearity follows them). By Parseval, the mean
square of the output on the grid is the (Hermitian-weighted) sum of the squared
coefficients, so it stays within a small factor of the input's.
"""

from __future__ import annotations

import math
from typing import final

import torch
from torch import nn

from sciml.core import TensorGrid

from ._checks import check_choice, check_int, check_modes
from .base import AbstractOperator, seeded
from .embedding import grid_input
from .factorized import as_complex, complex_parameter
from .padding import check_uniform
from .spectral_conv import check_resolution, gather_modes, scatter_modes

__all__ = ["T1", "T1Layer"]

_LETTERS = "xyz"


def _complex_relu(z: torch.Tensor) -> torch.Tensor:
    return torch.complex(torch.relu(z.real), torch.relu(z.imag))


def _complex_gelu(z: torch.Tensor) -> torch.Tensor:
    return torch.complex(nn.functional.gelu(z.real), nn.functional.gelu(z.imag))


# activation -> (function on complex coefficients, 1 / the fraction of E|y|^2 it keeps)
ACTIVATIONS = {"relu": (_complex_relu, 2.0), "gelu": (_complex_gelu, 4.0)}


def _unitary_parameter(k: int) -> nn.Parameter:
    """A Haar-random k x k unitary matrix as a real (k, k, 2) parameter: entries with
    ``E|M|^2 = 1/k``, and ``||M z|| = ||z||`` exactly."""
    a = torch.complex(torch.randn(k, k), torch.randn(k, k))
    q, r = torch.linalg.qr(a)
    q = q * (r.diagonal() / r.diagonal().abs())  # fix the phases: Haar measure
    return nn.Parameter(torch.view_as_real(q).contiguous())


class T1Layer(nn.Module):
    """One frequency-domain layer: per-mode channel mixing, per-axis mode mixing, bias,
    and the activation on the real and imaginary parts (a key of :data:`ACTIVATIONS`).
    ``(B, c, K_1, ..., K_d) -> (B, c, K_1, ..., K_d)``, complex."""

    def __init__(self, channels: int, kept: tuple[int, ...], activation: str = "relu"):
        super().__init__()
        self.kept = kept
        self.act, gain = ACTIVATIONS[check_choice(activation, "activation", tuple(ACTIVATIONS))]
        self.weight = complex_parameter((channels, channels, *kept), math.sqrt(gain / channels))
        self.mix = nn.ParameterList(_unitary_parameter(k) for k in kept)
        self.bias = nn.Parameter(torch.zeros(channels, *kept, 2))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        s = _LETTERS[: len(self.kept)]
        z = torch.einsum(f"bi{s},io{s}->bo{s}", z, as_complex(self.weight).to(z.dtype))
        for i, m in enumerate(self.mix):
            dim = 2 + i
            z = torch.movedim(torch.movedim(z, dim, -1) @ as_complex(m).to(z.dtype).T, -1, dim)
        return self.act(z + as_complex(self.bias).to(z.dtype))


@final
class T1(AbstractOperator):
    """Transform-once neural operator.

    Parameters
    ----------
    in_channels, out_channels : int
    n_modes : int or tuple of int
        Kept frequencies ``|k_i| < n_modes[i]`` per axis (its length is the dimension).
    hidden_channels : int
    n_layers : int
    transform : {"auto", "fft"}
        ``"auto"``: cosine transform (even extension) on non-periodic axes, FFT on periodic
        ones; ``"fft"``: FFT everywhere.
    activation : {"gelu", "relu"}
        Applied to the real and imaginary parts of every layer's coefficients. Default
        ``"gelu"``: on the FNO paper's Burgers (120 s of CPU training) T1 reached 0.14 %
        with GELU and 0.59-0.88 % with ReLU; on Darcy 3.48 % after 300 s with GELU and
        3.60 % after 600 s with ReLU (see ``benchmarks/README.md``). Models saved before
        this option existed rebuild with ``"relu"``, the function they were trained with.
    seed : int, optional

    Shapes
    ------
    ``(B, in_channels, *shape) -> (B, out_channels, *shape)``; a Field in, a Field out.
    Raw tensors are read on ``TensorGrid.uniform(shape)`` (non-periodic unit box).

    Examples
    --------
    >>> model = T1(1, 1, n_modes=(6, 6), hidden_channels=8, n_layers=2, seed=0)
    >>> model(torch.randn(3, 1, 17, 17)).shape
    torch.Size([3, 1, 17, 17])
    """

    # configs saved before `activation` existed were trained with ReLU
    DEFAULTS_BEFORE_THEY_EXISTED = {"activation": "relu"}

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        n_modes,
        hidden_channels: int = 32,
        n_layers: int = 4,
        *,
        transform: str = "auto",
        activation: str = "gelu",
        seed: int | None = None,
    ):
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels")
        self.out_channels = check_int(out_channels, "out_channels")
        self.n_modes = check_modes(n_modes)
        self.hidden_channels = check_int(hidden_channels, "hidden_channels")
        self.n_layers = check_int(n_layers, "n_layers")
        self.transform = check_choice(transform, "transform", ("auto", "fft"))
        self._store_config(
            in_channels=self.in_channels,
            out_channels=self.out_channels,
            n_modes=list(self.n_modes),
            hidden_channels=self.hidden_channels,
            n_layers=self.n_layers,
            transform=self.transform,
            activation=activation,
            seed=seed,
        )
        kept = tuple(2 * m - 1 for m in self.n_modes[:-1]) + (self.n_modes[-1],)
        c = self.hidden_channels
        with seeded(seed):
            self.lifting = complex_parameter((self.in_channels, c), 1 / math.sqrt(self.in_channels))
            self.layers = nn.ModuleList(T1Layer(c, kept, activation) for _ in range(self.n_layers))
            self.projection = complex_parameter((c, self.out_channels), 1 / math.sqrt(c))

    @property
    def ndim(self) -> int:
        return len(self.n_modes)

    def _extended(self, grid: TensorGrid) -> list[bool]:
        return [self.transform == "auto" and not ax.periodic for ax in grid.axes]

    def forward(self, x, grid: TensorGrid | None = None):
        """Apply the operator to ``(B, in_channels, *shape)`` values or a Field."""
        inp = grid_input(x, grid, self.ndim, self.in_channels, "T1")
        check_uniform(inp.grid, "T1")
        v, shape, d = inp.values, inp.grid.shape, self.ndim
        for i, (ext, ax) in enumerate(zip(self._extended(inp.grid), inp.grid.axes)):
            if ext:
                dim = 2 + i
                flipped = v.flip(dim)
                if ax.offset == 0.0:  # vertex: drop the repeated end nodes
                    flipped = flipped.narrow(dim, 1, v.shape[dim] - 2)
                v = torch.cat([v, flipped], dim)
        full = tuple(v.shape[2:])
        check_resolution(full, self.n_modes, "T1")
        dims = tuple(range(2, 2 + d))
        z = gather_modes(torch.fft.rfftn(v, dim=dims, norm="forward"), self.n_modes)
        s = _LETTERS[:d]
        z = torch.einsum(f"bi{s},io->bo{s}", z, as_complex(self.lifting).to(z.dtype))
        for layer in self.layers:
            z = layer(z)
        z = torch.einsum(f"bi{s},io->bo{s}", z, as_complex(self.projection).to(z.dtype))
        out = torch.fft.irfftn(
            scatter_modes(z, self.n_modes, full), s=full, dim=dims, norm="forward"
        )
        for i, n in enumerate(shape):
            out = out.narrow(2 + i, 0, n)
        return inp.wrap(out)
