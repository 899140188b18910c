"""Run one student function safely and say, in one sentence, what it did.

A student's code is input like any other (the style guide's lesson 15): it may raise, loop,
print, return the wrong thing or change what it is given. ``call(fn, args, name=...)``
runs it once and returns an ``Outcome``; it never raises because of ``fn``:

- ``fn`` gets a private deep copy of ``args`` and a second copy stays pristine; afterwards
  every argument ``fn`` changed in place is named (``Outcome.mutated``, ``.mutation``).
  Arrays are not made read-only: ``dA[Z <= 0] = 0`` on the given ``dA`` is code the
  course accepts, so it is reported, never turned into an error.
- a time limit per call, and optionally a ``Budget`` shared by the calls of a whole check;
- whatever ``fn`` prints (stdout and stderr) is captured in ``Outcome.printed`` to be shown;
- NumPy's floating-point warnings from ``fn``'s arithmetic are collected in
  ``Outcome.warnings`` instead of being printed (``np.errstate`` inside the call only;
  NumPy's global ``np.seterr`` state is never touched);
- an exception comes back as one sentence plus a traceback of the student's frames only.

``describe_output`` then says in one sentence why a returned value cannot be used.

Limits of an in-process guard
-----------------------------
The time limit is a ``SIGALRM`` timer (``signal.setitimer(ITIMER_REAL)``), so it applies in
the main thread only, which is where a Jupyter kernel runs cells and ipywidgets callbacks.
Elsewhere (another thread, or a platform without ``setitimer``) the call runs without a
limit and ``Outcome.time_limit`` is None. The signal stops Python code between bytecodes:
a Python loop that never ends is stopped, but a single call that hangs inside C code (one
huge NumPy product) runs to its end first, and a function that catches ``BaseException``
on every turn of its loop cannot be stopped at all; only a separate process could enforce
those, at the price of pickling the student's function and its globals.

A timer someone else armed (pytest-timeout's ``signal`` method uses the same one) is paused
for the call: its handler is put back afterwards and it is re-armed with its remaining time
minus the call's duration, or fired at once if that ran out during the call. So it fires up
to one call's limit late, and not at all while a function that cannot be stopped runs.

Capturing prints and warnings swaps process-wide objects (``sys.stdout``, ``sys.stderr``,
the warnings filters) for the duration of the call, so output from other threads during a
call is captured with it, and calls from several threads at once mix their captures.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import linecache
import math
import os
import signal
import site
import sysconfig
import threading
import time
import traceback
import warnings
from dataclasses import dataclass

import numpy as np

from course_lib.checks import CourseInputError

DEFAULT_TIME_LIMIT = 3.0  # seconds per call; the course's functions take milliseconds
PRINT_LIMIT = 10_000  # characters of a call's printed output kept for showing
_RESTOP = 0.05  # if fn swallowed the stop (a bare except), stop it again this often
_LONGEST = 1e6  # seconds; setitimer overflows on absurd limits

OK, RAISED, NOT_IMPLEMENTED, TIMEOUT, BUDGET, IMPORT = (
    "ok", "raised", "not implemented", "timeout", "budget", "import")

_ACTIVATIONS = ("`from course_lib.activations import sigmoid, relu` and "
                "`from course_lib.assignment import sigmoid_backward, relu_backward`")
_MODEL = ("`from course_lib.assignment import initialize_parameters_deep, L_model_forward, "
          "compute_cost, L_model_backward, update_parameters, predict`")
_TESTS = ("`from course_lib.diagnose import check` to test your function "
          "(`check(\"relu_backward\", relu_backward)`) and `course_lib.data.make_problem` "
          "for test data")
_DATA = ("`course_lib.data.make_dataset(\"flower\")` (or \"xor\", \"moons\") for a data set "
         "and `from course_lib.activations import sigmoid`")
# The original course's helper modules, which this project replaces, and what to use instead.
COURSE_HELPERS = {
    "dnn_utils": _ACTIVATIONS, "dnn_utils_v2": _ACTIVATIONS, "dnn_app_utils_v3": _MODEL,
    "testCases": _TESTS, "testCases_v2": _TESTS, "testCases_v4a": _TESTS,
    "public_tests": _TESTS, "planar_utils": _DATA, "lr_utils": _DATA,
}


class Budget:
    """Seconds allowed for a whole check of many calls, counted from its creation.

    Pass the same ``Budget`` to each ``call`` of the check: a call's limit is the smaller
    of its own and what is left, and once nothing is left a call is not made at all.
    """

    def __init__(self, seconds: float):
        self.seconds = _positive("seconds", seconds)
        self._deadline = time.monotonic() + self.seconds

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self._deadline - time.monotonic())


@dataclass(frozen=True, eq=False)
class Outcome:
    """What one guarded call did.

    Attributes
    ----------
    name : str
        The function's name as the student knows it (``"relu_backward"``).
    kind : str
        ``"ok"``, ``"raised"``, ``"not implemented"`` (the stub), ``"import"`` (a helper
        module of the original course), ``"timeout"`` or ``"budget"`` (the whole check's
        time ran out, before or during this call).
    value : object
        What the function returned; None unless ``kind == "ok"``.
    message : str
        One sentence saying what went wrong, naming the function; "" when it returned.
    mutation : str
        One sentence naming the arguments it changed in place, or "".
    mutated : tuple of str
        The names of those arguments (``("dA",)``).
    traceback : str
        The traceback trimmed to the student's own frames, ready to show; "" if none.
    printed : str
        What it printed (stdout and stderr, in order), at most ``PRINT_LIMIT`` characters.
    warnings : tuple of str
        The warnings its arithmetic raised (``"RuntimeWarning: divide by zero ..."``).
    seconds : float
        Wall-clock duration of the call.
    time_limit : float or None
        The limit that applied, or None when none could be (not in the main thread).
    """

    name: str
    kind: str
    value: object = None
    message: str = ""
    mutation: str = ""
    mutated: tuple[str, ...] = ()
    traceback: str = ""
    printed: str = ""
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    time_limit: float | None = None

    @property
    def ok(self) -> bool:
        """True when the function returned (it may still have changed its arguments)."""
        return self.kind == OK

    def report(self) -> str:
        """Everything worth showing the student, as plain text (empty for a clean call)."""
        parts = [self.message, self.mutation]
        if self.warnings:
            parts.append(f"{self.name} warned: " + "; ".join(self.warnings))
        if self.printed:
            parts.append(f"{self.name} printed:\n{self.printed.rstrip()}")
        parts.append(self.traceback.rstrip())
        return "\n".join(p for p in parts if p)


def call(fn, args=(), *, name: str | None = None, time_limit: float | None = DEFAULT_TIME_LIMIT,
         budget: Budget | None = None) -> Outcome:
    """Call ``fn(*args)`` on a private copy of ``args`` under a time limit; say what it did.

    Parameters
    ----------
    fn : callable
        The student's function.
    args : tuple or list
        Its positional arguments (arrays, tuples and NamedTuples of arrays, nested cache
        tuples, dicts of arrays, lists of caches, strings). They are deep-copied and never
        changed.
    name : str, optional
        The function's name as the exercise calls it; ``fn.__name__`` by default.
    time_limit : float or None
        Seconds the call may take (None: no limit). Applies only in the main thread;
        in another thread the call runs without a limit (``Outcome.time_limit`` is None).
    budget : Budget, optional
        The whole check's time: the call gets at most what is left, and is not made when
        nothing is.

    Returns
    -------
    Outcome
    """
    if not callable(fn):
        raise CourseInputError(f"fn must be a function (pass it without calling it), got "
                               f"{type(fn).__name__}")
    if not isinstance(args, (tuple, list)):
        raise CourseInputError(f"args must be a tuple of arguments, got {type(args).__name__}")
    name = str(name or getattr(fn, "__name__", "your function"))
    limit = None if time_limit is None else _positive("time_limit", time_limit)
    by_budget = False
    if budget is not None:
        left = budget.remaining()
        if left <= 0:
            return Outcome(name, BUDGET, message=f"{name} was not run: the "
                           f"{budget.seconds:.3g} s allowed for the whole check ran out.")
        by_budget = limit is None or left < limit
        limit = left if by_budget else limit
    pristine = copy.deepcopy(tuple(args))
    given = copy.deepcopy(pristine)
    printed = _Capped(PRINT_LIMIT)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with (contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed),
              np.errstate(divide="warn", over="warn", invalid="warn", under="ignore")):
            value, error, stopped, limit, seconds = _run(fn, given, limit)
    if stopped:
        kind, message = _stopped(name, error, limit, budget if by_budget else None)
    else:
        kind, message = _explain(name, fn, error)
    names = _argument_names(fn, len(pristine))
    changes = [(n, c) for n, b, a in zip(names, pristine, given, strict=True)
               if (c := _change(b, a, n)) is not None]
    return Outcome(
        name, kind, value if kind == OK else None, message,
        mutation=_mutation_sentence(name, changes), mutated=tuple(n for n, _ in changes),
        traceback=_student_traceback(error, stopped, limit), printed=printed.text(),
        warnings=_warning_texts(caught), seconds=seconds, time_limit=limit)


def describe_output(value, *, function: str, output: str, expected_shape=None,
                    dtype_kinds: str = "iuf") -> str | None:
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
        return (f"{function} returned {output} holding values of type {value.dtype}, "
                f"not real numbers{tip}.")
    if want is not None and not _fits(value.shape, want):
        note = ""
        if value.ndim == 2 and _fits(value.shape[::-1], want):
            note = ": that is the transposed shape (check the order of the factors and the .T)"
        elif value.ndim == 1 and len(want) == 2 and _fits((*value.shape, 1), want):
            note = ": it is 1-D and lost its column (a sum with keepdims=True keeps it)"
        elif value.ndim == 1 and len(want) == 2 and _fits((1, *value.shape), want):
            note = ": it is 1-D and lost its row (a sum with keepdims=True keeps it)"
        return (f"{function} returned {output} with shape {value.shape}, expected "
                f"{_shape_text(want)}{note}.")
    if value.dtype.kind in "fc" and not np.isfinite(value).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(value))[0])
        return (f"{function} returned {output} holding {value[index]} at "
                f"{_at(output, index)} (its first NaN or inf).")
    return None


# ----------------------------------------------------------------------------- the call


class _Stop(BaseException):
    """Raised in the student's code when its time is up (not an Exception: ``except
    Exception`` in the student's code must not swallow it)."""


