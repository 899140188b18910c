"""Catalogued mistakes in the slide's ``backward_propagation(parameters, cache, X, Y)``.

The net has one tanh hidden layer and a sigmoid output (the course's week-3 assignment):
``X`` shape ``(n_x, m)``, ``Y`` ``(1, m)``; ``parameters`` holds ``W1, b1, W2, b2``,
``cache`` holds ``Z1, A1, Z2, A2``. It returns ``grads`` with ``dW1, db1, dW2, db2``. Most
entries are the six equations with one of them changed: ``_six`` writes them once and takes
the changed one as an argument. Each entry's ``stage`` is where the mistake is made.
"""

from __future__ import annotations

import numpy as np

from course_lib.diagnose.catalogue.registry import catalogued


def _sums(dZ, m):
    """The correct db: each unit's dZ averaged over the m examples, shape (n[l], 1)."""
    return np.sum(dZ, axis=1, keepdims=True) / m


def _six(
    parameters,
    cache,
    X,
    Y,
    *,
    dZ2=None,
    dA1=None,
    hidden_prime=None,
    dW2=None,
    db2=None,
    dW1=None,
    db1=None,
    scale1=1.0,
    scale2=1.0,
):
    """The six equations, with any one of them replaced to make a mistake; ``scale1`` and
    ``scale2`` multiply layer 1's and layer 2's gradients."""
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    m = X.shape[1]
    dZ2 = A2 - Y if dZ2 is None else dZ2
    dA1 = W2.T @ dZ2 if dA1 is None else dA1(dZ2)
    dZ1 = dA1 * (1 - A1**2 if hidden_prime is None else hidden_prime)
    return {
        "dW1": (dZ1 @ X.T / m if dW1 is None else dW1(dZ1)) * scale1,
        "db1": (_sums(dZ1, m) if db1 is None else db1(dZ1, dZ2)) * scale1,
        "dW2": (dZ2 @ A1.T / m if dW2 is None else dW2(dZ2)) * scale2,
        "db2": (_sums(dZ2, m) if db2 is None else db2(dZ2)) * scale2,
    }


@catalogued(
    "backward_propagation",
    "sigma_prime_twice",
    "sigma' is applied again on top of A2 - Y",
    "For a sigmoid output with cross-entropy, A2 - Y is already dZ2: the sigma' "
    "cancelled when the two were combined.",
    stage="dZ2",
)
def _bp_sigma_prime_twice(parameters, cache, X, Y):
    A2 = cache["A2"]
    return _six(parameters, cache, X, Y, dZ2=(A2 - Y) * A2 * (1 - A2))


@catalogued(
    "backward_propagation",
    "dZ2_sign_flipped",
    "dZ2 has the wrong sign: Y - A2 instead of A2 - Y",
    "Where the label is 1 and A2 is below 1, raising Z2 lowers the loss: dZ2 must be "
    "negative there. Every gradient inherits dZ2's sign.",
    stage="dZ2",
)
def _bp_dZ2_sign_flipped(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dZ2=Y - cache["A2"])


@catalogued(
    "backward_propagation",
    "no_one_over_m",
    "1/m is missing: every gradient is m times too large",
    "J is the mean of the m examples' losses, so dW and db are means over the examples too.",
    stage="dW2",
)
def _bp_no_one_over_m(parameters, cache, X, Y):
    m = X.shape[1]
    return _six(parameters, cache, X, Y, scale1=m, scale2=m)


@catalogued(
    "backward_propagation",
    "one_over_m_twice",
    "1/m is applied twice (in dZ2 and again in dW, db): every gradient is m times too small",
    "Divide by m in exactly one place: either dZ2 becomes an average, or dW and db do -- not both.",
    stage="dZ2",
)
def _bp_one_over_m_twice(parameters, cache, X, Y):
    m = X.shape[1]
    return _six(parameters, cache, X, Y, scale1=1 / m, scale2=1 / m)


@catalogued(
    "backward_propagation",
    "no_one_over_m_layer1",
    "1/m is missing in layer 1 only: dW1 and db1 are m times too large",
    "Every dW and db is a mean over the m examples, in layer 1 as in layer 2.",
    stage="dW1",
)
def _bp_no_one_over_m_layer1(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, scale1=X.shape[1])


@catalogued(
    "backward_propagation",
    "no_one_over_m_layer2",
    "1/m is missing in layer 2 only: dW2 and db2 are m times too large",
    "Every dW and db is a mean over the m examples, in layer 2 as in layer 1.",
    stage="dW2",
)
def _bp_no_one_over_m_layer2(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, scale2=X.shape[1])


@catalogued(
    "backward_propagation",
    "tanh_prime_from_Z1",
    "1 - Z1**2 instead of 1 - A1**2 in dZ1",
    "tanh'(Z1) = 1 - tanh(Z1)**2. Which cached array is tanh(Z1)?",
    stage="dZ1",
)
def _bp_tanh_prime_from_Z1(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, hidden_prime=1 - cache["Z1"] ** 2)


