"""Index-notation expansions of single entries, with the numbers plugged in.

The chain rule for ``Z[l] = W[l] A[l-1] + b[l]``, written entry by entry::

    Z[l][k, i] = sum_j W[l][k, j] * A[l-1][j, i] + b[l][k]

so ``A[l-1][j, i]`` feeds every ``Z[l][k, i]`` of its column through ``W[l][k, j]``:

    dA[l-1][j, i] = sum_k W[l][k, j] * dZ[l][k, i]          -> the (j, i) entry of W.T @ dZ
    dW[l][k, j]   = (1/m) sum_i dZ[l][k, i] * A[l-1][j, i]   -> the (k, j) entry of dZ @ A.T / m
    db[l][k]      = (1/m) sum_i dZ[l][k, i]

``expand`` returns one of these for any entry of any stage, with every term's
numbers, the sum, and the matrix entry it must equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.activations import ACTIVATIONS, sigmoid
from course_lib.checks import CourseInputError, as_labels, as_matrix, expect_finite, expect_shape
from course_lib.stages import ACTIVATION, DA_PREV, DW, OUTPUT_DA, SPEC, operands


@dataclass(frozen=True)
class Expansion:
    """One entry written as a sum (or product) of numbers."""

    key: str  # stage key, e.g. "dA1"
    index: tuple  # (row, column) of the entry
    symbolic: str  # LaTeX, e.g. dA^{[1]}_{2,0} = \sum_k W^{[2]}_{k,2} dZ^{[2]}_{k,0}
    numeric: str  # LaTeX with the numbers
    terms: tuple  # the numbers added up (after any 1/m)
    total: float  # their sum (the expansion's value)
    matrix_value: float  # the entry of the stage's matrix

    @property
    def difference(self) -> float:
        return abs(self.total - self.matrix_value)

    @property
    def text(self) -> str:
        return (
            f"{self.key}[{self.index[0]}, {self.index[1]}] = {self.total:.6g} "
            f"(matrix entry {self.matrix_value:.6g})"
        )


def _n(x: float, alone: bool = False) -> str:
    """A number for LaTeX, parenthesised when negative unless it stands ``alone`` (a result
    after ``=``); -0.0 is written 0."""
    x = float(x) + 0.0  # IEEE: -0.0 + 0.0 == +0.0
    s = f"{x:.4g}"
    return f"({s})" if x < 0 and not alone else s


def _sum_latex(pairs, factor="") -> str:
    shown = pairs if len(pairs) <= 6 else pairs[:3] + [None] + pairs[-2:]
    parts = [r"\cdots" if p is None else rf"{_n(p[0])} \cdot {_n(p[1])}" for p in shown]
    return factor + "(" + " + ".join(parts) + ")" if factor else " + ".join(parts)


def expand_dA_prev(W, dZ, j: int, i: int, layer: int) -> tuple:
    """``dA[l-1][j, i] = sum_k W[l][k, j] dZ[l][k, i]``: symbolic, numeric, terms, total."""
    pairs = [(W[k, j], dZ[k, i]) for k in range(W.shape[0])]
    terms = tuple(float(a * b) for a, b in pairs)
    sym = (
        rf"dA^{{[{layer - 1}]}}_{{{j},{i}}} = \sum_{{k}} W^{{[{layer}]}}_{{k,{j}}}\,"
        rf"dZ^{{[{layer}]}}_{{k,{i}}}"
    )
    return sym, _sum_latex(pairs), terms, float(sum(terms))


def expand_dW(dZ, A_prev, k: int, j: int, layer: int) -> tuple:
    """``dW[l][k, j] = (1/m) sum_i dZ[l][k, i] A[l-1][j, i]``."""
    m = dZ.shape[1]
    pairs = [(dZ[k, i], A_prev[j, i]) for i in range(m)]
    terms = tuple(float(a * b / m) for a, b in pairs)
    prev = "X" if layer == 1 else rf"A^{{[{layer - 1}]}}"
    sym = (
        rf"dW^{{[{layer}]}}_{{{k},{j}}} = \tfrac{{1}}{{m}} \sum_{{i}} dZ^{{[{layer}]}}_{{{k},i}}"
        rf"\,{prev}_{{{j},i}}"
    )
    return sym, _sum_latex(pairs, rf"\tfrac{{1}}{{{m}}}"), terms, float(sum(terms))


def expand_db(dZ, k: int, layer: int) -> tuple:
    """``db[l][k] = (1/m) sum_i dZ[l][k, i]``."""
    m = dZ.shape[1]
    terms = tuple(float(dZ[k, i] / m) for i in range(m))
    shown = [_n(dZ[k, i]) for i in range(m)]
    if m > 6:
        shown = shown[:3] + [r"\cdots"] + shown[-2:]
    sym = rf"db^{{[{layer}]}}_{{{k}}} = \tfrac{{1}}{{m}} \sum_{{i}} dZ^{{[{layer}]}}_{{{k},i}}"
    return sym, rf"\tfrac{{1}}{{{m}}}(" + " + ".join(shown) + ")", terms, float(sum(terms))


def expand_dZ(dA, Z, activation: str, k: int, i: int, layer: int) -> tuple:
    """``dZ[l][k, i] = dA[l][k, i] * g'(Z[l][k, i])`` (elementwise: one product)."""
    gp = float(ACTIVATIONS[activation].prime(np.array(Z[k, i])))
    term = float(dA[k, i] * gp)
    sym = (
        rf"dZ^{{[{layer}]}}_{{{k},{i}}} = dA^{{[{layer}]}}_{{{k},{i}}}\,"
        rf" g'(Z^{{[{layer}]}}_{{{k},{i}}})"
        rf" \quad g'(z) = {ACTIVATIONS[activation].prime_latex}"
    )
    num = rf"{_n(dA[k, i])} \cdot g'({Z[k, i]:.4g}) = {_n(dA[k, i])} \cdot {_n(gp)}"
    return sym, num, (term,), term


