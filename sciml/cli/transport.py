"""``sciml transport``: LightSB on the entropic-OT mixtures benchmark, or a Sinkhorn solve."""

from __future__ import annotations

import math
from pathlib import Path

from ._common import EXIT_OK, UserError, check_out, non_negative_int, positive_int


def add_parser(commands) -> None:
    """Register the subcommand on ``commands`` (an argparse subparsers object)."""
    transport = commands.add_parser(
        "transport",
        help="optimal transport: LightSB on the EOT mixtures benchmark, or a Sinkhorn solve",
        description=(
            "'lightsb' trains a Light Schroedinger Bridge on a fresh instance of the entropic-OT "
            "mixtures benchmark (dimension D, Brownian variance eps) and prints cBW2-UVP beside "
            "its noise floor (the same estimator on exact plan samples) and the training time. "
            "'sinkhorn' solves entropic OT between two n-samples in d = 2 (float32, "
            "reg = factor * median cost) and prints the value, marginal error, iterations and "
            "time. With --out, each saves a PNG of samples and plan."
        ),
        epilog="Example: sciml transport lightsb --dim 16 --eps 1 --out sb-run",
    )
    methods = transport.add_subparsers(dest="method", metavar="METHOD", title="methods")

    sb = methods.add_parser(
        "lightsb",
        help="LightSB on the mixtures benchmark",
        description="Train LightSB on MixtureBenchmark.random(D, eps) and score cBW2-UVP (%%).",
        epilog="Example: sciml transport lightsb --dim 16 --eps 0.1 --rotated --covariance full",
    )
    sb.add_argument("--dim", type=positive_int, default=2, metavar="D", help="dimension")
    sb.add_argument("--eps", type=float, default=1.0, help="Brownian variance (default 1)")
    sb.add_argument(
        "--rotated", action="store_true", help="rotated (non-diagonal) potential covariances"
    )
    sb.add_argument("--covariance", choices=("diagonal", "full"), default="diagonal")
    sb.add_argument("--components", type=positive_int, default=50, metavar="K")
    sb.add_argument("--steps", type=positive_int, default=10_000, metavar="N")
    sb.add_argument("--lr", type=float, help="Adam learning rate (default: by eps)")
    sb.add_argument(
        "--no-anneal",
        dest="anneal",
        action="store_false",
        help="constant learning rate (default: cosine-annealed to 0)",
    )
    sb.add_argument("--test", type=positive_int, default=200, metavar="N", help="test points")
    sb.add_argument(
        "--samples", type=positive_int, default=1000, metavar="N", help="samples per test point"
    )
    _common_options(sb)

    sk = methods.add_parser(
        "sinkhorn",
        help="Sinkhorn between two 2-D samples",
        description="Entropic OT between N(0, I) and N(1, 2I) samples, cost |x - y|^2.",
        epilog="Example: sciml transport sinkhorn --n 5000 --method scaling",
    )
    sk.add_argument("--n", type=positive_int, default=1000, help="points per sample")
    sk.add_argument("--reg-factor", type=float, default=0.05, help="reg / median cost")
    sk.add_argument("--method", dest="solver", choices=("log", "scaling"), default="log")
    sk.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    sk.add_argument("--atol", type=float, help="marginal tolerance (default by dtype)")
    _common_options(sk)
    transport.set_defaults(handler=run)


def _common_options(parser) -> None:
    parser.add_argument("--seed", type=non_negative_int, default=0, metavar="S")
    parser.add_argument("--out", metavar="DIR", help="folder for the PNG, created if missing")
    parser.add_argument("--threads", type=positive_int, default=1, metavar="N")


def _positive(name: str, value, example: str) -> None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise UserError(
            f"{name} {value} is not a positive finite number: expected {name} > 0. "
            f"Fix: pass e.g. {name} {example}."
        )


def _save(fig, path: Path) -> None:
    try:
        fig.savefig(path, dpi=110)
    except OSError as exc:
        raise UserError(
            f"cannot write {str(path)!r} ({exc}). Fix: pass a writable --out."
        ) from None
    print(f"figure: {path}")


