"""An exercise's outputs by name, and when two of them are the same.

Every exercise's result is seen as named outputs (``parts``): the array, the tuple's items
(``dA_prev, dW, db``) or the dict's entries (``grads["dW1"]``). One output equals another
(``same``) when both are real arrays of one shape whose values agree to a tolerance that
fits the dtype of the output judged:

- float64 (and integers): ``RTOL``/``ATOL``, tight enough that no catalogued mistake comes
  close, loose enough for any order of summation (loops, einsum, ``@``);
- float32 (and narrower floats): ``RTOL32``, and ``ATOL32`` times the largest expected entry,
  which fits float32 rounding (about 1e-7 per operation) and is still far from every
  catalogued mistake (``tests/test_diagnose.py`` checks both).

The reference's outputs on the test cases, and each catalogued mistake's, are deterministic:
they are computed once per process (``reference_results``, ``results_of``).
"""

from __future__ import annotations

import copy
import warnings
from functools import cache, lru_cache

import numpy as np

from course_lib.diagnose.exercises import EXERCISES, Case, Exercise

RTOL, ATOL = 1e-7, 1e-10  # float64
RTOL32, ATOL32 = 1e-5, 1e-5  # float32; ATOL32 is relative to the largest expected entry

MISSING = object()  # a grads key the function did not return


def run(fn, case: Case):
    """Call trusted code (the reference, a catalogue entry) on a private copy of the case.

    NumPy's warnings are silenced: a catalogued mistake may divide by zero on purpose.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*copy.deepcopy(case.args))


@cache
def cases_of(exercise: str) -> tuple[Case, ...]:
    """The exercise's test cases, built once (``Exercise.cases`` builds them afresh)."""
    return EXERCISES[exercise].cases()


def parts(exercise: Exercise, out, names=None) -> dict:
    """The outputs by name: the array, the tuple's items, or the dict's entries.

    names : for a dict, the keys to take (``MISSING`` where absent); all its keys by default.
    """
    if exercise.kind == "array":
        return {exercise.outputs[0]: out}
    if exercise.kind == "tuple":
        return dict(zip(exercise.outputs, out, strict=True))
    keys = list(out) if names is None else names
    return {k: out.get(k, MISSING) for k in keys}


def single_precision(value) -> bool:
    """A float array with fewer digits than float64 (float32, float16)."""
    return isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.itemsize < 8


def tolerance(want: np.ndarray, single: bool) -> tuple[float, float]:
    """``(rtol, atol)`` for judging a value against ``want``: float32's when ``single``
    (the value, or what it was computed from, has float32's digits), else float64's."""
    if single:
        biggest = float(np.max(np.abs(want[np.isfinite(want)]), initial=0.0))
        return RTOL32, ATOL32 * biggest
    return RTOL, ATOL


def close_entries(got, want: np.ndarray, single: bool | None = None) -> np.ndarray | None:
    """Which entries of ``got`` agree with ``want`` by the one rule of the courseware (None
    when the two cannot be lined up: another shape, or not numbers). ``single`` defaults to
    ``got``'s own precision; a caller that knows ``got`` was computed from float32 values
    says so."""
    got = np.asarray(got)
    if got.shape != want.shape or got.dtype.kind not in "biuf":
        return None
    single = single_precision(got) if single is None else single
    rtol, atol = tolerance(want, single)
    with np.errstate(all="ignore"):
        return np.isclose(got.astype(np.float64), want, rtol=rtol, atol=atol)


def agrees(got, want: np.ndarray, single: bool | None = None) -> bool:
    """``got`` agrees with ``want`` entry by entry (``close_entries``)."""
    close = close_entries(got, want, single)
    return close is not None and bool(np.all(close))


def same(got, want) -> bool:
    """One output equals another: both real arrays of one shape and close values.

    ``MISSING`` equals only ``MISSING``; infinities equal infinities of the same sign.
    """
    if got is MISSING or want is MISSING:
        return got is want
    if not (isinstance(got, np.ndarray) and isinstance(want, np.ndarray)):
        return False
    if got.shape != want.shape or got.dtype.kind not in "iuf":
        return False
    rtol, atol = tolerance(want, single_precision(got))
    with np.errstate(all="ignore"):
        return bool(np.allclose(got, want, rtol=rtol, atol=atol))


@cache
def reference_results(exercise: str) -> tuple[dict, ...]:
    """The reference's outputs by name, on each test case."""
    ex = EXERCISES[exercise]
    return tuple(parts(ex, run(ex.reference, c)) for c in cases_of(exercise))


@cache
def output_names(exercise: str) -> tuple[str, ...]:
    """Every output the reference returns on some case, in the order it returns them."""
    return tuple(dict.fromkeys(k for ref in reference_results(exercise) for k in ref))


@lru_cache(maxsize=4096)
def results_of(fn, exercise: str) -> tuple[dict, ...] | None:
    """``fn``'s outputs on each case, named as the reference's (and any extra dict keys);
    None when ``fn`` raises or returns the wrong kind of value on a case."""
    ex = EXERCISES[exercise]
    found = []
    for case, ref in zip(cases_of(exercise), reference_results(exercise), strict=True):
        try:
            out = run(fn, case)
            mine = parts(
                ex, out, names=list(dict.fromkeys([*ref, *out])) if ex.kind == "dict" else None
            )
        except Exception:  # a catalogue entry that fails on a case can name nothing
            return None
        found.append(mine)
    return tuple(found)


def differing(exercise: str, per_case) -> tuple[str, ...]:
    """The reference's outputs in which ``per_case`` (named outputs on each case) differs
    from it on some case, in ``output_names`` order."""
    refs = reference_results(exercise)
    wrong = {
        k
        for mine, ref in zip(per_case, refs, strict=True)
        for k in ref
        if not same(mine.get(k, MISSING), ref[k])
    }
    return tuple(k for k in output_names(exercise) if k in wrong)
