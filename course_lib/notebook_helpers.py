"""Display helpers and measurements used by the numbered notebooks.

Everything a notebook shows as a matrix, an equation or a table goes through
``Shown``: one object with a rich view (LaTeX or HTML, for JupyterLab, GitHub
and voila) and a plain-text view with the same numbers (what nbval compares).
Numbers are printed with a fixed number of significant digits, so stored
outputs are identical run to run.

A number that a sentence and a figure title both state is formatted by one function here
(``percent``, ``cost``, ``fmt``), so the two agree to the digit. The gradient check is
stated one way everywhere (``relative_error_rule``, ``gradcheck_table``: the relative error
and pass mark of ``course_lib.gradcheck``). ``comparison_table`` and ``comparison_summary``
show ``course_lib.student.compare``'s result, stage by stage.

The measurements the notebooks print (``saturation_precision``, ``measure_dA0_cost``)
are numerical work and live in ``course_lib.measure``; ``precision_table`` shows them.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass
from html import escape

import numpy as np

from course_lib import gradcheck

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


def percent(fraction, decimals: int = 1) -> str:
    """A fraction as a percentage, ``0.8967 -> "89.7%"``: the one way a notebook writes one,
    so a figure's title and the sentence printed beside it agree to the digit."""
    return f"{100 * float(fraction):.{decimals}f}%"


def cost(J) -> str:
    """A cost as the training printouts write it: four decimals, ``0.70682 -> "0.7068"``."""
    return f"{float(J):.4f}"


def milliseconds(seconds) -> str:
    """A measured time, ``0.00257 -> "2.57 ms"``."""
    return f"{float(seconds) * 1e3:.2f} ms"


def cost_rises(costs, every: int = 100) -> list:
    """Where a recorded cost went up: ``["between iterations 700 and 800, from 0.2513 to
    0.2649"]``. costs : one cost per ``every`` iterations, as ``L_layer_model`` records them."""
    return [
        f"between iterations {i * every} and {(i + 1) * every}, from {cost(a)} to {cost(b)}"
        for i, (a, b) in enumerate(zip(costs, costs[1:], strict=False))
        if b > a
    ]


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
    latex = (
        rf"$${label} = {matrix_latex(A, digits)}"
        rf"\quad \text{{{shape}{escape_latex(extra)}}}$$"
    )
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
    latex = rf"$$\text{{{escape_latex(head)}}} \qquad {stage.math_latex}$$" + matrix.latex
    return Shown(text=text, latex=latex)


def table(headers, rows, caption: str = "") -> Shown:
    """A small table: HTML for the eye, aligned columns for nbval."""
    rows = [[str(c) for c in row] for row in rows]
    headers = [str(h) for h in headers]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    text = "\n".join(
        ([caption] if caption else [])
        + [line(headers)]
        + [line(["-" * w for w in widths])]
        + [line(r) for r in rows]
    )
    head = "".join(f"<th style='text-align:left'>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td style='text-align:left'><code>{escape(c)}</code></td>" for c in r)
        + "</tr>"
        for r in rows
    )
    cap = f"<caption style='text-align:left'>{escape(caption)}</caption>" if caption else ""
    html = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return Shown(text=text, html=html)


def shapes_table(X, parameters: dict, forward: dict) -> Shown:
    """Every array of the 2-layer forward pass with its shape and what its axes mean."""
    n_x, m = X.shape
    n_h = parameters["W1"].shape[0]
    n_y = parameters["W2"].shape[0]
    meaning = {
        "X": "(n_x, m): features x examples",
        "W1": "(n_h, n_x)",
        "b1": "(n_h, 1)",
        "Z1": "(n_h, m)",
        "A1": "(n_h, m)",
        "W2": "(n_y, n_h)",
        "b2": "(n_y, 1)",
        "Z2": "(n_y, m)",
        "A2": "(n_y, m): one prediction per example",
    }
    arrays = {"X": X, **parameters, **forward}
    order = ["X", "W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2"]
    rows = [[k, f"{arrays[k].shape[0]} x {arrays[k].shape[1]}", meaning[k]] for k in order]
    return table(
        ["array", "shape", "in symbols"],
        rows,
        caption=f"n_x = {n_x}, n_h = {n_h}, n_y = {n_y}, m = {m}",
    )


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
        rows.append(
            [
                s.index,
                s.key,
                place,
                function,
                diff,
                s.used_by.split(" (")[0] if s.used_by else "nothing",
            ]
        )
    return table(
        ["stage", "array", "slide", "assignment function", "max |slide - split|", "used by"], rows
    )


