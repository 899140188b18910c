"""The slide's formulation: six vectorized equations for a 2-layer net.

The functions follow the course's week-3 assignment ("planar data classification with one
hidden layer"): its names, argument order and conventions, so a student's code fits beside
them -- ``layer_sizes(X, Y)``, ``initialize_parameters(n_x, n_h, n_y)``,
``forward_propagation(X, parameters)``, ``compute_cost(A2, Y)``,
``backward_propagation(parameters, cache, X, Y)``, ``update_parameters(parameters, grads,
learning_rate=1.2)``, ``nn_model(X, Y, n_h, ...)`` and ``predict(parameters, X)`` (week 4's
``course_lib.assignment`` has ``predict(X, parameters)``: each module follows its own week).

Forward (``forward_propagation``)::

    Z1 = W1 X + b1      A1 = g(Z1)      Z2 = W2 A1 + b2      A2 = sigmoid(Z2)

Backward, one line per equation::

    (1) dZ2 = A2 - Y
    (2) dW2 = (1/m) dZ2 A1.T
    (3) db2 = (1/m) sum(dZ2, axis=1, keepdims=True)
    (4) dZ1 = W2.T dZ2 * g'(Z1)
    (5) dW1 = (1/m) dZ1 X.T
    (6) db1 = (1/m) sum(dZ1, axis=1, keepdims=True)

``dA2`` is never formed: for a sigmoid output with cross-entropy,
``dA2 * sigma'(Z2)`` simplifies to ``A2 - Y`` (equation 1). ``dA1`` is the
``W2.T dZ2`` inside equation 4. ``g'(Z1)`` is written from the cache as the
slide does (``1 - A1**2`` for tanh, the table's ``prime_from_A``). Nothing here calls
``course_lib.assignment``: the two modules share no gradient code. The initial draw, the cost
and the update, which hold none, are shared (``course_lib.training``).
"""

from __future__ import annotations

import numpy as np

from course_lib.activations import sigmoid
from course_lib.checks import (
    as_labels,
    as_matrix,
    check_hidden,
    check_layer_sizes,
    check_nn_model,
    check_product_finite,
    check_shapes_of,
    check_slide_backward,
    check_two_layer,
    checked_after,
    expect_finite,
    expect_shape,
)
from course_lib.training import cross_entropy_cost, draw_parameters, gradient_descent_step

# Each equation as the slide writes it (LaTeX); keys are the arrays they compute.
EQUATIONS = {
    "dZ2": r"dZ^{[2]} = A^{[2]} - Y",
    "dW2": r"dW^{[2]} = \tfrac{1}{m}\, dZ^{[2]} A^{[1]T}",
    "db2": r"db^{[2]} = \tfrac{1}{m}\, \text{np.sum}(dZ^{[2]}, \text{axis=1, keepdims=True})",
    "dZ1": r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \ast g^{[1]\prime}(Z^{[1]})",
    "dW1": r"dW^{[1]} = \tfrac{1}{m}\, dZ^{[1]} X^{T}",
    "db1": r"db^{[1]} = \tfrac{1}{m}\, \text{np.sum}(dZ^{[1]}, \text{axis=1, keepdims=True})",
}
EQUATION_NUMBER = {"dZ2": 1, "dW2": 2, "db2": 3, "dZ1": 4, "dW1": 5, "db1": 6}

# The planar assignment's choices: 4 hidden units, np.random.seed(2), learning rate 1.2.
N_H = 4
SEED = 2
LEARNING_RATE = 1.2
# nn_model's initial draw in the two generations of the planar notebooks: the older ones
# re-seed with 2 inside it; the current ones seed 3 before calling it and do not re-seed.
NN_MODEL_SEED = 3
NN_MODEL_SEED_OLDER = 2


def layer_sizes(X, Y) -> tuple:
    """``(n_x, n_h, n_y)``: the rows of ``X``, ``n_h = 4`` (the assignment's) and the rows of ``Y``.

    X : (n_x, m); Y : (n_y, m). Only the shapes are read.
    """
    X, Y = check_shapes_of(X, Y)
    return X.shape[0], N_H, Y.shape[0]


