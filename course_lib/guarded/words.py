"""What a guarded call did, in words: the student's traceback, the sentence for an error
or a stop, the arguments it changed in place, and why a returned value cannot be used."""

from __future__ import annotations

import contextlib
import inspect
import os
import site
import sysconfig
import traceback

import numpy as np

from course_lib.guarded.kinds import BUDGET, IMPORT, NOT_IMPLEMENTED, OK, RAISED, TIMEOUT

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


def describe_output(
    value, *, function: str, output: str, expected_shape=None, dtype_kinds: str = "iuf"
) -> str | None:
    """One sentence saying why ``value`` cannot be used as ``output``; None when it can.

    Parameters
    ----------
    value : object
        What ``function`` returned for ``output`` (``dZ``, ``grads['dW1']``, ...).
    function, output : str
        Names used in the sentence.
    expected_shape : tuple, optional
        The shape ``output`` must have, ``None`` in it matching any size.
    dtype_kinds : str
        The NumPy dtype kinds accepted (``"iuf"``: integers and floats, float32 too).
    """
    if value is None:
        return f"{function} returned None instead of {output}: is the `return` line missing?"
    want = None if expected_shape is None else tuple(expected_shape)
    if not isinstance(value, np.ndarray):
        tip = ""
        if want and want[1:] == (1,) and _describe(value) == "a single number":
            tip = " (a sum with keepdims=True keeps the column shape)"
        shape = f" of shape {_shape_text(want)}" if want else ""
        return f"{function} returned {output} as {_describe(value)}, not a NumPy array{shape}{tip}."
    if value.dtype.kind not in dtype_kinds:
        tip = " (a comparison such as `Z > 0` gives True/False)" if value.dtype == bool else ""
        return (
            f"{function} returned {output} holding values of type {value.dtype}, "
            f"not real numbers{tip}."
        )
    if want is not None and not _fits(value.shape, want):
        note = ""
        if value.ndim == 2 and _fits(value.shape[::-1], want):
            note = ": that is the transposed shape (check the order of the factors and the .T)"
        elif value.ndim == 1 and len(want) == 2 and _fits((*value.shape, 1), want):
            note = ": it is 1-D and lost its column (a sum with keepdims=True keeps it)"
        elif value.ndim == 1 and len(want) == 2 and _fits((1, *value.shape), want):
            note = ": it is 1-D and lost its row (a sum with keepdims=True keeps it)"
        return (
            f"{function} returned {output} with shape {value.shape}, expected "
            f"{_shape_text(want)}{note}."
        )
    if value.dtype.kind in "fc" and not np.isfinite(value).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(value))[0])
        return (
            f"{function} returned {output} holding {value[index]} at "
            f"{_at(output, index)} (its first NaN or inf)."
        )
    return None


