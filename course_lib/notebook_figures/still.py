"""Notebook 7: a still of the stepper, for readers where no kernel runs (GitHub, nbviewer)."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from course_lib import figures, gradcheck
from course_lib import notebook_helpers as nh
from course_lib.notebook_figures.formulations import SLIDE_BOXES
from course_lib.notebook_figures.picture import Picture, stacked_png

_WRAP = 86  # characters of 9 pt monospace in the value column of a 9.6-inch figure


def stepper_still(
    index: int = 6, config=None, *, entry=(0, 0), expanded: bool = False, mistake=None
) -> Picture:
    """The stepper at one stage, as a picture: its graph, its equations, its values, its checks.

    index : the stage (1..9); config : a ``course_lib.stepper.Config`` (default: the app's
    first screen, ReLU, m = 5, seed 0; its ``saturate`` and ``one_over_m`` are shown);
    entry : the outlined entry; expanded : the entry also written out as a sum, as the
    stepper's expansion shows it; mistake : the id of a catalogued mistake, for the pass
    with that mistake beside the reference ("Show a mistake"). The same records the live
    stepper shows, drawn by ``course_lib.figures`` (the graph and the matrix) and stacked,
    so a notebook shows the stepper where no kernel runs (GitHub, nbviewer).
    """
    from course_lib.stepper import Config, compute

    config = config or Config()
    computed = compute(config)
    stage = computed.bp.stages[index - 1]
    X, Y, parameters = computed.bp.X, computed.bp.Y, computed.bp.parameters
    report = gradcheck.gradient_check({stage.key: stage.value}, X, Y, parameters, config.hidden)
    entry = tuple(min(e, n - 1) for e, n in zip(entry, stage.value.shape, strict=True))
    lines = _facts(index, stage, report) + _extra_facts(computed, stage, entry, expanded, mistake)
    heading = (
        f"Stage {index} of 9: {stage.title}  "
        f"(hidden {config.hidden}, m = {config.m}, seed {config.seed})"
    )
    parts = [
        figures.png_bytes(figures.graph_figure(index)),
        figures.png_bytes(_facts_figure(heading, lines)),
        figures.png_bytes(figures.matrix_figure(stage.value, stage.key, stage.kind, entry)),
    ]
    alt = (
        f"A still of the stepper at stage {index} of 9, {stage.title} (hidden "
        f"{config.hidden}, m = {config.m}, seed {config.seed}). "
        + figures.graph_alt(index)
        + " "
        + " ".join(f"{label}: {value.rstrip('.')}." for label, value in lines)
        + " "
        + figures.matrix_alt(stage.value, stage.key, stage.kind)
        + f" The outlined entry is [{entry[0]}, {entry[1]}]."
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


def _extra_facts(computed, stage, entry: tuple, expanded: bool, mistake) -> list:
    """(label, value) rows for what a student can switch on: a saturated output, 1/m moved
    into dZ2, an expanded entry, a catalogued mistake's pass."""
    from course_lib.derivation import expand
    from course_lib.diagnose import find_mistake
    from course_lib.student import demonstrate

    rows = []
    if computed.saturation:
        rows.append(("Saturated output", computed.saturation))
    if stage.slide_kind is not None and stage.slide_kind != stage.kind:
        rows.append(
            (
                "The slide's kind",
                f"averaged dJ/d{stage.key[1:]}: 1/m moved into dZ2, so the slide's values "
                "are these divided by m",
            )
        )
    if expanded:
        e = expand(computed.bp, stage.key, entry)
        count = f"{len(e.terms)} term{'s' if len(e.terms) > 1 else ''}"
        rows.append(
            (
                f"Entry [{entry[0]}, {entry[1]}] expanded",
                f"{count}: {' + '.join(nh.fmt(t) for t in e.terms)} = {nh.fmt(e.total)}; "
                f"the matrix's entry is {nh.fmt(e.matrix_value)}",
            )
        )
    if mistake:
        r = demonstrate(mistake, seed=computed.config.seed)
        row = next(s for s in r.stages if s.key == stage.key)
        made = f"; the mistake is made at {r.mistake_stage}" if r.mistake_stage else ""
        rows.append(("Show a mistake", f"{find_mistake(mistake).title}{made}"))
        value = "" if row.student is None else f": entry {list(entry)} is "
        value += "" if row.student is None else nh.fmt(row.student[entry])
        rows.append(("This pass, with it", f"{stage.key} {row.verdict}{value}"))
    return rows


def _facts_figure(heading: str, lines: list) -> Figure:
    """The heading in bold, then one row per (label, value), the value in monospace and
    wrapped to the figure's width (a long value takes more lines, never the right edge)."""
    wrapped = [(label, textwrap.wrap(value, _WRAP) or [""]) for label, value in lines]
    line, gap, top = 0.17, 0.1, 0.45  # inches: one line of 9 pt text, between rows, heading
    height = top + sum(len(v) * line + gap for _, v in wrapped) + 0.1
    text = Figure(figsize=(9.6, height), dpi=90)
    text.text(0.01, 1 - 0.1 / height, heading, fontsize=12, fontweight="bold", va="top")
    y = top
    for label, values in wrapped:
        text.text(0.01, 1 - y / height, label, fontsize=9, va="top", color="#333333")
        for k, value in enumerate(values):
            text.text(
                0.25, 1 - (y + k * line) / height, value, fontsize=9, va="top", family="monospace"
            )
        y += len(values) * line + gap
    return text
