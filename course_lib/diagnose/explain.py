"""What ``check`` says when the student's function is wrong, in one or two sentences.

Three kinds of wrong: the function raised (``raised``, ``not_implemented``), it returned the
wrong kind of value (``container_problem``), or its outputs differ from the reference in a way
no catalogued mistake explains (``explain_difference``). Each message names the test case.
"""

from __future__ import annotations

import os
import re
import sysconfig
import traceback

import numpy as np

import course_lib
from course_lib.checks import CourseInputError
from course_lib.diagnose.compare import ATOL, MISSING, RTOL, parts, same
from course_lib.diagnose.feedback import NOT_IMPLEMENTED, UNKNOWN, Feedback


def where(k: int, cases) -> str:
    """``On test case k of n (its label)``, to begin a sentence."""
    return f"On test case {k} of {len(cases)} ({cases[k - 1].label})"


# ----------------------------------------------------------------------------- it raised


def not_implemented(ex, fn, exc) -> Feedback:
    """The stub, or a solution that calls another exercise's stub, raised NotImplementedError."""
    frames = [frame for frame, _ in traceback.walk_tb(exc.__traceback__)]
    raiser = frames[-1].f_code if frames else None
    if raiser is not None and raiser is not getattr(fn, "__code__", raiser):
        name = raiser.co_name
        message = (f"{ex.name}: {NOT_IMPLEMENTED}: it calls {name}, which still raises "
                   f"NotImplementedError.")
        return Feedback(False, None, message, f"Write {name} first (its exercise is above).")
    return Feedback(False, None, f"{ex.name}: {NOT_IMPLEMENTED}.",
                    "Replace `raise NotImplementedError` with your code, then run the cell "
                    "with the function and this cell again.")


_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(m.__file__)) + os.sep for m in (np, course_lib)
) + (os.path.abspath(sysconfig.get_paths()["stdlib"]) + os.sep,)


def _student_line(exc) -> str:
    """`` at the line `...` `` for the last line of the student's code the error passed."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not os.path.abspath(frame.filename).startswith(_LIBRARY_DIRS) and frame.line:
            return f" at the line `{frame.line.strip()}`"
    return ""


def raised(ex, exc, at: str) -> Feedback:
    """The student's function raised ``exc`` on the case described by ``at``."""
    explanation, hint = _plain_words(exc, ex)
    message = (f"{ex.name} raised {type(exc).__name__}. {at}, your function stopped"
               f"{_student_line(exc)}: {explanation}")
    return Feedback(False, None, message, hint)


def _plain_words(exc, ex) -> tuple[str, str]:
    """What a Python or NumPy error means for backprop code, and what to look at."""
    text = str(exc)
    broadcast = re.search(r"broadcast together with (?:remapped )?shapes (.+?)\s*$", text)
    if isinstance(exc, ValueError) and broadcast:
        shapes = " and ".join(broadcast.group(1).split())
        return (f"an elementwise operation (`*`, `+`, `-` or `/`) between arrays of shapes "
                f"{shapes}, which do not fit together.",
                "Entry-by-entry operations need equal shapes (or a size-1 axis). If this "
                "should be a matrix product, use `@` or `np.dot`; otherwise print the shapes "
                "on that line and compare them with the formula.")
    aligned = re.search(r"shapes (\(.*?\)) and (\(.*?\)) not aligned", text)
    core = re.search(r"size (\d+) is different from (\d+)", text)
    if isinstance(exc, ValueError) and (aligned or (core and "matmul" in text)):
        detail = (f"shapes {aligned.group(1)} and {aligned.group(2)}" if aligned
                  else f"inner sizes {core.group(2)} and {core.group(1)}")
        return (f"a matrix product (`@` or `np.dot`) whose inner sizes do not match ({detail}).",
                "In A @ B the columns of A must equal the rows of B. Check the order of the "
                "factors and which one is transposed; if you meant an entry-by-entry product, "
                "use `*`.")
    if isinstance(exc, KeyError):
        return (f"it looked up the key {exc.args[0]!r}, which is not there.",
                "Print the keys of the dict you index (`print(sorted(d))`). "
                + _KEYS.get(ex.name, ""))
    if isinstance(exc, CourseInputError):
        return (f"a course_lib function refused its arguments: {text}",
                "Check what you pass to it against its docstring.")
    return (f"{type(exc).__name__}: {text}",
            "Read the error and the line it points to; print the shapes of the arrays there.")


_KEYS = {
    "backward_propagation": "parameters holds W1, b1, W2, b2; the cache holds Z1, A1, Z2, A2.",
    "L_model_backward": "grads is keyed 'dA0' ... 'dA{L-1}', 'dW1' ... 'dWL', 'db1' ... 'dbL'.",
}


# ----------------------------------------------------------------------------- the wrong kind


