"""Check a student's backward-pass function and name the mistake it makes.

``check(exercise, student_fn)`` runs ``student_fn`` on a few fixed test cases,
compares every output with the reference (``course_lib.assignment`` and, for the
slide's ``backward_propagation``, ``course_lib.slide``), and returns a
``Feedback``. When the outputs are wrong, each entry of the catalogue
``MISTAKES`` -- a mistaken version of the same function -- is run on the same
cases; a mistake is named only when the student's outputs equal its outputs on
every case. Two catalogued mistakes that touch different outputs are also
recognised together (``mistake`` is then their two ids joined by ``+``).

The test cases are built so that mistakes are told apart: every shape is
non-square and ``m`` differs from every layer width (a transpose cannot hide),
values are non-zero with random signs (no factor or sign can hide), and one ReLU
case holds ``Z`` exactly 0 (the boundary of ``Z > 0``).

Adding a mistake: write the mistaken function with the exercise's signature
below, decorate it with ``@catalogued(exercise, key, title, hint)``, and run
``tests/test_diagnose.py``; it fails if the new entry raises on the cases or gives
the same outputs as the reference or another entry.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import os
import re
import sysconfig
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import numpy as np

import course_lib
from course_lib import assignment, slide
from course_lib.activations import sigmoid
from course_lib.checks import CourseInputError
from course_lib.data import make_problem

# Outputs agree when they match to these tolerances: tight enough that no catalogued
# mistake comes close, loose enough for any order of summation (loops, einsum, @).
RTOL = 1e-7
ATOL = 1e-10

NOT_IMPLEMENTED = "not implemented yet"
UNKNOWN = "not correct, and not a mistake we know"


# ----------------------------------------------------------------------------- feedback


@dataclass(frozen=True)
class Feedback:
    """What ``check`` found: passed, the catalogued mistake (or None), message and hint."""

    passed: bool
    mistake: str | None
    message: str
    hint: str

    @property
    def status(self) -> str:
        """``"passed"``, ``"mistake"``, ``"not implemented"`` or ``"not correct"``."""
        if self.passed:
            return "passed"
        if self.mistake:
            return "mistake"
        if NOT_IMPLEMENTED in self.message:
            return "not implemented"
        return "not correct"

    def __str__(self) -> str:
        label = {"passed": "[passed]", "mistake": "[known mistake]",
                 "not implemented": "[to do]", "not correct": "[not correct]"}[self.status]
        lines = [f"{label} {self.message}"]
        if self.mistake:
            lines.append(f"Mistake id: {self.mistake}")
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        # A word and a symbol carry the verdict; the colour only repeats it.
        symbol, word, colour = {
            "passed": ("&#10004;", "Correct", "#1b7837"),
            "mistake": ("&#10008;", "Known mistake", "#b35806"),
            "not implemented": ("&#8230;", "Not implemented yet", "#5e3c99"),
            "not correct": ("&#10008;", "Not correct", "#b2182b"),
        }[self.status]
        parts = [f"<strong>{symbol} {word}</strong>"]
        if self.mistake:
            parts[0] += f" <code>{escape(self.mistake)}</code>"
        parts.append(f"<div>{_html_text(self.message)}</div>")
        if self.hint:
            parts.append(f"<div><em>Hint:</em> {_html_text(self.hint)}</div>")
        return (f"<div style='border-left: 6px solid {colour}; padding: 4px 10px; "
                f"margin: 4px 0'>" + "".join(parts) + "</div>")


def _html_text(text: str) -> str:
    """Escape ``text`` for HTML, showing `backticked` spans as code and keeping line breaks."""
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text, quote=False))
    return html.replace("\n", "<br>")


# ----------------------------------------------------------------------------- exercises


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
        return self.make_cases()


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
        caches = [((c.linear_cache.A_prev, c.linear_cache.W, c.linear_cache.b), c.Z)
                  for c in caches]
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
        cases.append(Case(f"n_x = {n_x}, n_h = {n_h}, n_y = 1, m = {m}",
                          (parameters, cache, X, Y), m))
    return tuple(cases)


def _slide_reference(parameters, cache, X, Y):
    return slide.backward_propagation(parameters, cache, X, Y, hidden="tanh")


_SHAPE_HINT = ("Work out the shape of every array on paper first, then write each output "
               "from its formula and compare one entry by hand.")

EXERCISES: dict[str, Exercise] = {e.name: e for e in (
    Exercise("sigmoid_backward", "dZ = sigmoid_backward(dA, cache)  # cache is Z", "array",
             ("dZ",), assignment.sigmoid_backward, lambda: _activation_cases(False),
             "dZ = dA * g'(Z), entry by entry; for the sigmoid, g'(Z) = s (1 - s) with "
             "s = sigmoid(Z)."),
    Exercise("relu_backward", "dZ = relu_backward(dA, cache)  # cache is Z", "array",
             ("dZ",), assignment.relu_backward, lambda: _activation_cases(True),
             "dZ = dA * g'(Z), entry by entry; g'(Z) is 1 where Z > 0 and 0 elsewhere."),
    Exercise("tanh_backward", "dZ = tanh_backward(dA, cache)  # cache is Z", "array",
             ("dZ",), assignment.tanh_backward, lambda: _activation_cases(False),
             "dZ = dA * g'(Z), entry by entry, with g = tanh."),
    Exercise("linear_backward", "dA_prev, dW, db = linear_backward(dZ, cache)  "
             "# cache is (A_prev, W, b)", "tuple", ("dA_prev", "dW", "db"),
             assignment.linear_backward, _linear_cases, _SHAPE_HINT),
    Exercise("linear_activation_backward", "dA_prev, dW, db = linear_activation_backward("
             "dA, cache, activation)  # cache is (linear_cache, Z)", "tuple",
             ("dA_prev", "dW", "db"), assignment.linear_activation_backward, _layer_cases,
             "First the activation step (dA -> dZ), then the linear step (dZ -> dA_prev, dW, "
             "db); check each of your two building blocks on its own first."),
    Exercise("dAL", "dAL = compute_dAL(AL, Y)", "array", ("dAL",), assignment.output_dA,
             _dAL_cases, "dAL is the derivative of one example's loss "
             "L = -(y log a + (1-y) log(1-a)) with respect to a, entry by entry."),
    Exercise("L_model_backward", "grads = L_model_backward(AL, Y, caches)", "dict", (),
             assignment.L_model_backward, _deep_cases,
             "Start from dAL, go through the output layer (sigmoid) once, then through the "
             "hidden layers (ReLU) from l = L-1 down to 1; grads[\"dA\" + str(l-1)] holds "
             "layer l's dA_prev."),
    Exercise("backward_propagation", "grads = backward_propagation(parameters, cache, X, Y)",
             "dict", (), _slide_reference, _slide_cases,
             "Write the six equations one per line, in order, with the hidden activation tanh; "
             "check each array's shape against the parameter it belongs to."),
)}


# ----------------------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Mistake:
    """A catalogued mistake: ``apply`` has the exercise's signature and makes the mistake."""

    id: str
    exercise: str
    title: str
    hint: str
    apply: Callable


