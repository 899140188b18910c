"""The stepper's state machine (course_lib.stepper): moving, configuring, caching,
entry selection, predict-then-reveal, the saturated demo, and hostile input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import assignment, slide
from course_lib.checks import CourseInputError
from course_lib.data import make_problem
from course_lib.diagnose import MISTAKES
from course_lib.stages import STAGE_KEYS
from course_lib.stepper import (
    M_RANGE,
    SATURATED_Z2,
    SEED_RANGE,
    Config,
    Stepper,
    parse_shape,
    saturated_output_layer,
    to_int,
)
from course_lib.student import mistake_functions, suited_hidden
from course_lib.widgets.render import finite_difference_note

HOSTILE = [
    None,
    "",
    "x" * 1_000_000,
    "relu" * 100,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e308,
    -1,
    10**100,
    -(10**100),
    2.5,
    True,
    False,
    [1, 2],
    {"value": 3},
    (4, 5),
    b"relu",
    np.array([1, 2]),
    np.float64("nan"),
    object(),
    "1e5",
    "__import__('os')",
    "3; rm -rf /",
]


@pytest.fixture
def stepper():
    return Stepper()


def keys_seen_walking(stepper, move, steps):
    seen = [stepper.stage.key]
    for _ in range(steps):
        move()
        seen.append(stepper.stage.key)
    return seen


# ----------------------------------------------------------------------------- moving


def test_starts_at_stage_one_with_the_default_configuration(stepper):
    assert stepper.index == 1
    assert stepper.stage.key == "dA2"
    assert stepper.config == Config("relu", 5, 0, "dW", False)
    assert stepper.entry == (0, 0)


def test_next_walks_the_nine_stages_in_order_and_stops_at_nine(stepper):
    assert keys_seen_walking(stepper, stepper.next, 10) == [*STAGE_KEYS, "dA0", "dA0"]
    assert stepper.index == 9


def test_previous_walks_back_and_stops_at_one(stepper):
    stepper.jump(9)
    assert keys_seen_walking(stepper, stepper.previous, 9) == [*reversed(STAGE_KEYS), "dA2"]
    assert stepper.index == 1


def test_jump_goes_to_a_stage_and_clamps_out_of_range_with_a_message(stepper):
    assert stepper.jump(6) == "" and stepper.stage.key == "dZ1"
    message = stepper.jump(42)
    assert stepper.index == 9 and "from 1 to 9" in message
    message = stepper.jump(0)
    assert stepper.index == 1 and "using 1" in message
    assert stepper.jump(4.0) == "" and stepper.index == 4  # an integral float is a whole number


def test_stepping_back_shows_the_very_same_values(stepper):
    first = {s.key: s.value.copy() for s in stepper.computed.bp.stages}
    for _ in range(3):
        keys_seen_walking(stepper, stepper.next, 8)
        keys_seen_walking(stepper, stepper.previous, 8)
    for stage in stepper.computed.bp.stages:
        np.testing.assert_array_equal(stage.value, first[stage.key])


# ----------------------------------------------------------------------------- configuring


def test_changing_the_activation_recomputes_and_keeps_the_stage(stepper):
    stepper.jump(5)
    relu = stepper.stage.value
    assert stepper.set_hidden("tanh") == ""
    assert stepper.index == 5 and stepper.config.hidden == "tanh"
    assert stepper.computations == 2
    assert not np.allclose(stepper.stage.value, relu)
    X, Y, p = make_problem(n_x=3, n_h=4, n_y=1, m=5, seed=0)
    np.testing.assert_allclose(stepper.computed.bp.X, X)


def test_going_back_to_a_configuration_is_a_cache_hit(stepper):
    relu_pass = stepper.computed.bp
    stepper.set_hidden("tanh")
    hits = stepper.cache_hits
    stepper.set_hidden("relu")
    assert stepper.computations == 2  # relu, tanh: nothing recomputed
    assert stepper.cache_hits > hits
    assert stepper.computed.bp is relu_pass


def test_stepping_and_unchanged_settings_compute_nothing(stepper):
    for _ in range(8):
        stepper.next()
    stepper.set_hidden("relu")
    stepper.set_m(5)
    stepper.set_saturate(False)
    assert stepper.computations == 1


def test_the_cache_is_bounded_and_evicts_the_oldest():
    s = Stepper(cache_size=2)
    s.set_seed(1)
    s.set_seed(2)  # seed 0 is evicted
    assert s.computations == 3
    s.set_seed(1)
    assert s.computations == 3  # still cached
    s.set_seed(0)
    assert s.computations == 4  # recomputed
    assert len(s._cache) == 2


def test_m_and_seed_change_the_numbers_and_the_shapes(stepper):
    stepper.jump(6)  # dZ1, (n_h, m)
    assert stepper.set_m(12) == "" and stepper.stage.shape == (4, 12)
    before = stepper.stage.value
    assert stepper.set_seed(7) == ""
    assert stepper.stage.shape == (4, 12) and not np.allclose(stepper.stage.value, before)


def test_one_over_m_in_dZ_changes_the_slide_not_the_weight_gradients(stepper):
    course = {s.key: s.value for s in stepper.computed.bp.stages}
    assert stepper.set_one_over_m("dZ") == ""
    folded = stepper.computed.bp
    assert folded["dZ2"].slide_kind == "dJ" and folded["dZ2"].kind == "dL"
    for key in ("dW2", "db2", "dW1", "db1"):
        np.testing.assert_allclose(folded[key].slide_value, course[key], rtol=1e-12)
    assert folded["dZ2"].max_abs_diff < 1e-12  # compared after scaling the slide's dJ by m


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
def test_every_stage_carries_a_passing_finite_difference_check(hidden):
    s = Stepper(Config(hidden=hidden))
    assert list(s.computed.relative_errors) == list(STAGE_KEYS)
    assert max(s.computed.relative_errors.values()) < 1e-6
    assert "passes" in finite_difference_note(s.stage, s.relative_error)


# ----------------------------------------------------------------------------- the entry


def test_entry_is_selected_and_clamped_to_the_current_shape(stepper):
    stepper.jump(5)  # dA1 (4, 5)
    assert stepper.select_entry(3, 4) == "" and stepper.entry == (3, 4)
    stepper.jump(3)  # dW2 (1, 4)
    assert stepper.entry == (0, 3)
    stepper.jump(4)  # db2 (1, 1)
    assert stepper.entry == (0, 0)
    message = stepper.select_entry(99, -5)
    assert stepper.entry == (0, 0) and "row" in message.lower() and "column" in message.lower()


def test_the_pick_is_kept_when_a_smaller_stage_clamps_it(stepper):
    stepper.jump(5)
    stepper.select_entry(3, 4)
    stepper.jump(4)  # db2 (1, 1)
    assert stepper.entry == (0, 0)
    stepper.jump(6)  # dZ1 (4, 5)
    assert stepper.entry == (3, 4)
    assert stepper.entry_at(3) == (0, 3) and stepper.expansion(3).index == (0, 3)


def test_expansion_of_the_selected_entry_matches_the_matrix(stepper):
    stepper.jump(5)
    stepper.select_entry(2, 3)
    e = stepper.expansion()
    assert e.key == "dA1" and e.index == (2, 3)
    assert e.matrix_value == pytest.approx(float(stepper.stage.value[2, 3]))
    assert e.difference < 1e-12
    assert r"dA^{[1]}_{2,3}" in e.symbolic


def test_a_configuration_change_clamps_the_entry(stepper):
    stepper.jump(5)
    stepper.set_m(20)
    stepper.select_entry(3, 19)
    stepper.set_m(4)
    assert stepper.entry == (3, 3)


# ----------------------------------------------------------------------------- predict, reveal


def test_values_are_always_revealed_outside_predict_mode(stepper):
    assert stepper.revealed
    stepper.next()
    assert stepper.revealed


def test_predict_mode_hides_until_a_prediction_and_judges_it(stepper):
    stepper.set_predict_mode(True)
    stepper.jump(7)  # dW1 (4, 3), the shape of W1
    assert not stepper.revealed
    value = float(stepper.stage.value[0, 0])
    actual = "positive" if value > 0 else "negative" if value < 0 else "zero"
    wrong = "negative" if actual == "positive" else "positive"
    assert stepper.predict("(3, 4)", wrong) == ""
    feedback = stepper.state.prediction.feedback
    assert stepper.revealed
    assert "not quite" in feedback and "(4, 3)" in feedback and "W1" in feedback
    assert f"is {actual}" in feedback and f"You said {wrong}" in feedback

    stepper.previous()  # a new stage hides again and forgets the old prediction
    assert not stepper.revealed and stepper.state.prediction.feedback == ""
    stepper.predict("4 x 4", None)  # stage 6, dZ1, is (4, 5)
    assert "not quite" in stepper.state.prediction.feedback
    stepper.next()
    stepper.predict("4x3", actual)
    assert stepper.state.prediction.feedback.startswith("Shape (4, 3): right.")
    assert f"Sign: right, dW1[0, 0] = {value:.4g} is {actual}." in stepper.state.prediction.feedback


def test_the_sign_prediction_is_about_the_selected_entry(stepper):
    stepper.set_predict_mode(True)
    stepper.jump(6)  # dZ1 with relu: zeros where Z1 <= 0
    zeros = np.argwhere(stepper.stage.value == 0)
    assert len(zeros), "seed 0 has a dead relu unit"
    r, c = (int(i) for i in zeros[0])
    stepper.select_entry(r, c)
    stepper.predict("", "zero")
    assert f"Sign: right, dZ1[{r}, {c}] = 0 is zero." in stepper.state.prediction.feedback


def test_reveal_without_predicting(stepper):
    stepper.set_predict_mode(True)
    assert not stepper.revealed
    stepper.reveal()
    assert stepper.revealed and stepper.state.prediction.feedback == ""


def test_an_unreadable_prediction_reveals_nothing_and_says_why(stepper):
    stepper.set_predict_mode(True)
    message = stepper.predict("four by five", "sideways")
    assert not stepper.revealed
    assert "two numbers" in message and "sign" in message


@pytest.mark.parametrize(
    "text,shape",
    [
        ("(4, 5)", (4, 5)),
        ("4,5", (4, 5)),
        ("4x5", (4, 5)),
        (" 4 X 5 ", (4, 5)),
        ("4 5", (4, 5)),
        ("(1,)", None),
        ("(4, 5, 6)", None),
        ("4.0, 5", None),
        ("-4, 5", None),
        ("", None),
        ("(" * 10_000, None),
        ("__import__('os').system('x')", None),
        (45, None),
        (None, None),
    ],
)
def test_parse_shape_reads_two_numbers_and_never_evaluates(text, shape):
    parsed, message = parse_shape(text)
    assert parsed == shape
    assert (message == "") == (shape is not None)
    assert len(message) < 200


# ----------------------------------------------------------------------------- saturation


def test_saturated_layer_puts_Z2_in_range_without_touching_the_input():
    X, Y, p = make_problem(n_x=3, n_h=4, n_y=1, m=9, seed=3)
    before = {k: v.copy() for k, v in p.items()}
    q = saturated_output_layer(X, p, "tanh", Y)
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])
    np.testing.assert_array_equal(q["W1"], p["W1"])
    Z2 = q["W2"] @ np.tanh(q["W1"] @ X + q["b1"]) + q["b2"]
    assert np.all(np.abs(Z2) >= SATURATED_Z2[0] - 1e-9)
    assert np.all(np.abs(Z2) <= SATURATED_Z2[1] + 1e-9)


@pytest.mark.parametrize(
    "m,seed,hidden", [(1, 0, "relu"), (5, 0, "relu"), (20, 9, "tanh"), (2, 4, "sigmoid")]
)
def test_the_saturated_demo_blows_up_dA2_while_A2_minus_Y_stays_finite(m, seed, hidden):
    s = Stepper(Config(hidden=hidden, m=m, seed=seed))
    assert s.set_saturate(True) == ""
    bp = s.computed.bp
    assert np.max(np.abs(bp["dA2"].value)) > 1e10
    assert any("SaturationWarning" in n or "|dAL| reaches" in n for n in bp["dA2"].notes)
    assert np.all(np.abs(bp.slide_grads["dZ2"]) <= 1.0)
    np.testing.assert_allclose(bp["dZ2"].value, bp.slide_grads["dZ2"], atol=1e-12)
    assert "divides" in s.explanation and "A2 - Y" in s.explanation
    # The finite-difference check cannot step a saturated A2; every other stage passes.
    assert math.isnan(s.computed.relative_errors["dA2"])
    assert "not measurable" in finite_difference_note(bp["dA2"], float("nan"))
    assert max(v for k, v in s.computed.relative_errors.items() if k != "dA2") < 1e-6
    assert s.set_saturate(False) == "" and s.explanation == ""


# ----------------------------------------------------------------------------- hostile input


def test_to_int_clamps_whole_numbers_and_refuses_the_rest():
    assert to_int(7, 1, 20, "m") == (7, "")
    assert to_int("7", 1, 20, "m") == (7, "")
    assert to_int(10**100, 1, 20, "m")[0] == 20
    assert to_int(-3, 1, 20, "m")[0] == 1
    for bad in (float("nan"), float("inf"), 2.5, True, "7.5", "x" * 10**6, None, [7]):
        value, message = to_int(bad, 1, 20, "m")
        assert value is None and "whole number" in message and len(message) < 200


@pytest.mark.parametrize(
    "setter",
    [
        "jump",
        "set_hidden",
        "set_m",
        "set_seed",
        "set_one_over_m",
        "set_saturate",
        "set_predict_mode",
    ],
)
def test_hostile_values_never_raise_and_leave_a_valid_state(setter):
    s = Stepper()
    for value in HOSTILE:
        message = getattr(s, setter)(value)
        assert isinstance(message, str) and len(message) < 300
        c = s.config
        assert c.hidden in ("relu", "tanh", "sigmoid") and c.one_over_m in ("dW", "dZ")
        assert M_RANGE[0] <= c.m <= M_RANGE[1] and SEED_RANGE[0] <= c.seed <= SEED_RANGE[1]
        assert isinstance(c.saturate, bool) and 1 <= s.index <= 9
        assert s.stage.key == STAGE_KEYS[s.index - 1]
    assert s.computations <= 3  # clamped values reuse configurations


def test_hostile_entries_and_predictions_never_raise():
    s = Stepper()
    s.jump(5)
    s.set_predict_mode(True)
    for a in HOSTILE:
        for b in (None, 1, "x" * 10_000, float("nan")):
            assert isinstance(s.select_entry(a, b), str)
            r, c = s.entry
            assert 0 <= r < 4 and 0 <= c < 5
            assert isinstance(s.predict(a, b), str)
            assert isinstance(s.reveal(), str)


# ----------------------------------------------------------------------------- a second pass


def correct_split() -> dict:
    return {
        "compute_dAL": assignment.output_dA,
        "sigmoid_backward": assignment.sigmoid_backward,
        "relu_backward": assignment.relu_backward,
        "linear_backward": assignment.linear_backward,
    }


def test_the_plain_stepper_compares_nothing(stepper):
    assert stepper.comparison is None and stepper.functions is None and stepper.mistake is None
    assert Stepper(student={}).comparison is None  # no functions given: the plain stepper
    assert stepper.set_mistake("none") == "" and stepper.comparisons == 0


def test_a_students_pass_is_compared_once_per_configuration_not_per_step():
    s = Stepper(student=correct_split())
    assert s.comparisons == 1 and s.comparison.clean
    assert [st.verdict for st in s.comparison.stages] == ["right"] * 9
    for _ in range(8):
        s.next()
    s.previous()
    assert s.comparisons == 1
    s.set_seed(3)
    assert s.comparisons == 2 and s.comparison.clean
    np.testing.assert_array_equal(s.comparison["dW1"].reference, s.computed.bp["dW1"].value)
    s.set_seed(0)
    assert s.comparisons == 2  # cached with the configuration


def test_the_comparison_runs_on_the_configurations_own_net():
    s = Stepper(student=mistake_functions("linear_backward.no_one_over_m"))
    for change in (
        lambda: s.set_m(9),
        lambda: s.set_saturate(True),
        lambda: s.set_one_over_m("dZ"),
    ):
        change()
        r = s.comparison
        assert r.first_wrong == "dW2" and r.mistake == "linear_backward.no_one_over_m"
        np.testing.assert_array_equal(r["dA2"].reference, s.computed.bp["dA2"].value)


def test_a_students_function_that_changes_its_arguments_cannot_change_the_numbers():
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        dA_prev, dW, db = assignment.linear_backward(dZ, cache)
        W *= 100.0  # in place: the stepper's own parameters must not see it
        A_prev[...] = 0.0
        return dA_prev, dW, db

    plain = Stepper().computed.bp
    s = Stepper(student={"linear_backward": linear_backward})
    bp = s.computed.bp
    for key in ("W1", "W2"):
        np.testing.assert_array_equal(bp.parameters[key], plain.parameters[key])
    np.testing.assert_array_equal(bp.X, plain.X)
    assert any("in place" in report or "changed" in report for report in s.comparison.reports)


@pytest.mark.parametrize(
    "functions,hidden",
    [
        ({"backward_propagation": slide.backward_propagation}, "tanh"),
        ({"tanh_backward": assignment.tanh_backward}, "tanh"),
        ({"L_model_backward": assignment.L_model_backward}, "relu"),
        ({"linear_backward": assignment.linear_backward}, "relu"),
    ],
)
def test_a_student_starts_under_a_hidden_activation_their_functions_take_part_in(functions, hidden):
    s = Stepper(student=functions)
    assert s.config.hidden == hidden and s.comparison.clean, str(s.comparison)
    assert Stepper(Config(hidden="sigmoid"), student=functions).config.hidden == "sigmoid"


def test_a_bad_students_dict_is_the_callers_error():
    with pytest.raises(CourseInputError, match="linear_backwards"):
        Stepper(student={"linear_backwards": assignment.linear_backward})
    with pytest.raises(CourseInputError, match="without calling it"):
        Stepper(student={"linear_backward": 3})


def test_functions_that_raise_hang_or_return_none_leave_the_stepper_working():
    def raises(dZ, cache):
        raise ValueError("my bug")

    def hangs(dZ, cache):
        while True:
            pass

    def returns_none(dZ, cache):
        return None

    for fn, said in ((raises, "ValueError"), (hangs, "0.2"), (returns_none, "None")):
        s = Stepper(student={"linear_backward": fn}, time_limit=0.2)
        r = s.comparison
        assert r.error and said in r.error, r.error
        assert r["dW2"].verdict == "not reached"
        for _ in range(8):
            s.next()
        assert s.stage.key == "dA0" and s.comparisons == 1
        assert s.set_hidden("tanh") == "" and s.comparison.error


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_mode_shows_every_catalogued_mistake_under_a_hidden_layer_that_uses_it(mistake):
    s = Stepper(Config(hidden="sigmoid"))
    message = s.set_mistake(mistake.id)
    suited = suited_hidden(mistake.exercise)
    assert s.state.mistake == mistake.id and s.mistake is mistake
    assert s.functions == mistake_functions(mistake.id)
    if s.config.hidden != "sigmoid":
        assert s.config.hidden == suited and f"now {suited}" in message
    else:
        assert message == ""
    r = s.comparison
    assert mistake.id in r.mistakes and r.mistake_stage in STAGE_KEYS
    assert r.first_wrong or mistake.id == "relu_backward.boundary_at_zero"
    assert s.set_mistake("none") == "" and s.comparison is None
    assert s.config.hidden in (suited, "sigmoid")  # "none" keeps the activation


def test_mistake_mode_replaces_the_students_pass_and_none_brings_it_back():
    s = Stepper(student=correct_split())
    s.set_mistake("sigmoid_backward.derivative_left_out")
    assert s.comparison.first_wrong == "dZ2"
    s.set_mistake("none")
    assert s.comparison.clean and s.functions == correct_split()


def test_hostile_mistake_values_are_refused_and_change_nothing():
    s = Stepper()
    s.set_mistake("dAL.sign_flipped")
    before = s.state
    for value in [
        *HOSTILE,
        "dAL",
        "dAL.sign_flipped ",
        "NONE",
        "none\x00",
        "linear_backward.no_one_over_m" * 1000,
    ]:
        message = s.set_mistake(value)
        assert "Show a mistake must be none or a catalogued mistake" in message
        assert len(message) < 200 and s.state == before
