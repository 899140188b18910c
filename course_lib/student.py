"""The student's own backward pass, stage by stage, beside the reference.

``compare(functions, hidden="relu", seed=0)`` runs the stepper's 2-layer net through the
student's functions in place of the reference ones (``assignment.two_layer_backward``'s
``steps`` seam) and judges each of the nine stages twice:

- *as fed*: the student's value, computed from the student's own earlier stages (what
  they would see if they printed it);
- *on its own*: the student's function run on the reference inputs of that stage.

The first stage wrong on its own is where the mistake is ("wrong here"); a later stage
that is right on its own but wrong as fed only inherits it. Each function that is wrong
somewhere is then run by ``course_lib.diagnose.check`` on its exercise's discriminating
test cases, which names the catalogued mistake (one per output it touches).

A whole-pass function (the week-4 ``L_model_backward``, the week-3 slide-form
``backward_propagation``) exposes only what it returns, so its first observable stage
may be ``dW2`` while the mistake sits in ``dZ2``: the catalogue knows where
(``Comparison.mistake_stage``). Every call of student code goes through
``course_lib.guarded.call`` (time limit, overall budget, printed output kept, in-place
changes reported), so ``compare`` never raises because of what the student's code does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from course_lib import assignment, slide
from course_lib.checks import CourseInputError, check_hidden
from course_lib.data import make_problem
from course_lib.diagnose import check, find_mistake
from course_lib.guarded import DEFAULT_TIME_LIMIT, Budget, call, describe_output
from course_lib.stages import STAGE_KEYS, backward_stages

# Course function name -> the diagnose exercise that names its mistakes.
EXERCISE_OF = {
    "compute_dAL": "dAL",
    "sigmoid_backward": "sigmoid_backward",
    "relu_backward": "relu_backward",
    "tanh_backward": "tanh_backward",
    "linear_backward": "linear_backward",
    "linear_activation_backward": "linear_activation_backward",
    "L_model_backward": "L_model_backward",
    "backward_propagation": "backward_propagation",
}
FUNCTION_OF = {exercise: name for name, exercise in EXERCISE_OF.items()}
# The hidden activation a whole-pass function of the course is written for.
WRITTEN_FOR = {"backward_propagation": "tanh", "L_model_backward": "relu"}
BUDGET_SECONDS = 20.0

RIGHT, WRONG_HERE, INHERITS = "right", "wrong here", "inherits"
HIDDEN, NOT_REACHED = "not observable", "not reached"

# What each step of the split returns, in call order (two_layer_backward's order).
_STEP_OUTPUTS = (("dA2",), ("dZ2",), ("dA1", "dW2", "db2"), ("dZ1",), ("dA0", "dW1", "db1"))


@dataclass(frozen=True)
class StudentStage:
    """One stage: the reference value, the student's, and the two judgements."""

    index: int
    key: str
    reference: np.ndarray
    student: np.ndarray | None  # as fed through the student's pass; None if not seen
    function: str | None  # the student's function that computes it (None: the reference's)
    right_as_fed: bool | None
    right_on_its_own: bool | None
    verdict: str  # right, wrong here, inherits, not observable, not reached
    inherits_from: str | None = None
    max_abs_diff: float | None = None


@dataclass(frozen=True)
class Comparison:
    """What ``compare`` found; ``stages`` has the nine records in backward order."""

    hidden: str
    seed: int
    stages: tuple
    first_wrong: str | None = None
    mistake: str | None = None
    mistakes: tuple = ()
    mistake_stage: str | None = None
    hint: str = ""
    error: str | None = None
    unsupported: str | None = None
    feedback: dict = field(default_factory=dict)  # function name -> diagnose.Feedback
    reports: tuple = ()  # what the student's code printed, changed in place or warned

    def __getitem__(self, key: str) -> StudentStage:
        return self.stages[STAGE_KEYS.index(key)]

    @property
    def clean(self) -> bool:
        return not (self.first_wrong or self.error or self.unsupported or self.mistakes)

    def __str__(self) -> str:
        lines = [f"{s.index}. {s.key:>3}: {s.verdict}"
                 + (f" (from {s.inherits_from})" if s.inherits_from else "")
                 for s in self.stages]
        return "\n".join(lines + [summary(self)])


