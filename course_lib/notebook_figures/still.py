"""Notebook 7: a still of the stepper, for readers where no kernel runs (GitHub, nbviewer)."""

from __future__ import annotations

from matplotlib.figure import Figure

from course_lib import figures, gradcheck
from course_lib import notebook_helpers as nh
from course_lib.notebook_figures.formulations import SLIDE_BOXES
from course_lib.notebook_figures.picture import Picture, stacked_png


def stepper_still(index: int = 6, config=None) -> Picture:
    """The stepper at one stage, as a picture: its graph, its equations, its values, its checks.

    index : the stage (1..9); config : a ``course_lib.stepper.Config`` (default: the app's
    first screen, ReLU, m = 5, seed 0). The same records the live stepper shows, drawn by
    ``course_lib.figures`` (the graph and the matrix) and stacked, so a notebook shows the
    stepper where no kernel runs (GitHub, nbviewer).
    """
    from course_lib.stepper import Config, compute

    config = config or Config()
    computed = compute(config)
    stage = computed.bp.stages[index - 1]
    X, Y, parameters = computed.bp.X, computed.bp.Y, computed.bp.parameters
    report = gradcheck.gradient_check({stage.key: stage.value}, X, Y, parameters, config.hidden)
    lines = _facts(index, stage, report)
    heading = (
        f"Stage {index} of 9: {stage.title}  "
        f"(hidden {config.hidden}, m = {config.m}, seed {config.seed})"
    )
    parts = [
        figures.png_bytes(figures.graph_figure(index)),
        figures.png_bytes(_facts_figure(heading, lines)),
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
    return Picture(alt, image=stacked_png(parts))


def _facts(index: int, stage, report) -> list:
    """(label, value) rows: the slide's line, the assignment's, the kind, the two checks."""
    box = next(
        ((first, last, text) for first, last, text in SLIDE_BOXES if first <= index <= last), None
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
    return [
        ("The slide", slide),
        (
            "The assignment",
            f"{stage.assignment_code}   computed by {stage.assignment_function.split(' -> ')[-1]}",
        ),
        ("Kind", nh.kind_note(stage)),
        ("max |slide - assignment|", check),
        ("Gradient check", fd),
    ]


def _facts_figure(heading: str, lines: list) -> Figure:
    """The heading in bold, then one row per (label, value), the value in monospace."""
    text = Figure(figsize=(9.6, 0.32 * len(lines) + 0.5), dpi=90)
    text.text(0.01, 0.93, heading, fontsize=12, fontweight="bold", va="top")
    for row, (label, value) in enumerate(lines):
        y = 0.93 - (row + 1) / (len(lines) + 1.2)
        text.text(0.01, y, label, fontsize=9, va="top", color="#333333")
        text.text(0.25, y, value, fontsize=9, va="top", family="monospace")
    return text
