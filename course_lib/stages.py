"""The backward pass of a 2-layer net as nine ordered stage records.

``backward_stages`` runs both formulations on the same net and data --
``course_lib.assignment`` one layer step at a time, ``course_lib.slide``'s six
equations -- and returns one ``Stage`` per row of the design's stage table:

====  =====  =============================================  ======================
 #    key    the assignment's split                          the slide
====  =====  =============================================  ======================
 1    dA2    ``dA2 = -(Y/A2 - (1-Y)/(1-A2))``                skipped (inside eq. 1)
 2    dZ2    ``sigmoid_backward(dA2, Z2)``                   eq. 1
 3    dW2    ``linear_backward``                             eq. 2
 4    db2    ``linear_backward``                             eq. 3
 5    dA1    ``linear_backward``'s ``dA_prev``               the bracket of eq. 4
 6    dZ1    ``relu_backward`` / ``tanh_backward`` / ...     eq. 4
 7    dW1    ``linear_backward``                             eq. 5
 8    db1    ``linear_backward``                             eq. 6
 9    dA0    ``linear_backward``'s ``dA_prev``, unused       not computed
====  =====  =============================================  ======================

Each record carries its value (the assignment's), the slide's value where the
slide has one and their max |difference|, whether it is a per-example ``dL`` or an
averaged ``dJ``, the lines of math and code that produce it, and whether anything
downstream uses it. Records are immutable, so a stepper can replay them freely.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from course_lib import assignment, slide
from course_lib.checks import CourseInputError, as_labels

STAGE_KEYS = ("dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0")

_HIDDEN_BACKWARD = {"relu": "relu_backward", "tanh": "tanh_backward", "sigmoid": "sigmoid_backward"}


@dataclass(frozen=True)
class Stage:
    """One step of the backward pass, as both formulations see it."""

    index: int  # 1..9
    key: str  # "dZ2"
    title: str
    kind: str  # "dL" (per-example) or "dJ" (averaged over m)
    value: np.ndarray  # the assignment's value
    slide_latex: str | None  # the slide's equation, None where the slide computes nothing
    slide_note: str  # which slide equation, or why the slide has none
    assignment_function: str  # which course function computes it
    assignment_code: str  # the line of course_lib.assignment that computes it
    forward_line: str  # the forward line this stage reverses
    math_latex: str  # the stage's own formula (general, in LaTeX)
    used_by: str  # what consumes it downstream, or "" if nothing does
    slide_value: np.ndarray | None = None
    slide_kind: str | None = None  # "dL" or "dJ": differs from kind when 1/m is folded into dZ
    max_abs_diff: float | None = None
    notes: tuple = field(default=())  # warnings raised while computing, explained

    @property
    def shape(self) -> tuple:
        return self.value.shape

    @property
    def used_downstream(self) -> bool:
        return bool(self.used_by)


@dataclass(frozen=True)
class BackwardPass:
    """Both formulations run on one net: the inputs, the forward values and the stages."""

    X: np.ndarray
    Y: np.ndarray
    parameters: dict
    hidden: str
    one_over_m: str
    forward: dict  # Z1, A1, Z2, A2 (from the assignment's forward pass)
    stages: tuple  # nine Stage records in backward order
    slide_grads: dict  # everything six_equations returned

    @property
    def m(self) -> int:
        return self.X.shape[1]

    def __getitem__(self, key: str) -> Stage:
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(f"no stage {key!r}; stages are {list(STAGE_KEYS)}")

    def grads(self) -> dict:
        """The assignment's values keyed by stage (``dA2``, ``dZ2``, ..., ``dA0``)."""
        return {s.key: s.value for s in self.stages}


