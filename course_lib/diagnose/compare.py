"""Comparing outputs: the student's with the reference's, and with the catalogue's.

Every exercise's result is seen as named outputs (``parts``): the array, the tuple's items
or the dict's entries. Two results agree when every output has the same shape and values to
``RTOL``/``ATOL``. Two mistakes that change different outputs can also be made at once
(``combine``, ``combination``); their joint outputs take each changed output from the
mistake that changed it and the rest from the reference.
"""

from __future__ import annotations

import copy

import numpy as np

from course_lib.checks import CourseInputError
from course_lib.diagnose.catalogue import Mistake, find_mistake
from course_lib.diagnose.exercises import EXERCISES, Case, Exercise

# Outputs agree when they match to these tolerances: tight enough that no catalogued
# mistake comes close, loose enough for any order of summation (loops, einsum, @).
RTOL = 1e-7
ATOL = 1e-10

MISSING = object()  # a grads key the function did not return


def run(fn, case: Case):
    """Call ``fn`` on a private copy of the case, so nothing it mutates leaks out."""
    return fn(*copy.deepcopy(case.args))


def parts(exercise: Exercise, out, names=None) -> dict:
    """The outputs by name: the array, the tuple's items, or the dict's entries."""
    if exercise.kind == "array":
        return {exercise.outputs[0]: out}
    if exercise.kind == "tuple":
        return dict(zip(exercise.outputs, out, strict=True))
    keys = list(out) if names is None else names
    return {k: out.get(k, MISSING) for k in keys}


def same(got, want) -> bool:
    """One output equals another: both real arrays of one shape and close values."""
    if got is MISSING or want is MISSING:
        return got is want
    if not (isinstance(got, np.ndarray) and isinstance(want, np.ndarray)):
        return False
    if got.shape != want.shape or got.dtype.kind not in "iuf":
        return False
    return bool(np.allclose(got, want, rtol=RTOL, atol=ATOL))


def agrees(exercise, got, want) -> bool:
    """``got`` has every output of ``want`` with the same shape and values."""
    wanted = parts(exercise, want)
    have = parts(exercise, got, names=list(wanted))
    return all(same(have[k], wanted[k]) for k in wanted)


def differing(exercise, outs, refs) -> set:
    """The names of the outputs in which ``outs`` differ from ``refs`` on some case."""
    names = set()
    for out, ref in zip(outs, refs, strict=True):
        mine, theirs = parts(exercise, out), parts(exercise, ref)
        for k in set(mine) | set(theirs):
            if not same(mine.get(k, MISSING), theirs.get(k, MISSING)):
                names.add(k)
    return names


def merge(exercise, a, b, ref, a_diff, b_diff):
    """One case's outputs with ``a``'s outputs in ``a_diff``, ``b``'s in ``b_diff``."""
    pa, pb, pr = (parts(exercise, x) for x in (a, b, ref))
    keys = dict.fromkeys([*pr, *pa, *pb])
    merged = {k: (pa if k in a_diff else pb if k in b_diff else pr).get(k, MISSING)
              for k in keys}
    if exercise.kind == "tuple":
        return tuple(merged[k] for k in exercise.outputs)
    if exercise.kind == "dict":
        return {k: v for k, v in merged.items() if v is not MISSING}
    return merged[exercise.outputs[0]]


def combine(exercise, first, second, refs):
    """Per case, the outputs of two mistakes made at once, or None if they cannot be.

    Two mistakes combine only when they change different outputs; where they change a
    common output, their joint effect is not known, so the pair is never named.
    """
    a_diff = differing(exercise, first, refs)
    b_diff = differing(exercise, second, refs)
    if not a_diff or not b_diff or a_diff & b_diff:
        return None
    return [merge(exercise, a, b, ref, a_diff, b_diff)
            for a, b, ref in zip(first, second, refs, strict=True)]


def combination(first_id: str, second_id: str) -> Mistake | None:
    """Two catalogued mistakes made at once, as a ``Mistake`` whose ``apply`` makes both.

    None when they change a common output (``check`` never names such a pair).
    """
    a, b = find_mistake(first_id), find_mistake(second_id)
    if a.exercise != b.exercise or a.id == b.id:
        raise CourseInputError(
            f"a combination needs two different mistakes of one exercise, got {a.id!r} "
            f"and {b.id!r}")
    exercise = EXERCISES[a.exercise]
    cases = exercise.cases()
    refs = [run(exercise.reference, c) for c in cases]
    firsts, seconds = [run(a.apply, c) for c in cases], [run(b.apply, c) for c in cases]
    if combine(exercise, firsts, seconds, refs) is None:
        return None
    a_diff, b_diff = differing(exercise, firsts, refs), differing(exercise, seconds, refs)

    def apply(*args):
        case = Case("", args, 0)
        return merge(exercise, run(a.apply, case), run(b.apply, case),
                     run(exercise.reference, case), a_diff, b_diff)

    return Mistake(f"{a.id}+{b.id}", a.exercise, f"{a.title}; and {b.title}",
                   f"{a.hint} {b.hint}", apply)
