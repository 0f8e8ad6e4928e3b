"""Optimal transport and Schroedinger bridges: Sinkhorn, Gaussian closed forms, Monge gap, Light Schroedinger Bridge."""