def expand_dA_output(A2, Y, k: int, i: int) -> tuple:
    """``dA2[k, i] = -(y/a - (1-y)/(1-a))``."""
    a, y = float(A2[k, i]), float(Y[k, i])
    value = -(y / a - (1 - y) / (1 - a))
    sym = (
        rf"dA^{{[2]}}_{{{k},{i}}} = -\left(\frac{{y}}{{a}} - \frac{{1-y}}{{1-a}}\right)"
        rf"\quad a = A^{{[2]}}_{{{k},{i}}}"
    )
    num = rf"-\left(\frac{{{y:g}}}{{{a:.4g}}} - \frac{{{1 - y:g}}}{{{1 - a:.4g}}}\right)"
    return sym, num, (value,), value


def expand(bp, key: str, index) -> Expansion:
    """Expand entry ``index = (row, col)`` of stage ``key`` of a ``BackwardPass``."""
    if key not in SPEC:
        raise CourseInputError(f"key must be one of the stages {list(SPEC)}, got {key!r}")
    spec, stage = SPEC[key], bp[key]
    r, c = _check_index(index, stage.value.shape, key)
    arrays = [op.array for op in operands(bp, key)]  # as the spec names them, untransposed
    layer = spec.layer
    if spec.step == OUTPUT_DA:
        parts = expand_dA_output(*arrays, r, c)
    elif spec.step == ACTIVATION:
        parts = expand_dZ(*arrays, spec.activation_of(bp.hidden), r, c, layer)
    elif spec.step == DA_PREV:
        parts = expand_dA_prev(*arrays, r, c, layer)
    elif spec.step == DW:
        parts = expand_dW(*arrays, r, c, layer)
    else:
        parts = expand_db(*arrays, r, layer)
    sym, num, terms, total = parts
    return Expansion(
        key=key,
        index=(r, c),
        symbolic=sym,
        numeric=num + rf" = {_n(total, alone=True)}",
        terms=terms,
        total=total,
        matrix_value=float(stage.value[r, c]),
    )


def _check_index(index, shape, key):
    try:
        r, c = (int(i) for i in index)
    except (TypeError, ValueError):
        raise CourseInputError(f"index must be a (row, column) pair, got {index!r}") from None
    if not (0 <= r < shape[0] and 0 <= c < shape[1]):
        raise CourseInputError(f"index ({r}, {c}) is outside {key}, which has shape {shape}")
    return r, c


# ----------------------------------------------------------------------------- the collapse


