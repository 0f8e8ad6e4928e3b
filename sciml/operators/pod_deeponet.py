r"""POD-DeepONet (Lu et al., CMAME 2022): the trunk is replaced by the proper orthogonal
decomposition of the training outputs.

.. math::

    G(u)(y) \approx \bar s(y) + \sum_{k=1}^{p} \sigma_k\, b_k(u)\, \phi_k(y)

Given training outputs :math:`s_1..s_N` on a discretization with quadrature weights
:math:`w_i`, the mean :math:`\bar s` and the modes :math:`\phi_k` are the right singular
vectors of the weighted, centred snapshot matrix :math:`X_{nj} = (s_n - \bar s)(x_j)
\sqrt{w_j}` (``torch.linalg.svd``), divided by :math:`\sqrt{w_j}`: the modes are then
orthonormal in the discrete :math:`L^2` inner product of the output discretization,
:math:`\sum_j w_j \phi_k(x_j) \phi_l(x_j) = \delta_{kl}` (summed over channels), which is
the POD of the *functions*, not of the vectors of grid values. :math:`\sigma_k = S_k /
\sqrt N` is the root-mean-square training coefficient of mode ``k``; the branch predicts
the coefficients in these units, so its outputs are O(1).
"""

from __future__ import annotations

from typing import final

import torch

from sciml.core import Discretization, Field
from sciml.core.errors import ParameterError, ShapeError, explain

from ._checks import check_int
from .base import AbstractOperator, seeded
from .deeponet import sensor_values
from .mlp import MLP
from .serialize import disc_from_json, disc_to_json

__all__ = ["PODDeepONet"]


