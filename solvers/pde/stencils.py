r"""Finite-difference / finite-volume stencils on vertex-centred grids of the unit square.

Conventions shared by every stationary family:

* the grid is ``Axis.uniform(R, (0, 1))`` per axis, nodes :math:`x_i = i h`,
  :math:`h = 1/(R-1)`, boundary nodes included in every :class:`Field`;
* zero Dirichlet values on the boundary; the unknowns are the :math:`(R-2)^2` interior
  nodes, ordered row-major (C order) with the first axis (``x``) slowest;
* matrices are :class:`scipy.sparse.csr_matrix`, float64, acting on interior values.

All operators here are second order except :func:`advection_matrix` with ``"upwind"``
(first order).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sciml.core import Axis, TensorGrid

__all__ = [
    "unit_square_grid",
    "spacing",
    "interior",
    "embed_interior",
    "harmonic_mean",
    "difference_matrix",
    "diffusion_matrix",
    "laplacian_matrix",
    "advection_matrix",
    "frozen",
]


def unit_square_grid(resolution: int) -> TensorGrid:
    """The vertex-centred ``resolution x resolution`` grid on :math:`[0, 1]^2`."""
    ax = Axis.uniform(resolution, (0.0, 1.0))
    return TensorGrid((ax, ax))


def spacing(grid: TensorGrid) -> tuple[float, ...]:
    """Node spacing per axis of a uniform vertex grid."""
    return tuple(ax.length / (ax.n - 1) for ax in grid.axes)


def interior(values: np.ndarray) -> np.ndarray:
    """Interior nodal values, flattened: ``(..., nx, ny) -> (..., (nx-2)(ny-2))``."""
    inner = values[..., 1:-1, 1:-1]
    return inner.reshape(*inner.shape[:-2], -1)


def embed_interior(u: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Interior vectors ``(..., (nx-2)(ny-2))`` to nodal arrays ``(..., nx, ny)`` with zero
    boundary values."""
    nx, ny = shape
    out = np.zeros((*u.shape[:-1], nx, ny), dtype=u.dtype)
    out[..., 1:-1, 1:-1] = u.reshape(*u.shape[:-1], nx - 2, ny - 2)
    return out


def harmonic_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r""":math:`2ab/(a+b)`, the face coefficient of two positive nodal values (exact flux
    continuity for a piecewise-constant coefficient, second-order accurate for a smooth
    one)."""
    return 2.0 * a * b / (a + b)


def difference_matrix(n_nodes: int) -> sp.csr_matrix:
    r"""Forward differences from the ``n_nodes - 2`` interior values of a 1-D vertex grid
    (zero boundary values) to its ``n_nodes - 1`` faces: :math:`(Du)_f = u_{f+1} - u_f`.

    Examples
    --------
    >>> difference_matrix(4).toarray()
    array([[ 1.,  0.],
           [-1.,  1.],
           [ 0., -1.]])
    """
    m = n_nodes - 2
    return sp.diags([np.ones(m), -np.ones(m)], [0, -1], shape=(n_nodes - 1, m), format="csr")


def diffusion_matrix(a: np.ndarray, h: tuple[float, float]) -> sp.csr_matrix:
    r"""Five-point finite-volume discretization of :math:`-\nabla\cdot(a\nabla u)`.

    .. math::

        (A u)_{ij} = \sum_{\pm} \frac{a_{i\pm1/2,j}(u_{ij} - u_{i\pm1,j})}{h_x^2}
                   + \frac{a_{i,j\pm1/2}(u_{ij} - u_{i,j\pm1})}{h_y^2},

    face coefficients the harmonic means of the two nodal values. Built as
    :math:`D_x^T \operatorname{diag}(a_x) D_x / h_x^2 + D_y^T \operatorname{diag}(a_y) D_y /
    h_y^2`, so the matrix is exactly symmetric, and positive definite for :math:`a > 0`.

    Parameters
    ----------
    a : ndarray of shape (nx, ny)
        Nodal coefficient, boundary nodes included.
    h : (hx, hy)

    Returns
    -------
    csr_matrix of shape ((nx-2)(ny-2), (nx-2)(ny-2))
    """
    nx, ny = a.shape
    hx, hy = h
    ax = harmonic_mean(a[:-1, 1:-1], a[1:, 1:-1]).ravel()  # faces (i+1/2, j)
    ay = harmonic_mean(a[1:-1, :-1], a[1:-1, 1:]).ravel()  # faces (i, j+1/2)
    dx = sp.kron(difference_matrix(nx), sp.identity(ny - 2), format="csr")
    dy = sp.kron(sp.identity(nx - 2), difference_matrix(ny), format="csr")
    out = dx.T @ sp.diags(ax / hx**2) @ dx + dy.T @ sp.diags(ay / hy**2) @ dy
    return sp.csr_matrix(out)


