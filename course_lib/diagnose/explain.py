"""The verdict on the student's outputs, output by output, in a few sentences.

``verdict`` says which outputs are right, names the catalogued mistakes that explain the
wrong ones, and for a wrong output no mistake explains says what is wrong with it: a
missing key, a value that is not a usable array (``course_lib.guarded.describe_output``:
wrong type, wrong shape, NaN or inf), or by how much its numbers differ (the first entry
that differs, the largest absolute difference, the relative difference as gradient
checking measures it, and the factor when one factor explains every case).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib.diagnose.failures import where
from course_lib.diagnose.feedback import UNKNOWN, Feedback
from course_lib.diagnose.outputs import MISSING, same, single_precision, tolerance
from course_lib.guarded import describe_output

_COUNT = {2: "two", 3: "three", 4: "four", 5: "five"}
_ORDINAL = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth")


def listing(names) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _are(names) -> str:
    return "is" if len(names) == 1 else "are"


@dataclass(frozen=True)
class Evidence:
    """What the function did on the test cases: ``outs`` what it returned on each case;
    ``student``, ``refs`` the named outputs on each case, its and the reference's;
    ``outputs`` each output's name and whether it is right on every case."""

    cases: tuple
    outs: list
    student: list
    refs: tuple
    outputs: dict


def verdict(ex, evidence: Evidence, named, fn_name: str) -> Feedback:
    """The ``Feedback`` on outputs that are not all right; ``named``: the catalogued
    mistakes that explain some of the wrong outputs; ``fn_name``: the function's name, to
    use in sentences."""
    cases, outs, student, refs = evidence.cases, evidence.outs, evidence.student, evidence.refs
    outputs = evidence.outputs
    n = len(cases)
    right = [k for k, ok in outputs.items() if ok]
    explained = {k for m in named for k in m.outputs}
    unknown = tuple(k for k, ok in outputs.items() if not ok and k not in explained)
    details = ""
    if unknown:  # the first in full, the others in a few words each
        details = explain_output(ex, unknown[0], cases, outs, student, refs, fn_name)
    if len(unknown) > 1:
        reasons: dict[str, list] = {}  # outputs wrong in the same way are listed together
        for k in unknown[1:]:
            reasons.setdefault(brief(ex, k, cases, student, refs), []).append(label_of(ex, k))
        details += (
            " Also wrong: "
            + listing(f"{listing(labels)} ({reason})" for reason, labels in reasons.items())
            + "."
        )
    if not named:
        message = f"{ex.name}: {UNKNOWN}. {details}"
    else:
        message = _named(ex, named, n, right if not unknown else [], partly=bool(unknown))
        if unknown:
            message += f" Also, {listing(unknown)} {_are(unknown)} {UNKNOWN}. {details}"
    if right and (unknown or len(named) > 1):
        message += f" Right on every test case: {listing(right)}."
    hint = " ".join([*(m.hint for m in named), *([ex.hint] if unknown else [])])
    ids = tuple(m.id for m in named)
    return Feedback(False, "+".join(ids) or None, message, hint, outputs, ids, unknown)


def every_case(n: int) -> str:
    """ "both test cases" or "all 3 test cases"."""
    return "both test cases" if n == 2 else f"all {n} test cases"


def _named(ex, named, n: int, right, partly: bool) -> str:
    """The sentences naming the catalogued mistakes; ``partly``: other outputs are wrong in
    ways none explains, so the evidence names the outputs the mistakes explain."""
    these = "this mistake's" if len(named) == 1 else "these mistakes'"
    evidence = f"(Your outputs equal {these} outputs on {every_case(n)}.)"
    if partly:
        which = [k for m in named for k in m.outputs]
        evidence = (
            f"(Your {listing(which)} {'equals' if len(which) == 1 else 'equal'} "
            f"{these} on {every_case(n)}.)"
        )
    if len(named) == 1:
        also = f"; {listing(right)} {_are(right)} right" if right else ""
        return f"{ex.name}: {named[0].title}{also}. {evidence}"
    words = " ".join(f"{_ORDINAL[i]}, {m.title}." for i, m in enumerate(named))
    count = _COUNT.get(len(named), str(len(named)))
    return f"{ex.name}: {count} mistakes at once. {words} {evidence}"


def label_of(ex, name: str) -> str:
    """How an output is written: ``dW`` for a tuple's item, ``grads['dW1']`` for a dict's."""
    return f"grads[{name!r}]" if ex.kind == "dict" else name