def _run(fn, args, limit):
    """``fn(*args)`` under a SIGALRM timer of ``limit`` seconds when one can be used.

    Returns (value, error, stopped, limit applied or None, seconds).
    """
    if limit is None or not _can_time():
        start = time.monotonic()
        value, error = _plain_call(fn, args)
        return value, error, False, None, time.monotonic() - start
    stopped = []

    def on_alarm(signum, frame):
        # Never interrupt this module's own bookkeeping (restoring the previous timer):
        # a stop that lands after fn returned means fn finished, just in time.
        if frame is not None and frame.f_globals is not globals():
            stopped.append(True)
            raise _Stop

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    start = time.monotonic()
    previous_timer = signal.setitimer(signal.ITIMER_REAL, min(limit, _LONGEST), _RESTOP)
    try:
        value, error = _plain_call(fn, args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        seconds = time.monotonic() - start
        delay, interval = previous_timer
        if delay > 0:  # someone else's timer: re-armed with what is left, or fired at once
            signal.setitimer(signal.ITIMER_REAL, max(delay - seconds, 1e-6), interval)
    return value, error, bool(stopped), limit, seconds


def _plain_call(fn, args):
    try:
        return fn(*args), None
    except (Exception, SystemExit, _Stop) as exc:  # KeyboardInterrupt is the user's
        return None, exc


def _can_time() -> bool:
    return (hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) is not None)  # None: set outside Python


