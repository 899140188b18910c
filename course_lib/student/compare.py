"""``compare``: the student's pass judged stage by stage, the mistake named; and mistake
mode, where a catalogued mistake stands in for the student's function."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from course_lib.checks import CourseInputError, check_hidden
from course_lib.data import make_problem
from course_lib.diagnose import agrees, check, find_mistake
from course_lib.diagnose.outputs import single_precision
from course_lib.functions import BY_EXERCISE, FUNCTION
from course_lib.guarded import DEFAULT_TIME_LIMIT, Budget
from course_lib.stages import STAGE_KEYS, backward_stages
from course_lib.student.deep import NAME as DEEP_PASS
from course_lib.student.deep import (
    at_depth,
    convention_sentence,
    helpers_used,
    older_convention,
)
from course_lib.student.passes import (
    Runner,
    Stopped,
    on_their_own,
    partial,
    split_pass,
    whole_pass,
)
from course_lib.student.records import (
    BUDGET_SECONDS,
    HIDDEN,
    INHERITS,
    NOT_REACHED,
    RIGHT,
    WRONG_HERE,
    Comparison,
    StudentStage,
)


def compare(
    functions: dict,
    hidden: str = "relu",
    seed: int = 0,
    *,
    m: int = 5,
    net: tuple | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    budget_seconds: float = BUDGET_SECONDS,
) -> Comparison:
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
    runner = Runner(functions, time_limit, Budget(budget_seconds))
    whole = next((n for n in functions if FUNCTION[n].whole), None)
    unsupported = _unsupported(whole, hidden)
    if unsupported:
        return Comparison(hidden=hidden, seed=seed, stages=_unjudged(ref), unsupported=unsupported)
    error = None
    try:
        fed = whole_pass(runner, whole, ref) if whole else split_pass(runner, ref, hidden)
    except Stopped as stop:
        fed, error = partial(runner.fed, hidden), str(stop)
        unsupported = _lab_cannot(functions, hidden, error, runner.fed)
        if unsupported:
            return Comparison(
                hidden=hidden, seed=seed, stages=_unjudged(ref), unsupported=unsupported
            )
    own, responsible = (
        (dict(fed), dict.fromkeys(fed, whole)) if whole else on_their_own(runner, ref, hidden)
    )
    error = error or (runner.problems[0] if runner.problems else None)
    deep, convention = _whole_pass_beyond(runner, whole, ref, seed, error)
    run = _Pass(
        fed=fed,
        own=own,
        responsible=responsible,
        error=error,
        whole=whole,
        deep=deep,
        convention=convention,
    )
    return _judge(ref, run, runner, functions, hidden, seed)


def _whole_pass_beyond(runner, whole, ref, seed: int, error) -> tuple:
    """What a whole pass shows beyond the two-layer stages: its departures at three and
    four layers (run when it gave a usable two-layer result), and the older notebook's grads
    keys when it follows them."""
    if whole is None:
        return (), ""
    want = {key: ref[key].value for key in FUNCTION[whole].calls(ref.hidden)[0]}
    grads = runner.returned
    convention = isinstance(grads, dict) and older_convention(grads, want)
    if error or whole != DEEP_PASS:
        return (), convention_sentence() if convention else ""
    deep = at_depth(
        runner.functions[whole], seed, time_limit=runner.time_limit, budget=runner.budget
    )
    if deep and deep[0].report and deep[0].report not in runner.reports:
        runner.reports.append(deep[0].report)  # the first depth's; the next says the same
    return deep, convention_sentence() if convention else ""


# ----------------------------------------------------------------------------- judging


@dataclass(frozen=True)
class _Pass:
    """What the student's pass gave: each stage as fed and on its own, whose function
    computed it, the error that stopped it, and the whole-pass function if one ran."""

    fed: dict
    own: dict
    responsible: dict
    error: str | None
    whole: str | None
    deep: tuple = ()  # the whole pass's departures at three and four layers
    convention: str = ""  # the older notebook's grads keys, when it follows them


def _judge(ref, run: _Pass, runner, functions: dict, hidden: str, seed: int) -> Comparison:
    """The nine records, the first departure, and the mistakes named."""
    whole, error = run.whole, run.error
    stages = _records(ref, run)
    first_wrong = next((s.key for s in stages if s.right_as_fed is False), None)
    wrong_fns = list(dict.fromkeys(s.function for s in stages if s.right_on_its_own is False))
    feedback, mistakes = _checked(wrong_fns, functions, runner)
    mistake_stage = _mistake_stage(mistakes, stages)
    if whole and mistake_stage:
        stages = _inherit_from(stages, mistake_stage)
    hint = find_mistake(mistakes[0]).hint if mistakes else ""
    return Comparison(
        hidden=hidden,
        seed=seed,
        stages=tuple(stages),
        first_wrong=first_wrong,
        mistake=mistakes[0] if mistakes else None,
        mistakes=tuple(mistakes),
        mistake_stage=mistake_stage,
        hint=hint,
        error=error,
        feedback=feedback,
        reports=tuple(runner.reports),
        unused=_unused(functions, hidden, whole),
        whole=whole,
        deep=run.deep,
        overwrites=_overwrites(functions, feedback, hidden),
        convention=run.convention,
    )


def _records(ref, run: _Pass) -> list:
    """One ``StudentStage`` per stage: the student's value as fed and on its own, judged."""
    fed, own, responsible, error, whole = run.fed, run.own, run.responsible, run.error, run.whole
    stages, last_wrong = [], None
    single = False  # once a stage is float32, everything fed from it has float32's digits
    for stage in ref.stages:
        key, want = stage.key, stage.value
        got = fed.get(key)
        single = single or single_precision(got)
        as_fed = None if got is None else agrees(got, want, single)
        on_own = None if own.get(key) is None else agrees(own[key], want)
        unseen = got is None and own.get(key) is None
        stopped_before = bool(error) and function_reaches(key, fed)
        verdict = _verdict(as_fed, on_own, unseen, stopped_before)
        if verdict == WRONG_HERE:
            last_wrong = key
        stages.append(
            StudentStage(
                index=stage.index,
                key=key,
                reference=want,
                student=got,
                function=responsible.get(key) or (whole if key in fed else None),
                right_as_fed=as_fed,
                right_on_its_own=on_own,
                verdict=verdict,
                inherits_from=last_wrong if verdict == INHERITS else None,
                max_abs_diff=_max_difference(got, want),
            )
        )
    return stages


