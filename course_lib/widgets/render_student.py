"""What the app shows of a second pass beside the reference -- the student's own functions, or
in mistake mode a catalogued mistake standing in for its function: pure functions of the
stepper's state (its ``comparison``, a ``course_lib.student.Comparison``), as HTML.

No widgets here, and no matplotlib: the mark on the graph is HTML laid over the cached image
(``graph_html``), placed by the graph's own geometry (``node_box``; tests/test_widgets.py
checks it against ``course_lib.figures``). Every mark has words beside it, not colour alone.
"""

from __future__ import annotations

import html

import numpy as np

from course_lib.diagnose import agrees, close_entries, find_mistake
from course_lib.functions import FUNCTION
from course_lib.stages import SPEC
from course_lib.stepper import Stepper
from course_lib.student import (
    FUNCTION_OF,
    HIDDEN,
    INHERITS,
    NOT_REACHED,
    RIGHT,
    WRONG_HERE,
    Comparison,
    summary,
)

# Okabe-Ito vermillion (figures.VERMILLION), written out: importing figures loads matplotlib.
_MARK = "#D55E00"
_CELL = "border:1px solid #bbbbbb; padding:2px 8px; text-align:right"
_HEAD = "padding:2px 8px; color:#555555; font-weight:normal"
MAX_ROWS, MAX_COLS = 20, 25  # a student's array larger than this is described, not shown
MAX_REPORT = 2000  # characters of printed output shown

# The graph's geometry, as course_lib.figures draws it: each node's centre (in data units),
# the axes' place in the figure (left, bottom, width, height as fractions), the axes' limits
# and a node box's size in data units.
_NODE_AT = {
    "A2": (6.4, 1.0),
    "Z2": (4.8, 1.0),
    "W2": (4.2, 0.0),
    "b2": (5.4, 0.0),
    "A1": (3.2, 1.0),
    "Z1": (1.6, 1.0),
    "W1": (1.0, 0.0),
    "b1": (2.2, 0.0),
    "X": (0.0, 1.0),
}
_AXES = (0.01, 0.1, 0.98, 0.78)
_XLIM, _YLIM = (-0.6, 8.6), (-0.4, 1.85)
_BOX = (0.95, 0.62)
# What a function that hides some stages returns (the stages it shows).
_RETURNS = {
    "backward_propagation": "grads dW1, db1, dW2, db2",
    "L_model_backward": "grads dA1, dW2, db2, dA0, dW1, db1",
    "linear_activation_backward": "dA_prev, dW, db (dZ stays inside it)",
}


def stage_name(key: str | None) -> str:
    """``"stage 2 (dZ2)"``."""
    return f"stage {SPEC[key].index} ({key})" if key in SPEC else "an earlier stage"


def mistake_label(mistake) -> str:
    """The "Show a mistake" option of a catalogued mistake: its function and title."""
    return f"{FUNCTION_OF[mistake.exercise]}: {mistake.title}"


def _whose(stepper: Stepper) -> str:
    return "This pass" if stepper.state.mistake else "Your pass"


def _value_name(stepper: Stepper, key: str) -> str:
    return f"{key} with the mistake" if stepper.state.mistake else f"Your {key}"


# ----------------------------------------------------------------------------- verdicts


def verdict_words(r: Comparison, key: str, functions: dict) -> str:
    """A stage's verdict in words: "agrees", "wrong here", "inherits the error from stage
    2 (dZ2)", "not observable: ... returns only ...", "not reached: <why>"."""
    s = r[key]
    hider = next((n for n in _RETURNS if n in functions), None)
    hidden = (
        f"{hider} returns only {_RETURNS[hider]}" if hider else "your functions do not compute it"
    )
    if s.verdict == RIGHT:
        return "agrees"
    if s.verdict == WRONG_HERE and s.student is None:  # placed here by the catalogue
        return f"wrong here: the mistake is made at this stage, though {hidden}"
    if s.verdict == WRONG_HERE:
        return "wrong here"
    if s.verdict == INHERITS:
        return f"inherits the error from {stage_name(s.inherits_from)}"
    if s.verdict == HIDDEN:
        return f"not observable: {hidden}"
    assert s.verdict == NOT_REACHED, s.verdict
    return f"not reached: {r.unsupported or r.error or 'the pass stopped before this stage'}"


def _cell(v) -> str:
    try:
        return f"{float(v):.4g}"
    except (TypeError, ValueError, OverflowError):
        text = repr(v)
        return html.escape(text if len(text) <= 12 else text[:11] + "...")


def _differs(a: np.ndarray, want: np.ndarray) -> np.ndarray | None:
    """Which entries of ``a`` differ from the reference (None when they cannot be lined up),
    by the rule every verdict uses (``diagnose.close_entries``)."""
    close = close_entries(a, want)
    return None if close is None else ~close


