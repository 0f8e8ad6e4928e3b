"""The problem families the pipeline generates, by command-line name, with typed parameters.

Each :class:`FamilySpec` maps a name such as ``"darcy"`` to a factory of the family in
:mod:`sciml.solvers.pde`, declares the parameters a user may set (``--param key=value``) with
their types and pinned defaults, and says how the family is solved:

* ``"stationary"``: one sparse system per sample (``assemble``), solved by a Krylov or
  direct method chosen per data set;
* ``"steps"``: backward-Euler heat, a chain of sparse systems per sample (``step_systems``),
  solved by the same methods;
* ``"trajectory"``: Burgers and Navier–Stokes, integrated by the family's own
  pseudo-spectral time stepper (no linear systems, no method to choose).

Examples
--------
>>> spec = FAMILIES["darcy"]
>>> params = spec.parse(["coefficient=lognormal", "tau=5"])
>>> params["coefficient"], params["tau"], params["alpha"]
('lognormal', 5.0, 2.0)
>>> family = spec.build(17, 4, params)
>>> type(family).__name__, spec.output_channels(family)
('Darcy', ('u',))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sciml.core.errors import explain
from sciml.solvers.pde import (
    Burgers1D,
    ConvectionDiffusion,
    Darcy,
    FrequencySweep,
    Heat,
    Helmholtz,
    NavierStokes2D,
    Poisson,
)

from .errors import DatasetError

__all__ = ["Param", "FamilySpec", "FAMILIES", "family_spec"]

KINDS = ("stationary", "steps", "trajectory")


@dataclass(frozen=True)
class Param:
    """One family parameter settable as ``--param name=value``.

    Parameters
    ----------
    name : str
    type : {"float", "int", "str", "float?", "floats?"}
        ``"float?"`` also accepts ``none``; ``"floats?"`` a comma-separated list or ``none``.
    default : object
        The pinned default (JSON-serializable).
    help : str
    choices : tuple of str, optional
        Allowed values of a ``"str"`` parameter.
    """

    name: str
    type: str
    default: object
    help: str
    choices: tuple[str, ...] = ()

    def convert(self, text: str):
        """The typed value of ``text``; raises :class:`DatasetError` with the fix."""
        t = text.strip()
        try:
            if self.type.endswith("?") and t.lower() in ("none", "null", ""):
                return None
            if self.type in ("float", "float?"):
                value = float(t)
                if not math.isfinite(value):
                    raise ValueError(t)
                return value
            if self.type == "int":
                return int(t)
            if self.type == "floats?":
                values = [float(v) for v in t.split(",") if v.strip()]
                if not values or not all(math.isfinite(v) for v in values):
                    raise ValueError(t)
                return values
        except ValueError:
            raise DatasetError(
                explain(
                    f"parameter {self.name!r} has a value of the wrong type",
                    expected=_describe(self),
                    received=repr(text),
                    fix=f"pass e.g. --param {self.name}={_example(self)}",
                )
            ) from None
        if self.choices and t not in self.choices:
            raise DatasetError(
                explain(
                    f"parameter {self.name!r} has an unknown value",
                    expected=" | ".join(self.choices),
                    received=repr(text),
                    fix=f"pass --param {self.name}={self.choices[0]}",
                )
            )
        return t


def _text(value) -> str:
    """A typed override as the text ``convert`` parses, so ``3`` and ``3.0`` give the same
    canonical value."""
    if value is None:
        return "none"
    if isinstance(value, (list, tuple, np.ndarray)):
        return ",".join(repr(float(v)) for v in value)
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _describe(p: Param) -> str:
    return {
        "float": "a finite number",
        "float?": "a finite number or 'none'",
        "int": "an integer",
        "str": " | ".join(p.choices) or "a word",
        "floats?": "comma-separated numbers, e.g. 0.5,1.0, or 'none'",
    }[p.type]


def _example(p: Param) -> str:
    if p.choices:
        return p.choices[0]
    if p.type == "floats?":
        return "0.5,1.0"
    return "none" if p.default is None else str(p.default)


@dataclass(frozen=True)
class FamilySpec:
    """A family as the pipeline sees it.

    Parameters
    ----------
    name : str
        Command-line name.
    kind : {"stationary", "steps", "trajectory"}
        How samples are solved (see the module docstring).
    summary : str
        One line for ``--help``.
    params : tuple of Param
    factory : callable ``(resolution, n, params) -> family``
    sort_channels : tuple of str
        Input channels that determine the matrix; their coarse values are the features of
        the greedy solve order (empty: the family is never sorted).
    boundary_conditions : dict
        JSON description stored in the file's metadata.
    """

    name: str
    kind: str
    summary: str
    params: tuple[Param, ...]
    factory: Callable = field(repr=False)
    sort_channels: tuple[str, ...] = ()
    boundary_conditions: Mapping = field(default_factory=dict)

    def defaults(self) -> dict:
        """Every parameter at its default."""
        return {p.name: p.default for p in self.params}

    def parse(self, items: Sequence[str] = (), overrides: Mapping | None = None) -> dict:
        """Resolve ``key=value`` strings (and already typed ``overrides``) into the full
        parameter dict, defaults filled in.

        Raises
        ------
        DatasetError
            For an item without ``=``, an unknown key (the message lists the known ones) or
            a value of the wrong type.
        """
        known = {p.name: p for p in self.params}
        out = self.defaults()
        pairs = []
        for item in items:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise DatasetError(
                    explain(
                        "a family parameter must be written key=value",
                        expected="e.g. --param tau=3",
                        received=repr(item),
                        fix="write each parameter as key=value, one --param per parameter",
                    )
                )
            pairs.append((key.strip(), value))
        pairs += [(k, v) for k, v in (overrides or {}).items()]
        for key, value in pairs:
            if key not in known:
                raise DatasetError(
                    explain(
                        f"family {self.name!r} has no parameter {key!r}",
                        expected="one of " + ", ".join(sorted(known)) if known else "none",
                        received=repr(key),
                        fix=f"run 'sciml generate --help' for the parameters of {self.name}",
                    )
                )
            out[key] = known[key].convert(value if isinstance(value, str) else _text(value))
        return out

    def build(self, resolution: int, n: int, params: Mapping):
        """The family object for a data set of ``n`` samples at ``resolution``."""
        return self.factory(resolution, n, dict(params))

    def output_channels(self, family) -> tuple[str, ...]:
        """Names of the solution channels stored per sample."""
        if self.kind == "stationary":
            return ("u",)
        if self.kind == "steps":
            return tuple(f"u(t={t:.6g})" for t in family.times)
        name = "w" if isinstance(family, NavierStokes2D) else "u"
        return tuple(f"{name}(t={t:.6g})" for t in family.record_times)

    def help_line(self) -> str:
        """``name: summary; params: key=default, ...`` for ``--help``."""
        params = ", ".join(f"{p.name}={_example_default(p)}" for p in self.params)
        return f"{self.name}: {self.summary}. Params: {params}"


def _example_default(p: Param) -> str:
    if p.default is None:
        return "none"
    if isinstance(p.default, list):
        return ",".join(f"{v:g}" for v in p.default)
    return f"{p.default:g}" if isinstance(p.default, float) else str(p.default)


def _grf(alpha: float, tau: float, sigma) -> tuple[Param, ...]:
    what = "Gaussian random field"
    return (
        Param("alpha", "float", alpha, f"{what} smoothness"),
        Param("tau", "float", tau, f"{what} inverse length scale"),
        Param("sigma", "float?", sigma, f"{what} amplitude (none: the family's rule)"),
    )


def _sigma(params: dict) -> dict:
    """Drop ``sigma=None`` so the family applies its own default rule."""
    return {k: v for k, v in params.items() if not (k == "sigma" and v is None)}


def _grf_modes(params: dict) -> dict:
    """``grf_modes=0`` means one mode per node (the family's ``None``)."""
    return {**params, "grf_modes": params.get("grf_modes") or None}


_DIRICHLET = {"type": "dirichlet", "value": 0.0, "where": "all four edges of [0,1]^2"}
_PERIODIC = {"type": "periodic", "where": "every axis of [0,1)^d"}


def _sweep(resolution: int, n: int, p: dict):
    omegas = np.linspace(p.pop("omega_min"), p.pop("omega_max"), n)
    return FrequencySweep(resolution, omegas, **_sigma(p))


FAMILIES: dict[str, FamilySpec] = {
    spec.name: spec
    for spec in (
        FamilySpec(
            "darcy",
            "stationary",
            "-div(a grad u) = source, a thresholded (12/3) or log-normal GRF",
            (
                Param(
                    "coefficient",
                    "str",
                    "threshold",
                    "coefficient model",
                    ("threshold", "lognormal"),
                ),
                *_grf(2.0, 3.0, None),
                Param("high", "float", 12.0, "coefficient where g >= 0"),
                Param("low", "float", 3.0, "coefficient where g < 0"),
                Param("source", "float", 1.0, "constant right-hand side"),
                Param(
                    "grf_modes",
                    "int",
                    0,
                    "cosine modes per axis of g, the same at every resolution (0: one per node)",
                ),
            ),
            lambda r, n, p: Darcy(r, **_grf_modes(_sigma(p))),
            ("a",),
            _DIRICHLET,
        ),
        FamilySpec(
            "poisson",
            "stationary",
            "-Laplacian u = f, f a GRF (one shared matrix)",
            _grf(2.0, 3.0, 3.0),
            lambda r, n, p: Poisson(r, **_sigma(p)),
            ("f",),
            _DIRICHLET,
        ),
        FamilySpec(
            "helmholtz",
            "stationary",
            "-Laplacian u - (omega/c)^2 u = source, random wave speed c (indefinite)",
            (
                Param("omega", "float", 10.0, "angular frequency"),
                Param("contrast", "float", 0.2, "wave-speed contrast in [0, 1)"),
                *_grf(2.0, 3.0, 3.0),
                Param("source", "float", 1.0, "constant right-hand side"),
            ),
            lambda r, n, p: Helmholtz(r, **_sigma(p)),
            ("c",),
            _DIRICHLET,
        ),
        FamilySpec(
            "convection_diffusion",
            "stationary",
            "-Laplacian u / Pe + v.grad u = source, random divergence-free v (nonsymmetric)",
            (
                Param("peclet", "float", 100.0, "global Peclet number"),
                Param("scheme", "str", "upwind", "advection differences", ("upwind", "central")),
                Param("alpha", "float", 3.0, "stream-function smoothness"),
                Param("tau", "float", 3.0, "stream-function inverse length scale"),
                Param("source", "float", 1.0, "constant right-hand side"),
            ),
            lambda r, n, p: ConvectionDiffusion(r, **p),
            ("vx", "vy"),
            _DIRICHLET,
        ),
        FamilySpec(
            "heat",
            "steps",
            "u_t = Laplacian u by backward Euler from a random u0; outputs every time level",
            (
                Param("dt", "float", 1e-3, "time step"),
                Param("steps", "int", 10, "number of backward-Euler steps"),
                *_grf(2.0, 3.0, 3.0),
            ),
            lambda r, n, p: Heat(r, **_sigma(p)),
            ("u0",),
            _DIRICHLET,
        ),
        FamilySpec(
            "sweep",
            "stationary",
            "Helmholtz in one medium at omegas linspace(omega_min, omega_max, n), random sources",
            (
                Param("omega_min", "float", 9.0, "first frequency"),
                Param("omega_max", "float", 11.0, "last frequency"),
                Param("medium_seed", "int", 0, "seed of the shared medium"),
                Param("contrast", "float", 0.2, "wave-speed contrast in [0, 1)"),
                *_grf(2.0, 3.0, 3.0),
            ),
            _sweep,
            ("omega",),
            _DIRICHLET,
        ),
        FamilySpec(
            "burgers",
            "trajectory",
            "u_t + u u_x = nu u_xx, periodic 1-D, FNO defaults (own ETDRK4 solver)",
            (
                Param("nu", "float", 0.1, "viscosity"),
                Param("T", "float", 1.0, "final time"),
                Param("dt", "float", 1e-3, "time step"),
                Param("record_times", "floats?", None, "times stored as channels (none: T)"),
                *_grf(2.0, 5.0, 25.0),
            ),
            lambda r, n, p: Burgers1D(r, **_sigma(p)),
            (),
            _PERIODIC,
        ),
        FamilySpec(
            "navier_stokes",
            "trajectory",
            "2-D vorticity on the torus, FNO defaults nu=1e-3, T=50, dt=1e-4 (own solver)",
            (
                Param("nu", "float", 1e-3, "viscosity"),
                Param("T", "float", 50.0, "final time"),
                Param("dt", "float", 1e-4, "time step"),
                Param("record_times", "floats?", None, "times stored as channels (none: T)"),
                Param("forcing", "float", 0.1, "forcing amplitude"),
                *_grf(2.5, 7.0, None),
            ),
            lambda r, n, p: NavierStokes2D(r, **_sigma(p)),
            (),
            _PERIODIC,
        ),
    )
}


def family_spec(name: str) -> FamilySpec:
    """The spec of a family by command-line name; :class:`DatasetError` lists the names."""
    if name not in FAMILIES:
        raise DatasetError(
            explain(
                f"unknown problem family {name!r}",
                expected="one of " + ", ".join(FAMILIES),
                received=repr(name),
                fix="pick a family from the list, e.g. 'sciml generate darcy ...'",
            )
        )
    return FAMILIES[name]
