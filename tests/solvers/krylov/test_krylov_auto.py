"""Automatic method choice (choose_method) and chained solves (SequenceSolver) on the PDE
families: the choice follows the family's structure, every method meets the tolerance, a
failed iterative solve falls back to a direct one, and recycled state carries over."""

import json
import math

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from sciml.core import ParameterError
from sciml.solvers.krylov import gcrodr, ilu
from sciml.solvers.krylov.auto import (
    METHODS,
    MethodChoice,
    SequenceSolver,
    choose_method,
    valid_methods,
)
from sciml.solvers.pde import ConvectionDiffusion, Darcy, FrequencySweep, Helmholtz, Poisson

RTOL = 1e-8
ENTRY_KEYS = {"seconds_per_system", "matvecs_per_system", "max_residual", "status"}


def pilot_systems(family, n=4, rng=0):
    inputs = family.sample_inputs(n, rng=rng)
    systems = [family.assemble(x) for x in inputs]
    return systems, inputs.values.numpy().reshape(n, -1)


def choose(family, n=4, **kwargs):
    systems, features = pilot_systems(family, n)
    flags = dict(
        shared_matrix=not family.matrix_varies,
        symmetric=family.symmetric,
        definite=family.definite,
    )
    return choose_method(systems, features=features, **flags, **kwargs)


def relres(A, x, b):
    return np.linalg.norm(b - A @ x) / np.linalg.norm(b)


def test_shared_matrix_family_factors_once():
    choice = choose(Poisson(33))
    assert isinstance(choice, MethodChoice)
    assert choice.method == "factor_once" and choice.sort is False
    assert choice.pilot["factor_once"]["status"] == "SUCCESS"
    assert "shared" in choice.pilot["chosen_because"]


def test_small_darcy_picks_direct_or_amg_with_a_complete_pilot():
    choice = choose(Darcy(33))
    assert choice.method in ("direct", "amg_cg", "gmg_cg")
    expected = set(valid_methods(shared_matrix=False, symmetric=True, definite=True))
    entries = {k: v for k, v in choice.pilot.items() if k != "chosen_because"}
    assert set(entries) == expected and "factor_once" not in entries
    for name, entry in entries.items():
        assert ENTRY_KEYS <= set(entry), name
        numbers = [entry[k] for k in ("seconds_per_system", "matvecs_per_system")]
        assert all(math.isfinite(v) and v >= 0 for v in numbers), name
        assert math.isfinite(entry["max_residual"]), name
    assert choice.pilot[choice.method]["max_residual"] <= RTOL
    assert isinstance(choice.pilot["chosen_because"], str)
    assert json.loads(json.dumps(choice.pilot)) == choice.pilot


def test_nonsymmetric_family_never_gets_cg():
    family = ConvectionDiffusion(33, peclet=100)
    choice = choose(family, candidates=("cg", "amg_cg", "direct", "gmres_ilu"))
    assert choice.method in ("direct", "gmres_ilu")
    assert "cg" not in choice.pilot and "amg_cg" not in choice.pilot
    assert "not applicable" in choice.pilot["chosen_because"]
    with pytest.raises(ParameterError, match="no candidate"):
        choose(family, candidates=("cg", "amg_cg"))


def test_sorted_recycling_needs_features_and_sort_follows_method():
    systems, _ = pilot_systems(Helmholtz(17), 3)
    flags = dict(shared_matrix=False, symmetric=True, definite=False)
    choice = choose_method(systems, **flags, candidates=("gcrodr_recycled_sorted", "direct"))
    assert "gcrodr_recycled_sorted" not in choice.pilot  # no features: nothing to sort by
    assert choice.sort == (choice.method == "gcrodr_recycled_sorted")


def family_samples():
    for family in (Darcy(33), Helmholtz(33)):
        systems, _ = pilot_systems(family, 3, rng=1)
        for method in valid_methods(
            shared_matrix=False, symmetric=family.symmetric, definite=family.definite
        ):
            yield pytest.param(method, systems, id=f"{type(family).__name__}-{method}")