def matrix_html(value, reference: np.ndarray) -> str:
    """The student's array as a table; entries that differ from the reference end in "*"."""
    a = np.asarray(value)
    grid = a.reshape(1, -1) if a.ndim < 2 else a
    if a.ndim > 2 or grid.shape[0] > MAX_ROWS or grid.shape[1] > MAX_COLS:
        return f"<div>an array of shape {a.shape}: too large to show here</div>"
    differs = _differs(a, reference)
    off = np.zeros(grid.shape, dtype=bool) if differs is None else differs.reshape(grid.shape)
    rows = []
    for r, row in enumerate(grid):
        cells = "".join(
            f'<td style="{_CELL}{"; font-weight:bold" if off[r, c] else ""}">'
            f"{_cell(v)}{'*' if off[r, c] else ''}</td>"
            for c, v in enumerate(row)
        )
        rows.append(f'<tr><th scope="row" style="{_HEAD}">{r}</th>{cells}</tr>')
    header = "".join(f'<th scope="col" style="{_HEAD}">{c}</th>' for c in range(grid.shape[1]))
    note = "<div><small>* differs from the reference</small></div>" if off.any() else ""
    # A wide array scrolls in its own region, one a keyboard can reach; the page does not.
    return (
        '<div role="region" tabindex="0" aria-label="the second pass\'s values" '
        'style="overflow-x:auto; max-width:100%">'
        '<table style="border-collapse:collapse; font-family:monospace; margin:4px 0">'
        f'<tr><th style="{_HEAD}; font-size:0.8em" title="row \\ column">r\\c</th>'
        f"{header}</tr>{''.join(rows)}</table></div>{note}"
    )


def student_values_html(stepper: Stepper) -> str:
    """The second pass's value at the current stage, with its verdict in words ("" without
    a second pass). In predict mode, before the reveal, only the verdict is shown."""
    r = stepper.comparison
    if r is None:
        return ""
    key = stepper.stage.key
    s = r[key]
    words = verdict_words(r, key, stepper.functions)
    marked = s.verdict in (WRONG_HERE, INHERITS)
    style = f"border-left:4px {'solid' if marked else 'none'} {_MARK}; padding-left:0.4em"
    parts = [
        f'<div class="student-verdict" style="{style}"><b>{_value_name(stepper, key)}:'
        f"</b> {html.escape(words)}</div>",
        student_line_html(stepper),
    ]
    inside = stepper.annotation.values.get(key) if stepper.annotation else None
    if s.student is None and inside is not None and stepper.revealed:
        right = agrees(inside, s.reference)
        parts.append(
            f"<div>Seen inside the function, never returned: "
            f"{'agrees with' if right else 'differs from'} the reference.</div>"
        )
        parts.append(matrix_html(inside, s.reference))
    if s.student is not None and not stepper.revealed:
        parts.append("<div><i>values hidden until you predict</i></div>")
    elif s.student is not None:
        shape = np.shape(s.student)
        same = shape == s.reference.shape
        parts.append(
            f"<div>shape {shape}"
            + ("" if same else f"; the reference has {s.reference.shape}")
            + "</div>"
        )
        parts.append(matrix_html(s.student, s.reference))
        if s.max_abs_diff is not None:
            parts.append(f"<div><small>max |this - reference| = {s.max_abs_diff:.2e}</small></div>")
    parts += [f"<div>{_left_out(stepper, name)}</div>" for name in _unused(stepper)]
    return "".join(parts)


def student_line_html(stepper: Stepper) -> str:
    """The line of the second pass's functions that computed the current stage: function,
    line number, the line, and what it computes there ("" when no line did)."""
    found = stepper.annotation
    key = stepper.stage.key
    record = found.line_for(key) if found else None
    if record is None:
        return ""
    spec = SPEC[key]
    whose = "the mistaken" if stepper.state.mistake else "your"
    text = html.escape((record.text or "").strip()) or "(no source)"
    said = f"{key} ({spec.equation_words})"
    if key in record.wrong:
        said += ", wrongly"
    return (
        '<div class="student-line"><small>Computed at line '
        f"{record.lineno} of {whose} {html.escape(record.function)}:</small>"
        f'<pre style="margin:2px 0; white-space:pre-wrap">{text}</pre>'
        f"<small>{html.escape(said)}</small></div>"
    )


# ----------------------------------------------------------------------------- the graph


def node_box(key: str) -> tuple:
    """``(left, top, width, height)`` in percent of the graph image: the box of the node
    whose gradient stage ``key`` computes."""
    x, y = _NODE_AT[SPEC[key].of]
    ax_left, ax_bottom, ax_width, ax_height = _AXES
    fx = ax_left + ax_width * (x - _XLIM[0]) / (_XLIM[1] - _XLIM[0])
    fy = ax_bottom + ax_height * (y - _YLIM[0]) / (_YLIM[1] - _YLIM[0])
    width = 100 * ax_width * _BOX[0] / (_XLIM[1] - _XLIM[0])
    height = 100 * ax_height * _BOX[1] / (_YLIM[1] - _YLIM[0])
    return 100 * fx - width / 2, 100 * (1 - fy) - height / 2, width, height