def _positive(label, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CourseInputError(f"{label} must be a number of seconds, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise CourseInputError(f"{label} must be a positive number of seconds, got {value}")
    return float(value)


class _Capped(io.TextIOBase):
    """A text stream keeping the first ``limit`` characters written (a print loop is cut)."""

    def __init__(self, limit):
        self._parts, self._kept, self._dropped, self._limit = [], 0, 0, limit

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        room = max(0, self._limit - self._kept)
        self._parts.append(s[:room])
        self._kept += min(room, len(s))
        self._dropped += max(0, len(s) - room)
        return len(s)

    def text(self) -> str:
        more = f"\n... ({self._dropped} more characters not shown)" if self._dropped else ""
        return "".join(self._parts) + more


def _warning_texts(caught) -> tuple[str, ...]:
    texts = []
    for w in caught:
        line = linecache.getline(w.filename, w.lineno).strip()
        text = f"{w.category.__name__}: {w.message}" + (f" at the line `{line}`" if line else "")
        if text not in texts:
            texts.append(text)
    return tuple(texts)


# ----------------------------------------------------------------------------- what it did


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = [os.path.dirname(__file__), os.path.dirname(np.__file__),
            *(paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib"))]
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
        return BUDGET, (f"{name} was stopped{where} after {limit:.3g} s, when the "
                        f"{budget.seconds:.3g} s allowed for the whole check ran out.")
    return TIMEOUT, (f"{name} did not finish within {limit:.3g} s and was stopped{where}: "
                     f"look for a loop whose condition never becomes false.")


def _explain(name, fn, error) -> tuple[str, str]:
    if error is None:
        return OK, ""
    frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
    raiser = frames[-1].f_code if frames else None
    if isinstance(error, NotImplementedError) and raiser and _is_student(raiser.co_filename):
        if raiser is getattr(fn, "__code__", raiser):
            return NOT_IMPLEMENTED, (f"{name} is not implemented yet: replace "
                                     f"`raise NotImplementedError` with your code.")
        return NOT_IMPLEMENTED, (f"{name} is not implemented yet: it calls {raiser.co_name}, "
                                 f"which still raises NotImplementedError.")
    missing = str(error.name or "").split(".")[0] if isinstance(error, ImportError) else ""
    if missing in COURSE_HELPERS:
        return IMPORT, (f"{name} imports {missing}, a helper module of the original course "
                        f"that this project does not have: use {COURSE_HELPERS[missing]} "
                        f"instead.")
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
            return (f"{path} had shape {before.shape} and dtype {before.dtype}, now "
                    f"{after.shape} and {after.dtype}")
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
        parts = ((b, a, f"{path}.{fields[i]}" if fields else f"{path}[{i}]")
                 for i, (b, a) in enumerate(zip(before, after, strict=True)))
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
    which = (f"argument {names[0]}" if len(names) == 1
             else f"arguments {', '.join(names[:-1])} and {names[-1]}")
    return (f"{name} changed its {which} in place ({changes[0][1]}); return new arrays "
            f"instead of changing the ones you are given (`np.array(x, copy=True)` makes "
            f"a copy you may change).")


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