def summary(r: Comparison) -> str:
    """The comparison in a sentence or two."""
    if r.unsupported:
        return r.unsupported
    if r.error:
        return r.error
    if r.first_wrong is None and not r.mistakes:
        return "Every stage agrees with the reference."
    parts = [f"Your pass first departs at {r.first_wrong}." if r.first_wrong else ""]
    if r.mistakes:
        titles = "; ".join(find_mistake(m).title for m in r.mistakes)
        where = f" (made at {r.mistake_stage})" if r.mistake_stage else ""
        parts.append(f"The mistake{where}: {titles}.")
    else:
        parts.append("It is not a mistake in the catalogue: "
                     + " ".join(fb.message for fb in r.feedback.values() if not fb.passed))
    return " ".join(p for p in parts if p)


class _Stopped(Exception):
    """The student's code failed; ``message`` says how."""


class _Runner:
    """Calls the student's functions guarded and keeps what they printed or changed."""

    def __init__(self, functions: dict, time_limit, budget: Budget):
        self.functions, self.time_limit, self.budget = functions, time_limit, budget
        self.reports: list[str] = []  # printed output, in-place changes, warnings
        self.problems: list[str] = []  # unusable outputs, one sentence each
        self.fed: list = []  # the split steps' results, in call order
        self.failed: set[str] = set()  # functions that raised, ran too long or gave nothing

    def run(self, name: str, args: tuple, outputs: tuple, shapes: tuple):
        """``functions[name](*args)`` guarded; raises ``_Stopped`` if nothing usable came back.

        An array of the wrong shape or with NaN is still returned (it is judged wrong);
        its sentence goes to ``problems``.
        """
        outcome = call(self.functions[name], args, name=name, time_limit=self.time_limit,
                       budget=self.budget)
        if outcome.report() and outcome.report() not in self.reports:
            self.reports.append(outcome.report())
        if not outcome.ok:
            self.failed.add(name)
            raise _Stopped(outcome.message)
        if outcome.value is None:
            self.failed.add(name)
            raise _Stopped(describe_output(None, function=name, output=", ".join(outputs)))
        value = outcome.value if len(outputs) > 1 else (outcome.value,)
        if len(outputs) > 1 and (not isinstance(value, tuple) or len(value) != len(outputs)):
            raise _Stopped(f"{name} must return the tuple ({', '.join(outputs)}), got "
                           f"{_kind(value)}.")
        for out, v, shape in zip(outputs, value, shapes, strict=True):
            problem = describe_output(v, function=name, output=out, expected_shape=shape)
            if problem and not isinstance(v, np.ndarray):
                raise _Stopped(problem)
            if problem and problem not in self.problems:
                self.problems.append(problem)
        return value if len(outputs) > 1 else value[0]

    def step(self, name: str):
        """A split step: the student's function (guarded) or the reference's, its result
        recorded, so a pass that stops part-way still shows the stages it computed. An
        unusable array that the next step would read stops the pass there."""
        outputs, shapes = _SIGNATURES[name]
        reference = _REFERENCE[name]

        def stand_in(*args):
            if name not in self.functions:
                value = reference(*args)
                self.fed.append(value)
                return value
            problems = len(self.problems)
            value = self.run(name, args, outputs, shapes(args))
            self.fed.append(value)
            passed_on = value[0] if len(outputs) > 1 else value  # dA_prev, dZ or dAL
            if len(self.problems) > problems and describe_output(
                    passed_on, function=name, output=outputs[0],
                    expected_shape=shapes(args)[0]):
                raise _Stopped(self.problems[-1])
            return value

        return stand_in


def _kind(value) -> str:
    return f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__


def compare(functions: dict, hidden: str = "relu", seed: int = 0, *, m: int = 5,
            net: tuple | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
            budget_seconds: float = BUDGET_SECONDS) -> Comparison:
    """The student's backward pass beside the reference, stage by stage.

    functions : course function names (``compute_dAL``, ``sigmoid_backward``,
        ``relu_backward``, ``tanh_backward``, ``linear_backward``,
        ``linear_activation_backward``, ``L_model_backward``, ``backward_propagation``)
        mapped to the student's functions; every function not given is the reference's.
    hidden : the hidden activation of the 2-layer net ("relu", "tanh" or "sigmoid").
    seed, m : the net of the stepper (``course_lib.data.make_problem``), m examples.
    net : ``(X, Y, parameters)`` of another 2-layer net to use instead (the stepper's own,
        when its configuration changes the net).
    """
    functions = _check_functions(functions)
    hidden = check_hidden(hidden).name
    X, Y, parameters = make_problem(m=m, seed=seed) if net is None else net
    ref = backward_stages(X, Y, parameters, hidden)
    runner = _Runner(functions, time_limit, Budget(budget_seconds))
    whole = next((n for n in WRITTEN_FOR if n in functions), None)
    unsupported = _unsupported(whole, hidden)
    if unsupported:
        return Comparison(hidden, seed, _unjudged(ref), unsupported=unsupported)
    error = None
    try:
        fed = _whole_pass(runner, whole, ref) if whole else _split_pass(runner, ref, hidden)
    except _Stopped as stop:
        fed, error = _partial(runner.fed), str(stop)
        unsupported = _lab_cannot(functions, hidden, error, runner.fed)
        if unsupported:
            return Comparison(hidden, seed, _unjudged(ref), unsupported=unsupported)
    own, responsible = (dict(fed), dict.fromkeys(fed, whole)) if whole else \
        _on_their_own(runner, ref, hidden)
    error = error or (runner.problems[0] if runner.problems else None)
    return _judge(ref, hidden, seed, fed, own, responsible, error, runner, functions, whole)


