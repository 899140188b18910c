"""Notebook 0: the assignment's nine backward stages beside the slide's six equations."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from course_lib.figures import BLUE, GREY, ORANGE
from course_lib.notebook_figures.picture import Picture, as_sentence

SPLIT_LINES = (
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
SLIDE_BOXES = (
    (1, 2, "eq. 1   dZ2 = A2 - Y"),
    (3, 3, "eq. 2   dW2 = (1/m) dZ2 A1.T"),
    (4, 4, "eq. 3   db2 = (1/m) sum(dZ2)"),
    (5, 6, "eq. 4   dZ1 = W2.T dZ2 * g'(Z1)"),
    (7, 7, "eq. 5   dW1 = (1/m) dZ1 X.T"),
    (8, 8, "eq. 6   db1 = (1/m) sum(dZ1)"),
)
UNUSED_STAGE = 9  # dA0: the split computes it, nothing uses it, the slide has no equation


def two_formulations() -> Picture:
    """The nine backward stages as the assignment runs them, beside the slide's six equations.

    Two-row slide boxes show where the slide folds two stages into one line; stage 9 (``dA0``)
    has a hatched "not computed" box on the slide's side.
    """
    fig = Figure(figsize=(10, 6.2), layout="constrained")
    ax = fig.add_subplot()
    for stage, text in enumerate(SPLIT_LINES, start=1):
        _split_box(ax, stage, text)
    for first, last, text in SLIDE_BOXES:
        _slide_box(ax, first, last, text)
    _not_computed_box(ax, UNUSED_STAGE)
    _frame(ax)
    ax.set_title("One backward pass, two ways of writing it: nine stages vs six equations")
    return Picture(_alt(ax.get_title()), fig)


def _split_box(ax, stage: int, text: str) -> None:
    """Left column: one stage of the split, in a blue box (grey and dashed when unused)."""
    unused = stage == UNUSED_STAGE
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


def _slide_box(ax, first: int, last: int, text: str) -> None:
    """Right column: one slide equation, as tall as the stages it does, joined to each."""
    merged = last > first
    middle = (first + last) / 2
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
        middle,
        text + ("\n(two stages in one line)" if merged else ""),
        va="center",
        family="monospace",
        fontsize=8.5,
    )
    for stage in range(first, last + 1):
        ax.add_patch(
            FancyArrowPatch(
                (0.46, stage), (0.54, middle), arrowstyle="->", mutation_scale=10, color=GREY
            )
        )


def _not_computed_box(ax, stage: int) -> None:
    """Right column, beside ``stage``: a hatched, dashed box that reads "not computed"."""
    ax.add_patch(
        Rectangle(
            (0.54, stage - 0.42),
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
        stage,
        "not computed",
        va="center",
        ha="center",
        fontsize=9,
        bbox={"facecolor": "white", "edgecolor": "none"},
    )


def _frame(ax) -> None:
    """Stage 1 at the top, one tick per stage, one per column, no spines."""
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


def _alt(title: str) -> str:
    split = "; ".join(f"stage {i}: {line}" for i, line in enumerate(SPLIT_LINES, start=1))
    slide = "; ".join(
        f"{text} (stage{'s' if b > a else ''} {a if a == b else f'{a} and {b}'})"
        for a, b, text in SLIDE_BOXES
    )
    return (
        as_sentence(title) + " Left, the assignment's split, one box per stage in "
        "backward order: "
        + split
        + ". Right, the slide's six equations, each joined by arrows to the stages it does: "
        + slide
        + ". Stage 9, dA0, has no equation: the slide's box beside it reads not computed."
    )
