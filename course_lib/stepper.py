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
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from course_lib.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from course_lib.checks import ONE_OVER_M, check_product_finite, checked_after
from course_lib.data import make_problem
from course_lib.derivation import expand
from course_lib.gradcheck import EPSILON, TOLERANCE, gradient_check
from course_lib.stages import STAGE_KEYS, BackwardPass, Stage, backward_stages

N_X, N_H, N_Y = 3, 4, 1
N_STAGES = len(STAGE_KEYS)
M_RANGE = (1, 20)
SEED_RANGE = (0, 9999)
SIGNS = ("positive", "negative", "zero")
# |Z2| for the saturated demo: large enough that a confidently wrong example has
# |dA2| ~ exp(|Z2|) > 1e10, small enough (below ~36.7) that sigmoid(Z2) does not round
# to exactly 1.0, where the split form would divide by zero instead of merely blowing up.
SATURATED_Z2 = (25.0, 33.0)
CACHE_SIZE = 24
MAX_TEXT = 40  # longest text input a setter looks at

# The array each stage is the gradient of, with its shape in the course's symbols.
GRADIENT_OF = {
    "dA2": ("A2", "(n_y, m)"), "dZ2": ("Z2", "(n_y, m)"), "dW2": ("W2", "(n_y, n_h)"),
    "db2": ("b2", "(n_y, 1)"), "dA1": ("A1", "(n_h, m)"), "dZ1": ("Z1", "(n_h, m)"),
    "dW1": ("W1", "(n_h, n_x)"), "db1": ("b1", "(n_h, 1)"), "dA0": ("X", "(n_x, m)"),
}


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
    """

    config: Config
    bp: BackwardPass
    relative_errors: dict
    saturation: str


@dataclass(frozen=True)
class Prediction:
    """Predict-then-reveal for the current stage."""

    shape: tuple | None = None
    sign: str | None = None
    feedback: str = ""
    revealed: bool = False


@dataclass(frozen=True)
class State:
    """Where the stepper is. Replaced, never modified."""

    config: Config = Config()
    index: int = 1  # 1..9
    entry: tuple = (0, 0)  # as picked; each stage shows it clamped to its own shape
    predict_mode: bool = False
    prediction: Prediction = Prediction()


# ----------------------------------------------------------------------------- numbers


def saturated_output_layer(X, parameters: dict, hidden: str, Y, low: float = SATURATED_Z2[0],
                           high: float = SATURATED_Z2[1]) -> dict:
    """New parameters whose output layer puts every ``|Z2|`` in ``[low, high]``.

    ``W2`` and ``b2`` are rescaled (nothing else changes) so that ``Z2`` lands on the side
    that most labels disagree with: those examples are confidently wrong, and for them the
    split form's ``dA2`` is about ``exp(|Z2|)``. Returns a new dict; the input is untouched.
    """
    W1, b1, W2 = parameters["W1"], parameters["b1"], parameters["W2"]
    with checked_after():
        u = W2 @ ACTIVATIONS[hidden].g(W1 @ X + b1)  # (n_y, m), Z2 before bias and scaling
    check_product_finite(u, {"X": X, "W1": W1, "b1": b1, "W2": W2},
                         where="saturated_output_layer (W2 g(W1 X + b1))")
    direction = 1.0 if np.sum(Y == 0) >= np.sum(Y == 1) else -1.0
    mid, half = (low + high) / 2, (high - low) / 2
    span = float(u.max() - u.min())
    k = min(2 * half / span, 1e3) if span > 0 else 0.0
    u_mid = (float(u.max()) + float(u.min())) / 2
    return dict(parameters, W2=direction * k * W2,
                b2=np.full_like(parameters["b2"], direction * (mid - k * u_mid)))


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
    return Computed(config, bp, dict(report.relative_errors),
                    saturation_explanation(bp) if config.saturate else "")


# ----------------------------------------------------------------------------- input


def _shown(value) -> str:
    """A short, safe rendering of an untrusted value for a message."""
    try:
        text = repr(value)
    except Exception:  # a hostile object's __repr__ may raise
        text = f"a {type(value).__name__}"
    return text if len(text) <= 30 else text[:27] + "..."


def to_int(value, low: int, high: int, name: str) -> tuple[int | None, str]:
    """``(int in [low, high], message)`` from an untrusted value; ``(None, message)`` if unusable.

    Whole numbers (int, integral float, short digit strings) are clamped into range with a
    message; anything else (NaN, inf, bool, text, objects) is refused with a message.
    """
    refused = f"{name} must be a whole number from {low} to {high}; got {_shown(value)}."
    number = None
    if isinstance(value, (bool, np.bool_)):
        return None, refused
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        number = int(value)
    elif isinstance(value, str) and len(value) <= MAX_TEXT and re.fullmatch(r"\s*-?\d+\s*", value):
        number = int(value)
    if number is None:
        return None, refused
    if number < low or number > high:
        clamped = min(max(number, low), high)
        return clamped, f"{name} must be from {low} to {high}; using {clamped}."
    return number, ""


def to_choice(value, choices: tuple, name: str) -> tuple[str | None, str]:
    """``(value, "")`` if it is one of ``choices``, else ``(None, message)``."""
    if isinstance(value, str) and value in choices:
        return value, ""
    return None, f"{name} must be one of {', '.join(choices)}; got {_shown(value)}."


def to_bool(value, name: str) -> tuple[bool | None, str]:
    """``(bool, "")`` for a real boolean, else ``(None, message)``."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value), ""
    return None, f"{name} must be on or off; got {_shown(value)}."