def explain_output(ex, name, cases, outs, student, refs, fn_name) -> str:
    """What is wrong with output ``name``, on the first case where it is wrong."""
    for k, (out, mine, ref) in enumerate(zip(outs, student, refs, strict=True), 1):
        if name not in ref or same(mine[name], ref[name]):
            continue
        got, want, label = mine[name], ref[name], label_of(ex, name)
        if got is MISSING:
            return (
                f"{where(k, cases)}, grads has no key {name!r}; your keys are "
                f"{sorted(map(str, out))}."
            )
        problem = describe_output(got, function=fn_name, output=label, expected_shape=want.shape)
        if problem is not None:
            return f"{where(k, cases)}, {problem}{_transpose_note(got, want)}"
        return (
            f"{where(k, cases)}, {_difference(label, got, want)}"
            f"{factor_note(label, name, cases, student, refs)}"
        )
    raise AssertionError(f"explain_output called on an output that is right: {name}")


def _transpose_note(got, want) -> str:
    if (
        isinstance(got, np.ndarray)
        and got.ndim == 2
        and got.shape == want.shape[::-1]
        and got.dtype.kind in "iuf"
        and same(got.T, want)
    ):
        return " It is exactly the transpose of the expected."
    return ""


def _num(x) -> str:
    s = f"{float(x):.6g}"
    return "0" if s in ("-0", "0") else s


def _difference(label, got, want) -> str:
    """The first entry that differs, the largest difference and the relative difference."""
    rtol, atol = tolerance(want, single_precision(got))
    got64 = got.astype(np.float64)
    bad = ~np.isclose(got64, want, rtol=rtol, atol=atol)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    gap = np.abs(got64 - want)
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(gap), gap.shape))
    norms = np.linalg.norm(got64) + np.linalg.norm(want)
    relative = np.linalg.norm(got64 - want) / norms if norms else 0.0
    return (
        f"{_at(label, first)} is {_num(got[first])} but {_num(want[first])} is expected; "
        f"the largest difference is {_num(gap[worst])} (at {_at(label, worst)}), and the "
        f"relative difference |yours - expected| / (|yours| + |expected|) is "
        f"{_num(relative)}."
    )


def _at(label, index) -> str:
    return f"{label}[{', '.join(map(str, index))}]" if index else label


def brief(ex, name, cases, student, refs) -> str:
    """What is wrong with output ``name``, in a few words (``-1 times the expected on every
    test case``, ``shape (4, 5), expected (5, 4)``)."""
    k, got, want = next(
        (k, mine[name], ref[name])
        for k, (mine, ref) in enumerate(zip(student, refs, strict=True), 1)
        if name in ref and not same(mine[name], ref[name])
    )
    if got is MISSING:
        return "missing"
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "iuf":
        return "not an array of real numbers"
    if got.shape != want.shape:
        return f"shape {got.shape}, expected {want.shape}"
    if not np.all(np.isfinite(got)):
        return "holding NaN or inf"
    factor = _factor(name, cases, student, refs)
    if factor:
        return f"{factor} the expected on every test case"
    gap = np.max(np.abs(got.astype(np.float64) - want))
    return f"largest difference {_num(gap)} on test case {k}"


def factor_note(label, name, cases, student, refs) -> str:
    """`` On every test case ... is m times the expected.`` when one factor explains all."""
    factor = _factor(name, cases, student, refs)
    if factor is None:
        return ""
    if factor == "m times":
        return f" On every test case {label} is m times the expected (m = number of examples)."
    if factor == "1/m times":
        return f" On every test case {label} is the expected divided by m."
    return f" On every test case {label} is {factor} the expected."


def _factor(name, cases, student, refs) -> str | None:
    """``"m times"``, ``"1/m times"`` or ``"exactly 2 times"`` when one factor turns the
    expected ``name`` into the student's on every case; None otherwise."""
    ratios = []
    for case, mine, ref in zip(cases, student, refs, strict=True):
        if name not in ref:  # grads of a net with fewer layers
            continue
        got, want = mine[name], ref[name]
        if not (
            isinstance(got, np.ndarray)
            and got.shape == want.shape
            and got.dtype.kind in "iuf"
            and np.all(np.isfinite(got))
        ):
            return None
        rtol = tolerance(want, single_precision(got))[0] * 10
        nonzero = want != 0
        if np.any(got[~nonzero] != 0):
            return None
        r = got[nonzero] / want[nonzero]
        if r.size == 0 or not np.allclose(r, r[0], rtol=rtol):
            return None
        ratios.append((float(r[0]), case.m))
    if not ratios:
        return None
    if all(np.isclose(r, m) for r, m in ratios):
        return "m times"
    if all(np.isclose(r, 1 / m) for r, m in ratios):
        return "1/m times"
    first = ratios[0][0]
    if all(np.isclose(r, first) for r, _ in ratios):
        return f"exactly {_num(first)} times"
    return None
