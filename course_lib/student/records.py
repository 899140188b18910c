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
    unused: tuple = ()  # functions given that this hidden activation leaves out of the pass

    def __getitem__(self, key: str) -> StudentStage:
        return self.stages[STAGE_KEYS.index(key)]

    @property
    def failed_checks(self) -> tuple:
        """The functions given whose exercise cases ``check`` failed, mistake named or not:
        a case the stepper's small net cannot show (a Z exactly 0) still counts."""
        return tuple(name for name, fb in self.feedback.items() if not fb.passed)

    @property
    def clean(self) -> bool:
        return not (
            self.first_wrong
            or self.error
            or self.unsupported
            or self.mistakes
            or self.failed_checks
        )

    def __str__(self) -> str:
        lines = [
            f"{s.index}. {s.key:>3}: {s.verdict}"
            + (f" (from {s.inherits_from})" if s.inherits_from else "")
            for s in self.stages
        ]
        return "\n".join(lines + [summary(self)])


def summary(r: Comparison, whose: str = "Your pass") -> str:
    """The comparison in a sentence or two; ``whose`` names the pass ("This pass" in
    mistake mode, where no student code runs)."""
    if r.unsupported:
        return r.unsupported
    if r.error:
        return r.error
    unused = (
        f" ({', '.join(r.unused)} not used: the hidden layer is {r.hidden}.)" if r.unused else ""
    )
    if r.clean:
        return "Every stage agrees with the reference." + unused
    parts = [
        f"{whose} first departs at {r.first_wrong}."
        if r.first_wrong
        else f"Every stage of {whose.lower()} agrees with the reference on this net, but "
        f"{' and '.join(r.failed_checks)} fails a case this net does not show."
    ]
    if r.mistakes:
        titles = "; ".join(find_mistake(m).title for m in r.mistakes)
        where = f" (made at {r.mistake_stage})" if r.mistake_stage else ""
        parts.append(f"The mistake{where}: {titles}.")
    else:
        parts.append(
            "It is not a mistake in the catalogue: "
            + " ".join(fb.message for fb in r.feedback.values() if not fb.passed)
        )
    return " ".join(p for p in parts if p) + unused