# ----------------------------------------------------------------------------- what it did


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = [
        os.path.dirname(os.path.dirname(__file__)),
        os.path.dirname(np.__file__),  # course_lib
        *(paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")),
    ]
    with contextlib.suppress(AttributeError):  # some embedded Pythons lack these
        dirs += [*site.getsitepackages(), site.getusersitepackages()]
    return tuple(os.path.realpath(d) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()


def _is_student(filename: str) -> bool:
    """A frame of the student's code: not course_lib, NumPy, the standard library or
    site-packages. Notebook cells are files like ``/tmp/ipykernel_1/2.py`` or
    ``<ipython-input-3-...>``."""
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    return not os.path.realpath(filename).startswith(_LIBRARY_DIRS)


def _student_frames(error):
    if error is None:
        return []
    return [f for f in traceback.extract_tb(error.__traceback__) if _is_student(f.filename)]


def _at_line(error) -> str:
    frames = [f for f in _student_frames(error) if f.line]
    return f" at the line `{frames[-1].line.strip()}`" if frames else ""


def _student_traceback(error, stopped, limit) -> str:
    if error is None:
        return ""
    frames = _student_frames(error)
    head = []
    if frames:
        head = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    if stopped:
        tail = [f"Stopped: still running after {limit:.3g} s\n"]
    else:
        tail = traceback.format_exception_only(type(error), error)
    return "".join(head + tail)


def _stopped(name, error, limit, budget) -> tuple[str, str]:
    where = _at_line(error)
    if budget is not None:
        return BUDGET, (
            f"{name} was stopped{where} after {limit:.3g} s, when the "
            f"{budget.seconds:.3g} s allowed for the whole check ran out."
        )
    return TIMEOUT, (
        f"{name} did not finish within {limit:.3g} s and was stopped{where}: "
        f"look for a loop whose condition never becomes false."
    )


def _explain(name, fn, error) -> tuple[str, str]:
    if error is None:
        return OK, ""
    frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
    raiser = frames[-1].f_code if frames else None
    if isinstance(error, NotImplementedError) and raiser and _is_student(raiser.co_filename):
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


def _argument_names(fn, n: int) -> list[str]:
    """The names of ``fn``'s first ``n`` positional parameters (``argument 3`` if unknown)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except Exception:  # builtins without a signature, or a student's odd callable
        params = []
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [positional[i] if i < len(positional) else f"argument {i + 1}" for i in range(n)]


def _change(before, after, path: str) -> str | None:
    """Where ``after`` (the student's copy) first differs from ``before``, or None."""
    if type(before) is not type(after):
        return f"{path} was {_describe(before)}, now {_describe(after)}"
    if isinstance(before, np.ndarray):
        if before.shape != after.shape or before.dtype != after.dtype:
            return (
                f"{path} had shape {before.shape} and dtype {before.dtype}, now "
                f"{after.shape} and {after.dtype}"
            )
        index = _first_difference(before, after)
        if index is None:
            return None
        return f"{_at(path, index)} was {_number(before[index])}, now {_number(after[index])}"
    if isinstance(before, dict):
        added = [k for k in after if k not in before]
        lost = [k for k in before if k not in after]
        if added or lost:
            return f"{path} {'gained' if added else 'lost'} the key {(added or lost)[0]!r}"
        parts = ((before[k], after[k], f"{path}[{k!r}]") for k in before)
    elif isinstance(before, (tuple, list)):
        if len(before) != len(after):
            return f"{path} had {len(before)} items, now {len(after)}"
        fields = getattr(before, "_fields", None)
        parts = (
            (b, a, f"{path}.{fields[i]}" if fields else f"{path}[{i}]")
            for i, (b, a) in enumerate(zip(before, after, strict=True))
        )
    elif _same_leaf(before, after):
        return None
    else:
        return f"{path} was {before!r:.40}, now {after!r:.40}"
    return next((c for b, a, p in parts if (c := _change(b, a, p)) is not None), None)


def _first_difference(before: np.ndarray, after: np.ndarray):
    """The first index where two arrays of one shape differ (NaN equals NaN), or None."""
    try:
        with np.errstate(all="ignore"):
            differ = np.asarray(before != after, dtype=bool)
            if before.dtype.kind in "fc":
                differ &= ~(np.isnan(before) & np.isnan(after))
    except Exception:  # an object array whose items cannot be compared
        return None
    if not differ.any():
        return None
    return tuple(int(i) for i in np.argwhere(differ)[0])


def _same_leaf(before, after) -> bool:
    if before is after or type(before).__eq__ is object.__eq__:
        return True  # compared by identity only: a deep copy cannot tell
    try:
        return bool(before == after) or (before != before and after != after)  # NaN
    except Exception:
        return True


def _mutation_sentence(name, changes) -> str:
    if not changes:
        return ""
    names = [n for n, _ in changes]
    which = (
        f"argument {names[0]}"
        if len(names) == 1
        else f"arguments {', '.join(names[:-1])} and {names[-1]}"
    )
    return (
        f"{name} changed its {which} in place ({changes[0][1]}); return new arrays "
        f"instead of changing the ones you are given (`np.array(x, copy=True)` makes "
        f"a copy you may change)."
    )


def _describe(value) -> str:
    """A value's type in plain words."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (bool, np.bool_)):
        return "True/False"
    if np.isscalar(value):
        return "a single number"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def _number(x) -> str:
    return f"{x:.6g}" if isinstance(x, (float, np.floating)) else str(x)


def _at(label: str, index: tuple) -> str:
    return f"{label}[{', '.join(map(str, index))}]" if index else label


def _fits(shape: tuple, want: tuple) -> bool:
    if len(shape) != len(want):
        return False
    return all(w is None or w == s for s, w in zip(shape, want, strict=True))


def _shape_text(want: tuple) -> str:
    sizes = ["any" if w is None else str(w) for w in want]
    return "(" + ", ".join(sizes) + "," * (len(sizes) == 1) + ")"
