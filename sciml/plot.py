"""Matplotlib figures. Never imported by ``sciml.core``; imports nothing from sciml.

Figures are built with the object API (:class:`matplotlib.figure.Figure`), so no display,
no pyplot state and no backend switch is needed: ``fig.savefig(path)`` works headless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

__all__ = ["ConvergenceSeries", "convergence_figure"]

_FONT = {"title": 13, "label": 13, "tick": 11, "legend": 10}


@dataclass(frozen=True, eq=False)
class ConvergenceSeries:
    """One error curve of a convergence plot.

    Parameters
    ----------
    x, y : array_like of shape (L,)
        Levels and errors. Non-positive or non-finite errors cannot be drawn on a log axis
        and are counted in the legend instead.
    label : str
    used : array_like of bool, shape (L,), optional
        Levels that entered the slope fit; the others are drawn hollow.
    fit : (slope, intercept), optional
        The fitted line ``log y = intercept + slope * X`` (``X = log x`` on log-log axes,
        ``X = x`` on semilog-y axes), drawn over the used levels.
    y_low, y_high : array_like of shape (L,), optional
        Per-level confidence intervals (error bars).
    color : str
    marker : str
    """

    x: np.ndarray
    y: np.ndarray
    label: str
    used: np.ndarray | None = None
    fit: tuple[float, float] | None = None
    y_low: np.ndarray | None = None
    y_high: np.ndarray | None = None
    color: str = "tab:blue"
    marker: str = "o"


def _abscissa(x: np.ndarray, scale: str) -> np.ndarray:
    return np.log(x) if scale == "loglog" else x


def _draw_series(ax, s: ConvergenceSeries, scale: str) -> None:
    x = np.asarray(s.x, dtype=float)
    y = np.asarray(s.y, dtype=float)
    drawable = np.isfinite(y) & (y > 0) & np.isfinite(x)
    used = np.ones_like(drawable) if s.used is None else np.asarray(s.used, dtype=bool)
    hidden = int((~drawable).sum())
    label = s.label + (f" ({hidden} zero/non-finite not shown)" if hidden else "")
    full, hollow = drawable & used, drawable & ~used
    if s.y_low is not None and s.y_high is not None:
        err = np.stack([y - np.asarray(s.y_low), np.asarray(s.y_high) - y])[:, drawable]
        ax.errorbar(
            x[drawable],
            y[drawable],
            yerr=np.clip(err, 0, None),
            fmt="none",
            ecolor=s.color,
            elinewidth=1.0,
            capsize=3,
            alpha=0.7,
        )
    if full.any():
        ax.plot(x[full], y[full], s.marker, color=s.color, ms=7, label=label, zorder=3)
    if hollow.any():
        ax.plot(
            x[hollow],
            y[hollow],
            s.marker,
            mfc="none",
            color=s.color,
            ms=7,
            zorder=3,
            label=f"{s.label}: below the floor, not fitted",
        )
    if s.fit is not None and np.all(np.isfinite(s.fit)) and full.sum() >= 2:
        slope, intercept = s.fit
        xs = _line(x[full], scale)
        ax.plot(
            xs,
            np.exp(intercept + slope * _abscissa(xs, scale)),
            "-",
            color=s.color,
            lw=1.6,
            alpha=0.85,
            label=f"{s.label}: fitted slope {slope:+.3f}",
        )


def _level_ticks(ax, series: Sequence[ConvergenceSeries]) -> None:
    """On a log x-axis, tick the measured levels themselves: ``1/8`` rather than
    ``1.25e-1``, ``64`` rather than ``6.4e1``."""
    from matplotlib.ticker import NullLocator

    levels = np.unique(np.concatenate([np.asarray(s.x, dtype=float) for s in series]))
    levels = levels[np.isfinite(levels) & (levels > 0)]
    if not 2 <= levels.size <= 10:
        return
    labels = []
    for v in levels:
        inv = 1.0 / v
        is_fraction = v < 1 and abs(inv - round(inv)) < 1e-9 * inv
        labels.append(f"1/{round(inv)}" if is_fraction else f"{v:g}")
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(levels, labels)


def _line(x: np.ndarray, scale: str) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return np.geomspace(lo, hi, 50) if scale == "loglog" else np.linspace(lo, hi, 50)


def _draw_reference(ax, s: ConvergenceSeries, slope: float, scale: str) -> None:
    x = np.asarray(s.x, dtype=float)
    y = np.asarray(s.y, dtype=float)
    ok = np.isfinite(y) & (y > 0)
    if s.used is not None:
        ok &= np.asarray(s.used, dtype=bool)
    if ok.sum() < 2:
        return
    xs = _line(x[ok], scale)
    anchor = int(np.flatnonzero(ok)[np.argsort(x[ok])[ok.sum() // 2]])
    y0 = 0.5 * y[anchor]
    ref = y0 * np.exp(slope * (_abscissa(xs, scale) - _abscissa(x[anchor], scale)))
    ax.plot(xs, ref, "--", color="0.35", lw=1.4, label=f"expected slope {slope:+.4g}")


def convergence_figure(
    series: Sequence[ConvergenceSeries],
    *,
    scale: str = "loglog",
    xlabel: str = "x",
    ylabel: str = "error",
    title: str = "",
    subtitle: str = "",
    reference_slope: float | None = None,
    curve: tuple[np.ndarray, np.ndarray, str] | None = None,
    hlines: Sequence[tuple[float, str]] = (),
    figsize: tuple[float, float] = (7.5, 5.4),
) -> Figure:
    """Error against level on log-log or semilog-y axes, with fits and a reference slope.

    Parameters
    ----------
    series : sequence of ConvergenceSeries
        Typically the claim and its broken variant.
    scale : {"loglog", "semilogy"}
    xlabel, ylabel, title, subtitle : str
    reference_slope : float, optional
        Drawn as a dashed line through half the error of the first series' middle level.
    curve : (x, y, label), optional
        An exact error curve, drawn dotted.
    hlines : sequence of (value, label)
        Horizontal lines such as a tolerance or the rounding floor.
    figsize : (width, height) in inches

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> h = 2.0 ** -np.arange(3, 8)
    >>> s = ConvergenceSeries(h, h**2, "trapezoid", fit=(2.0, 0.0))
    >>> fig = convergence_figure([s], xlabel="h", reference_slope=2.0, title="demo")
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
    ('log', 'log')
    """
    fig = Figure(figsize=figsize, dpi=110, layout="constrained")
    ax = fig.add_subplot()
    if scale == "loglog":
        ax.set_xscale("log")
    ax.set_yscale("log")
    for s in series:
        _draw_series(ax, s, scale)
    if scale == "loglog" and series:
        _level_ticks(ax, series)
    if reference_slope is not None and series:
        _draw_reference(ax, series[0], reference_slope, scale)
    if curve is not None:
        cx, cy, clabel = curve
        ax.plot(cx, cy, ":", color="black", lw=1.8, label=clabel)
    for value, label in hlines:
        ax.axhline(value, color="tab:gray", ls="-.", lw=1.2, label=label)
    ax.set_xlabel(xlabel, fontsize=_FONT["label"])
    ax.set_ylabel(ylabel, fontsize=_FONT["label"])
    ax.tick_params(labelsize=_FONT["tick"])
    ax.grid(True, which="major", alpha=0.35)
    ax.grid(True, which="minor", alpha=0.12)
    if title:
        fig.suptitle(title, fontsize=_FONT["title"], fontweight="bold")
    if subtitle:
        ax.set_title(subtitle, fontsize=_FONT["legend"] + 1)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=_FONT["legend"], loc="best", framealpha=0.9)
    return fig