def _verdict(as_fed, on_own, unseen: bool, stopped_before: bool) -> str:
    """Wrong on its own is wrong here; right on its own but wrong as fed inherits; a stage
    the pass never showed was not reached (the pass stopped before it) or is hidden."""
    if on_own is False:
        return WRONG_HERE
    if as_fed is False:
        return INHERITS
    if unseen:
        return NOT_REACHED if stopped_before else HIDDEN
    return RIGHT


def _max_difference(got, want: np.ndarray) -> float | None:
    """max |got - want|, or None when there is no value of the right shape."""
    if got is None or np.shape(got) != want.shape:
        return None
    return float(np.max(np.abs(np.asarray(got, dtype=np.float64) - want)))


def _checked(wrong_fns: list, functions: dict, runner) -> tuple:
    """Each function given, checked on its exercise's cases, those wrong in the pass first:
    (name -> ``Feedback``, the mistakes named, in that order)."""
    feedback, mistakes = {}, []
    # Every function is checked on its exercise's own cases: the stepper's small net can
    # hide a mistake (no Z exactly 0 shows the ReLU boundary), the cases cannot.
    for name in wrong_fns + [n for n in functions if n not in wrong_fns]:
        if name in runner.failed:  # the error says what happened; it is not run again
            continue
        fb = check(FUNCTION[name].exercise, functions[name])
        feedback[name] = fb
        mistakes += [m for m in (fb.mistake or "").split("+") if m and m not in mistakes]
    return feedback, mistakes


def _unused(functions: dict, hidden: str, whole: str | None) -> tuple:
    """The functions given that take no part in this pass: another hidden layer's
    activation step, or, beside a whole pass, a function it does not call (when its code
    can be read)."""
    if whole:
        used = helpers_used(functions[whole], functions)
        return () if used is None else tuple(n for n in functions if n not in used | {whole})
    return tuple(name for name in functions if not FUNCTION[name].calls(hidden))


