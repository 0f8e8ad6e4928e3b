"""Geometric multigrid: V/W cycles with weighted-Jacobi smoothing on tensor-grid hierarchies, as a solver and a preconditioner."""