def backward_stages(X, Y, parameters: dict, hidden: str = "relu",
                    one_over_m: str = "dW") -> BackwardPass:
    """Run both formulations on one 2-layer net and return the nine stages.

    X : (n_x, m); Y : (n_y, m) labels in [0, 1]; parameters : W1 (n_h, n_x), b1 (n_h, 1),
    W2 (n_y, n_h), b2 (n_y, 1); hidden : "relu", "tanh" or "sigmoid".
    one_over_m : "dW" (the course's) or "dZ" (fold 1/m into the slide's dZ2; dW, db unchanged).
    """
    X, W1, b1, W2, b2 = slide.check_two_layer(X, parameters, "backward_stages")
    if not isinstance(hidden, str) or hidden not in _HIDDEN_BACKWARD:
        raise CourseInputError(f"hidden must be one of {list(_HIDDEN_BACKWARD)}, got {hidden!r}")
    if one_over_m not in slide.ONE_OVER_M:
        raise CourseInputError(
            f"one_over_m must be one of {list(slide.ONE_OVER_M)}, got {one_over_m!r}"
        )
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    # The assignment: one generic layer at a time.
    A1, cache1 = assignment.linear_activation_forward(X, W1, b1, hidden)
    A2, cache2 = assignment.linear_activation_forward(A1, W2, b2, "sigmoid")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dA2 = assignment.output_dA(A2, Y)
    notes = tuple(str(w.message) for w in caught)
    Y = as_labels(Y, where="backward_stages").reshape(A2.shape)
    dZ2 = assignment.sigmoid_backward(dA2, cache2.Z)
    dA1, dW2, db2 = assignment.linear_backward(dZ2, cache2.linear_cache)
    dZ1 = getattr(assignment, _HIDDEN_BACKWARD[hidden])(dA1, cache1.Z)
    dA0, dW1, db1 = assignment.linear_backward(dZ1, cache1.linear_cache)

    # The slide: six equations, computed on its own.
    _, cache = slide.forward_propagation(X, params, hidden)
    s = slide.six_equations(params, cache, X, Y, hidden, one_over_m=one_over_m)

    g = _HIDDEN_BACKWARD[hidden]
    folded = one_over_m == "dZ"
    per = "dJ" if folded else "dL"
    m = X.shape[1]
    rows = [
        dict(key="dA2", title="Output gradient dA2 = dL/dA2", kind="dL", value=dA2,
             slide_latex=None,
             slide_note="Skipped: the slide folds it into equation 1, since "
                        "dA2 * A2(1-A2) simplifies to A2 - Y.",
             assignment_function="L_model_backward / two_layer_model (first backward line)",
             assignment_code="dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))",
             forward_line="L = -(Y log A2 + (1-Y) log(1-A2))",
             math_latex=r"dA^{[2]} = -\left(\frac{Y}{A^{[2]}} - \frac{1-Y}{1-A^{[2]}}\right)",
             used_by="dZ2 (stage 2)", notes=notes),
        dict(key="dZ2", title="Output pre-activation gradient dZ2", kind="dL", value=dZ2,
             slide_latex=slide.EQUATIONS["dZ2"], slide_note="Equation 1", slide_value=s["dZ2"],
             slide_kind=per,
             assignment_function="linear_activation_backward -> sigmoid_backward(dA2, Z2)",
             assignment_code="dZ2 = dA2 * s * (1 - s)   # s = sigmoid(Z2)",
             forward_line="A2 = sigmoid(Z2)",
             math_latex=r"dZ^{[2]} = dA^{[2]} \ast \sigma'(Z^{[2]})",
             used_by="dW2, db2, dA1 (stages 3-5)"),
        dict(key="dW2", title="Output weights gradient dW2", kind="dJ", value=dW2,
             slide_latex=slide.EQUATIONS["dW2"], slide_note="Equation 2", slide_value=s["dW2"],
             slide_kind="dJ",
             assignment_function="linear_activation_backward -> linear_backward(dZ2, cache)",
             assignment_code="dW = (dZ @ A_prev.T) / m   # A_prev is A1",
             forward_line="Z2 = W2 A1 + b2",
             math_latex=r"dW^{[2]} = \tfrac{1}{m}\, dZ^{[2]} A^{[1]T}",
             used_by="update_parameters (W2 -= learning_rate * dW2)"),
        dict(key="db2", title="Output bias gradient db2", kind="dJ", value=db2,
             slide_latex=slide.EQUATIONS["db2"], slide_note="Equation 3", slide_value=s["db2"],
             slide_kind="dJ",
             assignment_function="linear_activation_backward -> linear_backward(dZ2, cache)",
             assignment_code="db = np.sum(dZ, axis=1, keepdims=True) / m",
             forward_line="Z2 = W2 A1 + b2",
             math_latex=r"db^{[2]} = \tfrac{1}{m} \textstyle\sum_i dZ^{[2]}_{:,i}",
             used_by="update_parameters (b2 -= learning_rate * db2)"),
        dict(key="dA1", title="Hidden activation gradient dA1", kind="dL", value=dA1,
             slide_latex=r"W^{[2]T} dZ^{[2]}", slide_value=s["dA1"], slide_kind=per,
             slide_note="The bracket inside equation 4, never given its own name.",
             assignment_function="linear_activation_backward -> linear_backward: dA_prev",
             assignment_code="dA_prev = W.T @ dZ   # W is W2: this is dA1",
             forward_line="Z2 = W2 A1 + b2",
             math_latex=r"dA^{[1]} = W^{[2]T} dZ^{[2]}",
             used_by="dZ1 (stage 6)"),
        dict(key="dZ1", title="Hidden pre-activation gradient dZ1", kind="dL", value=dZ1,
             slide_latex=slide.EQUATIONS["dZ1"],
             slide_note="Equation 4 (stages 5 and 6 in one line)",
             slide_value=s["dZ1"], slide_kind=per,
             assignment_function=f"linear_activation_backward -> {g}(dA1, Z1)",
             assignment_code=_HIDDEN_CODE[hidden],
             forward_line=f"A1 = {hidden}(Z1)",
             math_latex=r"dZ^{[1]} = dA^{[1]} \ast g'(Z^{[1]})",
             used_by="dW1, db1, dA0 (stages 7-9)"),
        dict(key="dW1", title="Hidden weights gradient dW1", kind="dJ", value=dW1,
             slide_latex=slide.EQUATIONS["dW1"], slide_note="Equation 5", slide_value=s["dW1"],
             slide_kind="dJ",
             assignment_function="linear_activation_backward -> linear_backward(dZ1, cache)",
             assignment_code="dW = (dZ @ A_prev.T) / m   # A_prev is X",
             forward_line="Z1 = W1 X + b1",
             math_latex=r"dW^{[1]} = \tfrac{1}{m}\, dZ^{[1]} X^{T}",
             used_by="update_parameters (W1 -= learning_rate * dW1)"),
        dict(key="db1", title="Hidden bias gradient db1", kind="dJ", value=db1,
             slide_latex=slide.EQUATIONS["db1"], slide_note="Equation 6", slide_value=s["db1"],
             slide_kind="dJ",
             assignment_function="linear_activation_backward -> linear_backward(dZ1, cache)",
             assignment_code="db = np.sum(dZ, axis=1, keepdims=True) / m",
             forward_line="Z1 = W1 X + b1",
             math_latex=r"db^{[1]} = \tfrac{1}{m} \textstyle\sum_i dZ^{[1]}_{:,i}",
             used_by="update_parameters (b1 -= learning_rate * db1)"),
        dict(key="dA0", title="Input gradient dA0 = dL/dX (unused)", kind="dL", value=dA0,
             slide_latex=None,
             slide_note="Not computed: no parameter sits below X, so the slide stops at "
                        "equation 6.",
             assignment_function="linear_activation_backward -> linear_backward: dA_prev",
             assignment_code="dA_prev = W.T @ dZ   # W is W1: this is dA0",
             forward_line="Z1 = W1 X + b1",
             math_latex=r"dA^{[0]} = W^{[1]T} dZ^{[1]}",
             used_by=""),
    ]
    stages = []
    for i, row in enumerate(rows, start=1):
        sv = row.get("slide_value")
        if sv is not None:
            scale = m if row["slide_kind"] == "dJ" and row["kind"] == "dL" else 1.0
            row["max_abs_diff"] = float(np.max(np.abs(sv * scale - row["value"])))
        row["notes"] = tuple(row.get("notes", ()))
        stages.append(Stage(index=i, **row))
    return BackwardPass(X=X, Y=Y, parameters=params, hidden=hidden, one_over_m=one_over_m,
                        forward={"Z1": cache1.Z, "A1": A1, "Z2": cache2.Z, "A2": A2},
                        stages=tuple(stages), slide_grads=s)


_HIDDEN_CODE = {
    "relu": "dZ = np.where(Z > 0, dA, 0.0)   # 0 where Z1 <= 0",
    "tanh": "dZ = dA * (1 - np.tanh(Z) ** 2)",
    "sigmoid": "dZ = dA * s * (1 - s)   # s = sigmoid(Z1)",
}
