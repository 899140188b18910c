"""Catalogued mistakes in ``linear_activation_backward(dA, cache, activation)``.

It returns ``(dA_prev, dW, db)``; ``cache`` is ``(linear_cache, Z)`` with ``linear_cache``
``(A_prev, W, b)``. The correct steps: ``dZ = <activation>_backward(dA, Z)``, then
``linear_backward(dZ, linear_cache)``.
"""

from __future__ import annotations

from course_lib import assignment
from course_lib.diagnose.catalogue.registry import catalogued

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
