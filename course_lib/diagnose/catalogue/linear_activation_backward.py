"""Catalogued mistakes in ``linear_activation_backward(dA, cache, activation)``.

It returns ``(dA_prev, dW, db)``; ``cache`` is ``(linear_cache, Z)`` with ``linear_cache``
``(A_prev, W, b)``. The correct steps: ``dZ = <activation>_backward(dA, Z)``, then
``linear_backward(dZ, linear_cache)``. The test cases hold both activations, so a layer
given the wrong one is told apart from both swapped.
"""

from __future__ import annotations

import numpy as np

from course_lib import assignment
from course_lib.diagnose.catalogue.registry import catalogued

_SWAPPED = {"sigmoid": "relu", "relu": "sigmoid", "tanh": "tanh"}


@catalogued(
    "linear_activation_backward",
    "activations_swapped",
    "the activations are swapped: sigmoid's backward for 'relu' and the reverse",
    "Read the activation argument carefully: which backward goes with which name?",
)
def _lab_activations_swapped(dA, cache, activation):
    return assignment.linear_activation_backward(dA, cache, _SWAPPED[activation])


@catalogued(
    "linear_activation_backward",
    "activation_step_skipped",
    "the activation step is skipped: dA went into linear_backward as if it were dZ",
    "linear_backward takes dZ. What turns dA into dZ?",
)
def _lab_activation_step_skipped(dA, cache, activation):
    linear_cache, _ = cache
    return assignment.linear_backward(dA, linear_cache)


@catalogued(
    "linear_activation_backward",
    "one_over_m_in_dZ",
    "1/m is applied twice: once to dZ and again inside linear_backward",
    "linear_backward already averages dW and db over the m examples; dZ stays per example.",
)
def _lab_one_over_m_in_dZ(dA, cache, activation):
    linear_cache, Z = cache
    dZ = assignment.backward_function(activation)(dA, Z) / Z.shape[1]
    return assignment.linear_backward(dZ, linear_cache)


@catalogued(
    "linear_activation_backward",
    "always_relu",
    "relu_backward is used for every layer, also where activation is 'sigmoid'",
    "The activation argument says which forward function the layer used; its "
    "backward must be the matching one.",
)
def _lab_always_relu(dA, cache, activation):
    return assignment.linear_activation_backward(dA, cache, "relu")


@catalogued(
    "linear_activation_backward",
    "always_sigmoid",
    "sigmoid_backward is used for every layer, also where activation is 'relu'",
    "The activation argument says which forward function the layer used; its "
    "backward must be the matching one.",
)
def _lab_always_sigmoid(dA, cache, activation):
    return assignment.linear_activation_backward(dA, cache, "sigmoid")


@catalogued(
    "linear_activation_backward",
    "dA_prev_from_dA",
    "dA_prev is computed from dA instead of dZ: W.T dA",
    "The linear step undoes Z = W A_prev + b, so all three of its gradients start from dZ.",
)
def _lab_dA_prev_from_dA(dA, cache, activation):
    (_, W, _), _ = cache
    _, dW, db = assignment.linear_activation_backward(dA, cache, activation)
    return W.T @ dA, dW, db


@catalogued(
    "linear_activation_backward",
    "dW_from_dA",
    "dW is computed from dA instead of dZ: dA A_prev.T / m",
    "W acts before the activation: its gradient comes from dZ, the gradient of the "
    "linear step's output.",
)
def _lab_dW_from_dA(dA, cache, activation):
    (A_prev, _, _), _ = cache
    dA_prev, _, db = assignment.linear_activation_backward(dA, cache, activation)
    return dA_prev, dA @ A_prev.T / A_prev.shape[1], db


@catalogued(
    "linear_activation_backward",
    "db_from_dA",
    "db is computed from dA instead of dZ",
    "b is added before the activation: its gradient comes from dZ, the gradient of "
    "the linear step's output.",
)
def _lab_db_from_dA(dA, cache, activation):
    (A_prev, _, _), _ = cache
    dA_prev, dW, _ = assignment.linear_activation_backward(dA, cache, activation)
    return dA_prev, dW, np.sum(dA, axis=1, keepdims=True) / A_prev.shape[1]
