"""course_lib.student.annotate and guarded's line tracer: the student's own statements tied
to the stages and the slide's equations they compute.

The expected ties are written by hand below: which statement of each function is which
equation, found by the statement's text (``line_of``), never by annotate's own machinery.
"""

from __future__ import annotations

import inspect
import sys

import numpy as np
import pytest

from course_lib.guarded import Tracer, Watch, call
from course_lib.student import annotate, compare


def line_of(fn, text: str) -> int:
    """The line number of the first line of ``fn`` that contains ``text``."""
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


def record_at(result, fn, text):
    lineno = line_of(fn, text)
    found = [
        r for r in result.lines if r.lineno == lineno and r.filename == fn.__code__.co_filename
    ]
    assert found, f"no record for line {lineno} ({text!r}): {[r.lineno for r in result.lines]}"
    return found[0]


# ----------------------------------------------------------------------------- course style


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def test_course_style_lines_carry_the_slides_equations_for_both_layers():
    result = annotate({"linear_backward": linear_backward, "relu_backward": relu_backward})
    assert result.error is None and result.unsupported is None
    dW = record_at(result, linear_backward, "dW = np.dot")
    assert (dW.stages, dW.equations) == (("dW2", "dW1"), (2, 5))
    db = record_at(result, linear_backward, "db = np.sum")
    assert (db.stages, db.equations) == (("db2", "db1"), (3, 6))
    dA_prev = record_at(result, linear_backward, "dA_prev = np.dot")
    # layer 2's dA_prev is dA1, the bracket of equation 4; layer 1's is dA0, not on the slide
    assert (dA_prev.stages, dA_prev.equations) == (("dA1", "dA0"), (4,))
    assert any("bracket of equation 4" in n for n in dA_prev.notes)
    assert any("dA0" in n and "never used" in n for n in dA_prev.notes)
    mask = record_at(result, relu_backward, "dZ[Z <= 0] = 0")  # in place: this line
    assert (mask.stages, mask.equations) == (("dZ1",), (4,))
    copy = record_at(result, relu_backward, "np.array(dA, copy=True)")
    assert copy.stages == ()
    assert result.untied == ()
    assert all(r.function in ("linear_backward", "relu_backward") for r in result.lines)
    assert dW.text == "    dW = np.dot(dZ, A_prev.T) / m"
    assert not any(r.wrong for r in result.lines)


