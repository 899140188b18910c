"""The student's own backward pass, stage by stage, beside the reference.

``compare(functions, hidden="relu", seed=0)`` runs the stepper's 2-layer net through the
student's functions in place of the reference ones (``assignment.two_layer_backward``'s
``steps`` seam) and judges each of the nine stages twice:

- *as fed*: the student's value, computed from the student's own earlier stages (what
  they would see if they printed it);
- *on its own*: the student's function run on the reference inputs of that stage.

The first stage wrong on its own is where the mistake is ("wrong here"); a later stage
that is right on its own but wrong as fed only inherits it. Each function that is wrong
somewhere is then run by ``course_lib.diagnose.check`` on its exercise's discriminating
test cases, which names the catalogued mistake (one per output it touches).

A whole-pass function (the week-4 ``L_model_backward``, the week-3 slide-form
``backward_propagation``) exposes only what it returns, so its first observable stage
may be ``dW2`` while the mistake sits in ``dZ2``: the catalogue knows where
(``Comparison.mistake_stage``). Every call of student code goes through
``course_lib.guarded.call`` (time limit, overall budget, printed output kept, in-place
changes reported), so ``compare`` never raises because of what the student's code does.
"""

from course_lib.student.annotation import Annotation, LineRecord, annotate, course_lines
from course_lib.student.compare import (
    compare,
    demonstrate,
    mistake_functions,
    suited_hidden,
)
from course_lib.student.records import (
    EXERCISE_OF,
    FUNCTION_OF,
    HIDDEN,
    INHERITS,
    NOT_REACHED,
    RIGHT,
    WRITTEN_FOR,
    WRONG_HERE,
    Comparison,
    StudentStage,
    summary,
)

__all__ = [
    "Annotation",
    "LineRecord",
    "annotate",
    "course_lines",
    "EXERCISE_OF",
    "FUNCTION_OF",
    "HIDDEN",
    "INHERITS",
    "NOT_REACHED",
    "RIGHT",
    "WRITTEN_FOR",
    "WRONG_HERE",
    "Comparison",
    "StudentStage",
    "compare",
    "demonstrate",
    "mistake_functions",
    "summary",
    "suited_hidden",
]
