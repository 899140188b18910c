"""Figures for the numbered notebooks (matplotlib, no pyplot state), each with its words.

Each function returns a ``Picture``: a ``matplotlib.figure.Figure`` built without pyplot
and its text alternative. A notebook cell that ends with the call shows it once, as an
HTML ``<img alt=...>`` (what JupyterLab and voila display, so a screen reader reads the
alt), as a PNG beside it (for viewers that do not show HTML) and as the alt in plain text
(what nbval compares, so the numbers a figure states are checked on every run).

Colours come from the Okabe-Ito palette, which colour-blind readers can tell apart, and
every series also differs by marker, line style or hatching, so nothing is told by colour
alone. Every figure has a title and labelled axes. A number a title states is formatted by
``course_lib.notebook_helpers`` exactly as the notebook prints it, and the alt repeats it.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from PIL import Image

from course_lib import derivation, figures
from course_lib import notebook_helpers as nh
from course_lib.figures import BLACK, BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION, YELLOW

PALETTE = 256  # colours of a stored PNG: the figures look the same at a third of the bytes


@dataclass(frozen=True, eq=False)
class Picture:
    """A figure and its text alternative, shown with the alt wherever it is shown.

    figure : the matplotlib figure (None for a picture composed from images); alt : what
    the figure shows, in words, starting with its title; png : the image (drawn from
    ``figure`` when not given).
    """

    alt: str
    figure: Figure | None = None
    image: bytes | None = None

    @cached_property
    def png(self) -> bytes:
        if self.image is not None:
            return self.image
        return figures.png_bytes(self.figure, colors=PALETTE)

    @property
    def title(self) -> str:
        """The figure's title (its suptitle, else its first axes' title)."""
        if self.figure is None:
            return self.alt.split(". ")[0]
        suptitle = self.figure.get_suptitle() if hasattr(self.figure, "get_suptitle") else ""
        return suptitle or self.figure.axes[0].get_title()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": figures.img_html(self.png, self.alt),
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": self.alt,
        }

    def __repr__(self) -> str:
        return self.alt


def _flat(title: str) -> str:
    """A title as one sentence: line breaks become spaces, and it ends with a full stop."""
    text = " ".join(title.split())
    return text if text.endswith((".", ":")) else text + "."


# ----------------------------------------------------------------------------- notebook 0

_SPLIT_LINES = (
    "dA2 = -(Y/A2 - (1-Y)/(1-A2))",
    "dZ2 = dA2 * A2(1-A2)   sigmoid_backward",
    "dW2 = (1/m) dZ2 A1.T   linear_backward",
    "db2 = (1/m) sum(dZ2)   linear_backward",
    "dA1 = W2.T dZ2   linear_backward (dA_prev)",
    "dZ1 = dA1 * g'(Z1)   relu_backward",
    "dW1 = (1/m) dZ1 X.T   linear_backward",
    "db1 = (1/m) sum(dZ1)   linear_backward",
    "dA0 = W1.T dZ1   linear_backward (dA_prev)",
)
# (first stage, last stage, text) of each slide box; stage 9 has none.
_SLIDE_BOXES = (
    (1, 2, "eq. 1   dZ2 = A2 - Y"),
    (3, 3, "eq. 2   dW2 = (1/m) dZ2 A1.T"),
    (4, 4, "eq. 3   db2 = (1/m) sum(dZ2)"),
    (5, 6, "eq. 4   dZ1 = W2.T dZ2 * g'(Z1)"),
    (7, 7, "eq. 5   dW1 = (1/m) dZ1 X.T"),
    (8, 8, "eq. 6   db1 = (1/m) sum(dZ1)"),
)


def two_formulations() -> Picture:
    """The nine backward stages as the assignment runs them, beside the slide's six equations.

    Two-row slide boxes show where the slide folds two stages into one line; stage 9 (``dA0``)
    has a hatched "not computed" box on the slide's side.
    """
    fig = Figure(figsize=(10, 6.2), layout="constrained")
    ax = fig.add_subplot()
    for stage, text in enumerate(_SPLIT_LINES, start=1):
        unused = stage == 9
        ax.add_patch(
            Rectangle(
                (0.02, stage - 0.42),
                0.44,
                0.84,
                facecolor="white",
                edgecolor=GREY if unused else BLUE,
                linewidth=1.5,
                linestyle="--" if unused else "-",
            )
        )
        ax.text(
            0.04,
            stage,
            text + ("   (unused)" if unused else ""),
            va="center",
            family="monospace",
            fontsize=8.5,
        )
    for first, last, text in _SLIDE_BOXES:
        merged = last > first
        ax.add_patch(
            Rectangle(
                (0.54, first - 0.42),
                0.44,
                last - first + 0.84,
                facecolor="#FFF3D6" if merged else "white",
                edgecolor=ORANGE,
                linewidth=2.5 if merged else 1.5,
            )
        )
        ax.text(
            0.56,
            (first + last) / 2,
            text + ("\n(two stages in one line)" if merged else ""),
            va="center",
            family="monospace",
            fontsize=8.5,
        )
        for stage in range(first, last + 1):
            ax.add_patch(
                FancyArrowPatch(
                    (0.46, stage),
                    (0.54, (first + last) / 2),
                    arrowstyle="->",
                    mutation_scale=10,
                    color=GREY,
                )
            )
    ax.add_patch(
        Rectangle(
            (0.54, 9 - 0.42),
            0.44,
            0.84,
            facecolor="white",
            edgecolor=GREY,
            hatch="//",
            linestyle="--",
        )
    )
    ax.text(
        0.76,
        9,
        "not computed",
        va="center",
        ha="center",
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "none"},
    )
    ax.set_xlim(0, 1)
    ax.set_ylim(9.6, 0.4)
    ax.set_yticks(range(1, 10), [f"stage {i}" for i in range(1, 10)])
    ax.set_xticks(
        [0.24, 0.76],
        ["the assignment's split\n(one generic layer at a time)", "the slide's six equations"],
    )
    ax.tick_params(length=0)
    ax.set_ylabel("backward order (output first)")
    ax.set_xlabel("formulation")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title("One backward pass, two ways of writing it: nine stages vs six equations")
    alt = (
        _flat(ax.get_title()) + " Left, the assignment's split, one box per stage in "
        "backward order: "
        + "; ".join(f"stage {i}: {line}" for i, line in enumerate(_SPLIT_LINES, start=1))
        + ". Right, the slide's six equations, each joined by arrows to the stages it does: "
        + "; ".join(
            f"{text} (stage{'s' if b > a else ''} {a if a == b else f'{a} and {b}'})"
            for a, b, text in _SLIDE_BOXES
        )
        + ". Stage 9, dA0, has no equation: the slide's box beside it reads not computed."
    )
    return Picture(alt, fig)


# ----------------------------------------------------------------------------- notebook 1


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


def forward_shapes(X, parameters: dict) -> Picture:
    """``Z1 = W1 X + b1`` and ``Z2 = W2 A1 + b2`` drawn to scale, one square per number."""
    n_x, m = X.shape
    n_h = parameters["W1"].shape[0]
    n_y = parameters["W2"].shape[0]
    fig = Figure(figsize=(11, 5.2), layout="constrained")
    axes = fig.subplots(2, 1)
    layers = [
        (axes[0], "Z1", (n_h, n_x, "W1"), (n_x, m, "X"), (n_h, 1, "b1"), n_h),
        (axes[1], "Z2", (n_y, n_h, "W2"), (n_h, m, "A1"), (n_y, 1, "b2"), n_y),
    ]
    for ax, out, w, a, b, rows in layers:
        x = 0.0
        x = _block(ax, x, rows, m, out, GREEN, hatch="..") + 0.6
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
    fig.suptitle(
        f"Shapes of the forward pass (n_x = {n_x}, n_h = {n_h}, n_y = {n_y}, "
        f"m = {m}): one square per number"
    )
    alt = (
        _flat(fig.get_suptitle()) + f" Top row: Z1 ({n_h}, {m}) = W1 ({n_h}, {n_x}) @ "
        f"X ({n_x}, {m}) + b1 ({n_h}, 1). Bottom row: Z2 ({n_y}, {m}) = W2 ({n_y}, {n_h}) "
        f"@ A1 ({n_h}, {m}) + b2 ({n_y}, 1). Each bias is a single column, copied across "
        f"the m = {m} columns."
    )
    return Picture(alt, fig)


# ----------------------------------------------------------------------------- notebook 4


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
        _flat(fig.get_suptitle()) + f" Two panels plot dZ2 against z2 from "
        f"{z[0, 0]:g} to {z[0, -1]:g} for label y = {y:g}, the chain rule as a solid line and "
        f"the shortcut A2 - Y dashed with circles. " + ". ".join(words) + "."
    )
    return Picture(alt, fig)


def saturation_precision(rows, y: float = 0.0) -> Picture:
    """Relative error of dA2, the split dZ2 and A2 - Y against exact values, per z2.

    rows : from ``course_lib.measure.saturation_precision``. Exact results (error 0)
    are drawn on the floor of the plot, at 1e-17.
    """
    floor = 1e-17
    z = np.array([r.z for r in rows])

    def series(attr):
        vals = [getattr(r, attr) for r in rows]
        return np.array([np.nan if v is None else max(v, floor) for v in vals])

    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.semilogy(
        z,
        series("dA_error"),
        color=ORANGE,
        marker="o",
        linestyle="-",
        label="split form: dA2 (stage 1)",
    )
    ax.semilogy(
        z,
        series("split_error"),
        color=BLUE,
        marker="s",
        linestyle="--",
        label="split form: dZ2 = dA2 * A2(1-A2)",
    )
    ax.semilogy(
        z,
        series("collapsed_error"),
        color=GREEN,
        marker="^",
        linestyle=":",
        label="collapsed form: dZ2 = A2 - Y",
    )
    failed = [r.z for r in rows if r.split_failed]
    if failed:
        ax.axvspan(min(failed), max(z), color=GREY, alpha=0.15, hatch="//")
        ax.text(
            min(failed) - 0.5,
            1e-11,
            "from here on A2 == 1.0 exactly\nand the split form divides by 0 ->",
            fontsize=9,
            ha="right",
        )
    ax.set_ylim(floor / 3, 10)
    ax.set_xlabel(f"z2 (output pre-activation), label y = {y:g}: the net is confidently wrong")
    ax.set_ylabel("relative error vs the exact value")
    ax.set_title("As A2 saturates, dA2 loses digits and then the split form breaks")
    ax.legend(loc="upper left", fontsize=8)
    worst = max((r.dA_error for r in rows if r.dA_error is not None), default=0.0)
    alt = (
        _flat(ax.get_title()) + f" Relative error against the exact value, on a log "
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


# ----------------------------------------------------------------------------- notebook 5


def fan_out(W, dZ, j: int, i: int, layer: int = 1) -> Picture:
    """Why ``dA[l-1][j, i]`` is a sum over k: entry ``j`` of example ``i`` feeds every unit.

    W : ``W[l]`` (n_l, n_prev); dZ : ``dZ[l]`` (n_l, m). The edges from ``A[l-1][j, i]`` to each
    ``Z[l][k, i]`` are drawn thick and labelled with their weight; each ``Z`` node carries its
    ``dZ``. Nothing connects example ``i`` to any other example.
    """
    W = np.asarray(W)
    dZ = np.asarray(dZ)
    n_l, n_prev = W.shape
    prev = "X" if layer == 1 else f"A{layer - 1}"

    def ys(n):
        return np.linspace(0, 1, n) if n > 1 else np.array([0.5])

    y_prev, y_next = ys(n_prev), ys(n_l)
    fig = Figure(figsize=(9, 4.8), layout="constrained")
    ax = fig.add_subplot()
    for jj in range(n_prev):
        for k in range(n_l):
            on = jj == j
            ax.plot(
                [0, 1],
                [y_prev[jj], y_next[k]],
                color=BLUE if on else GREY,
                linewidth=2.5 if on else 0.6,
                linestyle="-" if on else ":",
                zorder=1,
            )
            if on:
                t = 0.62
                ax.text(
                    t,
                    y_prev[jj] + t * (y_next[k] - y_prev[jj]),
                    f"W{layer}[{k},{j}] = {nh.fmt(W[k, j])}",
                    fontsize=8.5,
                    color="black",
                    ha="center",
                    bbox={"facecolor": "white", "edgecolor": BLUE, "pad": 1.5},
                    zorder=3,
                )
    for jj in range(n_prev):
        on = jj == j
        ax.scatter(
            [0],
            [y_prev[jj]],
            s=500 if on else 300,
            color=ORANGE if on else "white",
            edgecolor="black",
            marker="s" if on else "o",
            zorder=2,
        )
        ax.text(-0.06, y_prev[jj], f"{prev}[{jj},{i}]", ha="right", va="center", fontsize=9)
    for k in range(n_l):
        ax.scatter([1], [y_next[k]], s=300, color="white", edgecolor="black", zorder=2)
        ax.text(
            1.06,
            y_next[k],
            f"Z{layer}[{k},{i}]   dZ{layer}[{k},{i}] = {nh.fmt(dZ[k, i])}",
            ha="left",
            va="center",
            fontsize=9,
        )
    total = float(W[:, j] @ dZ[:, i])
    ax.set_xlim(-0.35, 1.75)
    ax.set_ylim(1.12, -0.12)  # row 0 at the top, as in the matrices
    ax.set_xticks(
        [0, 1], [f"layer {layer - 1}: {prev}, column {i}", f"layer {layer}: Z{layer}, column {i}"]
    )
    ax.set_yticks([])
    ax.set_xlabel(f"forward direction ->   (only example {i}'s column is involved)")
    ax.set_ylabel("unit (row index)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(
        f"{prev}[{j},{i}] (square) feeds every Z{layer}[k,{i}], through W{layer}[k,{j}]:\n"
        f"dA{layer - 1}[{j},{i}] = sum over k of W{layer}[k,{j}] * dZ{layer}[k,{i}]"
        f" = {nh.fmt(total, 6)}"
    )
    edges = "; ".join(
        f"W{layer}[{k},{j}] = {nh.fmt(W[k, j])} to Z{layer}[{k},{i}], whose "
        f"dZ{layer}[{k},{i}] = {nh.fmt(dZ[k, i])}"
        for k in range(n_l)
    )
    alt = (
        _flat(ax.get_title()) + f" Left, the {n_prev} entries of column {i} of {prev}; "
        f"right, the {n_l} units of Z{layer} for example {i}. Thick edges leave "
        f"{prev}[{j},{i}]: {edges}. The other edges are thin and dotted, and no edge "
        f"reaches another example's column."
    )
    return Picture(alt, fig)


_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "*", "h")
_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK, GREY, YELLOW)


def gradcheck_scatter(analytic: dict, numeric: dict) -> Picture:
    """Every entry of every stage: backprop's value against the finite-difference value."""
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
    ax.set_xlabel("finite difference (J(x + eps) - J(x - eps)) / (2 eps)")
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
    alt = (
        _flat(ax.get_title()) + f" Scatter plot of backprop's value (vertical) against "
        f"the finite difference (horizontal) for every entry, one marker per stage: "
        f"{counts} entries. Values range from {nh.fmt(lo, 3)} to {nh.fmt(hi, 3)}; the "
        f"largest distance from the diagonal is {nh.difference(worst, 1e-7)}."
    )
    return Picture(alt, fig)


