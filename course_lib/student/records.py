"""What ``compare`` returns: nine ``StudentStage`` records in a ``Comparison``, and the
names (course functions, exercises, verdicts) they are written in."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course_lib.diagnose import find_mistake
from course_lib.functions import FUNCTIONS
from course_lib.stages import STAGE_KEYS

# Views of the course function table, by the names notebooks and tests use.
EXERCISE_OF = {f.name: f.exercise for f in FUNCTIONS}
FUNCTION_OF = {f.exercise: f.name for f in FUNCTIONS}
WRITTEN_FOR = {f.name: f.serves[0] for f in FUNCTIONS if f.whole}  # a whole pass's hidden
BUDGET_SECONDS = 20.0

RIGHT, WRONG_HERE, INHERITS = "right", "wrong here", "inherits"
HIDDEN, NOT_REACHED = "not observable", "not reached"


@dataclass(frozen=True)
class StudentStage:
    """One stage: the reference value, the student's, and the two judgements."""

    index: int
    key: str
    reference: np.ndarray
    student: np.ndarray | None  # as fed through the student's pass; None if not seen
    function: str | None  # the student's function that computes it (None: the reference's)
    right_as_fed: bool | None
    right_on_its_own: bool | None
    verdict: str  # right, wrong here, inherits, not observable, not reached
    inherits_from: str | None = None
    max_abs_diff: float | None = None


@dataclass(frozen=True)
class Comparison:
    """What ``compare`` found; ``stages`` has the nine records in backward order."""

    hidden: str
    seed: int
    stages: tuple
    first_wrong: str | None = None
    mistake: str | None = None
    mistakes: tuple = ()
    mistake_stage: str | None = None
    hint: str = ""
    error: str | None = None
    unsupported: str | None = None
    feedback: dict = field(default_factory=dict)  # function name -> diagnose.Feedback
    reports: tuple = ()  # what the student's code printed, changed in place or warned
    unused: tuple = ()  # functions given that take no part in the pass
    whole: str | None = None  # the whole-pass function given, if one was
    deep: tuple = ()  # a whole pass's departures at three and four layers (``Departure``)
    overwrites: tuple = ()  # sentences: an argument changed in place that grads keeps
    convention: str = ""  # the older notebook's grads keys, when the pass follows them

    def __getitem__(self, key: str) -> StudentStage:
        return self.stages[STAGE_KEYS.index(key)]

    @property
    def failed_checks(self) -> tuple:
        """The functions given whose exercise cases ``check`` failed, mistake named or not:
        a case the stepper's small net cannot show (a Z exactly 0) still counts."""
        return tuple(name for name, fb in self.feedback.items() if not fb.passed)

    @property
    def clean(self) -> bool:
        """Earned, never flattering: every stage agrees, nothing raised, every case of
        ``check`` passed, no argument that grads keeps is changed in place, and a whole
        pass agrees at three and four layers too."""
        return not (
            self.first_wrong
            or self.error
            or self.unsupported
            or self.mistakes
            or self.failed_checks
            or self.deep
            or self.overwrites
            or self.convention
        )

    @property
    def findings(self) -> tuple:
        """What is wrong beyond the nine stages, a sentence each: the older notebook's
        grads keys, an argument grads keeps overwritten, the first depth a whole pass
        departs at (in full when the two-layer pass agrees, else briefly)."""
        found = [self.convention[0].upper() + self.convention[1:]] if self.convention else []
        found += list(self.overwrites)
        if self.deep:
            shallow_wrong = self.first_wrong or self.error
            found.append(self.deep[0].brief if shallow_wrong else self.deep[0].sentence)
        return tuple(found)

    def __str__(self) -> str:
        lines = [
            f"{s.index}. {s.key:>3}: {s.verdict}"
            + (f" (from {s.inherits_from})" if s.inherits_from else "")
            for s in self.stages
        ]
        return "\n".join(lines + [summary(self)])


def summary(r: Comparison, whose: str = "Your pass") -> str:
    """The comparison in a few sentences; ``whose`` names the pass ("This pass" in mistake
    mode, where no student code runs). Whatever stopped the pass, every mistake named (with
    its hint), every failed case and every finding are said, each beside the others."""
    if r.unsupported:
        return r.unsupported
    if r.unused:
        reason = (
            f"your {r.whole} does not call it" if r.whole else f"the hidden layer is {r.hidden}"
        )
        unused = f" ({', '.join(r.unused)} not used: {reason}.)"
    else:
        unused = ""
    if r.clean:
        return "Every stage agrees with the reference." + unused
    parts = [_head(r, whose)]
    for i, mistake_id in enumerate(r.mistakes):
        entry = find_mistake(mistake_id)
        n = len(r.mistakes)
        label = "The mistake" if n == 1 else f"Mistake {i + 1} of {n}"
        at = f" (made at {r.mistake_stage})" if r.mistake_stage and mistake_id == r.mistake else ""
        parts.append(f"{label}{at}: {entry.title}. Hint: {entry.hint}")
    for name in r.failed_checks:
        fb = r.feedback[name]
        # Said already: by the depth a whole pass fails at, or by the error that stopped
        # the pass when the cases too gave no outputs to judge.
        said = (name == r.whole and r.deep) or (not fb.outputs and r.error and name in r.error)
        if not fb.mistake and not said:
            parts.append(f"{fb.message} Hint: {fb.hint}" if fb.hint else fb.message)
    return " ".join([*parts, *r.findings]) + unused


def _head(r: Comparison, whose: str) -> str:
    """The error that stopped the pass, its first departure, or what shows it elsewhere."""
    if r.error:
        return r.error
    if r.first_wrong:
        return f"{whose} first departs at {r.first_wrong}."
    said = f"Every stage of {whose.lower()} agrees with the reference on this net, but"
    failed = r.failed_checks
    if not failed:
        return f"{said} not everything is right."
    cases = [r.feedback[name].case for name in failed if r.feedback[name].case]
    shown = cases[0] if len(failed) == 1 and cases else "a test case"
    return (
        f"{said} {' and '.join(failed)} {'fails' if len(failed) == 1 else 'fail'} "
        f"{shown}, which this net does not show."
    )