def collapse_steps(a: float, y: float) -> list:
    """The algebra of ``dA2 * sigma'(Z2) = A2 - Y`` for one output ``a`` and label ``y``.

    Returns ``(LaTeX, value)`` pairs: each step of the simplification with its number,
    ending at ``a - y``. Every value equals the one before it where the algebra says so.
    """
    a, y = _real("a", a), _real("y", y)
    if not (0 < a < 1):
        raise CourseInputError(f"a must lie strictly between 0 and 1, got {a}")
    if not (0 <= y <= 1):
        raise CourseInputError(f"y must be a label in [0, 1], got {y}")
    dA = -(y / a - (1 - y) / (1 - a))
    sp = a * (1 - a)
    return [
        (
            rf"dA = -\frac{{y}}{{a}} + \frac{{1-y}}{{1-a}} = -\frac{{{y:g}}}{{{a:.4g}}} + "
            rf"\frac{{{1 - y:g}}}{{{1 - a:.4g}}}",
            dA,
        ),
        (
            rf"= \frac{{-y(1-a) + (1-y)a}}{{a(1-a)}} = \frac{{a - y}}{{a(1-a)}} = "
            rf"\frac{{{a - y:.4g}}}{{{sp:.4g}}}",
            (a - y) / sp,
        ),
        (rf"\sigma'(z) = a(1-a) = {sp:.4g}", sp),
        (
            rf"dZ = dA \cdot \sigma'(z) = \frac{{a - y}}{{a(1-a)}} \cdot a(1-a) = "
            rf"{_n(dA)} \cdot {sp:.4g}",
            dA * sp,
        ),
        (rf"= a - y = {a:.4g} - {y:g} = {_n(a - y, alone=True)}", a - y),
    ]


def _real(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CourseInputError(
            f"{name} must be a real number, got {type(value).__name__} {value!r}"
        )
    return float(value)


# Output / loss pairs: dL/dA and the output activation; the collapse dZ = A - Y holds only
# for the sigmoid output with cross-entropy.
LOSSES = {
    "cross_entropy": (lambda A, Y: -(Y / A - (1 - Y) / (1 - A)), r"-\frac{y}{a}+\frac{1-y}{1-a}"),
    "squared_error": (lambda A, Y: A - Y, r"a - y \;\;(L = \tfrac12 (a-y)^2)"),
}
OUTPUTS = ("sigmoid", "tanh")


def output_gradient(Z, Y, output: str = "sigmoid", loss: str = "cross_entropy") -> dict:
    """The general output path ``dZ = dL/dA * g'(Z)`` next to the shortcut ``A - Y``.

    Returns ``{"dA", "dZ", "shortcut", "max_abs_diff", "collapses"}``: ``collapses`` is
    True when ``A - Y`` equals the general ``dZ`` (to rounding) on this data -- which
    happens for ``output="sigmoid", loss="cross_entropy"`` and not for the other pairs.
    Z : (n_y, m) output pre-activations; Y : (n_y, m) labels in [0, 1].
    Where the output rounds to exactly 0 or 1 the cross-entropy's ``dA`` divides by zero:
    ``dZ`` is NaN there, ``max_abs_diff`` is inf and ``collapses`` is False.
    """
    if output not in OUTPUTS:
        raise CourseInputError(f"output must be one of {list(OUTPUTS)}, got {output!r}")
    if loss not in LOSSES:
        raise CourseInputError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    where = "output_gradient"
    Z = as_matrix("Z", Z, where=where)
    expect_finite("Z", Z, where=where)
    Y = as_labels(Y, where=where)
    expect_shape("Y", Y, Z.shape, where=where)
    A = sigmoid(Z) if output == "sigmoid" else np.tanh(Z)
    if output == "tanh" and loss == "cross_entropy":
        A = (A + 1) / 2  # map tanh's (-1, 1) onto (0, 1) so the log is defined
        gp = (1 - np.tanh(Z) ** 2) / 2
    else:
        gp = ACTIVATIONS[output].prime(Z)
    with np.errstate(divide="ignore", invalid="ignore"):
        dA = LOSSES[loss][0](A, Y)
        dZ = dA * gp
    shortcut = A - Y
    gap = np.abs(dZ - shortcut)
    diff = float(np.max(gap)) if np.isfinite(gap).all() else float("inf")
    return {
        "A": A,
        "dA": dA,
        "dZ": dZ,
        "shortcut": shortcut,
        "max_abs_diff": diff,
        "collapses": diff <= 1e-12 * max(1.0, float(np.max(np.abs(dZ)))),
    }