def linear_backward_matmul(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    product = dZ @ A_prev.T
    dW = product / m
    db = np.multiply(1 / m, dZ.sum(axis=1, keepdims=True))
    WT = W.T
    return WT @ dZ, dW, db


def relu_backward_by_example(dA, cache):
    Z = cache
    dZ = np.zeros_like(dA)
    for i in range(Z.shape[1]):
        dZ[:, i] = dA[:, i] * (Z[:, i] > 0)
    return dZ


def test_other_ways_of_writing_it_are_tied_and_named():
    functions = {
        "linear_backward": linear_backward_matmul,
        "relu_backward": relu_backward_by_example,
    }
    result = annotate(functions)
    fn = linear_backward_matmul
    assert record_at(result, fn, "product = dZ @").meaning == "m dW"
    assert record_at(result, fn, "dW = product / m").stages == ("dW2", "dW1")
    assert record_at(result, fn, "db = np.multiply").stages == ("db2", "db1")
    assert record_at(result, fn, "WT = W.T").meaning == "W.T"
    # built in the return expression: the return statement carries it
    assert record_at(result, fn, "return WT @ dZ").stages == ("dA1", "dA0")
    # a loop over examples: the statement in the loop whose last turn completes dZ1
    assert record_at(result, relu_backward_by_example, "dZ[:, i] =").stages == ("dZ1",)
    assert result.untied == ()


def linear_backward_float32(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T / m).astype(np.float32)
    db = np.sum(dZ, axis=1, keepdims=True).astype(np.float32) / np.float32(m)
    dA_prev = (W.T @ dZ).astype(np.float32)
    return dA_prev, dW, db


def test_float32_lines_are_tied_by_the_one_rule():
    result = annotate({"linear_backward": linear_backward_float32})
    assert record_at(result, linear_backward_float32, "dW = (dZ").stages == ("dW2", "dW1")
    assert record_at(result, linear_backward_float32, "dA_prev = (W.T").stages == ("dA1", "dA0")


def linear_backward_doubled_dW(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 2 * np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def test_a_wrong_value_goes_to_the_line_that_made_it_marked_wrong():
    result = annotate({"linear_backward": linear_backward_doubled_dW})
    dW = record_at(result, linear_backward_doubled_dW, "dW = 2 *")
    assert dW.stages == ("dW2", "dW1") and dW.wrong == ("dW2", "dW1")
    db = record_at(result, linear_backward_doubled_dW, "db = np.sum")
    assert db.stages == ("db2", "db1") and db.wrong == ()


def linear_backward_no_one_over_m_in_dW(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def test_a_value_is_named_where_it_is_computed_not_where_it_is_returned():
    """m dW (the product before its 1/m) is made on the dW line; the return line only
    passes it on and gets no note of its own."""
    result = annotate({"linear_backward": linear_backward_no_one_over_m_in_dW})
    dW = record_at(result, linear_backward_no_one_over_m_in_dW, "dW = np.dot")
    assert dW.stages == ("dW2", "dW1") and dW.wrong == ("dW2", "dW1")
    returned = record_at(result, linear_backward_no_one_over_m_in_dW, "return dA_prev")
    assert returned.stages == () and returned.meaning is None and returned.margin() == ""
    inline = annotate({"linear_backward": linear_backward_returns_its_products})
    line = record_at(inline, linear_backward_returns_its_products, "return np.dot(W.T")
    assert line.stages == ("dA1", "dA0")


def linear_backward_returns_its_products(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return np.dot(W.T, dZ), dW, db


def _helper_transpose(W):
    return W.T


def linear_backward_with_helper(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(_helper_transpose(W), dZ)
    return dA_prev, dW, db


def test_a_helper_of_the_students_own_is_traced_under_its_qualname():
    result = annotate({"linear_backward": linear_backward_with_helper})
    helper = [r for r in result.lines if r.function == "_helper_transpose"]
    assert helper and helper[0].meaning == "W.T"
    assert record_at(result, linear_backward_with_helper, "dA_prev = np.dot(").stages == (
        "dA1",
        "dA0",
    )


def linear_backward_raises(dZ, cache):
    A_prev, W, b = cache
    raise ValueError("not yet")


def linear_backward_spins(dZ, cache):
    while True:
        pass


@pytest.mark.parametrize("fn", [linear_backward_raises, linear_backward_spins])
def test_hostile_code_under_the_tracer_is_reported_and_annotate_never_raises(fn):
    result = annotate({"linear_backward": fn})
    assert result.error and "linear_backward" in result.error
    assert compare({"linear_backward": fn}).error == result.error


def test_the_tracer_puts_back_a_tracer_already_set():
    def previous(frame, event, arg):
        return None

    before = sys.gettrace()
    sys.settrace(previous)
    try:
        annotate({"relu_backward": relu_backward})
        assert sys.gettrace() is previous
    finally:
        sys.settrace(before)


def test_a_step_budget_stops_an_endless_loop_where_no_timer_runs():
    def spins(x):
        while True:
            x += 1

    outcome = call(spins, (0,), time_limit=None, steps=2_000)
    assert outcome.kind == "timeout"
    assert "2000 steps" in outcome.message
    assert call(lambda x: x * 2, (3,), time_limit=None, steps=10).value == 6


def test_the_watchers_own_error_never_reaches_the_students_code():
    def broken(frame, *rest):
        raise RuntimeError("watcher bug")

    with Tracer(Watch(on_statement=broken)) as tracer:
        value = relu_backward(np.ones((2, 2)), np.array([[1.0, -1.0], [2.0, -2.0]]))
    assert value.tolist() == [[1.0, 0.0], [1.0, 0.0]]
    assert tracer.failures and isinstance(tracer.failures[0], RuntimeError)


# ----------------------------------------------------------------------------- the stepper


def _text(markup: str) -> str:
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_mistake_mode_shows_the_mistaken_line_at_the_stage_it_breaks():
    from course_lib.stepper import Stepper
    from course_lib.widgets import render_student

    stepper = Stepper()
    stepper.set_mistake("linear_backward.one_over_m_in_dA_prev")
    while stepper.stage.key != "dA1":
        stepper.next()
    said = _text(render_student.student_line_html(stepper))
    assert "of the mistaken linear_backward" in said
    assert "dA_prev = np.dot(W.T, dZ) / m" in said
    assert "dA1 (the bracket of equation 4), wrongly" in said
    stepper.next()  # dZ1 is the reference's relu_backward: no line of the mistake's
    assert render_student.student_line_html(stepper) == ""


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA = dAL
    for l in reversed(range(L)):
        (A_prev, W, b), Z = caches[l]
        if l == L - 1:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = dA * (Z > 0)
        m = A_prev.shape[1]
        grads["dW" + str(l + 1)] = dZ @ A_prev.T / m
        grads["db" + str(l + 1)] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = W.T @ dZ
        grads["dA" + str(l)] = dA
    return grads


def test_a_whole_pass_shows_its_inner_stages_from_the_trace():
    from course_lib.stepper import Stepper
    from course_lib.widgets import render_student

    result = annotate({"L_model_backward": L_model_backward})
    assert record_at(result, L_model_backward, "dAL = -(").stages == ("dA2",)
    assert record_at(result, L_model_backward, "dZ = dA * s").stages == ("dZ2",)
    assert record_at(result, L_model_backward, "dZ = dA * (Z > 0)").stages == ("dZ1",)
    dW = record_at(result, L_model_backward, 'grads["dW" + str')
    assert dW.stages == ("dW2", "dW1")
    # the loop's turn that wrote each: layer 2 at l = 1, layer 1 at l = 0
    assert dW.turns == ("l = 1", "l = 0")
    assert dW.margin() == "dW2: eq. 2 (l = 1); dW1: eq. 5 (l = 0)"
    # unpacking the cache is not a forward value recomputed; s = sigmoid(Z2) is
    assert record_at(result, L_model_backward, "(A_prev, W, b), Z =").meaning is None
    assert record_at(result, L_model_backward, "s = 1 / (1").meaning == "A from Z"
    assert record_at(result, L_model_backward, "dA = W.T @ dZ").stages == ("dA1", "dA0")
    assert result.untied == ()

    stepper = Stepper(student={"L_model_backward": L_model_backward})
    stepper.next()  # dZ2: L_model_backward never returns it
    assert stepper.comparison["dZ2"].verdict == "not observable"
    said = _text(render_student.student_values_html(stepper))
    assert "Seen inside the function, never returned: agrees with the reference" in said
    assert "dZ = dA * s * (1 - s)" in said and "(equation 1)" in said
