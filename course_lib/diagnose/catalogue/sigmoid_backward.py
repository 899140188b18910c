"""Catalogued mistakes in ``sigmoid_backward(dA, cache) -> dZ``.

``cache`` is ``Z``; ``dA`` and ``Z`` have shape ``(n[l], m)``. The correct line is
``dZ = dA * s * (1 - s)`` with ``s = sigmoid(Z)``.
"""

from __future__ import annotations

from course_lib.activations import sigmoid
from course_lib.diagnose.catalogue.registry import catalogued


@catalogued(
    "sigmoid_backward",
    "cache_used_as_A",
    "the cache Z is used as if it were A: you computed dA * Z * (1 - Z)",
    "A(1 - A) is sigma'(Z) only when A = sigmoid(Z). What does the cache hold?",
)
def _sb_cache_used_as_A(dA, Z):
    return dA * Z * (1 - Z)


@catalogued(
    "sigmoid_backward",
    "derivative_at_A",
    "the derivative is evaluated at A instead of Z: sigma'(sigmoid(Z))",
    "The chain rule needs g' at the point the forward pass fed into g.",
)
def _sb_derivative_at_A(dA, Z):
    s = sigmoid(sigmoid(Z))
    return dA * s * (1 - s)


@catalogued(
    "sigmoid_backward",
    "g_instead_of_derivative",
    "you multiplied by sigmoid(Z) itself, not by its derivative",
    "dZ = dA * g'(Z): the derivative of the sigmoid, written with the sigmoid.",
)
def _sb_g_instead_of_derivative(dA, Z):
    return dA * sigmoid(Z)


@catalogued(
    "sigmoid_backward",
    "dA_left_out",
    "dA is left out: you returned sigma'(Z) alone",
    "The chain rule multiplies what comes from above (dA) by the local derivative.",
)
def _sb_dA_left_out(dA, Z):
    s = sigmoid(Z)
    return s * (1 - s)


@catalogued(
    "sigmoid_backward",
    "matrix_product",
    "a matrix product where an elementwise product belongs",
    "Each unit and example has its own dA and its own g'(Z): dZ has the shape of Z. "
    "Which product keeps that shape?",
)
def _sb_matrix_product(dA, Z):
    s = sigmoid(Z)
    return dA @ (s * (1 - s)).T


@catalogued(
    "sigmoid_backward",
    "derivative_left_out",
    "the derivative is left out: you returned dA unchanged",
    "dZ = dA * g'(Z): going back through the sigmoid multiplies by its local derivative.",
)
def _sb_derivative_left_out(dA, Z):
    return dA.copy()


@catalogued(
    "sigmoid_backward",
    "derivative_twice",
    "sigma'(Z) is applied twice: dA * s(1 - s) * s(1 - s)",
    "The chain rule crosses the sigmoid once, so its derivative appears once.",
)
def _sb_derivative_twice(dA, Z):
    s = sigmoid(Z)
    return dA * s * (1 - s) * s * (1 - s)
