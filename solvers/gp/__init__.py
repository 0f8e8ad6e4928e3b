"""Gaussian-process PDE solvers with Kronecker structure on tensor grids (spectral mixture and derivative kernels)."""
