# %% [markdown]
# # Width, bandwidth and sample-size rates
#
# Four rates from `sciml.theory`, each measured and set against its theory:
#
# * the empirical NTK of a two-layer ReLU network approaches its infinite-width limit like
#   width^(-1/2) (Jacot, Gabriel & Hongler 2018);
# * under muP the best learning rate does not move with the width, under the standard
#   parametrization it shrinks like 1/width (Yang et al., Tensor Programs V);
# * kernel density estimation of N(0, I_d) with log n = d/2 samples: the exact MISE, and
#   the best relative error creeping up to 1 (Biroli & Mézard 2024);
# * the MLE of a Gaussian mean has KL risk p/(2n).

# %%
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from sciml.theory.kde import gaussian_ise, gaussian_mise, optimal_bandwidth  # noqa: E402
from sciml.theory.mup import optimal_learning_rate, teacher_task, train_losses  # noqa: E402
from sciml.theory.ntk import empirical_ntk, ntk_limit  # noqa: E402

torch.set_num_threads(1)
rng = np.random.default_rng(0)

# %% [markdown]
# ## NTK: deviation from the limit against the width

# %%
x_ntk = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [-0.3, 0.4, 1.2]])
widths = 2 ** np.arange(6, 13)
limit = ntk_limit(x_ntk)
ntk_rms = np.array(
    [
        np.sqrt(
            np.mean(
                [np.sum((empirical_ntk(x_ntk, int(w), rng=rng) - limit) ** 2) for _ in range(100)]
            )
        )
        for w in widths
    ]
)
ntk_slope = np.polyfit(np.log(widths), np.log(ntk_rms), 1)[0]
print(f"NTK deviation slope {ntk_slope:.3f} (theory -0.5)")

# %% [markdown]
# ## muP vs SP: training loss against the learning rate at three widths

# %%
x_task, y_task = teacher_task(64, 4)
etas = 2.0 ** np.arange(-9.0, 3.5, 0.5)
mup_widths = (32, 64, 256)
curves, best = {}, {}
for p in ("mup", "sp"):
    for n in mup_widths:
        loss = train_losses(x_task, y_task, n, etas, parametrization=p, steps=100)
        curves[p, n] = loss[:, 0]
        best[p, n] = optimal_learning_rate(etas, loss)
    print(p, "best eta:", [f"{best[p, n]:.3g}" for n in mup_widths])

# %% [markdown]
# ## KDE in large dimensions: n = e^(d/2)

# %%
dims = np.arange(1, 41)
rel_best = []
for d in dims:
    n = int(np.ceil(np.exp(d / 2)))
    rel_best.append(gaussian_mise(n, optimal_bandwidth(n, d), d) * (4 * np.pi) ** (d / 2))
rel_best = np.array(rel_best)
mc_dims = np.array([2, 4, 6, 8])
mc_ratio = []
for d in mc_dims:
    n = int(np.ceil(np.exp(d / 2)))
    h = optimal_bandwidth(n, d)
    ise = np.mean([gaussian_ise(rng.normal(size=(n, d)), h) for _ in range(200)])
    mc_ratio.append(ise / gaussian_mise(n, h, d))
print("relative MISE at the best h, d = 2, 10, 40:", rel_best[[1, 9, 39]].round(3))
print("Monte Carlo / exact MISE:", np.round(mc_ratio, 3))

# %% [markdown]
# ## MLE of a Gaussian mean: 2n E KL = p

# %%
p_dim, ns = 10, 20 * 2 ** np.arange(6)
mu = np.linspace(-1.0, 1.0, p_dim)
scaled = []
for n in ns:
    sample = mu + rng.normal(size=(500, int(n), p_dim))  # 500 data sets of n points
    mle = sample.mean(axis=1)
    scaled.append(2 * n * np.mean(0.5 * np.sum((mle - mu) ** 2, axis=1)))  # KL(N(mu)|N(mle))
scaled = np.array(scaled)
print("2n E KL:", scaled.round(2))

# %%
fig, ax = plt.subplots(1, 4, figsize=(17, 3.8))
ax[0].loglog(widths, ntk_rms, "o-", label=f"measured (slope {ntk_slope:.2f})")
ax[0].loglog(widths, ntk_rms[0] * (widths / widths[0]) ** -0.5, "k--", label="width^-1/2")
ax[0].set(xlabel="width", ylabel="RMS |Θ_w − Θ|_F", title="NTK")
for p, style in (("mup", "-"), ("sp", ":")):
    for n in mup_widths:
        ax[1].loglog(etas, curves[p, n], style, label=f"{p}, n={n}")
ax[1].set(xlabel="learning rate η", ylabel="training loss", title="μP vs SP", ylim=(1e-2, 1))
ax[2].plot(dims, rel_best, "-", label="exact, best h")
ax[2].plot(mc_dims, rel_best[mc_dims - 1] * np.array(mc_ratio), "o", label="Monte Carlo")
ax[2].axhline(1.0, color="k", lw=0.8)
ax[2].set(xlabel="d (n = e^{d/2})", ylabel="MISE / ∫f²", title="KDE in large d")
ax[3].semilogx(ns, scaled, "o-", label="2n E KL")
ax[3].axhline(p_dim, color="k", ls="--", label="p")
ax[3].set(xlabel="n", title="MLE KL risk")
ax[3].set_xticks(ns, [str(n) for n in ns], minor=False)
ax[3].minorticks_off()
for a in ax:
    a.legend(fontsize=7)
fig.tight_layout()
fig.savefig("rates_ntk_mup_kde.png", dpi=110)

# %%
assert abs(ntk_slope + 0.5) < 0.1
assert all(abs(np.log2(best["mup", n] / best["mup", 32])) < 0.5 for n in mup_widths)
assert np.log2(best["sp", 32] / best["sp", 256]) > 1.5  # SP optimum moves > 1.5 octaves
assert np.all(np.diff(rel_best[1:]) > 0) and 0.9 < rel_best[-1] < 1.0
assert np.all(np.abs(np.array(mc_ratio) - 1) < 0.1)
assert np.all(np.abs(scaled - p_dim) < 1.0)  # sd of the mean: sqrt(2p / 500) = 0.2
