"""Notebooks 5 and 6: figures of what was measured (backprop against finite differences,
and the time each backward step takes)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import notebook_helpers as nh
from course_lib.figures import BLACK, BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, YELLOW
from course_lib.notebook_figures.picture import Picture, as_sentence

_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "*", "h")
_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK, GREY, YELLOW)


def gradcheck_scatter(analytic: dict, numeric: dict, per_example=()) -> Picture:
    """Every entry of every stage: backprop's value against the finite-difference value.

    per_example : the keys of the per-example stages (``dL``, such as ``dZ2``) among
    ``numeric``: their finite difference of the averaged cost ``J`` is multiplied by ``m``
    (``course_lib.gradcheck`` does), and the horizontal axis says so.
    """
    fig = Figure(figsize=(6, 6), layout="constrained")
    ax = fig.add_subplot()
    lo, hi = np.inf, -np.inf
    for i, key in enumerate(analytic):
        a, n = np.ravel(analytic[key]), np.ravel(numeric[key])
        lo, hi = min(lo, a.min(), n.min()), max(hi, a.max(), n.max())
        ax.scatter(
            n,
            a,
            marker=_MARKERS[i % 9],
            color=_COLOURS[i % 9],
            s=28,
            alpha=0.8,
            label=f"{key} ({a.size} entries)",
        )
    ax.plot([lo, hi], [lo, hi], color="black", linewidth=0.8, label="backprop = finite difference")
    scaled = [k for k in analytic if k in set(per_example)]
    ax.set_xlabel(
        "finite difference (J(x + h) - J(x - h)) / (2h)"
        + (f",\ntimes m for the per-example {', '.join(scaled)}" if scaled else "")
    )
    ax.set_ylabel("backprop value (the assignment's split)")
    worst = max(
        float(np.max(np.abs(np.ravel(analytic[k]) - np.ravel(numeric[k])))) for k in analytic
    )
    on_line = worst < 1e-3 * max(abs(lo), abs(hi), 1e-300)
    ax.set_title(
        "Every entry of every stage lies on the diagonal"
        if on_line
        else "Some entries lie off the diagonal: backprop and finite differences disagree"
    )
    ax.legend(fontsize=8, loc="upper left")
    counts = ", ".join(f"{k} ({np.size(analytic[k])})" for k in analytic)
    scaling = f"times m for the per-example {', '.join(scaled)}" if scaled else "as it is"
    alt = (
        as_sentence(ax.get_title()) + " Scatter plot of backprop's value (vertical) against "
        f"the finite difference of the cost (horizontal, {scaling}) for every entry, one "
        f"marker per stage: {counts} entries. Values range from {nh.fmt(lo, 3)} to "
        f"{nh.fmt(hi, 3)}; the "
        f"largest distance from the diagonal is {nh.difference(worst, 1e-7)}."
    )
    return Picture(alt, fig)


def backward_time(cost) -> Picture:
    """Median milliseconds of each backward step; ``dA0`` hatched. cost : ``DA0Cost``.

    A measurement: the times, and so the title and the alt, change from run to run.
    """
    names = list(cost.seconds)
    ms = [cost.seconds[k] * 1e3 for k in names]
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    ax = fig.add_subplot()
    bars = ax.barh(names, ms, color=[GREY if "dA0" in k else BLUE for k in names])
    for bar, name in zip(bars, names, strict=True):
        if "dA0" in name:
            bar.set_hatch("//")
            bar.set_edgecolor("black")
    ax.invert_yaxis()
    ax.set_xlabel("median milliseconds per call")
    ax.set_ylabel("backward step (in order)")
    ax.set_title(
        f"Backward pass at n_x = {cost.n_x}, n_h = {cost.n_h}, m = {cost.m},\nmeasured "
        f"here: dA0 (hatched) took {nh.percent(cost.dA0_share, 0)} of the time"
    )
    alt = (
        as_sentence(ax.get_title()) + " Horizontal bars, one per backward step in order, median "
        "milliseconds over "
        + f"{cost.repeat} runs: "
        + "; ".join(f"{name} {nh.milliseconds(sec)}" for name, sec in cost.seconds.items())
        + "."
    )
    return Picture(alt, fig)