def initialize_parameters(n_x: int, n_h: int, n_y: int, seed: int = SEED) -> dict:
    """``randn * 0.01`` weights and zero biases: ``W1`` (n_h, n_x), ``b1`` (n_h, 1), ``W2``
    (n_y, n_h), ``b2`` (n_y, 1).

    The assignment calls ``np.random.seed(2)`` first; a local ``RandomState(2)`` gives the
    same numbers (``W1[0, 0] = -0.00416758`` for sizes 2, 4, 1) and leaves NumPy's global
    generator alone.
    """
    return draw_parameters(check_layer_sizes(n_x, n_h, n_y), seed)


def forward_propagation(X, parameters: dict, hidden: str = "tanh"):
    """``Z1 = W1 X + b1, A1 = g(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2)``.

    X : (n_x, m); parameters : W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1);
    hidden : "tanh" (the planar assignment), "relu" or "sigmoid".
    Returns ``A2`` (n_y, m) and ``cache = {"Z1", "A1", "Z2", "A2"}``.
    """
    where = "forward_propagation"
    g = check_hidden(hidden).g
    X, W1, b1, W2, b2 = check_two_layer(X, parameters, where)
    with checked_after():  # X is large: a NaN or inf in it is named through Z1
        Z1 = W1 @ X + b1
    check_product_finite(Z1, {"X": X}, where=where + " (Z1 = W1 X + b1)")
    A1 = g(Z1)
    with checked_after():
        Z2 = W2 @ A1 + b2
    check_product_finite(Z2, {"A1": A1}, where=where + " (Z2 = W2 A1 + b2)")
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y) -> float:
    """The cross-entropy ``J = -(1/m) sum(Y log A2 + (1-Y) log(1-A2))`` as a Python float.

    A2 : (1, m) from ``forward_propagation``; Y : (1, m) labels in [0, 1]. The formula is
    written once, in ``course_lib.training.cross_entropy_cost``.
    """
    return cross_entropy_cost(A2, Y, output="A2")


def output_dZ(A2, Y):
    """Equation 1, ``dZ2 = A2 - Y``: the per-example ``dL/dZ2``.

    Valid only for a sigmoid output with the cross-entropy loss, where
    ``dL/dA2 * sigma'(Z2) = (A2 - Y) / (A2 (1 - A2)) * A2 (1 - A2)`` cancels. For
    any other output/loss pair use the general path ``dA2 * g'(Z2)``
    (``course_lib.derivation.output_gradient``). It never divides, so it stays
    exact when ``A2`` saturates to 0 or 1.
    """
    where = "dZ2 = A2 - Y"
    A2 = as_matrix("A2", A2, where=where)
    Y = as_labels(Y, where=where)
    expect_shape("Y", Y, A2.shape, where=where)
    expect_finite("A2", A2, where=where)
    return A2 - Y