def parse_shape(text) -> tuple[tuple | None, str]:
    """A predicted shape from text such as ``(4, 5)``, ``4x5`` or ``4 5``; never evaluated."""
    if not isinstance(text, str):
        return None, f"Type the shape as two numbers, like (4, 5); got {_shown(text)}."
    if len(text) > MAX_TEXT:
        return None, f"Type the shape as two numbers, like (4, 5) (at most {MAX_TEXT} characters)."
    match = re.fullmatch(r"\s*\(?\s*(\d{1,4})\s*(?:,|x|\*|\s)\s*(\d{1,4})\s*,?\s*\)?\s*", text,
                         flags=re.IGNORECASE)
    if not match:
        return None, f"Type the shape as two numbers, like (4, 5); got {_shown(text)}."
    return (int(match.group(1)), int(match.group(2))), ""


def sign_of(x: float) -> str:
    """``"positive"``, ``"negative"`` or ``"zero"``."""
    return "positive" if x > 0 else "negative" if x < 0 else "zero"


def clamp_entry(entry: tuple, shape: tuple) -> tuple:
    """``entry`` moved inside a matrix of ``shape``."""
    return tuple(min(max(int(i), 0), n - 1) for i, n in zip(entry, shape, strict=True))


# ----------------------------------------------------------------------------- the machine


