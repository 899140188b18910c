"""``Mistake`` and ``@catalogued``, which puts a mistaken function into the catalogue.

The per-exercise modules beside this one register their entries with ``@catalogued`` when
they are imported; ``course_lib.diagnose.catalogue`` imports them all and gathers the
entries into ``MISTAKES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from course_lib.checks import CourseInputError
from course_lib.diagnose.exercises import EXERCISES


@dataclass(frozen=True)
class Mistake:
    """A catalogued mistake: ``apply`` has the exercise's signature and makes the mistake."""

    id: str
    exercise: str
    title: str
    hint: str
    apply: Callable


_REGISTERED: list[Mistake] = []  # in the order the entries were defined


def catalogued(exercise: str, key: str, title: str, hint: str):
    """Register the decorated function as the mistake ``exercise.key`` (used at import only).

    exercise : a key of ``EXERCISES``; the function has that exercise's signature.
    key : short and stable; the id ``exercise.key`` must never change once published.
    title : what is wrong, in the student's words. hint : the idea, not the code.
    """
    if exercise not in EXERCISES:
        raise CourseInputError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")

    mistake_id = f"{exercise}.{key}"
    if any(entry.id == mistake_id for entry in _REGISTERED):
        raise CourseInputError(f"key {key!r}: the id {mistake_id!r} is already in the catalogue")

    def register(fn):
        _REGISTERED.append(Mistake(mistake_id, exercise, title, hint, fn))
        return fn

    return register


def registered(exercise: str) -> tuple[Mistake, ...]:
    """The entries registered so far for ``exercise``, in the order they were defined."""
    return tuple(entry for entry in _REGISTERED if entry.exercise == exercise)
