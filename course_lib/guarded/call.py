"""``call``: one student function run on a private copy of its arguments, under a time
limit, its printed output and warnings captured; ``Budget`` for a whole check."""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import linecache
import math
import signal
import threading
import time
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from course_lib.checks import CourseInputError
from course_lib.guarded.failures import error_sentence, stop_sentence, student_traceback
from course_lib.guarded.kinds import (
    BUDGET,
    DEFAULT_TIME_LIMIT,
    OK,
    PRINT_LIMIT,
    StepLimit,
)
from course_lib.guarded.trace import Tracer, Watch, running
from course_lib.guarded.values import in_place_changes, mutation_sentence

_RESTOP = 0.05  # if fn swallowed the stop (a bare except), stop it again this often
_LONGEST = 1e6  # seconds; setitimer overflows on absurd limits


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


def call(
    fn,
    args=(),
    *,
    name: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    budget: Budget | None = None,
    steps: int | None = None,
) -> Outcome:
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
        Seconds the call may take (None: no limit), by a timer in the main thread; where
        no timer can run (another thread, a browser tab) as a budget of steps instead
        (``Outcome.time_limit`` is then None).
    budget : Budget, optional
        The whole check's time: the call gets at most what is left, and is not made when
        nothing is.
    steps : int, optional
        The most steps (lines and bytecodes) of the student's code the call may take (a
        ``trace.Tracer`` budget): the time limit where no timer exists, as in a browser
        tab, where a time limit becomes such a budget by itself.

    Returns
    -------
    Outcome
    """
    _check_call(fn, args)
    name = str(name or getattr(fn, "__name__", "your function"))
    limit = None if time_limit is None else _positive("time_limit", time_limit)
    limit, by_budget = _within_budget(limit, budget)
    if by_budget and limit <= 0:  # nothing is left of the whole check's time
        return Outcome(
            name,
            BUDGET,
            message=f"{name} was not run: the "
            f"{budget.seconds:.3g} s allowed for the whole check ran out.",
        )
    pristine = copy.deepcopy(tuple(args))
    given = copy.deepcopy(pristine)
    with _statement_budget(steps, limit):
        ran = _run_captured(fn, given, limit)
    return _outcome(name, fn, ran, pristine, given, budget if by_budget else None)


def recording(fn, errors: list):
    """``fn``, keeping the exception it raises in ``errors`` (``call`` reports it only as
    text). ``functools.wraps`` keeps the parameter names, which ``call`` uses to name an
    argument changed in place; this wrapper's frame is library code, left out of the
    traceback."""

    @functools.wraps(fn)
    def recorded(*args):
        try:
            return fn(*args)
        except BaseException as exc:
            errors.append(exc)
            raise

    return recorded


def _statement_budget(steps: int | None, limit: float | None):
    """The budget in force for a call: ``steps`` when given; and where no timer can stop the
    call (another thread, a browser tab), its time limit checked by the tracer as the
    student's code takes its steps. Inside a tracer already watching (``annotate``'s), that
    tracer's budget is lowered for the call instead of a second tracer replacing it."""
    seconds = limit if limit is not None and not _can_time() else None
    if steps is None and seconds is None:
        return contextlib.nullcontext()
    active = running()
    if active:
        return active.budget(steps, seconds)
    return Tracer(Watch(), steps=steps, seconds=seconds)


def _check_call(fn, args) -> None:
    """The caller's ``fn`` and ``args`` (a bad one is the caller's error, not the student's)."""
    if not callable(fn):
        raise CourseInputError(
            f"fn must be a function (pass it without calling it), got {type(fn).__name__}"
        )
    if not isinstance(args, (tuple, list)):
        raise CourseInputError(f"args must be a tuple of arguments, got {type(args).__name__}")


def _within_budget(limit: float | None, budget: Budget | None) -> tuple:
    """The limit that applies, the smaller of ``limit`` and what is left of ``budget``, and
    whether the budget set it (then a limit of 0 or less means nothing is left)."""
    if budget is None:
        return limit, False
    left = budget.remaining()
    by_budget = limit is None or left < limit
    return (left if by_budget else limit), by_budget


def _outcome(name, fn, ran, pristine, given, budget) -> Outcome:
    """What a call did, from its run and its arguments before and after.

    budget : the whole check's ``Budget`` when it set the limit (a stop is then the
    budget's), else None.
    """
    if ran.stopped:
        kind, message = stop_sentence(name, ran.error, ran.limit, budget)
    else:
        kind, message = error_sentence(name, fn, ran.error)
    changes = in_place_changes(fn, pristine, given)
    return Outcome(
        name,
        kind,
        ran.value if kind == OK else None,
        message,
        mutation=mutation_sentence(name, changes),
        mutated=tuple(n for n, _ in changes),
        traceback=student_traceback(ran.error, ran.stopped, ran.limit),
        printed=ran.printed,
        warnings=ran.warnings,
        seconds=ran.seconds,
        time_limit=ran.limit,
    )


# ----------------------------------------------------------------------------- the call


class _Stop(BaseException):
    """Raised in the student's code when its time is up (not an Exception: ``except
    Exception`` in the student's code must not swallow it)."""


class _Ran(NamedTuple):
    """One run of the student's function: what ``_run`` returns, and what it printed and
    warned."""

    value: object
    error: BaseException | None
    stopped: bool
    limit: float | None  # the limit applied, None when none could be
    seconds: float
    printed: str
    warnings: tuple[str, ...]


def _run_captured(fn, args, limit) -> _Ran:
    """``_run`` with what ``fn`` prints and warns captured, and NumPy's warnings on for
    division by zero, overflow and invalid values."""
    printed = _Capped(PRINT_LIMIT)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with (
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(printed),
            np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"),
        ):
            run = _run(fn, args, limit)
    return _Ran(*run, printed.text(), _warning_texts(caught))


def _run(fn, args, limit):
    """``fn(*args)`` under a SIGALRM timer of ``limit`` seconds when one can be used.

    Returns (value, error, stopped, limit applied or None, seconds).
    """
    if limit is None or not _can_time():
        start = time.monotonic()
        value, error = _plain_call(fn, args)
        return value, error, isinstance(error, StepLimit), None, time.monotonic() - start
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
    return value, error, bool(stopped) or isinstance(error, StepLimit), limit, seconds


def _plain_call(fn, args):
    try:
        return fn(*args), None
    except (Exception, SystemExit, _Stop, StepLimit) as exc:  # KeyboardInterrupt: the user's
        return None, exc


def _can_time() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) is not None
    )  # None: set outside Python


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
