"""Catalogued mistakes in ``relu_backward(dA, cache) -> dZ``.

``cache`` is ``Z``; ``dA`` and ``Z`` have shape ``(n[l], m)``. The correct line passes
``dA`` where ``Z > 0`` and 0 elsewhere (the course takes g'(0) = 0).

Three mistakes of the other activations are harmless for ReLU and so are not entries: the
derivative evaluated at A (``relu(Z) > 0`` is ``Z > 0``), the cache ``Z`` taken as ``A``
(the same test), and the derivative applied twice (a 0/1 mask times itself is itself).
"""

from __future__ import annotations

import numpy as np

from course_lib.diagnose.catalogue.registry import catalogued


@catalogued(
    "relu_backward",
    "boundary_at_zero",
    "the gradient passes where Z == 0: you kept Z >= 0 instead of Z > 0",
    "ReLU is flat at and below 0; the course takes g'(0) = 0. Look at Z exactly 0.",
)
def _rb_boundary_at_zero(dA, Z):
    return np.where(Z >= 0, dA, 0.0)


@catalogued(
    "relu_backward",
    "derivative_left_out",
    "the derivative is left out: you returned dA unchanged",
    "dZ = dA * g'(Z): where did the ReLU block the signal in the forward pass?",
)
def _rb_derivative_left_out(dA, Z):
    return dA.copy()


@catalogued(
    "relu_backward",
    "relu_of_dA",
    "ReLU applied to dA: you kept the positive dA instead of the dA where Z > 0",
    "Which array decides where the gradient passes: the one from the forward pass, "
    "or the incoming gradient?",
)
def _rb_relu_of_dA(dA, Z):
    return np.maximum(dA, 0.0)


@catalogued(
    "relu_backward",
    "g_instead_of_derivative",
    "you multiplied by relu(Z) itself, not by its derivative",
    "g'(Z) for ReLU is 0 or 1, never the value of Z.",
)
def _rb_g_instead_of_derivative(dA, Z):
    return dA * np.maximum(Z, 0.0)


@catalogued(
    "relu_backward",
    "mask_inverted",
    "the mask is inverted: the gradient passes where Z <= 0 and is blocked where Z > 0",
    "In the forward pass ReLU let Z through where it was positive; the gradient "
    "flows back through the same units.",
)
def _rb_mask_inverted(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z > 0] = 0
    return dZ
