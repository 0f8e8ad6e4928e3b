"""Stage 4: a Light Schrödinger bridge on an entropic-OT benchmark pair, scored exactly.

The pair is a random instance of the Gushchin et al. mixtures benchmark
(:class:`sciml.solvers.transport.MixtureBenchmark`): a source mixture ``p0`` and a target
``p1`` whose entropic-OT plan ``pi*(y | x)`` (cost ``|x - y|^2 / 2``, ``reg = eps``) is known
in closed form. :class:`sciml.solvers.transport.LightSB` (diagonal ``S_k``, means started
at target samples) is trained with Adam on unpaired minibatches of ``p0`` and ``p1``, and
scored by the conditional BW2-UVP (:func:`sciml.solvers.transport.cbw2_uvp`) on
``n_test`` source points with ``n_samples`` samples each. The same estimator on true
samples of ``pi*`` is the *oracle floor*, its sampling bias; the reference process alone
(``x1 = x0 + sqrt(eps) z``, no learned potential) shows what an untrained bridge scores.
"""

from __future__ import annotations

import math

from .parts import Context, Part, Table

#: The report section title.
TITLE = "4. Light Schrödinger bridge on an entropic-OT benchmark pair"

__all__ = ["TITLE", "run_bridge"]


def _train(model, bench, s, seed: int, device: str) -> dict:
    """The authors' schedule: one constant Adam rate for every parameter, no annealing."""
    import torch

    from sciml.solvers.transport import fit_lightsb

    g = torch.Generator().manual_seed(seed + 1)
    return fit_lightsb(
        model,
        lambda n: bench.sample_source(n, generator=g).to(device),
        lambda n: bench.sample_target(n, generator=g).to(device),
        steps=s.steps,
        batch_size=s.batch_size,
        lr=s.lr,
        alpha_lr_scale=1.0,
        anneal=False,
    )