class Stepper:
    """The stepper's state (``state``) and the numbers it shows, cached per configuration."""

    def __init__(self, config: Config | None = None, cache_size: int = CACHE_SIZE):
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = max(1, int(cache_size))
        self.computations = 0  # configurations computed (cache misses)
        self.cache_hits = 0
        self.state = State(config=config or Config())
        self._computed(self.state.config)

    # -- reading ----------------------------------------------------------------------

    def _computed(self, config: Config) -> Computed:
        if config in self._cache:
            self._cache.move_to_end(config)
            self.cache_hits += 1
            return self._cache[config]
        result = compute(config)
        self.computations += 1
        self._cache[config] = result
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return result

    @property
    def computed(self) -> Computed:
        return self._computed(self.state.config)

    @property
    def config(self) -> Config:
        return self.state.config

    @property
    def index(self) -> int:
        return self.state.index

    @property
    def stage(self) -> Stage:
        return self.computed.bp.stages[self.state.index - 1]

    @property
    def entry(self) -> tuple:
        """The selected entry, clamped to the current stage's shape."""
        return self.entry_at(self.state.index)

    def entry_at(self, index: int) -> tuple:
        """The selected entry as stage ``index`` (1..9) shows it."""
        return clamp_entry(self.state.entry, self.computed.bp.stages[index - 1].shape)

    @property
    def relative_error(self) -> float:
        return self.computed.relative_errors[self.stage.key]

    @property
    def revealed(self) -> bool:
        """Whether the stage's values may be shown (always, outside predict mode)."""
        return not self.state.predict_mode or self.state.prediction.revealed

    @property
    def explanation(self) -> str:
        """The saturated demo's explanation ("" when the output is not saturated)."""
        return self.computed.saturation

    def expansion(self, index: int | None = None):
        """The selected entry of stage ``index`` (default: the current one) written as an
        index-notation sum (a ``derivation.Expansion``)."""
        index = index or self.state.index
        return expand(self.computed.bp, STAGE_KEYS[index - 1], self.entry_at(index))

    # -- moving -----------------------------------------------------------------------

    def _go(self, index: int) -> None:
        if index == self.state.index:
            return
        self.state = replace(self.state, index=index, prediction=Prediction())

    def next(self) -> str:
        """One stage on (stays at stage 9)."""
        self._go(min(self.state.index + 1, N_STAGES))
        return ""

    def previous(self) -> str:
        """One stage back (stays at stage 1)."""
        self._go(max(self.state.index - 1, 1))
        return ""

    def jump(self, index) -> str:
        """Go to stage ``index`` (1..9), clamped; refuses what is not a whole number."""
        number, message = to_int(index, 1, N_STAGES, "The stage")
        if number is not None:
            self._go(number)
        return message

    # -- configuring --------------------------------------------------------------------

    def _configure(self, **changes) -> None:
        config = replace(self.state.config, **changes)
        if config == self.state.config:
            return
        self._computed(config)
        self.state = replace(self.state, config=config, prediction=Prediction())

    def set_hidden(self, value) -> str:
        hidden, message = to_choice(value, HIDDEN_ACTIVATIONS, "The hidden activation")
        if hidden is not None:
            self._configure(hidden=hidden)
        return message

    def set_m(self, value) -> str:
        m, message = to_int(value, *M_RANGE, "The number of examples m")
        if m is not None:
            self._configure(m=m)
        return message

    def set_seed(self, value) -> str:
        seed, message = to_int(value, *SEED_RANGE, "The seed")
        if seed is not None:
            self._configure(seed=seed)
        return message

    def set_one_over_m(self, value) -> str:
        where, message = to_choice(value, ONE_OVER_M, "Where 1/m lives")
        if where is not None:
            self._configure(one_over_m=where)
        return message

    def set_saturate(self, value) -> str:
        on, message = to_bool(value, "Saturate the output")
        if on is not None:
            self._configure(saturate=on)
        return message

    def select_entry(self, row, col) -> str:
        """Select entry ``(row, col)`` of the current matrix, clamped to its shape."""
        rows, cols = self.stage.shape
        r, m_row = to_int(row, 0, rows - 1, "The row")
        c, m_col = to_int(col, 0, cols - 1, "The column")
        entry = (self.entry[0] if r is None else r, self.entry[1] if c is None else c)
        if entry != self.state.entry:
            self.state = replace(self.state, entry=entry)
        return " ".join(m for m in (m_row, m_col) if m)

    # -- predict, then reveal -------------------------------------------------------------

    def set_predict_mode(self, value) -> str:
        on, message = to_bool(value, "Predict before revealing")
        if on is not None and on != self.state.predict_mode:
            self.state = replace(self.state, predict_mode=on, prediction=Prediction())
        return message

    def predict(self, shape_text, sign) -> str:
        """Judge a predicted shape and sign of the selected entry; reveal the stage.

        Either part may be left out (empty text, ``sign=None``). Returns a message only
        for input that could not be read; the judgement is in ``state.prediction.feedback``.
        """
        blank = shape_text is None or (isinstance(shape_text, str) and not shape_text.strip())
        shape, shape_msg = (None, "") if blank else parse_shape(shape_text)
        sign_msg = ""
        if sign is not None and not (isinstance(sign, str) and sign in SIGNS):
            sign, sign_msg = None, f"The sign must be one of {', '.join(SIGNS)}."
        message = " ".join(m for m in (shape_msg, sign_msg) if m)
        if shape is None and sign is None:
            return message or "Predict the shape, the sign of the entry, or both; or press Reveal."
        feedback = prediction_feedback(self.stage, self.entry, shape, sign)
        self.state = replace(self.state, prediction=Prediction(shape, sign, feedback, True))
        return message

    def reveal(self) -> str:
        """Show the stage's values without (or after) predicting."""
        if not self.state.prediction.revealed:
            self.state = replace(self.state, prediction=replace(self.state.prediction,
                                                                revealed=True))
        return ""


def prediction_feedback(stage: Stage, entry: tuple, shape: tuple | None,
                        sign: str | None) -> str:
    """Plain-text feedback on a prediction for ``stage`` (either part may be None)."""
    parts = []
    of, symbolic = GRADIENT_OF[stage.key]
    if shape is not None:
        if tuple(shape) == stage.shape:
            parts.append(f"Shape {stage.shape}: right. {stage.key} has the shape of {of}, "
                         f"{symbolic}.")
        else:
            parts.append(f"Shape: not quite. You said {tuple(shape)}; {stage.key} has shape "
                         f"{stage.shape}, the shape of {of}, {symbolic}: a gradient always has "
                         f"the shape of what it is the gradient of.")
    if sign is not None:
        value = float(stage.value[entry])
        actual = sign_of(value)
        where = f"{stage.key}[{entry[0]}, {entry[1]}] = {value:.4g}"
        if sign == actual:
            parts.append(f"Sign: right, {where} is {actual}.")
        else:
            parts.append(f"Sign: not this time. You said {sign}; {where} is {actual}.")
    return " ".join(parts)


def finite_difference_note(stage: Stage, error: float) -> str:
    """Plain-text verdict on one stage's finite-difference relative error."""
    if math.isnan(error):
        return (f"not measurable here: the check steps every entry by {EPSILON:g}, and A2 is "
                f"closer than that to 0 or 1, where the cross-entropy is undefined")
    verdict = "ok" if error < TOLERANCE else "above"
    return f"{error:.2e} ({verdict}, tolerance {TOLERANCE:g})"
