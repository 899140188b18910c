"""course_lib.derivation: index-notation expansions and the dA2 * sigma'(Z2) = A2 - Y algebra."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hand_net import LN3, hand_net

from course_lib import CourseInputError, derivation
from course_lib.data import make_problem
from course_lib.stages import STAGE_KEYS, backward_stages


def hand_pass():
    # The net of hand_net.py: A1 = [[0, 1]], dZ2 = [[-1/2, 3/4]], m = 2.
    return backward_stages(*hand_net(), hidden="relu")


def test_expand_dW2_hand_example():
    # dW2[0, 0] = (1/2) sum_i dZ2[0, i] A1[0, i] = (1/2)(-1/2 * 0) + (1/2)(3/4 * 1) = 0 + 3/8
    e = derivation.expand(hand_pass(), "dW2", (0, 0))
    assert e.terms == pytest.approx((0.0, 3 / 8))
    assert e.total == pytest.approx(3 / 8)
    assert e.matrix_value == pytest.approx(3 / 8)
    assert e.difference < 1e-15
    assert r"\sum_{i}" in e.symbolic and "dZ^{[2]}" in e.symbolic
    assert r"\tfrac{1}{2}" in e.numeric and "0.75" in e.numeric


def test_expand_dA0_hand_example():
    # dA0[1, 1] = sum_k W1[k, 1] dZ1[k, 1] = (-1)(3 ln3 / 4): one hidden unit, one term.
    e = derivation.expand(hand_pass(), "dA0", (1, 1))
    assert e.terms == pytest.approx((-3 * LN3 / 4,))
    assert e.total == pytest.approx(-3 * LN3 / 4)
    assert e.index == (1, 1) and e.key == "dA0"
    # A negative factor is parenthesised; the result after "=" is not.
    assert e.numeric.endswith(f"= {-3 * LN3 / 4:.4g}") and "(-1)" in e.numeric
    assert "W^{[1]}_{k,1}" in e.symbolic


def test_expand_dZ2_and_dA2_hand_example():
    bp = hand_pass()
    # dZ2[0, 1] = dA2[0, 1] * sigma'(Z2[0, 1]) = 4 * 3/16
    e = derivation.expand(bp, "dZ2", (0, 1))
    assert e.terms == pytest.approx((0.75,))
    # dA2[0, 0] = -(y/a - (1-y)/(1-a)) with a = 1/2, y = 1
    e = derivation.expand(bp, "dA2", (0, 0))
    assert e.total == pytest.approx(-2.0)


def test_expand_db1_hand_example():
    # db1[0] = (1/2)(dZ1[0, 0] + dZ1[0, 1]) = (1/2)(0 + 3 ln3/4)
    e = derivation.expand(hand_pass(), "db1", (0, 0))
    assert e.terms == pytest.approx((0.0, 3 * LN3 / 8))


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
def test_every_entry_of_every_stage_equals_its_expansion(hidden):
    X, Y, p = make_problem(n_x=3, n_h=4, n_y=2, m=5, seed=3)
    bp = backward_stages(X, Y, p, hidden)
    n_terms = {
        "dA2": 1,
        "dZ2": 1,
        "dW2": 5,
        "db2": 5,
        "dA1": 2,
        "dZ1": 1,
        "dW1": 5,
        "db1": 5,
        "dA0": 4,
    }  # m for dW/db, n[l] for dA[l-1], one for elementwise
    for key in STAGE_KEYS:
        value = bp[key].value
        for index in np.ndindex(value.shape):
            e = derivation.expand(bp, key, index)
            assert len(e.terms) == n_terms[key]
            assert e.matrix_value == value[index]
            assert abs(e.total - value[index]) <= 1e-12 * max(1.0, abs(value[index]))


def test_long_sums_are_abbreviated():
    X, Y, p = make_problem(n_x=3, n_h=4, m=20, seed=0)
    e = derivation.expand(backward_stages(X, Y, p), "dW1", (0, 0))
    assert len(e.terms) == 20 and r"\cdots" in e.numeric


def test_expand_rejects_bad_key_and_index():
    bp = hand_pass()
    with pytest.raises(
        CourseInputError,
        match=r"index \(0, 2\) is outside dW1, which has shape "
        r"\(1, 2\)",
    ):
        derivation.expand(bp, "dW1", (0, 2))
    with pytest.raises(CourseInputError, match=re.escape("a (row, column) pair, got 3")):
        derivation.expand(bp, "dW1", 3)
    with pytest.raises(CourseInputError, match="stages.*'dZ3'"):
        derivation.expand(bp, "dZ3", (0, 0))


def test_collapse_steps_hand_example():
    # a = 3/4, y = 0: dA = -(0 - 1/(1/4)) = 4;  (a - y)/(a(1-a)) = (3/4)/(3/16) = 4;
    # sigma' = 3/16;  dZ = 4 * 3/16 = 3/4 = a - y.
    steps = derivation.collapse_steps(0.75, 0.0)
    values = [v for _, v in steps]
    assert values == pytest.approx([4.0, 4.0, 3 / 16, 0.75, 0.75])
    assert all(isinstance(latex, str) and latex for latex, _ in steps)
    assert "a - y" in steps[-1][0]


@pytest.mark.parametrize(
    ("a", "y", "message"),
    [
        (0.0, 1.0, "a must lie strictly between 0 and 1, got 0.0"),
        (1.0, 0.0, "got 1.0"),
        (float("nan"), 0.0, "got nan"),
        (0.5, 2.0, "y must be a label in \\[0, 1\\], got 2.0"),
        ("0.5", 0.0, "a must be a real number, got str"),
    ],
)
def test_collapse_steps_rejects(a, y, message):
    with pytest.raises(CourseInputError, match=message):
        derivation.collapse_steps(a, y)


def test_output_gradient_collapses_only_for_sigmoid_with_cross_entropy():
    z = np.linspace(-6, 6, 25).reshape(1, -1)
    y = np.ones_like(z)
    assert derivation.output_gradient(z, y, "sigmoid", "cross_entropy")["collapses"]
    for output, loss in (
        ("sigmoid", "squared_error"),
        ("tanh", "cross_entropy"),
        ("tanh", "squared_error"),
    ):
        assert not derivation.output_gradient(z, y, output, loss)["collapses"], (output, loss)


def test_output_gradient_hand_values():
    # z = 0, y = 1, sigmoid: a = 1/2.
    #   squared error: dZ = (a - y) a (1 - a) = (-1/2)(1/4) = -1/8, shortcut a - y = -1/2.
    r = derivation.output_gradient([[0.0]], [[1.0]], "sigmoid", "squared_error")
    assert r["dZ"][0, 0] == pytest.approx(-0.125) and r["shortcut"][0, 0] == -0.5
    assert r["max_abs_diff"] == pytest.approx(0.375)
    # tanh output mapped to a = (1 + tanh z)/2 with cross-entropy: dL/da = (a - y)/(a(1-a)) and
    # da/dz = (1 - tanh^2 z)/2 = 2 a (1 - a), so dZ = 2 (a - y).  At z = 0: a = 1/2, dZ = -1.
    r = derivation.output_gradient([[0.0]], [[1.0]], "tanh", "cross_entropy")
    assert r["dZ"][0, 0] == pytest.approx(-1.0)


def test_output_gradient_on_a_saturated_output_is_quiet_and_does_not_collapse():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = derivation.output_gradient([[800.0]], [[0.0]], "sigmoid", "cross_entropy")
    assert r["shortcut"][0, 0] == 1.0  # A - Y stays exact
    assert r["max_abs_diff"] == math.inf and not r["collapses"]


def test_output_gradient_rejects_bad_names_and_shapes():
    with pytest.raises(CourseInputError, match=r"output must be one of \['sigmoid', 'tanh'\]"):
        derivation.output_gradient([[0.0]], [[1.0]], output="relu")
    with pytest.raises(CourseInputError, match="loss must be one of"):
        derivation.output_gradient([[0.0]], [[1.0]], loss="hinge")
    with pytest.raises(CourseInputError, match=r"Y in output_gradient has shape \(1, 2\)"):
        derivation.output_gradient([[0.0]], [[1.0, 0.0]])


def test_a_negative_pre_activation_is_written_once_inside_g_prime():
    # The hand net's Z1[0, 0] = 1*1 + (-1)*3 = -2: g'(-2), not g'((-2)).
    e = derivation.expand(hand_pass(), "dZ1", (0, 0))
    assert "g'(-2)" in e.numeric
    assert "((" not in e.numeric
    # ReLU' is 0 there, and the product (-0.5493 * 0 = -0.0 in IEEE) is written 0.
    assert e.numeric.endswith("= 0")
