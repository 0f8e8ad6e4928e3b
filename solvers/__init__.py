"""Classical numerics, installed as ``sciml.solvers``."""
