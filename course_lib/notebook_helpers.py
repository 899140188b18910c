"""Display helpers and measurements used by the numbered notebooks.

Everything a notebook shows as a matrix, an equation or a table goes through
``Shown``: one object with a rich view (LaTeX or HTML, for JupyterLab, GitHub
and voila) and a plain-text view with the same numbers (what nbval compares).
Numbers are printed with a fixed number of significant digits, so stored
outputs are identical run to run.

Two measurements live here too, because the notebooks print them:
``saturation_precision`` (how many digits each output-gradient form keeps as
``A2`` saturates) and ``measure_dA0_cost`` (what the unused ``dA0`` costs at the
cat-classifier size).
"""

from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass
from decimal import Decimal, localcontext
from html import escape

import numpy as np

from course_lib import assignment
from course_lib.activations import sigmoid
from course_lib.checks import SaturationError, SaturationWarning

# ----------------------------------------------------------------------------- numbers


def fmt(x, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits; never ``-0``, never ``np.float64(...)``."""
    x = float(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return str(x)
    s = f"{x:.{digits}g}"
    return "0" if float(s) == 0 else s


def below(err: float, floor: float | None = None) -> str:
    """The smallest power of ten above ``err``, as text: ``2.6e-11 -> "below 1e-10"``.

    Relative errors of finite differences are noise in their last digits; the order
    of magnitude is the stable, meaningful part. With ``floor``, anything under it
    (including 0) prints as ``"below {floor}"``: differences at rounding level depend on
    the order of a matrix product's additions, which can vary between machines.
    """
    err = float(err)
    if floor is not None and err < floor:
        exponent = np.log10(floor)
        return f"below 1e{int(exponent)}" if exponent == int(exponent) else f"below {floor:g}"
    if err == 0:
        return "exactly 0"
    return f"below 1e{int(np.floor(np.log10(err))) + 1}"


def difference(d: float, floor: float = 1e-12) -> str:
    """A difference of two computations: ``"below 1e-12"`` at rounding level, else its value."""
    d = float(d)
    return below(d, floor) if d < floor else fmt(d, 3)


# ----------------------------------------------------------------------------- what is shown


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
    cells = [["..." if (r is None or c is None) else fmt(A[r, c], digits) for c in cols]
             for r in rows]
    width = max(len(c) for row in cells for c in row)
    return "\n".join("[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells)


def course_latex(name: str) -> str:
    """The course's array names typeset: ``"dW1" -> "dW^{[1]}"``, ``"X" -> "X"``."""
    match = re.fullmatch(r"(d?[A-Za-z])(\d+)", name)
    return rf"{match[1]}^{{[{match[2]}]}}" if match else name


def show_matrix(name: str, A, note: str = "", digits: int = 4, latex_name: str | None = None
                ) -> Shown:
    """``name = [numbers]`` with its shape, e.g. ``show_matrix("dZ2", dZ2, "dL/dZ2")``.

    name : the course's name (``"dW1"``); latex_name : how to typeset it (default ``name``).
    """
    A = np.asarray(A, dtype=np.float64)
    shape = f"shape {A.shape[0]} x {A.shape[1]}"
    extra = f", {note}" if note else ""
    text = f"{name} ({shape}{extra}) =\n{matrix_text(A, digits)}"
    label = latex_name or course_latex(name)
    latex = (rf"$${label} = {matrix_latex(A, digits)}"
             rf"\quad \text{{{shape}{escape_latex(extra)}}}$$")
    return Shown(text=text, latex=latex)


def show_math(latex: str, text: str) -> Shown:
    """A displayed equation, with ``text`` as its plain-text form."""
    return Shown(text=text, latex=f"$${latex}$$")


def escape_latex(s: str) -> str:
    """Make ``s`` safe inside MathJax's ``\\text{...}``, which shows its content literally.

    Backslashes, braces and dollar signs would end the text or start math; they are dropped.
    """
    for ch in ("\\", "{", "}", "$"):
        s = s.replace(ch, "")
    return s


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
    latex = (rf"$$\text{{{escape_latex(head)}}} \qquad {stage.math_latex}$$" + matrix.latex)
    return Shown(text=text, latex=latex)


def table(headers, rows, caption: str = "") -> Shown:
    """A small table: HTML for the eye, aligned columns for nbval."""
    rows = [[str(c) for c in row] for row in rows]
    headers = [str(h) for h in headers]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    text = "\n".join(([caption] if caption else []) + [line(headers)]
                     + [line(["-" * w for w in widths])] + [line(r) for r in rows])
    head = "".join(f"<th style='text-align:left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'><code>{escape(c)}</code></td>"
                                     for c in r) + "</tr>" for r in rows)
    cap = f"<caption style='text-align:left'>{escape(caption)}</caption>" if caption else ""
    html = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return Shown(text=text, html=html)