def laplacian_matrix(shape: tuple[int, int], h: tuple[float, float]) -> sp.csr_matrix:
    r"""The 5-point :math:`-\Delta_h` on the interior nodes (zero Dirichlet values).

    Its eigenvectors are :math:`\sin(\pi k x)\sin(\pi l y)` at the nodes, with eigenvalues
    :math:`\frac{4}{h_x^2}\sin^2\frac{\pi k h_x}{2} + \frac{4}{h_y^2}\sin^2\frac{\pi l h_y}{2}`.

    Examples
    --------
    >>> A = laplacian_matrix((5, 5), (0.25, 0.25))
    >>> A.shape, float(A[0, 0])
    ((9, 9), 64.0)
    """
    nx, ny = shape
    hx, hy = h
    tx = difference_matrix(nx)
    ty = difference_matrix(ny)
    lx = sp.kron((tx.T @ tx) / hx**2, sp.identity(ny - 2))
    ly = sp.kron(sp.identity(nx - 2), (ty.T @ ty) / hy**2)
    return sp.csr_matrix(lx + ly)


def _one_sided(n_nodes: int, kind: str) -> sp.csr_matrix:
    """1-D interior difference operators (no 1/h): backward, forward or centred."""
    m = n_nodes - 2
    one = np.ones(m)
    if kind == "backward":  # u_i - u_{i-1}
        return sp.diags([one, -one[1:]], [0, -1], shape=(m, m), format="csr")
    if kind == "forward":  # u_{i+1} - u_i
        return sp.diags([-one, one[1:]], [0, 1], shape=(m, m), format="csr")
    return sp.diags([-0.5 * one[1:], 0.5 * one[1:]], [-1, 1], shape=(m, m), format="csr")


def advection_matrix(
    vx: np.ndarray, vy: np.ndarray, h: tuple[float, float], scheme: str = "upwind"
) -> sp.csr_matrix:
    r"""Advective-form :math:`v\cdot\nabla u` on the interior nodes (zero Dirichlet values).

    ``"upwind"``: one-sided differences taken from the side the flow comes from,
    :math:`v_x^+ (u_i - u_{i-1})/h + v_x^- (u_{i+1} - u_i)/h` (first order; with a positive
    diffusion the sum is an M-matrix). ``"central"``: :math:`v_x (u_{i+1}-u_{i-1})/(2h)`
    (second order).

    Parameters
    ----------
    vx, vy : ndarray of shape (nx, ny)
        Nodal velocity components (boundary values are ignored).
    h : (hx, hy)
    scheme : {"upwind", "central"}
    """
    nx, ny = vx.shape
    hx, hy = h
    ix, iy = sp.identity(nx - 2), sp.identity(ny - 2)

    def along_x(kind):
        return sp.kron(_one_sided(nx, kind), iy, format="csr") / hx

    def along_y(kind):
        return sp.kron(ix, _one_sided(ny, kind), format="csr") / hy

    ux, uy = interior(vx), interior(vy)
    if scheme == "central":
        out = sp.diags(ux) @ along_x("central") + sp.diags(uy) @ along_y("central")
    else:
        out = (
            sp.diags(np.maximum(ux, 0.0)) @ along_x("backward")
            + sp.diags(np.minimum(ux, 0.0)) @ along_x("forward")
            + sp.diags(np.maximum(uy, 0.0)) @ along_y("backward")
            + sp.diags(np.minimum(uy, 0.0)) @ along_y("forward")
        )
    return sp.csr_matrix(out)


def frozen(A: sp.csr_matrix) -> sp.csr_matrix:
    """Mark a matrix shared by many samples read-only (sorted indices, non-writeable
    arrays), so that an in-place change fails loudly instead of corrupting every sample."""
    A.sort_indices()
    for arr in (A.data, A.indices, A.indptr):
        arr.flags.writeable = False
    return A
