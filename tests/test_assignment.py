"""course_lib.assignment: the course's split, function by function.

The hand-worked net and its arithmetic are in hand_net.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hand_net import HAND, LN2, LN3, close, hand_net

from course_lib import assignment as a
from course_lib import slide
from course_lib.activations import ACTIVATIONS

# ----------------------------------------------------------------------------- initialisation


def test_initialize_parameters_draws_like_the_course():
    p = a.initialize_parameters(3, 2, 1)
    rng = np.random.RandomState(1)
    np.testing.assert_array_equal(p["W1"], rng.randn(2, 3) * 0.01)
    np.testing.assert_array_equal(p["W2"], rng.randn(1, 2) * 0.01)
    np.testing.assert_array_equal(p["b1"], np.zeros((2, 1)))
    np.testing.assert_array_equal(p["b2"], np.zeros((1, 1)))
    assert sorted(p) == ["W1", "W2", "b1", "b2"]


def test_initialize_parameters_seed_is_local_and_changes_the_draw():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    p7 = a.initialize_parameters(4, 3, 2, seed=7)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # global RNG untouched
    np.testing.assert_array_equal(p7["W1"], np.random.RandomState(7).randn(3, 4) * 0.01)
    assert not np.array_equal(p7["W1"], a.initialize_parameters(4, 3, 2)["W1"])


def test_initialize_parameters_deep_course_scheme():
    dims = [5, 4, 3]
    p = a.initialize_parameters_deep(dims)
    rng = np.random.RandomState(3)
    for l in (1, 2):
        np.testing.assert_array_equal(p[f"W{l}"], rng.randn(dims[l], dims[l - 1]) * 0.01)
        np.testing.assert_array_equal(p[f"b{l}"], np.zeros((dims[l], 1)))
    assert sorted(p) == ["W1", "W2", "b1", "b2"]


def test_initialize_parameters_deep_application_scheme():
    dims = [6, 4, 3, 1]
    p = a.initialize_parameters_deep(dims, seed=1, scheme="application")
    rng = np.random.RandomState(1)
    for l in (1, 2, 3):
        expected = rng.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1])
        np.testing.assert_array_equal(p[f"W{l}"], expected)
        assert p[f"b{l}"].shape == (dims[l], 1) and not p[f"b{l}"].any()


# ----------------------------------------------------------------------------- forward


def test_linear_forward_hand_example_and_named_cache():
    X, _, p = hand_net()
    Z, cache = a.linear_forward(X, p["W1"], p["b1"])
    close(Z, HAND["Z1"])
    assert isinstance(cache, tuple) and isinstance(cache, a.LinearCache)
    assert cache._fields == ("A_prev", "W", "b")
    A_prev, W, b = cache  # unpacks like the course's plain tuple
    assert A_prev is X and W is p["W1"] and b is p["b1"]


def test_linear_forward_broadcasts_b_over_columns():
    # Z = [[1, 2, 3]] + [[10]] -> every column gets the same bias.
    Z, _ = a.linear_forward(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0]]), np.array([[10.0]]))
    close(Z, [[11.0, 12.0, 13.0]])


def test_linear_forward_on_the_courses_test_input():
    # The course's linear_forward_test_case: np.random.seed(1); A (3, 2), W (1, 3), b (1, 1).
    # Its printed Z is [[3.26295337, -1.23429987]].
    rng = np.random.RandomState(1)
    A, W, b = rng.randn(3, 2), rng.randn(1, 3), rng.randn(1, 1)
    Z, _ = a.linear_forward(A, W, b)
    np.testing.assert_allclose(Z, [[3.26295337, -1.23429987]], atol=5e-9)


# One number as a bias means the same bias for every unit, as NumPy broadcasts it in
# Z = W @ A + b: a Python float, a NumPy scalar, a 0-D array or a (1, 1) array.
ONE_NUMBER = {
    "float": 0.5,
    "int": 2,
    "numpy scalar": np.float64(-1.5),
    "0-D array": np.array(0.25),
    "(1, 1)": np.array([[3.0]]),
}


@pytest.mark.parametrize("b", ONE_NUMBER.values(), ids=list(ONE_NUMBER))
def test_linear_forward_broadcasts_one_bias_over_every_unit(b):
    # W (2, 3) has 2 units; Z = W @ A + b adds the same number to both rows.
    rng = np.random.RandomState(4)
    A, W = rng.randn(3, 5), rng.randn(2, 3)
    value = float(np.asarray(b).reshape(()))
    Z, cache = a.linear_forward(A, W, b)
    np.testing.assert_array_equal(Z, W @ A + value)
    np.testing.assert_array_equal(cache.b, np.full((2, 1), value))  # the cache keeps the column
    column, _ = a.linear_forward(A, W, np.full((2, 1), value))
    np.testing.assert_array_equal(Z, column)


def test_a_column_bias_is_kept_as_given():
    X, _, p = hand_net()
    _, cache = a.linear_forward(X, p["W1"], p["b1"])
    assert cache.b is p["b1"]


def test_one_bias_per_layer_through_L_model_forward_and_the_slides_forward():
    # Both formulations read a scalar bias as the column it broadcasts to.
    X, _, p = hand_net()
    p_scalar = dict(p, b1=0.0, b2=np.array(0.0))
    for forward in (
        lambda q: a.L_model_forward(X, q)[0],
        lambda q: slide.forward_propagation(X, q, "relu")[0],
    ):
        np.testing.assert_array_equal(forward(p_scalar), forward(p))


@pytest.mark.parametrize(
    "db", [np.array([[2.0]]), 2.0, np.array(2.0)], ids=["(1, 1)", "float", "0-D"]
)
def test_update_parameters_moves_every_unit_alike_for_one_number_db(db):
    # b1 is (3, 1); db1 = 2 for every unit: b1 - 0.5 * 2 = b1 - 1.
    rng = np.random.RandomState(5)
    p = {"W1": rng.randn(3, 2), "b1": rng.randn(3, 1), "W2": rng.randn(1, 3), "b2": rng.randn(1, 1)}
    grads = {"dW1": np.zeros((3, 2)), "db1": db, "dW2": np.zeros((1, 3)), "db2": np.zeros((1, 1))}
    for update in (
        lambda: a.update_parameters(p, grads, 0.5),
        lambda: slide.update_parameters(p, grads, 0.5),
    ):
        new = update()
        np.testing.assert_array_equal(new["b1"], p["b1"] - 1.0)
        assert new["b1"].shape == (3, 1)


def test_update_parameters_reads_a_scalar_bias_as_its_column():
    # A scalar b1 = 1 is the column [[1], [1]] (the forward pass adds it to both units), so
    # the step b1 - 0.1 * db1 with a (2, 1) db1 gives a (2, 1) bias.
    p = {"W1": np.ones((2, 1)), "b1": 1.0, "W2": np.ones((1, 2)), "b2": 0.0}
    grads = {
        "dW1": np.zeros((2, 1)),
        "db1": np.array([[10.0], [-10.0]]),
        "dW2": np.zeros((1, 2)),
        "db2": np.array([[0.0]]),
    }
    new = a.update_parameters(p, grads, 0.1)
    close(new["b1"], [[0.0], [2.0]])
    close(new["b2"], [[0.0]])


@pytest.mark.parametrize(
    ("activation", "z", "expected"),
    [
        ("sigmoid", [[0.0, LN3, -LN3]], [[0.5, 0.75, 0.25]]),
        ("relu", [[-2.0, 0.0, 1.5]], [[0.0, 0.0, 1.5]]),
        ("tanh", [[0.0, LN2, -LN2]], [[0.0, 0.6, -0.6]]),  # tanh(ln 2) = (2 - 1/2)/(2 + 1/2)
    ],
)
def test_linear_activation_forward_each_activation(activation, z, expected):
    # W = identity (1 x 1) and b = 0, so Z equals the input row.
    A, cache = a.linear_activation_forward(np.array(z), np.eye(1), np.zeros((1, 1)), activation)
    close(A, expected)
    assert isinstance(cache, a.LayerCache) and cache._fields == ("linear_cache", "Z")
    linear_cache, Z = cache
    close(Z, z)
    assert isinstance(linear_cache, a.LinearCache)


def test_L_model_forward_hand_example():
    X, _, p = hand_net()
    AL, caches = a.L_model_forward(X, p)
    close(AL, HAND["A2"])
    assert isinstance(caches, list) and len(caches) == 2
    close(caches[0].Z, HAND["Z1"])
    close(caches[1].linear_cache.A_prev, HAND["A1"])
    close(caches[1].Z, HAND["Z2"])


def test_L_model_forward_uses_relu_then_sigmoid():
    # Three layers of 1 unit, W = 1, b = 0, input -3: relu(-3) = 0, relu(0) = 0, sigmoid(0) = 1/2.
    p = {f"{k}{l}": np.array([[1.0 if k == "W" else 0.0]]) for l in (1, 2, 3) for k in "Wb"}
    AL, caches = a.L_model_forward(np.array([[-3.0, 2.0]]), p)
    # second column: relu(2) = 2, relu(2) = 2, sigmoid(2)
    close(AL, [[0.5, 1 / (1 + math.exp(-2.0))]])
    assert len(caches) == 3


def test_compute_cost_hand_example_is_a_python_float():
    cost = a.compute_cost(np.array(HAND["A2"]), np.array([[1, 0]]))
    assert type(cost) is float
    assert cost == pytest.approx(1.5 * LN2, rel=1e-15)  # (3/2) ln 2


def test_the_two_compute_costs_are_one_formula_under_two_names():
    rng = np.random.RandomState(6)
    A, Y = rng.uniform(0.05, 0.95, (1, 7)), rng.rand(1, 7) > 0.5
    assert a.compute_cost(A, Y) == slide.compute_cost(A, Y)


def test_compute_cost_accepts_boolean_labels():
    AL = np.array([[0.5, 0.75]])
    assert a.compute_cost(AL, np.array([[True, False]])) == a.compute_cost(AL, [[1.0, 0.0]])


# ----------------------------------------------------------------------------- backward


def test_sigmoid_backward_takes_Z_not_A():
    # sigma'(0) = 1/4, sigma'(ln 3) = (3/4)(1/4) = 3/16.
    dZ = a.sigmoid_backward(np.array([[-2.0, 4.0]]), np.array([[0.0, LN3]]))
    close(dZ, [[-0.5, 0.75]])


def test_relu_backward_zero_at_and_below_zero():
    dZ = a.relu_backward(np.array([[5.0, 6.0, 7.0]]), np.array([[-1.0, 0.0, 2.0]]))
    close(dZ, [[0.0, 0.0, 7.0]])


def test_tanh_backward():
    # 1 - tanh(ln 2)^2 = 1 - 9/25 = 16/25.
    dZ = a.tanh_backward(np.array([[25.0, 1.0]]), np.array([[LN2, 0.0]]))
    close(dZ, [[16.0, 1.0]])


def test_linear_backward_hand_example_with_a_plain_tuple_cache():
    # Layer 2 of the hand net: A_prev = A1, W = W2.
    cache = (np.array(HAND["A1"]), np.array([[LN3]]), np.array([[0.0]]))
    dA_prev, dW, db = a.linear_backward(np.array(HAND["dZ2"]), cache)
    close(dA_prev, HAND["dA1"])
    close(dW, HAND["dW2"])
    close(db, HAND["db2"])


def test_linear_backward_keeps_db_a_column_and_averages_over_m():
    # dZ (2, 3): row sums 6 and -3, m = 3 -> db = [[2], [-1]].
    dZ = np.array([[1.0, 2.0, 3.0], [-1.0, -1.0, -1.0]])
    A_prev = np.array([[1.0, 0.0, 0.0]])  # picks column 0: dW = dZ[:, 0] / 3
    W = np.array([[2.0], [5.0]])
    dA_prev, dW, db = a.linear_backward(dZ, (A_prev, W, np.zeros((2, 1))))
    close(db, [[2.0], [-1.0]])
    close(dW, [[1 / 3], [-1 / 3]])
    # dA_prev = W.T dZ = 2*[1, 2, 3] + 5*[-1, -1, -1] = [-3, -1, 1]
    close(dA_prev, [[-3.0, -1.0, 1.0]])


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_linear_activation_backward_matches_its_two_steps(activation):
    X, Y, p = hand_net()
    _, cache = a.linear_activation_forward(X, p["W1"], p["b1"], activation)
    dA = np.array([[0.3, -0.7]])
    plain = ((X, p["W1"], p["b1"]), np.array(HAND["Z1"]))  # hand-built plain tuples
    step = {"relu": a.relu_backward, "sigmoid": a.sigmoid_backward, "tanh": a.tanh_backward}
    expected = a.linear_backward(step[activation](dA, HAND["Z1"]), (X, p["W1"], p["b1"]))
    for c in (cache, plain):
        for got, want in zip(
            a.linear_activation_backward(dA, c, activation), expected, strict=True
        ):
            close(got, want)


def test_output_dA_hand_example():
    close(a.output_dA(np.array(HAND["A2"]), np.array([[1.0, 0.0]])), HAND["dA2"])


def test_output_dA_accepts_any_finite_AL_other_than_0_and_1():
    # AL = 2, Y = 1: -(1/2 - 0/(1-2)) = -1/2.  AL = -1, Y = 0: -(0 - 1/(1-(-1))) = 1/2.
    close(a.output_dA(np.array([[2.0, -1.0]]), np.array([[1.0, 0.0]])), [[-0.5, 0.5]])


def test_L_model_backward_hand_example_keys_and_values():
    X, Y, p = hand_net()
    AL, caches = a.L_model_forward(X, p)
    grads = a.L_model_backward(AL, Y, caches)
    assert sorted(grads) == ["dA0", "dA1", "dW1", "dW2", "db1", "db2"]
    for key in grads:
        close(grads[key], HAND[key])


def test_L_model_backward_keys_for_three_layers_and_tuple_caches():
    rng = np.random.RandomState(0)
    dims = [4, 3, 2, 1]
    p = {}
    for l in (1, 2, 3):
        p[f"W{l}"] = rng.randn(dims[l], dims[l - 1])
        p[f"b{l}"] = rng.randn(dims[l], 1)
    X, Y = rng.randn(4, 5), np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])
    AL, caches = a.L_model_forward(X, p)
    grads = a.L_model_backward(AL, Y, caches)
    assert sorted(grads) == ["dA0", "dA1", "dA2", "dW1", "dW2", "dW3", "db1", "db2", "db3"]
    assert grads["dA0"].shape == X.shape
    for l in (1, 2, 3):
        assert grads[f"dW{l}"].shape == p[f"W{l}"].shape
        assert grads[f"db{l}"].shape == p[f"b{l}"].shape
    # The same caches rebuilt as plain nested tuples give the same gradients.
    plain = tuple((tuple(c.linear_cache), c.Z) for c in caches)
    again = a.L_model_backward(AL, Y, plain)
    for key in grads:
        np.testing.assert_array_equal(again[key], grads[key])


# ----------------------------------------------------------------------------- training


def test_update_parameters_returns_new_arrays_and_leaves_inputs_untouched():
    _, _, p = hand_net()
    grads = {
        "dW1": np.array([[1.0, -2.0]]),
        "db1": np.array([[4.0]]),
        "dW2": np.array([[10.0]]),
        "db2": np.array([[-1.0]]),
        "dA0": np.ones((2, 2)),
    }
    p_before = {k: v.copy() for k, v in p.items()}
    g_before = {k: v.copy() for k, v in grads.items()}
    new = a.update_parameters(p, grads, 0.5)
    # W1 - 0.5 dW1 = [[1 - 0.5, -1 + 1]]; b1 = 0 - 2; W2 = ln3 - 5; b2 = 0 + 0.5
    close(new["W1"], [[0.5, 0.0]])
    close(new["b1"], [[-2.0]])
    close(new["W2"], [[LN3 - 5.0]])
    close(new["b2"], [[0.5]])
    assert new is not p and sorted(new) == sorted(p)
    for k in p:
        np.testing.assert_array_equal(p[k], p_before[k])
        assert new[k] is not p[k]
    for k in grads:
        np.testing.assert_array_equal(grads[k], g_before[k])


def test_two_layer_model_starts_from_initialize_parameters():
    X, Y, _ = hand_net()
    p, costs = a.two_layer_model(X, Y, (2, 3, 1), num_iterations=0)
    expected = a.initialize_parameters(2, 3, 1)
    assert costs == []
    for k in expected:
        np.testing.assert_array_equal(p[k], expected[k])


def test_two_layer_model_records_the_cost_every_100_iterations(capsys):
    X, Y, _ = hand_net()
    p0 = a.initialize_parameters(2, 3, 1)
    A1, _ = a.linear_activation_forward(X, p0["W1"], p0["b1"], "relu")
    A2, _ = a.linear_activation_forward(A1, p0["W2"], p0["b2"], "sigmoid")
    _, costs = a.two_layer_model(X, Y, (2, 3, 1), num_iterations=250)
    assert len(costs) == 3  # iterations 0, 100, 200
    assert costs[0] == a.compute_cost(A2, Y)  # recorded before the first update
    assert all(type(c) is float for c in costs)
    assert capsys.readouterr().out == ""  # print_cost=False prints nothing

    a.two_layer_model(X, Y, (2, 3, 1), num_iterations=201, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Cost after iteration 0",
        "Cost after iteration 100",
        "Cost after iteration 200",
    ]


def test_two_layer_model_is_one_forward_backward_update_per_iteration():
    # One iteration by hand with the library's pieces equals num_iterations=1 ... plus a second.
    X, Y, _ = hand_net()
    p = a.initialize_parameters(2, 3, 1)
    for _ in range(2):
        AL, caches = a.L_model_forward(X, p)
        grads = a.L_model_backward(AL, Y, caches)
        p = a.update_parameters(p, grads, 0.1)
    trained, _ = a.two_layer_model(X, Y, (2, 3, 1), learning_rate=0.1, num_iterations=2)
    for k in p:
        np.testing.assert_allclose(trained[k], p[k], rtol=0, atol=1e-15)


def test_L_layer_model_starts_from_the_application_scheme():
    X, Y, _ = hand_net()
    p, costs = a.L_layer_model(X, Y, [2, 3, 2, 1], num_iterations=0)
    expected = a.initialize_parameters_deep([2, 3, 2, 1], seed=1, scheme="application")
    assert costs == []
    for k in expected:
        np.testing.assert_array_equal(p[k], expected[k])


def test_L_layer_model_records_the_cost_every_100_iterations():
    X, Y, _ = hand_net()
    _, costs = a.L_layer_model(X, Y, [2, 3, 2, 1], num_iterations=301)
    assert len(costs) == 4  # 0, 100, 200, 300


def test_predict_thresholds_at_one_half():
    X, _, p = hand_net()
    # AL = [[1/2, 3/4]]: 1/2 is not above 1/2.
    np.testing.assert_array_equal(a.predict(X, p), [[0.0, 1.0]])


# ----------------------------------------------------------------------------- the activation table


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_activation_has_its_backward_and_two_agreeing_derivatives(name):
    # One table entry plus its course-named <name>_backward: the split's derivative (from Z),
    # the slide's (from A = g(Z)) and the course function agree, computed three ways.
    act = ACTIVATIONS[name]
    Z = np.array([[-2.0, -0.5, 0.25, 3.0], [1.5, -3.0, 0.75, -0.1]])
    assert act.name == name and a.backward_function(name).__name__ == f"{name}_backward"
    np.testing.assert_allclose(act.prime_from_A(act.g(Z)), act.prime(Z), rtol=1e-12)
    np.testing.assert_allclose(
        a.backward_function(name)(np.ones_like(Z), Z), act.prime(Z), rtol=1e-12
    )