@final
class PODDeepONet(AbstractOperator):
    """DeepONet whose trunk is the POD basis of the training outputs.

    Parameters
    ----------
    sensors : TensorGrid or PointCloud
        Where input functions are sampled.
    output_disc : TensorGrid or PointCloud
        Where the training outputs (and the POD modes) live.
    n_modes : int
        Number of POD modes kept.
    in_channels, out_channels : int
    branch_hidden : sequence of int
    activation : str
    seed : int, optional

    Notes
    -----
    Call :meth:`fit_basis` with the training outputs before training; the basis is stored
    in buffers, so it travels with ``state_dict`` and checkpoints.

    Shapes
    ------
    ``forward(u)``: ``(B, m)`` or ``(B, in_channels, m)`` sensor values to
    ``(B, out_channels, *output_disc.shape)``.

    Examples
    --------
    >>> from sciml.core import TensorGrid
    >>> grid = TensorGrid.uniform((16,))
    >>> outputs = torch.randn(30, 1, 16, dtype=torch.float64)
    >>> net = PODDeepONet(grid, grid, n_modes=4, branch_hidden=(16,), seed=0)
    >>> net.fit_basis(outputs)(torch.randn(2, 16)).shape
    torch.Size([2, 1, 16])
    """

    def __init__(
        self,
        sensors,
        output_disc,
        n_modes: int,
        *,
        in_channels: int = 1,
        out_channels: int = 1,
        branch_hidden=(128, 128),
        activation: str = "gelu",
        seed: int | None = None,
    ):
        super().__init__()
        self.sensors = disc_from_json(sensors)
        self.output_disc = disc_from_json(output_disc)
        self.n_modes = check_int(n_modes, "n_modes")
        self.in_channels = check_int(in_channels, "in_channels")
        self.out_channels = check_int(out_channels, "out_channels")
        self._store_config(
            sensors=disc_to_json(self.sensors),
            output_disc=disc_to_json(self.output_disc),
            n_modes=self.n_modes,
            in_channels=self.in_channels,
            out_channels=self.out_channels,
            branch_hidden=list(branch_hidden),
            activation=activation,
            seed=seed,
        )
        size = self.out_channels * self.output_disc.size
        self.register_buffer("mean", torch.zeros(size))
        self.register_buffer("modes", torch.zeros(self.n_modes, size))
        self.register_buffer("scales", torch.zeros(self.n_modes))
        with seeded(seed):
            self.branch = MLP(
                self.in_channels * self.sensors.size, self.n_modes, branch_hidden, activation
            )

    @property
    def fitted(self) -> bool:
        """Whether :meth:`fit_basis` has run (or a fitted state was loaded)."""
        return bool(self.scales.abs().sum() > 0)

    def fit_basis(self, outputs) -> PODDeepONet:
        """Compute mean and POD modes from training outputs.

        Parameters
        ----------
        outputs : Field on ``output_disc``, or tensor of shape
            ``(N, out_channels, *output_disc.shape)``

        Returns
        -------
        self
        """
        values = outputs.values if isinstance(outputs, Field) else torch.as_tensor(outputs)
        if isinstance(outputs, Field) and outputs.disc != self.output_disc:
            values = outputs.on(self.output_disc).values
        expected = (self.out_channels, *self.output_disc.shape)
        if values.ndim < 2 or tuple(values.shape[-len(expected) :]) != expected:
            raise ShapeError(
                explain(
                    "training outputs do not fit the output discretization",
                    expected=f"(N, {', '.join(map(str, expected))})",
                    received=f"{tuple(values.shape)}",
                    fix="pass the training targets on output_disc",
                )
            )
        x = values.reshape(-1, self.out_channels * self.output_disc.size).to(torch.float64)
        n = x.shape[0]
        if n < self.n_modes:
            raise ParameterError(
                explain(
                    "fewer training outputs than POD modes",
                    expected=f"at least n_modes = {self.n_modes} samples",
                    received=f"{n}",
                    fix="pass more training outputs or lower n_modes",
                )
            )
        w = self.output_disc.weights().reshape(-1).repeat(self.out_channels)
        sqrt_w = w.sqrt()
        mean = x.mean(dim=0)
        _, s, vh = torch.linalg.svd((x - mean) * sqrt_w, full_matrices=False)
        modes = vh[: self.n_modes] / sqrt_w
        with torch.no_grad():
            self.mean.copy_(mean)
            self.modes.copy_(modes)
            self.scales.copy_(s[: self.n_modes] / n**0.5)
        return self

    def basis(self) -> Field:
        """The POD modes as a Field of shape ``(n_modes, out_channels, *output_disc.shape)``."""
        shape = (self.n_modes, self.out_channels, *self.output_disc.shape)
        return Field(self.modes.reshape(shape), self.output_disc)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        if not self.fitted:
            raise ParameterError(
                explain(
                    "the POD basis has not been computed",
                    expected="fit_basis(training_outputs) before the first forward pass",
                    received="an unfitted PODDeepONet",
                    fix="call model.fit_basis(train_targets)",
                )
            )
        m = self.sensors.size
        if u.shape[-1] != m or u.ndim not in (2, 3) or u[0].numel() != self.in_channels * m:
            raise ShapeError(
                explain(
                    "branch input does not match the sensors",
                    expected=f"(B, {self.in_channels}, {m})",
                    received=f"{tuple(u.shape)}",
                    fix="sample the inputs at the sensors, or use predict(field, target)",
                )
            )
        coef = self.branch(u.reshape(u.shape[0], -1)) * self.scales
        out = self.mean + coef @ self.modes
        return out.reshape(u.shape[0], self.out_channels, *self.output_disc.shape)

    def predict(self, inputs: Field, target: Discretization | None = None) -> Field:
        """Outputs as a Field on ``output_disc``, resampled onto ``target`` when given
        (a linear resampling of the modes, see :meth:`Field.on`)."""
        u = sensor_values(inputs, self.sensors, self.scales.dtype).to(self.scales.device)
        out = Field(self(u), self.output_disc)
        out = Field(out.values.reshape(*inputs.batch_shape, *out.values.shape[1:]), out.disc)
        return out if target is None else out.on(target)