def _score(model, bench, x, s, target_var: float, generator) -> tuple[dict, dict]:
    """cBW2-UVP of LightSB, of exact plan samples (the floor) and of the reference process,
    over the test points ``x`` in chunks (a chunk's per-sample gathers stay near 256 MB);
    also the samples drawn in the figure: all of the first 3 points', one of every point."""
    import torch

    from sciml.solvers.transport import cbw2_uvp

    per_chunk = max(1, 2**25 // (s.n_samples * s.dim * s.dim))
    totals = {"lightsb": 0.0, "oracle": 0.0, "reference": 0.0}
    shown = {"first": {}, "one": {"lightsb": [], "oracle": []}}
    for start in range(0, x.shape[0], per_chunk):
        xc = x[start : start + per_chunk]
        xs = xc[:, None, :].expand(-1, s.n_samples, -1).reshape(-1, s.dim)
        shape = (xc.shape[0], s.n_samples, s.dim)
        noise = torch.randn(xs.shape, generator=generator, dtype=xs.dtype)
        samples = {
            "lightsb": model.sample(xs, generator=generator).reshape(shape),
            "oracle": bench.sample_conditional(xs, generator=generator).reshape(shape),
            "reference": (xs + math.sqrt(s.eps) * noise).reshape(shape),
        }
        for name, values in samples.items():
            totals[name] += cbw2_uvp(bench, xc, values, target_var) * xc.shape[0]
        if start == 0:
            shown["first"] = {k: samples[k][:3] for k in ("lightsb", "oracle")}
        for k in ("lightsb", "oracle"):
            shown["one"][k].append(samples[k][:, 0])
    shown["one"] = {k: torch.cat(v) for k, v in shown["one"].items()}
    return {k: v / x.shape[0] for k, v in totals.items()}, shown


def _figure(ctx: Context, x, shown: dict, losses):
    import numpy as np
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15, 4.2), layout="constrained")
    axes = fig.subplots(1, 3)
    x = x.numpy()
    ms, orc = shown["first"]["lightsb"].numpy(), shown["first"]["oracle"].numpy()
    for i in range(ms.shape[0]):
        axes[0].scatter(*orc[i, :200, :2].T, s=4, alpha=0.35, color=f"C{i}")
        axes[0].scatter(*ms[i, :200, :2].T, s=6, marker="x", alpha=0.6, color=f"C{i}")
        axes[0].scatter(*x[i, :2], s=120, marker="*", edgecolor="k", color=f"C{i}", zorder=3)
    axes[0].set_title("pi(. | x0) for 3 source points x0 (stars)\ndots: exact, crosses: LightSB")
    flat_m, flat_o = shown["one"]["lightsb"][:, :2].numpy(), shown["one"]["oracle"][:, :2].numpy()
    axes[1].scatter(*flat_o.T, s=5, alpha=0.4, label="exact plan samples")
    axes[1].scatter(*flat_m.T, s=5, alpha=0.4, label="LightSB samples")
    axes[1].scatter(*x[:, :2].T, s=5, alpha=0.3, color="grey", label="source x0")
    axes[1].set_title("one sample per test point (first two coordinates)")
    axes[1].legend(fontsize=8, markerscale=3)
    for ax in axes[:2]:
        ax.set_xlabel("coordinate 1")
        ax.set_ylabel("coordinate 2")
    steps = np.arange(1, len(losses) + 1)
    axes[2].plot(steps, losses, lw=0.6, alpha=0.5, label="per step")
    window = max(1, len(losses) // 50)
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    axes[2].plot(steps[window - 1 :], smooth, lw=1.5, label=f"mean of {window}")
    axes[2].set_xlabel("Adam step")
    axes[2].set_ylabel("E log c(x0) - E log v(x1)")
    axes[2].set_title("LightSB training objective")
    axes[2].legend(fontsize=8)
    path = ctx.figures / "bridge.png"
    fig.savefig(path, dpi=100)
    return path


def run_bridge(ctx: Context) -> Part:
    """Train LightSB on a benchmark pair; cBW2-UVP beside its oracle floor."""
    import torch

    from sciml.solvers.transport import LightSB, MixtureBenchmark

    s, seed = ctx.scale.bridge, ctx.scale.seed
    bench = MixtureBenchmark.random(s.dim, s.eps, seed=seed)
    g = torch.Generator().manual_seed(seed)
    init = bench.sample_target(s.n_components, generator=g)
    model = LightSB(s.dim, s.n_components, s.eps, "diagonal", init_means=init).to(ctx.device)
    fit = _train(model, bench, s, seed, ctx.device)
    model = model.cpu()
    gt = torch.Generator().manual_seed(seed + 2)
    target_var = float(torch.var(bench.sample_target(s.n_variance, generator=gt), 0).sum())
    x = bench.sample_source(s.n_test, generator=gt)
    scores, shown = _score(model, bench, x, s, target_var, gt)
    ctx.say(
        f"  LightSB cBW2-UVP {scores['lightsb']:.3f} % (oracle floor {scores['oracle']:.3f} %, "
        f"untrained reference {scores['reference']:.1f} %)"
    )
    part = Part("bridge", TITLE)
    part.notes.append(
        f"Mixtures benchmark pair in D = {s.dim}, eps = {s.eps:g} (cost |x - y|^2 / 2), whose "
        f"entropic-OT plan is known exactly. LightSB with K = {s.n_components} diagonal "
        f"components, {s.steps} Adam steps (lr {s.lr:g}, batch {s.batch_size}) on {ctx.device}. "
        f"cBW2-UVP (%, lower is better) over {s.n_test} test points x {s.n_samples} samples; "
        "the oracle floor is the same estimator on exact plan samples, so a score near it "
        "means the bridge is as good as this test can tell."
    )
    part.tables.append(
        Table(
            "Conditional BW2-UVP (%)",
            ("conditional samples from", "cBW2-UVP %", "/ oracle floor"),
            [
                ("LightSB (trained)", scores["lightsb"], scores["lightsb"] / scores["oracle"]),
                ("exact plan (oracle floor)", scores["oracle"], 1.0),
                (
                    "reference process only (untrained)",
                    scores["reference"],
                    scores["reference"] / scores["oracle"],
                ),
            ],
        )
    )
    part.tables.append(
        Table(
            "Training",
            ("dimension", "components", "steps", "seconds", "final loss (mean of last 10%)"),
            [
                (
                    s.dim,
                    s.n_components,
                    s.steps,
                    fit["seconds"],
                    float(sum(fit["loss"][-max(1, s.steps // 10) :]) / max(1, s.steps // 10)),
                )
            ],
        )
    )
    part.figure(
        _figure(ctx, x, shown, fit["loss"]),
        "Conditional samples of the trained bridge against exact plan samples, and the "
        "training objective.",
    )
    part.headline = (
        f"cBW2-UVP {scores['lightsb']:.3f} % (oracle floor {scores['oracle']:.3f} %), D = {s.dim}"
    )
    part.results = {"cbw2_uvp": scores, "seconds": fit["seconds"], "dim": s.dim}
    return part