# ----------------------------------------------------------------------------- notebook 6


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
        f"Backward pass at n_x = {cost.n_x}, n_h = {cost.n_h}, m = {cost.m}, measured "
        f"here:\ndA0 (hatched) took {nh.percent(cost.dA0_share, 0)} of the time"
    )
    alt = (
        _flat(ax.get_title()) + " Horizontal bars, one per backward step in order, median "
        "milliseconds over "
        + f"{cost.repeat} runs: "
        + "; ".join(f"{name} {nh.milliseconds(sec)}" for name, sec in cost.seconds.items())
        + "."
    )
    return Picture(alt, fig)


# ----------------------------------------------------------------------------- notebook 7


def stepper_still(index: int = 6, config=None) -> Picture:
    """The stepper at one stage, as a picture: its graph, its equations, its values, its checks.

    index : the stage (1..9); config : a ``course_lib.stepper.Config`` (default: the app's
    first screen, ReLU, m = 5, seed 0). The same records the live stepper shows, drawn by
    ``course_lib.figures`` (the graph and the matrix) and stacked, so a notebook shows the
    stepper where no kernel runs (GitHub, nbviewer).
    """
    from course_lib import gradcheck
    from course_lib.stepper import Config, compute

    config = config or Config()
    computed = compute(config)
    stage = computed.bp.stages[index - 1]
    X, Y, parameters = computed.bp.X, computed.bp.Y, computed.bp.parameters
    report = gradcheck.gradient_check({stage.key: stage.value}, X, Y, parameters, config.hidden)
    box = next(
        ((first, last, text) for first, last, text in _SLIDE_BOXES if first <= index <= last), None
    )
    slide = (
        "no equation: " + stage.slide_note
        if box is None
        else box[2] + (f"   (stages {box[0]} and {box[1]} in one line)" if box[1] > box[0] else "")
    )
    check = (
        "the slide does not compute " + stage.key
        if stage.max_abs_diff is None
        else nh.difference(stage.max_abs_diff)
    )
    verdict = report.verdict(stage.key)
    fd = (
        f"relative error {nh.below(report.relative_errors[stage.key], report.tolerance)}, "
        f"{verdict} (pass mark {nh.power(report.tolerance)})"
        if verdict == gradcheck.PASSES
        else report.describe(stage.key)
    )
    lines = [
        ("The slide", slide),
        (
            "The assignment",
            f"{stage.assignment_code}   computed by {stage.assignment_function.split(' -> ')[-1]}",
        ),
        ("Kind", nh.kind_note(stage)),
        ("max |slide - assignment|", check),
        ("Gradient check", fd),
    ]
    text = Figure(figsize=(9.6, 0.32 * len(lines) + 0.5), dpi=90)
    text.text(
        0.01,
        0.93,
        f"Stage {index} of 9: {stage.title}  "
        f"(hidden {config.hidden}, m = {config.m}, seed {config.seed})",
        fontsize=12,
        fontweight="bold",
        va="top",
    )
    for row, (label, value) in enumerate(lines):
        y = 0.93 - (row + 1) / (len(lines) + 1.2)
        text.text(0.01, y, label, fontsize=9, va="top", color="#333333")
        text.text(0.25, y, value, fontsize=9, va="top", family="monospace")
    parts = [
        figures.png_bytes(figures.graph_figure(index)),
        figures.png_bytes(text),
        figures.png_bytes(figures.matrix_figure(stage.value, stage.key, stage.kind, (0, 0))),
    ]
    alt = (
        f"A still of the stepper at stage {index} of 9, {stage.title} (hidden "
        f"{config.hidden}, m = {config.m}, seed {config.seed}). "
        + figures.graph_alt(index)
        + " "
        + " ".join(f"{label}: {value.rstrip('.')}." for label, value in lines)
        + " "
        + figures.matrix_alt(stage.value, stage.key, stage.kind)
        + " The outlined entry is [0, 0]."
    )
    return Picture(alt, image=_stacked(parts))


