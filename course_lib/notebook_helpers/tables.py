"""Tables the notebooks show: the forward pass's shapes, where each stage is computed, what
each backward product costs, digits kept near saturation, and the gradient check."""

from __future__ import annotations

from html import escape

from course_lib import gradcheck, measure
from course_lib.notebook_helpers.formatting import below, difference, fmt, percent, power
from course_lib.notebook_helpers.shown import Shown


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


# ----------------------------------------------------------------------------- dA0's cost


def backward_products(n_x: int, n_h: int, m: int) -> tuple:
    """The four matrix products of a 2-layer backward pass (``n_y = 1``) and their arithmetic.

    Returns ``(table, flops)``: a ``Shown`` with each product, the shapes it multiplies, its
    floating-point operations (a multiply-add counts as 2) and its share of the four; and
    ``flops``, product name -> operations. Shapes alone decide these numbers, so they are the
    same on every machine (unlike a timing). They are counted by
    ``course_lib.measure.backward_products``.
    """
    products = measure.backward_products(n_x, n_h, m)
    flops = {p.name: p.flops for p in products}
    total = sum(flops.values())
    table_ = table(
        ["product", "multiplies", "result", "floating-point operations", "share"],
        [_product_row(p, total) for p in products],
        caption=f"n_x = {n_x}, n_h = {n_h}, m = {m}",
    )
    return table_, flops


def _product_row(p: measure.Product, total: int) -> list:
    a, b = p.left, p.right  # (name, rows, cols) each
    return [
        p.name,
        f"{a[0]} ({a[1]}, {a[2]}) times {b[0]} ({b[1]}, {b[2]})",
        f"({a[1]}, {b[2]})",
        f"{p.flops:,}",
        percent(p.flops / total) if p.flops >= total / 1000 else "under 0.1%",
    ]


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
