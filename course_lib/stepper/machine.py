"""The ``Stepper``: where the student is, what they chose, and the numbers it shows, cached
per configuration; every setter validates untrusted input."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace

from course_lib.activations import HIDDEN_ACTIVATIONS
from course_lib.checks import ONE_OVER_M
from course_lib.derivation import expand
from course_lib.diagnose import MISTAKES, find_mistake
from course_lib.functions import serving
from course_lib.guarded import DEFAULT_TIME_LIMIT
from course_lib.stages import STAGE_KEYS, Stage
from course_lib.stepper.inputs import (
    clamp_entry,
    parse_shape,
    safe_repr,
    sign_of,
    to_bool,
    to_choice,
    to_int,
)
from course_lib.stepper.numbers import (
    M_RANGE,
    N_STAGES,
    SEED_RANGE,
    Computed,
    Config,
    compared,
    compute,
    traced,
)
from course_lib.student import Comparison, mistake_functions, suited_hidden

SIGNS = ("positive", "negative", "zero")
CACHE_SIZE = 24
NO_MISTAKE = "none"  # mistake mode off
MISTAKE_IDS = tuple(m.id for m in MISTAKES)


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
    mistake: str | None = None  # mistake mode: the catalogued mistake's id shown, or None


# ----------------------------------------------------------------------------- the machine


class Stepper:
    """The stepper's state (``state``) and the numbers it shows, cached per configuration."""

    def __init__(
        self,
        config: Config | None = None,
        cache_size: int = CACHE_SIZE,
        student: dict | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT,
    ):
        """student : course function names -> the student's functions (``compare``'s
        ``functions``), shown beside the reference; None or {} for the plain stepper.
        Without a ``config``, the hidden activation is one that all of them take part in.
        time_limit : seconds a call of the student's code may take."""
        self._cache: OrderedDict = OrderedDict()
        self._comparisons: OrderedDict = OrderedDict()  # (config, mistake) -> Comparison
        self._annotations: OrderedDict = OrderedDict()  # (config, mistake) -> Annotation
        self._cache_size = max(1, int(cache_size))
        self.computations = 0  # configurations computed (cache misses)
        self.cache_hits = 0
        self.comparisons = 0  # passes compared (cache misses)
        self.student, self.time_limit = (dict(student) if student else None), time_limit
        if config is None and self.student:
            config = Config(hidden=(*serving(self.student), "relu")[0])
        self.state = State(config=config or Config())
        self._compared(self.state.config, None)  # a bad ``student`` dict raises here

    # -- reading ----------------------------------------------------------------------

    def _remember(self, cache: OrderedDict, key, make):
        """``cache[key]``, made by ``make()`` if missing; the least recently used go."""
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        cache[key] = make()
        while len(cache) > self._cache_size:
            cache.popitem(last=False)
        return cache[key]

    def _computed(self, config: Config) -> Computed:
        hit = config in self._cache
        result = self._remember(self._cache, config, lambda: compute(config))
        self.cache_hits, self.computations = self.cache_hits + hit, self.computations + (not hit)
        return result

    def _compared(self, config: Config, mistake: str | None) -> Comparison | None:
        functions = mistake_functions(mistake) if mistake else self.student
        computed = self._computed(config)
        if not functions:
            return None
        self.comparisons += (config, mistake) not in self._comparisons
        return self._remember(
            self._comparisons,
            (config, mistake),
            lambda: compared(functions, computed, self.time_limit),
        )

    def _annotated(self, config: Config, mistake: str | None):
        functions = mistake_functions(mistake) if mistake else self.student
        comparison = self._compared(config, mistake)
        if comparison is None:
            return None
        return self._remember(
            self._annotations,
            (config, mistake),
            lambda: traced(functions, self._computed(config), comparison, self.time_limit),
        )

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
    def functions(self) -> dict | None:
        """The functions of the pass shown beside the reference: the catalogued mistake's in
        mistake mode, else the student's; None for the plain stepper."""
        return mistake_functions(self.state.mistake) if self.state.mistake else self.student

    @property
    def comparison(self) -> Comparison | None:
        """That pass judged stage by stage (``course_lib.student.Comparison``), or None."""
        return self._compared(self.state.config, self.state.mistake)

    @property
    def annotation(self):
        """Which line of that pass's functions computed each stage
        (``course_lib.student.Annotation``), or None for the plain stepper."""
        return self._annotated(self.state.config, self.state.mistake)

    @property
    def mistake(self):
        """The catalogued mistake shown in mistake mode (a ``diagnose.Mistake``), or None."""
        return find_mistake(self.state.mistake) if self.state.mistake else None

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

    def set_student(self, functions) -> str:
        """Put ``functions`` (course names -> functions) in the second pass, or take it away
        ({} or None); mistake mode ends. A bad dict raises ``CourseInputError`` (the caller's
        error, as for ``Stepper(student=...)``)."""
        before = self.student
        self.student = dict(functions) if functions else None
        self._comparisons.clear()
        self._annotations.clear()
        try:
            self._compared(self.state.config, None)
        except Exception:
            self.student = before
            raise
        if self.student and self.state.config.hidden not in serving(self.student):
            hidden = (*serving(self.student), self.state.config.hidden)[0]
            self.state = replace(self.state, config=replace(self.state.config, hidden=hidden))
        self.state = replace(self.state, mistake=None)
        return ""

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
        self._compared(config, self.state.mistake)
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

    def set_mistake(self, value) -> str:
        """Mistake mode: show a pass that makes the catalogued mistake ``value`` (its id), or
        ``"none"`` for none. Where the hidden activation hides the mistake (its function takes
        no part, or it makes no difference there), switch to one that shows it and say so."""
        if isinstance(value, str) and value == NO_MISTAKE:
            mistake = None
        elif isinstance(value, str) and value in MISTAKE_IDS:
            mistake = value
        else:
            return f"Show a mistake must be none or a catalogued mistake; got {safe_repr(value)}."
        config, message = self.state.config, ""
        if mistake and not self._shows(config, mistake):
            suited = suited_hidden(find_mistake(mistake).exercise)
            if suited != config.hidden:
                config = replace(config, hidden=suited)
                message = (
                    f"This mistake is in {next(iter(mistake_functions(mistake)))} and "
                    f"shows with a {suited} hidden layer: the hidden activation is now "
                    f"{suited}."
                )
        if (config, mistake) != (self.state.config, self.state.mistake):
            self._compared(config, mistake)
            self.state = replace(
                self.state, config=config, mistake=mistake, prediction=Prediction()
            )
        return message

    def _shows(self, config: Config, mistake: str) -> bool:
        """Whether the pass under ``config`` uses the mistake's function and departs."""
        return (
            config.hidden in serving(mistake_functions(mistake))
            and self._compared(config, mistake).first_wrong is not None
        )

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
            self.state = replace(
                self.state, prediction=replace(self.state.prediction, revealed=True)
            )
        return ""


def prediction_feedback(stage: Stage, entry: tuple, shape: tuple | None, sign: str | None) -> str:
    """Plain-text feedback on a prediction for ``stage`` (either part may be None)."""
    parts = []
    of, symbolic = stage.spec.of, stage.spec.shape
    if shape is not None:
        if tuple(shape) == stage.shape:
            parts.append(
                f"Shape {stage.shape}: right. {stage.key} has the shape of {of}, {symbolic}."
            )
        else:
            parts.append(
                f"Shape: not quite. You said {tuple(shape)}; {stage.key} has shape "
                f"{stage.shape}, the shape of {of}, {symbolic}: a gradient always has "
                f"the shape of what it is the gradient of."
            )
    if sign is not None:
        value = float(stage.value[entry])
        actual = sign_of(value)
        where = f"{stage.key}[{entry[0]}, {entry[1]}] = {value:.4g}"
        if sign == actual:
            parts.append(f"Sign: right, {where} is {actual}.")
        else:
            parts.append(f"Sign: not this time. You said {sign}; {where} is {actual}.")
    return " ".join(parts)
