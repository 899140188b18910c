"""The slide's formulation: six vectorized equations for a 2-layer net.

Forward (the planar-data assignment's ``forward_propagation``)::

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
``course_lib.assignment``: the two modules share no gradient code.
"""

from __future__ import annotations

import numpy as np

from course_lib.activations import sigmoid
from course_lib.checks import (
    as_labels,
    as_matrix,
    check_hidden,
    check_product_finite,
    check_slide_backward,
    check_two_layer,
    checked_after,
    expect_finite,
    expect_shape,
)

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


def six_equations(parameters: dict, cache: dict, X, Y, hidden: str = "tanh",
                  one_over_m: str = "dW") -> dict:
    """All six equations; returns ``dZ2, dW2, db2, dZ1, dW1, db1`` and ``dA1``, eq. 4's bracket.

    parameters : W1 (n_h, n_x), b1, W2 (n_y, n_h), b2; cache : A1 (n_h, m), A2 (n_y, m)
    from ``forward_propagation``; X : (n_x, m); Y : (n_y, m) labels in [0, 1].
    one_over_m : ``"dW"`` (the slide) divides ``dW`` and ``db`` by m, so ``dZ2``, ``dZ1``
        are per-example ``dL/dZ``; ``"dZ"`` folds ``1/m`` into ``dZ2`` instead (then
        ``dZ2``, ``dZ1`` are averaged ``dJ/dZ``) -- ``dW``, ``db`` come out identical.
    """
    X, Y, W2, A1, A2, g = check_slide_backward(parameters, cache, X, Y, hidden, one_over_m)
    m = X.shape[1]
    dZ2 = A2 - Y  # (1)                                    (n_y, m)
    if one_over_m == "dZ":  # the option: average once here, so dW and db divide by 1
        dZ2, m = dZ2 / m, 1
    dW2 = dZ2 @ A1.T / m  # (2)                            (n_y, n_h)
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m  # (3)   (n_y, 1)
    dA1 = W2.T @ dZ2  # the bracket of (4)                 (n_h, m)
    dZ1 = dA1 * g.prime_from_A(A1)  # (4)                  (n_h, m)
    with checked_after():  # X is large: a NaN or inf in it is named through dW1
        dW1 = dZ1 @ X.T / m  # (5)                         (n_h, n_x)
    check_product_finite(dW1, {"X": X}, where="backward_propagation (dW1 = dZ1 X.T / m)")
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m  # (6)   (n_h, 1)
    return {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def backward_propagation(parameters: dict, cache: dict, X, Y, hidden: str = "tanh") -> dict:
    """The six equations; returns ``grads = {"dW1", "db1", "dW2", "db2"}``.

    parameters : W1, b1, W2, b2; cache : from ``forward_propagation``;
    X : (n_x, m); Y : (n_y, m). ``six_equations`` also returns ``dZ2`` and ``dZ1``.
    """
    out = six_equations(parameters, cache, X, Y, hidden)
    return {k: out[k] for k in ("dW1", "db1", "dW2", "db2")}