def shapes_table(X, parameters: dict, forward: dict) -> Shown:
    """Every array of the 2-layer forward pass with its shape and what its axes mean."""
    n_x, m = X.shape
    n_h = parameters["W1"].shape[0]
    n_y = parameters["W2"].shape[0]
    meaning = {
        "X": "(n_x, m): features x examples", "W1": "(n_h, n_x)", "b1": "(n_h, 1)",
        "Z1": "(n_h, m)", "A1": "(n_h, m)", "W2": "(n_y, n_h)", "b2": "(n_y, 1)",
        "Z2": "(n_y, m)", "A2": "(n_y, m): one prediction per example",
    }
    arrays = {"X": X, **parameters, **forward}
    order = ["X", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2"]
    rows = [[k, f"{arrays[k].shape[0]} x {arrays[k].shape[1]}", meaning[k]] for k in order]
    return table(["array", "shape", "in symbols"], rows,
                 caption=f"n_x = {n_x}, n_h = {n_h}, n_y = {n_y}, m = {m}")


_SLIDE_PLACE = {"dA2": "folded into eq. 1", "dA1": "bracket of eq. 4", "dA0": "not computed"}


def equation_map(bp) -> Shown:
    """The nine stages: which slide equation and which assignment function computes each."""
    from course_lib.slide import EQUATION_NUMBER

    rows = []
    for s in bp.stages:
        place = _SLIDE_PLACE.get(s.key) or f"eq. {EQUATION_NUMBER[s.key]}"
        function = s.assignment_function.split(" -> ")[-1]
        if s.key == "dA2":
            function = "first backward line (output_dA)"
        diff = "-" if s.max_abs_diff is None else difference(s.max_abs_diff)
        rows.append([s.index, s.key, place, function, diff,
                     s.used_by.split(" (")[0] if s.used_by else "nothing"])
    return table(["stage", "array", "slide", "assignment function", "max |slide - split|",
                  "used by"], rows)


def verify(claim: str, condition) -> None:
    """Print ``Checked: claim`` if ``condition`` holds, else raise ``AssertionError``."""
    if not bool(condition):
        raise AssertionError(f"Not true: {claim}")
    print(f"Checked: {claim}")


# ----------------------------------------------------------------------------- saturation


@dataclass(frozen=True)
class PrecisionRow:
    """How many digits each form keeps for one output pre-activation ``z``."""

    z: float
    a: float  # A2 = sigmoid(z) as float64 holds it
    dA_error: float | None  # relative error of the split form's dA2 (None: it failed)
    split_error: float | None  # relative error of the split form's dZ2 (None: it failed)
    collapsed_error: float  # relative error of A2 - Y
    collapsed_abs_error: float  # absolute error of A2 - Y
    split_message: str  # "" or the SaturationError / SaturationWarning text

    @property
    def split_failed(self) -> bool:
        return self.split_error is None


def _exact(z: float, y: float) -> tuple:
    """dA2 and dZ2 for one example, to 50 digits (``Decimal(z)`` is exactly the float ``z``)."""
    with localcontext() as ctx:
        ctx.prec = 50
        zd, yd = Decimal(z), Decimal(y)
        s = 1 / (1 + (-zd).exp())
        dA = -(yd / s - (1 - yd) / (1 - s))
        return float(dA), float(s - yd)


def _rel(value: float, exact: float) -> float:
    return abs(value - exact) / abs(exact) if exact != 0 else abs(value)


def saturation_precision(z_values, y: float = 0.0) -> list:
    """Both output-gradient forms for each ``z`` in ``z_values`` against 50-digit values.

    The split form is the course's ``output_dA`` then ``sigmoid_backward``; the collapsed
    form is ``A2 - Y``. A ``SaturationError`` from the split form is recorded as a failure
    (errors ``None``); a ``SaturationWarning`` is recorded in ``split_message``.
    """
    rows = []
    for z in z_values:
        z = float(z)
        Z = np.array([[z]])
        Y = np.array([[float(y)]])
        A = sigmoid(Z)
        dA_exact, dZ_exact = _exact(z, y)
        message = ""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SaturationWarning)
            try:
                dA = assignment.output_dA(A, Y)
                dZ = assignment.sigmoid_backward(dA, Z)
                dA_err = _rel(float(dA[0, 0]), dA_exact)
                split_err = _rel(float(dZ[0, 0]), dZ_exact)
            except SaturationError as exc:
                dA_err = split_err = None
                message = str(exc)
        if caught and not message:
            message = str(caught[0].message)
        collapsed = float(A[0, 0]) - float(y)
        rows.append(PrecisionRow(z, float(A[0, 0]), dA_err, split_err,
                                 _rel(collapsed, dZ_exact), abs(collapsed - dZ_exact), message))
    return rows


