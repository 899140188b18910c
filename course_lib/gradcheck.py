"""Centred finite differences, entry by entry, for parameters and intermediates.

The check, in one place (every notebook, the stepper and the tests use this one):

- each entry ``x`` of an array is nudged by a step ``h`` (``EPSILON`` = 1e-6) both ways and
  the cost recomputed: ``n = (J(x + h) - J(x - h)) / (2 h)``, the numerical gradient;
- backprop's gradient ``a`` and ``n`` are compared by the course's relative error
  ``||a - n|| / (||a|| + ||n||)`` (``RELATIVE_ERROR``; 0 when both are 0);
- an array passes when its relative error is below ``PASS_MARK`` = 1e-7.

A finite difference has errors of its own, and the check deals with each:

- *rounding*: ``J`` is exact to about 16 digits, and dividing the difference of two costs
  by ``2 h`` multiplies that rounding by ``1/h``. Each entry gets a bound on it,
  ``ROUNDING * (|J(x + h)| + |J(x - h)|) / (2 h)`` (times ``m`` for a per-example stage),
  with ``ROUNDING`` a few units in the last place of a float64.
  A gradient only a few thousand times that bound (a ``db2`` near 0, say) cannot be
  measured to 7 digits; when ``a`` and ``n`` differ by no more than the rounding bound, the
  check cannot tell them apart and the array passes "within rounding";
- *ReLU's kink*: if nudging an entry moves some ``Z1`` across 0, the difference measures
  neither side's slope. The step for that entry is made 10 times smaller (up to 3 times)
  until no ``Z1`` changes sign; an entry that still crosses is not measurable;
- *A2 near 0 or 1*: the cross-entropy's slope in ``A2`` is ``1 / min(A2, 1 - A2)``, so
  ``dA2``'s step shrinks with the distance ``d`` to 0 or 1 (``h = min(EPSILON, d / 3000)``);
  closer than ``SATURATED`` (1e-8), ``1 - A2`` has lost half its digits and ``dA2`` is not
  measurable.

The cost is written from the logits, ``J = (1/m) sum(max(Z2, 0) - Z2*Y + log(1 + exp(-|Z2|)))``,
which equals the cross-entropy of ``sigmoid(Z2)`` and stays finite when the output
saturates. Each intermediate (``A2, Z2, A1, Z1, X``) gets its own function of the rest of
the forward pass, so ``dA1`` and ``dZ1`` are checked directly, not only through ``dW`` and
``db``. Stages ``dA2 .. dZ1, dA0`` are per-example ``dL`` (``m`` times ``dJ``); the
numerical gradients here follow the same convention, so they compare one to one with
``course_lib.stages``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

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
from course_lib.stages import OUTPUT_DA, STAGE_KEYS, STAGES

EPSILON = 1e-6  # the step h
PASS_MARK = 1e-7
TOLERANCE = PASS_MARK  # the name the pass mark had first
# Relative rounding of one computed cost: a few units in the last place of a float64 (each
# loss is an exp, a log1p and a sum; 4 x 2.2e-16 bounds what 48,000 stepper nets showed).
ROUNDING = 4 * float(np.finfo(np.float64).eps)
SATURATED = 1e-8  # A2 this close to 0 or 1: dA2 cannot be measured
KINK_RETRIES = 3  # times a step is made 10x smaller to keep every Z1 on its side of 0

RELATIVE_ERROR = "||a - n|| / (||a|| + ||n||)"
RELATIVE_ERROR_LATEX = (
    r"\text{relative error} = \frac{\lVert a - n \rVert}"
    r"{\lVert a \rVert + \lVert n \rVert}"
)

PASSES, WITHIN_ROUNDING, FAILS, NOT_MEASURABLE = (
    "passes",
    "passes within rounding",
    "fails",
    "not measurable",
)


def power_text(x: float) -> str:
    """A power of ten as the notebooks write it: ``1e-07 -> "1e-7"``."""
    exponent = math.log10(x)
    return f"1e{round(exponent)}" if math.isclose(exponent, round(exponent)) else f"{x:g}"


PASS_MARK_TEXT = power_text(PASS_MARK)
EPSILON_TEXT = power_text(EPSILON)


def cost_from_logits(Z2, Y) -> float:
    """Cross-entropy of ``sigmoid(Z2)`` against ``Y``, averaged over the m columns."""
    Z2 = np.asarray(Z2, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    losses = np.maximum(Z2, 0) - Z2 * Y + np.log1p(np.exp(-np.abs(Z2)))
    return float(np.sum(losses) / Z2.shape[1])


def cross_entropy(A2, Y) -> float:
    """Cross-entropy of probabilities ``A2``, NaN where an ``A2`` lies outside (0, 1).

    No clipping: the finite differences for ``dA2`` step ``A2``, which is only valid away
    from 0 and 1; there the NaN makes the check report the stage as not measurable.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / A2.shape[1])


