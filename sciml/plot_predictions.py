"""A figure comparing an operator's predictions with the truth on 2-D grids.

Like :mod:`sciml.plot` it imports nothing from sciml (plain arrays in, a
:class:`matplotlib.figure.Figure` out, object API, no pyplot state), so it sits in no
layer of its own and works headless: ``fig.savefig(path)``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["prediction_figure"]

_FONT = {"title": 11, "suptitle": 13, "tick": 8}


def _panel(fig, ax, values, extent, title, cmap, vmin=None, vmax=None):
    image = ax.imshow(
        values.T, origin="lower", extent=extent, cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal"
    )
    ax.set_title(title, fontsize=_FONT["title"])
    ax.tick_params(labelsize=_FONT["tick"])
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.ax.tick_params(labelsize=_FONT["tick"])
    bar.formatter.set_powerlimits((-2, 3))
    bar.update_ticks()


def prediction_figure(
    inputs,
    truth,
    prediction,
    *,
    extent=(0.0, 1.0, 0.0, 1.0),
    title: str = "",
    labels=None,
) -> Figure:
    """Rows of input, truth, prediction and pointwise error for a few samples.

    Parameters
    ----------
    inputs, truth, prediction : array_like of shape (S, n_x, n_y)
        One channel of ``S`` samples; axis 0 of each field is ``x`` (drawn horizontally).
    extent : (x_min, x_max, y_min, y_max)
        The domain.
    title : str
        Figure title.
    labels : sequence of str, optional
        One row label per sample (default ``sample i``). The error panel's title gives the
        relative l2 error over the nodes (no quadrature weights: a quick visual cue, not
        the metric of the tables).

    Returns
    -------
    Figure
        Truth and prediction of a row share one colour scale; the error panel shows
        ``prediction - truth`` on a symmetric scale.

    Examples
    --------
    >>> a = np.random.default_rng(0).random((2, 9, 9))
    >>> fig = prediction_figure(a, a, a + 0.01, title="demo")
    >>> len(fig.axes)  # 2 rows x 4 panels, each with a colorbar
    16
    """
    inputs, truth, prediction = (np.asarray(v, dtype=float) for v in (inputs, truth, prediction))
    rows = truth.shape[0]
    labels = list(labels) if labels is not None else [f"sample {i}" for i in range(rows)]
    fig = Figure(figsize=(16, 3.6 * rows + 0.6), layout="constrained")
    axes = fig.subplots(rows, 4, squeeze=False)
    for i in range(rows):
        error = prediction[i] - truth[i]
        rel = np.linalg.norm(error) / max(np.linalg.norm(truth[i]), np.finfo(float).tiny)
        lo = min(truth[i].min(), prediction[i].min())
        hi = max(truth[i].max(), prediction[i].max())
        span = float(np.abs(error).max()) or 1.0
        _panel(fig, axes[i, 0], inputs[i], extent, f"{labels[i]}: input", "viridis")
        _panel(fig, axes[i, 1], truth[i], extent, "truth", "magma", lo, hi)
        _panel(fig, axes[i, 2], prediction[i], extent, "prediction", "magma", lo, hi)
        _panel(
            fig,
            axes[i, 3],
            error,
            extent,
            f"prediction - truth (node rel. l2 {rel:.2e})",
            "RdBu_r",
            -span,
            span,
        )
    if title:
        fig.suptitle(title, fontsize=_FONT["suptitle"])
    return fig
