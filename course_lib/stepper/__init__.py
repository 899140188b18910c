"""The backward-pass stepper as a pure state machine (no widgets, no figures).

A ``Stepper`` walks the nine stage records of ``course_lib.stages`` for one
configuration of a small 2-layer net (``n_x = 3, n_h = 4, n_y = 1``):

- where it is: the current stage (1..9), moved by ``next``, ``previous``, ``jump``;
- what it shows: the ``Config`` (hidden activation, ``m``, seed, where 1/m lives,
  whether the output is saturated), the selected entry ``(row, col)`` (kept as
  picked, shown clamped to each stage's shape), and the predict-then-reveal state.

Every setter takes untrusted input (a browser can send any value for a synced
widget trait): it clamps or refuses what it cannot use, never raises for it, and
returns a short message for the student ("" when the value was fine).

The numbers of one configuration -- the ``BackwardPass`` and the finite-difference
relative error of every stage -- are computed once and kept in a small cache, so
stepping never recomputes anything and switching back to a configuration is free.

A second pass may be shown beside the reference: the student's own functions
(``Stepper(student={"linear_backward": linear_backward, ...})``) or, in mistake mode, a
catalogued mistake standing in for its function (``set_mistake(id)``: no student code
runs). ``comparison`` is ``course_lib.student.compare`` on the configuration's own net,
cached per configuration like the numbers, so stepping never recomputes it either.

The modules: ``numbers`` (``Config``, ``Computed``, ``compute``, the saturated demo,
``compared``), ``inputs`` (reading untrusted values: ``to_int``, ``parse_shape``, ...,
and ``safe_repr``, which shows one in a message) and ``machine`` (``State``, ``Stepper``,
``prediction_feedback``); the names are re-exported here. To replace one in a test, patch
the module that uses it (``course_lib.stepper.machine.compute``).
"""

from course_lib.stepper.inputs import (
    clamp_entry,
    parse_shape,
    safe_repr,
    sign_of,
    to_bool,
    to_choice,
    to_int,
)
from course_lib.stepper.machine import (
    CACHE_SIZE,
    MISTAKE_IDS,
    NO_MISTAKE,
    SIGNS,
    Prediction,
    State,
    Stepper,
    prediction_feedback,
)
from course_lib.stepper.numbers import (
    M_RANGE,
    N_H,
    N_STAGES,
    N_X,
    N_Y,
    SATURATED_Z2,
    SEED_RANGE,
    Computed,
    Config,
    compared,
    compute,
    saturated_output_layer,
    saturation_explanation,
)

__all__ = [
    "CACHE_SIZE",
    "MISTAKE_IDS",
    "M_RANGE",
    "NO_MISTAKE",
    "N_H",
    "N_STAGES",
    "N_X",
    "N_Y",
    "SATURATED_Z2",
    "SEED_RANGE",
    "SIGNS",
    "Computed",
    "Config",
    "Prediction",
    "State",
    "Stepper",
    "clamp_entry",
    "compared",
    "compute",
    "parse_shape",
    "prediction_feedback",
    "safe_repr",
    "saturated_output_layer",
    "saturation_explanation",
    "sign_of",
    "to_bool",
    "to_choice",
    "to_int",
]