def _overwrites(functions: dict, feedback: dict, hidden: str) -> tuple:
    """A sentence for each function that changes in place an argument the course's
    L_model_backward keeps in grads: an activation step's dA at a hidden layer is
    grads['dA1'] itself (the output layer's dAL is kept nowhere, so changing it is a note)."""
    found = []
    for name in functions:
        f, fb = FUNCTION[name], feedback.get(name)
        if fb is None or f.keeps is None or f.keeps not in fb.changed or not f.stages(hidden, 1):
            continue
        kept = f"grads['{f.keeps}1']"
        found.append(
            f"Your {name} changes its argument {f.keeps} in place, and inside "
            f"L_model_backward that {f.keeps} is {kept} itself (grads['{f.keeps}' + str(l)] "
            f"at each hidden layer l): a call of your {name} overwrites {kept}, the "
            f"gradient the pass returns for A1. Change a copy instead "
            f"(`dZ = np.array({f.keeps}, copy=True)`, then change dZ)."
        )
    return tuple(found)


def function_reaches(key: str, fed: dict) -> bool:
    """A stage after the last one the student's pass computed before it stopped."""
    done = [k for k in STAGE_KEYS if k in fed]
    return not done or STAGE_KEYS.index(key) > STAGE_KEYS.index(done[-1])


def _mistake_stage(mistakes, stages) -> str | None:
    """Where the first named mistake is made: the catalogue's stage, or the first stage its
    function gets wrong on its own."""
    if not mistakes:
        return next((s.key for s in stages if s.verdict == WRONG_HERE), None)
    known = getattr(find_mistake(mistakes[0]), "stage", None)
    if known:
        return known
    name = BY_EXERCISE[find_mistake(mistakes[0]).exercise].name
    return next(
        (s.key for s in stages if s.verdict == WRONG_HERE and s.function == name),
        next((s.key for s in stages if s.function == name), None),
    )


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
    return tuple(
        StudentStage(
            index=s.index,
            key=s.key,
            reference=s.value,
            student=None,
            function=None,
            right_as_fed=None,
            right_on_its_own=None,
            verdict=NOT_REACHED,
        )
        for s in ref.stages
    )


# ----------------------------------------------------------------------------- arguments


def _check_functions(functions) -> dict:
    """The caller's dict of course names -> callables (a bad one is the caller's error)."""
    if not isinstance(functions, dict):
        raise CourseInputError(
            f"functions must be a dict of course function names to your functions, e.g. "
            f"{{'linear_backward': linear_backward}}, got {type(functions).__name__}"
        )
    for name, fn in functions.items():
        if name not in FUNCTION:
            raise CourseInputError(
                f"functions has the key {name!r}; the functions compare knows are {list(FUNCTION)}"
            )
        if not callable(fn):
            raise CourseInputError(
                f"functions[{name!r}] must be your function (pass it "
                f"without calling it), got {type(fn).__name__}"
            )
    return dict(functions)


def _unsupported(whole: str | None, hidden: str) -> str | None:
    if whole is None or hidden in FUNCTION[whole].serves:
        return None
    written_for = FUNCTION[whole].serves[0]
    return (
        f"The course's {whole} is written for a {written_for} hidden layer, so it "
        f"cannot serve hidden={hidden!r}: compare with hidden={written_for!r}."
    )


def _lab_cannot(functions: dict, hidden: str, error: str, fed: list) -> str | None:
    """The course's linear_activation_backward serves some hidden activations only: a
    student's that stops at the hidden layer (after the output layer went through) is
    told so."""
    name = "linear_activation_backward"
    serves = FUNCTION[name].serves
    if name not in functions or hidden in serves or not any(n == name for n, _ in fed):
        return None
    return (
        f"Your {name} does not handle activation={hidden!r} ({error}) "
        f"The course's version knows {' and '.join(serves)}: compare with hidden="
        f"{' or '.join(repr(h) for h in serves)}, or add the {hidden} branch."
    )


# ----------------------------------------------------------------------------- mistake mode


def suited_hidden(exercise: str) -> str:
    """The hidden activation under which ``exercise``'s function takes part in the pass."""
    return BY_EXERCISE[exercise].serves[0]


def mistake_functions(mistake_id: str) -> dict:
    """``{course function name: the catalogued mistake's apply}``, ready for ``compare``."""
    mistake = find_mistake(mistake_id)
    return {BY_EXERCISE[mistake.exercise].name: mistake.apply}


def demonstrate(mistake_id: str, seed: int = 0, **kw) -> Comparison:
    """``compare`` with one catalogued mistake in place of its function: no student code
    runs, so the served app can show the same lesson ("mistake mode")."""
    hidden = suited_hidden(find_mistake(mistake_id).exercise)
    return compare(mistake_functions(mistake_id), hidden, seed, **kw)
