"""course_lib.gradcheck: centred finite differences, per stage, in float64."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hand_net import HAND, LN2, LN3, hand_net

from course_lib import CourseInputError, gradcheck
from course_lib.data import make_problem
from course_lib.stages import STAGE_KEYS, backward_stages


def test_numerical_gradient_of_a_cubic_and_input_untouched():
    # f(x) = sum(x^3) -> df/dx = 3 x^2; the centred difference's error is eps^2 = 1e-12.
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = gradcheck.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_allclose(grad, [[3.0, 12.0], [0.75, 27.0]], rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_relative_error():
    # ||(1, -1)|| / (||(1, 0)|| + ||(0, 1)||) = sqrt(2) / 2
    assert gradcheck.relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.sqrt(2) / 2)
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # (3 - 1) / (3 + 1) = 1/2
    assert gradcheck.relative_error([3.0], [1.0]) == pytest.approx(0.5)
    with pytest.raises(CourseInputError, match=r"dW1 has shape \(2,\), expected \(3,\)"):
        gradcheck.relative_error([1.0, 2.0], [1.0, 2.0, 3.0], name="dW1")


def test_cost_from_logits_hand_example_and_no_overflow():
    # Z2 = [[0, ln 3]] is A2 = [[1/2, 3/4]]: J = 1.5 ln 2 as in compute_cost.
    assert gradcheck.cost_from_logits([[0.0, LN3]], [[1.0, 0.0]]) == pytest.approx(1.5 * LN2)
    # z = 800, y = 1: loss 0;  z = -800, y = 1: loss 800 (= -log sigmoid(-800));  mean 400.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck.cost_from_logits([[800.0, -800.0]], [[1.0, 1.0]]) == 400.0


def test_cross_entropy_outside_zero_one_is_nan_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(gradcheck.cross_entropy(np.array([[1.0 + 1e-6]]), np.array([[0.0]])))


def test_numerical_stage_gradients_hand_example():
    X, Y, p = hand_net()
    numeric = gradcheck.numerical_stage_gradients(X, Y, p, "relu")
    assert list(numeric) == list(STAGE_KEYS)
    for key, expected in ((k, HAND[k]) for k in STAGE_KEYS):
        np.testing.assert_allclose(numeric[key], expected, rtol=1e-7, atol=1e-8, err_msg=key)


def test_numerical_stage_gradients_selected_keys_and_unknown_key():
    X, Y, p = hand_net()
    assert list(gradcheck.numerical_stage_gradients(X, Y, p, "relu", keys=("dW1",))) == ["dW1"]
    with pytest.raises(CourseInputError, match="no stage 'dW3'"):
        gradcheck.numerical_stage_gradients(X, Y, p, "relu", keys=("dW3",))


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
def test_every_stage_passes_for_the_library_gradients(hidden):
    X, Y, p = make_problem(n_x=3, n_h=4, m=5, seed=0)
    report = gradcheck.gradient_check(backward_stages(X, Y, p, hidden).grads(), X, Y, p, hidden)
    assert list(report.relative_errors) == list(STAGE_KEYS)
    assert report.passed and report.first_failure is None
    assert max(report.relative_errors.values()) < 1e-6
    assert str(report).endswith("all stages pass")


@pytest.mark.parametrize("seed", range(8))
def test_problems_the_stepper_shows_pass_for_every_hidden_activation(seed):
    X, Y, p = make_problem(seed=seed)
    for hidden in ("relu", "tanh", "sigmoid"):
        bp = backward_stages(X, Y, p, hidden)
        assert gradcheck.gradient_check(bp.grads(), X, Y, p, hidden).passed, (seed, hidden)


def test_first_failure_is_the_earliest_wrong_stage_in_backward_order():
    X, Y, p = make_problem(n_x=3, n_h=4, m=5, seed=1)
    grads = backward_stages(X, Y, p, "tanh").grads()
    wrong = dict(grads, dW1=grads["dW1"] * 1.01, dZ1=grads["dZ1"] * 1.01)
    report = gradcheck.gradient_check(wrong, X, Y, p, "tanh")
    assert not report.passed
    assert report.first_failure == "dZ1"
    assert report.relative_errors["dW2"] < 1e-6  # earlier stages still pass
    assert "FAIL" in str(report) and "first failure: dZ1" in str(report)


def test_a_forgotten_one_over_m_is_caught_at_dW():
    # dW1 without 1/m is m times too big: relative error (m - 1) / (m + 1) = 4/6 for m = 5.
    X, Y, p = make_problem(n_x=3, n_h=4, m=5, seed=1)
    grads = backward_stages(X, Y, p, "relu").grads()
    report = gradcheck.gradient_check({"dW1": grads["dW1"] * 5}, X, Y, p, "relu")
    assert list(report.relative_errors) == ["dW1"]
    assert report.first_failure == "dW1"
    assert report.relative_errors["dW1"] == pytest.approx(4 / 6, rel=1e-6)


def test_a_nan_error_counts_as_a_failure():
    report = gradcheck.GradCheckReport({"dZ2": 1e-9, "dW2": float("nan")}, 1e-6)
    assert report.first_failure == "dW2"


def test_gradient_check_refuses_unknown_keys_empty_and_bad_shapes():
    X, Y, p = make_problem(n_x=3, n_h=4, m=5)
    with pytest.raises(CourseInputError, match=r"\['dW3'\]"):
        gradcheck.gradient_check({"dW3": np.zeros((1, 1))}, X, Y, p)
    with pytest.raises(CourseInputError, match="empty"):
        gradcheck.gradient_check({}, X, Y, p)
    with pytest.raises(
        CourseInputError,
        match=r"grads\['dW1'\] has shape \(3, 4\), expected "
        r"\(4, 3\)",
    ):
        gradcheck.gradient_check({"dW1": np.zeros((3, 4))}, X, Y, p)


def test_gradient_check_deep_small_net():
    rng = np.random.RandomState(2)
    dims = [3, 4, 3, 1]
    p = {}
    for l in (1, 2, 3):
        p[f"W{l}"] = rng.randn(dims[l], dims[l - 1])
        p[f"b{l}"] = rng.randn(dims[l], 1) * 0.1
    X = rng.randn(3, 6)
    Y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]])
    assert gradcheck.gradient_check_deep(p, X, Y) < 1e-7


# ----------------------------------------------------------------------------- one rule


def test_the_rule_is_stated_once():
    assert gradcheck.PASS_MARK == gradcheck.TOLERANCE == 1e-7
    assert gradcheck.PASS_MARK_TEXT == "1e-7" and gradcheck.EPSILON_TEXT == "1e-6"
    assert gradcheck.RELATIVE_ERROR == "||a - n|| / (||a|| + ||n||)"
    assert gradcheck.power_text(1e-12) == "1e-12" and gradcheck.power_text(2.5e-3) == "0.0025"


def test_describe_words_each_verdict():
    assert gradcheck.describe(2.1e-10, gradcheck.PASSES) == "2.1e-10, passes (pass mark 1e-7)"
    assert gradcheck.describe(0.4, gradcheck.FAILS) == "4.0e-01, FAILS (pass mark 1e-7)"
    text = gradcheck.describe(4.4e-6, gradcheck.WITHIN_ROUNDING, 1.9e-11, 2e-10)
    assert text.startswith("4.4e-06, passes within rounding") and "1.9e-11" in text
    assert (
        gradcheck.describe(float("nan"), gradcheck.NOT_MEASURABLE, reason="why")
        == "not measurable: why"
    )


# Stepper configurations (hidden, m, seed, saturate) where the check used to call correct
# gradients wrong, found by running every configuration the stepper offers for seeds 0-599.
HARD = [
    ("relu", 3, 86, False),  # a Z1 within 6e-6 of 0: a step of 1e-5 crosses ReLU's kink
    ("relu", 10, 501, False),  # a Z1 close enough to 0 that W1's step crossed it
    ("tanh", 12, 313, False),  # db2 about 1e-5: the finite difference's rounding dominates
    ("sigmoid", 19, 117, False),  # db2 about 2e-6
    ("relu", 5, 98, False),  # A2 near 1: dA2's slope changes fast, a fixed step is too long
    ("relu", 2, 6, True),  # every gradient below layer 2 at the level of rounding (1e-14)
]


@pytest.mark.parametrize(("hidden", "m", "seed", "saturate"), HARD)
def test_correct_gradients_pass_where_finite_differences_struggle(hidden, m, seed, saturate):
    from course_lib.stepper import Config, compute
    from course_lib.stepper.numbers import saturated_output_layer

    X, Y, p = make_problem(m=m, seed=seed)
    if saturate:
        p = saturated_output_layer(X, p, hidden, Y)
    bp = backward_stages(X, Y, p, hidden)
    grads = bp.grads()
    if saturate:
        del grads["dA2"]  # A2 within 1e-8 of 0 or 1: not measurable (next test)
    report = gradcheck.gradient_check(grads, X, Y, p, hidden)
    assert report.passed, str(report)
    assert compute(Config(hidden=hidden, m=m, seed=seed, saturate=saturate))  # the stepper's
    # ... and a mistake of 1% in any stage is still caught there.
    for key in grads:
        if np.linalg.norm(grads[key]) > 1e-6:
            wrong = gradcheck.gradient_check({key: grads[key] * 1.01}, X, Y, p, hidden)
            assert wrong.verdict(key) == gradcheck.FAILS, (key, str(wrong))


def test_rounding_level_gradients_pass_within_rounding_and_say_so():
    from course_lib.stepper.numbers import saturated_output_layer

    X, Y, p = make_problem(m=2, seed=6)
    p = saturated_output_layer(X, p, "relu", Y)
    bp = backward_stages(X, Y, p, "relu")
    report = gradcheck.gradient_check({"dW1": bp["dW1"].value}, X, Y, p, "relu")
    assert report.relative_errors["dW1"] > 0.5  # the course's formula, taken at face value
    assert report.verdict("dW1") == gradcheck.WITHIN_ROUNDING and report.passed
    assert "passes within rounding" in report.describe("dW1")


def test_saturated_dA2_is_not_measurable_and_says_why():
    from course_lib.stepper.numbers import saturated_output_layer

    X, Y, p = make_problem(m=5, seed=0)
    p = saturated_output_layer(X, p, "relu", Y)
    bp = backward_stages(X, Y, p, "relu")
    report = gradcheck.gradient_check({"dA2": bp["dA2"].value}, X, Y, p, "relu")
    assert report.verdict("dA2") == gradcheck.NOT_MEASURABLE
    assert not report.passed and report.first_failure is None
    assert re.search(
        r"not measurable: A2\[0, \d\] = [0-9.e-]+ is within 1e-8 of 0 or 1", report.describe("dA2")
    )
    assert np.isnan(gradcheck.numerical_stage_gradients(X, Y, p, "relu", ("dA2",))["dA2"]).all()


def test_a_step_across_the_kink_is_made_shorter():
    # Z1[0, 0] = 2e-7 > 0: a step of 1e-6 in b1[0] moves it to -8e-7, across the kink. The
    # check shortens that entry's step; the plain difference would be about half the slope.
    X, Y, p = make_problem(m=5, seed=0)
    Z1 = p["W1"] @ X + p["b1"]
    p = dict(p, b1=p["b1"] - (Z1[0, 0] - 2e-7))
    bp = backward_stages(X, Y, p, "relu")
    report = gradcheck.gradient_check({"db1": bp["db1"].value}, X, Y, p, "relu")
    assert report.verdict("db1") == gradcheck.PASSES, str(report)
    f, x, _ = gradcheck.stage_cost_functions(X, Y, p, "relu")["db1"]
    plain = gradcheck.numerical_gradient(f, x)
    assert not np.allclose(plain, bp["db1"].value, rtol=1e-3)


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("saturate", [False, True])
def test_a_sample_of_the_stepper_configurations_all_pass(hidden, saturate):
    """The full sweep (seeds 0-599, every m, both saturations: 96,000 nets) is too slow for a
    test; this is a slice of it."""
    from course_lib.stepper import Config, compute

    for m in (1, 2, 7, 20):
        for seed in (0, 1, 9999):
            computed = compute(Config(hidden=hidden, m=m, seed=seed, saturate=saturate))
            X, Y, p = computed.bp.X, computed.bp.Y, computed.bp.parameters
            grads = computed.bp.grads()
            report = gradcheck.gradient_check(grads, X, Y, p, hidden)
            verdicts = report.verdicts
            if saturate:
                assert verdicts.pop("dA2") == gradcheck.NOT_MEASURABLE
            assert set(verdicts.values()) <= {gradcheck.PASSES, gradcheck.WITHIN_ROUNDING}, (
                m,
                seed,
                str(report),
            )