def _describe(value) -> str:
    """A value's type in plain words."""
    if value is None:
        return "None"
    if isinstance(value, bool) or np.isscalar(value):
        return "a single number"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    return f"a {type(value).__name__}"


def container_problem(ex, out) -> str | None:
    """What is wrong with the kind of value returned, or None when the kind is right."""
    if out is None:
        return "your function returned None: is the `return` line missing?"
    if ex.kind == "array" and not isinstance(out, np.ndarray):
        return f"your function returned {_describe(out)}, not a NumPy array."
    if ex.kind == "tuple":
        wanted = f"({', '.join(ex.outputs)})"
        if not isinstance(out, tuple):
            return (f"your function returned {_describe(out)}; it should return the tuple "
                    f"{wanted}.")
        if len(out) != len(ex.outputs):
            return (f"your function returned a tuple of {len(out)} items; it should return "
                    f"{len(ex.outputs)}: {wanted}.")
    if ex.kind == "dict" and not isinstance(out, dict):
        return f"your function returned {_describe(out)}; it should return the dict grads."
    return None


# ----------------------------------------------------------------------------- wrong outputs


def explain_difference(ex, cases, outs, refs) -> Feedback:
    """The first output, in the first case, that differs; with what is wrong with it."""
    for k, (out, ref) in enumerate(zip(outs, refs, strict=True), 1):
        wanted = parts(ex, ref)
        have = parts(ex, out, names=list(wanted))
        for name, want in wanted.items():
            got = have[name]
            if same(got, want):
                continue
            if got is MISSING:
                detail = f"grads has no key {name!r}; your keys are {sorted(map(str, out))}."
            else:
                detail = _explain_part(f"grads[{name!r}]" if ex.kind == "dict" else name,
                                       got, want)
            if isinstance(got, np.ndarray) and got.shape == want.shape:
                detail += _factor_note(ex, name, cases, outs, refs)
            return Feedback(False, None, f"{ex.name}: {UNKNOWN}. {where(k, cases)}, {detail}",
                            ex.hint)
    raise AssertionError("explain_difference called on outputs that agree")  # unreachable


def _num(x) -> str:
    s = f"{float(x):.6g}"
    return "0" if s in ("-0", "0") else s


def _explain_part(label, got, want) -> str:
    """Why ``got`` (an output the student returned) is not ``want``, in one sentence."""
    if not isinstance(got, np.ndarray):
        tip = ""
        if np.isscalar(got) and want.shape[1:] == (1,):
            tip = " (a sum with keepdims=True keeps the column shape)"
        return (f"{label} is {_describe(got)}, not a NumPy array of shape {want.shape}{tip}.")
    if got.dtype.kind not in "iuf":
        return f"{label} holds values of type {got.dtype}, not real numbers."
    if got.shape != want.shape:
        note = ""
        if got.shape == want.shape[::-1]:
            note = (" It is exactly the transpose of the expected." if np.allclose(
                got.T, want, rtol=RTOL, atol=ATOL) else " That is the transposed shape.")
        elif got.ndim == 1 and got.size == want.size:
            note = " It is 1-D: it lost its column shape (a sum with keepdims=True keeps it)."
        return f"{label} has shape {got.shape}, expected {want.shape}.{note}"
    bad = ~np.isclose(got, want, rtol=RTOL, atol=ATOL)
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    at = ", ".join(map(str, index))
    return (f"{label}[{at}] is {_num(got[index])} but {_num(want[index])} is expected.")


def _factor_note(ex, name, cases, outs, refs) -> str:
    """`` Your ... is m times the expected ...`` when one factor explains every case."""
    ratios = []
    for case, out, ref in zip(cases, outs, refs, strict=True):
        want = parts(ex, ref).get(name, MISSING)
        if want is MISSING:  # grads of a net with fewer layers
            continue
        got = parts(ex, out, names=[name])[name]
        if not (isinstance(got, np.ndarray) and got.shape == want.shape):
            return ""
        nonzero = want != 0
        if np.any(got[~nonzero] != 0):
            return ""
        r = got[nonzero] / want[nonzero]
        if r.size == 0 or not np.allclose(r, r[0], rtol=1e-9):
            return ""
        ratios.append((float(r[0]), case.m))
    label = f"grads[{name!r}]" if ex.kind == "dict" else name
    if not ratios:
        return ""
    if all(np.isclose(r, m) for r, m in ratios):
        return f" On every test case {label} is m times the expected (m = number of examples)."
    if all(np.isclose(r, 1 / m) for r, m in ratios):
        return f" On every test case {label} is the expected divided by m."
    first = ratios[0][0]
    if all(np.isclose(r, first) for r, _ in ratios):
        return f" On every test case {label} is exactly {_num(first)} times the expected."
    return ""