def _stacked(pngs: list) -> bytes:
    """PNG images one above the other on white, left-aligned, as one palette PNG."""
    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in pngs]
    width = max(i.width for i in images)
    sheet = Image.new("RGB", (width, sum(i.height for i in images)), "white")
    top = 0
    for image in images:
        sheet.paste(image, (0, top))
        top += image.height
    out = io.BytesIO()
    sheet.quantize(colors=PALETTE, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


# ----------------------------------------------------------------------------- notebook 9


def decision_boundary(X, Y, predict, costs=None, title: str = "") -> Picture:
    """Regions the net labels 0 or 1, the examples on top (markers by label), and the cost.

    predict : a function from a (2, k) array of points to (1, k) labels 0/1.
    costs : optional list of costs (one per 100 iterations), drawn in a second panel.
    """
    X = np.asarray(X)
    pad = 0.5
    x0 = np.linspace(X[0].min() - pad, X[0].max() + pad, 200)
    x1 = np.linspace(X[1].min() - pad, X[1].max() + pad, 200)
    g0, g1 = np.meshgrid(x0, x1)
    labels = predict(np.vstack([g0.ravel(), g1.ravel()])).reshape(g0.shape)
    fig = Figure(figsize=(11 if costs is not None else 6, 5), layout="constrained")
    axes = fig.subplots(1, 2 if costs is not None else 1, squeeze=False)[0]
    ax = axes[0]
    ax.contourf(g0, g1, labels, levels=[-0.5, 0.5, 1.5], colors=[SKY, ORANGE], alpha=0.35)
    ax.contour(g0, g1, labels, levels=[0.5], colors="black", linewidths=1.2)
    y = np.ravel(Y)
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
    ax.set_xlabel("x1 (first row of X)")
    ax.set_ylabel("x2 (second row of X)")
    ax.set_title(title or "Decision boundary (black line)")
    ax.legend(fontsize=8, loc="lower right")
    alt = (
        _flat(ax.get_title()) + f" Left: the plane shaded by the label the network gives "
        f"each point (blue for 0, orange for 1), the decision boundary as a black line, and "
        f"the {y.size} examples on top, {int(np.sum(y == 0))} circles with label 0 and "
        f"{int(np.sum(y == 1))} triangles with label 1."
    )
    if costs is not None:
        ax2 = axes[1]
        ax2.plot(np.arange(len(costs)) * 100, costs, color=BLUE, marker=".")
        ax2.set_xlabel("iteration")
        ax2.set_ylabel("cost J (cross-entropy)")
        ax2.set_title("Cost during training")
        rises = nh.cost_rises(costs)
        alt += (
            f" Right: the cost every 100 iterations, from {nh.cost(costs[0])} at iteration 0 "
            f"to {nh.cost(costs[-1])} at iteration {(len(costs) - 1) * 100}"
            + ("; it rises " + "; ".join(rises) if rises else ", falling every time")
            + "."
        )
    return Picture(alt, fig)
