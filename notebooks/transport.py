# %% [markdown]
# # Optimal transport and Schrödinger bridges
#
# Four checks against exact answers:
#
# 1. log-domain/scaling Sinkhorn on two discretized 1-D Gaussians against the closed form of
#    entropic OT between Gaussians (Janati, Muzellec, Peyré & Cuturi, NeurIPS 2020);
# 2. the debiased Sinkhorn divergence: zero between a measure and itself, exactly
#    $\|t\|^2$ between a point cloud and its translate by $t$;
# 3. the Monge gap (Uscidda & Cuturi, ICML 2023): zero for gradients of convex functions
#    (identity, a symmetric positive definite linear map), large for a rotation;
# 4. a Light Schrödinger bridge (Korotin, Gushchin & Burnaev, ICLR 2024) fitted on a pair
#    of the Gushchin et al. mixtures benchmark, whose true conditional plan is known, scored
#    by cBW2-UVP beside the score of true samples (the estimator's floor).
#
# Conventions: costs are $\|x - y\|^2$ and `reg` multiplies $\mathrm{KL}(P \| a b^\top)$;
# Janati's $\sigma^2$ is `reg / 2`.

# %%
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from sciml.solvers.transport import (  # noqa: E402
    LightSB,
    MixtureBenchmark,
    cbw2_uvp,
    cost_matrix,
    entropic_gaussian,
    fit_lightsb,
    monge_gap,
    sinkhorn,
    sinkhorn_divergence,
)

torch.set_num_threads(1)
f64 = torch.float64

# %% [markdown]
# ## 1. Sinkhorn vs the Gaussian closed form
#
# $\alpha = N(0, 1)$ and $\beta = N(1, 4)$, each discretized by its density on 601 nodes of
# $[-14, 16]$ (7.5 standard deviations of $\beta$ on either side, so truncation is below
# the solver tolerance). A Gaussian sampled on a fine uniform grid keeps its moments to
# near machine precision, so the discrete entropic problem matches the continuous one.

# %%
nodes = torch.linspace(-14.0, 16.0, 601, dtype=f64)[:, None]


def gaussian_weights(mean, sd):
    p = torch.exp(-0.5 * ((nodes[:, 0] - mean) / sd) ** 2)
    return p / p.sum()


a, b = gaussian_weights(0.0, 1.0), gaussian_weights(1.0, 2.0)
C = cost_matrix(nodes, nodes)
sigma2s = [0.125, 0.25, 0.5, 1.0, 2.0]
sink_values, sink_cross, closed_values, closed_cross = [], [], [], []
for s2 in sigma2s:
    sol = sinkhorn(a, b, C, 2 * s2, method="scaling")
    assert sol.ok, sol.status
    P = sol.value.plan
    ma, mb = (a * nodes[:, 0]).sum(), (b * nodes[:, 0]).sum()
    sink_values.append(float(sol.value.value))
    sink_cross.append(float((P * (nodes - ma) * (nodes[:, 0] - mb)[None]).sum()))
    exact = entropic_gaussian([0.0], [[1.0]], [1.0], [[4.0]], s2)
    closed_values.append(float(exact.value))
    closed_cross.append(float(exact.cross_covariance))
    print(
        f"sigma^2 = {s2:5.3f}: Sinkhorn {sink_values[-1]:.8f}, closed form "
        f"{closed_values[-1]:.8f}; cross-covariance {sink_cross[-1]:.8f} vs "
        f"{closed_cross[-1]:.8f} ({sol.stats['iterations']} iterations)"
    )
value_error = max(abs(s / c - 1) for s, c in zip(sink_values, closed_values))
cross_error = max(abs(s - c) for s, c in zip(sink_cross, closed_cross))
print(
    f"largest relative error of the value {value_error:.1e}, of the cross-covariance "
    f"{cross_error:.1e} (absolute)"
)

# %% [markdown]
# ## 2. Sinkhorn divergence
#
# $S(\mu, \nu) = \mathrm{OT}(\mu, \nu) - \tfrac12 \mathrm{OT}(\mu, \mu) - \tfrac12
# \mathrm{OT}(\nu, \nu)$ with the full entropic objective. For a translate, every coupling
# pays the same extra $\|t\|^2$ (the cross term averages to zero under both marginals), so
# $S(\mu, \mu(\cdot - t)) = \|t\|^2$ at any `reg`. Between independent samples of one law
# it shrinks as the samples grow; POT's variant, which keeps only $\langle P, C\rangle$, is
# biased upward.