def graph_marks(r: Comparison | None) -> list:
    """``[(stage key, words)]``: where the pass first departs, and where the named mistake
    is made when that is another stage."""
    if r is None or r.unsupported:
        return []
    marks = {}
    if r.first_wrong:
        marks[r.first_wrong] = ["first departs"]
    if r.mistakes and r.mistake_stage:
        marks.setdefault(r.mistake_stage, []).append("mistake made here")
    return [(key, "; ".join(words)) for key, words in marks.items()]


def _marker(key: str, words: str) -> str:
    left, top, width, height = node_box(key)
    # The words go above the box: for the main row among the gradient's arcs, for a
    # parameter in the gap between the rows, so two marks never cover each other.
    return (
        f'<div class="graph-marker" style="position:absolute; left:{left:.2f}%; '
        f"top:{top:.2f}%; width:{width:.2f}%; height:{height:.2f}%; "
        f'outline:3px dashed {_MARK}; outline-offset:3px; pointer-events:none">'
        '<span style="position:absolute; bottom:calc(100% + 4px); left:50%;'
        " transform:translateX(-50%); white-space:nowrap; background:white;"
        f" border:2px solid {_MARK}; border-radius:3px; padding:1px 4px;"
        ' font:bold 11px/1.3 sans-serif; color:#000000">'
        f"{html.escape(words)}</span></div>"
    )


def graph_html(img: str, stepper: Stepper) -> str:
    """The cached graph image, unchanged, with the marks laid over it and said in words
    below; the image alone when nothing is marked."""
    marks = graph_marks(stepper.comparison)
    if not marks:
        return img
    said = "; ".join(f"{words} at {stage_name(key)}, node {SPEC[key].of}" for key, words in marks)
    return (
        '<div class="graph-overlay" style="position:relative; display:inline-block; '
        f'max-width:100%; line-height:0">{img}'
        + "".join(_marker(key, words) for key, words in marks)
        + f'</div><div class="graph-marker-text"><small>Marked on the graph (dashed '
        f"outline): {html.escape(said)}.</small></div>"
    )


# ----------------------------------------------------------------------------- the mistake


def mistake_note_html(stepper: Stepper) -> str:
    """The named mistake, with its title and hint, at the stage where it is made; elsewhere
    a pointer to that stage ("" when no mistake is named)."""
    r = stepper.comparison
    if r is None or not r.mistakes:
        return ""
    where = r.mistake_stage
    if where is not None and where != stepper.stage.key:
        return (
            f"<div>{_whose(stepper)} makes a named mistake at {stage_name(where)}: step "
            "there to read it.</div>"
        )
    items = "".join(
        f"<li><b>{html.escape(m.title)}</b> (in {FUNCTION_OF[m.exercise]}). Hint: "
        f"{html.escape(m.hint)}</li>"
        for m in map(find_mistake, r.mistakes)
    )
    here = f"made here, at {stage_name(where)}" if where else "named"
    unseen = (
        ""
        if r.first_wrong
        else "<div>Every value on this net agrees all the same: "
        "the mistake shows only on inputs this net does not have, and the exercise's "
        "test cases have them.</div>"
    )
    return (
        f'<div role="note" style="border-left:4px solid {_MARK}; padding-left:0.5em">'
        f"<b>The mistake is {here}:</b><ul style='margin:0.2em 0'>{items}</ul>{unseen}"
        "</div>"
    )


def _unused(stepper: Stepper) -> list:
    """The functions the current hidden activation leaves out of the pass."""
    hidden = stepper.config.hidden
    return [
        n for n in stepper.functions if not FUNCTION[n].whole and hidden not in FUNCTION[n].serves
    ]


def _left_out(stepper: Stepper, name: str) -> str:
    return (
        f"{name} takes no part in the pass with a {stepper.config.hidden} hidden layer: "
        f"choose {FUNCTION[name].serves[0]} to see it at work."
    )


def student_summary_html(stepper: Stepper) -> str:
    """Whose pass it is, ``summary``, any function left out of the pass, and what the
    student's code printed or changed in place ("" without a second pass)."""
    r = stepper.comparison
    if r is None:
        return ""
    mistake = stepper.mistake
    if mistake:
        who = (
            f"Mistake mode: {FUNCTION_OF[mistake.exercise]} makes the catalogued mistake "
            f"\u201c{mistake.title}\u201d. No code of yours runs here."
        )
        said = summary(r).replace("Your pass", "This pass", 1)
    else:
        who = f"Your functions: {', '.join(stepper.functions)}."
        said = summary(r)
    parts = [f"<div><b>{html.escape(who)}</b> {html.escape(said)}</div>"]
    parts += [f"<div>{_left_out(stepper, name)}</div>" for name in _unused(stepper)]
    if r.reports:
        text = "\n".join(r.reports)
        text = text if len(text) <= MAX_REPORT else text[:MAX_REPORT] + "\n..."
        parts.append(
            "<div>What your code printed, warned or changed in place:</div>"
            f'<pre style="white-space:pre-wrap; margin:0.2em 0">{html.escape(text)}</pre>'
        )
    return "".join(parts)
