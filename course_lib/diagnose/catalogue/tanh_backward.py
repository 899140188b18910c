"""Catalogued mistakes in ``tanh_backward(dA, cache) -> dZ``.

``cache`` is ``Z``; ``dA`` and ``Z`` have shape ``(n[l], m)``. The correct line is
``dZ = dA * (1 - np.tanh(Z) ** 2)``.
"""

from __future__ import annotations

import numpy as np

from course_lib.diagnose.catalogue.registry import catalogued


@catalogued(
    "tanh_backward",
    "one_minus_Z_squared",
    "1 - Z**2 instead of 1 - A**2: the formula wants A = tanh(Z)",
    "The slide writes g'(Z) = 1 - A**2. Which array is A here?",
)
def _tb_one_minus_Z_squared(dA, Z):
    return dA * (1 - Z**2)


@catalogued(
    "tanh_backward",
    "missing_square",
    "the square is missing: 1 - tanh(Z) instead of 1 - tanh(Z)**2",
    "Differentiate tanh on paper: the result is 1 minus something squared.",
)
def _tb_missing_square(dA, Z):
    return dA * (1 - np.tanh(Z))


@catalogued(
    "tanh_backward",
    "derivative_at_A",
    "the derivative is evaluated at A instead of Z: 1 - tanh(tanh(Z))**2",
    "The chain rule needs g' at the point the forward pass fed into g.",
)
def _tb_derivative_at_A(dA, Z):
    return dA * (1 - np.tanh(np.tanh(Z)) ** 2)


@catalogued(
    "tanh_backward",
    "derivative_left_out",
    "the derivative is left out: you returned dA unchanged",
    "dZ = dA * g'(Z): going back through tanh multiplies by its local derivative.",
)
def _tb_derivative_left_out(dA, Z):
    return dA.copy()


@catalogued(
    "tanh_backward",
    "derivative_twice",
    "tanh'(Z) is applied twice: dA * (1 - tanh(Z)**2)**2",
    "The chain rule crosses tanh once, so its derivative appears once.",
)
def _tb_derivative_twice(dA, Z):
    return dA * (1 - np.tanh(Z) ** 2) ** 2


@catalogued(
    "tanh_backward",
    "g_instead_of_derivative",
    "you multiplied by tanh(Z) itself, not by its derivative",
    "dZ = dA * g'(Z): the derivative of tanh, written with tanh.",
)
def _tb_g_instead_of_derivative(dA, Z):
    return dA * np.tanh(Z)


@catalogued(
    "tanh_backward",
    "dA_left_out",
    "dA is left out: you returned tanh'(Z) alone",
    "The chain rule multiplies what comes from above (dA) by the local derivative.",
)
def _tb_dA_left_out(dA, Z):
    return 1 - np.tanh(Z) ** 2
