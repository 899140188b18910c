"""The exercises ``check`` knows: how each is called, its reference, and its test cases.

The test cases are built so that mistakes are told apart: every shape is non-square and
``m`` differs from every layer width (a transpose cannot hide), values are non-zero with
random signs (no factor or sign can hide), and one ReLU case holds ``Z`` exactly 0 (the
boundary of ``Z > 0``). Each builder starts from fixed seeds, so every call gives the same
numbers. When a new catalogued mistake gives the same outputs as another entry, add a case
here that tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_lib import assignment, slide
from course_lib.checks import CourseInputError
from course_lib.data import make_problem
from course_lib.functions import BY_EXERCISE


@dataclass(frozen=True)
class Case:
    """One test case: the arguments to call with, a label naming its sizes, and its m."""

    label: str
    args: tuple
    m: int


@dataclass(frozen=True)
class Exercise:
    """A function the student writes: how it is called, what it returns, its reference."""

    name: str
    call: str  # how check calls it, in the course's names
    kind: str  # "array", "tuple" (of outputs) or "dict" (grads)
    outputs: tuple[str, ...]  # names of the array or of the tuple's items; () for a dict
    reference: Callable
    make_cases: Callable[[], tuple[Case, ...]]
    hint: str  # what to do when the outputs are wrong in a way no catalogue entry explains

    def cases(self) -> tuple[Case, ...]:
        """The test cases, built afresh from fixed seeds (the same numbers every time)."""
        return self.make_cases()

    @property
    def function(self) -> str:
        """The course's name for the function (``compute_dAL`` for the exercise ``dAL``)."""
        return BY_EXERCISE[self.name].name


# ----------------------------------------------------------------------------- test cases


def _signed(rng, shape, low=0.5, high=2.0):
    """Values with ``low <= |v| <= high`` and random signs: no zeros, no symmetry."""
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)


def _linear_cases():
    cases = []
    for seed, (n, n_prev, m) in enumerate([(3, 4, 5), (2, 5, 7), (4, 2, 3)]):
        rng = np.random.RandomState(100 + seed)
        A_prev, W, b = _signed(rng, (n_prev, m)), _signed(rng, (n, n_prev)), _signed(rng, (n, 1))
        dZ = _signed(rng, (n, m))
        cases.append(Case(f"n[l] = {n}, n[l-1] = {n_prev}, m = {m}", (dZ, (A_prev, W, b)), m))
    return tuple(cases)


def _activation_cases(with_zeros: bool):
    cases = []
    for seed, (n, m) in enumerate([(3, 5), (4, 7)]):
        rng = np.random.RandomState(200 + seed)
        Z, dA = _signed(rng, (n, m), 0.2, 2.5), _signed(rng, (n, m))
        label = f"n[l] = {n}, m = {m}"
        if with_zeros and seed == 1:
            Z[[0, 1, 3], [2, 0, 6]] = 0.0  # ReLU's kink: g'(0) is 0 in the course
            label += ", some Z exactly 0"
        cases.append(Case(label, (dA, Z), m))
    return tuple(cases)


def _dAL_cases():
    cases = []
    for seed, m in enumerate([6, 9]):
        rng = np.random.RandomState(300 + seed)
        AL = rng.uniform(0.05, 0.95, (1, m))
        Y = (rng.rand(1, m) > 0.5).astype(np.float64)
        Y[0, :2] = (1.0, 0.0)  # both labels, so both terms of the loss count
        cases.append(Case(f"n_y = 1, m = {m}", (AL, Y), m))
    return tuple(cases)


def _layer_cases():
    cases = []
    sizes = [("sigmoid", 1, 4, 6), ("relu", 3, 5, 7), ("sigmoid", 2, 3, 4), ("relu", 4, 2, 5)]
    for seed, (activation, n, n_prev, m) in enumerate(sizes):
        rng = np.random.RandomState(400 + seed)
        A_prev, b = _signed(rng, (n_prev, m)), _signed(rng, (n, 1), 0.1, 0.5)
        W = _signed(rng, (n, n_prev)) / np.sqrt(n_prev)
        dA = _signed(rng, (n, m))
        cache = ((A_prev, W, b), W @ A_prev + b)
        label = f"activation = {activation!r}, n[l] = {n}, n[l-1] = {n_prev}, m = {m}"
        cases.append(Case(label, (dA, cache, activation), m))
    return tuple(cases)