def verify(claim: str, condition) -> None:
    """Print ``Checked: claim`` if ``condition`` holds, else raise ``AssertionError``."""
    if not bool(condition):
        raise AssertionError(f"Not true: {claim}")
    print(f"Checked: {claim}")


# ----------------------------------------------------------------------------- dA0's cost


def backward_products(n_x: int, n_h: int, m: int) -> tuple:
    """The four matrix products of a 2-layer backward pass (``n_y = 1``) and their arithmetic.

    Returns ``(table, flops)``: a ``Shown`` with each product, the shapes it multiplies, its
    floating-point operations (a multiply-add counts as 2) and its share of the four; and
    ``flops``, product name -> operations. Shapes alone decide these numbers, so they are the
    same on every machine (unlike a timing).
    """
    products = [  # name, left operand (rows, inner), right operand (inner, cols)
        ("dW2 = dZ2 A1.T / m", ("dZ2", 1, m), ("A1.T", m, n_h)),
        ("dA1 = W2.T dZ2", ("W2.T", n_h, 1), ("dZ2", 1, m)),
        ("dW1 = dZ1 X.T / m", ("dZ1", n_h, m), ("X.T", m, n_x)),
        ("dA0 = W1.T dZ1", ("W1.T", n_x, n_h), ("dZ1", n_h, m)),
    ]
    flops = {name: 2 * a[1] * a[2] * b[2] for name, a, b in products}
    total = sum(flops.values())
    rows = [
        [
            name,
            f"{a[0]} ({a[1]}, {a[2]}) times {b[0]} ({b[1]}, {b[2]})",
            f"({a[1]}, {b[2]})",
            f"{flops[name]:,}",
            percent(flops[name] / total) if flops[name] >= total / 1000 else "under 0.1%",
        ]
        for name, a, b in products
    ]
    table_ = table(
        ["product", "multiplies", "result", "floating-point operations", "share"],
        rows,
        caption=f"n_x = {n_x}, n_h = {n_h}, m = {m}",
    )
    return table_, flops


# ----------------------------------------------------------------------------- saturation


def precision_table(rows) -> Shown:
    """``saturation_precision``'s rows as a table of orders of magnitude.

    Errors at the level of one rounding (under 1e-15) all print as ``below 1e-15``: whether
    one is exactly 0 or 1e-16 depends on the machine's ``exp``, not on the formula.
    """

    def cell(err):
        return "fails (divides by 0)" if err is None else below(err, floor=1e-15)

    body = [
        [
            fmt(r.z, 3),
            repr(r.a) if r.a in (0.0, 1.0) else fmt(r.a, 17),
            cell(r.dA_error),
            cell(r.split_error),
            cell(r.collapsed_error),
        ]
        for r in rows
    ]
    return table(
        [
            "z2",
            "A2 (float64)",
            "split: dA2 rel. error",
            "split: dZ2 rel. error",
            "A2 - Y: rel. error",
        ],
        body,
    )


# ----------------------------------------------------------------------------- gradient check


def relative_error_rule() -> Shown:
    """The gradient check's relative error, with its formula and pass mark."""
    mark = gradcheck.PASS_MARK_TEXT
    exponent = mark.split("e")[1]
    text = (
        f"relative error = {gradcheck.RELATIVE_ERROR}, where a is backprop's gradient and "
        f"n the finite difference; an array passes when it is below {mark}"
    )
    latex = (
        f"$${gradcheck.RELATIVE_ERROR_LATEX} \\qquad \\text{{passes below }} 10^{{{exponent}}}$$"
    )
    return Shown(text=text, latex=latex)