# ----------------------------------------------------------------------------- the passes


def _split_pass(runner: _Runner, ref, hidden: str) -> dict:
    """The student's pass through the split's steps: as fed, every stage it computes."""
    A2, Y = ref.forward["A2"], ref.Y
    cache1, cache2 = _caches(ref)
    if "linear_activation_backward" not in runner.functions:
        steps = {name: runner.step(name) for name in
                 ("compute_dAL", "sigmoid_backward", "linear_backward", f"{hidden}_backward")}
        return assignment.two_layer_backward(A2, Y, cache1, cache2, hidden, steps)
    # A layer at a time: the activation step happens inside the student's function, so
    # dZ2 and dZ1 are not seen.
    dA2 = runner.step("compute_dAL")(A2, Y)
    layer = runner.step("linear_activation_backward")
    runner.fed.append(None)
    dA1, dW2, db2 = layer(dA2, cache2, "sigmoid")
    runner.fed.append(None)
    dA0, dW1, db1 = layer(dA1, cache1, hidden)
    return {"dA2": dA2, "dW2": dW2, "db2": db2, "dA1": dA1, "dW1": dW1, "db1": db1, "dA0": dA0}


def _whole_pass(runner: _Runner, name: str, ref) -> dict:
    """A whole-pass function's grads, keyed by stage."""
    p = ref.parameters
    if name == "L_model_backward":
        args = (ref.forward["A2"], ref.Y, list(_caches(ref)))
        keys = ("dA1", "dW2", "db2", "dA0", "dW1", "db1")
    else:
        _, cache = slide.forward_propagation(ref.X, p, "tanh")
        args = (p, cache, ref.X, ref.Y)
        keys = ("dW2", "db2", "dW1", "db1")
    outcome = call(runner.functions[name], args, name=name, time_limit=runner.time_limit,
                   budget=runner.budget)
    if outcome.report():
        runner.reports.append(outcome.report())
    if not outcome.ok:
        raise _Stopped(outcome.message)
    grads = outcome.value
    if not isinstance(grads, dict):
        raise _Stopped(f"{name} must return the dict grads, got {type(grads).__name__}.")
    out = {}
    for key in keys:
        if key not in grads:
            runner.problems.append(f"{name}'s grads has no key {key!r}; its keys are "
                                   f"{sorted(map(str, grads))}.")
            continue
        problem = describe_output(grads[key], function=name, output=f"grads[{key!r}]",
                                  expected_shape=ref[key].value.shape)
        if problem and not isinstance(grads[key], np.ndarray):
            raise _Stopped(problem)
        if problem:
            runner.problems.append(problem)
        out[key] = grads[key]
    return out


def _on_their_own(runner: _Runner, ref, hidden: str):
    """Each step function of the student's on the reference inputs of its stages."""
    f, v = runner.functions, ref.grads()
    cache1, cache2 = _caches(ref)
    calls = [("compute_dAL", (ref.forward["A2"], ref.Y), ("dA2",)),
             ("sigmoid_backward", (v["dA2"], cache2.Z), ("dZ2",)),
             (f"{hidden}_backward", (v["dA1"], cache1.Z), ("dZ1",)),
             ("linear_backward", (v["dZ2"], cache2.linear_cache), ("dA1", "dW2", "db2")),
             ("linear_backward", (v["dZ1"], cache1.linear_cache), ("dA0", "dW1", "db1"))]
    if "linear_activation_backward" in f:
        calls[3:] = [("linear_activation_backward", (v["dA2"], cache2, "sigmoid"),
                      ("dA1", "dW2", "db2")),
                     ("linear_activation_backward", (v["dA1"], cache1, hidden),
                      ("dA0", "dW1", "db1"))]
    own, responsible = {}, {}
    for name, args, keys in calls:
        if name not in f or name in runner.failed:
            continue
        try:
            outputs, shapes = _SIGNATURES[name]
            value = runner.run(name, args, outputs, shapes(args))
        except _Stopped:
            continue  # reported by the pass already, or below as not reached
        for key, val in zip(keys, value if len(keys) > 1 else (value,), strict=True):
            own[key], responsible[key] = val, name
    return own, responsible