@catalogued(
    "backward_propagation",
    "one_minus_A1",
    "the square is missing in dZ1: 1 - A1 instead of 1 - A1**2",
    "Differentiate tanh on paper: the result is 1 minus something squared.",
    stage="dZ1",
)
def _bp_one_minus_A1(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, hidden_prime=1 - cache["A1"])


@catalogued(
    "backward_propagation",
    "tanh_prime_at_A1",
    "tanh' is evaluated at A1 instead of Z1: 1 - tanh(A1)**2",
    "The chain rule needs g' at the point the forward pass fed into g, Z1; and "
    "tanh(Z1) is already in the cache.",
    stage="dZ1",
)
def _bp_tanh_prime_at_A1(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, hidden_prime=1 - np.tanh(cache["A1"]) ** 2)


@catalogued(
    "backward_propagation",
    "derivative_left_out",
    "g'(Z1) is left out of dZ1: you used W2.T dZ2 alone",
    "Equation 4 crosses the hidden activation on its way back. What is its local derivative?",
    stage="dZ1",
)
def _bp_derivative_left_out(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, hidden_prime=1.0)


@catalogued(
    "backward_propagation",
    "g_instead_of_derivative",
    "dZ1 is multiplied by A1 = tanh(Z1) itself, not by its derivative 1 - A1**2",
    "Equation 4 multiplies by g'(Z1), the slope of tanh, not by its value.",
    stage="dZ1",
)
def _bp_g_instead_of_derivative(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, hidden_prime=cache["A1"])


@catalogued(
    "backward_propagation",
    "W2_T_left_out",
    "W2.T is left out of dZ1: you multiplied dZ2 by g'(Z1) directly",
    "dZ2 reaches the hidden units through the weights W2: the bracket of equation 4 "
    "is W2.T dZ2, of shape (n_h, m).",
    stage="dA1",
)
def _bp_W2_T_left_out(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dA1=lambda dZ2: dZ2)


@catalogued(
    "backward_propagation",
    "dW2_elementwise",
    "dW2 uses an elementwise * where a matrix product with A1.T belongs",
    "dW2 must have the shape of W2, (n_y, n_h); a product that sums over the m examples gives it.",
    stage="dW2",
)
def _bp_dW2_elementwise(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dW2=lambda dZ2: dZ2 * cache["A1"] / X.shape[1])


@catalogued(
    "backward_propagation",
    "dW2_transposed",
    "dW2 is transposed: its product has the factors in the wrong order",
    "dW2 must have the shape of W2, (n_y, n_h). Which factor brings the n_y rows?",
    stage="dW2",
)
def _bp_dW2_transposed(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dW2=lambda dZ2: cache["A1"] @ dZ2.T / X.shape[1])


@catalogued(
    "backward_propagation",
    "db2_wrong_axis",
    "db2 is summed over the wrong axis: over the units instead of the examples",
    "b2 is added to every example (every column), so db2 collects one number per unit (row).",
    stage="db2",
)
def _bp_db2_wrong_axis(parameters, cache, X, Y):
    return _six(
        parameters, cache, X, Y, db2=lambda dZ2: np.sum(dZ2, axis=0, keepdims=True) / X.shape[1]
    )


@catalogued(
    "backward_propagation",
    "dW1_uses_A1",
    "dW1 uses A1 where A_prev = X belongs",
    "Z1 = W1 X + b1: W1 multiplies X, the layer's input, not its output.",
    stage="dW1",
)
def _bp_dW1_uses_A1(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dW1=lambda dZ1: dZ1 @ cache["A1"].T / X.shape[1])


@catalogued(
    "backward_propagation",
    "dW1_transposed",
    "dW1 is transposed: its product has the factors in the wrong order",
    "dW1 must have the shape of W1, (n_h, n_x). Which factor brings the n_h rows?",
    stage="dW1",
)
def _bp_dW1_transposed(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, dW1=lambda dZ1: X @ dZ1.T / X.shape[1])


@catalogued(
    "backward_propagation",
    "db1_from_dZ2",
    "db1 is computed from dZ2: the wrong layer's gradient",
    "Each layer's db comes from that layer's own dZ. Check the layer index on every line.",
    stage="db1",
)
def _bp_db1_from_dZ2(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, db1=lambda dZ1, dZ2: _sums(dZ2, X.shape[1]))


@catalogued(
    "backward_propagation",
    "db1_not_kept",
    "db1 lost its column shape: it is 1-D instead of (n_h, 1)",
    "A sum over an axis drops that axis unless you ask NumPy to keep it.",
    stage="db1",
)
def _bp_db1_not_kept(parameters, cache, X, Y):
    return _six(parameters, cache, X, Y, db1=lambda dZ1, dZ2: np.sum(dZ1, axis=1) / X.shape[1])