def _lightsb(args, out: Path | None) -> int:
    from sciml.solvers.transport.lightsb_benchmark import run_lightsb_benchmark

    _positive("--eps", args.eps, "1")
    _positive("--lr", args.lr, "0.003")
    if args.samples < 2:
        raise UserError(
            f"--samples {args.samples} cannot estimate a covariance: expected N >= 2. "
            "Fix: pass e.g. --samples 1000."
        )
    r = run_lightsb_benchmark(
        args.dim,
        args.eps,
        rotated=args.rotated,
        covariance=args.covariance,
        n_components=args.components,
        steps=args.steps,
        lr=args.lr,
        anneal=args.anneal,
        n_test=args.test,
        n_samples=args.samples,
        seed=args.seed,
    )
    paper = r["published"]
    kind = "rotated" if args.rotated else "isotropic"
    print(
        f"lightsb D={args.dim} eps={args.eps:g} ({kind}, {args.covariance} S, "
        f"K={args.components}, {args.steps} steps, lr {r['lr']:.1e}): "
        f"cBW2-UVP {r['cbw2_uvp']:.3f} %, floor {r['floor']:.3f} %, "
        f"goal <= {2 * r['floor'] + 0.05:.3f} %"
        + (f", paper {paper:.2f} %" if paper is not None and not args.rotated else "")
    )
    print(f"training {r['seconds']:.1f} s wall, {r['cpu_seconds']:.1f} s CPU")
    if out is not None:
        from matplotlib.figure import Figure

        bench, x, samples = r["bench"], r["test_x"], r["samples"]
        import torch

        g = torch.Generator().manual_seed(args.seed + 3)
        y = bench.sample_target(2000, generator=g)
        x0 = bench.sample_source(2000, generator=g)
        fig = Figure(figsize=(10, 4.2), layout="constrained")
        ax = fig.subplots(1, 2)
        ax[0].scatter(x0[:, 0], x0[:, 1], s=2, alpha=0.4, label="source p0")
        ax[0].scatter(y[:, 0], y[:, 1], s=2, alpha=0.4, label="target p1")
        ax[0].set_title(f"D={args.dim}, eps={args.eps:g}: marginals (coords 0, 1)")
        ax[0].legend(markerscale=4)
        for i in range(min(3, x.shape[0])):
            exact = bench.sample_conditional(x[i].expand(300, -1), generator=g)
            ax[1].scatter(*samples[i, :300, :2].T, s=3, color=f"C{i}", alpha=0.5)
            ax[1].scatter(*exact[:, :2].T, s=3, color=f"C{i}", marker="x", alpha=0.3)
            ax[1].plot(*x[i, :2], "k*", ms=10)
        ax[1].set_title(f"plan pi(.|x): model (o) vs exact (x), cBW2-UVP {r['cbw2_uvp']:.3f} %")
        suffix = "-rotated" if args.rotated else ""
        _save(fig, out / f"lightsb-D{args.dim}-eps{args.eps:g}{suffix}.png")
    return EXIT_OK


def _sinkhorn(args, out: Path | None) -> int:
    _positive("--reg-factor", args.reg_factor, "0.05")
    _positive("--atol", args.atol, "1e-5")
    from sciml.solvers.transport._checks import MAX_DENSE_ENTRIES

    if args.n < 2 or args.n * args.n > MAX_DENSE_ENTRIES:
        raise UserError(
            f"--n {args.n} gives a {args.n}x{args.n} cost matrix: expected 2 <= n and "
            f"n^2 <= {MAX_DENSE_ENTRIES:.0e} (dense memory guard). Fix: pass e.g. --n 5000, "
            "or use sciml.solvers.transport.sinkhorn_online from Python for larger n."
        )
    import time

    import torch

    from sciml.solvers.transport import cost_matrix, sinkhorn

    dtype = getattr(torch, args.dtype)
    g = torch.Generator().manual_seed(args.seed)
    x = torch.randn(args.n, 2, generator=g, dtype=dtype)
    y = 1.0 + 2.0**0.5 * torch.randn(args.n, 2, generator=g, dtype=dtype)
    start = time.perf_counter()
    C = cost_matrix(x, y)
    reg = args.reg_factor * float(C.median())
    sol = sinkhorn(None, None, C, reg, method=args.solver, atol=args.atol, max_iter=5000)
    seconds = time.perf_counter() - start
    res = sol.value
    print(
        f"sinkhorn n={args.n} {args.dtype} {args.solver} reg={reg:.4g}: value "
        f"{float(res.value):.6g} (linear {float(res.value_linear):.6g}), marginal error "
        f"{sol.stats['marginal_error']:.2e}, {sol.stats['iterations']} iterations, "
        f"{seconds:.2f} s ({sol.status.name})"
    )
    if out is not None:
        from matplotlib.figure import Figure

        P = res.plan
        fig = Figure(figsize=(10, 4.2), layout="constrained")
        ax = fig.subplots(1, 2)
        k = min(args.n, 150)
        j = P[:k].argmax(1)
        for i in range(k):
            ax[0].plot([x[i, 0], y[j[i], 0]], [x[i, 1], y[j[i], 1]], "k-", lw=0.3, alpha=0.5)
        ax[0].scatter(x[:, 0], x[:, 1], s=2, label="x ~ N(0, I)")
        ax[0].scatter(y[:, 0], y[:, 1], s=2, label="y ~ N(1, 2I)")
        ax[0].legend(markerscale=4)
        ax[0].set_title("samples; lines: largest plan entry per source point")
        order_x, order_y = x[:, 0].argsort(), y[:, 0].argsort()
        m = min(args.n, 300)
        sub = P[order_x][:, order_y][:: max(1, args.n // m), :: max(1, args.n // m)]
        ax[1].imshow(sub.log10().clamp_min(sub.log10().max() - 8).numpy(), cmap="magma")
        ax[1].set_title("log10 plan (points sorted by first coordinate)")
        _save(fig, out / f"sinkhorn-n{args.n}-{args.solver}.png")
    return EXIT_OK


def run(args) -> int:
    if args.method is None:
        raise UserError(
            "choose a method: expected 'sciml transport lightsb ...' or "
            "'sciml transport sinkhorn ...'. Fix: e.g. sciml transport lightsb --dim 16 --eps 1."
        )
    out = Path(args.out) if args.out else None
    if out is not None:
        check_out(out)
    import torch

    torch.set_num_threads(args.threads)
    return _lightsb(args, out) if args.method == "lightsb" else _sinkhorn(args, out)
