"""Figures for the stepper: the computation graph and a stage's matrix (matplotlib).

Built with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``), never pyplot,
so nothing depends on a backend or leaks between calls. Colours are Okabe-Ito, which
colour-blind readers can tell apart, and nothing is told by colour alone: the current
stage also has a thick outline, hatching and a "now" label; computed stages say "done";
the gradient's arrows are dashed where the forward arrows are solid.

Every figure has a title and labels. ``png_bytes`` renders one; ``img_html`` wraps PNG
bytes in an ``<img>`` with a text alternative, for an HTML widget.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from PIL import Image

from course_lib.stages import SPEC, STAGE_KEYS, STAGES

# The Okabe-Ito palette, by name: the one definition of the course's colours (the notebook
# figures take theirs from here). Pick colours by name, never by position.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
BLUE = OKABE_ITO["blue"]
ORANGE = OKABE_ITO["orange"]
GREEN = OKABE_ITO["bluish green"]
VERMILLION = OKABE_ITO["vermillion"]
PURPLE = OKABE_ITO["reddish purple"]
SKY = OKABE_ITO["sky blue"]
YELLOW = OKABE_ITO["yellow"]
BLACK = OKABE_ITO["black"]
GREY = "#777777"  # not Okabe-Ito: a neutral grey for what is not the point (forward edges, todo)

# Node -> (x, y) of the graph; the main row is the forward pass, parameters sit below.
NODES = {
    "X": (0.0, 1.0),
    "Z1": (1.6, 1.0),
    "A1": (3.2, 1.0),
    "Z2": (4.8, 1.0),
    "A2": (6.4, 1.0),
    "L": (8.0, 1.0),
    "W1": (1.0, 0.0),
    "b1": (2.2, 0.0),
    "W2": (4.2, 0.0),
    "b2": (5.4, 0.0),
}
FORWARD_EDGES = (
    ("X", "Z1"),
    ("W1", "Z1"),
    ("b1", "Z1"),
    ("Z1", "A1"),
    ("A1", "Z2"),
    ("W2", "Z2"),
    ("b2", "Z2"),
    ("Z2", "A2"),
    ("A2", "L"),
)
FORWARD_LABELS = {
    ("X", "Z1"): "linear",
    ("Z1", "A1"): "g",
    ("A1", "Z2"): "linear",
    ("Z2", "A2"): "sigmoid",
    ("A2", "L"): "loss",
}
# The node of each stage is the array it is the gradient of (``StageSpec.of``); the
# gradient takes the path from L to it through each node's parent.
NODE_KEY = {spec.of: spec.key for spec in STAGES}
PARENT = {
    "A2": "L",
    "Z2": "A2",
    "W2": "Z2",
    "b2": "Z2",
    "A1": "Z2",
    "Z1": "A1",
    "W1": "Z1",
    "b1": "Z1",
    "X": "Z1",
}
NODE_W, NODE_H = 0.95, 0.62


def gradient_path(key: str) -> list:
    """Nodes from ``L`` back to the node of stage ``key``, e.g. ``["L", "A2", "Z2", "W2"]``."""
    node, path = SPEC[key].of, []
    while node != "L":
        path.append(node)
        node = PARENT[node]
    return ["L", *reversed(path)]


def _node(ax, name: str, status: str) -> None:
    """One node box with its name and status ("now", "done" or "todo") written inside."""
    x, y = NODES[name]
    style = {
        "now": dict(facecolor=ORANGE, edgecolor="black", linewidth=3.5, hatch="//"),
        "done": dict(facecolor=SKY, edgecolor=BLUE, linewidth=1.5),
        "todo": dict(facecolor="white", edgecolor=GREY, linewidth=1.2),
    }[status]
    ax.add_patch(
        FancyBboxPatch(
            (x - NODE_W / 2, y - NODE_H / 2), NODE_W, NODE_H, boxstyle="round,pad=0.02", **style
        )
    )
    tag = {"now": f"now: {NODE_KEY.get(name, '')}", "done": "done", "todo": ""}[status]
    boxed = dict(facecolor="white", edgecolor="none", pad=0.5) if status == "now" else None
    ax.text(
        x,
        y + (0.1 if tag else 0.0),
        name,
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        bbox=boxed,
    )
    if tag:
        ax.text(
            x,
            y - 0.17,
            tag,
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold" if status == "now" else "normal",
            bbox=boxed,
        )


def _arrow(ax, a: str, b: str, backward: bool, strong: bool = False) -> None:
    """A forward edge (solid grey, straight) or a gradient edge (dashed vermillion arc)."""
    (x0, y0), (x1, y1) = NODES[a], NODES[b]
    if backward and y0 == y1:  # along the main row: arc over the top of the boxes
        start, end, style = (x0, y0 + NODE_H / 2), (x1, y1 + NODE_H / 2), "arc3,rad=0.45"
    elif backward:  # down to a parameter: beside the forward edge
        start, end, style = (x0 + 0.12, y0 - NODE_H / 2), (x1 + 0.12, y1 + NODE_H / 2), "arc3"
    else:
        start, end, style = (x0, y0), (x1, y1), "arc3"
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=14,
            shrinkA=2 if backward else 26,
            shrinkB=2 if backward else 26,
            color=VERMILLION if backward else GREY,
            linewidth=3.0 if strong else (2.0 if backward else 1.2),
            linestyle="--" if backward else "-",
            connectionstyle=style,
        )
    )


def graph_figure(index: int, key: str | None = None) -> Figure:
    """The computation graph at stage ``index`` (1..9) of the backward pass.

    Forward edges are grey and solid, left to right. Stages already computed are marked
    "done"; the current one is orange, hatched, thickly outlined and labelled "now"; dashed
    vermillion arcs trace the gradient from ``L`` back to it.
    """
    key = key or STAGE_KEYS[index - 1]
    done = {spec.of for spec in STAGES[: index - 1]}
    current = SPEC[key].of
    fig = Figure(figsize=(7.2, 2.8), dpi=90)
    ax = fig.add_axes((0.01, 0.1, 0.98, 0.78))
    _forward_edges(ax)
    path = gradient_path(key)
    for a, b in zip(path, path[1:], strict=False):
        _arrow(ax, a, b, backward=True, strong=b == current)
    for name in NODES:
        _node(ax, name, "now" if name == current else "done" if name in done else "todo")
    if key == "dA0":
        ax.text(
            NODES["X"][0],
            0.55,
            "nothing\nuses it",
            ha="center",
            va="top",
            fontsize=8,
            style="italic",
        )
    ax.set_xlim(-0.6, 8.6)
    ax.set_ylim(-0.4, 1.85)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    _captions(fig, index, key, current)
    return fig


def _forward_edges(ax) -> None:
    """The forward pass: every edge a solid grey arrow, the main row's named by its step."""
    for a, b in FORWARD_EDGES:
        _arrow(ax, a, b, backward=False)
        if (a, b) in FORWARD_LABELS:
            (x0, _), (x1, _) = NODES[a], NODES[b]
            ax.text(
                (x0 + x1) / 2,
                0.94,
                FORWARD_LABELS[(a, b)],
                ha="center",
                va="top",
                fontsize=7.5,
                color="#333333",
            )


