"""course_lib.slide: the six equations, checked against hand arithmetic.

Hand-worked tanh net (the planar assignment's hidden activation), n_x = n_h = n_y = 1, m = 2,
with tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5 and sigmoid(ln 3) = 3/4:

    X  = [[ln2, -ln2]]   W1 = [[1]]  b1 = [[0]]   W2 = [[5 ln3 / 3]]  b2 = [[0]]   Y = [[1, 1]]

    Z1 = [[ln2, -ln2]]            A1 = tanh(Z1) = [[3/5, -3/5]]
    Z2 = (5 ln3/3) A1 = [[ln3, -ln3]]            A2 = [[3/4, 1/4]]

    (1) dZ2 = A2 - Y = [[-1/4, -3/4]]
    (2) dW2 = (1/2)(-1/4 * 3/5 + (-3/4)(-3/5)) = (1/2)(6/20) = 3/20
    (3) db2 = (1/2)(-1/4 - 3/4) = -1/2
    (4) dZ1 = W2.T dZ2 * (1 - A1**2): 1 - 9/25 = 16/25, so
            = [[(5ln3/3)(-1/4)(16/25), (5ln3/3)(-3/4)(16/25)]] = [[-4 ln3/15, -4 ln3/5]]
    (5) dW1 = (1/2)(-4ln3/15 * ln2 + (-4ln3/5)(-ln2)) = (1/2) ln2 ln3 (8/15) = 4 ln2 ln3 / 15
    (6) db1 = (1/2)(-4ln3/15 - 12ln3/15) = -8 ln3 / 15

The ReLU hand net is the one in test_assignment.py (same numbers, derived there):
dZ2 = [[-1/2, 3/4]], dW2 = 3/8, db2 = 1/8, dA1 = [[-ln3/2, 3ln3/4]], dZ1 = [[0, 3ln3/4]],
dW1 = [[3ln3/4, 3ln3/8]], db1 = 3ln3/8.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import numpy as np
import pytest
from hand_net import LN2, LN3, close, hand_net

from course_lib import assignment, slide


def tanh_net():
    X = np.array([[LN2, -LN2]])
    Y = np.array([[1.0, 1.0]])
    p = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]]),
         "W2": np.array([[5 * LN3 / 3]]), "b2": np.array([[0.0]])}
    return X, Y, p


relu_net = hand_net  # the ReLU net of hand_net.py


def test_forward_propagation_defaults_to_tanh_hand_example():
    X, _, p = tanh_net()
    A2, cache = slide.forward_propagation(X, p)
    assert sorted(cache) == ["A1", "A2", "Z1", "Z2"]
    close(cache["Z1"], [[LN2, -LN2]])
    close(cache["A1"], [[0.6, -0.6]])
    close(cache["Z2"], [[LN3, -LN3]])
    close(A2, [[0.75, 0.25]])
    assert cache["A2"] is A2


def test_forward_propagation_relu_hand_example():
    X, _, p = relu_net()
    A2, cache = slide.forward_propagation(X, p, hidden="relu")
    close(cache["Z1"], [[-2.0, 1.0]])
    close(cache["A1"], [[0.0, 1.0]])
    close(A2, [[0.5, 0.75]])


def test_backward_propagation_tanh_hand_example():
    X, Y, p = tanh_net()
    _, cache = slide.forward_propagation(X, p)
    grads = slide.backward_propagation(p, cache, X, Y)
    assert sorted(grads) == ["dW1", "dW2", "db1", "db2"]
    close(grads["dW2"], [[3 / 20]])
    close(grads["db2"], [[-0.5]])
    close(grads["dW1"], [[4 * LN2 * LN3 / 15]])
    close(grads["db1"], [[-8 * LN3 / 15]])


def test_six_equations_exposes_dZ2_dA1_dZ1():
    X, Y, p = tanh_net()
    _, cache = slide.forward_propagation(X, p)
    out = slide.six_equations(p, cache, X, Y, hidden="tanh")
    assert sorted(out) == ["dA1", "dW1", "dW2", "dZ1", "dZ2", "db1", "db2"]
    close(out["dZ2"], [[-0.25, -0.75]])
    close(out["dA1"], [[-5 * LN3 / 12, -5 * LN3 / 4]])
    close(out["dZ1"], [[-4 * LN3 / 15, -4 * LN3 / 5]])


def test_six_equations_relu_hand_example():
    X, Y, p = relu_net()
    _, cache = slide.forward_propagation(X, p, hidden="relu")
    out = slide.six_equations(p, cache, X, Y, hidden="relu")
    close(out["dZ2"], [[-0.5, 0.75]])
    close(out["dW2"], [[3 / 8]])
    close(out["db2"], [[1 / 8]])
    close(out["dA1"], [[-LN3 / 2, 3 * LN3 / 4]])
    close(out["dZ1"], [[0.0, 3 * LN3 / 4]])
    close(out["dW1"], [[3 * LN3 / 4, 3 * LN3 / 8]])
    close(out["db1"], [[3 * LN3 / 8]])


def test_sigmoid_hidden_derivative_is_A1_times_one_minus_A1():
    # A1 = 1/2 everywhere -> g' = 1/4; W2 = [[2]], dZ2 = A2 - Y = [[1/2 - 0]] -> dZ1 = 2 * 1/2 / 4.
    X = np.array([[0.0]])
    p = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]]),
         "W2": np.array([[2.0]]), "b2": np.array([[-1.0]])}
    _, cache = slide.forward_propagation(X, p, hidden="sigmoid")  # Z2 = 2 * 1/2 - 1 = 0
    close(cache["A2"], [[0.5]])
    out = slide.six_equations(p, cache, X, np.array([[0.0]]), hidden="sigmoid")
    close(out["dZ1"], [[0.25]])


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_tanh_and_sigmoid_derivatives_come_from_A1_in_the_cache(hidden):
    X, Y, p = tanh_net()
    _, cache = slide.forward_propagation(X, p, hidden)
    reference = slide.six_equations(p, cache, X, Y, hidden)
    scrambled = dict(cache, Z1=np.array([[100.0, -100.0]]))  # Z1 is not read
    again = slide.six_equations(p, scrambled, X, Y, hidden)
    for k in reference:
        np.testing.assert_array_equal(again[k], reference[k])
    without_Z1 = {k: v for k, v in cache.items() if k != "Z1"}
    np.testing.assert_array_equal(slide.six_equations(p, without_Z1, X, Y, hidden)["dW1"],
                                  reference["dW1"])


def test_relu_derivative_comes_from_the_cached_A1_as_the_slide_writes_it():
    # The slide writes g'(Z1) from the cache's A1 (A1 > 0 exactly where Z1 > 0), never from
    # the split's relu_backward: flip which example is active in A1 alone and dZ1 follows it.
    X, Y, p = relu_net()
    _, cache = slide.forward_propagation(X, p, "relu")
    flipped = dict(cache, A1=np.maximum(-cache["Z1"], 0))  # now only the first is active
    out = slide.six_equations(p, flipped, X, Y, "relu")
    close(out["dZ1"], [[-LN3 / 2, 0.0]])


def test_one_over_m_in_dZ_gives_the_same_dW_db():
    X, Y, p = tanh_net()
    _, cache = slide.forward_propagation(X, p)
    per_example = slide.six_equations(p, cache, X, Y, "tanh", one_over_m="dW")
    averaged = slide.six_equations(p, cache, X, Y, "tanh", one_over_m="dZ")
    close(averaged["dZ2"], [[-1 / 8, -3 / 8]])  # (A2 - Y) / m with m = 2
    close(averaged["dZ1"], [[-2 * LN3 / 15, -2 * LN3 / 5]])
    for k in ("dW1", "db1", "dW2", "db2"):
        np.testing.assert_allclose(averaged[k], per_example[k], rtol=1e-15, atol=1e-16)


def test_output_dZ_is_A2_minus_Y_and_equals_the_split_form():
    A2, Y = np.array([[0.5, 0.75]]), np.array([[1.0, 0.0]])
    close(slide.output_dZ(A2, Y), [[-0.5, 0.75]])
    split = assignment.sigmoid_backward(assignment.output_dA(A2, Y), np.array([[0.0, LN3]]))
    close(split, slide.output_dZ(A2, Y))


def test_output_dZ_stays_exact_when_the_output_saturates():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dZ = slide.output_dZ(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    close(dZ, [[1.0, -1.0]])


def test_boolean_labels_equal_float_labels():
    X, Y, p = relu_net()
    _, cache = slide.forward_propagation(X, p, "relu")
    as_bool = slide.backward_propagation(p, cache, X, Y > 0.5, "relu")
    as_float = slide.backward_propagation(p, cache, X, Y, "relu")
    for k in as_float:
        np.testing.assert_array_equal(as_bool[k], as_float[k])


def test_equations_are_numbered_one_to_six():
    assert list(slide.EQUATIONS) == ["dZ2", "dW2", "db2", "dZ1", "dW1", "db1"]
    assert [slide.EQUATION_NUMBER[k] for k in slide.EQUATIONS] == [1, 2, 3, 4, 5, 6]
    assert slide.EQUATIONS["dZ2"] == r"dZ^{[2]} = A^{[2]} - Y"


def test_slide_does_not_use_the_assignment():
    # The two formulations must agree as independent computations, not by sharing code.
    tree = ast.parse(Path(slide.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "numpy", "course_lib.activations", "course_lib.checks"}
