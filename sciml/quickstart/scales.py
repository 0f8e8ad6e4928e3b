"""The parameter sets of ``sciml quickstart``: ``small`` (one CPU, minutes) and ``paper``.

A :class:`Scale` holds one frozen settings object per part. The command line exposes
:data:`SMALL` and :data:`PAPER` (:data:`SCALES`); :data:`TINY` runs every part in seconds
and exists for the test suite, and any other :class:`Scale` can be passed to
:func:`sciml.quickstart.run_quickstart` from Python.

``paper`` follows the published configurations: Darcy FNO (Li et al., ICLR 2021,
arXiv 2010.08895): 85 x 85 training grid, 1000 training and 100 test samples, 12 modes,
width 32, 4 layers, batch 20, 500 epochs; the GP-HM benchmark (Fang et al., ICLR 2024,
arXiv 2311.04465) 2-D ``sin(100 x) sin(100 y)`` on a 400 x 400 grid; the LightSB setting of
the entropic-OT mixtures benchmark (Korotin et al., ICLR 2024, arXiv 2310.01174): D = 64,
K = 50 components, 10 000 Adam steps of batch 128, 1000 test points x 1000 samples.

Examples
--------
>>> SCALES["small"].darcy.resolution, SCALES["paper"].darcy.resolution
(33, 85)
>>> TINY.name
'tiny'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BridgeScale",
    "DarcyScale",
    "GPScale",
    "OperatorScale",
    "PAPER",
    "SCALES",
    "SMALL",
    "Scale",
    "TINY",
    "ValidationScale",
]


@dataclass(frozen=True)
class DarcyScale:
    """Darcy data: generated at ``2 * resolution - 1`` nodes per axis, injected to
    ``resolution`` for training, so both grids carry the same coefficient functions.

    Attributes
    ----------
    resolution : int
        Training grid, nodes per axis (vertex grid of the unit square).
    n_train, n_test : int
        Samples of the training file (seed ``seed``) and the test file (``seed + 1``).
    gmres_systems : int
        Systems of the training set solved again, by the automatically chosen method and by
        independent GMRES(40)+ILU, for the speed-up measured in the same run.
    rtol : float
        True relative residual every solve must meet.
    """

    resolution: int
    n_train: int
    n_test: int
    gmres_systems: int
    rtol: float = 1e-8

    @property
    def fine(self) -> int:
        """The generation grid, ``2 * resolution - 1`` (every second node is the
        training grid's)."""
        return 2 * self.resolution - 1


@dataclass(frozen=True)
class OperatorScale:
    """FNO trained on the Darcy data (Adam, cosine schedule, relative L2 loss)."""

    n_modes: int
    hidden_channels: int
    n_layers: int
    epochs: int
    batch_size: int
    lr: float = 1e-3


@dataclass(frozen=True)
class GPScale:
    """One high-frequency benchmark of :data:`sciml.solvers.gp.problems.BENCHMARKS`.

    ``rounds``/``steps`` None: the solver's preset (``GP_PRESETS``) for the dimension.
    """

    problem: str
    n: int
    rounds: int | None = None
    steps: int | None = None


@dataclass(frozen=True)
class BridgeScale:
    """LightSB on a random instance of the entropic-OT mixtures benchmark.

    Attributes
    ----------
    dim, eps : the pair's dimension and entropic regularization
    n_components, steps, batch_size, lr : LightSB's size and its Adam schedule
    n_test, n_samples : test source points and plan samples per point (the metric)
    n_variance : target samples that estimate ``tr Var p1`` (the metric's normalization)
    """

    dim: int
    eps: float
    n_components: int
    steps: int
    batch_size: int
    n_test: int
    n_samples: int
    lr: float = 1e-2
    n_variance: int = 100_000


@dataclass(frozen=True)
class ValidationScale:
    """The validation claims: ``tier`` and an optional ``only`` pattern."""

    tier: str = "fast"
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scale:
    """Every part's settings, and a root ``seed``."""

    name: str
    darcy: DarcyScale
    operator: OperatorScale
    gp: GPScale
    bridge: BridgeScale
    validation: ValidationScale
    seed: int = 0
    runtime: str = ""


SMALL = Scale(
    name="small",
    darcy=DarcyScale(resolution=33, n_train=160, n_test=40, gmres_systems=20),
    operator=OperatorScale(
        n_modes=8, hidden_channels=24, n_layers=4, epochs=12, batch_size=8, lr=2e-3
    ),
    gp=GPScale(problem="poisson1d-sin100", n=400, rounds=1, steps=100),
    bridge=BridgeScale(
        dim=8, eps=1.0, n_components=10, steps=1500, batch_size=128, n_test=200, n_samples=500
    ),
    validation=ValidationScale(tier="fast"),
    runtime="a few minutes on one CPU core",
)

PAPER = Scale(
    name="paper",
    darcy=DarcyScale(resolution=85, n_train=1000, n_test=100, gmres_systems=50),
    operator=OperatorScale(n_modes=12, hidden_channels=32, n_layers=4, epochs=500, batch_size=20),
    gp=GPScale(problem="poisson2d-sin100", n=400),
    bridge=BridgeScale(
        dim=64,
        eps=1.0,
        n_components=50,
        steps=10_000,
        batch_size=128,
        n_test=1000,
        n_samples=1000,
        lr=3e-3,
    ),
    validation=ValidationScale(tier="fast"),
    runtime="needs a GPU for the FNO; see 'sciml quickstart --help' for measured parts",
)

TINY = Scale(
    name="tiny",
    darcy=DarcyScale(resolution=9, n_train=12, n_test=4, gmres_systems=3),
    operator=OperatorScale(n_modes=3, hidden_channels=8, n_layers=2, epochs=2, batch_size=4),
    gp=GPScale(problem="poisson1d-sin100", n=208, rounds=1, steps=3),
    bridge=BridgeScale(
        dim=2,
        eps=1.0,
        n_components=3,
        steps=20,
        batch_size=64,
        n_test=10,
        n_samples=50,
        n_variance=5000,
    ),
    validation=ValidationScale(tier="fast", only=("core.trapezoid",)),
    runtime="seconds (tests)",
)

#: The scales the command line offers.
SCALES = {"small": SMALL, "paper": PAPER}
