"""Training with the split backward pass: the cost falls and the stated accuracy is reached.

Everything is seeded (data sets and initialisation), so every number here is the same on
every run. For scale, the best straight line (least squares) reaches about 0.53 on the XOR
set, 0.60 on the flower and 0.88 on the moons used below.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import assignment, data, gradcheck


def accuracy_two_layer(X, Y, p) -> float:
    A1, _ = assignment.linear_activation_forward(X, p["W1"], p["b1"], "relu")
    A2, _ = assignment.linear_activation_forward(A1, p["W2"], p["b2"], "sigmoid")
    return float(np.mean((A2 > 0.5) == (Y > 0.5)))


def linear_accuracy(X, Y) -> float:
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T
    w, *_ = np.linalg.lstsq(A, Y.ravel() * 2 - 1, rcond=None)
    return float(np.mean((A @ w > 0) == (Y.ravel() > 0.5)))


@pytest.mark.parametrize(
    ("name", "n_h", "learning_rate", "iterations", "accuracy"),
    [
        ("xor", 4, 0.5, 600, 1.0),
        ("flower", 8, 0.5, 1000, 0.78),
    ],
)
def test_two_layer_model_lowers_the_cost_and_reaches_the_accuracy(
    name, n_h, learning_rate, iterations, accuracy
):
    X, Y = data.make_dataset(name, m=200, seed=0)
    p, costs = assignment.two_layer_model(
        X, Y, (2, n_h, 1), learning_rate=learning_rate, num_iterations=iterations
    )
    assert len(costs) == iterations // 100
    assert costs[0] == pytest.approx(np.log(2), abs=1e-3)  # tiny weights: A2 is about 1/2
    assert all(later < earlier for earlier, later in zip(costs, costs[1:], strict=False))
    assert accuracy_two_layer(X, Y, p) >= accuracy
    assert accuracy > linear_accuracy(X, Y) + 0.15  # the hidden layer is doing the work


def test_two_layer_model_is_deterministic():
    X, Y = data.make_xor(m=100, seed=1)
    p1, c1 = assignment.two_layer_model(X, Y, (2, 3, 1), learning_rate=0.5, num_iterations=300)
    p2, c2 = assignment.two_layer_model(X, Y, (2, 3, 1), learning_rate=0.5, num_iterations=300)
    assert c1 == c2
    for k in p1:
        np.testing.assert_array_equal(p1[k], p2[k])


def test_L_layer_model_lowers_the_cost_and_reaches_the_accuracy():
    X, Y = data.make_moons(m=200, seed=0)
    p, costs = assignment.L_layer_model(X, Y, [2, 8, 4, 1], learning_rate=0.3, num_iterations=600)
    assert len(costs) == 6
    assert all(later < earlier for earlier, later in zip(costs, costs[1:], strict=False))
    assert costs[-1] < 0.15
    assert float(np.mean(assignment.predict(X, p) == Y)) >= 0.99
    assert linear_accuracy(X, Y) < 0.9
    again, costs_again = assignment.L_layer_model(
        X, Y, [2, 8, 4, 1], learning_rate=0.3, num_iterations=600
    )
    assert costs_again == costs
    np.testing.assert_array_equal(again["W3"], p["W3"])


@pytest.mark.parametrize("seed", range(3))
def test_gradient_check_deep_passes_on_a_small_L_layer_net(seed):
    X, Y = data.make_moons(m=8, seed=seed)
    p = assignment.initialize_parameters_deep([2, 5, 3, 1], seed=seed, scheme="application")
    assert gradcheck.gradient_check_deep(p, X, Y) < 1e-7


def test_gradient_check_deep_after_training():
    X, Y = data.make_xor(m=12, seed=2)
    p, _ = assignment.L_layer_model(X, Y, [2, 4, 3, 1], learning_rate=0.3, num_iterations=200)
    assert gradcheck.gradient_check_deep(p, X, Y) < 1e-7