_CATALOGUE: list[Mistake] = []


def catalogued(exercise: str, key: str, title: str, hint: str):
    """Register the decorated function as the mistake ``exercise.key`` (used at import only)."""
    if exercise not in EXERCISES:
        raise CourseInputError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")

    mistake_id = f"{exercise}.{key}"
    if any(entry.id == mistake_id for entry in _CATALOGUE):
        raise CourseInputError(f"key {key!r}: the id {mistake_id!r} is already in the catalogue")

    def register(fn):
        _CATALOGUE.append(Mistake(mistake_id, exercise, title, hint, fn))
        return fn

    return register


def _sums(dZ, m):
    return np.sum(dZ, axis=1, keepdims=True) / m


# --- linear_backward(dZ, cache) -> (dA_prev, dW, db)


@catalogued("linear_backward", "dW_transposed",
            "dW is transposed: its product has the factors in the wrong order",
            "dW must have the shape of W, (n[l], n[l-1]). Which factor of the product "
            "brings the n[l] rows?")
def _lb_dW_transposed(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, A_prev @ dZ.T / m, _sums(dZ, m)


@catalogued("linear_backward", "dA_prev_transposed",
            "dA_prev is transposed: its product has the factors in the wrong order",
            "dA_prev must have the shape of A_prev, (n[l-1], m): one column per example.")
def _lb_dA_prev_transposed(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return dZ.T @ W, dZ @ A_prev.T / m, _sums(dZ, m)


@catalogued("linear_backward", "no_one_over_m",
            "1/m is missing: dW and db are m times too large",
            "J is the mean of the m examples' losses, so dW and db are means over the "
            "examples too.")
def _lb_no_one_over_m(dZ, cache):
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


@catalogued("linear_backward", "m_from_rows",
            "m is taken from the wrong axis: you divided by n[l-1], the rows of A_prev",
            "m counts examples, and examples are the columns.")
def _lb_m_from_rows(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[0]
    return W.T @ dZ, dZ @ A_prev.T / m, _sums(dZ, m)


@catalogued("linear_backward", "one_over_m_in_dA_prev",
            "1/m is put into dA_prev as well: dA_prev is m times too small",
            "dA_prev is per example (dL/dA_prev, one column each); only dW and db average "
            "over the examples.")
def _lb_one_over_m_in_dA_prev(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ / m, dZ @ A_prev.T / m, _sums(dZ, m)


@catalogued("linear_backward", "db_wrong_axis",
            "db is summed over the wrong axis: over the units instead of the examples",
            "b is added to every example (every column), so db collects one number per "
            "unit (row). Which axis runs over the examples?")
def _lb_db_wrong_axis(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=0, keepdims=True) / m


@catalogued("linear_backward", "db_not_kept",
            "db lost its column shape: it is 1-D instead of (n[l], 1)",
            "A sum over an axis drops that axis unless you ask NumPy to keep it.")
def _lb_db_not_kept(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1) / m


# --- sigmoid_backward(dA, Z) -> dZ


@catalogued("sigmoid_backward", "cache_used_as_A",
            "the cache Z is used as if it were A: you computed dA * Z * (1 - Z)",
            "A(1 - A) is sigma'(Z) only when A = sigmoid(Z). What does the cache hold?")
def _sb_cache_used_as_A(dA, Z):
    return dA * Z * (1 - Z)


@catalogued("sigmoid_backward", "derivative_at_A",
            "the derivative is evaluated at A instead of Z: sigma'(sigmoid(Z))",
            "The chain rule needs g' at the point the forward pass fed into g.")
def _sb_derivative_at_A(dA, Z):
    s = sigmoid(sigmoid(Z))
    return dA * s * (1 - s)


@catalogued("sigmoid_backward", "g_instead_of_derivative",
            "you multiplied by sigmoid(Z) itself, not by its derivative",
            "dZ = dA * g'(Z): the derivative of the sigmoid, written with the sigmoid.")
def _sb_g_instead_of_derivative(dA, Z):
    return dA * sigmoid(Z)


@catalogued("sigmoid_backward", "dA_left_out",
            "dA is left out: you returned sigma'(Z) alone",
            "The chain rule multiplies what comes from above (dA) by the local derivative.")
def _sb_dA_left_out(dA, Z):
    s = sigmoid(Z)
    return s * (1 - s)


@catalogued("sigmoid_backward", "matrix_product",
            "a matrix product where an elementwise product belongs",
            "Each unit and example has its own dA and its own g'(Z): dZ has the shape of Z. "
            "Which product keeps that shape?")
def _sb_matrix_product(dA, Z):
    s = sigmoid(Z)
    return dA @ (s * (1 - s)).T


# --- relu_backward(dA, Z) -> dZ


@catalogued("relu_backward", "boundary_at_zero",
            "the gradient passes where Z == 0: you kept Z >= 0 instead of Z > 0",
            "ReLU is flat at and below 0; the course takes g'(0) = 0. Look at Z exactly 0.")
def _rb_boundary_at_zero(dA, Z):
    return np.where(Z >= 0, dA, 0.0)


@catalogued("relu_backward", "derivative_left_out",
            "the derivative is left out: you returned dA unchanged",
            "dZ = dA * g'(Z): where did the ReLU block the signal in the forward pass?")
def _rb_derivative_left_out(dA, Z):
    return dA.copy()


@catalogued("relu_backward", "relu_of_dA",
            "ReLU applied to dA: you kept the positive dA instead of the dA where Z > 0",
            "Which array decides where the gradient passes: the one from the forward pass, "
            "or the incoming gradient?")
def _rb_relu_of_dA(dA, Z):
    return np.maximum(dA, 0.0)


@catalogued("relu_backward", "g_instead_of_derivative",
            "you multiplied by relu(Z) itself, not by its derivative",
            "g'(Z) for ReLU is 0 or 1, never the value of Z.")
def _rb_g_instead_of_derivative(dA, Z):
    return dA * np.maximum(Z, 0.0)


# --- tanh_backward(dA, Z) -> dZ


@catalogued("tanh_backward", "one_minus_Z_squared",
            "1 - Z**2 instead of 1 - A**2: the formula wants A = tanh(Z)",
            "The slide writes g'(Z) = 1 - A**2. Which array is A here?")
def _tb_one_minus_Z_squared(dA, Z):
    return dA * (1 - Z**2)


@catalogued("tanh_backward", "missing_square",
            "the square is missing: 1 - tanh(Z) instead of 1 - tanh(Z)**2",
            "Differentiate tanh on paper: the result is 1 minus something squared.")
def _tb_missing_square(dA, Z):
    return dA * (1 - np.tanh(Z))


@catalogued("tanh_backward", "derivative_at_A",
            "the derivative is evaluated at A instead of Z: 1 - tanh(tanh(Z))**2",
            "The chain rule needs g' at the point the forward pass fed into g.")
def _tb_derivative_at_A(dA, Z):
    return dA * (1 - np.tanh(np.tanh(Z)) ** 2)


# --- dAL(AL, Y) -> dAL


@catalogued("dAL", "sign_flipped", "the sign of dAL is flipped",
            "Where the label is 1, raising AL lowers the loss: dAL must be negative there.")
def _dal_sign_flipped(AL, Y):
    return Y / AL - (1 - Y) / (1 - AL)


@catalogued("dAL", "inner_sign",
            "the two terms are added: the derivative of log(1 - AL) lost its minus sign",
            "d/da log(1 - a) has a minus sign from the chain rule (the inner 1 - a).")
def _dal_inner_sign(AL, Y):
    return -(Y / AL + (1 - Y) / (1 - AL))


@catalogued("dAL", "returned_dZ",
            "you returned AL - Y, which is dZL, not dAL",
            "AL - Y already includes sigma'(ZL). This exercise asks for the gradient one step "
            "earlier, with respect to AL.")
def _dal_returned_dZ(AL, Y):
    return AL - Y


@catalogued("dAL", "one_over_m", "1/m is put into dAL: it is m times too small",
            "dAL is per example (dL/dAL, one column each); the average over m belongs to dW "
            "and db.")
def _dal_one_over_m(AL, Y):
    return -(Y / AL - (1 - Y) / (1 - AL)) / AL.shape[1]


# --- linear_activation_backward(dA, cache, activation) -> (dA_prev, dW, db)


_SWAPPED = {"sigmoid": "relu", "relu": "sigmoid", "tanh": "tanh"}


@catalogued("linear_activation_backward", "activations_swapped",
            "the activations are swapped: sigmoid's backward for 'relu' and the reverse",
            "Read the activation argument carefully: which backward goes with which name?")
def _lab_activations_swapped(dA, cache, activation):
    return assignment.linear_activation_backward(dA, cache, _SWAPPED[activation])


@catalogued("linear_activation_backward", "activation_step_skipped",
            "the activation step is skipped: dA went into linear_backward as if it were dZ",
            "linear_backward takes dZ. What turns dA into dZ?")
def _lab_activation_step_skipped(dA, cache, activation):
    linear_cache, _ = cache
    return assignment.linear_backward(dA, linear_cache)


@catalogued("linear_activation_backward", "one_over_m_in_dZ",
            "1/m is applied twice: once to dZ and again inside linear_backward",
            "linear_backward already averages dW and db over the m examples; dZ stays per "
            "example.")
def _lab_one_over_m_in_dZ(dA, cache, activation):
    linear_cache, Z = cache
    backward = {"sigmoid": assignment.sigmoid_backward, "relu": assignment.relu_backward,
                "tanh": assignment.tanh_backward}[activation]
    dZ = backward(dA, Z) / Z.shape[1]
    return assignment.linear_backward(dZ, linear_cache)


# --- L_model_backward(AL, Y, caches) -> grads


def _deep_backward(dAL, caches, output="sigmoid", hidden="relu"):
    """The course's loop from a given dAL, with the activations as arguments."""
    L = len(caches)
    grads = {}
    dA_prev, grads[f"dW{L}"], grads[f"db{L}"] = assignment.linear_activation_backward(
        dAL, caches[L - 1], output)
    grads[f"dA{L - 1}"] = dA_prev
    for l in reversed(range(L - 1)):
        dA_prev, grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = (
            assignment.linear_activation_backward(grads[f"dA{l + 1}"], caches[l], hidden))
        grads[f"dA{l}"] = dA_prev
    return grads


@catalogued("L_model_backward", "dAL_sign_flipped", "the sign of dAL is flipped",
            "Where the label is 1, raising AL lowers the loss: dAL must be negative there.")
def _lmb_dAL_sign_flipped(AL, Y, caches):
    return _deep_backward(Y / AL - (1 - Y) / (1 - AL), caches)


@catalogued("L_model_backward", "sigma_prime_twice",
            "sigma' is applied twice: dAL = AL - Y already includes it",
            "AL - Y is dZL: sigmoid_backward then multiplies by AL(1 - AL) a second time. "
            "Start from the dAL the course gives, or skip the sigmoid step.")
def _lmb_sigma_prime_twice(AL, Y, caches):
    return _deep_backward(AL - Y, caches)


@catalogued("L_model_backward", "output_layer_relu",
            "the output layer goes back through relu_backward instead of sigmoid_backward",
            "The last layer's forward step is a sigmoid.")
def _lmb_output_layer_relu(AL, Y, caches):
    return _deep_backward(assignment.output_dA(AL, Y), caches, output="relu")


@catalogued("L_model_backward", "dA_index_shifted",
            "the dA keys are shifted by one: layer l's dA_prev is stored as dA{l}",
            "linear_backward of layer l returns the gradient of the layer below: dA[l-1]. "
            "grads['dA0'] is the gradient for X.")
def _lmb_dA_index_shifted(AL, Y, caches):
    grads = assignment.L_model_backward(AL, Y, caches)
    return {(f"dA{int(k[2:]) + 1}" if k.startswith("dA") else k): v for k, v in grads.items()}


# --- backward_propagation(parameters, cache, X, Y) -> grads (the slide, hidden tanh)


def _six(parameters, cache, X, Y, *, dZ2=None, hidden_prime=None, dW2=None, dW1=None,
         db1=None, scale=1.0):
    """The six equations, with any one of them replaced to make a mistake."""
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    m = X.shape[1]
    dZ2 = A2 - Y if dZ2 is None else dZ2
    g_prime = 1 - A1**2 if hidden_prime is None else hidden_prime
    dZ1 = W2.T @ dZ2 * g_prime
    grads = {
        "dW1": dZ1 @ X.T / m if dW1 is None else dW1(dZ1),
        "db1": _sums(dZ1, m) if db1 is None else db1(dZ1, dZ2),
        "dW2": dZ2 @ A1.T / m if dW2 is None else dW2(dZ2),
        "db2": _sums(dZ2, m),
    }
    return {k: v * scale for k, v in grads.items()}


@catalogued("backward_propagation", "sigma_prime_twice",
            "sigma' is applied again on top of A2 - Y",
            "For a sigmoid output with cross-entropy, A2 - Y is already dZ2: the sigma' "
            "cancelled when the two were combined.")
def _bp_sigma_prime_twice(parameters, cache, X, Y):
    A2 = cache["A2"]
    return _six(parameters, cache, X, Y, dZ2=(A2 - Y) * A2 * (1 - A2))


@catalogued("backward_propagation", "dZ2_sign_flipped",
            "dZ2 has the wrong sign: Y - A2 instead of A2 - Y",
            "Where the label is 1 and A2 is below 1, raising Z2 lowers the loss: dZ2 must be "
            "negative there. Every gradient inherits dZ2's sign.")
def _bp_dZ2_sign_flipped(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dZ2=Y - cache["A2"])


@catalogued("backward_propagation", "no_one_over_m",
            "1/m is missing: every gradient is m times too large",
            "J is the mean of the m examples' losses, so dW and db are means over the "
            "examples too.")
def _bp_no_one_over_m(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, scale=X.shape[1])


@catalogued("backward_propagation", "one_over_m_twice",
            "1/m is applied twice (in dZ2 and again in dW, db): every gradient is m times "
            "too small",
            "Divide by m in exactly one place: either dZ2 becomes an average, or dW and db "
            "do -- not both.")
def _bp_one_over_m_twice(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, scale=1.0 / X.shape[1])


@catalogued("backward_propagation", "tanh_prime_from_Z1",
            "1 - Z1**2 instead of 1 - A1**2 in dZ1",
            "tanh'(Z1) = 1 - tanh(Z1)**2. Which cached array is tanh(Z1)?")
def _bp_tanh_prime_from_Z1(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, hidden_prime=1 - cache["Z1"] ** 2)


@catalogued("backward_propagation", "derivative_left_out",
            "g'(Z1) is left out of dZ1: you used W2.T dZ2 alone",
            "Equation 4 crosses the hidden activation on its way back. What is its local "
            "derivative?")
def _bp_derivative_left_out(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, hidden_prime=1.0)


@catalogued("backward_propagation", "dW2_elementwise",
            "dW2 uses an elementwise * where a matrix product with A1.T belongs",
            "dW2 must have the shape of W2, (n_y, n_h); a product that sums over the m "
            "examples gives it.")
def _bp_dW2_elementwise(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dW2=lambda dZ2: dZ2 * cache["A1"] / X.shape[1])


@catalogued("backward_propagation", "dW1_uses_A1",
            "dW1 uses A1 where A_prev = X belongs",
            "Z1 = W1 X + b1: W1 multiplies X, the layer's input, not its output.")
def _bp_dW1_uses_A1(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dW1=lambda dZ1: dZ1 @ cache["A1"].T / X.shape[1])


@catalogued("backward_propagation", "dW1_transposed",
            "dW1 is transposed: its product has the factors in the wrong order",
            "dW1 must have the shape of W1, (n_h, n_x). Which factor brings the n_h rows?")
def _bp_dW1_transposed(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dW1=lambda dZ1: X @ dZ1.T / X.shape[1])


@catalogued("backward_propagation", "db1_from_dZ2",
            "db1 is computed from dZ2: the wrong layer's gradient",
            "Each layer's db comes from that layer's own dZ. Check the layer index on every "
            "line.")
def _bp_db1_from_dZ2(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, db1=lambda dZ1, dZ2: _sums(dZ2, X.shape[1]))


MISTAKES: tuple[Mistake, ...] = tuple(_CATALOGUE)


def mistakes_for(exercise: str) -> tuple[Mistake, ...]:
    """The catalogue entries of one exercise, in catalogue order."""
    _exercise(exercise)
    return tuple(entry for entry in MISTAKES if entry.exercise == exercise)


def find_mistake(mistake_id: str) -> Mistake:
    """The catalogue entry with this id."""
    for entry in MISTAKES:
        if entry.id == mistake_id:
            return entry
    raise CourseInputError(f"mistake_id {mistake_id!r} is not in the catalogue MISTAKES")


# ----------------------------------------------------------------------------- comparing


_MISSING = object()  # a grads key the function did not return


def _parts(exercise: Exercise, out, names=None) -> dict:
    """The outputs by name: the array, the tuple's items, or the dict's entries."""
    if exercise.kind == "array":
        return {exercise.outputs[0]: out}
    if exercise.kind == "tuple":
        return dict(zip(exercise.outputs, out, strict=True))
    keys = list(out) if names is None else names
    return {k: out.get(k, _MISSING) for k in keys}


def _same(got, want) -> bool:
    if got is _MISSING or want is _MISSING:
        return got is want
    if not (isinstance(got, np.ndarray) and isinstance(want, np.ndarray)):
        return False
    if got.shape != want.shape or got.dtype.kind not in "iuf":
        return False
    return bool(np.allclose(got, want, rtol=RTOL, atol=ATOL))


def _agrees(exercise, got, want) -> bool:
    """``got`` has every output of ``want`` with the same shape and values."""
    wanted = _parts(exercise, want)
    have = _parts(exercise, got, names=list(wanted))
    return all(_same(have[k], wanted[k]) for k in wanted)


def _differing(exercise, outs, refs) -> set:
    """The names of the outputs in which ``outs`` differ from ``refs`` on some case."""
    names = set()
    for out, ref in zip(outs, refs, strict=True):
        mine, theirs = _parts(exercise, out), _parts(exercise, ref)
        for k in set(mine) | set(theirs):
            if not _same(mine.get(k, _MISSING), theirs.get(k, _MISSING)):
                names.add(k)
    return names


def _merge(exercise, a, b, ref, a_diff, b_diff):
    """One case's outputs with ``a``'s outputs in ``a_diff``, ``b``'s in ``b_diff``."""
    pa, pb, pr = (_parts(exercise, x) for x in (a, b, ref))
    keys = dict.fromkeys([*pr, *pa, *pb])
    merged = {k: (pa if k in a_diff else pb if k in b_diff else pr).get(k, _MISSING)
              for k in keys}
    if exercise.kind == "tuple":
        return tuple(merged[k] for k in exercise.outputs)
    if exercise.kind == "dict":
        return {k: v for k, v in merged.items() if v is not _MISSING}
    return merged[exercise.outputs[0]]


def _combine(exercise, first, second, refs):
    """Per case, the outputs of two mistakes made at once, or None if they cannot be.

    Two mistakes combine only when they change different outputs; where they change a
    common output, their joint effect is not known, so the pair is never named.
    """
    a_diff = _differing(exercise, first, refs)
    b_diff = _differing(exercise, second, refs)
    if not a_diff or not b_diff or a_diff & b_diff:
        return None
    return [_merge(exercise, a, b, ref, a_diff, b_diff)
            for a, b, ref in zip(first, second, refs, strict=True)]


def combination(first_id: str, second_id: str) -> Mistake | None:
    """Two catalogued mistakes made at once, as a ``Mistake`` whose ``apply`` makes both.

    None when they change a common output (``check`` never names such a pair).
    """
    a, b = find_mistake(first_id), find_mistake(second_id)
    if a.exercise != b.exercise or a.id == b.id:
        raise CourseInputError(
            f"a combination needs two different mistakes of one exercise, got {a.id!r} "
            f"and {b.id!r}")
    exercise = EXERCISES[a.exercise]
    cases = exercise.cases()
    refs = [_run(exercise.reference, c) for c in cases]
    firsts, seconds = [_run(a.apply, c) for c in cases], [_run(b.apply, c) for c in cases]
    if _combine(exercise, firsts, seconds, refs) is None:
        return None
    a_diff, b_diff = _differing(exercise, firsts, refs), _differing(exercise, seconds, refs)

    def apply(*args):
        case = Case("", args, 0)
        return _merge(exercise, _run(a.apply, case), _run(b.apply, case),
                      _run(exercise.reference, case), a_diff, b_diff)

    return Mistake(f"{a.id}+{b.id}", a.exercise, f"{a.title}; and {b.title}",
                   f"{a.hint} {b.hint}", apply)


def _run(fn, case: Case):
    """Call ``fn`` on a private copy of the case, so nothing it mutates leaks out."""
    return fn(*copy.deepcopy(case.args))


# ----------------------------------------------------------------------------- check


def check(exercise: str, student_fn) -> Feedback:
    """Run ``student_fn`` on the exercise's test cases and say what is right or wrong.

    exercise : a key of ``EXERCISES`` (``"linear_backward"``, ``"sigmoid_backward"``,
        ``"relu_backward"``, ``"tanh_backward"``, ``"linear_activation_backward"``,
        ``"dAL"``, ``"L_model_backward"``, ``"backward_propagation"``).
    student_fn : the student's function, with the signature in ``EXERCISES[exercise].call``.

    Never raises because of ``student_fn``: its exceptions, ``NotImplementedError`` (the
    stub), wrong return types and wrong shapes all come back as a ``Feedback``.
    """
    ex = _exercise(exercise)
    if not callable(student_fn):
        raise CourseInputError(
            f"student_fn must be the function you wrote (pass it without calling it), "
            f"got {type(student_fn).__name__}")
    cases = ex.cases()
    problem = _signature_problem(ex, student_fn, cases[0])
    if problem is not None:
        return problem
    outs = []
    for k, case in enumerate(cases, 1):
        try:
            out = _run_quietly(student_fn, case)
        except NotImplementedError as exc:
            return _not_implemented(ex, student_fn, exc)
        except Exception as exc:  # the student's error, explained rather than re-raised
            return _raised(ex, exc, _where(k, cases))
        problem = _container_problem(ex, out)
        if problem is not None:
            return Feedback(False, None, f"{ex.name}: not correct. {_where(k, cases)}, {problem}",
                            f"{ex.name} returns this: {ex.call}")
        outs.append(out)
    refs = [_run(ex.reference, c) for c in cases]
    if all(_agrees(ex, out, ref) for out, ref in zip(outs, refs, strict=True)):
        return Feedback(True, None, f"{ex.name}: correct on all {len(cases)} test cases.", "")
    return _name_mistake(ex, cases, outs, refs) or _explain_difference(ex, cases, outs, refs)


def _exercise(name) -> Exercise:
    if not isinstance(name, str) or name not in EXERCISES:
        raise CourseInputError(f"exercise must be one of {list(EXERCISES)}, got {name!r}")
    return EXERCISES[name]


def _where(k: int, cases) -> str:
    return f"On test case {k} of {len(cases)} ({cases[k - 1].label})"


def _run_quietly(fn, case: Case):
    # Warnings from the student's arithmetic would land in the notebook's stderr; the
    # comparison of the outputs reports what went wrong instead.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _run(fn, case)


def _signature_problem(ex, fn, case) -> Feedback | None:
    try:
        inspect.signature(fn).bind(*case.args)
    except TypeError as exc:
        return Feedback(False, None,
                        f"{ex.name}: your function cannot be called the way the exercise "
                        f"calls it ({exc}).",
                        f"Keep the stub's parameters as they are: {ex.call}")
    except ValueError:  # no signature to inspect (a builtin): just call it
        return None
    return None


def _not_implemented(ex, fn, exc) -> Feedback:
    frames = [frame for frame, _ in traceback.walk_tb(exc.__traceback__)]
    raiser = frames[-1].f_code if frames else None
    if raiser is not None and raiser is not getattr(fn, "__code__", raiser):
        where = raiser.co_name
        message = (f"{ex.name}: {NOT_IMPLEMENTED}: it calls {where}, which still raises "
                   f"NotImplementedError.")
        return Feedback(False, None, message, f"Write {where} first (its exercise is above).")
    return Feedback(False, None, f"{ex.name}: {NOT_IMPLEMENTED}.",
                    "Replace `raise NotImplementedError` with your code, then run the cell "
                    "with the function and this cell again.")


_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(m.__file__)) + os.sep for m in (np, course_lib)
) + (os.path.abspath(sysconfig.get_paths()["stdlib"]) + os.sep,)


def _student_line(exc) -> str:
    """`` at the line `...` `` for the last line of the student's code the error passed."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not os.path.abspath(frame.filename).startswith(_LIBRARY_DIRS) and frame.line:
            return f" at the line `{frame.line.strip()}`"
    return ""


def _raised(ex, exc, where) -> Feedback:
    explanation, hint = _plain_words(exc, ex)
    message = (f"{ex.name} raised {type(exc).__name__}. {where}, your function stopped"
               f"{_student_line(exc)}: {explanation}")
    return Feedback(False, None, message, hint)


def _plain_words(exc, ex) -> tuple[str, str]:
    """What a Python or NumPy error means for backprop code, and what to look at."""
    text = str(exc)
    broadcast = re.search(r"broadcast together with (?:remapped )?shapes (.+?)\s*$", text)
    if isinstance(exc, ValueError) and broadcast:
        shapes = " and ".join(broadcast.group(1).split())
        return (f"an elementwise operation (`*`, `+`, `-` or `/`) between arrays of shapes "
                f"{shapes}, which do not fit together.",
                "Entry-by-entry operations need equal shapes (or a size-1 axis). If this "
                "should be a matrix product, use `@` or `np.dot`; otherwise print the shapes "
                "on that line and compare them with the formula.")
    aligned = re.search(r"shapes (\(.*?\)) and (\(.*?\)) not aligned", text)
    core = re.search(r"size (\d+) is different from (\d+)", text)
    if isinstance(exc, ValueError) and (aligned or (core and "matmul" in text)):
        detail = (f"shapes {aligned.group(1)} and {aligned.group(2)}" if aligned
                  else f"inner sizes {core.group(2)} and {core.group(1)}")
        return (f"a matrix product (`@` or `np.dot`) whose inner sizes do not match ({detail}).",
                "In A @ B the columns of A must equal the rows of B. Check the order of the "
                "factors and which one is transposed; if you meant an entry-by-entry product, "
                "use `*`.")
    if isinstance(exc, KeyError):
        return (f"it looked up the key {exc.args[0]!r}, which is not there.",
                "Print the keys of the dict you index (`print(sorted(d))`). "
                + _KEYS.get(ex.name, ""))
    if isinstance(exc, CourseInputError):
        return (f"a course_lib function refused its arguments: {text}",
                "Check what you pass to it against its docstring.")
    return (f"{type(exc).__name__}: {text}",
            "Read the error and the line it points to; print the shapes of the arrays there.")


_KEYS = {
    "backward_propagation": "parameters holds W1, b1, W2, b2; the cache holds Z1, A1, Z2, A2.",
    "L_model_backward": "grads is keyed 'dA0' ... 'dA{L-1}', 'dW1' ... 'dWL', 'db1' ... 'dbL'.",
}


def _describe(value) -> str:
    """A value's type in plain words."""
    if value is None:
        return "None"
    if isinstance(value, bool) or np.isscalar(value):
        return "a single number"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    return f"a {type(value).__name__}"


def _container_problem(ex, out) -> str | None:
    """What is wrong with the kind of value returned, or None when the kind is right."""
    if out is None:
        return "your function returned None: is the `return` line missing?"
    if ex.kind == "array" and not isinstance(out, np.ndarray):
        return f"your function returned {_describe(out)}, not a NumPy array."
    if ex.kind == "tuple":
        wanted = f"({', '.join(ex.outputs)})"
        if not isinstance(out, tuple):
            return (f"your function returned {_describe(out)}; it should return the tuple "
                    f"{wanted}.")
        if len(out) != len(ex.outputs):
            return (f"your function returned a tuple of {len(out)} items; it should return "
                    f"{len(ex.outputs)}: {wanted}.")
    if ex.kind == "dict" and not isinstance(out, dict):
        return f"your function returned {_describe(out)}; it should return the dict grads."
    return None


def _name_mistake(ex, cases, outs, refs) -> Feedback | None:
    n = len(cases)
    seen = {}
    for entry in mistakes_for(ex.name):
        try:
            theirs = [_run_quietly(entry.apply, c) for c in cases]
        except Exception:  # a catalogue entry that fails on a case can name nothing
            continue
        seen[entry.id] = (entry, theirs)
        if all(_agrees(ex, o, t) for o, t in zip(outs, theirs, strict=True)):
            return Feedback(False, entry.id,
                            f"{ex.name}: {entry.title}. (Your outputs equal this mistake's "
                            f"outputs on all {n} test cases.)", entry.hint)
    for (a, a_outs), (b, b_outs) in itertools.combinations(seen.values(), 2):
        both = _combine(ex, a_outs, b_outs, refs)
        if both and all(_agrees(ex, o, t) for o, t in zip(outs, both, strict=True)):
            return Feedback(False, f"{a.id}+{b.id}",
                            f"{ex.name}: two mistakes at once. First, {a.title}. Second, "
                            f"{b.title}. (Your outputs equal these two mistakes' outputs on "
                            f"all {n} test cases.)", f"{a.hint} {b.hint}")
    return None


def _explain_difference(ex, cases, outs, refs) -> Feedback:
    """The first output, in the first case, that differs; with what is wrong with it."""
    for k, (out, ref) in enumerate(zip(outs, refs, strict=True), 1):
        wanted = _parts(ex, ref)
        have = _parts(ex, out, names=list(wanted))
        for name, want in wanted.items():
            got = have[name]
            if _same(got, want):
                continue
            if got is _MISSING:
                detail = f"grads has no key {name!r}; your keys are {sorted(map(str, out))}."
            else:
                detail = _explain_part(f"grads[{name!r}]" if ex.kind == "dict" else name,
                                       got, want)
            if isinstance(got, np.ndarray) and got.shape == want.shape:
                detail += _factor_note(ex, name, cases, outs, refs)
            return Feedback(False, None, f"{ex.name}: {UNKNOWN}. {_where(k, cases)}, {detail}",
                            ex.hint)
    raise AssertionError("_explain_difference called on outputs that agree")  # unreachable


def _num(x) -> str:
    s = f"{float(x):.6g}"
    return "0" if s in ("-0", "0") else s


def _explain_part(label, got, want) -> str:
    """Why ``got`` (an output the student returned) is not ``want``, in one sentence."""
    if not isinstance(got, np.ndarray):
        tip = ""
        if np.isscalar(got) and want.shape[1:] == (1,):
            tip = " (a sum with keepdims=True keeps the column shape)"
        return (f"{label} is {_describe(got)}, not a NumPy array of shape {want.shape}{tip}.")
    if got.dtype.kind not in "iuf":
        return f"{label} holds values of type {got.dtype}, not real numbers."
    if got.shape != want.shape:
        note = ""
        if got.shape == want.shape[::-1]:
            note = (" It is exactly the transpose of the expected." if np.allclose(
                got.T, want, rtol=RTOL, atol=ATOL) else " That is the transposed shape.")
        elif got.ndim == 1 and got.size == want.size:
            note = " It is 1-D: it lost its column shape (a sum with keepdims=True keeps it)."
        return f"{label} has shape {got.shape}, expected {want.shape}.{note}"
    bad = ~np.isclose(got, want, rtol=RTOL, atol=ATOL)
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = ", ".join(map(str, index))
    return (f"{label}[{where}] is {_num(got[index])} but {_num(want[index])} is expected.")


def _factor_note(ex, name, cases, outs, refs) -> str:
    """`` Your ... is m times the expected ...`` when one factor explains every case."""
    ratios = []
    for case, out, ref in zip(cases, outs, refs, strict=True):
        want = _parts(ex, ref).get(name, _MISSING)
        if want is _MISSING:  # grads of a net with fewer layers
            continue
        got = _parts(ex, out, names=[name])[name]
        if not (isinstance(got, np.ndarray) and got.shape == want.shape):
            return ""
        nonzero = want != 0
        if np.any(got[~nonzero] != 0):
            return ""
        r = got[nonzero] / want[nonzero]
        if r.size == 0 or not np.allclose(r, r[0], rtol=1e-9):
            return ""
        ratios.append((float(r[0]), case.m))
    label = f"grads[{name!r}]" if ex.kind == "dict" else name
    if not ratios:
        return ""
    if all(np.isclose(r, m) for r, m in ratios):
        return f" On every test case {label} is m times the expected (m = number of examples)."
    if all(np.isclose(r, 1 / m) for r, m in ratios):
        return f" On every test case {label} is the expected divided by m."
    first = ratios[0][0]
    if all(np.isclose(r, first) for r, _ in ratios):
        return f" On every test case {label} is exactly {_num(first)} times the expected."
    return ""
