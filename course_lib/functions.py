"""The course functions as typed records: what the courseware knows about each function a
student writes, written once.

One ``CourseFunction`` per name of the week-4 split (``compute_dAL``, the three activation
steps, ``linear_backward``, ``linear_activation_backward``, ``L_model_backward``) and the
week-3 whole pass (``backward_propagation``): the diagnose exercise that names its mistakes,
the reference that computes it, what it returns and the shapes expected from its arguments,
which stages it produces at each layer (from the stage table's ``function`` and ``step``),
the argument the assignment's ``L_model_backward`` keeps in ``grads`` (an activation step's
``dA`` is ``grads['dA{l}']``), the intermediates it names inside, and the hidden activations
it serves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_lib import assignment, slide
from course_lib.activations import HIDDEN_ACTIVATIONS
from course_lib.stages import ACTIVATION, DA_PREV, DB, DW, OUTPUT_DA, STAGES


@dataclass(frozen=True)
class CourseFunction:
    """A function of the course that a student writes."""

    name: str  # the course's name, "linear_backward"
    exercise: str  # the diagnose exercise that checks it ("dAL" for compute_dAL)
    reference: Callable  # the courseware's own
    outputs: tuple  # what it returns, by name: ("dA_prev", "dW", "db"); ("grads",)
    steps: tuple  # the split's steps whose stages it returns, in ``outputs`` order
    shapes: Callable | None = None  # arguments -> the expected shape of each output
    inside: tuple = ()  # steps it computes without returning them (the layer's dZ)
    keeps: str | None = None  # the argument L_model_backward keeps in grads ("dA")
    serves: tuple = HIDDEN_ACTIVATIONS  # the hidden activations it takes part in
    whole: bool = False  # a whole pass: called once, returns grads
    intermediates: tuple = ()  # what it names on the way: ("dZ",), ("dAL", "dZ")

    def stages(self, hidden: str, layer: int | None = None) -> tuple:
        """The stage keys it returns (at ``layer``, or at every layer, backward order), in
        the order it returns them."""
        found = [
            spec
            for spec in STAGES
            if spec.step in self.steps
            and (layer is None or spec.layer == layer)
            and (self.whole or self.inside or spec.course_function(hidden) == self.name)
        ]
        order = {step: i for i, step in enumerate(self.steps)}
        return tuple(s.key for s in sorted(found, key=lambda s: (-s.layer, order[s.step])))

    def calls(self, hidden: str) -> tuple:
        """The stage keys of each call in a 2-layer pass, in call order (layer 2, then 1)."""
        if self.whole:
            return (self.stages(hidden),)
        per_layer = (self.stages(hidden, layer) for layer in (2, 1))
        return tuple(keys for keys in per_layer if keys)


def _same_shape(index: int) -> Callable:
    return lambda args: (np.shape(args[index]),)


def _linear_shapes(args) -> tuple:
    A_prev, W, _ = args[1]
    return np.shape(A_prev), np.shape(W), (np.shape(W)[0], 1)


def _layer_shapes(args) -> tuple:
    (A_prev, W, _), _ = args[1]
    return np.shape(A_prev), np.shape(W), (np.shape(W)[0], 1)


def _activation_step(name: str, serves: tuple) -> CourseFunction:
    return CourseFunction(
        name=name,
        exercise=name,
        reference=getattr(assignment, name),
        outputs=("dZ",),
        steps=(ACTIVATION,),
        shapes=_same_shape(1),
        keeps="dA",
        serves=serves,
    )


FUNCTIONS = (
    CourseFunction(
        name="compute_dAL",
        exercise="dAL",
        reference=assignment.output_dA,
        outputs=("dAL",),
        steps=(OUTPUT_DA,),
        shapes=_same_shape(0),
    ),
    _activation_step("sigmoid_backward", HIDDEN_ACTIVATIONS),  # the output layer's, always
    _activation_step("relu_backward", ("relu",)),
    _activation_step("tanh_backward", ("tanh",)),
    CourseFunction(
        name="linear_backward",
        exercise="linear_backward",
        reference=assignment.linear_backward,
        outputs=("dA_prev", "dW", "db"),
        steps=(DA_PREV, DW, DB),
        shapes=_linear_shapes,
    ),
    CourseFunction(
        name="linear_activation_backward",
        exercise="linear_activation_backward",
        reference=assignment.linear_activation_backward,
        outputs=("dA_prev", "dW", "db"),
        steps=(DA_PREV, DW, DB),
        shapes=_layer_shapes,
        inside=(ACTIVATION,),
        keeps="dA",
        serves=("relu", "sigmoid"),  # the course's knows sigmoid and relu only
        intermediates=("dZ",),
    ),
    CourseFunction(
        name="L_model_backward",
        exercise="L_model_backward",
        reference=assignment.L_model_backward,
        outputs=("grads",),
        steps=(DA_PREV, DW, DB),
        inside=(OUTPUT_DA, ACTIVATION),
        serves=("relu",),
        whole=True,
        intermediates=("dAL", "dZ"),
    ),
    CourseFunction(
        name="backward_propagation",
        exercise="backward_propagation",
        reference=slide.backward_propagation,
        outputs=("grads",),
        steps=(DW, DB),
        inside=(ACTIVATION,),
        serves=("tanh",),
        whole=True,
        intermediates=("dZ2", "dZ1"),
    ),
)
FUNCTION = {f.name: f for f in FUNCTIONS}
BY_EXERCISE = {f.exercise: f for f in FUNCTIONS}


def serving(names) -> tuple:
    """The hidden activations under which every one of ``names`` takes part in the pass (a
    name the table does not know is the caller's to report; it restricts nothing here)."""
    known = [FUNCTION[n] for n in names if n in FUNCTION]
    return tuple(h for h in HIDDEN_ACTIVATIONS if all(h in f.serves for f in known))
