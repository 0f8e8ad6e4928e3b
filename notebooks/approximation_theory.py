# %% [markdown]
# # Optimal sampling for weighted least squares
#
# Legendre polynomials of degree < m on [-1, 1] (uniform measure dx/2). How many samples
# make the Gram matrix stable, ‖G − I‖₂ ≤ 1/2, with probability 0.95?
#
# * i.i.d. points from the optimal (Christoffel) density k_m/m, weights m/k_m
#   (Cohen & Migliorati 2017);
# * repeated independent projection DPPs of m points each (Nouy & Michel 2023);
# * uniform points, unweighted (the classical choice).

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sciml.theory.bases import Legendre  # noqa: E402
from sciml.theory.stability import stability_probability  # noqa: E402
from sciml.theory.volume import christoffel_iid, repeated_dpp, uniform_iid  # noqa: E402

m = 10
basis = Legendre(m)
ratios = np.array([3, 4, 6, 8, 10, 15, 20, 30])
samplers = {
    "i.i.d. Christoffel": christoffel_iid,
    "repeated DPPs": repeated_dpp,
    "uniform, unweighted": uniform_iid,
}
rng = np.random.default_rng(0)
probability = {
    name: np.array(
        [stability_probability(s, basis, int(r * m), draws=100, rng=rng)[0] for r in ratios]
    )
    for name, s in samplers.items()
}
for name, p in probability.items():
    print(f"{name:>20}: " + " ".join(f"{v:5.2f}" for v in p))

# %%
fig, ax = plt.subplots(figsize=(6.5, 4.0))
for name, p in probability.items():
    ax.plot(ratios, p, marker="o", label=name)
ax.axhline(0.95, color="0.4", linestyle="--", linewidth=1, label="0.95")
ax.set_xlabel("samples per basis function, n / m")
ax.set_ylabel("P(‖G − I‖₂ ≤ 1/2)")
ax.set_title(f"Stability of weighted least squares, Legendre m = {m}")
ax.legend()
fig.tight_layout()
fig.savefig("approximation_theory_stability.png", dpi=120)


# %% [markdown]
# The smallest n/m reaching probability 0.95: repeated DPPs need several times fewer points.


# %%
def first_reaching(p, level=0.95):
    hits = np.nonzero(p >= level)[0]
    return ratios[hits[0]] if hits.size else np.inf


need = {name: first_reaching(p) for name, p in probability.items()}
print(need)
assert need["repeated DPPs"] * 2 <= need["i.i.d. Christoffel"]
assert need["uniform, unweighted"] > 30  # uniform sampling needs n ~ m^2 log m
assert probability["repeated DPPs"][-1] == 1.0
