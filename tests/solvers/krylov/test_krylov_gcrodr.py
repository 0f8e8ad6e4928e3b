"""GCRO-DR: deflation beats restarted GMRES, recycling beats starting afresh, the state is a
valid, immutable recycled pair that is recomputed exactly when the operator changes."""

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from sciml.core import ShapeError, Status
from sciml.solvers.krylov import ParameterError, RecycledSubspace, gcrodr, gmres, ilu

NX = 32  # n = 1024


def sweep(problems, omegas, damping=0.0):
    return [problems["helmholtz"](NX, w, damping) for w in omegas]


def assert_valid_pair(state, A, M=None):
    """A M U = C and C^H C = I."""
    AMU = A @ (state.U if M is None else M @ state.U)
    assert np.linalg.norm(AMU - state.C) <= 1e-8 * np.linalg.norm(state.C)
    assert np.allclose(state.C.conj().T @ state.C, np.eye(state.k), atol=1e-10)


def test_first_cycle_keeps_the_classical_harmonic_ritz_vectors(problems, rng):
    """After one GMRES(m) cycle, U spans V_m P_k with P_k the eigenvectors of
    H_m + h_{m+1,m}^2 H_m^{-H} e_m e_m^H of smallest |theta| (Parks et al., first system)."""
    A = problems["laplacian"](16)
    n, m, k = A.shape[0], 20, 5
    b = rng.standard_normal(n)
    sol = gcrodr(A, b, restart=m, recycle=k, max_iter=m, rtol=0.0)
    assert sol.stats["cycles"] == 1 and sol.state.k == k
    V, H = np.zeros((n, m + 1)), np.zeros((m + 1, m))  # Arnoldi, modified Gram-Schmidt
    V[:, 0] = b / np.linalg.norm(b)
    for j in range(m):
        w = A @ V[:, j]
        for i in range(j + 1):
            H[i, j] = V[:, i] @ w
            w -= H[i, j] * V[:, i]
        H[j + 1, j] = np.linalg.norm(w)
        V[:, j + 1] = w / H[j + 1, j]
    e_m = np.eye(m)[:, -1]
    T = H[:m] + H[m, m - 1] ** 2 * np.linalg.solve(H[:m].T, np.outer(e_m, e_m))
    theta, Z = np.linalg.eig(T)
    Y = V[:, :m] @ Z[:, np.argsort(np.abs(theta))[:k]].real
    assert np.degrees(sla.subspace_angles(Y, sol.state.U)).max() < 1e-6


def test_recycled_space_converges_to_the_smallest_eigenvectors(problems, rng):
    A = problems["laplacian"](16)
    sol = gcrodr(A, rng.standard_normal(A.shape[0]), restart=20, recycle=5)
    U = sol.state.U
    ritz = sla.eigh(U.T @ (A @ U), U.T @ U, eigvals_only=True)
    smallest = np.linalg.eigvalsh(A.toarray())[0]
    assert ritz[0] == pytest.approx(smallest, rel=1e-8)


def test_deflation_cures_gmres_stagnation_on_an_indefinite_problem(problems, rng):
    A = problems["helmholtz"](NX, 14.0)  # 11 negative eigenvalues
    b = rng.standard_normal(A.shape[0])
    restarted = gmres(A, b, restart=40, max_iter=600)
    deflated = gcrodr(A, b, restart=40, recycle=20, max_iter=600)
    assert restarted.status is Status.MAX_ITERATIONS and restarted.stats["residual"] > 1e-4
    assert deflated.ok and deflated.stats["matvecs"] < 300


def test_recycling_along_a_frequency_sweep_saves_matvecs(problems, rng):
    omegas = np.linspace(14.0, 15.0, 8)
    systems = sweep(problems, omegas)
    M = ilu(systems[0], drop_tol=1e-3, fill_factor=5)  # frozen from the first system
    b = rng.standard_normal(NX * NX)
    fresh, recycled, state = [], [], None
    for A in systems:
        alone = gcrodr(A, b, M=M)
        chained = gcrodr(A, b, M=M, state=state)
        state = chained.state
        for sol in (alone, chained):
            assert sol.ok
            assert np.linalg.norm(b - A @ sol.value) <= 1e-8 * np.linalg.norm(b)
        fresh.append(alone.stats["matvecs"])
        recycled.append(chained.stats["matvecs"])
        assert_valid_pair(state, A, M)
    assert recycled[0] == fresh[0]  # nothing to recycle yet
    assert sum(recycled[1:]) < 0.8 * sum(fresh[1:]), (fresh, recycled)


