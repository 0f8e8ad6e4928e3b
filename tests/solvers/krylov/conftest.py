"""Test problems for the Krylov solvers: SPD, nonsymmetric and indefinite 2-D operators
built with scipy.sparse.kron, and an independent product-counting operator."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator


def _second_difference(nx: int) -> sp.csr_array:
    """1-D ``-d^2/dx^2`` on ``nx`` interior points of (0, 1), Dirichlet, ``h = 1/(nx+1)``."""
    h = 1.0 / (nx + 1)
    return sp.diags_array([-1.0, 2.0, -1.0], offsets=[-1, 0, 1], shape=(nx, nx)) / h**2


def laplacian_2d(nx: int) -> sp.csr_array:
    """5-point ``-Laplace`` on an ``nx x nx`` interior grid: SPD, ``kappa ~ h^-2``."""
    T = _second_difference(nx)
    eye = sp.identity(nx, format="csr")
    return sp.csr_array(sp.kron(T, eye) + sp.kron(eye, T))


def convection_diffusion(nx: int, velocity: float = 100.0) -> sp.csr_array:
    """``-Laplace u + v (u_x + u_y)`` with first-order upwind differences: nonsymmetric."""
    h = 1.0 / (nx + 1)
    D = sp.diags_array([1.0, -1.0], offsets=[0, -1], shape=(nx, nx)) / h
    eye = sp.identity(nx, format="csr")
    return sp.csr_array(laplacian_2d(nx) + velocity * (sp.kron(D, eye) + sp.kron(eye, D)))


def helmholtz(nx: int, omega: float, damping: float = 0.0) -> sp.csr_array:
    """``-Laplace - omega^2 (1 + i damping)``: indefinite once ``omega^2 > 2 pi^2``."""
    shift = omega**2 * (1.0 + 1j * damping) if damping else omega**2
    n = nx * nx
    return sp.csr_array(laplacian_2d(nx) - shift * sp.identity(n, format="csr"))


class Counted(LinearOperator):
    """A LinearOperator that counts, independently of the library, how often it is applied."""

    def __init__(self, A):
        self.A = A
        self.calls = 0
        super().__init__(dtype=A.dtype, shape=A.shape)

    def _matvec(self, x):
        self.calls += 1
        return self.A @ np.ravel(x)

    def _matmat(self, X):
        self.calls += X.shape[1]
        return self.A @ X


@pytest.fixture
def problems():
    """Builders of the test operators, by name."""
    return {
        "laplacian": laplacian_2d,
        "convection_diffusion": convection_diffusion,
        "helmholtz": helmholtz,
    }


@pytest.fixture
def counted():
    return Counted


@pytest.fixture
def rng():
    return np.random.default_rng(20240117)