# %%
reg = 0.5
gen = torch.Generator().manual_seed(0)
cloud = torch.randn(400, 2, dtype=f64, generator=gen)
shift = torch.tensor([1.0, -0.5], dtype=f64)
s_shift = float(sinkhorn_divergence(cloud, cloud + shift, reg, method="scaling"))
s_self = float(sinkhorn_divergence(cloud, cloud, reg, method="scaling"))
print(f"S(x, x + t) = {s_shift:.10f}, |t|^2 = {float(shift @ shift):.10f}; S(x, x) = {s_self:.1e}")

sizes = [50, 100, 200, 400]
debiased, linear = [], []
for n in sizes:  # mean over 3 independent pairs of samples
    pairs = [
        (torch.randn(n, 2, dtype=f64, generator=gen), torch.randn(n, 2, dtype=f64, generator=gen))
        for _ in range(3)
    ]
    debiased.append(
        np.mean([float(sinkhorn_divergence(x, y, reg, method="scaling")) for x, y in pairs])
    )
    linear.append(
        np.mean(
            [float(sinkhorn_divergence(x, y, reg, linear=True, method="scaling")) for x, y in pairs]
        )
    )
print("n:        ", sizes)
print("debiased: ", np.round(debiased, 4).tolist())
print("<P, C>:   ", np.round(linear, 4).tolist())

# %% [markdown]
# ## 3. Monge gap of three maps
#
# $M(T) = \frac1n\sum_i \tfrac12\|x_i - T(x_i)\|^2 - W_c(\rho_n, T_\sharp\rho_n)$ with the
# exact (network-simplex) $W_c$. Brenier: the gradient of a convex function is optimal, so
# identity and $x \mapsto Sx$ with $S$ symmetric positive definite have gap zero. A
# rotation by 90° leaves a standard Gaussian invariant, so nearly all of its displacement
# cost is gap. The entropic version can go below zero, down to $-\mathrm{reg}\log n$.

# %%
rho = torch.randn(300, 2, dtype=f64, generator=gen)
maps = {
    "identity": torch.eye(2, dtype=f64),
    "SPD linear": torch.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=f64),
    "rotation 90°": torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=f64),
}
gaps, displacement = {}, {}
for name, M in maps.items():
    tx = rho @ M.T
    gaps[name] = float(monge_gap(rho, tx))
    displacement[name] = float(0.5 * ((tx - rho) ** 2).sum(-1).mean())
    print(f"{name:>13}: gap {gaps[name]: .3e}, displacement cost {displacement[name]:.4f}")
entropic_identity = float(monge_gap(rho, rho, reg=0.1))
print(
    f"entropic gap of the identity at reg 0.1: {entropic_identity:.4f} "
    f"(bound -reg log n = {-0.1 * math.log(300):.4f})"
)

# %% [markdown]
# ## 4. Light Schrödinger bridge on a benchmark pair
#
# A 2-D instance with $\varepsilon = 1$: source a mixture of three Gaussians, target the
# image of the source under a known entropic plan. LightSB with 10 components, started
# from a kernel density fit of the target, trained by Adam (`fit_lightsb`) on its
# simulation-free objective (unpaired minibatches of 256 from fixed pools of samples). The
# authors train 10,000 steps at a constant 3e-3 for this $\varepsilon$; with a budget of
# 1000 steps, a learning rate of 1e-2 annealed to zero (cosine) gets closer to the floor
# (the mixture weights at lr/ε, as in the reference code).
# Metric: cBW2-UVP (%) on 200 test points with 500 conditional samples each.

# %%
eps = 1.0
bench = MixtureBenchmark.random(2, eps, seed=0)
gen = torch.Generator().manual_seed(1)
source_pool = bench.sample_source(20_000, generator=gen)
target_pool = bench.sample_target(20_000, generator=gen)
target_var = float(torch.var(bench.sample_target(100_000, generator=gen), 0).sum())
test_x = bench.sample_source(200, generator=gen)
repeated = test_x.repeat_interleave(500, 0)


def uvp(samples):
    return cbw2_uvp(bench, test_x, samples.reshape(200, 500, 2), target_var=target_var)


bridge = LightSB(2, 10, eps).init_from_target(target_pool, generator=gen)
uvp_init = uvp(bridge.sample(repeated, generator=torch.Generator().manual_seed(2)))
fit = fit_lightsb(
    bridge,
    lambda n: source_pool[torch.randint(0, 20_000, (n,), generator=gen)],
    lambda n: target_pool[torch.randint(0, 20_000, (n,), generator=gen)],
    steps=1000,
    batch_size=256,
    lr=1e-2,  # mixture weights at lr / eps, cosine-annealed to zero
)
losses = fit["loss"]
uvp_trained = uvp(bridge.sample(repeated, generator=torch.Generator().manual_seed(2)))
uvp_floor = uvp(bench.sample_conditional(repeated, generator=torch.Generator().manual_seed(3)))
print(
    f"cBW2-UVP: initial {uvp_init:.3f} %, trained {uvp_trained:.3f} %, "
    f"true samples (floor) {uvp_floor:.3f} %"
)

