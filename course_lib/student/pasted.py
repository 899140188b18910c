"""Code a student pastes into the static app: the one place the project runs text as Python.

The static site runs the app in the student's own browser tab (Pyodide), on nobody's
server, so there, and only there, the app offers a "Your code" area (``in_browser``): the
student pastes their backward functions, ``load`` runs the text in a fresh namespace and
returns the functions it defines under course names, for ``compare`` and ``annotate``. The
served app (voila, a hub, Binder) never builds that area and never runs a student's text.

The text is registered in ``linecache`` under a name of its own (``<your code 1>``), so
tracebacks and the line-by-line margin show its lines. Its top-level code runs through
``guarded.call``: printed output captured, and a loop that never ends stopped by the time
limit, which in a browser tab is a budget of steps (no timer exists there). One NumPy call
that never returns cannot be stopped in a tab: the page says so.
"""

from __future__ import annotations

import itertools
import linecache
import sys
from dataclasses import dataclass

import numpy as np

from course_lib.functions import FUNCTION
from course_lib.guarded import DEFAULT_TIME_LIMIT, call

MAX_CHARACTERS = 50_000  # a pasted file of backward functions is a few thousand
_numbers = itertools.count(1)


def in_browser() -> bool:
    """Running in a browser tab (Pyodide), where the student's code runs in their own tab."""
    return sys.platform == "emscripten"


@dataclass(frozen=True)
class Pasted:
    """What ``load`` found: the course functions defined, and a sentence for the student."""

    functions: dict
    message: str
    filename: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.functions)


def load(source, time_limit: float = DEFAULT_TIME_LIMIT) -> Pasted:
    """Run pasted text and keep the functions it defines under course names (``relu_backward``,
    ``linear_backward``, ..., ``L_model_backward``); ``np`` and ``numpy`` are there already."""
    if not isinstance(source, str):
        return Pasted({}, "Paste your functions as text.")
    if len(source) > MAX_CHARACTERS:
        return Pasted({}, f"That is {len(source):,} characters; paste at most {MAX_CHARACTERS:,}.")
    filename = f"<your code {next(_numbers)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as error:
        where = f" at line {error.lineno}" if error.lineno else ""
        return Pasted({}, f"Your code has a syntax error{where}: {error.msg}.", filename)
    namespace = {"np": np, "numpy": np, "__name__": "your_code"}

    def run_it():
        exec(code, namespace)  # noqa: S102  (the student's own text, in their own tab)

    ran = call(run_it, (), name="your code", time_limit=time_limit)
    if not ran.ok:
        return Pasted({}, ran.message, filename)
    found = {n: f for n, f in namespace.items() if n in FUNCTION and callable(f)}
    if not found:
        names = ", ".join(FUNCTION)
        return Pasted({}, f"No function of the course is defined; name yours one of {names}.")
    return Pasted(found, f"In the third column now: your {', '.join(found)}.", filename)
