"""How a data set will be solved: the method (a measured pilot for ``auto``) and the order.

Examples
--------
>>> from sciml.data.config import GenerationConfig
>>> plan = make_plan(GenerationConfig("poisson", n=5, resolution=17))
>>> plan.method, plan.sort, plan.order.tolist()
('factor_once', False, [0, 1, 2, 3, 4])
>>> sorted(plan.pilot)[:2]
['amg_cg', 'cg']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sciml.solvers.krylov.auto import choose_method

from .chains import coarse_features, plan_order
from .config import AUTO, GenerationConfig

__all__ = ["FAMILY_SOLVER", "PILOT_SAMPLES", "Plan", "make_plan", "sort_features"]

#: Samples the pilot of ``--method auto`` solves with every candidate.
PILOT_SAMPLES = 6
#: The ``method`` recorded for families integrated by their own time stepper.
FAMILY_SOLVER = "family_solver"
_FEATURE_BLOCK = 256


@dataclass(frozen=True)
class Plan:
    """The method, whether samples are sorted, the pilot record and the solve order.

    Attributes
    ----------
    method : str
        One of :data:`sciml.solvers.krylov.auto.METHODS`, or :data:`FAMILY_SOLVER`.
    sort : bool
    pilot : dict
        JSON-serializable; ``chosen_because`` is always present.
    order : ndarray of shape (n,)
        ``order[t]``: the sample solved at step ``t``.
    """

    method: str
    sort: bool
    pilot: dict
    order: np.ndarray


def _inputs(config: GenerationConfig, start: int, count: int) -> np.ndarray:
    return config.problem.sample_inputs(count, rng=config.seed, start=start).values.numpy()


def sort_features(config: GenerationConfig, count: int | None = None) -> np.ndarray | None:
    """Coarse features of the matrix-determining input channels of the first ``count``
    samples (default: all), shape ``(count, p)``; None for families that are never sorted.

    Inputs are drawn in blocks, so memory stays at the size of the features.
    """
    spec, fam = config.spec, config.problem
    if not spec.sort_channels:
        return None
    count = config.n if count is None else count
    channels = [fam.channels.index(c) for c in spec.sort_channels]
    blocks = []
    for start in range(0, count, _FEATURE_BLOCK):
        x = _inputs(config, start, min(_FEATURE_BLOCK, count - start))
        blocks.append(coarse_features(x[:, channels]))
    return np.concatenate(blocks)


def _pilot_systems(config: GenerationConfig, count: int) -> list:
    fam = config.problem
    x = _inputs(config, 0, count)
    if config.spec.kind == "steps":
        return [next(fam.step_systems(xi)) for xi in x]  # each trajectory's first system
    return [fam.assemble(xi) for xi in x]


def make_plan(config: GenerationConfig, *, pilot_samples: int = PILOT_SAMPLES) -> Plan:
    """Choose the method and the solve order of a data set.

    * time-dependent families (``kind == "trajectory"``): :data:`FAMILY_SOLVER`, identity;
    * an explicit ``config.method``: that method; greedy order iff it is
      ``gcrodr_recycled_sorted``;
    * ``auto``: :func:`~sciml.solvers.krylov.auto.choose_method` on the first
      ``pilot_samples`` samples (with their features when the family can be sorted), and the
      greedy order of all samples when the choice says sort.
    """
    spec, fam, n = config.spec, config.problem, config.n
    if spec.kind == "trajectory":
        pilot = {
            "solver": f"{type(fam).__name__}.solve",
            "discretization": fam.parameters.get("discretization", ""),
            "chosen_because": "time-dependent family: integrated by its own time stepper "
            "(no linear systems to solve)",
        }
        return Plan(FAMILY_SOLVER, False, pilot, plan_order(n))
    if config.method != AUTO:
        method, sort = config.method, config.method == "gcrodr_recycled_sorted"
        pilot = {"chosen_because": f"requested: --method {method}"}
    else:
        count = min(n, pilot_samples)
        choice = choose_method(
            _pilot_systems(config, count),
            shared_matrix=not fam.matrix_varies,
            symmetric=fam.symmetric,
            definite=fam.definite,
            rtol=config.rtol,
            features=sort_features(config, count),
        )
        method, sort, pilot = choice.method, choice.sort, dict(choice.pilot)
        pilot["pilot_samples"] = count
    order = plan_order(n, sort_features(config) if sort else None)
    return Plan(method, sort, pilot, order)
