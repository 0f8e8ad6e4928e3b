"""Discretizations as JSON, for model configurations (sensor sets, output grids).

Axes built by a rule (uniform, Chebyshev, Gauss-Legendre) are stored by their parameters;
custom axes and point clouds by their coordinates and weights.
"""

from __future__ import annotations

from sciml.core import Axis, Discretization, PointCloud, TensorGrid
from sciml.core.errors import DiscretizationError, explain

__all__ = ["disc_to_json", "disc_from_json"]


def _axis_to_json(ax: Axis) -> dict:
    out = {"kind": ax.kind, "n": ax.n, "bounds": list(ax.bounds)}
    if ax.kind == "uniform":
        out.update(periodic=ax.periodic, offset=ax.offset)
    elif ax.kind == "custom":
        out.update(nodes=ax.nodes.tolist(), weights=ax.weights.tolist(), periodic=ax.periodic)
    return out


def _axis_from_json(obj: dict) -> Axis:
    kind, n, bounds = obj["kind"], obj["n"], tuple(obj["bounds"])
    if kind == "uniform":
        return Axis.uniform(n, bounds, periodic=obj["periodic"], offset=obj["offset"])
    if kind == "chebyshev":
        return Axis.chebyshev(n, bounds)
    if kind == "gauss_legendre":
        return Axis.gauss_legendre(n, bounds)
    return Axis(obj["nodes"], obj["weights"], bounds, periodic=obj["periodic"])


def disc_to_json(disc: Discretization) -> dict:
    """A JSON-serializable description of a TensorGrid or PointCloud.

    Examples
    --------
    >>> g = TensorGrid.uniform((4, 5), periodic=True)
    >>> disc_from_json(disc_to_json(g)) == g
    True
    """
    if isinstance(disc, TensorGrid):
        return {"type": "TensorGrid", "axes": [_axis_to_json(a) for a in disc.axes]}
    if isinstance(disc, PointCloud):
        return {"type": "PointCloud", "x": disc.x.tolist(), "w": disc.w.tolist()}
    raise DiscretizationError(
        explain(
            "cannot serialize this discretization",
            expected="a TensorGrid or PointCloud",
            received=type(disc).__name__,
            fix="build the model on a TensorGrid or PointCloud",
        )
    )


def disc_from_json(obj) -> Discretization:
    """Inverse of :func:`disc_to_json`; discretizations pass through unchanged."""
    if isinstance(obj, Discretization):
        return obj
    if isinstance(obj, dict) and obj.get("type") == "TensorGrid":
        return TensorGrid(tuple(_axis_from_json(a) for a in obj["axes"]))
    if isinstance(obj, dict) and obj.get("type") == "PointCloud":
        return PointCloud(obj["x"], obj["w"])
    raise DiscretizationError(
        explain(
            "not a serialized discretization",
            expected="a dict written by disc_to_json, or a Discretization",
            received=repr(obj)[:80],
            fix="pass a TensorGrid/PointCloud or the output of disc_to_json",
        )
    )