# ----------------------------------------------------------------------------- judging


def _judge(ref, hidden, seed, fed, own, responsible, error, runner, functions, whole):
    """The nine records, the first departure, and the mistakes named."""
    wrong_fns, stages, last_wrong, first_wrong = [], [], None, None
    single = False  # once a stage is float32, everything fed from it has float32's digits
    for stage in ref.stages:
        key, want = stage.key, stage.value
        got = fed.get(key)
        single = single or _single(got)
        as_fed = None if got is None else _agrees(got, want, single)
        on_own = None if own.get(key) is None else _agrees(own[key], want, _single(own[key]))
        if as_fed is False and first_wrong is None:
            first_wrong = key
        function = responsible.get(key) or (whole if key in fed else None)
        if on_own is False:
            verdict, last_wrong = WRONG_HERE, key
            if function not in wrong_fns:
                wrong_fns.append(function)
        elif as_fed is False:
            verdict = INHERITS
        elif got is None and own.get(key) is None:
            verdict = NOT_REACHED if error and function_reaches(key, fed) else HIDDEN
        else:
            verdict = RIGHT
        diff = None if got is None or np.shape(got) != want.shape else \
            float(np.max(np.abs(np.asarray(got, dtype=np.float64) - want)))
        stages.append(StudentStage(stage.index, key, want, got, function, as_fed, on_own,
                                   verdict, last_wrong if verdict == INHERITS else None, diff))
    feedback, mistakes = {}, []
    # Every function is checked on its exercise's own cases: the stepper's small net can
    # hide a mistake (no Z exactly 0 shows the ReLU boundary), the cases cannot.
    for name in wrong_fns + [n for n in functions if n not in wrong_fns]:
        if name in runner.failed:  # the error says what happened; it is not run again
            continue
        fb = check(EXERCISE_OF[name], functions[name])
        feedback[name] = fb
        mistakes += [m for m in (fb.mistake or "").split("+") if m and m not in mistakes]
    mistake_stage = _mistake_stage(mistakes, stages)
    if whole and mistake_stage:
        stages = _inherit_from(stages, mistake_stage)
    hint = find_mistake(mistakes[0]).hint if mistakes else ""
    return Comparison(hidden, seed, tuple(stages), first_wrong, mistakes[0] if mistakes else None,
                      tuple(mistakes), mistake_stage, hint, error, None, feedback,
                      tuple(runner.reports))


def function_reaches(key: str, fed: dict) -> bool:
    """A stage after the last one the student's pass computed before it stopped."""
    done = [k for k in STAGE_KEYS if k in fed]
    return not done or STAGE_KEYS.index(key) > STAGE_KEYS.index(done[-1])


def _single(value) -> bool:
    """A result with fewer digits than float64 (float32, float16)."""
    return isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.itemsize < 8


def _agrees(got, want: np.ndarray, single: bool) -> bool:
    """Equal to a tolerance that fits the precision (float32 is correct code too)."""
    got = np.asarray(got)
    if got.shape != want.shape or got.dtype.kind not in "iuf":
        return False
    rtol, atol = (1e-4, 1e-6) if single else (1e-7, 1e-10)
    return bool(np.allclose(got.astype(np.float64), want, rtol=rtol, atol=atol))


def _mistake_stage(mistakes, stages) -> str | None:
    """Where the first named mistake is made: the catalogue's stage, or the first stage its
    function gets wrong on its own."""
    if not mistakes:
        return next((s.key for s in stages if s.verdict == WRONG_HERE), None)
    known = getattr(find_mistake(mistakes[0]), "stage", None)
    if known:
        return known
    name = FUNCTION_OF[find_mistake(mistakes[0]).exercise]
    return next((s.key for s in stages if s.verdict == WRONG_HERE and s.function == name),
                next((s.key for s in stages if s.function == name), None))


def _inherit_from(stages, origin: str) -> list:
    """A whole pass shows only its outputs: wrong ones after ``origin`` inherit from it."""
    at = STAGE_KEYS.index(origin)
    out = []
    for s in stages:
        k = STAGE_KEYS.index(s.key)
        if k == at and s.verdict != WRONG_HERE:
            s = replace(s, verdict=WRONG_HERE)
        elif k > at and s.verdict == WRONG_HERE:
            s = replace(s, verdict=INHERITS, inherits_from=origin)
        out.append(s)
    return out




