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
Elsewhere (another thread, or a browser tab, which has no ``setitimer``) a line tracer
(``trace.Tracer``) checks the time limit as the student's code takes its steps (lines, and
bytecodes while a limit is set), and ``Outcome.time_limit`` is None. The signal stops Python
code between bytecodes: a Python loop that never ends is stopped, but a single call that
hangs inside C code (one huge NumPy product) runs to its end first, and a function that
catches ``BaseException`` on every turn of its loop cannot be stopped at all; only a
separate process could enforce those, at the price of pickling the student's function and
its globals.

A timer someone else armed (pytest-timeout's ``signal`` method uses the same one) is paused
for the call: its handler is put back afterwards and it is re-armed with its remaining time
minus the call's duration, or fired at once if that ran out during the call. So it fires up
to one call's limit late, and not at all while a function that cannot be stopped runs.

Capturing prints and warnings swaps process-wide objects (``sys.stdout``, ``sys.stderr``,
the warnings filters) for the duration of the call, so output from other threads during a
call is captured with it, and calls from several threads at once mix their captures.
"""

from course_lib.guarded.call import Budget, Outcome, call, recording
from course_lib.guarded.failures import COURSE_HELPERS
from course_lib.guarded.kinds import (
    BUDGET,
    DEFAULT_TIME_LIMIT,
    IMPORT,
    NOT_IMPLEMENTED,
    OK,
    PRINT_LIMIT,
    RAISED,
    TIMEOUT,
    StepLimit,
)
from course_lib.guarded.trace import Tracer, Watch, loop_names, statement_text
from course_lib.guarded.values import describe_output

__all__ = [
    "StepLimit",
    "Tracer",
    "Watch",
    "loop_names",
    "statement_text",
    "BUDGET",
    "COURSE_HELPERS",
    "DEFAULT_TIME_LIMIT",
    "IMPORT",
    "NOT_IMPLEMENTED",
    "OK",
    "PRINT_LIMIT",
    "RAISED",
    "TIMEOUT",
    "Budget",
    "Outcome",
    "call",
    "describe_output",
    "recording",
]
