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

The words of each stage are data (``STAGE_TABLE``, with ``{g}`` for the hidden
activation); ``backward_stages`` is the computation. The line of code a stage shows
as "the assignment's line" is read from ``course_lib.assignment``'s own source, so
it is always the line that runs. The split pass runs through
``assignment.two_layer_backward``, whose ``steps`` argument is the seam where another
implementation of any step (a student's) takes the reference's place.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from course_lib import assignment, slide
from course_lib.checks import as_labels, check_hidden, check_one_over_m, check_two_layer

STAGE_KEYS = ("dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0")


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
    assignment_code: str  # the line of course_lib.assignment that computes it (its source)
    code_names: str  # how the generic names of that line map to this 2-layer stage
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


# One row per stage, in backward order. "{g}" is the hidden activation's name. "code" names
# the course_lib.assignment function and the start of the line in it that the stage shows.
# "kind" and "slide_kind" are "dL" per example, "dJ" averaged; "per" is the slide's dZ kind
# (dL, or dJ when 1/m is folded into dZ2).
STAGE_TABLE = (
    dict(
        key="dA2",
        title="Output gradient dA2 = dL/dA2",
        kind="dL",
        slide=None,
        slide_note="Skipped: the slide folds it into equation 1, since "
        "dA2 * A2(1-A2) simplifies to A2 - Y.",
        assignment_function="L_model_backward / two_layer_model (first backward line)",
        code=("output_dA", "dAL ="),
        code_names="dAL is dA2 and AL is A2 in the 2-layer net",
        forward_line="L = -(Y log A2 + (1-Y) log(1-A2))",
        math_latex=r"dA^{[2]} = -\left(\frac{Y}{A^{[2]}} - \frac{1-Y}{1-A^{[2]}}\right)",
        used_by="dZ2 (stage 2)",
    ),
    dict(
        key="dZ2",
        title="Output pre-activation gradient dZ2",
        kind="dL",
        slide="dZ2",
        slide_kind="per",
        slide_note="Equation 1",
        assignment_function="linear_activation_backward -> sigmoid_backward(dA2, Z2)",
        code=("sigmoid_backward", "s =", "dZ ="),
        code_names="dA is dA2 and Z is Z2 here",
        forward_line="A2 = sigmoid(Z2)",
        math_latex=r"dZ^{[2]} = dA^{[2]} \ast \sigma'(Z^{[2]})",
        used_by="dW2, db2, dA1 (stages 3-5)",
    ),
    dict(
        key="dW2",
        title="Output weights gradient dW2",
        kind="dJ",
        slide="dW2",
        slide_kind="dJ",
        slide_note="Equation 2",
        assignment_function="linear_activation_backward -> linear_backward(dZ2, cache)",
        code=("linear_backward", "dW ="),
        code_names="dZ is dZ2 and A_prev is A1 here",
        forward_line="Z2 = W2 A1 + b2",
        math_latex=r"dW^{[2]} = \tfrac{1}{m}\, dZ^{[2]} A^{[1]T}",
        used_by="update_parameters (W2 -= learning_rate * dW2)",
    ),
    dict(
        key="db2",
        title="Output bias gradient db2",
        kind="dJ",
        slide="db2",
        slide_kind="dJ",
        slide_note="Equation 3",
        assignment_function="linear_activation_backward -> linear_backward(dZ2, cache)",
        code=("linear_backward", "db ="),
        code_names="dZ is dZ2 here",
        forward_line="Z2 = W2 A1 + b2",
        math_latex=r"db^{[2]} = \tfrac{1}{m} \textstyle\sum_i dZ^{[2]}_{:,i}",
        used_by="update_parameters (b2 -= learning_rate * db2)",
    ),
    dict(
        key="dA1",
        title="Hidden activation gradient dA1",
        kind="dL",
        slide="dA1",
        slide_kind="per",
        slide_latex=r"W^{[2]T} dZ^{[2]}",
        slide_note="The bracket inside equation 4, never given its own name.",
        assignment_function="linear_activation_backward -> linear_backward: dA_prev",
        code=("linear_backward", "dA_prev ="),
        code_names="W is W2 and dZ is dZ2 here, so dA_prev is dA1",
        forward_line="Z2 = W2 A1 + b2",
        math_latex=r"dA^{[1]} = W^{[2]T} dZ^{[2]}",
        used_by="dZ1 (stage 6)",
    ),
    dict(
        key="dZ1",
        title="Hidden pre-activation gradient dZ1",
        kind="dL",
        slide="dZ1",
        slide_kind="per",
        slide_note="Equation 4 (stages 5 and 6 in one line)",
        assignment_function="linear_activation_backward -> {g}_backward(dA1, Z1)",
        code=("{g}_backward", "s =", "dZ ="),
        code_names="dA is dA1 and Z is Z1 here",
        forward_line="A1 = {g}(Z1)",
        math_latex=r"dZ^{[1]} = dA^{[1]} \ast g'(Z^{[1]})",
        used_by="dW1, db1, dA0 (stages 7-9)",
    ),
    dict(
        key="dW1",
        title="Hidden weights gradient dW1",
        kind="dJ",
        slide="dW1",
        slide_kind="dJ",
        slide_note="Equation 5",
        assignment_function="linear_activation_backward -> linear_backward(dZ1, cache)",
        code=("linear_backward", "dW ="),
        code_names="dZ is dZ1 and A_prev is X here",
        forward_line="Z1 = W1 X + b1",
        math_latex=r"dW^{[1]} = \tfrac{1}{m}\, dZ^{[1]} X^{T}",
        used_by="update_parameters (W1 -= learning_rate * dW1)",
    ),
    dict(
        key="db1",
        title="Hidden bias gradient db1",
        kind="dJ",
        slide="db1",
        slide_kind="dJ",
        slide_note="Equation 6",
        assignment_function="linear_activation_backward -> linear_backward(dZ1, cache)",
        code=("linear_backward", "db ="),
        code_names="dZ is dZ1 here",
        forward_line="Z1 = W1 X + b1",
        math_latex=r"db^{[1]} = \tfrac{1}{m} \textstyle\sum_i dZ^{[1]}_{:,i}",
        used_by="update_parameters (b1 -= learning_rate * db1)",
    ),
    dict(
        key="dA0",
        title="Input gradient dA0 = dL/dX (unused)",
        kind="dL",
        slide=None,
        slide_note="Not computed: no parameter sits below X, so the slide stops at equation 6.",
        assignment_function="linear_activation_backward -> linear_backward: dA_prev",
        code=("linear_backward", "dA_prev ="),
        code_names="W is W1 and dZ is dZ1 here, so dA_prev is dA0",
        forward_line="Z1 = W1 X + b1",
        math_latex=r"dA^{[0]} = W^{[1]T} dZ^{[1]}",
        used_by="",
    ),
)


@cache
def source_lines(function: str, *starts: str) -> str:
    """The lines of ``course_lib.assignment.<function>`` that begin with ``starts``, joined
    with "; " and without their comments: the code a stage shows is the code that runs."""
    body = [
        ln.split("  #")[0].strip()
        for ln in inspect.getsource(getattr(assignment, function)).splitlines()
    ]
    found = [ln for ln in body if ln.startswith(starts)]
    if not any(ln.startswith(starts[-1]) for ln in found):
        raise LookupError(f"no line starting {starts[-1]!r} in assignment.{function}")
    return "; ".join(found)


def backward_stages(
    X, Y, parameters: dict, hidden: str = "relu", one_over_m: str = "dW", steps: dict | None = None
) -> BackwardPass:
    """Run both formulations on one 2-layer net and return the nine stages.

    X : (n_x, m); Y : (n_y, m) labels in [0, 1]; parameters : W1 (n_h, n_x), b1 (n_h, 1),
    W2 (n_y, n_h), b2 (n_y, 1); hidden : "relu", "tanh" or "sigmoid".
    one_over_m : "dW" (the course's) or "dZ" (fold 1/m into the slide's dZ2; dW, db unchanged).
    steps : functions to run in place of the split's (``assignment.two_layer_backward``).
    """
    X, W1, b1, W2, b2 = check_two_layer(X, parameters, "backward_stages")
    hidden, one_over_m = check_hidden(hidden).name, check_one_over_m(one_over_m)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    # The assignment: one generic layer at a time.
    A1, cache1 = assignment.linear_activation_forward(X, W1, b1, hidden)
    A2, cache2 = assignment.linear_activation_forward(A1, W2, b2, "sigmoid")
    Y = as_labels(Y, where="backward_stages").reshape(A2.shape)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        split = assignment.two_layer_backward(A2, Y, cache1, cache2, hidden, steps)
    notes = {"dA2": tuple(str(w.message) for w in caught)}

    # The slide: six equations, computed on its own.
    _, cache = slide.forward_propagation(X, params, hidden)
    s = slide.six_equations(params, cache, X, Y, hidden, one_over_m=one_over_m)

    stages = tuple(
        _stage(i, row, split, s, hidden, one_over_m, X.shape[1], notes)
        for i, row in enumerate(STAGE_TABLE, start=1)
    )
    return BackwardPass(
        X=X,
        Y=Y,
        parameters=params,
        hidden=hidden,
        one_over_m=one_over_m,
        forward={"Z1": cache1.Z, "A1": A1, "Z2": cache2.Z, "A2": A2},
        stages=stages,
        slide_grads=s,
    )


def _stage(index, row, split, s, hidden, one_over_m, m, notes) -> Stage:
    """One ``Stage`` from its table row and the two passes' values."""
    key, filled = (
        row["key"],
        {
            k: v.format(g=hidden)
            if isinstance(v, str) and k not in ("math_latex", "slide_latex")
            else v
            for k, v in row.items()
        },
    )
    function, *starts = (part.format(g=hidden) for part in row["code"])
    slide_value, slide_kind, diff = None, None, None
    if row["slide"] is not None:
        slide_value = s[row["slide"]]
        per = "dJ" if one_over_m == "dZ" else "dL"
        slide_kind = per if row["slide_kind"] == "per" else row["slide_kind"]
        scale = m if slide_kind == "dJ" and row["kind"] == "dL" else 1.0
        diff = float(np.max(np.abs(slide_value * scale - split[key])))
    return Stage(
        index=index,
        key=key,
        title=filled["title"],
        kind=row["kind"],
        value=split[key],
        slide_latex=row.get("slide_latex", slide.EQUATIONS.get(row["slide"] or "")),
        slide_note=filled["slide_note"],
        assignment_function=filled["assignment_function"],
        assignment_code=source_lines(function, *starts),
        code_names=filled["code_names"],
        forward_line=filled["forward_line"],
        math_latex=row["math_latex"],
        used_by=filled["used_by"],
        slide_value=slide_value,
        slide_kind=slide_kind,
        max_abs_diff=diff,
        notes=notes.get(key, ()),
    )