def numerical_gradient(f, x: np.ndarray, epsilon: float = EPSILON) -> np.ndarray:
    """``(f(x + e) - f(x - e)) / (2 e)`` for every entry of ``x``; ``x`` is not modified."""
    return _differences(Probe(f, x), epsilon).value


def relative_error(analytic, numeric, name: str = "gradient") -> float:
    """``||a - n|| / (||a|| + ||n||)``, 0 when both are exactly zero."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise CourseInputError(f"{name} has shape {a.shape}, expected {n.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


# ----------------------------------------------------------------------------- the differences


@dataclass(frozen=True)
class Probe:
    """What one array's finite differences need.

    f : the cost as a function of the array; x : the array; scale : ``m`` for a per-example
    stage, 1 for a parameter; pattern : which ReLU units are on, as a function of the array
    (None when the hidden activation has no kink); steps : the step of each entry (None:
    ``epsilon`` for all); reason : why the array cannot be measured at all ("" if it can).
    """

    f: object
    x: np.ndarray
    scale: float = 1.0
    pattern: object = None
    steps: np.ndarray | None = None
    reason: str = ""


@dataclass(frozen=True)
class Differences:
    """The numerical gradient (NaN where not measurable) and each entry's rounding bound."""

    value: np.ndarray
    rounding: np.ndarray
    reason: str = ""


def _differences(probe: Probe, epsilon: float) -> Differences:
    x = np.array(probe.x, dtype=np.float64)  # a private copy to perturb
    grad = np.full_like(x, np.nan)
    rounding = np.zeros_like(x)
    if probe.reason:
        return Differences(grad, rounding, probe.reason)
    reason = ""
    for idx in np.ndindex(x.shape):
        old = x[idx]
        h = epsilon if probe.steps is None else float(probe.steps[idx])
        for _ in range(KINK_RETRIES + 1):
            x[idx] = old + h
            plus, on_plus = probe.f(x), probe.pattern and probe.pattern(x)
            x[idx] = old - h
            minus, on_minus = probe.f(x), probe.pattern and probe.pattern(x)
            x[idx] = old
            crossed = probe.pattern is not None and not np.array_equal(on_plus, on_minus)
            if not crossed:
                break
            h /= 10
        if crossed:
            where = ", ".join(str(int(i)) for i in idx)
            reason = reason or (
                f"entry [{where}] sits on ReLU's kink: even a step of "
                f"{h * 10:.0e} moves a Z1 across 0"
            )
            continue
        grad[idx] = probe.scale * (plus - minus) / (2 * h)
        rounding[idx] = probe.scale * ROUNDING * (abs(plus) + abs(minus)) / (2 * h)
    if not reason and not np.all(np.isfinite(grad)):
        reason = "the cost is not finite one step away from this array"
    return Differences(grad, rounding, reason)


def _dA2_probe(A2, Y, m: int) -> Probe:
    """``dA2``'s steps shrink with the distance to 0 or 1; too close, not measurable."""
    distance = np.minimum(A2, 1 - A2)
    closest = np.unravel_index(np.argmin(distance), distance.shape)
    reason = ""
    if distance[closest] < SATURATED:
        where = ", ".join(str(int(i)) for i in closest)
        reason = (
            f"A2[{where}] = {float(A2[closest])!r} is within {power_text(SATURATED)} of 0 "
            f"or 1, where 1 - A2 has lost most of its digits: no step of A2 gives a "
            f"trustworthy cost"
        )
    return Probe(
        lambda a2: cross_entropy(a2, Y),
        A2,
        m,
        steps=np.minimum(EPSILON, distance / 3000),
        reason=reason,
    )


