"""``check``: run the student's function on the test cases and say what is right or wrong.

The order of the verdicts: a function that cannot be called as the exercise calls it; one
that raises (the stub's ``NotImplementedError`` included) or returns the wrong kind of value;
outputs equal to the reference's (passed); outputs equal to one catalogued mistake's, or to
two mistakes' made at once; and otherwise the first output that differs, explained.
"""

from __future__ import annotations

import inspect
import itertools
import warnings

import numpy as np

from course_lib.checks import CourseInputError
from course_lib.diagnose.catalogue import mistakes_for
from course_lib.diagnose.compare import agrees, combine, run
from course_lib.diagnose.exercises import Case, exercise_named
from course_lib.diagnose.explain import (
    container_problem,
    explain_difference,
    not_implemented,
    raised,
    where,
)
from course_lib.diagnose.feedback import Feedback


def check(exercise: str, student_fn) -> Feedback:
    """Run ``student_fn`` on the exercise's test cases and say what is right or wrong.

    exercise : a key of ``EXERCISES`` (``"linear_backward"``, ``"sigmoid_backward"``,
        ``"relu_backward"``, ``"tanh_backward"``, ``"linear_activation_backward"``,
        ``"dAL"``, ``"L_model_backward"``, ``"backward_propagation"``).
    student_fn : the student's function, with the signature in ``EXERCISES[exercise].call``.

    Never raises because of ``student_fn``: its exceptions, ``NotImplementedError`` (the
    stub), wrong return types and wrong shapes all come back as a ``Feedback``.
    """
    ex = exercise_named(exercise)
    if not callable(student_fn):
        raise CourseInputError(
            f"student_fn must be the function you wrote (pass it without calling it), "
            f"got {type(student_fn).__name__}")
    cases = ex.cases()
    problem = _signature_problem(ex, student_fn, cases[0])
    if problem is not None:
        return problem
    outs = []
    for k, case in enumerate(cases, 1):
        try:
            out = _run_quietly(student_fn, case)
        except NotImplementedError as exc:
            return not_implemented(ex, student_fn, exc)
        except Exception as exc:  # the student's error, explained rather than re-raised
            return raised(ex, exc, where(k, cases))
        problem = container_problem(ex, out)
        if problem is not None:
            return Feedback(False, None, f"{ex.name}: not correct. {where(k, cases)}, {problem}",
                            f"{ex.name} returns this: {ex.call}")
        outs.append(out)
    refs = [run(ex.reference, c) for c in cases]
    if all(agrees(ex, out, ref) for out, ref in zip(outs, refs, strict=True)):
        return Feedback(True, None, f"{ex.name}: correct on all {len(cases)} test cases.", "")
    return _name_mistake(ex, cases, outs, refs) or explain_difference(ex, cases, outs, refs)


def _run_quietly(fn, case: Case):
    # Warnings from the student's arithmetic would land in the notebook's stderr; the
    # comparison of the outputs reports what went wrong instead.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return run(fn, case)


def _signature_problem(ex, fn, case) -> Feedback | None:
    try:
        inspect.signature(fn).bind(*case.args)
    except TypeError as exc:
        return Feedback(False, None,
                        f"{ex.name}: your function cannot be called the way the exercise "
                        f"calls it ({exc}).",
                        f"Keep the stub's parameters as they are: {ex.call}")
    except ValueError:  # no signature to inspect (a builtin): just call it
        return None
    return None


def _name_mistake(ex, cases, outs, refs) -> Feedback | None:
    """The catalogued mistake, or pair of mistakes, whose outputs equal ``outs`` on every case."""
    n = len(cases)
    seen = {}
    for entry in mistakes_for(ex.name):
        try:
            theirs = [_run_quietly(entry.apply, c) for c in cases]
        except Exception:  # a catalogue entry that fails on a case can name nothing
            continue
        seen[entry.id] = (entry, theirs)
        if all(agrees(ex, o, t) for o, t in zip(outs, theirs, strict=True)):
            return Feedback(False, entry.id,
                            f"{ex.name}: {entry.title}. (Your outputs equal this mistake's "
                            f"outputs on all {n} test cases.)", entry.hint)
    for (a, a_outs), (b, b_outs) in itertools.combinations(seen.values(), 2):
        both = combine(ex, a_outs, b_outs, refs)
        if both and all(agrees(ex, o, t) for o, t in zip(outs, both, strict=True)):
            return Feedback(False, f"{a.id}+{b.id}",
                            f"{ex.name}: two mistakes at once. First, {a.title}. Second, "
                            f"{b.title}. (Your outputs equal these two mistakes' outputs on "
                            f"all {n} test cases.)", f"{a.hint} {b.hint}")
    return None
