"""What determines a data set: the generation request, its canonical JSON and its hash.

Two runs with equal :meth:`GenerationConfig.canonical` dicts produce the same data (inputs
bit for bit, outputs to the solver tolerance), whatever the number of workers, the chunking
or interruptions; the sha256 of that JSON is stored as the file's ``config_hash`` and is
what ``--resume`` compares. Execution choices (workers, scheduler, chunk size, output path)
are not part of it; the method the pilot picks is stored separately, because it depends on
timings, and a resumed run reuses it.

Examples
--------
>>> a = GenerationConfig("darcy", n=8, resolution=17)
>>> b = GenerationConfig("darcy", n=8, resolution=17, params={"tau": 3.0})
>>> a.hash == b.hash  # a default given explicitly is the same configuration
True
>>> c = GenerationConfig("darcy", n=8, resolution=17, seed=1, params={"tau": 4})
>>> config_diff(a.canonical(), c.canonical())
['family_parameters.grf.sigma', 'family_parameters.grf.tau', 'params.tau', 'seed']
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from sciml.core.errors import explain
from sciml.solvers.krylov.auto import METHODS, valid_methods

from .errors import DatasetError
from .families import FamilySpec, family_spec
from .h5_store import FORMAT

__all__ = [
    "FORMAT",
    "GenerationConfig",
    "available_memory",
    "check_request_size",
    "request_size",
    "canonical_json",
    "config_diff",
    "config_hash",
    "package_version",
]

AUTO = "auto"


def package_version() -> str:
    """The installed ``sciml-numerics`` version (read from the distribution's metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sciml-numerics")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def canonical_json(obj) -> str:
    """Sorted keys, no whitespace, ASCII, no NaN: equal objects give equal strings."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def config_hash(canonical: Mapping) -> str:
    """sha256 (hex) of :func:`canonical_json` of a configuration dict."""
    return hashlib.sha256(canonical_json(canonical).encode()).hexdigest()


def _flatten(obj, prefix: str = "") -> dict:
    if isinstance(obj, Mapping):
        out = {}
        for key, value in obj.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out or {prefix[:-1]: {}}
    return {prefix[:-1]: obj}


def config_diff(old: Mapping, new: Mapping) -> list[str]:
    """Dotted keys whose values differ between two configuration dicts (sorted)."""
    a, b = _flatten(old), _flatten(new)
    return sorted(k for k in a.keys() | b.keys() if a.get(k, ...) != b.get(k, ...))


def _positive_int(value, name: str, minimum: int, example: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise DatasetError(
            explain(
                f"{name} must be an integer >= {minimum}",
                expected=f"{name} >= {minimum}",
                received=repr(value),
                fix=f"pass e.g. {example}",
            )
        )
    return value


def available_memory() -> int | None:
    """Bytes of memory this process can still allocate (Linux ``MemAvailable``, else the
    physical memory), or None where neither is known."""
    import os

    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


#: Estimated bytes per grid point of one sample while it is drawn and solved (random field
#: spectra, sparse matrix and factors, Krylov vectors), and per sample of bookkeeping
#: (seeds, solve order, statistics). Deliberately low: a refusal must never be wrong.
WORK_BYTES_PER_POINT, BYTES_PER_SAMPLE = 64 * 8, 64


def request_size(spec: FamilySpec, n: int, resolution: int, params: Mapping) -> dict:
    """Lower estimates of a request's size before anything is allocated.

    Returns
    -------
    dict
        ``file_bytes`` (the float64 inputs and outputs stored: ``n * channels * points * 8``)
        and ``memory_bytes`` (one sample's working set plus per-sample bookkeeping).
    """
    ndim = 1 if spec.name == "burgers" else 2
    points = float(resolution) ** ndim
    if spec.kind == "steps":
        outputs = int(params.get("steps") or 1)
    elif spec.kind == "trajectory":
        outputs = len(params.get("record_times") or [None])
    else:
        outputs = 1
    return {
        "file_bytes": float(n) * (1 + outputs) * points * 8,
        "memory_bytes": WORK_BYTES_PER_POINT * points + BYTES_PER_SAMPLE * float(n),
        "points": points,
    }


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2**30:.3g} GiB"


def check_request_size(spec: FamilySpec, n: int, resolution: int, params: Mapping) -> dict:
    """Refuse (:class:`DatasetError`) a request whose working memory exceeds what is left
    here, before allocating; returns :func:`request_size`."""
    size = request_size(spec, n, resolution, params)
    have = available_memory()
    if have is not None and size["memory_bytes"] > have:
        raise DatasetError(
            explain(
                f"generating {n} samples of {spec.name} at resolution {resolution} needs about "
                f"{_gib(size['memory_bytes'])} of memory (about {_gib(size['file_bytes'])} on "
                "disk); refused before allocating",
                expected=f"a request that fits in the {_gib(have)} of memory available here",
                received=f"--n {n} --resolution {resolution}",
                fix="lower --resolution (the working set grows as resolution^d) or --n; for "
                "many samples write several files with different --seed values",
            )
        )
    return size


@dataclass(frozen=True)
class GenerationConfig:
    """A data-set request: everything that determines the samples.

    Parameters
    ----------
    family : str
        Command-line family name (:data:`sciml.data.families.FAMILIES`).
    n : int
        Number of samples, ``>= 1``.
    resolution : int
        Grid nodes per axis (boundary nodes included for the vertex grids of the
        stationary families), ``>= 3``.
    params : mapping, optional
        Family parameters (typed values or ``key=value`` strings' values); defaults filled.
    seed : int
        Root seed: sample ``i`` is drawn from child ``i`` of ``SeedSequence(seed)``.
    method : str
        ``"auto"`` (pilot) or one of :data:`sciml.solvers.krylov.auto.METHODS`.
    rtol : float
        Required true relative residual of every linear solve, in ``(0, 1)``.

    Raises
    ------
    DatasetError
        For an unknown family, ``n < 1``, a bad seed, method or rtol, unknown parameters,
        a method that does not apply to the family, or a request whose working memory
        exceeds the memory available (refused before allocating; see
        :func:`check_request_size`).
    sciml.core.ParameterError, sciml.core.DiscretizationError
        From the family itself (a resolution that is too small, a negative viscosity, ...).
    """

    family: str
    n: int
    resolution: int
    params: Mapping = field(default_factory=dict)
    seed: int = 0
    method: str = AUTO
    rtol: float = 1e-8

    def __post_init__(self):
        spec = family_spec(self.family)
        _positive_int(self.n, "n (the number of samples)", 1, "--n 100")
        _positive_int(self.seed, "seed", 0, "--seed 0")
        if not isinstance(self.resolution, int) or isinstance(self.resolution, bool):
            raise DatasetError(
                explain(
                    "resolution must be an integer",
                    expected="nodes per axis, e.g. 64",
                    received=repr(self.resolution),
                    fix="pass e.g. --resolution 64",
                )
            )
        rtol = float(self.rtol)
        if not (math.isfinite(rtol) and 0 < rtol < 1):
            raise DatasetError(
                explain(
                    "rtol must be a relative tolerance in (0, 1)",
                    expected="0 < rtol < 1",
                    received=repr(self.rtol),
                    fix="pass e.g. --rtol 1e-8",
                )
            )
        object.__setattr__(self, "rtol", rtol)
        object.__setattr__(self, "params", spec.parse((), self.params))
        if self.resolution >= 1:  # smaller ones are refused by the family, with its rule
            check_request_size(spec, self.n, self.resolution, self.params)
        self.problem  # noqa: B018  (build the family now: its own checks run here)
        self._check_method(spec)

    # ------------------------------------------------------------------ derived
    @property
    def spec(self) -> FamilySpec:
        """The family's :class:`~sciml.data.families.FamilySpec`."""
        return family_spec(self.family)

    @functools.cached_property
    def problem(self):
        """The family object (built once per config object)."""
        return self.spec.build(self.resolution, self.n, self.params)

    def canonical(self) -> dict:
        """The JSON-serializable dict that determines the data (what :attr:`hash` hashes)."""
        return {
            "format": FORMAT,
            "version": package_version(),
            "family": self.family,
            "family_parameters": self.problem.parameters,
            "params": dict(self.params),
            "n": self.n,
            "resolution": self.resolution,
            "seed": self.seed,
            "method": self.method,
            "rtol": self.rtol,
        }

    @property
    def hash(self) -> str:
        """sha256 of :meth:`canonical`."""
        return config_hash(self.canonical())

    # ------------------------------------------------------------------ checks
    def _check_method(self, spec: FamilySpec) -> None:
        if self.method == AUTO:
            return
        if spec.kind == "trajectory":
            raise DatasetError(
                explain(
                    f"{self.family} is integrated by its own pseudo-spectral time stepper, "
                    "which solves no linear systems",
                    expected="--method auto (the default) for this family",
                    received=f"--method {self.method}",
                    fix="drop --method; the family's solver is recorded in the file's "
                    "'method' attribute",
                )
            )
        if self.method not in METHODS:
            raise DatasetError(
                explain(
                    "unknown solution method",
                    expected="auto or one of " + ", ".join(METHODS),
                    received=repr(self.method),
                    fix="pick a listed method, or --method auto to let a pilot choose",
                )
            )
        fam = self.problem
        valid = valid_methods(
            shared_matrix=not fam.matrix_varies,
            symmetric=fam.symmetric,
            definite=fam.definite,
            sortable=bool(spec.sort_channels),
        )
        if self.method not in valid:
            raise DatasetError(
                explain(
                    f"method {self.method!r} does not apply to {self.family} (matrices: "
                    f"{'shared' if not fam.matrix_varies else 'one per sample'}, "
                    f"{'symmetric' if fam.symmetric else 'nonsymmetric'}, "
                    f"{'positive definite' if fam.definite else 'not positive definite'})",
                    expected="one of " + ", ".join(valid),
                    received=repr(self.method),
                    fix="pick an applicable method, or --method auto",
                )
            )