@pytest.mark.parametrize("method, systems", list(family_samples()))
def test_every_method_meets_rtol_and_matches_spsolve(method, systems):
    solver = SequenceSolver(method, rtol=RTOL)
    for A, b in systems:
        sol = solver.solve(A, b)
        assert sol.ok and sol.stats["method"] == method
        assert sol.stats["fallback"] is False
        assert sol.stats["residual"] <= RTOL
        assert relres(A, sol.value, b) <= RTOL * 1.01  # the reported residual is the true one
        reference = spsolve(sp.csc_matrix(A), b)
        assert np.linalg.norm(sol.value - reference) <= 1e-5 * np.linalg.norm(reference)
        assert sol.stats["seconds"] > 0 and sol.stats["matvecs"] >= 1


def test_factor_once_reuses_the_factors_of_a_shared_matrix():
    systems, _ = pilot_systems(Poisson(33), 3)
    solver = SequenceSolver("factor_once")
    reused = [solver.solve(A, b).stats["reused"] for A, b in systems]
    assert reused == [False, True, True]
    A, b = Darcy(33).assemble(Darcy(33).sample_inputs(1, rng=0)[0])  # another matrix
    sol = solver.solve(A, b)
    assert sol.stats["reused"] is False and sol.stats["residual"] <= RTOL


@pytest.mark.parametrize("method", ["cg", "amg_cg", "gmres_ilu", "gcrodr", "gcrodr_recycled"])
def test_failed_iterative_solve_falls_back_to_direct(method):
    systems, _ = pilot_systems(Darcy(33), 1)
    A, b = systems[0]
    sol = SequenceSolver(method, rtol=1e-12, max_iter=2).solve(A, b)
    assert sol.stats["fallback"] is True and sol.ok
    assert sol.stats["method_status"] == "MAX_ITERATIONS"
    assert sol.stats["method_residual"] > 1e-12
    assert sol.stats["residual"] <= 1e-12 and relres(A, sol.value, b) <= 1e-12
    raw = SequenceSolver(method, rtol=1e-12, max_iter=2, fallback=False).solve(A, b)
    assert raw.stats["fallback"] is False and not raw.ok and raw.stats["residual"] > 1e-12


def test_recycled_state_carries_along_a_frequency_sweep():
    sweep = FrequencySweep(64, np.linspace(9.0, 11.0, 4))
    systems, _ = pilot_systems(sweep, 2)
    solver = SequenceSolver("gcrodr_recycled")
    first = solver.solve(*systems[0])
    second = solver.solve(*systems[1])
    assert first.stats["reused"] is False and second.stats["reused"] is True
    assert second.ok and second.stats["residual"] <= RTOL
    # a fresh GCRO-DR on the same system, with the same frozen ILU, but no recycled space
    fresh = gcrodr(*systems[1], M=ilu(systems[0][0]), restart=40, recycle=20, rtol=RTOL)
    assert fresh.ok
    assert second.stats["matvecs"] < fresh.stats["matvecs"]


def test_unknown_method_is_explained():
    with pytest.raises(ParameterError) as err:
        SequenceSolver("lu")
    message = str(err.value)
    assert "'lu'" in message and all(repr(m) in message for m in METHODS)
    assert "expected" in message and "Fix:" in message
    systems, _ = pilot_systems(Darcy(17), 2)
    with pytest.raises(ParameterError, match="gcrodr_recycled_sorted"):
        choose_method(
            systems, shared_matrix=False, symmetric=True, definite=True, candidates=("lu",)
        )


def test_a_method_that_solved_every_pilot_system_is_not_marked_abandoned():
    from sciml.solvers.krylov.auto import _pilot_one
    from sciml.solvers.pde import Poisson

    family = Poisson(17)
    inputs = family.sample_inputs(3, rng=0)
    systems = [family.assemble(inputs[i]) for i in range(3)]
    entry = _pilot_one("direct", systems, [0, 1, 2], rtol=1e-8, max_iter=100, budget=0.0)
    assert entry["systems"] == 1 and entry["status"] == "ABANDONED"  # stopped with work left
    entry = _pilot_one("direct", systems[:1], [0], rtol=1e-8, max_iter=100, budget=0.0)
    assert entry["systems"] == 1 and entry["status"] == "SUCCESS"  # nothing was left to do
