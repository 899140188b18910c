"""The student's function run on every test case through ``course_lib.guarded.call``.

Each call gets a private copy of the case, a time limit, and what is left of the whole
check's budget; a function that never returns is stopped instead of blocking the kernel.
What the function printed is kept by case, arguments it changed in place and warnings its
arithmetic raised become notes, and the first case it fails on ends the run with a
``Feedback`` saying why (it was stopped, it raised, it returned the wrong kind of value).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from course_lib import guarded
from course_lib.diagnose.failures import container_problem, not_run, where
from course_lib.diagnose.feedback import Feedback

TIME_LIMIT = 3.0  # seconds per call; the course's solutions take milliseconds
BUDGET = 10.0  # seconds for all the calls of one check
MAX_WARNINGS = 3  # distinct warnings shown as notes


@dataclass
class Run:
    """What the student's function did on the cases, up to the first it failed on."""

    outs: list = field(default_factory=list)  # its result on each case it passed
    printed: list = field(default_factory=list)  # (case number, text) where it printed
    mutation: str = ""  # the first case's sentence on an argument changed in place
    mutated: tuple = ()  # the arguments changed in place, on any case
    warnings: list = field(default_factory=list)  # distinct, at most MAX_WARNINGS
    failure: Feedback | None = None  # why it stopped early, or None

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(n for n in (self.mutation, *self.warnings) if n)

    def printed_text(self, cases) -> str:
        if not self.printed:
            return ""
        return "\n".join(
            f"--- {where(k, cases).removeprefix('On ')} ---\n{text.rstrip()}"
            for k, text in self.printed
        )


def display_name(ex, fn) -> str:
    """The function's own name, or the course's name for it when it has none (a lambda)."""
    name = getattr(fn, "__name__", "")
    return name if name.isidentifier() else ex.function


def run_student(ex, fn, cases, *, time_limit: float | None, budget: guarded.Budget) -> Run:
    """Call ``fn`` on each case, guarded, until it fails on one."""
    name = display_name(ex, fn)
    errors = []
    recorded = guarded.recording(fn, errors)
    run = Run()
    for k, case in enumerate(cases, 1):
        errors.clear()
        outcome = guarded.call(recorded, case.args, name=name, time_limit=time_limit, budget=budget)
        _keep(run, k, outcome)
        if not outcome.ok:
            error = errors[-1] if errors else None
            failure = not_run(ex, outcome, error, fn, k, cases)
            if not isinstance(error, NotImplementedError):  # the stub needs no traceback
                failure = replace(failure, traceback=outcome.traceback)
            run.failure = failure
            return run
        problem = container_problem(ex, outcome.value)
        if problem is not None:
            run.failure = Feedback(
                False,
                None,
                f"{ex.name}: not correct. {where(k, cases)}, {problem}",
                f"{ex.name} returns this: {ex.call}",
            )
            return run
        run.outs.append(outcome.value)
    return run


def _keep(run: Run, k: int, outcome) -> None:
    """Keep what the call printed, the first change of an argument, and new warnings."""
    if outcome.printed:
        run.printed.append((k, outcome.printed))
    run.mutation = run.mutation or outcome.mutation
    run.mutated = tuple(dict.fromkeys((*run.mutated, *outcome.mutated)))
    for text in outcome.warnings:
        note = f"{outcome.name} warned: {text}"
        if note not in run.warnings and len(run.warnings) < MAX_WARNINGS:
            run.warnings.append(note)
