"""Notebook 5: where ``dA_prev`` comes from, drawn as one input's edges to every unit."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course_lib import notebook_helpers as nh
from course_lib.figures import BLUE, GREY, ORANGE
from course_lib.notebook_figures.picture import Picture, as_sentence


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
    y_prev, y_next = _heights(n_prev), _heights(n_l)
    fig = Figure(figsize=(9, 4.8), layout="constrained")
    ax = fig.add_subplot()
    for jj in range(n_prev):
        for k in range(n_l):
            _edge(ax, (y_prev[jj], y_next[k]), f"W{layer}[{k},{j}] = {nh.fmt(W[k, j])}", jj == j)
    for jj in range(n_prev):
        _input_node(ax, y_prev[jj], f"{prev}[{jj},{i}]", jj == j)
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
    _frame(ax, prev, i, layer)
    total = float(W[:, j] @ dZ[:, i])
    ax.set_title(
        f"{prev}[{j},{i}] (square) feeds every Z{layer}[k,{i}], through W{layer}[k,{j}]:\n"
        f"dA{layer - 1}[{j},{i}] = sum over k of W{layer}[k,{j}] * dZ{layer}[k,{i}]"
        f" = {nh.fmt(total, 6)}"
    )
    return Picture(_alt(ax.get_title(), W, dZ, j, i, layer, prev), fig)


def _heights(n: int) -> np.ndarray:
    """Where ``n`` nodes sit in a column: spread over 0..1, or one in the middle."""
    return np.linspace(0, 1, n) if n > 1 else np.array([0.5])


def _edge(ax, heights: tuple, weight: str, on: bool) -> None:
    """An edge from the input column to the unit column: thick and labelled with its
    ``weight`` when it leaves the chosen input (``on``), else thin and dotted."""
    start, end = heights
    ax.plot(
        [0, 1],
        [start, end],
        color=BLUE if on else GREY,
        linewidth=2.5 if on else 0.6,
        linestyle="-" if on else ":",
        zorder=1,
    )
    if on:
        t = 0.62
        ax.text(
            t,
            start + t * (end - start),
            weight,
            fontsize=8.5,
            color="black",
            ha="center",
            bbox={"facecolor": "white", "edgecolor": BLUE, "pad": 1.5},
            zorder=3,
        )


def _input_node(ax, y: float, name: str, on: bool) -> None:
    """One entry of the input column: a large orange square when chosen (``on``), else a circle."""
    ax.scatter(
        [0],
        [y],
        s=500 if on else 300,
        color=ORANGE if on else "white",
        edgecolor="black",
        marker="s" if on else "o",
        zorder=2,
    )
    ax.text(-0.06, y, name, ha="right", va="center", fontsize=9)


def _frame(ax, prev: str, i: int, layer: int) -> None:
    """Row 0 at the top, as in the matrices; the two columns named; no side spines."""
    ax.set_xlim(-0.35, 1.75)
    ax.set_ylim(1.12, -0.12)
    ax.set_xticks(
        [0, 1], [f"layer {layer - 1}: {prev}, column {i}", f"layer {layer}: Z{layer}, column {i}"]
    )
    ax.set_yticks([])
    ax.set_xlabel(f"forward direction ->   (only example {i}'s column is involved)")
    ax.set_ylabel("unit (row index)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _alt(title: str, W, dZ, j: int, i: int, layer: int, prev: str) -> str:
    n_l, n_prev = W.shape
    edges = "; ".join(
        f"W{layer}[{k},{j}] = {nh.fmt(W[k, j])} to Z{layer}[{k},{i}], whose "
        f"dZ{layer}[{k},{i}] = {nh.fmt(dZ[k, i])}"
        for k in range(n_l)
    )
    return (
        as_sentence(title) + f" Left, the {n_prev} entries of column {i} of {prev}; "
        f"right, the {n_l} units of Z{layer} for example {i}. Thick edges leave "
        f"{prev}[{j},{i}]: {edges}. The other edges are thin and dotted, and no edge "
        f"reaches another example's column."
    )
