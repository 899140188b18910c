"""Catalogued mistakes in ``tanh_backward(dA, cache) -> dZ``.

``cache`` is ``Z``; ``dA`` and ``Z`` have shape ``(n[l], m)``. The correct line is
``dZ = dA * (1 - np.tanh(Z) ** 2)``.
"""

from __future__ import annotations

import numpy as np

from course_lib.diagnose.catalogue.registry import catalogued


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