def _captions(fig, index: int, key: str, current: str) -> None:
    """The key to the arrows below the graph, and the stage's title above it."""
    fig.text(
        0.5,
        0.03,
        f"forward: solid grey arrows, X to L.   backward (the gradient): "
        f"dashed arcs, L back to {current}.",
        ha="center",
        fontsize=8,
    )
    fig.text(
        0.5,
        0.93,
        f"Stage {index} of {len(STAGE_KEYS)}: {key}, the gradient of the loss "
        f"with respect to {current}",
        ha="center",
        fontsize=11,
    )


def graph_alt(index: int, key: str | None = None) -> str:
    """The text alternative of ``graph_figure(index)``."""
    key = key or STAGE_KEYS[index - 1]
    done = list(STAGE_KEYS[: index - 1])
    path = gradient_path(key)
    return (
        f"Computation graph X, Z1, A1, Z2, A2, L, with W1 and b1 feeding Z1 and W2 and b2 "
        f"feeding Z2. Stage {index} of {len(STAGE_KEYS)}: {key} is highlighted. "
        f"Already computed: {', '.join(done) if done else 'nothing yet'}. The gradient "
        f"flows back along {' to '.join(path)}." + (" Nothing uses dA0." if key == "dA0" else "")
    )


def matrix_figure(values, name: str, kind: str, entry: tuple | None = None) -> Figure:
    """A small annotated matrix: each value printed in its cell, the shape, dL or dJ.

    values : (rows, cols) array; name : e.g. "dZ1"; kind : "dL" (per example) or "dJ"
    (averaged over the m examples); entry : (row, col) to outline, or None.
    Cells are shaded on a diverging scale (sign and size); the printed numbers carry the
    same information for readers who cannot see the colours.
    """
    values = np.asarray(values, dtype=np.float64)
    rows, cols = values.shape
    fig = Figure(
        figsize=(min(1.2 + 0.75 * cols, 12), 1.4 + 0.45 * rows), dpi=90, layout="constrained"
    )
    ax = fig.add_subplot()
    finite = np.where(np.isfinite(values), values, 0.0)
    bound = float(np.max(np.abs(finite))) or 1.0
    image = ax.imshow(finite, cmap="PuOr", vmin=-bound, vmax=bound, aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        ax.text(
            c,
            r,
            f"{v:.3g}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if abs(finite[r, c]) > 0.6 * bound else "black",
        )
    if entry is not None:
        r, c = entry
        ax.add_patch(
            Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=3)
        )
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    column = "example i" if name[1] in "AZ" else "column j"
    ax.set_xlabel(f"{column} (column index)")
    ax.set_ylabel("row index")
    meaning = "dL, per example" if kind == "dL" else "dJ, averaged over m"
    ax.set_title(f"{name}, shape {values.shape}, {meaning}", fontsize=10)
    fig.colorbar(image, ax=ax, label=f"value of {name}")
    return fig


def matrix_alt(values, name: str, kind: str) -> str:
    """The text alternative of ``matrix_figure``: the shape, the kind and every value."""
    values = np.asarray(values, dtype=np.float64)
    rows = "; ".join(", ".join(f"{v:.3g}" for v in row) for row in values)
    meaning = "per-example dL" if kind == "dL" else "dJ averaged over m"
    return f"Matrix {name}, shape {values.shape}, {meaning}. Rows: {rows}."


def png_bytes(fig: Figure, colors: int | None = None) -> bytes:
    """Render ``fig`` to PNG bytes with the Agg canvas (no pyplot, no backend switch).

    With ``colors``, the image is reduced to a palette of that many colours (Pillow, which
    matplotlib already depends on). The graph uses a handful of flat colours plus
    anti-aliased edges, so 32 colours look the same and the PNG is about a quarter of the
    size: what a click sends to the browser is mostly this image.
    """
    canvas = FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    if colors is None:
        return buffer.getvalue()
    if not 2 <= colors <= 256:
        raise ValueError(f"colors must be between 2 and 256, got {colors}")
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    small = io.BytesIO()
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(small, "PNG", optimize=True)
    return small.getvalue()


def img_html(png: bytes, alt: str) -> str:
    """An ``<img>`` with a text alternative and the PNG inlined as a data URI."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<img alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{data}" style="max-width: 100%; height: auto;">'
    )
