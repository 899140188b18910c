"""``Mistake`` and ``@catalogued``, which puts a mistaken function into the catalogue.

The per-exercise modules beside this one register their entries with ``@catalogued`` when
they are imported; ``course_lib.diagnose.catalogue`` imports them all and gathers the
entries into ``MISTAKES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from course_lib.checks import CourseInputError
from course_lib.diagnose.exercises import EXERCISES
from course_lib.diagnose.outputs import differing, results_of
from course_lib.stages import STAGE_KEYS

# The exercises that are a whole backward pass, or its first stage: their mistakes sit at
# one stage of the 2-layer pass. The others are steps used in every layer.
WHOLE_PASS = ("dAL", "L_model_backward", "backward_propagation")


@dataclass(frozen=True)
class Mistake:
    """A catalogued mistake: ``apply`` has the exercise's signature and makes the mistake.

    id : ``"<exercise>.<key>"``, stable once published.
    exercise : the key of ``EXERCISES`` it belongs to.
    title : what is wrong, in the student's words. hint : the idea, not the code.
    apply : the mistaken function.
    stage : for a whole-pass exercise (``WHOLE_PASS``), the stage of the 2-layer pass where
        the mistake is made (``"dA2"``, ``"dZ2"``, ..., ``"dA0"``, as in
        ``course_lib.stages.STAGE_KEYS``); None for a per-step exercise, where it depends
        on the layer the step serves.
    outputs : (computed) the names of the outputs it changes, found by running ``apply`` on
        the exercise's test cases against the reference (``"dW"``, ``"db"``, or grads keys).
    """

    id: str
    exercise: str
    title: str
    hint: str
    apply: Callable
    stage: str | None = None

    @cached_property
    def outputs(self) -> tuple[str, ...]:
        found = results_of(self.apply, self.exercise)
        return () if found is None else differing(self.exercise, found)


_REGISTERED: list[Mistake] = []  # in the order the entries were defined


def catalogued(exercise: str, key: str, title: str, hint: str, *, stage: str | None = None):
    """Register the decorated function as the mistake ``exercise.key`` (used at import only).

    exercise : a key of ``EXERCISES``; the function has that exercise's signature.
    key : short and stable; the id ``exercise.key`` must never change once published.
    title : what is wrong, in the student's words. hint : the idea, not the code.
    stage : where a whole-pass exercise's mistake is made (a key of ``STAGE_KEYS``);
        left out (None) for the per-step exercises.
    """
    if exercise not in EXERCISES:
        raise CourseInputError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")
    check_stage(exercise, stage)
    mistake_id = f"{exercise}.{key}"
    if any(entry.id == mistake_id for entry in _REGISTERED):
        raise CourseInputError(f"key {key!r}: the id {mistake_id!r} is already in the catalogue")

    def register(fn):
        _REGISTERED.append(Mistake(mistake_id, exercise, title, hint, fn, stage))
        return fn

    return register


def check_stage(exercise: str, stage) -> None:
    """A whole-pass exercise's mistake names its stage; a per-step one's does not."""
    if exercise in WHOLE_PASS and stage not in STAGE_KEYS:
        raise CourseInputError(
            f"stage must be one of {list(STAGE_KEYS)} for a mistake of {exercise}, got {stage!r}"
        )
    if exercise not in WHOLE_PASS and stage is not None:
        raise CourseInputError(
            f"stage must be None for a mistake of {exercise}: the step "
            f"serves every layer, got {stage!r}"
        )


def registered(exercise: str) -> tuple[Mistake, ...]:
    """The entries registered so far for ``exercise``, in the order they were defined."""
    return tuple(entry for entry in _REGISTERED if entry.exercise == exercise)
