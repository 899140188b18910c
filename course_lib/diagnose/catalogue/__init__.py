"""The catalogue of mistakes: one module per exercise, each entry a mistaken function.

An entry is a function with the exercise's signature that makes one mistake, decorated with
``@catalogued(exercise, key, title, hint, stage=...)`` in the module named after its exercise
(``catalogue/linear_backward.py`` holds the mistakes of ``linear_backward``). Importing this
package imports every such module, which registers its entries; ``MISTAKES`` lists them all.

To add a mistake, add a decorated function to its exercise's module and run
``tests/test_diagnose.py``: it fails if the new entry raises on the cases or gives the same
outputs as the reference or another entry (then add a test case to ``exercises.py`` that
tells them apart). ``stage`` is given for the whole-pass exercises only (``WHOLE_PASS``);
``Mistake.outputs`` is found from the cases, never typed. To add an exercise, add it to
``EXERCISES`` (``course_lib.diagnose.exercises``), write its module here and list it in
``_MODULES``.
"""

from __future__ import annotations

from course_lib.checks import CourseInputError
from course_lib.diagnose.catalogue import (
    L_model_backward,
    backward_propagation,
    dAL,
    linear_activation_backward,
    linear_backward,
    relu_backward,
    sigmoid_backward,
    tanh_backward,
)
from course_lib.diagnose.catalogue.registry import WHOLE_PASS, Mistake, catalogued, registered
from course_lib.diagnose.exercises import exercise_named

__all__ = ["MISTAKES", "WHOLE_PASS", "Mistake", "catalogued", "find_mistake", "mistakes_for"]

# One module per exercise, in the order MISTAKES lists them (the exercise notebook prints
# the list); within a module, entries keep the order they are written in.
_MODULES = (
    linear_backward,
    sigmoid_backward,
    relu_backward,
    tanh_backward,
    dAL,
    linear_activation_backward,
    L_model_backward,
    backward_propagation,
)

MISTAKES: tuple[Mistake, ...] = tuple(
    entry for module in _MODULES for entry in registered(module.__name__.rpartition(".")[2])
)


def mistakes_for(exercise: str) -> tuple[Mistake, ...]:
    """The catalogue entries of one exercise, in catalogue order."""
    exercise_named(exercise)
    return tuple(entry for entry in MISTAKES if entry.exercise == exercise)


def find_mistake(mistake_id: str) -> Mistake:
    """The catalogue entry with this id."""
    for entry in MISTAKES:
        if entry.id == mistake_id:
            return entry
    raise CourseInputError(f"mistake_id {mistake_id!r} is not in the catalogue MISTAKES")
