"""Notebook 9: what a trained net decides, region by region, and its cost during training."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import notebook_helpers as nh
from course_lib.figures import BLUE, ORANGE, SKY
from course_lib.notebook_figures.picture import Picture, as_sentence


def decision_boundary(X, Y, predict, costs=None, title: str = "") -> Picture:
    """Regions the net labels 0 or 1, the examples on top (markers by label), and the cost.

    predict : a function from a (2, k) array of points to (1, k) labels 0/1.
    costs : optional list of costs (one per 100 iterations), drawn in a second panel.
    """
    X = np.asarray(X)
    y = np.ravel(Y)
    fig = Figure(figsize=(11 if costs is not None else 6, 5), layout="constrained")
    axes = fig.subplots(1, 2 if costs is not None else 1, squeeze=False)[0]
    ax = axes[0]
    _regions(ax, X, predict)
    _examples(ax, X, y)
    ax.set_xlabel("x1 (first row of X)")
    ax.set_ylabel("x2 (second row of X)")
    ax.set_title(title or "Decision boundary (black line)")
    ax.legend(fontsize=8, loc="lower right")
    alt = (
        as_sentence(ax.get_title()) + f" Left: the plane shaded by the label the network gives "
        f"each point (blue for 0, orange for 1), the decision boundary as a black line, and "
        f"the {y.size} examples on top, {int(np.sum(y == 0))} circles with label 0 and "
        f"{int(np.sum(y == 1))} triangles with label 1."
    )
    if costs is not None:
        alt += _cost_panel(axes[1], costs)
    return Picture(alt, fig)


def _regions(ax, X, predict) -> None:
    """The plane around the examples shaded by the label ``predict`` gives, and the line
    between the two labels."""
    pad = 0.5
    x0 = np.linspace(X[0].min() - pad, X[0].max() + pad, 200)
    x1 = np.linspace(X[1].min() - pad, X[1].max() + pad, 200)
    g0, g1 = np.meshgrid(x0, x1)
    labels = predict(np.vstack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    ax.contourf(g0, g1, labels, levels=[-0.5, 0.5, 1.5], colors=[SKY, ORANGE], alpha=0.35)
    ax.contour(g0, g1, labels, levels=[0.5], colors="black", linewidths=1.2)


def _examples(ax, X, y) -> None:
    """The examples: label 0 as blue circles, label 1 as orange triangles."""
    ax.scatter(
        X[0, y == 0],
        X[1, y == 0],
        marker="o",
        facecolor=BLUE,
        edgecolor="black",
        s=18,
        label="label 0 (circles; region shaded blue)",
    )
    ax.scatter(
        X[0, y == 1],
        X[1, y == 1],
        marker="^",
        facecolor=ORANGE,
        edgecolor="black",
        s=22,
        label="label 1 (triangles; region shaded orange)",
    )


def _cost_panel(ax, costs) -> str:
    """The cost every 100 iterations; returns the sentence the alt adds about it."""
    ax.plot(np.arange(len(costs)) * 100, costs, color=BLUE, marker=".")
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost J (cross-entropy)")
    ax.set_title("Cost during training")
    rises = nh.cost_rises(costs)
    return (
        f" Right: the cost every 100 iterations, from {nh.cost(costs[0])} at iteration 0 "
        f"to {nh.cost(costs[-1])} at iteration {(len(costs) - 1) * 100}"
        + ("; it rises " + "; ".join(rises) if rises else ", falling every time")
        + "."
    )
