"""Centred finite differences, entry by entry, for parameters and intermediates.

The cost is written from the logits, ``J = (1/m) sum(max(Z2, 0) - Z2*Y + log(1 + exp(-|Z2|)))``,
which equals the cross-entropy of ``sigmoid(Z2)`` and stays finite when the output
saturates. Each intermediate (``A2, Z2, A1, Z1, X``) gets its own function of
the rest of the forward pass, so ``dA1`` and ``dZ1`` are checked directly, not
only through ``dW`` and ``db``.

Stages ``dA2 .. dZ1, dA0`` are per-example ``dL`` (``m`` times ``dJ``); the
numerical gradients here follow the same convention, so they compare one to one
with ``course_lib.stages``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.activations import sigmoid
from course_lib.checks import (
    CourseInputError,
    as_labels,
    check_hidden,
    check_product_finite,
    check_two_layer,
    checked_after,
    expect_finite,
    expect_shape,
)
from course_lib.stages import STAGE_KEYS

EPSILON = 1e-6
TOLERANCE = 1e-6


def cost_from_logits(Z2, Y) -> float:
    """Cross-entropy of ``sigmoid(Z2)`` against ``Y``, averaged over the m columns."""
    Z2 = np.asarray(Z2, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    losses = np.maximum(Z2, 0) - Z2 * Y + np.log1p(np.exp(-np.abs(Z2)))
    return float(np.sum(losses) / Z2.shape[1])


def cross_entropy(A2, Y) -> float:
    """Cross-entropy of probabilities ``A2``, NaN where an ``A2`` lies outside (0, 1).

    No clipping: the finite differences for ``dA2`` step ``A2`` by epsilon, which is only
    valid away from 0 and 1; there the NaN makes the check report a failure.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / A2.shape[1])


def numerical_gradient(f, x: np.ndarray, epsilon: float = EPSILON) -> np.ndarray:
    """``(f(x + e) - f(x - e)) / (2 e)`` for every entry of ``x``; ``x`` is not modified."""
    x = np.array(x, dtype=np.float64)  # a private copy to perturb
    grad = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + epsilon
        plus = f(x)
        x[idx] = old - epsilon
        minus = f(x)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * epsilon)
    return grad


def relative_error(analytic, numeric, name: str = "gradient") -> float:
    """``||a - n|| / (||a|| + ||n||)``, 0 when both are exactly zero."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise CourseInputError(f"{name} has shape {a.shape}, expected {n.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


def stage_cost_functions(X, Y, parameters: dict, hidden: str) -> dict:
    """For each stage key, ``(J as a function of that array, the array, scale)``.

    ``scale`` turns the numerical ``dJ`` into the stage's convention: ``m`` for the
    per-example ``dA``/``dZ`` stages, 1 for ``dW``/``db``.
    """
    where = "gradient check"
    X, W1, b1, W2, b2 = check_two_layer(X, parameters, where)
    Y = as_labels(Y, where=where)
    expect_shape("Y", Y, (W2.shape[0], X.shape[1]), where=where + " (Y is (n_y, m))")
    for name, arr in (("X", X), ("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        expect_finite(name, arr, where=where)
    g = check_hidden(hidden).g
    m = X.shape[1]
    with checked_after():  # every operand is finite; a product can still overflow
        Z1 = W1 @ X + b1
        A1 = g(Z1)
        Z2 = W2 @ A1 + b2
    check_product_finite(Z2, {}, where=where + " (Z2 = W2 g(W1 X + b1) + b2)")
    A2 = sigmoid(Z2)

    def from_Z1(z1):
        return cost_from_logits(W2 @ g(z1) + b2, Y)

    return {
        "dA2": (lambda a2: cross_entropy(a2, Y), A2, m),
        "dZ2": (lambda z2: cost_from_logits(z2, Y), Z2, m),
        "dW2": (lambda w2: cost_from_logits(w2 @ A1 + b2, Y), W2, 1),
        "db2": (lambda b: cost_from_logits(W2 @ A1 + b, Y), b2, 1),
        "dA1": (lambda a1: cost_from_logits(W2 @ a1 + b2, Y), A1, m),
        "dZ1": (from_Z1, Z1, m),
        "dW1": (lambda w1: from_Z1(w1 @ X + b1), W1, 1),
        "db1": (lambda b: from_Z1(W1 @ X + b), b1, 1),
        "dA0": (lambda x: from_Z1(W1 @ x + b1), X, m),
    }


def numerical_stage_gradients(X, Y, parameters: dict, hidden: str = "relu",
                              keys=STAGE_KEYS, epsilon: float = EPSILON) -> dict:
    """Finite-difference value of each stage in ``keys``, in the stage's convention."""
    funcs = stage_cost_functions(X, Y, parameters, hidden)
    out = {}
    for key in keys:
        if key not in funcs:
            raise CourseInputError(f"no stage {key!r}; stages are {list(STAGE_KEYS)}")
        f, x, scale = funcs[key]
        out[key] = scale * numerical_gradient(f, x, epsilon)
    return out


