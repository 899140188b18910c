"""What ``check`` says when the student's function gave no outputs to judge.

It was stopped (past the time limit, or the whole check's budget ran out), it imported a
helper module of the original course, it raised (the stub's ``NotImplementedError``
included), or it returned the wrong kind of value. Each message names the test case.
"""

from __future__ import annotations

import os
import re
import sysconfig
import traceback

import numpy as np

import course_lib
from course_lib import guarded
from course_lib.checks import CourseInputError
from course_lib.diagnose.feedback import NOT_IMPLEMENTED, Feedback


def where(k: int, cases) -> str:
    """``On test case k of n (its label)``, to begin a sentence."""
    return f"On test case {k} of {len(cases)} ({cases[k - 1].label})"


def _on_case(k: int, cases) -> str:
    """``on test case k of n (its label)``, to end a sentence."""
    return f"on test case {k} of {len(cases)} ({cases[k - 1].label})"


def not_run(ex, outcome, error, fn, k: int, cases) -> Feedback:
    """The guarded call of the student's function on case ``k`` returned nothing."""
    if outcome.kind == guarded.TIMEOUT:
        # The guard's sentence names the student's line it stopped at; keep that part.
        stopped = re.search(r"was stopped( at the line `[^`]*`)?", outcome.message)
        at = (stopped.group(1) or "") if stopped else ""
        return Feedback(
            False,
            None,
            f"{ex.name}: {outcome.name} ran past the time limit of "
            f"{outcome.time_limit:.3g} s {_on_case(k, cases)} and was stopped{at}: "
            f"look for a loop whose condition never becomes false.",
            "Run your function on a small input with a print inside the loop "
            "to see why it does not end.",
        )
    if outcome.kind == guarded.BUDGET:
        return Feedback(
            False,
            None,
            f"{ex.name}: {outcome.message.rstrip('.')} {_on_case(k, cases)}.",
            "Your function is much slower than it "
            "needs to be: the course's solution takes milliseconds.",
        )
    if outcome.kind == guarded.IMPORT:
        return Feedback(False, None, f"{ex.name}: {outcome.message}", "")
    if isinstance(error, NotImplementedError):
        return not_implemented(ex, fn, error)
    if error is None:  # nothing recorded: say what the guard saw
        return Feedback(False, None, f"{ex.name}: {outcome.message}", "")
    return raised(ex, error, where(k, cases))


def not_implemented(ex, fn, exc) -> Feedback:
    """The stub, or a solution that calls another exercise's stub, raised NotImplementedError."""
    frames = [frame for frame, _ in traceback.walk_tb(exc.__traceback__)]
    raiser = frames[-1].f_code if frames else None
    if raiser is not None and raiser is not getattr(fn, "__code__", raiser):
        name = raiser.co_name
        message = (
            f"{ex.name}: {NOT_IMPLEMENTED}: it calls {name}, which still raises "
            f"NotImplementedError."
        )
        return Feedback(False, None, message, f"Write {name} first (its exercise is above).")
    return Feedback(
        False,
        None,
        f"{ex.name}: {NOT_IMPLEMENTED}.",
        "Replace `raise NotImplementedError` with your code, then run the cell "
        "with the function and this cell again.",
    )


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
    message = (
        f"{ex.name} raised {type(exc).__name__}. {at}, your function stopped"
        f"{_student_line(exc)}: {explanation}"
    )
    return Feedback(False, None, message, hint)


def _plain_words(exc, ex) -> tuple[str, str]:
    """What a Python or NumPy error means for backprop code, and what to look at."""
    text = str(exc)
    broadcast = re.search(r"broadcast together with (?:remapped )?shapes (.+?)\s*$", text)
    if isinstance(exc, ValueError) and broadcast:
        shapes = " and ".join(broadcast.group(1).split())
        return (
            f"an elementwise operation (`*`, `+`, `-` or `/`) between arrays of shapes "
            f"{shapes}, which do not fit together.",
            "Entry-by-entry operations need equal shapes (or a size-1 axis). If this "
            "should be a matrix product, use `@` or `np.dot`; otherwise print the shapes "
            "on that line and compare them with the formula.",
        )
    aligned = re.search(r"shapes (\(.*?\)) and (\(.*?\)) not aligned", text)
    core = re.search(r"size (\d+) is different from (\d+)", text)
    if isinstance(exc, ValueError) and (aligned or (core and "matmul" in text)):
        detail = (
            f"shapes {aligned.group(1)} and {aligned.group(2)}"
            if aligned
            else f"inner sizes {core.group(2)} and {core.group(1)}"
        )
        return (
            f"a matrix product (`@` or `np.dot`) whose inner sizes do not match ({detail}).",
            "In A @ B the columns of A must equal the rows of B. Check the order of the "
            "factors and which one is transposed; if you meant an entry-by-entry "
            "product, use `*`." + _PRODUCTS.get(ex.name, ""),
        )
    if isinstance(exc, KeyError):
        return (
            f"it looked up the key {exc.args[0]!r}, which is not there.",
            "Print the keys of the dict you index (`print(sorted(d))`). " + _KEYS.get(ex.name, ""),
        )
    if isinstance(exc, CourseInputError):
        return (
            f"a course_lib function refused its arguments: {text}",
            "Check what you pass to it against its docstring.",
        )
    return (
        f"{type(exc).__name__}: {text}",
        "Read the error and the line it points to; print the shapes of the arrays there.",
    )


_PRODUCTS = {  # the products of the exercise, and the transpose students leave out
    "linear_backward": " W has shape (n[l], n[l-1]) and dZ (n[l], m): is it W or W.T that "
    "fits in front of dZ?",
    "linear_activation_backward": " W has shape (n[l], n[l-1]) and dZ (n[l], m): is it W or "
    "W.T that fits in front of dZ?",
    "backward_propagation": " W2 has shape (n_y, n_h) and dZ2 (n_y, m): is it W2 or W2.T "
    "that fits in front of dZ2?",
}

_KEYS = {
    "backward_propagation": "parameters holds W1, b1, W2, b2; the cache holds Z1, A1, Z2, A2.",
    "L_model_backward": "grads is keyed 'dA0' ... 'dA{L-1}', 'dW1' ... 'dWL', 'db1' ... 'dbL'.",
}


def describe(value) -> str:
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
        return f"your function returned {describe(out)}, not a NumPy array."
    if ex.kind == "tuple":
        wanted = f"({', '.join(ex.outputs)})"
        if not isinstance(out, tuple):
            return f"your function returned {describe(out)}; it should return the tuple {wanted}."
        if len(out) != len(ex.outputs):
            return (
                f"your function returned a tuple of {len(out)} items; it should return "
                f"{len(ex.outputs)}: {wanted}."
            )
    if ex.kind == "dict" and not isinstance(out, dict):
        return f"your function returned {describe(out)}; it should return the dict grads."
    return None
