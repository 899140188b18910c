"""``check``: run the student's function on the test cases and say what is right or wrong.

The order of the verdicts: a function that cannot be called as the exercise calls it; one
that is stopped, raises (the stub's ``NotImplementedError`` included) or returns the wrong
kind of value on a case; outputs all equal to the reference's (passed); and otherwise each
output judged on its own: the right ones said, the wrong ones explained by catalogued
mistakes where one reproduces them, and described (how far off, in what way) where none
does. What the function printed and the notes (an argument changed in place, warnings)
come with every verdict.
"""

from __future__ import annotations

import inspect
from dataclasses import replace
from itertools import permutations

from course_lib import guarded
from course_lib.checks import CourseInputError
from course_lib.diagnose.compare import name_mistakes
from course_lib.diagnose.exercises import exercise_named
from course_lib.diagnose.explain import Evidence, every_case, verdict
from course_lib.diagnose.feedback import Feedback
from course_lib.diagnose.outputs import (
    cases_of,
    output_names,
    parts,
    reference_results,
    same,
)
from course_lib.diagnose.running import BUDGET, TIME_LIMIT, display_name, run_student


def check(
    exercise: str,
    student_fn,
    *,
    time_limit: float | None = TIME_LIMIT,
    budget: guarded.Budget | None = None,
) -> Feedback:
    """Run ``student_fn`` on the exercise's test cases and say what is right or wrong.

    exercise : a key of ``EXERCISES`` (``"linear_backward"``, ``"sigmoid_backward"``,
        ``"relu_backward"``, ``"tanh_backward"``, ``"linear_activation_backward"``,
        ``"dAL"``, ``"L_model_backward"``, ``"backward_propagation"``).
    student_fn : the student's function, with the signature in ``EXERCISES[exercise].call``.
    time_limit : seconds each call of ``student_fn`` may take (None: no limit).
    budget : a ``course_lib.guarded.Budget`` shared with other checks; by default each
        check has ``BUDGET`` seconds for all its calls.

    Never raises because of ``student_fn``: its exceptions, ``NotImplementedError`` (the
    stub), a loop that never ends, wrong return types and wrong shapes all come back as a
    ``Feedback``.
    """
    ex = exercise_named(exercise)
    if not callable(student_fn):
        raise CourseInputError(
            f"student_fn must be the function you wrote (pass it without calling it), "
            f"got {type(student_fn).__name__}"
        )
    cases = cases_of(ex.name)
    problem = _signature_problem(ex, student_fn, cases[0])
    if problem is not None:
        return problem
    ran = run_student(
        ex,
        student_fn,
        cases,
        time_limit=time_limit,
        budget=budget if budget is not None else guarded.Budget(BUDGET),
    )
    feedback = ran.failure or _judge(ex, cases, ran.outs, display_name(ex, student_fn))
    if ran.failure:  # the case it failed on is the one after those it returned on
        feedback = replace(feedback, case=_case(len(ran.outs) + 1, cases))
    return replace(feedback, notes=ran.notes, printed=ran.printed_text(cases), changed=ran.mutated)


def _judge(ex, cases, outs, fn_name: str) -> Feedback:
    """Each output right or wrong on its own, and the mistakes that explain the wrong ones."""
    refs = reference_results(ex.name)
    student = [parts(ex, out, names=list(ref)) for out, ref in zip(outs, refs, strict=True)]
    outputs = {
        k: all(same(mine[k], ref[k]) for mine, ref in zip(student, refs, strict=True) if k in ref)
        for k in output_names(ex.name)
    }
    wrong = tuple(k for k, ok in outputs.items() if not ok)
    if not wrong:
        return Feedback(True, None, f"{ex.name}: correct on {every_case(len(cases))}.", "", outputs)
    first = next(
        k
        for k, (mine, ref) in enumerate(zip(student, refs, strict=True), 1)
        if not all(same(mine[name], ref[name]) for name in ref)
    )
    order = _return_order(ex, outs, refs)
    if order:
        return Feedback(
            False,
            None,
            f"{ex.name}: not correct: it returns the right arrays in the wrong order, "
            f"({', '.join(order)}); the course's order is ({', '.join(ex.outputs)}), the "
            f"order in which the caller unpacks them.",
            f"End with `return {', '.join(ex.outputs)}`.",
            outputs,
            unexplained=wrong,
            case=_case(first, cases),
        )
    named = name_mistakes(ex.name, student, refs, wrong)
    evidence = Evidence(cases=cases, outs=outs, student=student, refs=refs, outputs=outputs)
    return replace(verdict(ex, evidence, named, fn_name), case=_case(first, cases))


def _return_order(ex, outs, refs) -> tuple | None:
    """The outputs' names in the order the student returned them, when they are the
    reference's outputs in another order on every case; None otherwise."""
    if ex.kind != "tuple":
        return None
    names = ex.outputs
    for order in permutations(names):
        if order != names and all(
            same(out[i], ref[name])
            for out, ref in zip(outs, refs, strict=True)
            for i, name in enumerate(order)
        ):
            return order
    return None


def _case(k: int, cases) -> str:
    """``test case k of n (its label)``."""
    return f"test case {k} of {len(cases)} ({cases[k - 1].label})"


def _signature_problem(ex, fn, case) -> Feedback | None:
    try:
        inspect.signature(fn).bind(*case.args)
    except TypeError as exc:
        return Feedback(
            False,
            None,
            f"{ex.name}: your function cannot be called the way the exercise calls it ({exc}).",
            f"Keep the stub's parameters as they are: {ex.call}",
        )
    except ValueError:  # no signature to inspect (a builtin): just call it
        return None
    return None
