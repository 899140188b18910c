"""Notebook 4: why the slide starts from ``dZ2 = A2 - Y``, and what the split loses as
``A2`` saturates."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import derivation
from course_lib import notebook_helpers as nh
from course_lib.figures import BLUE, GREEN, GREY, ORANGE, VERMILLION
from course_lib.notebook_figures.picture import Picture, as_sentence

FLOOR = 1e-17  # where saturation_precision draws an exact result (relative error 0)
# (PrecisionRow attribute, how its curve is drawn), in the legend's order.
PRECISION_CURVES = (
    ("dA_error", dict(color=ORANGE, marker="o", linestyle="-", label="split form: dA2 (stage 1)")),
    (
        "split_error",
        dict(color=BLUE, marker="s", linestyle="--", label="split form: dZ2 = dA2 * A2(1-A2)"),
    ),
    (
        "collapsed_error",
        dict(color=GREEN, marker="^", linestyle=":", label="collapsed form: dZ2 = A2 - Y"),
    ),
)


def output_pairs(y: float = 1.0) -> Picture:
    """dZ2 against z2 for two output/loss pairs: the general path next to the shortcut A2 - Y."""
    z = np.linspace(-8, 8, 161).reshape(1, -1)
    Y = np.full_like(z, y)
    fig = Figure(figsize=(10, 4), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    words = []
    pairs = [
        ("sigmoid", "cross_entropy", "sigmoid output, cross-entropy loss"),
        ("sigmoid", "squared_error", "sigmoid output, squared-error loss"),
    ]
    for ax, (out, loss, title) in zip(axes, pairs, strict=True):
        r = derivation.output_gradient(z, Y, out, loss)
        ax.plot(z[0], r["dZ"][0], color=BLUE, linewidth=3, label="dZ2 = dA2 * g'(Z2) (chain rule)")
        ax.plot(
            z[0],
            r["shortcut"][0],
            color=VERMILLION,
            linestyle="--",
            marker="o",
            markevery=10,
            label="shortcut A2 - Y",
        )
        verdict = "they agree everywhere" if r["collapses"] else "they differ"
        left, shortcut = float(r["dZ"][0, 0]), float(r["shortcut"][0, 0])
        words.append(
            f"{title}: {verdict}; at z2 = {z[0, 0]:g} the chain rule gives "
            f"dZ2 = {nh.fmt(left, 3)} and A2 - Y is {nh.fmt(shortcut, 3)}"
        )
        ax.set_title(f"{title}:\n{verdict}")
        ax.set_xlabel(f"z2 (pre-activation of the output), label y = {y:g}")
        ax.axhline(0, color=GREY, linewidth=0.8)
        ax.legend(loc="center right", fontsize=8)
    axes[0].set_ylabel("dZ2 = dL/dz2")
    fig.suptitle("The shortcut dZ2 = A2 - Y holds for one output/loss pair, not in general")
    alt = (
        as_sentence(fig.get_suptitle()) + f" Two panels plot dZ2 against z2 from "
        f"{z[0, 0]:g} to {z[0, -1]:g} for label y = {y:g}, the chain rule as a solid line and "
        f"the shortcut A2 - Y dashed with circles. " + ". ".join(words) + "."
    )
    return Picture(alt, fig)


def saturation_precision(rows, y: float = 0.0) -> Picture:
    """Relative error of dA2, the split dZ2 and A2 - Y against exact values, per z2.

    rows : from ``course_lib.measure.saturation_precision``. Exact results (error 0)
    are drawn on the floor of the plot, at 1e-17.
    """
    z = np.array([r.z for r in rows])
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    for attr, style in PRECISION_CURVES:
        ax.semilogy(z, _on_the_plot(rows, attr), **style)
    failed = [r.z for r in rows if r.split_failed]
    if failed:
        _shade_division_by_zero(ax, min(failed), max(z))
    ax.set_ylim(FLOOR / 3, 10)
    ax.set_xlabel(f"z2 (output pre-activation), label y = {y:g}: the net is confidently wrong")
    ax.set_ylabel("relative error vs the exact value")
    ax.set_title("As A2 saturates, dA2 loses digits and then the split form breaks")
    ax.legend(loc="upper left", fontsize=8)
    worst = max((r.dA_error for r in rows if r.dA_error is not None), default=0.0)
    alt = (
        as_sentence(ax.get_title()) + f" Relative error against the exact value, on a log "
        f"scale, for z2 from {z[0]:g} to {z[-1]:g} with label y = {y:g}. The split form's "
        f"dA2 (orange circles) grows with z2 to {nh.below(worst, floor=1e-15)}; the split "
        f"form's dZ2 (blue squares) and A2 - Y (green triangles) stay at the level of "
        f"rounding."
    )
    if failed:
        alt += (
            f" From z2 = {min(failed):g} on (shaded) A2 is exactly 1.0 and the split form "
            f"divides by 0; only A2 - Y has a value there."
        )
    return Picture(alt, fig)


def _on_the_plot(rows, attr: str) -> np.ndarray:
    """One error per row, ready for a log scale: a failure (None) is a gap, 0 is the floor."""
    values = [getattr(r, attr) for r in rows]
    return np.array([np.nan if v is None else max(v, FLOOR) for v in values])


def _shade_division_by_zero(ax, start: float, end: float) -> None:
    """Hatch the z2 where the split form fails, and say why beside it."""
    ax.axvspan(start, end, color=GREY, alpha=0.15, hatch="//")
    ax.text(
        start - 0.5,
        1e-11,
        "from here on A2 == 1.0 exactly\nand the split form divides by 0 ->",
        fontsize=9,
        ha="right",
    )
