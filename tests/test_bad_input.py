"""Bad input gets a clear error at every public boundary, and saturation is never silent.

Each case names a call, the error type it must raise, and the pieces the message must
contain: the argument's name, both shapes, the bad value or the valid choices.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from course_lib import CourseInputError, SaturationError, SaturationWarning, assignment, slide
from course_lib.activations import sigmoid
from course_lib.derivation import expand
from course_lib.gradcheck import gradient_check
from course_lib.stages import backward_stages


def net(n_x=3, n_h=4, n_y=1, m=5, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    Y = (rng.rand(n_y, m) > 0.5).astype(float)
    p = {
        "W1": rng.randn(n_h, n_x),
        "b1": rng.randn(n_h, 1),
        "W2": rng.randn(n_y, n_h),
        "b2": rng.randn(n_y, 1),
    }
    return X, Y, p


X, Y, P = net()
A_ = np.ones((4, 5))
W_ = np.ones((2, 4))
B_ = np.zeros((2, 1))
Z_ = np.ones((2, 5))
CACHE = ((A_, W_, B_), Z_)


def with_entry(arr, index, value):
    out = np.array(arr, dtype=float)
    out[index] = value
    return out


def slide_cache():
    return slide.forward_propagation(X, P)[1]


def train(X_=X, Y_=Y, dims=(3, 2, 1), lr=0.1):
    return assignment.two_layer_model(X_, Y_, dims, learning_rate=lr, num_iterations=1)


CASES = {
    # --- wrong or mismatched shapes
    "W columns vs A rows": (
        lambda: assignment.linear_forward(np.ones((3, 5)), W_, B_),
        ["linear_forward", "W has shape (2, 4)", "A has shape (3, 5)"],
    ),
    "b shape": (
        lambda: assignment.linear_forward(A_, W_, np.zeros((3, 1))),
        ["b in linear_forward", "(3, 1)", "expected (2, 1)"],
    ),
    "dZ shape in linear_backward": (
        lambda: assignment.linear_backward(np.ones((3, 5)), (A_, W_, B_)),
        ["dZ in linear_backward", "(3, 5)", "expected (2, 5)"],
    ),
    "dA vs Z in sigmoid_backward": (
        lambda: assignment.sigmoid_backward(np.ones((2, 5)), np.ones((5, 2))),
        ["sigmoid_backward", "dA has shape (2, 5)", "Z has shape (5, 2)"],
    ),
    "W1 vs X in forward_propagation": (
        lambda: slide.forward_propagation(np.ones((2, 5)), P),
        ["W1", "(4, 3)", "expected (any, 2)"],
    ),
    "cache A1 shape": (
        lambda: slide.backward_propagation(P, dict(slide_cache(), A1=np.ones((4, 4))), X, Y),
        ["cache['A1']", "(4, 4)", "expected (4, 5)"],
    ),
    # --- biases: a column (n, 1) or one number; a 1-D bias would broadcast along the examples
    "1-D b in linear_forward": (
        lambda: assignment.linear_forward(A_, W_, np.zeros(2)),
        ["b in linear_forward", "(2,)", "expected (2, 1)", "along the examples", "reshape(-1, 1)"],
    ),
    "1-D b of length m, which NumPy would broadcast silently": (
        lambda: assignment.linear_forward(np.ones((4, 2)), W_, np.zeros(2)),
        ["b in linear_forward", "(2,)", "expected (2, 1)"],
    ),
    "1-D b of one number": (
        lambda: assignment.linear_forward(A_, W_, np.zeros(1)),
        ["b in linear_forward", "(1,)", "expected (2, 1)"],
    ),
    "row b": (
        lambda: assignment.linear_forward(A_, W_, np.zeros((1, 5))),
        ["b in linear_forward", "(1, 5)", "expected (2, 1)"],
    ),
    "string b": (
        lambda: assignment.linear_forward(A_, W_, "0.5"),
        ["b in linear_forward", "real numbers", "<U3"],
    ),
    "bool b": (
        lambda: assignment.linear_forward(A_, W_, True),
        ["b in linear_forward", "real numbers", "bool"],
    ),
    "NaN as one number b": (
        lambda: assignment.linear_forward(A_, W_, float("nan")),
        ["b in linear_forward", "NaN or inf", "nan"],
    ),
    "1-D b1 in forward_propagation": (
        lambda: slide.forward_propagation(X, dict(P, b1=np.zeros(4))),
        ["b1 in forward_propagation", "(4,)", "expected (4, 1)"],
    ),
    "b2 of two rows in L_model_forward": (
        lambda: assignment.L_model_forward(X, dict(P, b2=np.zeros((2, 1)))),
        ["b in linear_forward", "(2, 1)", "expected (1, 1)"],
    ),
    "1-D db1 in update_parameters": (
        lambda: assignment.update_parameters(
            P, dict(dW1=P["W1"], db1=np.zeros(4), dW2=P["W2"], db2=P["b2"]), 0.1
        ),
        ["db1 in update_parameters", "(4,)", "expected (4, 1)"],
    ),
    "db2 of two rows in the slide's update_parameters": (
        lambda: slide.update_parameters(
            P, dict(dW1=P["W1"], db1=P["b1"], dW2=P["W2"], db2=np.zeros((2, 1)))
        ),
        ["db2 in update_parameters", "(2, 1)", "expected (1, 1)", "rows of W2"],
    ),
    "1-D b1 in the parameters to update": (
        lambda: assignment.update_parameters(
            dict(P, b1=np.zeros(4)), dict(dW1=P["W1"], db1=P["b1"], dW2=P["W2"], db2=P["b2"]), 0.1
        ),
        ["b1 in update_parameters", "(4,)", "expected (4, 1)"],
    ),
    "grads shape in update_parameters": (
        lambda: assignment.update_parameters(
            P, dict(dW1=np.ones((3, 4)), db1=P["b1"], dW2=P["W2"], db2=P["b2"]), 0.1
        ),
        ["dW1", "(3, 4)", "expected (4, 3)"],
    ),
    # --- not 2-D
    "1-D A": (
        lambda: assignment.linear_forward(np.ones(4), W_, B_),
        ["A in linear_forward", "1-D", "(4,)", "reshape"],
    ),
    "3-D X": (
        lambda: assignment.L_model_forward(np.ones((3, 5, 2)), P),
        ["X in L_model_forward", "3-D", "(3, 5, 2)"],
    ),
    "1-D Y": (
        lambda: assignment.compute_cost(np.full((1, 3), 0.5), np.array([1, 0, 1])),
        ["Y in compute_cost", "1-D"],
    ),
    # --- X and Y with different m
    "X and Y m in two_layer_model": (
        lambda: train(Y_=np.ones((1, 4))),
        ["X and Y", "same number of examples", "(3, 5)", "(1, 4)"],
    ),
    "X and Y m in backward_propagation": (
        lambda: slide.backward_propagation(P, slide_cache(), X, np.ones((1, 6))),
        ["X and Y", "(3, 5)", "(1, 6)"],
    ),
    # --- labels outside [0, 1]
    "label 2 in compute_cost": (
        lambda: assignment.compute_cost(np.full((1, 3), 0.5), [[1, 2, 0]]),
        ["Y in compute_cost", "[0, 1]", "2.0"],
    ),
    "label -1 in output_dA": (
        lambda: assignment.output_dA(np.full((1, 3), 0.5), [[1, -1, 0]]),
        ["Y in", "[0, 1]", "-1.0"],
    ),
    "label 3 in two_layer_model": (
        lambda: train(Y_=with_entry(Y, (0, 2), 3.0)),
        ["Y in two_layer_model", "[0, 1]", "3.0"],
    ),
    # --- NaN and inf
    "NaN in A (X)": (
        lambda: assignment.linear_forward(with_entry(A_, (2, 3), np.nan), W_, B_),
        ["A in linear_forward", "NaN or inf", "(2, 3)"],
    ),
    "inf in W1": (
        lambda: slide.forward_propagation(X, dict(P, W1=with_entry(P["W1"], (1, 0), np.inf))),
        ["W1", "NaN or inf", "(1, 0)", "inf"],
    ),
    "NaN in b": (
        lambda: assignment.linear_forward(A_, W_, with_entry(B_, (1, 0), np.nan)),
        ["b in linear_forward", "NaN or inf"],
    ),
    "NaN in Y": (
        lambda: assignment.compute_cost(np.full((1, 3), 0.5), [[1, np.nan, 0]]),
        ["Y in compute_cost", "NaN or inf", "(0, 1)"],
    ),
    "inf in X for training": (
        lambda: train(X_=with_entry(X, (0, 4), -np.inf)),
        ["X in two_layer_model", "NaN or inf", "(0, 4)"],
    ),
    "NaN in X reaching dW1": (
        lambda: slide.backward_propagation(P, slide_cache(), with_entry(X, (2, 1), np.nan), Y),
        ["X", "NaN or inf", "(2, 1)"],
    ),
    "NaN in dZ": (
        lambda: assignment.linear_backward(with_entry(Z_, (0, 0), np.nan), (A_, W_, B_)),
        ["dZ", "NaN or inf", "(0, 0)"],
    ),
    "NaN in dA": (
        lambda: assignment.relu_backward(with_entry(Z_, (1, 2), np.nan), Z_),
        ["dA in relu_backward", "NaN or inf", "(1, 2)"],
    ),
    "NaN in a gradient": (
        lambda: assignment.update_parameters(
            P,
            dict(dW1=with_entry(P["W1"], (0, 0), np.nan), db1=P["b1"], dW2=P["W2"], db2=P["b2"]),
            0.1,
        ),
        ["dW1 in update_parameters", "NaN or inf"],
    ),
    "NaN in AL": (
        lambda: assignment.output_dA(np.array([[0.5, np.nan]]), [[1, 0]]),
        ["AL", "NaN or inf", "(0, 1)"],
    ),
    # --- unknown activation names
    "activation softmax": (
        lambda: assignment.linear_activation_forward(A_, W_, B_, "softmax"),
        ["activation must be one of", "'relu'", "'sigmoid'", "'tanh'", "'softmax'"],
    ),
    "activation Relu": (
        lambda: assignment.linear_activation_backward(np.ones((2, 5)), CACHE, "Relu"),
        ["activation must be one of", "'relu'", "'Relu'"],
    ),
    "hidden leaky": (
        lambda: slide.forward_propagation(X, P, hidden="leaky_relu"),
        ["hidden must be one of", "'relu'", "'tanh'", "'sigmoid'", "'leaky_relu'"],
    ),
    "hidden in backward_stages": (
        lambda: backward_stages(X, Y, P, hidden="swish"),
        ["hidden must be one of", "'swish'"],
    ),
    "hidden in gradient_check": (
        lambda: gradient_check({"dW1": P["W1"]}, X, Y, P, hidden="elu"),
        ["hidden must be one of", "'elu'"],
    ),
    # --- non-numeric dtypes
    "strings": (
        lambda: assignment.linear_forward(np.full((4, 5), "a"), W_, B_),
        ["A in linear_forward", "real numbers", "<U1"],
    ),
    "object": (
        lambda: assignment.linear_forward(np.array([[1, None]], dtype=object), W_, B_),
        ["A in linear_forward", "real numbers", "object"],
    ),
    "complex": (
        lambda: slide.forward_propagation(X, dict(P, W1=P["W1"] + 1j)),
        ["W1", "real numbers", "complex"],
    ),
    "bool X": (
        lambda: assignment.L_model_forward(X > 0, P),
        ["X in L_model_forward", "real numbers", "bool"],
    ),
    "ragged list": (
        lambda: assignment.L_model_forward([[1.0, 2.0], [3.0]], P),
        ["X in L_model_forward", "2-D numeric array"],
    ),
    # --- bad caches
    "linear cache of 2": (
        lambda: assignment.linear_backward(Z_, (A_, W_)),
        ["cache (A_prev, W, b)", "must have 3 items, got 2"],
    ),
    "layer cache not a tuple": (
        lambda: assignment.linear_activation_backward(Z_, 5, "relu"),
        ["cache (linear_cache, Z)", "tuple", "int"],
    ),
    "caches None": (
        lambda: assignment.L_model_backward(np.full((1, 5), 0.5), Y, None),
        ["caches in L_model_backward", "NoneType"],
    ),
    "caches empty": (
        lambda: assignment.L_model_backward(np.full((1, 5), 0.5), Y, []),
        ["caches in L_model_backward is empty"],
    ),
    "slide cache lacks A2": (
        lambda: slide.backward_propagation(P, {"A1": np.ones((4, 5))}, X, Y),
        ["cache in backward_propagation lacks", "'A2'"],
    ),
    "slide cache a list": (
        lambda: slide.backward_propagation(P, [1, 2], X, Y),
        ["cache in backward_propagation", "dict", "list"],
    ),
    # --- bad learning rates
    "learning rate 0": (lambda: train(lr=0), ["learning_rate", "positive", "0"]),
    "learning rate negative": (lambda: train(lr=-0.1), ["learning_rate", "-0.1"]),
    "learning rate string": (lambda: train(lr="0.1"), ["learning_rate", "number", "'0.1'"]),
    "learning rate nan": (lambda: train(lr=float("nan")), ["learning_rate", "nan"]),
    "learning rate bool": (
        lambda: assignment.update_parameters(P, {}, True),
        ["learning_rate", "True"],
    ),
    # --- bad layer_dims
    "layer_dims too short": (
        lambda: assignment.initialize_parameters_deep([5]),
        ["layer_dims", "at least 2", "[5]"],
    ),
    "layer_dims zero": (
        lambda: assignment.initialize_parameters_deep([3, 0, 1]),
        ["layer_dims[1]", "between 1 and", "got 0"],
    ),
    "layer_dims float": (
        lambda: assignment.initialize_parameters_deep([3, 2.5, 1]),
        ["layer_dims[1]", "integer", "2.5"],
    ),
    "layer_dims not a list": (
        lambda: assignment.initialize_parameters_deep(5),
        ["layer_dims", "list of layer sizes", "int 5"],
    ),
    "layers_dims n_x mismatch": (
        lambda: train(dims=(4, 2, 1)),
        ["layers_dims (4, 2, 1)", "n_x must be 3"],
    ),
    "layers_dims four sizes": (
        lambda: train(dims=(3, 2, 2, 1)),
        ["layers_dims must have 3 sizes", "(3, 2, 2, 1)"],
    ),
    "L_layer_model n_y mismatch": (
        lambda: assignment.L_layer_model(X, Y, [3, 4, 2], num_iterations=1),
        ["layers_dims", "n_y = 1", "[3, 4, 2]"],
    ),
    # --- the week-3 functions of slide
    "layer_sizes 1-D X": (
        lambda: slide.layer_sizes(np.ones(3), Y),
        ["X in layer_sizes", "1-D", "(3,)", "reshape"],
    ),
    "layer_sizes X and Y m": (
        lambda: slide.layer_sizes(X, np.ones((1, 4))),
        ["X and Y in layer_sizes", "same number of examples", "(3, 5)", "(1, 4)"],
    ),
    "layer_sizes string Y": (
        lambda: slide.layer_sizes(X, np.full((1, 5), "1")),
        ["Y in layer_sizes", "real numbers", "<U1"],
    ),
    "week-3 initialize_parameters n_x 0": (
        lambda: slide.initialize_parameters(0, 4, 1),
        ["n_x", "between 1 and", "got 0"],
    ),
    "week-3 initialize_parameters n_h 4.0": (
        lambda: slide.initialize_parameters(2, 4.0, 1),
        ["n_h", "integer", "4.0"],
    ),
    "week-3 initialize_parameters n_y string": (
        lambda: slide.initialize_parameters(2, 4, "1"),
        ["n_y", "integer", "'1'"],
    ),
    "week-3 compute_cost Y shape": (
        lambda: slide.compute_cost(np.full((1, 3), 0.5), np.ones((1, 4))),
        ["Y in compute_cost", "(1, 4)", "expected (1, 3)"],
    ),
    "week-3 compute_cost A2 outside [0, 1]": (
        lambda: slide.compute_cost(np.array([[0.5, 1.5]]), [[1, 0]]),
        ["A2 in compute_cost", "[0, 1]", "1.5"],
    ),
    "week-3 compute_cost label 2": (
        lambda: slide.compute_cost(np.full((1, 3), 0.5), [[1, 2, 0]]),
        ["Y in compute_cost", "[0, 1]", "2.0"],
    ),
    "week-3 compute_cost 1-D A2": (
        lambda: slide.compute_cost(np.full(3, 0.5), [[1, 0, 1]]),
        ["A2 in compute_cost", "1-D", "(3,)"],
    ),
    "week-3 update_parameters learning rate 0": (
        lambda: slide.update_parameters(P, {f"d{k}": v for k, v in P.items()}, 0),
        ["learning_rate", "positive", "0"],
    ),
    "week-3 update_parameters grads missing db2": (
        lambda: slide.update_parameters(P, {"dW1": P["W1"], "db1": P["b1"], "dW2": P["W2"]}),
        ["grads has no 'db2'", "b2"],
    ),
    "nn_model n_h 0": (
        lambda: slide.nn_model(X, Y, 0, num_iterations=1),
        ["n_h", "between 1 and", "got 0"],
    ),
    "nn_model negative iterations": (
        lambda: slide.nn_model(X, Y, 4, num_iterations=-1),
        ["num_iterations", "between 0 and", "-1"],
    ),
    "nn_model label 3": (
        lambda: slide.nn_model(X, with_entry(Y, (0, 2), 3.0), 4, num_iterations=1),
        ["Y in nn_model", "[0, 1]", "3.0"],
    ),
    "nn_model X and Y m": (
        lambda: slide.nn_model(X, np.ones((1, 4)), 4, num_iterations=1),
        ["X and Y in nn_model", "(3, 5)", "(1, 4)"],
    ),
    "nn_model seed -1": (
        lambda: slide.nn_model(X, Y, 4, num_iterations=1, seed=-1),
        ["seed", "between 0 and", "-1"],
    ),
    "nn_model seed 2.5": (
        lambda: slide.nn_model(X, Y, 4, num_iterations=1, seed=2.5),
        ["seed", "integer", "2.5"],
    ),
    "nn_model NaN in X": (
        lambda: slide.nn_model(with_entry(X, (1, 1), np.nan), Y, 4, num_iterations=1),
        ["X in nn_model", "NaN or inf", "(1, 1)"],
    ),
    "predict with week 4's argument order": (
        lambda: slide.predict(X, P),
        ["parameters in forward_propagation", "dict", "ndarray", "other way round"],
    ),
    "week-3 predict W1 vs X": (
        lambda: slide.predict(P, np.ones((2, 5))),
        ["W1", "(4, 3)", "expected (any, 2)"],
    ),
    # --- other arguments
    "n_h 0": (lambda: assignment.initialize_parameters(3, 0, 1), ["n_h", "between 1 and", "0"]),
    "seed negative": (lambda: assignment.initialize_parameters(3, 2, 1, seed=-1), ["seed", "-1"]),
    "init scheme": (
        lambda: assignment.initialize_parameters_deep([3, 2], scheme="he"),
        ["scheme must be one of", "'course'", "'application'", "'he'"],
    ),
    "grads missing dW2": (
        lambda: assignment.update_parameters(P, {"dW1": P["W1"], "db1": P["b1"]}, 0.1),
        ["grads has no 'dW2'", "W2"],
    ),
    "parameters missing b2": (
        lambda: assignment.L_model_forward(X, {"W1": P["W1"], "b1": P["b1"], "W2": P["W2"]}),
        ["parameters must hold W1, b1, ..., WL, bL", "missing ['b2']"],
    ),
    "parameters with a stray key": (
        lambda: assignment.update_parameters(dict(P, W0=P["W1"]), {}, 0.1),
        ["parameters must hold W1, b1, ..., WL, bL", "unexpected ['W0']"],
    ),
    "one_over_m": (
        lambda: backward_stages(X, Y, P, one_over_m="dA"),
        ["one_over_m must be one of", "'dW'", "'dZ'", "'dA'"],
    ),
    "expand index": (
        lambda: expand(backward_stages(X, Y, P), "dW1", (4, 0)),
        ["index (4, 0) is outside dW1", "(4, 3)"],
    ),
}


@pytest.mark.parametrize("call, pieces", CASES.values(), ids=list(CASES))
def test_bad_input_names_the_problem(call, pieces):
    # The clear error is all the student sees: no NumPy warning comes first.
    with warnings.catch_warnings(), pytest.raises(CourseInputError) as info:
        warnings.simplefilter("error")
        call()
    message = str(info.value)
    missing = [p for p in pieces if p not in message]
    assert not missing, f"message {message!r} lacks {missing}"


# ----------------------------------------------------------------------------- inf inside a product
# Whether a BLAS kernel raises NumPy's "invalid value" flag for inf * 0 depends on the CPU. A
# strided view makes NumPy skip BLAS and use its own loop, where inf * 0 always raises it, so
# these cases take the same path on every machine.


def strided_with_inf(rows, cols, index):
    """A (rows, cols) view of every other column of a larger array, with inf at ``index``."""
    base = np.random.RandomState(1).randn(rows, 2 * cols)
    view = base[:, ::2]
    view[index] = np.inf
    assert not (view.flags.c_contiguous or view.flags.f_contiguous)
    return view


W_ZERO_COL = with_entry(np.ones((2, 4)), (slice(None), 1), 0.0)  # column 1 meets A's row 1
X_INF = strided_with_inf(3, 5, (1, 2))
P_ZERO_COL = dict(P, W1=with_entry(P["W1"], (slice(None), 1), 0.0))
# A ReLU unit that is off for every example: its row of dZ1 is 0, and 0 * inf meets X's inf.
P_DEAD_UNIT = dict(P, b1=with_entry(P["b1"], (0, 0), -1e3))
DZ_ZERO_ROW = with_entry(np.ones((2, 5)), (0, slice(None)), 0.0)

STRIDED = {
    "linear_forward: W @ A": (
        lambda: assignment.linear_forward(strided_with_inf(4, 5, (1, 3)), W_ZERO_COL, B_),
        lambda: W_ZERO_COL @ strided_with_inf(4, 5, (1, 3)),
        ["A in linear_forward", "NaN or inf", "(1, 3)"],
    ),
    "linear_backward: dZ @ A_prev.T": (
        lambda: assignment.linear_backward(DZ_ZERO_ROW, (strided_with_inf(4, 5, (2, 0)), W_, B_)),
        lambda: DZ_ZERO_ROW @ strided_with_inf(4, 5, (2, 0)).T,
        ["A_prev", "NaN or inf", "(2, 0)"],
    ),
    "forward_propagation: W1 @ X": (
        lambda: slide.forward_propagation(X_INF, P_ZERO_COL),
        lambda: P_ZERO_COL["W1"] @ X_INF,
        ["X in forward_propagation", "NaN or inf", "(1, 2)"],
    ),
    "six_equations: dZ1 @ X.T": (
        lambda: slide.six_equations(
            P_DEAD_UNIT, slide.forward_propagation(X, P_DEAD_UNIT, "relu")[1], X_INF, Y, "relu"
        ),
        lambda: with_entry(np.ones((4, 5)), (0, slice(None)), 0.0) @ X_INF.T,
        ["X in backward_propagation", "NaN or inf", "(1, 2)"],
    ),
    "linear_activation_forward in L_model_forward": (
        lambda: assignment.L_model_forward(
            X_INF, {"W1": P_ZERO_COL["W1"], "b1": P["b1"], "W2": P["W2"], "b2": P["b2"]}
        ),
        lambda: P_ZERO_COL["W1"] @ X_INF,
        ["A in linear_forward", "NaN or inf", "(1, 2)"],
    ),
}


@pytest.mark.parametrize("call, raw, pieces", STRIDED.values(), ids=list(STRIDED))
def test_inf_in_a_large_operand_gives_the_clear_error_and_no_warning(call, raw, pieces):
    # The bare product does warn on this path, so the case exercises what it claims to.
    with warnings.catch_warnings(), pytest.raises(RuntimeWarning, match="invalid value"):
        warnings.simplefilter("error")
        raw()
    with warnings.catch_warnings(), pytest.raises(CourseInputError) as info:
        warnings.simplefilter("error")
        call()
    missing = [p for p in pieces if p not in str(info.value)]
    assert not missing, f"message {str(info.value)!r} lacks {missing}"


def test_a_non_finite_weight_is_named_before_any_product():
    W1 = with_entry(P["W1"], (1, 0), np.inf)
    for call in (
        lambda: slide.forward_propagation(X_INF, dict(P, W1=W1)),
        lambda: assignment.linear_forward(X_INF, W1, P["b1"]),
        lambda: gradient_check({"dW1": W1}, X, Y, dict(P, W1=W1)),
    ):
        with warnings.catch_warnings(), pytest.raises(CourseInputError, match="W1? .*NaN or inf"):
            warnings.simplefilter("error")
            call()


def test_the_products_leave_numpys_global_error_state_alone():
    before = np.geterr()
    with pytest.raises(CourseInputError):
        slide.forward_propagation(X_INF, P_ZERO_COL)
    assert np.geterr() == before
    with np.errstate(all="raise"):  # a student's own settings still apply outside course_lib
        with pytest.raises(FloatingPointError):
            _ = np.ones(2) / np.zeros(2)


def test_there_are_enough_cases():
    assert len(CASES) >= 25


def test_course_input_error_is_a_value_error():
    assert issubclass(CourseInputError, ValueError)


# ----------------------------------------------------------------------------- the sigmoid


def test_sigmoid_has_no_overflow_for_large_inputs():
    Z = np.array([[-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        A = sigmoid(Z)
    assert A[0, 0] == 0.0 and A[0, -1] == 1.0 and A[0, 3] == 0.5
    assert np.all(np.diff(A) >= 0)
    # The two branches meet: sigma(-z) = 1 - sigma(z) for moderate z.
    z = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


# ----------------------------------------------------------------------------- saturation


@pytest.mark.parametrize(("z", "y"), [(40.0, 0.0), (-800.0, 1.0), (40.0, 1.0)])
def test_split_dA2_on_a_saturated_output_raises_and_points_at_A2_minus_Y(z, y):
    AL = sigmoid(np.array([[0.0, z]]))  # sigmoid(40) rounds to exactly 1.0, sigmoid(-800) to 0.0
    assert AL[0, 1] in (0.0, 1.0)
    with pytest.raises(SaturationError) as info:
        assignment.output_dA(AL, [[1.0, y]])
    message = str(info.value)
    assert "AL[0, 1]" in message and "saturated" in message
    assert "A2 - Y" in message and "use it" in message
    assert "course_lib" not in message  # a student acts on the formula, not a module path


def test_split_dA2_warns_when_merely_huge():
    # sigmoid(30) = 1 - 9.4e-14, so dA2 = 1/(1 - A2) is about 1.1e13, above the 1e10 warning level.
    AL = sigmoid(np.array([[30.0]]))
    assert AL[0, 0] < 1.0
    with pytest.warns(SaturationWarning, match="A2 - Y") as record:
        dA = assignment.output_dA(AL, [[0.0]])
    assert np.isfinite(dA).all() and dA[0, 0] > 1e13
    assert "1e-10" in str(record[0].message)


def test_split_dA2_is_quiet_for_a_confident_but_unsaturated_output():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assignment.output_dA(sigmoid(np.array([[10.0, -10.0]])), [[0.0, 1.0]])


def test_L_model_backward_on_a_saturated_net_raises():
    p = {"W1": np.array([[50.0]]), "b1": np.array([[0.0]])}  # one sigmoid layer: AL = 1.0
    AL, caches = assignment.L_model_forward(np.array([[1.0]]), p)
    assert AL[0, 0] == 1.0
    with pytest.raises(SaturationError, match="A2 - Y"):
        assignment.L_model_backward(AL, [[0.0]], caches)


def test_compute_cost_on_saturated_outputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Saturated and right: each example costs 0 (0 * log 0 is taken as its limit, 0).
        assert assignment.compute_cost(np.array([[1.0, 0.0]]), [[1, 0]]) == 0.0
        # Saturated and wrong: log(0) would make the cost infinite; the error says where.
        with pytest.raises(SaturationError) as info:
            assignment.compute_cost(np.array([[0.5, 1.0]]), [[1, 0]])
    message = str(info.value)
    assert "AL[0, 1]" in message and "1.0" in message and "cost from Z" in message
    assert "course_lib" not in message


def test_the_week_3_compute_cost_on_a_saturated_output_names_A2():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert slide.compute_cost(np.array([[1.0, 0.0]]), [[1, 0]]) == 0.0
        with pytest.raises(SaturationError) as info:
            slide.compute_cost(np.array([[0.0, 0.5]]), [[1, 0]])
    message = str(info.value)
    assert "A2[0, 0]" in message and "0.0" in message and "cost from Z" in message


def test_compute_cost_refuses_outputs_outside_zero_one():
    with pytest.raises(
        CourseInputError,
        match=r"AL in compute_cost must be a sigmoid output in "
        r"\[0, 1\], got values in \[0.5, 1.2\]",
    ):
        assignment.compute_cost(np.array([[0.5, 1.2]]), [[1, 0]])
