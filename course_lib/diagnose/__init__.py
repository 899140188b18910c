"""Check a student's backward-pass function and name the mistake it makes.

``check(exercise, student_fn)`` runs ``student_fn`` on a few fixed test cases,
compares every output with the reference (``course_lib.assignment`` and, for the
slide's ``backward_propagation``, ``course_lib.slide``), and returns a
``Feedback``. When the outputs are wrong, each entry of the catalogue
``MISTAKES`` -- a mistaken version of the same function -- is run on the same
cases; a mistake is named only when the student's outputs equal its outputs on
every case. Two catalogued mistakes that touch different outputs are also
recognised together (``mistake`` is then their two ids joined by ``+``).

Mistakes are named ``<exercise>.<key>`` (``"linear_backward.no_one_over_m"``); an id
never changes once published, since feedback and notes refer to it.

Adding a mistake: in ``catalogue/<exercise>.py``, write the mistaken function with
the exercise's signature, decorate it with ``@catalogued(exercise, key, title,
hint)``, and run ``tests/test_diagnose.py``; it fails if the new entry raises on
the cases or gives the same outputs as the reference or another entry.

The modules, each importing only those above it:

=============  ===========================================================
``feedback``   ``Feedback``, what ``check`` returns, as text and HTML
``exercises``  ``Exercise``, ``Case``, the test-case builders, ``EXERCISES``
``catalogue``  ``Mistake``, ``@catalogued``, ``MISTAKES``: one module per exercise
``compare``    outputs compared (``RTOL``, ``ATOL``) and two mistakes combined
``explain``    what a raised error, a wrong type or a wrong entry means
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
from course_lib.diagnose.compare import ATOL, RTOL, combination
from course_lib.diagnose.exercises import EXERCISES, Case, Exercise
from course_lib.diagnose.feedback import NOT_IMPLEMENTED, UNKNOWN, Feedback

__all__ = [
    "ATOL",
    "EXERCISES",
    "MISTAKES",
    "NOT_IMPLEMENTED",
    "RTOL",
    "UNKNOWN",
    "Case",
    "Exercise",
    "Feedback",
    "Mistake",
    "catalogued",
    "check",
    "combination",
    "find_mistake",
    "mistakes_for",
]