def precision_table(rows) -> Shown:
    """``saturation_precision``'s rows as a table of orders of magnitude.

    Errors at the level of one rounding (under 1e-15) all print as ``below 1e-15``: whether
    one is exactly 0 or 1e-16 depends on the machine's ``exp``, not on the formula.
    """

    def cell(err):
        return "fails (divides by 0)" if err is None else below(err, floor=1e-15)

    body = [[fmt(r.z, 3), repr(r.a) if r.a in (0.0, 1.0) else fmt(r.a, 17),
             cell(r.dA_error), cell(r.split_error), cell(r.collapsed_error)] for r in rows]
    return table(["z2", "A2 (float64)", "split: dA2 rel. error", "split: dZ2 rel. error",
                  "A2 - Y: rel. error"], body)


# ----------------------------------------------------------------------------- dA0's cost


@dataclass(frozen=True)
class DA0Cost:
    """Median seconds of each backward step of a 2-layer net, and what ``dA0`` adds."""

    n_x: int
    n_h: int
    m: int
    seconds: dict  # step name -> median seconds, in backward order
    repeat: int

    @property
    def total(self) -> float:
        return sum(self.seconds.values())

    @property
    def dA0_share(self) -> float:
        """Fraction of the backward pass spent on ``dA0 = W1.T @ dZ1``."""
        return self.seconds["dA0 = W1.T dZ1"] / self.total

    @property
    def dA0_bytes(self) -> int:
        return self.n_x * self.m * 8

    @property
    def dA0_flops(self) -> int:
        """Multiply-adds of ``W1.T @ dZ1`` counted as 2 flops: as many as ``dW1``'s."""
        return 2 * self.n_x * self.n_h * self.m

    @property
    def backward_flops(self) -> int:
        """Flops of the four matrix products of the backward pass (dW2, dA1, dW1, dA0)."""
        return 4 * self.n_h * self.m + 2 * self.dA0_flops


def _median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def measure_dA0_cost(n_x: int = 12288, n_h: int = 7, m: int = 209, repeat: int = 7,
                     seed: int = 0) -> DA0Cost:
    """Time each step of the assignment's backward pass on a random net of this size.

    The defaults are the course's cat classifier (64 x 64 x 3 pixels, 7 hidden units,
    209 training images). Layer 1's ``linear_backward`` is timed as its two halves: what
    the slide also computes (``dW1``, ``db1``) and the ``dA0`` it adds.
    """
    rng = np.random.RandomState(seed)
    X = rng.rand(n_x, m)
    Y = (rng.rand(1, m) > 0.5).astype(np.float64)
    params = assignment.initialize_parameters(n_x, n_h, 1)
    A1, cache1 = assignment.linear_activation_forward(X, params["W1"], params["b1"], "relu")
    A2, cache2 = assignment.linear_activation_forward(A1, params["W2"], params["b2"], "sigmoid")
    dA2 = assignment.output_dA(A2, Y)
    dZ2 = assignment.sigmoid_backward(dA2, cache2.Z)
    dA1, _, _ = assignment.linear_backward(dZ2, cache2.linear_cache)
    dZ1 = assignment.relu_backward(dA1, cache1.Z)
    W1 = params["W1"]
    steps = {
        "dA2 (output_dA)": lambda: assignment.output_dA(A2, Y),
        "dZ2 (sigmoid_backward)": lambda: assignment.sigmoid_backward(dA2, cache2.Z),
        "dW2, db2, dA1 (linear_backward)": lambda: assignment.linear_backward(
            dZ2, cache2.linear_cache),
        "dZ1 (relu_backward)": lambda: assignment.relu_backward(dA1, cache1.Z),
        "dW1, db1": lambda: (dZ1 @ X.T / m, np.sum(dZ1, axis=1, keepdims=True) / m),
        "dA0 = W1.T dZ1": lambda: W1.T @ dZ1,
    }
    for fn in steps.values():  # warm-up: first calls allocate and page in memory
        fn()
    seconds = {name: _median_seconds(fn, repeat) for name, fn in steps.items()}
    return DA0Cost(n_x, n_h, m, seconds, repeat)