def stage_probes(X, Y, parameters: dict, hidden: str, epsilon: float = EPSILON) -> dict:
    """For each stage key, the ``Probe`` of the array it is the gradient of.

    With a ReLU hidden layer the probes upstream of ``Z1`` watch which units are on, unless
    no step of ``epsilon`` can move any ``Z1`` across 0 (the usual case: it costs time).
    """
    where = "gradient check"
    X, W1, b1, W2, b2 = check_two_layer(X, parameters, where)
    Y = as_labels(Y, where=where)
    expect_shape("Y", Y, (W2.shape[0], X.shape[1]), where=where + " (Y is (n_y, m))")
    for name, arr in (("X", X), ("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        expect_finite(name, arr, where=where)
    hidden = check_hidden(hidden)
    g = hidden.g
    m = X.shape[1]
    with checked_after():  # every operand is finite; a product can still overflow
        Z1 = W1 @ X + b1
        A1 = g(Z1)
        Z2 = W2 @ A1 + b2
    check_product_finite(Z2, {}, where=where + " (Z2 = W2 g(W1 X + b1) + b2)")
    A2 = sigmoid(Z2)
    # A step h of one entry moves a Z1 by at most h * max(1, |X|, |W1|) (through b1 or Z1
    # itself, W1, X): a Z1 farther from 0 than that stays on its side.
    reach = 10 * epsilon * max(1.0, float(np.max(np.abs(X))), float(np.max(np.abs(W1))))
    kinks = hidden.name == "relu" and float(np.min(np.abs(Z1))) <= reach

    arrays = {"X": X, "W1": W1, "b1": b1, "Z1": Z1, "A1": A1, "W2": W2, "b2": b2, "Z2": Z2}

    def probe(spec) -> Probe:
        """J as a function of the array ``spec.of``, the forward pass rerun below it."""
        if spec.step == OUTPUT_DA:  # the cost straight from A2
            return _dA2_probe(A2, Y, m)
        upstream = spec.of in _UPSTREAM_OF_Z1

        def logits_and_z1(v):
            a = {**arrays, spec.of: v}
            z1 = a["W1"] @ a["X"] + a["b1"] if spec.of in ("X", "W1", "b1") else a["Z1"]
            a1 = g(z1) if upstream else a["A1"]
            z2 = a["W2"] @ a1 + a["b2"] if spec.of != "Z2" else a["Z2"]
            return z2, z1

        watches = kinks and upstream  # ReLU's on/off pattern of Z1, for the kinks
        return Probe(
            lambda v: cost_from_logits(logits_and_z1(v)[0], Y),
            arrays[spec.of],
            m if spec.kind == "dL" else 1,
            pattern=(lambda v: logits_and_z1(v)[1] > 0) if watches else None,
        )

    return {spec.key: probe(spec) for spec in STAGES}


# The arrays a step of which moves Z1 (and so, with ReLU, may switch a unit on or off).
_UPSTREAM_OF_Z1 = ("X", "W1", "b1", "Z1")


def stage_cost_functions(X, Y, parameters: dict, hidden: str) -> dict:
    """For each stage key, ``(J as a function of that array, the array, scale)``: ``scale``
    turns the numerical ``dJ`` into the stage's convention, ``m`` for the per-example
    ``dA``/``dZ`` stages, 1 for ``dW``/``db`` (notebook 02 differentiates ``J`` by hand)."""
    probes = stage_probes(X, Y, parameters, hidden)
    return {k: (p.f, p.x, p.scale) for k, p in probes.items()}


def _stage_differences(X, Y, parameters, hidden, keys, epsilon) -> dict:
    probes = stage_probes(X, Y, parameters, hidden, epsilon)
    out = {}
    for key in keys:
        if key not in probes:
            raise CourseInputError(f"no stage {key!r}; stages are {list(STAGE_KEYS)}")
        out[key] = _differences(probes[key], epsilon)
    return out


def numerical_stage_gradients(
    X, Y, parameters: dict, hidden: str = "relu", keys=STAGE_KEYS, epsilon: float = EPSILON
) -> dict:
    """Finite-difference value of each stage in ``keys``, in the stage's convention
    (NaN where the stage cannot be measured)."""
    return {
        k: d.value for k, d in _stage_differences(X, Y, parameters, hidden, keys, epsilon).items()
    }


# ----------------------------------------------------------------------------- the verdict


@dataclass(frozen=True)
class GradCheckReport:
    """Relative error per stage (backward order) and each stage's verdict.

    relative_errors : key -> the course's relative error (NaN: not measurable);
    tolerance : the pass mark; differences : key -> ``||a - n||``; rounding : key -> the
    norm of the entries' rounding bounds; reasons : key -> why a stage is not measurable.
    """

    relative_errors: dict
    tolerance: float = PASS_MARK
    differences: dict = field(default_factory=dict)
    rounding: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)

    def verdict(self, key: str) -> str:
        """``PASSES``, ``WITHIN_ROUNDING``, ``FAILS`` or ``NOT_MEASURABLE``."""
        err = self.relative_errors[key]
        if key in self.reasons or math.isnan(err):
            return NOT_MEASURABLE if key in self.reasons else FAILS
        if err < self.tolerance:
            return PASSES
        if key in self.differences and self.differences[key] <= self.rounding.get(key, 0.0):
            return WITHIN_ROUNDING
        return FAILS

    @property
    def verdicts(self) -> dict:
        return {k: self.verdict(k) for k in self.relative_errors}

    @property
    def first_failure(self) -> str | None:
        return next((k for k, v in self.verdicts.items() if v == FAILS), None)

    @property
    def passed(self) -> bool:
        """Every stage passes (a stage that cannot be measured has not passed)."""
        return all(v in (PASSES, WITHIN_ROUNDING) for v in self.verdicts.values())

    def describe(self, key: str) -> str:
        """One stage's result in a sentence, with the pass mark."""
        return describe(
            self.relative_errors[key],
            self.verdict(key),
            self.differences.get(key),
            self.rounding.get(key),
            self.reasons.get(key, ""),
            self.tolerance,
        )

    def __str__(self) -> str:
        lines = [f"{k:>4}: {self.describe(k)}" for k in self.relative_errors]
        failure = self.first_failure
        verdict = (
            "all stages pass"
            if self.passed
            else f"first failure: {failure}"
            if failure
            else "some stages are not measurable"
        )
        return "\n".join(lines + [verdict])


def describe(
    error: float,
    verdict: str,
    difference: float | None = None,
    rounding: float | None = None,
    reason: str = "",
    pass_mark: float = PASS_MARK,
) -> str:
    """A relative error and its verdict in words, e.g. ``"2.1e-10, passes (pass mark 1e-7)"``."""
    mark = power_text(pass_mark)
    if verdict == NOT_MEASURABLE:
        return f"not measurable: {reason}"
    if verdict == WITHIN_ROUNDING:
        return (
            f"{error:.1e}, passes within rounding: backprop and the finite difference "
            f"differ by {difference:.1e}, no more than the finite difference's own "
            f"rounding ({rounding:.1e}); the gradient is too small to check to the pass "
            f"mark {mark}"
        )
    if verdict == PASSES:
        return f"{error:.1e}, passes (pass mark {mark})"
    return f"{error:.1e}, FAILS (pass mark {mark})"


def gradient_check(
    grads: dict,
    X,
    Y,
    parameters: dict,
    hidden: str = "relu",
    tolerance: float = PASS_MARK,
    epsilon: float = EPSILON,
) -> GradCheckReport:
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
    numeric = _stage_differences(X, Y, parameters, hidden, keys, epsilon)
    errors, differences, rounding, reasons = {}, {}, {}, {}
    for k in keys:
        d = numeric[k]
        errors[k] = relative_error(grads[k], d.value, name=f"grads[{k!r}]")
        if d.reason:
            reasons[k] = d.reason
            continue
        differences[k] = float(np.linalg.norm(np.asarray(grads[k], dtype=np.float64) - d.value))
        rounding[k] = float(np.linalg.norm(d.rounding))
    return GradCheckReport(errors, tolerance, differences, rounding, reasons)


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