def _deep_cases():
    cases = []
    for seed, (dims, m) in enumerate([([4, 5, 3, 1], 7), ([3, 6, 1], 5)]):
        rng = np.random.RandomState(500 + seed)
        X = _signed(rng, (dims[0], m))
        parameters = {}
        for l in range(1, len(dims)):
            parameters[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1])
            parameters[f"b{l}"] = rng.randn(dims[l], 1) * 0.1
        AL, caches = assignment.L_model_forward(X, parameters)
        # The course's caches are plain tuples; students unpack and index them as such.
        caches = [
            ((c.linear_cache.A_prev, c.linear_cache.W, c.linear_cache.b), c.Z) for c in caches
        ]
        Y = (rng.rand(1, m) > 0.5).astype(np.float64)
        Y[0, :2] = (1.0, 0.0)
        cases.append(Case(f"layer sizes {dims}, L = {len(dims) - 1}, m = {m}", (AL, Y, caches), m))
    return tuple(cases)


def _slide_cases():
    cases = []
    for seed, (n_x, n_h, m) in enumerate([(3, 4, 5), (2, 6, 9)]):
        X, Y, parameters = make_problem(n_x=n_x, n_h=n_h, n_y=1, m=m, seed=600 + seed)
        Y = Y.copy()
        Y[0, :2] = (1.0, 0.0)
        _, cache = slide.forward_propagation(X, parameters, "tanh")
        cases.append(
            Case(f"n_x = {n_x}, n_h = {n_h}, n_y = 1, m = {m}", (parameters, cache, X, Y), m)
        )
    return tuple(cases)


# ----------------------------------------------------------------------------- the exercises


def _slide_reference(parameters, cache, X, Y):
    return slide.backward_propagation(parameters, cache, X, Y, hidden="tanh")


_SHAPE_HINT = (
    "Work out the shape of every array on paper first, then write each output "
    "from its formula and compare one entry by hand."
)

EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        Exercise(
            "sigmoid_backward",
            "dZ = sigmoid_backward(dA, cache)  # cache is Z",
            "array",
            ("dZ",),
            assignment.sigmoid_backward,
            lambda: _activation_cases(False),
            "dZ = dA * g'(Z), entry by entry; for the sigmoid, g'(Z) = s (1 - s) with "
            "s = sigmoid(Z).",
        ),
        Exercise(
            "relu_backward",
            "dZ = relu_backward(dA, cache)  # cache is Z",
            "array",
            ("dZ",),
            assignment.relu_backward,
            lambda: _activation_cases(True),
            "dZ = dA * g'(Z), entry by entry; g'(Z) is 1 where Z > 0 and 0 elsewhere.",
        ),
        Exercise(
            "tanh_backward",
            "dZ = tanh_backward(dA, cache)  # cache is Z",
            "array",
            ("dZ",),
            assignment.tanh_backward,
            lambda: _activation_cases(False),
            "dZ = dA * g'(Z), entry by entry, with g = tanh.",
        ),
        Exercise(
            "linear_backward",
            "dA_prev, dW, db = linear_backward(dZ, cache)  # cache is (A_prev, W, b)",
            "tuple",
            ("dA_prev", "dW", "db"),
            assignment.linear_backward,
            _linear_cases,
            _SHAPE_HINT,
        ),
        Exercise(
            "linear_activation_backward",
            "dA_prev, dW, db = linear_activation_backward("
            "dA, cache, activation)  # cache is (linear_cache, Z)",
            "tuple",
            ("dA_prev", "dW", "db"),
            assignment.linear_activation_backward,
            _layer_cases,
            "First the activation step (dA -> dZ), then the linear step (dZ -> dA_prev, dW, "
            "db); check each of your two building blocks on its own first.",
        ),
        Exercise(
            "dAL",
            "dAL = compute_dAL(AL, Y)",
            "array",
            ("dAL",),
            assignment.output_dA,
            _dAL_cases,
            "dAL is the derivative of one example's loss "
            "L = -(y log a + (1-y) log(1-a)) with respect to a, entry by entry.",
        ),
        Exercise(
            "L_model_backward",
            "grads = L_model_backward(AL, Y, caches)",
            "dict",
            (),
            assignment.L_model_backward,
            _deep_cases,
            "Start from dAL, go through the output layer (sigmoid) once, then through the "
            'hidden layers (ReLU) from l = L-1 down to 1; grads["dA" + str(l-1)] holds '
            "layer l's dA_prev.",
        ),
        Exercise(
            "backward_propagation",
            "grads = backward_propagation(parameters, cache, X, Y)",
            "dict",
            (),
            _slide_reference,
            _slide_cases,
            "Write the six equations one per line, in order, with the hidden activation tanh; "
            "check each array's shape against the parameter it belongs to.",
        ),
    )
}


def exercise_named(name) -> Exercise:
    """The exercise called ``name``; a ``CourseInputError`` listing them all otherwise."""
    if not isinstance(name, str) or name not in EXERCISES:
        raise CourseInputError(f"exercise must be one of {list(EXERCISES)}, got {name!r}")
    return EXERCISES[name]
