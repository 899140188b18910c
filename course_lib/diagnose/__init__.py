"""Check a student's backward-pass function and name the mistakes it makes, output by output.

``check(exercise, student_fn)`` runs ``student_fn`` on a few fixed test cases, each call
guarded (``course_lib.guarded.call``: a time limit per call and a budget for the whole
check, printed output kept, an argument changed in place noted, an exception trimmed to the
student's own lines), and returns a ``Feedback``.

How the outputs are judged. Every exercise returns named outputs: ``dZ``; ``dA_prev, dW,
db``; or the ``grads`` keys (``dW1, db1, dW2, db2``; ``dA0 ... dW3``). Each output is judged
on its own, right when it equals the reference's on every test case (``Feedback.outputs``).
Each catalogued mistake -- a mistaken version of the same function in ``MISTAKES`` -- is
known by the outputs it changes (``Mistake.outputs``, found by running it on the cases).
A mistake explains the student's wrong outputs when every output it changes is wrong in
the student's results and equal to the mistake's on every test case; the outputs it leaves
alone are right in both. ``check`` names the mistakes, of different outputs, that together
explain the most wrong outputs with the fewest entries ("dW lacks 1/m; dA_prev and db are
right"; two or more one-output mistakes are all named, ``mistake`` joining their ids with
``+``). A wrong output no mistake explains is described: which entry differs, the largest
absolute and the relative difference, and the factor when one factor explains every case.
A mistake is never named from some of the cases only, or from a near miss: outputs equal
to a tolerance that fits their dtype (float64 tight; float32 results of correct code pass).

Mistakes are named ``<exercise>.<key>`` (``"linear_backward.no_one_over_m"``); an id
never changes once published, since feedback and notes refer to it. A whole-pass
exercise's mistake also says at which stage of the 2-layer pass it is made
(``Mistake.stage``: ``"dA2"`` ... ``"dA0"``).

Adding a mistake: in ``catalogue/<exercise>.py``, write the mistaken function with
the exercise's signature, decorate it with ``@catalogued(exercise, key, title, hint)``
(and ``stage=`` for a whole-pass exercise), and run ``tests/test_diagnose.py``; it fails if
the new entry raises on the cases or gives the same outputs as the reference or another
entry -- then add a test case to ``exercises.py`` that tells them apart.

The modules, each importing only those above it:

=============  ===========================================================
``feedback``   ``Feedback``, what ``check`` returns, as text and HTML
``exercises``  ``Exercise``, ``Case``, the test-case builders, ``EXERCISES``
``outputs``    outputs by name, ``same`` (``RTOL``, ``ATOL``, ``RTOL32``, ``ATOL32``),
               the reference's and each mistake's outputs, computed once
``catalogue``  ``Mistake``, ``@catalogued``, ``MISTAKES``: one module per exercise
``compare``    naming mistakes output by output; several mistakes combined
``failures``   what a stop, a raised error or a wrong kind of value means
``explain``    the verdict on wrong outputs, named or described
``running``    the student's function run guarded on every case
``checking``   ``check`` itself
=============  ===========================================================
"""

from course_lib.diagnose.catalogue import (
    MISTAKES,
    Mistake,
    catalogued,
    find_mistake,
    mistakes_for,
)
from course_lib.diagnose.checking import check
from course_lib.diagnose.compare import combination
from course_lib.diagnose.exercises import EXERCISES, Case, Exercise
from course_lib.diagnose.feedback import NOT_IMPLEMENTED, UNKNOWN, Feedback
from course_lib.diagnose.outputs import ATOL, ATOL32, RTOL, RTOL32, agrees, close_entries
from course_lib.diagnose.running import BUDGET, TIME_LIMIT

__all__ = [
    "ATOL",
    "ATOL32",
    "BUDGET",
    "EXERCISES",
    "MISTAKES",
    "NOT_IMPLEMENTED",
    "RTOL",
    "RTOL32",
    "TIME_LIMIT",
    "UNKNOWN",
    "Case",
    "Exercise",
    "Feedback",
    "Mistake",
    "agrees",
    "catalogued",
    "close_entries",
    "check",
    "combination",
    "find_mistake",
    "mistakes_for",
]