# %%
fig, axes = plt.subplots(1, 4, figsize=(17, 4.2), constrained_layout=True)
ax = axes[0]
fine = np.geomspace(0.05, 4.0, 60)
ax.plot(
    fine,
    [float(entropic_gaussian([0.0], [[1.0]], [1.0], [[4.0]], s).value) for s in fine],
    color="k",
    linewidth=1,
    label="closed form",
)
ax.plot(sigma2s, sink_values, "o", color="C1", label="Sinkhorn, 601 nodes")
ax.set_xscale("log")
ax.set_xlabel("σ² (reg = 2σ²)")
ax.set_ylabel("entropic OT value")
ax.set_title("N(0,1) → N(1,4)")
ax.legend()

ax = axes[1]
ax.loglog(sizes, debiased, "o-", label="Sinkhorn divergence")
ax.loglog(sizes, linear, "s--", label="⟨P, C⟩ only (POT)")
ax.minorticks_off()
ax.set_xticks(sizes, [str(n) for n in sizes])
ax.set_yticks([0.05, 0.1, 0.2, 0.3], ["0.05", "0.1", "0.2", "0.3"])
ax.set_xlabel("samples per measure")
ax.set_ylabel(f"value, reg = {reg} (mean of 3 pairs)")
ax.set_title("two samples of N(0, I₂)")
ax.legend()

ax = axes[2]
names = list(maps)
pos = np.arange(len(names))
ax.bar(pos - 0.2, [displacement[k] for k in names], 0.4, label="displacement cost")
ax.bar(pos + 0.2, [max(gaps[k], 0.0) for k in names], 0.4, label="Monge gap")
ax.set_xticks(pos, names)
ax.set_title("Monge gap, n = 300, exact OT")
ax.legend()


def ellipse(mean, cov, **style):
    """The 2-standard-deviation ellipse of N(mean, cov)."""
    t = torch.linspace(0, 2 * math.pi, 100, dtype=f64)
    circle = torch.stack([torch.cos(t), torch.sin(t)], 1)
    pts = mean + 2 * circle @ torch.linalg.cholesky(cov).T
    ax.plot(pts[:, 0], pts[:, 1], **style)


ax = axes[3]
true_mean, true_cov = bench.conditional_moments(test_x[:3])
for i, c in enumerate(["C0", "C2", "C3"]):
    x0 = test_x[i : i + 1].repeat(2000, 1)
    true = bench.sample_conditional(x0[:400], generator=torch.Generator().manual_seed(10 + i))
    fitted = bridge.sample(x0, generator=torch.Generator().manual_seed(20 + i))
    ax.scatter(true[:, 0], true[:, 1], s=3, color=c, alpha=0.25)
    ellipse(true_mean[i], true_cov[i], color=c, linewidth=2)
    ellipse(fitted.mean(0), torch.cov(fitted.T), color="k", linestyle="--", linewidth=1)
    ax.plot(*test_x[i], "*", color=c, markeredgecolor="k", markersize=13)
ax.set_title(
    f"π(·|x) for 3 sources (★): true (dots, solid) vs\nLightSB (dashed), "
    f"cBW2-UVP {uvp_trained:.3f} % (floor {uvp_floor:.3f} %)",
    fontsize=10,
)
ax.set_aspect("equal")
fig.savefig("transport.png", dpi=110)

# %% [markdown]
# ## Checks
#
# LightSB's target follows the transport reference: cBW2-UVP at most three times the
# floor plus 0.05 percentage points.

# %%
assert value_error < 1e-6 and cross_error < 1e-6
assert abs(s_shift - float(shift @ shift)) < 1e-6 and abs(s_self) < 1e-8
assert all(s >= 0 for s in debiased) and debiased[-1] < debiased[0] / 2
assert abs(gaps["identity"]) < 1e-9 and abs(gaps["SPD linear"]) < 1e-9
assert 0.9 * displacement["rotation 90°"] < gaps["rotation 90°"] <= displacement["rotation 90°"]
assert -0.1 * math.log(300) - 1e-9 <= entropic_identity < 0
assert uvp_trained <= 3 * uvp_floor + 0.05 and uvp_trained < uvp_init / 10
assert np.mean(losses[-100:]) < np.mean(losses[:100])