def six_equations(parameters: dict, cache: dict, X, Y, hidden: str = "tanh") -> dict:
    """All six equations; returns ``dZ2, dW2, db2, dZ1, dW1, db1`` and ``dA1``, eq. 4's bracket.

    parameters : W1 (n_h, n_x), b1, W2 (n_y, n_h), b2; cache : A1 (n_h, m), A2 (n_y, m)
    from ``forward_propagation``; X : (n_x, m); Y : (n_y, m) labels in [0, 1].
    ``dZ2``, ``dA1`` and ``dZ1`` are per-example ``dL/d.``; ``1/m`` lives in ``dW`` and ``db``.
    """
    X, Y, W2, A1, A2, g = check_slide_backward(parameters, cache, X, Y, hidden)
    m = X.shape[1]
    dZ2 = A2 - Y  # (1)                                    (n_y, m)
    dW2 = dZ2 @ A1.T / m  # (2)                            (n_y, n_h)
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m  # (3)   (n_y, 1)
    dA1 = W2.T @ dZ2  # the bracket of (4)                 (n_h, m)
    dZ1 = dA1 * g.prime_from_A(A1)  # (4)                  (n_h, m)
    with checked_after():  # X is large: a NaN or inf in it is named through dW1
        dW1 = dZ1 @ X.T / m  # (5)                         (n_h, n_x)
    check_product_finite(dW1, {"X": X}, where="backward_propagation (dW1 = dZ1 X.T / m)")
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m  # (6)   (n_h, 1)
    return {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def six_equations_averaged_dZ(parameters: dict, cache: dict, X, Y, hidden: str = "tanh") -> dict:
    """The six equations with ``1/m`` folded into equation 1 instead: ``dZ2 = (A2 - Y) / m``.

    Arguments and returns as ``six_equations``. Here ``dZ2``, ``dA1`` and ``dZ1`` are averaged
    ``dJ/d.`` (each is ``six_equations``' value divided by m), and ``dW``, ``db`` are plain
    products and sums: they come out identical to ``six_equations``' (a property test checks).
    """
    X, Y, W2, A1, A2, g = check_slide_backward(parameters, cache, X, Y, hidden)
    m = X.shape[1]
    dZ2 = (A2 - Y) / m  # (1), averaged here once            (n_y, m)
    dW2 = dZ2 @ A1.T  # (2): dZ2 carries the 1/m             (n_y, n_h)
    db2 = np.sum(dZ2, axis=1, keepdims=True)  # (3)         (n_y, 1)
    dA1 = W2.T @ dZ2  # the bracket of (4)                   (n_h, m)
    dZ1 = dA1 * g.prime_from_A(A1)  # (4)                    (n_h, m)
    with checked_after():  # X is large: a NaN or inf in it is named through dW1
        dW1 = dZ1 @ X.T  # (5)                               (n_h, n_x)
    check_product_finite(dW1, {"X": X}, where="backward_propagation (dW1 = dZ1 X.T)")
    db1 = np.sum(dZ1, axis=1, keepdims=True)  # (6)         (n_h, 1)
    return {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def backward_propagation(parameters: dict, cache: dict, X, Y, hidden: str = "tanh") -> dict:
    """The six equations; returns ``grads = {"dW1", "db1", "dW2", "db2"}``.

    parameters : W1, b1, W2, b2; cache : from ``forward_propagation``;
    X : (n_x, m); Y : (n_y, m). ``six_equations`` also returns ``dZ2`` and ``dZ1``.
    """
    out = six_equations(parameters, cache, X, Y, hidden)
    return {k: out[k] for k in ("dW1", "db1", "dW2", "db2")}


def update_parameters(parameters: dict, grads: dict, learning_rate: float = LEARNING_RATE) -> dict:
    """One gradient-descent step, ``W1 - learning_rate * dW1`` and so on; returns a new dict.

    The step is written once, in ``course_lib.training.gradient_descent_step``.
    """
    return gradient_descent_step(parameters, grads, learning_rate)


def nn_model(
    X,
    Y,
    n_h: int,
    num_iterations: int = 10000,
    print_cost: bool = False,
    seed: int = NN_MODEL_SEED,
) -> dict:
    """Train the tanh net with the six equations; returns the learnt ``parameters``.

    X : (n_x, m); Y : (n_y, m) labels in [0, 1]; n_h : hidden units. Prints the cost every
    1000 iterations when ``print_cost``, as the assignment does.
    seed : the initial draw's seed. The planar notebooks come in two generations: the
        current ones seed NumPy with 3 before calling ``nn_model`` and draw from there
        (``NN_MODEL_SEED``, the default: what a student meets today); the older ones re-seed
        with 2 inside it (``NN_MODEL_SEED_OLDER``). Either way the draw comes from a local
        generator: NumPy's global one is left alone.
    """
    X, Y, n_h, iterations = check_nn_model(X, Y, n_h, num_iterations)
    n_x, _, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y, seed=seed)
    for i in range(iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {cost:f}")
    return parameters


def predict(parameters: dict, X) -> np.ndarray:
    """``A2 > 0.5`` for each example: booleans of shape (n_y, m), as the assignment returns.

    Note the argument order, the planar assignment's; week 4's is ``predict(X, parameters)``.
    """
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5
