"""What a call that did not return says: the one sentence for an error or a stop, and
the traceback trimmed to the student's own frames (not course_lib, NumPy, the standard
library or site-packages)."""

from __future__ import annotations

import contextlib
import os
import site
import sys
import sysconfig
import traceback

import numpy as np

from course_lib.guarded.kinds import (
    BUDGET,
    IMPORT,
    NOT_IMPLEMENTED,
    OK,
    RAISED,
    TIMEOUT,
    StepLimit,
)

_ACTIVATIONS = (
    "`from course_lib.activations import sigmoid, relu` and "
    "`from course_lib.assignment import sigmoid_backward, relu_backward`"
)
_MODEL = (
    "`from course_lib.assignment import initialize_parameters_deep, L_model_forward, "
    "compute_cost, L_model_backward, update_parameters, predict`"
)
_TESTS = (
    "`from course_lib.diagnose import check` to test your function "
    '(`check("relu_backward", relu_backward)`) and `course_lib.data.make_problem` '
    "for test data"
)
_DATA = (
    '`course_lib.data.make_dataset("flower")` (or "xor", "moons") for a data set '
    "and `from course_lib.activations import sigmoid`"
)
# The original course's helper modules, which this project replaces, and what to use instead.
COURSE_HELPERS = {
    "dnn_utils": _ACTIVATIONS,
    "dnn_utils_v2": _ACTIVATIONS,
    "dnn_app_utils_v3": _MODEL,
    "testCases": _TESTS,
    "testCases_v2": _TESTS,
    "testCases_v4a": _TESTS,
    "public_tests": _TESTS,
    "planar_utils": _DATA,
    "lr_utils": _DATA,
}


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = [
        os.path.dirname(os.path.dirname(__file__)),  # course_lib
        os.path.dirname(np.__file__),
        *(paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")),
    ]
    with contextlib.suppress(AttributeError):  # some embedded Pythons lack these
        dirs += [*site.getsitepackages(), site.getusersitepackages()]
    # A standard library imported from a zip file on the path: Pyodide's is
    # /lib/python312.zip, outside sysconfig's stdlib (/lib/python3.12).
    dirs += [p for p in sys.path if p.endswith(".zip")]
    return tuple(os.path.realpath(d) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()


def is_student_file(filename: str) -> bool:
    """A frame of the student's code: not course_lib, NumPy, the standard library or
    site-packages. Notebook cells are files like ``/tmp/ipykernel_1/2.py`` or
    ``<ipython-input-3-...>``."""
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    return not os.path.realpath(filename).startswith(_LIBRARY_DIRS)


def _student_frames(error):
    if error is None:
        return []
    return [f for f in traceback.extract_tb(error.__traceback__) if is_student_file(f.filename)]


def _at_line(error) -> str:
    frames = [f for f in _student_frames(error) if f.line]
    return f" at the line `{frames[-1].line.strip()}`" if frames else ""


def student_traceback(error, stopped, limit) -> str:
    """The traceback of ``error`` trimmed to the student's own frames, ending with the
    exception, or with the stop after ``limit`` seconds when the call was ``stopped``; ""
    when there was no error."""
    if error is None:
        return ""
    frames = _student_frames(error)
    head = []
    if frames:
        head = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    if stopped and isinstance(error, StepLimit):
        tail = [f"Stopped: still running after {error}\n"]
    elif stopped:
        tail = [f"Stopped: still running after {limit:.3g} s\n"]
    else:
        tail = traceback.format_exception_only(type(error), error)
    return "".join(head + tail)


def stop_sentence(name, error, limit, budget) -> tuple[str, str]:
    """The kind and the sentence for a call stopped after ``limit`` seconds: by its own time
    limit, or by the whole check's ``budget`` when that set the limit (else None)."""
    where = _at_line(error)
    if isinstance(error, StepLimit):  # the tracer's budget, where no timer runs
        return TIMEOUT, (
            f"{name} did not finish within {error} and was stopped{where}: "
            f"look for a loop whose condition never becomes false."
        )
    if budget is not None:
        return BUDGET, (
            f"{name} was stopped{where} after {limit:.3g} s, when the "
            f"{budget.seconds:.3g} s allowed for the whole check ran out."
        )
    return TIMEOUT, (
        f"{name} did not finish within {limit:.3g} s and was stopped{where}: "
        f"look for a loop whose condition never becomes false."
    )


def error_sentence(name, fn, error) -> tuple[str, str]:
    """The kind and the sentence for a call that ended with ``error`` (None: it returned):
    the stub still raising NotImplementedError, a helper module of the original course, or
    any other exception, named with the student's line that raised it."""
    if error is None:
        return OK, ""
    frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
    raiser = frames[-1].f_code if frames else None
    if isinstance(error, NotImplementedError) and raiser and is_student_file(raiser.co_filename):
        if raiser is getattr(fn, "__code__", raiser):
            return NOT_IMPLEMENTED, (
                f"{name} is not implemented yet: replace "
                f"`raise NotImplementedError` with your code."
            )
        return NOT_IMPLEMENTED, (
            f"{name} is not implemented yet: it calls {raiser.co_name}, "
            f"which still raises NotImplementedError."
        )
    missing = str(error.name or "").split(".")[0] if isinstance(error, ImportError) else ""
    if missing in COURSE_HELPERS:
        return IMPORT, (
            f"{name} imports {missing}, a helper module of the original course "
            f"that this project does not have: use {COURSE_HELPERS[missing]} "
            f"instead."
        )
    try:
        text = " ".join(str(error).split())
    except Exception:  # a student's exception class whose __str__ fails
        text = ""
    text = text if len(text) <= 300 else text[:300] + "..."
    said = f": {text}" if text else ""
    end = "" if said.endswith((".", "!", "?")) else "."
    return RAISED, f"{name} raised {type(error).__name__}{_at_line(error)}{said}{end}"
