"""A line tracer for the student's own code: after each statement of their functions runs,
the frame is handed to a watcher; optionally a budget of statements stops a loop that never
ends where no timer exists (a browser tab).

``Tracer`` uses ``sys.settrace`` (Python 3.11 has no ``sys.monitoring``). Only the student's
frames are traced: frames whose code lives outside course_lib, NumPy, the standard library
and site-packages (``failures.is_student_file``). Comprehensions and lambdas inside them are
not traced line by line: their work is seen when the statement containing them completes.
A tracer already set (a debugger's, coverage's) is saved and put back afterwards; while this
one runs, that one does not see the student's frames.

A statement is a whole simple statement, or the header of a compound one (``for``, ``if``,
``while``, ``with``), as the function's source parses: ``statement_starts`` maps each line
to the line where its statement starts, so a statement written over several lines is one.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import sys
import textwrap
import time
from dataclasses import dataclass, field
from functools import lru_cache

from course_lib.guarded.failures import is_student_file
from course_lib.guarded.kinds import StepLimit


@dataclass
class Watch:
    """What a ``Tracer`` reports to: each hook gets the frame (``code_name`` tells whose).

    on_call(frame) : a traced frame starts.
    on_statement(frame, start) : the statement starting at line ``start`` has just run.
    on_return(frame, value, start) : the frame returns ``value`` from the statement at
        ``start`` (None when it raised).
    """

    on_call: object = None
    on_statement: object = None
    on_return: object = None


@dataclass
class Tracer:
    """Trace the student's frames for the duration of a ``with`` block.

    watch : the ``Watch`` to report to; roots : the code objects of the functions to trace
    (and, through them, the student's helpers they call), None for every student frame;
    steps : the most steps the traced code may take in all, a step being a line or, while
    a budget is set, a bytecode (None: no budget); ``StepLimit`` is raised in the student's
    code past it.
    """

    watch: Watch = field(default_factory=Watch)
    roots: frozenset | None = None  # code objects to start from (None: every student frame)
    steps: int | None = None
    seconds: float | None = None  # a time limit checked as steps are taken (no timer)
    taken: int = 0
    _deadline: float | None = None
    failures: list = field(default_factory=list)  # the watcher's own errors (never raised)
    _previous: object = None
    _last: dict = field(default_factory=dict)  # frame -> start line of its running statement

    def __enter__(self) -> Tracer:
        if self.seconds is not None:
            self._deadline = time.monotonic() + self.seconds
        self._previous = sys.gettrace()
        sys.settrace(self._global)
        _RUNNING.append(self)
        return self

    def __exit__(self, *exc) -> None:
        sys.settrace(self._previous)
        _RUNNING.remove(self)
        self._last.clear()

    def budget(self, steps: int | None = None, seconds: float | None = None):
        """A context in which at most ``steps`` more steps may be taken, or ``seconds`` more
        pass (None: no change), inside this tracer: a budget for one call under a tracer
        that is watching."""
        return _Budget(self, steps, seconds)

    @property
    def budgeted(self) -> bool:
        return self.steps is not None or self._deadline is not None

    # -- the trace functions --------------------------------------------------------------

    def _global(self, frame, event, arg):
        if event != "call" or not self._follows(frame):
            return None
        if self.budgeted:  # a loop on one line (``while True: pass``) makes no
            frame.f_trace_opcodes = True  # line events: its bytecodes are counted instead
        self._tell(self.watch.on_call, frame)
        return self._local

    def _follows(self, frame) -> bool:
        if frame.f_code.co_name in _INSIDE_A_LINE:  # comprehensions, lambdas
            return self.budgeted and frame.f_back in self._last
        return self._follows_code(frame)

    def _follows_code(self, frame) -> bool:
        """Trace this frame? Every student frame, or with ``roots``: a root, and what a
        traced frame calls of the student's (or of the root's own module: a library
        function given as a root, such as the course's own, keeps its helpers)."""
        code = frame.f_code
        if self.roots is None:
            return is_student_file(code.co_filename)
        if code in self.roots:
            return True
        caller = frame.f_back
        return caller in self._last and (
            is_student_file(code.co_filename) or code.co_filename == caller.f_code.co_filename
        )

    def _local(self, frame, event, arg):
        if event == "opcode":
            self._spend()
            return self._local
        if frame.f_code.co_name in _INSIDE_A_LINE:  # counted, never reported
            if event == "line":
                self._spend()
            return self._local
        starts = statement_starts(frame.f_code)
        if event == "line":
            start = starts.get(frame.f_lineno, frame.f_lineno)
            before = self._last.get(frame)
            # Another statement begins, so the one before it has run. The same start again
            # is a continuation line of a statement written over several lines.
            if before is not None and before != start:
                self._statement_done(frame, before)
            self._last[frame] = start
            self._spend()
        elif event == "return":
            start = self._last.pop(frame, None)
            self._tell(self.watch.on_return, frame, arg, start)
        elif event == "exception":
            pass
        return self._local

    def _statement_done(self, frame, start) -> None:
        self._tell(self.watch.on_statement, frame, start)

    def _tell(self, hook, *args) -> None:
        """Call a watcher's hook; its own error is kept, never raised into the student's
        code (an error in a trace function would end up in their frame)."""
        if hook is None:
            return
        try:
            hook(*args)
        except Exception as exc:
            self.failures.append(exc)

    def _spend(self) -> None:
        self.taken += 1
        if self.steps is not None and self.taken > self.steps:
            raise StepLimit(f"{self.steps} steps")
        if self._deadline is not None and self.taken % 256 == 0:
            if time.monotonic() > self._deadline:
                raise StepLimit(f"{self.seconds:.3g} s")


# Code that runs inside one line of its caller: seen through that line, not line by line
# (their lines still count against a budget of statements).
_INSIDE_A_LINE = frozenset({"<lambda>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})
_RUNNING: list = []  # the tracers in force, innermost last


def running() -> Tracer | None:
    """The innermost ``Tracer`` in force, or None."""
    return _RUNNING[-1] if _RUNNING and sys.gettrace() == _RUNNING[-1]._global else None


@dataclass
class _Budget:
    tracer: Tracer
    steps: int | None
    seconds: float | None
    _before: tuple = ()

    def __enter__(self):
        tracer = self.tracer
        self._before = (tracer.steps, tracer.seconds, tracer._deadline)
        if self.steps is not None:
            limit = tracer.taken + self.steps
            tracer.steps = limit if tracer.steps is None else min(tracer.steps, limit)
        if self.seconds is not None:
            deadline = time.monotonic() + self.seconds
            if tracer._deadline is None or deadline < tracer._deadline:
                tracer.seconds, tracer._deadline = self.seconds, deadline
        return tracer

    def __exit__(self, *exc) -> None:
        self.tracer.steps, self.tracer.seconds, self.tracer._deadline = self._before


@lru_cache(maxsize=256)
def statement_starts(code) -> dict:
    """Line -> the line where its statement starts, for the function ``code`` (from its
    source; {} when there is none)."""
    lines = source_lines(code.co_filename, code.co_firstlineno)
    if not lines:
        return {}
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return {}
    offset = code.co_firstlineno - 1
    starts = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            last = node.lineno if _compound(node) else node.end_lineno
            for line in range(node.lineno, last + 1):
                starts.setdefault(line + offset, node.lineno + offset)
                # the innermost statement wins: walk visits outer ones first
                starts[line + offset] = node.lineno + offset
    return starts


@lru_cache(maxsize=256)
def loop_names(code) -> dict:
    """Line -> the names of the ``for`` loops around it (``("l",)``) in the function
    ``code``: which turn of a loop ran a statement is read from them."""
    lines = source_lines(code.co_filename, code.co_firstlineno)
    try:
        tree = ast.parse(textwrap.dedent("".join(lines))) if lines else None
    except SyntaxError:
        tree = None
    if tree is None:
        return {}
    offset, found = code.co_firstlineno - 1, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            for line in range(node.lineno + 1, node.end_lineno + 1):
                found.setdefault(line + offset, ())
                found[line + offset] += (node.target.id,)
    return found


def _compound(node) -> bool:
    return isinstance(node, ast.For | ast.While | ast.If | ast.With | ast.Try | ast.FunctionDef)


def source_lines(filename: str, first: int) -> list:
    """The lines of the function that starts at line ``first`` of ``filename`` (its whole
    block), from ``linecache`` (where notebook cells and pasted code are registered)."""
    lines = linecache.getlines(filename)
    if not lines or first > len(lines):
        return []
    try:
        return inspect.getblock(lines[first - 1 :])
    except (IndentationError, SyntaxError, IndexError, TypeError):
        return []


def statement_text(filename: str, start: int) -> str | None:
    """All the lines of the statement starting at ``start``, as written; None without
    source."""
    line = linecache.getline(filename, start)
    if not line:
        return None
    lines = linecache.getlines(filename)
    block = [line]
    depth = _open_brackets(line)
    index = start
    while depth > 0 and index < len(lines):
        index += 1
        nxt = lines[index - 1]
        block.append(nxt)
        depth += _open_brackets(nxt)
    return "".join(block).rstrip("\n")


def _open_brackets(line: str) -> int:
    code = line.split("#", 1)[0]
    return sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