def test_state_and_inputs_are_not_mutated_and_a_new_state_is_returned(problems, rng):
    A1, A2 = sweep(problems, [14.0, 14.2])
    b = rng.standard_normal(A1.shape[0])
    first = gcrodr(A1, b)
    state = first.state
    U, C = state.U.copy(), state.C.copy()
    A2_copy, b_copy = A2.copy(), b.copy()
    second = gcrodr(A2, b, state=state)
    assert np.array_equal(state.U, U) and np.array_equal(state.C, C)
    assert second.state is not state and not np.shares_memory(second.state.U, state.U)
    assert (A2 != A2_copy).nnz == 0 and np.array_equal(b, b_copy)
    assert not state.U.flags.writeable and not state.C.flags.writeable
    with pytest.raises(ValueError):
        state.U[0, 0] = 1.0
    with pytest.raises(AttributeError):
        state.U = U
    assert_valid_pair(state, A1)  # the old state still describes the old operator


def test_c_is_reused_for_the_same_operator_and_recomputed_for_a_new_one(problems, counted, rng):
    A1, A2 = sweep(problems, [14.0, 14.3])
    first = gcrodr(A1, rng.standard_normal(A1.shape[0]))
    k = first.state.k
    assert k == 20
    b = rng.standard_normal(A1.shape[0])
    op = counted(A1)
    same = gcrodr(A1, b, state=first.state)  # same matrix object: C is still A U
    assert not same.stats["recomputed_c"]
    assert same.stats["matvecs"] == same.stats["iterations"] + 1
    new = gcrodr(A2, b, state=first.state)
    assert new.stats["recomputed_c"]
    assert new.stats["matvecs"] == new.stats["iterations"] + k + 1
    via_operator = gcrodr(op, b, state=first.state)  # another object: recompute, counted
    assert via_operator.stats["recomputed_c"] and via_operator.stats["matvecs"] == op.calls
    assert_valid_pair(new.state, A2)


def test_changing_matrix_entries_in_place_is_detected(problems, rng):
    A = problems["helmholtz"](NX, 14.0)
    b = rng.standard_normal(A.shape[0])
    state = gcrodr(A, b).state
    A.data[A.indices == np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))] -= 3.0
    again = gcrodr(A, b, state=state)
    assert again.stats["recomputed_c"] and again.ok
    assert_valid_pair(again.state, A)


def test_recycling_complex_systems(problems, rng):
    systems = [problems["helmholtz"](16, w, damping=0.02) for w in (10.0, 10.1, 10.2)]
    b = rng.standard_normal(256) + 1j * rng.standard_normal(256)
    state = None
    for A in systems:
        sol = gcrodr(A, b, state=state)
        state = sol.state
        assert sol.ok and sol.stats["residual"] <= 1e-8
        assert state.U.dtype == np.complex128
        assert_valid_pair(state, A)


def test_seeded_and_oversized_states(problems, rng):
    A = problems["helmholtz"](16, 10.0)
    b = rng.standard_normal(A.shape[0])
    _, vecs = np.linalg.eigh(A.toarray())
    seeded = gcrodr(A, b, state=RecycledSubspace(vecs[:, :8]), recycle=8, restart=20)
    plain = gcrodr(A, b, recycle=8, restart=20)
    assert seeded.ok and seeded.stats["recomputed_c"]
    assert seeded.stats["iterations"] < plain.stats["iterations"]
    smaller = gcrodr(A, b, state=seeded.state, recycle=4, restart=10)
    assert smaller.ok and smaller.state.k <= 4


def test_invalid_gcrodr_arguments(problems):
    A = problems["laplacian"](4)
    b = np.ones(16)
    with pytest.raises(ParameterError, match="recycle < restart"):
        gcrodr(A, b, restart=20, recycle=20)
    with pytest.raises(ParameterError, match="recycle"):
        gcrodr(A, b, recycle=0)
    with pytest.raises(ParameterError, match="RecycledSubspace"):
        gcrodr(A, b, state=np.eye(16)[:, :2])
    with pytest.raises(ShapeError, match="n = 16"):
        gcrodr(A, b, state=RecycledSubspace(np.eye(9)[:, :2]))
    with pytest.raises(ShapeError, match="same shape"):
        RecycledSubspace(np.eye(4)[:, :2], C=np.eye(4)[:, :3])


def test_nan_keeps_the_previous_state(problems, rng):
    A = problems["laplacian"](8)
    state = gcrodr(A, rng.standard_normal(64), restart=10, recycle=4).state
    b = np.full(64, np.nan)
    sol = gcrodr(sp.csr_array(A * 2.0), b, restart=10, recycle=4, state=state)
    assert sol.status is Status.NONFINITE and sol.state is state


def test_complex_conjugate_harmonic_ritz_pairs_give_a_real_state(problems, rng):
    # strongly convective: most harmonic Ritz values come in conjugate pairs; an odd
    # recycle forces the selection to keep or drop whole pairs
    A = problems["convection_diffusion"](NX, velocity=300.0)
    b = rng.standard_normal(A.shape[0])
    sol = gcrodr(A, b, restart=30, recycle=9)
    assert sol.ok and sol.state.U.dtype == np.float64 and 1 <= sol.state.k <= 9
    assert_valid_pair(sol.state, A)
    again = gcrodr(A, rng.standard_normal(A.shape[0]), restart=30, recycle=9, state=sol.state)
    assert again.ok and again.state.U.dtype == np.float64
    assert_valid_pair(again.state, A)
