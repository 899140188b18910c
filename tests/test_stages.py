"""course_lib.stages: the nine stage records of the design's table.

The hand-worked ReLU net and its arithmetic are in hand_net.py.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
from hand_net import HAND, hand_net

from course_lib import CourseInputError, assignment
from course_lib.data import make_problem
from course_lib.stages import (
    STAGE_KEYS,
    STAGES,
    BackwardPass,
    Stage,
    backward_stages,
    source_lines,
)


def hand_pass(**kw) -> BackwardPass:
    return backward_stages(*hand_net(), hidden="relu", **kw)


def test_nine_stages_in_the_design_order():
    bp = hand_pass()
    assert [s.key for s in bp.stages] == list(STAGE_KEYS)
    assert list(STAGE_KEYS) == ["dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"]
    assert [s.index for s in bp.stages] == list(range(1, 10))
    assert all(isinstance(s, Stage) for s in bp.stages)


def test_hand_example_values():
    bp = hand_pass()
    for key, expected in ((k, HAND[k]) for k in STAGE_KEYS):
        np.testing.assert_allclose(bp[key].value, expected, rtol=1e-14, atol=1e-14)
        assert bp[key].shape == np.shape(expected)
    assert sorted(bp.grads()) == sorted(STAGE_KEYS)


def test_kinds_per_example_dL_and_averaged_dJ():
    bp = hand_pass()
    kinds = {s.key: s.kind for s in bp.stages}
    assert kinds == {
        "dA2": "dL",
        "dZ2": "dL",
        "dW2": "dJ",
        "db2": "dJ",
        "dA1": "dL",
        "dZ1": "dL",
        "dW1": "dJ",
        "db1": "dJ",
        "dA0": "dL",
    }


def test_slide_columns_where_the_slide_has_no_equation():
    bp = hand_pass()
    for key in ("dA2", "dA0"):
        s = bp[key]
        assert s.slide_latex is None and s.slide_value is None and s.max_abs_diff is None
        assert s.slide_note  # says why
    assert "equation 1" in bp["dA2"].slide_note
    assert "Not computed" in bp["dA0"].slide_note
    assert bp["dZ1"].slide_note.startswith("Equation 4")
    assert "bracket" in bp["dA1"].slide_note


def test_slide_values_and_differences_where_the_slide_has_one():
    bp = hand_pass()
    for s in bp.stages:
        if s.key in ("dA2", "dA0"):
            continue
        np.testing.assert_allclose(s.slide_value, HAND[s.key], rtol=1e-14, atol=1e-14)
        assert s.max_abs_diff == float(np.max(np.abs(s.slide_value - s.value)))
        assert s.max_abs_diff <= 1e-15
        assert s.slide_kind == s.kind


def test_only_dA0_is_unused_downstream():
    bp = hand_pass()
    unused = [s.key for s in bp.stages if not s.used_downstream]
    assert unused == ["dA0"]
    assert bp["dA0"].used_by == ""
    assert "dZ2" in bp["dA2"].used_by and "update_parameters" in bp["dW1"].used_by


def test_every_record_names_its_code_math_and_forward_line():
    bp = hand_pass()
    for s in bp.stages:
        assert s.title and s.assignment_function and s.assignment_code
        assert s.math_latex and s.forward_line
    assert "relu_backward" in bp["dZ1"].assignment_function
    assert "sigmoid_backward" in bp["dZ2"].assignment_function
    assert bp["dA0"].forward_line == "Z1 = W1 X + b1"


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
def test_hidden_activation_names_its_backward_function(hidden):
    X, Y, p = make_problem(n_x=3, n_h=4, m=5, seed=2)
    bp = backward_stages(X, Y, p, hidden=hidden)
    assert f"{hidden}_backward" in bp["dZ1"].assignment_function
    assert bp.hidden == hidden
    assert bp["dZ1"].forward_line == f"A1 = {hidden}(Z1)"


def test_shapes_follow_parameters_on_a_non_square_net():
    X, Y, p = make_problem(n_x=3, n_h=5, n_y=2, m=7, seed=4)
    bp = backward_stages(X, Y, p)
    assert bp.m == 7
    shapes = {s.key: s.shape for s in bp.stages}
    assert shapes == {
        "dA2": (2, 7),
        "dZ2": (2, 7),
        "dW2": (2, 5),
        "db2": (2, 1),
        "dA1": (5, 7),
        "dZ1": (5, 7),
        "dW1": (5, 3),
        "db1": (5, 1),
        "dA0": (3, 7),
    }


def test_values_equal_the_assignment_functions():
    X, Y, p = make_problem(n_x=4, n_h=3, m=6, seed=5)
    bp = backward_stages(X, Y, p, hidden="tanh")
    A1, c1 = assignment.linear_activation_forward(X, p["W1"], p["b1"], "tanh")
    A2, c2 = assignment.linear_activation_forward(A1, p["W2"], p["b2"], "sigmoid")
    dA2 = assignment.output_dA(A2, Y)
    dA1, dW2, db2 = assignment.linear_activation_backward(dA2, c2, "sigmoid")
    dA0, dW1, db1 = assignment.linear_activation_backward(dA1, c1, "tanh")
    for key, value in {
        "dA2": dA2,
        "dA1": dA1,
        "dW2": dW2,
        "db2": db2,
        "dA0": dA0,
        "dW1": dW1,
        "db1": db1,
    }.items():
        np.testing.assert_array_equal(bp[key].value, value)
    np.testing.assert_array_equal(bp.forward["A2"], A2)


def test_one_over_m_in_dZ_scales_the_slide_dZ_and_leaves_dW_db():
    per = hand_pass(one_over_m="dW")
    avg = hand_pass(one_over_m="dZ")
    assert avg.one_over_m == "dZ"
    for key in ("dZ2", "dA1", "dZ1"):
        assert avg[key].slide_kind == "dJ" and avg[key].kind == "dL"
        np.testing.assert_allclose(avg[key].slide_value, per[key].slide_value / 2, rtol=1e-15)
        assert avg[key].max_abs_diff <= 1e-15  # compared after scaling by m
        np.testing.assert_array_equal(avg[key].value, per[key].value)  # the split is unchanged
    for key in ("dW2", "db2", "dW1", "db1"):
        np.testing.assert_allclose(
            avg[key].slide_value, per[key].slide_value, rtol=1e-15, atol=1e-16
        )


def test_records_are_immutable():
    bp = hand_pass()
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp["dZ2"].value = np.zeros((1, 2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp.hidden = "tanh"


def test_unknown_stage_key():
    with pytest.raises(KeyError, match="dZ3"):
        hand_pass()["dZ3"]


def test_saturation_warning_is_kept_as_a_note_not_raised():
    # Z2 = 30 gives 1 - A2 about 9e-14, so |dA2| = 1/(1 - A2) exceeds the 1e10 warning level.
    X = np.array([[1.0]])
    p = {
        "W1": np.array([[1.0]]),
        "b1": np.array([[0.0]]),
        "W2": np.array([[30.0]]),
        "b2": np.array([[0.0]]),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bp = backward_stages(X, np.array([[0.0]]), p, hidden="relu")
    assert len(bp["dA2"].notes) == 1
    assert "A2 - Y" in bp["dA2"].notes[0]
    assert bp["dZ2"].notes == ()
    assert hand_pass()["dA2"].notes == ()


def test_bad_one_over_m_is_refused_before_any_work():
    with pytest.raises(CourseInputError, match=r"one_over_m must be one of \['dW', 'dZ'\]"):
        hand_pass(one_over_m="dA")


# ----------------------------------------------------------------------------- the code shown


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
def test_the_code_a_stage_shows_is_the_code_that_runs(hidden):
    import inspect

    bp = backward_stages(*make_problem(), hidden=hidden)
    for stage, spec in zip(bp.stages, STAGES, strict=True):
        function = spec.words.code[0].format(g=hidden)
        source = inspect.getsource(getattr(assignment, function))
        for line in stage.assignment_code.split("; "):
            assert line in source, (stage.key, line, function)
        assert stage.code_names, stage.key  # the screen says which 2-layer names are meant


def test_a_line_that_is_not_in_the_source_is_refused():
    with pytest.raises(LookupError, match="linear_backward"):
        source_lines("linear_backward", "dW = np.dot(")


def test_the_seam_runs_another_function_in_place_of_a_step():
    X, Y, p = make_problem(seed=3)
    reference = backward_stages(X, Y, p)

    def doubled_dW(dZ, cache):  # a step with a mistake in one output
        dA_prev, dW, db = assignment.linear_backward(dZ, cache)
        return dA_prev, 2 * dW, db

    bp = backward_stages(X, Y, p, steps={"linear_backward": doubled_dW})
    for key in STAGE_KEYS:
        factor = 2 if key in ("dW1", "dW2") else 1
        np.testing.assert_allclose(bp[key].value, factor * reference[key].value, rtol=1e-14)
    assert bp["dW2"].max_abs_diff > 0 and bp["dA1"].max_abs_diff < 1e-12