def gradcheck_table(report) -> Shown:
    """One row per array of a ``GradCheckReport``: its relative error and its verdict.

    Relative errors under the pass mark print as ``below 1e-7``: their last digits are
    rounding noise and differ from machine to machine.
    """
    rows = []
    for key, err in report.relative_errors.items():
        verdict = report.verdict(key)
        shown = (
            "-"
            if verdict == gradcheck.NOT_MEASURABLE
            else below(err, floor=report.tolerance)
            if err < report.tolerance
            else f"{err:.1e}"
        )
        rows.append([key, shown, verdict])
    return table(
        ["array", "relative error", "verdict"], rows, caption=f"pass mark {power(report.tolerance)}"
    )


def power(x: float) -> str:
    """A power of ten as the notebooks write it: ``1e-07 -> "1e-7"``."""
    return gradcheck.power_text(x)


# ----------------------------------------------------------------------------- your code


def _is_stub(fn) -> bool:
    """A function whose body (after its docstring) is only ``raise NotImplementedError``."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        return False
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def stubs(functions: dict) -> list:
    """The names in ``functions`` whose function is still ``raise NotImplementedError``."""
    return [name for name, fn in functions.items() if _is_stub(fn)]


def written(functions: dict) -> dict:
    """``functions`` without the stubs: the ones you have written."""
    left = set(stubs(functions))
    return {name: fn for name, fn in functions.items() if name not in left}


def _as_fed(s) -> str:
    if s.right_as_fed is None:
        return "-"
    if s.right_as_fed:
        return "agrees"
    return "differs" if s.max_abs_diff is None else f"differs by {difference(s.max_abs_diff)}"


def _verdict(s) -> str:
    return f"inherits from {s.inherits_from}" if s.inherits_from else s.verdict


def comparison_table(r, whose: str = "your") -> Shown:
    """``compare``'s nine stages: who computed each, as fed, on its own, and the verdict.

    whose : how the compared functions are named ("your"; "the mistaken" for a
    demonstration, where a catalogued mistake stands in).
    """
    rows = [
        [
            s.index,
            s.key,
            f"{whose} {s.function}" if s.function else "reference",
            _as_fed(s),
            {None: "-", True: "right", False: "wrong"}[s.right_on_its_own],
            _verdict(s),
        ]
        for s in r.stages
    ]
    return table(
        [
            "stage",
            "array",
            "computed by",
            "as fed: max |yours - reference|",
            "on its own",
            "verdict",
        ],
        rows,
        caption=f"hidden activation {r.hidden}, seed {r.seed}",
    )


def comparison_summary(r) -> Shown:
    """What ``compare`` found, in a few lines: the first departure, which stages are wrong
    on their own and which inherit, the mistake named with its hint."""
    from course_lib.diagnose import find_mistake

    lines = []
    if r.unsupported or r.error:
        lines.append(r.unsupported or r.error)
    if r.first_wrong is None and not r.mistakes and not (r.unsupported or r.error):
        lines.append("Every stage agrees with the reference.")
    if r.first_wrong:
        index = next(s.index for s in r.stages if s.key == r.first_wrong)
        lines.append(f"First departure: {r.first_wrong} (stage {index}).")
    here = [s.key for s in r.stages if s.verdict == "wrong here"]
    inherit = [s.key for s in r.stages if s.verdict == "inherits"]
    if here:
        lines.append(f"Wrong here (wrong even on the reference's inputs): {', '.join(here)}.")
    if inherit:
        sources = sorted({s.inherits_from for s in r.stages if s.inherits_from})
        lines.append(
            f"Inherits (right on its own, wrong only because it was fed a wrong "
            f"value from {', '.join(sources)}): {', '.join(inherit)}."
        )
    for mistake in r.mistakes:
        entry = find_mistake(mistake)
        where = f", made at {r.mistake_stage}" if r.mistake_stage and mistake == r.mistake else ""
        lines.append(f"The mistake{where}: {entry.title}. (Mistake id: {mistake}.)")
        lines.append(f"Hint: {entry.hint}")
    lines += list(r.reports)
    html = "".join(f"<div>{escape(line)}</div>" for line in lines)
    return Shown(text="\n".join(lines), html=html)
