"""``Shown``: what a notebook displays, a rich view (LaTeX or HTML) beside plain text with
the same numbers; matrices, equations and stages made into one."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from course_lib.notebook_helpers.formatting import fmt


@dataclass(frozen=True)
class Shown:
    """Something a notebook displays: plain text plus a LaTeX or HTML view of it."""

    text: str
    latex: str | None = None
    html: str | None = None

    def __repr__(self) -> str:
        return self.text

    def _repr_latex_(self):
        return self.latex

    def _repr_html_(self):
        return self.html


def _elided(n: int, limit: int) -> list:
    """Indices to show out of ``n``: all of them, or the first and last few with ``None``."""
    if n <= limit:
        return list(range(n))
    head = limit - 2
    return list(range(head)) + [None] + [n - 1]


def matrix_latex(A, digits: int = 4, max_rows: int = 6, max_cols: int = 7) -> str:
    """``A`` as a LaTeX ``bmatrix``, large matrices shortened with dots."""
    A = np.asarray(A, dtype=np.float64)
    rows, cols = _elided(A.shape[0], max_rows), _elided(A.shape[1], max_cols)
    lines = []
    for r in rows:
        if r is None:
            lines.append(" & ".join(r"\vdots" if c is not None else r"\ddots" for c in cols))
            continue
        lines.append(" & ".join(r"\cdots" if c is None else fmt(A[r, c], digits) for c in cols))
    return r"\begin{bmatrix}" + r" \\ ".join(lines) + r"\end{bmatrix}"


def matrix_text(A, digits: int = 4, max_rows: int = 6, max_cols: int = 7) -> str:
    """``A`` as aligned plain text, shortened like ``matrix_latex``."""
    A = np.asarray(A, dtype=np.float64)
    rows, cols = _elided(A.shape[0], max_rows), _elided(A.shape[1], max_cols)
    cells = [
        ["..." if (r is None or c is None) else fmt(A[r, c], digits) for c in cols] for r in rows
    ]
    width = max(len(c) for row in cells for c in row)
    return "\n".join("[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells)


def course_latex(name: str) -> str:
    """The course's array names typeset: ``"dW1" -> "dW^{[1]}"``, ``"X" -> "X"``."""
    match = re.fullmatch(r"(d?[A-Za-z])(\d+)", name)
    return rf"{match[1]}^{{[{match[2]}]}}" if match else name


def show_matrix(
    name: str, A, note: str = "", digits: int = 4, latex_name: str | None = None
) -> Shown:
    """``name = [numbers]`` with its shape, e.g. ``show_matrix("dZ2", dZ2, "dL/dZ2")``.

    name : the course's name (``"dW1"``); latex_name : how to typeset it (default ``name``).
    """
    A = np.asarray(A, dtype=np.float64)
    shape = f"shape {A.shape[0]} x {A.shape[1]}"
    extra = f", {note}" if note else ""
    text = f"{name} ({shape}{extra}) =\n{matrix_text(A, digits)}"
    label = latex_name or course_latex(name)
    # The shape and note go under the matrix as plain text, not beside it in the maths: as
    # wide as both, the display would scroll sideways in a narrow notebook, and MathJax
    # sets a "_" in \text{} from a fallback font.
    latex = rf"$${label} = {matrix_latex(A, digits)}$$" + f"\n{plain_text(shape + extra)}"
    return Shown(text=text, latex=latex)


def show_math(latex: str, text: str) -> Shown:
    """A displayed equation, with ``text`` as its plain-text form."""
    return Shown(text=text, latex=f"$${latex}$$")


def plain_text(s: str) -> str:
    """``s`` as text beside the maths of a LaTeX output, never read as maths (no ``$``,
    no backslash)."""
    return s.replace("$", "").replace("\\", "")


KIND_WORDS = {
    "dL": "per-example dL/d{}: one column per example, not averaged",
    "dJ": "averaged dJ/d{}: already divided by m",
}


def kind_note(stage) -> str:
    """``"per-example dL/dZ2 ..."`` or ``"averaged dJ/dW2 ..."`` for a ``Stage``."""
    return KIND_WORDS[stage.kind].format(stage.key[1:])


def show_stage(stage, digits: int = 4) -> Shown:
    """A ``course_lib.stages.Stage``: its formula, then its value with shape and kind."""
    head = f"Stage {stage.index}: {stage.title}"
    matrix = show_matrix(stage.key, stage.value, kind_note(stage), digits)
    text = f"{head}\n{matrix.text}"
    latex = f"{plain_text(head)}\n$${stage.math_latex}$$" + matrix.latex
    return Shown(text=text, latex=latex)


def verify(claim: str, condition) -> None:
    """Print ``Checked: claim`` if ``condition`` holds, else raise ``AssertionError``."""
    if not bool(condition):
        raise AssertionError(f"Not true: {claim}")
    print(f"Checked: {claim}")
