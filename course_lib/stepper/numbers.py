"""The stepper's numbers: what the student chose (``Config``), one configuration's numbers
(``Computed``, made by ``compute``), the saturated demo, and the comparison of a second pass
(the student's or a catalogued mistake's) on the configuration's own net."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from course_lib.activations import ACTIVATIONS
from course_lib.checks import SaturationWarning, check_product_finite, checked_after
from course_lib.data import make_problem
from course_lib.gradcheck import GradCheckReport, gradient_check
from course_lib.stages import STAGE_KEYS, BackwardPass, backward_stages
from course_lib.student import Comparison, annotate, compare

N_X, N_H, N_Y = 3, 4, 1
N_STAGES = len(STAGE_KEYS)
M_RANGE = (1, 20)
SEED_RANGE = (0, 9999)
# |Z2| for the saturated demo: large enough that a confidently wrong example has
# |dA2| ~ exp(|Z2|) > 1e10, small enough (below ~36.7) that sigmoid(Z2) does not round
# to exactly 1.0, where the split form would divide by zero instead of merely blowing up.
SATURATED_Z2 = (25.0, 33.0)


@dataclass(frozen=True)
class Config:
    """What the student chose: it determines every number the stepper shows."""

    hidden: str = "relu"
    m: int = 5
    seed: int = 0
    one_over_m: str = "dW"
    saturate: bool = False


@dataclass(frozen=True)
class Computed:
    """One configuration's numbers: the stages and their finite-difference checks.

    relative_errors : stage key -> relative error against centred finite differences
        (NaN where the check cannot step the array, e.g. a saturated ``A2``).
    saturation : the on-screen explanation of the saturated demo, "" when off.
    gradcheck : the whole report, whose ``describe(key)`` words each stage's verdict
        (passes, passes within rounding, not measurable, FAILS) with the one pass mark.
    """

    config: Config
    bp: BackwardPass
    relative_errors: dict
    saturation: str
    gradcheck: GradCheckReport | None = None


# ----------------------------------------------------------------------------- numbers


def saturated_output_layer(
    X, parameters: dict, hidden: str, Y, low: float = SATURATED_Z2[0], high: float = SATURATED_Z2[1]
) -> dict:
    """New parameters whose output layer puts every ``|Z2|`` in ``[low, high]``.

    ``W2`` and ``b2`` are rescaled (nothing else changes) so that ``Z2`` lands on the side
    that most labels disagree with: those examples are confidently wrong, and for them the
    split form's ``dA2`` is about ``exp(|Z2|)``. Returns a new dict; the input is untouched.
    """
    W1, b1, W2 = parameters["W1"], parameters["b1"], parameters["W2"]
    with checked_after():
        u = W2 @ ACTIVATIONS[hidden].g(W1 @ X + b1)  # (n_y, m), Z2 before bias and scaling
    check_product_finite(
        u, {"X": X, "W1": W1, "b1": b1, "W2": W2}, where="saturated_output_layer (W2 g(W1 X + b1))"
    )
    direction = 1.0 if np.sum(Y == 0) >= np.sum(Y == 1) else -1.0
    mid, half = (low + high) / 2, (high - low) / 2
    span = float(u.max() - u.min())
    k = min(2 * half / span, 1e3) if span > 0 else 0.0
    u_mid = (float(u.max()) + float(u.min())) / 2
    return dict(
        parameters,
        W2=direction * k * W2,
        b2=np.full_like(parameters["b2"], direction * (mid - k * u_mid)),
    )


def saturation_explanation(bp: BackwardPass) -> str:
    """What the saturated demo shows, with this configuration's numbers."""
    Z2, A2 = bp.forward["Z2"], bp.forward["A2"]
    dA2, dZ2 = bp["dA2"].value, bp.slide_grads["dZ2"] * (bp.m if bp.one_over_m == "dZ" else 1)
    gap = float(np.min(np.minimum(A2, 1 - A2)))
    return (
        f"|Z2| lies between {np.min(np.abs(Z2)):.1f} and "
        f"{np.max(np.abs(Z2)):.1f}, so A2 is within {gap:.1e} of 0 or 1. The split form's "
        f"dA2 = -(Y/A2 - (1-Y)/(1-A2)) divides by that: |dA2| reaches "
        f"{np.max(np.abs(dA2)):.3g} on the examples the net gets confidently wrong. The "
        f"slide's dZ2 = A2 - Y never divides and stays between -1 and 1 (here "
        f"{np.min(dZ2):.3g} to {np.max(dZ2):.3g}). Nothing is broken: this is why the "
        f"collapsed form is the safer one. A few units more of |Z2| and A2 rounds to exactly "
        f"1, where the split form divides by zero."
    )


def compute(config: Config) -> Computed:
    """Build the net for ``config``, run both formulations and check every stage."""
    X, Y, parameters = make_problem(n_x=N_X, n_h=N_H, n_y=N_Y, m=config.m, seed=config.seed)
    if config.saturate:
        parameters = saturated_output_layer(X, parameters, config.hidden, Y)
    bp = backward_stages(X, Y, parameters, config.hidden, config.one_over_m)
    report = gradient_check(bp.grads(), X, Y, parameters, config.hidden)
    return Computed(
        config,
        bp,
        dict(report.relative_errors),
        saturation_explanation(bp) if config.saturate else "",
        report,
    )


def compared(functions: dict, computed: Computed, time_limit: float) -> Comparison:
    """``compare`` on the configuration's own net; the net is copied, so a function that
    changes its arguments in place cannot change the stepper's numbers.

    The saturated demo's warning is not repeated: the reference's stages carry it already
    (``Stage.notes``), and the student's own warnings are in ``Comparison.reports``.
    """
    bp, config = computed.bp, computed.config
    net = (bp.X.copy(), bp.Y.copy(), {k: v.copy() for k, v in bp.parameters.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaturationWarning)
        return compare(
            functions, config.hidden, config.seed, m=config.m, net=net, time_limit=time_limit
        )


def traced(functions: dict, computed: Computed, comparison: Comparison, time_limit: float):
    """``annotate`` on the configuration's own net (a copy): which line of each function
    computed each stage, and the values of the stages only the trace sees."""
    bp, config = computed.bp, computed.config
    net = (bp.X.copy(), bp.Y.copy(), {k: v.copy() for k, v in bp.parameters.items()})
    return annotate(
        functions,
        config.hidden,
        config.seed,
        m=config.m,
        net=net,
        comparison=comparison,
        time_limit=time_limit,
    )
