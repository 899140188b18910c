"""The static app's "Your code" area (course_lib.student.pasted and widgets.your_code_view):
only in a browser tab, the student's pasted functions in the third column, a loop that never
ends stopped, and the served app building no such area."""

from __future__ import annotations

import linecache
import sys

import ipywidgets as widgets
import pytest

from course_lib.student import annotate, pasted
from course_lib.widgets import app as served_app
from course_lib.widgets.stepper_app import build_app
from course_lib.widgets.your_code_view import your_code_view

MISTAKEN = """
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
"""


def classes_in(widget) -> set:
    found = set(getattr(widget, "_dom_classes", ()))
    for child in getattr(widget, "children", ()):
        found |= classes_in(child)
    return found


@pytest.fixture
def in_a_tab(monkeypatch):
    monkeypatch.setattr(sys, "platform", "emscripten")


def test_the_served_app_builds_no_area_for_pasted_code():
    assert not pasted.in_browser()
    assert "your-code" not in classes_in(served_app())
    assert your_code_view(build_app()) is None


def test_in_a_browser_tab_pasted_functions_fill_the_third_column(in_a_tab):
    application = build_app()
    box = your_code_view(application)
    assert "your-code" in classes_in(box)
    text = next(w for w in box.children if isinstance(w, widgets.Textarea))
    run = next(w for c in box.children if isinstance(c, widgets.HBox) for w in c.children)
    text.value = MISTAKEN
    run.click()
    stepper = application.stepper
    assert stepper.comparison.first_wrong == "dW2"
    assert "linear_backward.no_one_over_m_in_dW" in stepper.comparison.mistakes
    status = next(w for w in box.children if "your-code-status" in w._dom_classes)
    assert "In the third column now: your linear_backward" in status.value
    # the pasted lines have source: the margin and tracebacks show them
    line = stepper.annotation.line_for("dW2")
    assert line.text == "    dW = np.dot(dZ, A_prev.T)" and "dW2" in line.wrong
    assert linecache.getline(line.filename, line.lineno).strip() == "dW = np.dot(dZ, A_prev.T)"


def test_a_pasted_loop_that_never_ends_is_stopped_and_the_app_goes_on(in_a_tab, monkeypatch):
    calls = sys.modules["course_lib.guarded.call"]
    monkeypatch.setattr(calls, "_can_time", lambda: False)  # a tab has no timer
    application = build_app()
    box = your_code_view(application)
    text = next(w for w in box.children if isinstance(w, widgets.Textarea))
    run = next(w for c in box.children if isinstance(c, widgets.HBox) for w in c.children)
    text.value = "def relu_backward(dA, cache):\n    while True: pass\n"
    run.click()
    comparison = application.stepper.comparison
    assert comparison.error and "s and was stopped" in comparison.error
    application.views["next"].click()
    assert application.stepper.index == 2


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("def relu_backward(dA, cache)\n    return dA\n", "syntax error at line 1"),
        ("x = 1\n", "No function of the course is defined"),
        ("raise ValueError('no')\n", "your code raised ValueError"),
        (42, "Paste your functions as text."),
        ("#" * (pasted.MAX_CHARACTERS + 1), "paste at most"),
    ],
)
def test_what_cannot_be_used_is_said_in_a_sentence(source, said):
    found = pasted.load(source)
    assert not found.ok and said in found.message


def test_pasted_code_is_annotated_like_code_from_a_file():
    found = pasted.load(MISTAKEN)
    result = annotate(found.functions)
    dW = next(r for r in result.lines if "dW = np.dot" in (r.text or ""))
    assert dW.stages == ("dW2", "dW1") and dW.filename == found.filename


def test_in_a_tab_the_app_offers_the_area_only_where_no_functions_are_given(in_a_tab):
    """The static app has "Your code"; notebook 10, which passes the student's functions
    from its own cells to ``app(student=...)``, has no second place to paste them."""
    assert "your-code" in classes_in(served_app())
    given = {"relu_backward": lambda dA, Z: dA}
    assert "your-code" not in classes_in(served_app(student=given))
