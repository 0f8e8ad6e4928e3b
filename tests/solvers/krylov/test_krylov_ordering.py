"""Greedy nearest-neighbour ordering and solving sequences with recycling."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sciml.core import ShapeError, Status
from sciml.solvers.krylov import (
    ParameterError,
    gcrodr,
    greedy_order,
    identity_order,
    ilu,
    solve_sequence,
)


def brute_force_chain(F, start=0):
    """The definition, with the full distance matrix."""
    F = F.reshape(len(F), -1)
    D = np.linalg.norm(F[:, None, :] - F[None, :, :], axis=-1)
    order, seen = [start], {start}
    while len(order) < len(F):
        d = np.where([i in seen for i in range(len(F))], np.inf, D[order[-1]])
        order.append(int(np.argmin(d)))
        seen.add(order[-1])
    return np.array(order)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), p=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
def test_greedy_order_is_the_nearest_neighbour_chain(n, p, seed):
    F = np.random.default_rng(seed).standard_normal((n, p))
    order = greedy_order(F)
    assert sorted(order.tolist()) == list(range(n)) and order[0] == 0
    assert np.array_equal(order, brute_force_chain(F))
    assert np.array_equal(greedy_order(F, memory=0), order)  # row-by-row path


def test_sorted_then_shuffled_points_come_back_as_a_monotone_chain(rng):
    x = np.sort(rng.uniform(0, 1, 200))
    perm = rng.permutation(200)
    shuffled = x[perm]
    order = greedy_order(shuffled[:, None], start=int(np.argmin(shuffled)))
    assert np.all(np.diff(shuffled[order]) > 0)
    assert np.array_equal(perm[order], np.arange(200))


def test_fields_are_compared_in_the_frobenius_norm(rng):
    fields = rng.standard_normal((12, 8, 8))
    assert np.array_equal(greedy_order(fields, start=3), brute_force_chain(fields, start=3))


def test_bad_ordering_arguments():
    with pytest.raises(ParameterError, match="start"):
        greedy_order(np.zeros((3, 2)), start=3)
    with pytest.raises(ShapeError, match="feature"):
        greedy_order(np.array([]).reshape(0, 2))
    assert identity_order(4).tolist() == [0, 1, 2, 3]


def make_systems(problems, rng, count=6):
    A0 = problems["helmholtz"](16, 10.0)
    shifts = rng.uniform(0.0, 20.0, count)
    eye = sp.identity(A0.shape[0], format="csr")
    return [(sp.csr_array(A0 - s * eye), rng.standard_normal(A0.shape[0])) for s in shifts]


@pytest.mark.parametrize("method", ["gcrodr", "gmres"])
def test_solve_sequence_returns_results_in_the_original_order(problems, rng, method):
    systems = make_systems(problems, rng)
    order = rng.permutation(len(systems))
    out = solve_sequence(systems, order, method=method, restart=30)
    assert out.ok and out.stats["order"] == order.tolist() and len(out.value) == len(systems)
    for (A, b), sol in zip(systems, out.value):
        assert np.linalg.norm(b - A @ sol.value) <= 1e-8 * np.linalg.norm(b)
    for key in ("iterations", "matvecs"):
        assert out.stats[key] == sum(s.stats[key] for s in out.value)
    if method == "gcrodr":
        last = out.value[order[-1]]
        assert out.state is last.state and out.state.k == 20


def test_solve_sequence_recycles_like_a_hand_written_loop(problems, rng):
    systems = make_systems(problems, rng, count=4)
    M = ilu(systems[0][0])
    order = [2, 0, 3, 1]
    out = solve_sequence(systems, order, M=M)
    state = None
    for i in order:
        sol = gcrodr(*systems[i], M=M, state=state)
        state = sol.state
        assert sol.stats["matvecs"] == out.value[i].stats["matvecs"]


def test_solve_sequence_reports_failures_by_original_index(problems, rng):
    systems = make_systems(problems, rng, count=3)
    bad = systems[1][1].copy()
    bad[0] = np.nan
    systems[1] = (systems[1][0], bad)
    out = solve_sequence(systems, [1, 2, 0])
    assert out.status is Status.NONFINITE and out.stats["failed"] == [1]
    assert out.value[0].ok and out.value[2].ok


def test_warm_start_uses_the_previous_solution(problems):
    A = problems["laplacian"](24)
    b = np.ones(A.shape[0])
    eye = sp.identity(A.shape[0], format="csr")
    systems = [(sp.csr_array(A + s * eye), b) for s in np.linspace(0.0, 1.0, 5)]
    cold = solve_sequence(systems, method="cg")
    warm = solve_sequence(systems, method="cg", warm_start=True)
    assert warm.ok and warm.stats["iterations"] < 0.9 * cold.stats["iterations"]
    assert warm.value[0].stats["iterations"] == cold.value[0].stats["iterations"]
    for w, c in zip(warm.value[1:], cold.value[1:]):
        assert w.stats["iterations"] < c.stats["iterations"]


def test_bad_sequence_arguments(problems, rng):
    systems = make_systems(problems, rng, count=3)
    with pytest.raises(ParameterError, match="permutation"):
        solve_sequence(systems, [0, 0, 1])
    with pytest.raises(ParameterError, match="permutation"):
        solve_sequence(systems, [0, 1])
    with pytest.raises(ParameterError, match="method"):
        solve_sequence(systems, method="bicgstab")
