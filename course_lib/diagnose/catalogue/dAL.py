"""Catalogued mistakes in the exercise ``dAL``: ``compute_dAL(AL, Y) -> dAL``.

``AL`` and ``Y`` have shape ``(1, m)``. The correct line is
``dAL = -(Y / AL - (1 - Y) / (1 - AL))``, per example (no 1/m). Every mistake here is made
at the first stage of the pass, ``dA2`` in a 2-layer net.
"""

from __future__ import annotations

import numpy as np

from course_lib.diagnose.catalogue.registry import catalogued


@catalogued(
    "dAL",
    "sign_flipped",
    "the sign of dAL is flipped",
    "Where the label is 1, raising AL lowers the loss: dAL must be negative there.",
    stage="dA2",
)
def _dal_sign_flipped(AL, Y):
    return Y / AL - (1 - Y) / (1 - AL)


@catalogued(
    "dAL",
    "inner_sign",
    "the two terms are added: the derivative of log(1 - AL) lost its minus sign",
    "d/da log(1 - a) has a minus sign from the chain rule (the inner 1 - a).",
    stage="dA2",
)
def _dal_inner_sign(AL, Y):
    return -(Y / AL + (1 - Y) / (1 - AL))


@catalogued(
    "dAL",
    "returned_dZ",
    "you returned AL - Y, which is dZL, not dAL",
    "AL - Y already includes sigma'(ZL). This exercise asks for the gradient one step "
    "earlier, with respect to AL.",
    stage="dA2",
)
def _dal_returned_dZ(AL, Y):
    return AL - Y


@catalogued(
    "dAL",
    "one_over_m",
    "1/m is put into dAL: it is m times too small",
    "dAL is per example (dL/dAL, one column each); the average over m belongs to dW and db.",
    stage="dA2",
)
def _dal_one_over_m(AL, Y):
    return -(Y / AL - (1 - Y) / (1 - AL)) / AL.shape[1]


@catalogued(
    "dAL",
    "Y_AL_swapped",
    "Y and AL are swapped: you divided by Y and 1 - Y, which are 0 for some labels (so dAL is inf)",
    "The loss is differentiated with respect to the prediction a: the derivative of "
    "log(a) is 1/a. The labels are data, and 0 or 1.",
    stage="dA2",
)
def _dal_Y_AL_swapped(AL, Y):
    with np.errstate(divide="ignore"):  # the labels are 0 or 1: inf, as the student gets
        return -(AL / Y - (1 - AL) / (1 - Y))