@dataclass(frozen=True)
class GradCheckReport:
    """Relative error per stage (backward order) and the first stage above tolerance."""

    relative_errors: dict
    tolerance: float

    @property
    def first_failure(self) -> str | None:
        for key, err in self.relative_errors.items():
            if not err < self.tolerance:
                return key
        return None

    @property
    def passed(self) -> bool:
        return self.first_failure is None

    def __str__(self) -> str:
        lines = [f"{k:>4}: relative error {e:.2e}  {'ok' if e < self.tolerance else 'FAIL'}"
                 for k, e in self.relative_errors.items()]
        verdict = "all stages pass" if self.passed else f"first failure: {self.first_failure}"
        return "\n".join(lines + [verdict])


def gradient_check(grads: dict, X, Y, parameters: dict, hidden: str = "relu",
                   tolerance: float = TOLERANCE, epsilon: float = EPSILON) -> GradCheckReport:
    """Check each stage in ``grads`` (keys among ``dA2 .. dA0``) against finite differences.

    grads : for example ``course_lib.stages.backward_stages(...).grads()``, or a student's
        own arrays keyed the same way. Stages are checked in backward order.
    """
    if not isinstance(grads, dict):
        raise CourseInputError(
            f"grads must be a dict keyed by stage ({', '.join(STAGE_KEYS)}), "
            f"got {type(grads).__name__}"
        )
    if not grads:
        raise CourseInputError(f"grads is empty: give at least one stage of {list(STAGE_KEYS)}")
    keys = [k for k in STAGE_KEYS if k in grads]
    unknown = sorted(set(grads) - set(STAGE_KEYS))
    if unknown:
        raise CourseInputError(f"grads has keys {unknown} that are not stages {list(STAGE_KEYS)}")
    numeric = numerical_stage_gradients(X, Y, parameters, hidden, keys, epsilon)
    errors = {k: relative_error(grads[k], numeric[k], name=f"grads[{k!r}]") for k in keys}
    return GradCheckReport(errors, tolerance)


def gradient_check_deep(parameters: dict, X, Y, epsilon: float = EPSILON) -> float:
    """Relative error of ``L_model_backward``'s dW, db for a whole L-layer net."""
    from course_lib import assignment

    AL, caches = assignment.L_model_forward(X, parameters)
    grads = assignment.L_model_backward(AL, Y, caches)
    L = len(parameters) // 2
    analytic, numeric = [], []
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key = f"{p}{l}"

            def J(value, key=key):
                trial = dict(parameters, **{key: value})
                return assignment.compute_cost(assignment.L_model_forward(X, trial)[0], Y)

            numeric.append(numerical_gradient(J, parameters[key], epsilon).ravel())
            analytic.append(grads[f"d{key}"].ravel())
    return relative_error(np.concatenate(analytic), np.concatenate(numeric))
