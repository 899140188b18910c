"""Notebook 1: the forward pass's matrix products drawn to scale, one square per number."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_lib.figures import BLUE, GREEN, ORANGE, PURPLE
from course_lib.notebook_figures.picture import Picture, as_sentence


def forward_shapes(X, parameters: dict) -> Picture:
    """``Z1 = W1 X + b1`` and ``Z2 = W2 A1 + b2`` drawn to scale, one square per number."""
    n_x, m = X.shape
    n_h = parameters["W1"].shape[0]
    n_y = parameters["W2"].shape[0]
    fig = Figure(figsize=(11, 5.2), layout="constrained")
    axes = fig.subplots(2, 1)
    # Each row: the output, then W, A and b as (rows, cols, name).
    _equation(axes[0], m, "Z1", n_h, (n_h, n_x, "W1"), (n_x, m, "X"), (n_h, 1, "b1"))
    _equation(axes[1], m, "Z2", n_y, (n_y, n_h, "W2"), (n_h, m, "A1"), (n_y, 1, "b2"))
    fig.suptitle(
        f"Shapes of the forward pass (n_x = {n_x}, n_h = {n_h}, n_y = {n_y}, "
        f"m = {m}): one square per number"
    )
    alt = (
        as_sentence(fig.get_suptitle()) + f" Top row: Z1 ({n_h}, {m}) = W1 ({n_h}, {n_x}) @ "
        f"X ({n_x}, {m}) + b1 ({n_h}, 1). Bottom row: Z2 ({n_y}, {m}) = W2 ({n_y}, {n_h}) "
        f"@ A1 ({n_h}, {m}) + b2 ({n_y}, 1). Each bias is a single column, copied across "
        f"the m = {m} columns."
    )
    return Picture(alt, fig)


def _equation(ax, m: int, out: str, rows: int, w: tuple, a: tuple, b: tuple) -> None:
    """One row of the figure: ``out = w @ a + b``, each a block of unit squares."""
    x = _block(ax, 0.0, rows, m, out, GREEN, hatch="..") + 0.6
    ax.text(x, rows / 2, "=", fontsize=16, va="center")
    x = _block(ax, x + 0.8, w[0], w[1], w[2], BLUE, hatch="//") + 0.3
    ax.text(x, rows / 2, "@", fontsize=14, va="center")
    x = _block(ax, x + 0.8, a[0], a[1], a[2], ORANGE, hatch="\\\\") + 0.3
    ax.text(x, rows / 2, "+", fontsize=16, va="center")
    x = _block(ax, x + 0.8, b[0], b[1], b[2], PURPLE, hatch="xx")
    ax.text(x + 0.4, rows / 2, "(copied across the\nm columns)", fontsize=9, va="center")
    ax.set_xlim(-0.5, x + 4.5)
    ax.set_ylim(-0.5, max(rows, w[0], a[0]) + 1.8)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("columns (for X, A1, Z: one per example)")
    ax.set_ylabel("rows")


def _block(ax, x, rows, cols, name, color, hatch=None):
    """A rows x cols grid of unit cells with its lower left corner at (x, 0)."""
    ax.add_patch(
        Rectangle((x, 0), cols, rows, facecolor=color, edgecolor="black", alpha=0.35, hatch=hatch)
    )
    for r in range(rows + 1):
        ax.plot([x, x + cols], [r, r], color="black", linewidth=0.5)
    for c in range(cols + 1):
        ax.plot([x + c, x + c], [0, rows], color="black", linewidth=0.5)
    ax.text(
        x + cols / 2, rows + 0.4, f"{name}\n({rows}, {cols})", ha="center", va="bottom", fontsize=10
    )
    return x + cols