def _unjudged(ref) -> tuple:
    return tuple(StudentStage(s.index, s.key, s.value, None, None, None, None, NOT_REACHED)
                 for s in ref.stages)


# ----------------------------------------------------------------------------- arguments


def _check_functions(functions) -> dict:
    """The caller's dict of course names -> callables (a bad one is the caller's error)."""
    if not isinstance(functions, dict):
        raise CourseInputError(
            f"functions must be a dict of course function names to your functions, e.g. "
            f"{{'linear_backward': linear_backward}}, got {type(functions).__name__}")
    for name, fn in functions.items():
        if name not in EXERCISE_OF:
            raise CourseInputError(f"functions has the key {name!r}; the functions compare "
                                   f"knows are {list(EXERCISE_OF)}")
        if not callable(fn):
            raise CourseInputError(f"functions[{name!r}] must be your function (pass it "
                                   f"without calling it), got {type(fn).__name__}")
    return dict(functions)


def _unsupported(whole: str | None, hidden: str) -> str | None:
    if whole is None or WRITTEN_FOR[whole] == hidden:
        return None
    return (f"The course's {whole} is written for a {WRITTEN_FOR[whole]} hidden layer, so it "
            f"cannot serve hidden={hidden!r}: compare with hidden={WRITTEN_FOR[whole]!r}.")


def _lab_cannot(functions: dict, hidden: str, error: str, fed: list) -> str | None:
    """The course's linear_activation_backward knows sigmoid and relu only."""
    if "linear_activation_backward" not in functions or hidden != "tanh" or len(fed) < 3:
        return None
    return (f"Your linear_activation_backward does not handle activation='tanh' ({error}) "
            f"The course's version knows sigmoid and relu: compare with hidden='relu' or "
            f"'sigmoid', or add the tanh branch.")


def _partial(fed: list) -> dict:
    """The stages a split pass computed before it stopped."""
    out = {}
    for keys, value in zip(_STEP_OUTPUTS, fed, strict=False):
        if value is not None:
            out.update(zip(keys, value if len(keys) > 1 else (value,), strict=True))
    return out


def _caches(ref):
    """The two layer caches of the reference forward pass, as the course builds them."""
    p, f = ref.parameters, ref.forward
    cache1 = assignment.LayerCache(assignment.LinearCache(ref.X, p["W1"], p["b1"]), f["Z1"])
    cache2 = assignment.LayerCache(assignment.LinearCache(f["A1"], p["W2"], p["b2"]), f["Z2"])
    return cache1, cache2


def _layer_shapes(args) -> tuple:
    (A_prev, W, _), _ = args[1]
    return np.shape(A_prev), np.shape(W), (np.shape(W)[0], 1)


def _linear_shapes(args) -> tuple:
    A_prev, W, _ = args[1]
    return np.shape(A_prev), np.shape(W), (np.shape(W)[0], 1)


# name -> (what it returns, the shapes expected from its arguments)
_SIGNATURES = {
    "compute_dAL": (("dAL",), lambda args: (np.shape(args[0]),)),
    "sigmoid_backward": (("dZ",), lambda args: (np.shape(args[1]),)),
    "relu_backward": (("dZ",), lambda args: (np.shape(args[1]),)),
    "tanh_backward": (("dZ",), lambda args: (np.shape(args[1]),)),
    "linear_backward": (("dA_prev", "dW", "db"), _linear_shapes),
    "linear_activation_backward": (("dA_prev", "dW", "db"), _layer_shapes),
}
_REFERENCE = {"compute_dAL": assignment.output_dA, "sigmoid_backward": assignment.sigmoid_backward,
              "relu_backward": assignment.relu_backward, "tanh_backward": assignment.tanh_backward,
              "linear_backward": assignment.linear_backward,
              "linear_activation_backward": assignment.linear_activation_backward}


# ----------------------------------------------------------------------------- mistake mode


def suited_hidden(exercise: str) -> str:
    """The hidden activation under which ``exercise``'s function takes part in the pass."""
    return "tanh" if exercise in ("tanh_backward", "backward_propagation") else "relu"


def mistake_functions(mistake_id: str) -> dict:
    """``{course function name: the catalogued mistake's apply}``, ready for ``compare``."""
    mistake = find_mistake(mistake_id)
    return {FUNCTION_OF[mistake.exercise]: mistake.apply}


def demonstrate(mistake_id: str, seed: int = 0, **kw) -> Comparison:
    """``compare`` with one catalogued mistake in place of its function: no student code
    runs, so the served app can show the same lesson ("mistake mode")."""
    hidden = suited_hidden(find_mistake(mistake_id).exercise)
    return compare(mistake_functions(mistake_id), hidden, seed, **kw)
