"""``backward_stages``: both formulations run on one 2-layer net, laid out as nine ``Stage``
records (a ``StageSpec`` and its values), and ``operands``, the arrays each stage is
computed from.

The assignment's split runs through ``assignment.two_layer_backward``, whose ``steps``
argument is the seam where another implementation of any step (a student's) takes the
reference's place; the slide's six equations run on their own. The line of code a stage
shows as "the assignment's line" is read from ``course_lib.assignment``'s own source, so it
is always the line that runs.
"""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from course_lib import assignment, slide
from course_lib.activations import ACTIVATIONS
from course_lib.checks import as_labels, check_hidden, check_one_over_m, check_two_layer
from course_lib.stages.spec import SPEC, STAGE_KEYS, STAGES, Operand, StageSpec


@dataclass(frozen=True)
class Stage:
    """One step of the backward pass, as both formulations see it: its spec, its words
    for this net's hidden activation, and the values."""

    spec: StageSpec
    title: str
    slide_note: str
    assignment_function: str  # which course function computes it
    assignment_code: str  # the line of course_lib.assignment that computes it (its source)
    code_names: str  # how the generic names of that line map to this 2-layer stage
    forward_line: str  # the forward line this stage reverses
    used_by: str  # what consumes it downstream, or "" if nothing does
    value: np.ndarray  # the assignment's value
    slide_value: np.ndarray | None = None
    slide_kind: str | None = None  # "dL" or "dJ": differs from kind when 1/m is folded into dZ
    max_abs_diff: float | None = None
    notes: tuple = field(default=())  # warnings raised while computing, explained

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def index(self) -> int:
        return self.spec.index

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def math_latex(self) -> str:
        return self.spec.words.math_latex

    @property
    def slide_latex(self) -> str | None:
        """The slide's equation, None where the slide computes nothing."""
        if not self.spec.on_slide:
            return None
        return self.spec.words.slide_latex or slide.EQUATIONS[self.key]

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

    def arrays(self) -> dict:
        """Every array of the pass by its course name: ``X``, ``Y``, the parameters, the
        forward values and the stages' values."""
        return {"X": self.X, "Y": self.Y, **self.parameters, **self.forward, **self.grads()}


@dataclass(frozen=True)
class OperandValue:
    """An operand of one stage on one net: the spec's ``Operand``, the array it names, and
    the value the formula uses (transposed, or through ``g'``)."""

    operand: Operand
    array: np.ndarray
    value: np.ndarray

    @property
    def name(self) -> str:
        return self.operand.shown


def operands(bp: BackwardPass, key: str) -> tuple:
    """The ``OperandValue``s stage ``key`` of ``bp`` is computed from, in formula order."""
    spec, arrays = SPEC[key], bp.arrays()
    out = []
    for op in spec.operands:
        array = arrays[op.array]
        if op.applied == "T":
            value = array.T
        elif op.applied == "g'":
            value = ACTIVATIONS[spec.activation_of(bp.hidden)].prime(array)
        else:
            value = array
        out.append(OperandValue(operand=op, array=array, value=value))
    return tuple(out)


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
    notes = {STAGES[0].key: tuple(str(w.message) for w in caught)}  # they come from dA2

    # The slide: six equations, computed on its own.
    _, forward = slide.forward_propagation(X, params, hidden)
    if one_over_m == "dZ":
        s = slide.six_equations_averaged_dZ(params, forward, X, Y, hidden)
    else:
        s = slide.six_equations(params, forward, X, Y, hidden)

    stages = tuple(
        _stage(spec, _Values(split, s, one_over_m, X.shape[1]), hidden, notes.get(spec.key, ()))
        for spec in STAGES
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


@dataclass(frozen=True)
class _Values:
    """What both passes computed: the split's values, the slide's, and the slide's 1/m."""

    split: dict
    slide: dict
    one_over_m: str
    m: int


def _stage(spec: StageSpec, values: _Values, hidden: str, notes: tuple) -> Stage:
    """One ``Stage`` from its spec and the two passes' values."""
    words = spec.words
    function, *starts = (part.format(g=hidden) for part in words.code)
    value = values.split[spec.key]
    slide_value, slide_kind, diff = None, None, None
    if spec.on_slide:
        slide_value = values.slide[spec.key]
        per = "dJ" if values.one_over_m == "dZ" else "dL"
        slide_kind = per if spec.slide_kind == "per" else spec.slide_kind
        scale = values.m if slide_kind == "dJ" and spec.kind == "dL" else 1.0
        diff = float(np.max(np.abs(slide_value * scale - value)))
    return Stage(
        spec=spec,
        title=words.title.format(g=hidden),
        slide_note=words.slide_note.format(g=hidden),
        assignment_function=words.assignment_function.format(g=hidden),
        assignment_code=source_lines(function, *starts),
        code_names=words.code_names.format(g=hidden),
        forward_line=words.forward_line.format(g=hidden),
        used_by=words.used_by.format(g=hidden),
        value=value,
        slide_value=slide_value,
        slide_kind=slide_kind,
        max_abs_diff=diff,
        notes=notes,
    )
