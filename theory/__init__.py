"""Approximation and sampling theory, installed as ``sciml.theory``.

One concept per module (import from the module, e.g. ``from sciml.theory.dpp import
projection_dpp``):

=================  ===========================================================================
module             contents
=================  ===========================================================================
``bases``          Legendre, Chebyshev, Fourier, TensorBasis (tensor / total-degree index
                   sets), RandomFourierFeatures; ``evaluate(points) -> (n, m)``
``christoffel``    inverse Christoffel function ``k_m``, weights ``m / k_m``, i.i.d. sampling
                   of ``rho_m = (k_m / m) mu`` (mixture sampling)
``least_squares``  Gram matrix, ``|G - I|_2``, the weighted least-squares estimator
``stability``      probability of ``|G - I| <= delta``; the estimator conditioned on it
``dpp``            projection DPPs by the chain rule (vectorised over draws)
``volume``         samplers ``(basis, n, rng) -> (points, weights)``: Christoffel i.i.d.,
                   uniform, volume-rescaled, repeated DPPs
``kde``            Gaussian KDE, its ISE and the exact MISE for a Gaussian density in d
                   dimensions, the MISE-optimal bandwidth
``ntk``            empirical NTK of a two-layer ReLU network and its infinite-width limit
``matern``         Matérn kernels and kernel interpolation
``mup``            SP and muP parametrizations of an MLP, batched learning-rate sweeps,
                   the optimal learning rate, the coordinate check
=================  ===========================================================================
"""
