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
slide does (``1 - A1**2`` for tanh). Nothing here calls ``course_lib.assignment``:
the two modules compute their gradients independently.
"""

from __future__ import annotations

import numpy as np

from course_lib.activations import HIDDEN_ACTIVATIONS, get_activation, sigmoid
from course_lib.checks import (
    CourseInputError,
    as_labels,
    as_matrix,
    check_product_finite,
    checked_after,
    expect_finite,
    expect_shape,
    same_examples,
)

ONE_OVER_M = ("dW", "dZ")

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


def check_two_layer(X, parameters: dict, where: str):
    """Validate ``X`` and ``W1, b1, W2, b2`` against each other; return them as float arrays."""
    if not isinstance(parameters, dict):
        raise CourseInputError(
            f"parameters in {where} must be a dict with W1, b1, W2, b2, "
            f"got {type(parameters).__name__}"
        )
    missing = [k for k in ("W1", "b1", "W2", "b2") if k not in parameters]
    if missing:
        raise CourseInputError(f"parameters in {where} lacks {missing}; got {sorted(parameters)}")
    X = as_matrix("X", X, where=where)
    W1, b1, W2, b2 = (as_matrix(k, parameters[k], where=where) for k in ("W1", "b1", "W2", "b2"))
    n_x = X.shape[0]
    expect_shape("W1", W1, (None, n_x), where=where + " (W1 is (n_h, n_x), n_x = rows of X)")
    n_h = W1.shape[0]
    expect_shape("b1", b1, (n_h, 1), where=where + " (b1 is (n_h, 1))")
    expect_shape("W2", W2, (None, n_h), where=where + " (W2 is (n_y, n_h))")
    expect_shape("b2", b2, (W2.shape[0], 1), where=where + " (b2 is (n_y, 1))")
    for name, small in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        expect_finite(name, small, where=where)  # X is large: checked through W1 X below
    return X, W1, b1, W2, b2


def forward_propagation(X, parameters: dict, hidden: str = "tanh"):
    """``Z1 = W1 X + b1, A1 = g(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2)``.

    X : (n_x, m); parameters : W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1);
    hidden : "tanh" (the planar assignment), "relu" or "sigmoid".
    Returns ``A2`` (n_y, m) and ``cache = {"Z1", "A1", "Z2", "A2"}``.
    """
    where = "forward_propagation"
    _check_hidden(hidden)
    X, W1, b1, W2, b2 = check_two_layer(X, parameters, where)
    g = get_activation(hidden).g
    with checked_after():
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

    one_over_m : ``"dW"`` (the slide) divides ``dW`` and ``db`` by m, so ``dZ2``, ``dZ1``
        are per-example ``dL/dZ``; ``"dZ"`` folds ``1/m`` into ``dZ2`` instead (then
        ``dZ2``, ``dZ1`` are averaged ``dJ/dZ``) -- ``dW``, ``db`` come out identical.
    """
    where = "backward_propagation"
    _check_hidden(hidden)
    if one_over_m not in ONE_OVER_M:
        raise CourseInputError(f"one_over_m must be one of {list(ONE_OVER_M)}, got {one_over_m!r}")
    X, W1, b1, W2, b2 = check_two_layer(X, parameters, where)
    Y = as_labels(Y, where=where)
    same_examples(("X", "Y"), X, Y, where=where)
    expect_shape("Y", Y, (W2.shape[0], None), where=where + " (Y is (n_y, m), n_y = rows of W2)")
    keys = ("A1", "A2") if hidden != "relu" else ("A1", "A2", "Z1")
    cached = dict(zip(keys, _cached(cache, keys, where), strict=True))
    A1, A2 = cached["A1"], cached["A2"]
    expect_shape("cache['A1']", A1, (W1.shape[0], X.shape[1]), where=where)
    expect_shape("cache['A2']", A2, Y.shape, where=where)
    Z1 = cached.get("Z1")
    if Z1 is not None:
        expect_shape("cache['Z1']", Z1, A1.shape, where=where)
    expect_finite("W2", W2, where=where)
    m = X.shape[1]
    avg_dW = 1.0 / m if one_over_m == "dW" else 1.0
    avg_dZ = 1.0 / m if one_over_m == "dZ" else 1.0

    dZ2 = (A2 - Y) * avg_dZ  # (1)
    dW2 = avg_dW * dZ2 @ A1.T  # (2)
    db2 = avg_dW * np.sum(dZ2, axis=1, keepdims=True)  # (3)
    dA1 = W2.T @ dZ2  # the bracket of (4), returned so it can be shown on its own
    dZ1 = dA1 * _hidden_prime(hidden, A1, Z1)  # (4)
    with checked_after():
        dW1 = avg_dW * dZ1 @ X.T  # (5)
    # A NaN or inf anywhere in X reaches dW1: scanning it spares a pass over the large X.
    check_product_finite(dW1, {"X": X}, where=where + " (dW1 = dZ1 X.T / m)")
    db1 = avg_dW * np.sum(dZ1, axis=1, keepdims=True)  # (6)
    return {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def backward_propagation(parameters: dict, cache: dict, X, Y, hidden: str = "tanh") -> dict:
    """The six equations; returns ``grads = {"dW1", "db1", "dW2", "db2"}``.

    parameters : W1, b1, W2, b2; cache : from ``forward_propagation``;
    X : (n_x, m); Y : (n_y, m). ``six_equations`` also returns ``dZ2`` and ``dZ1``.
    """
    out = six_equations(parameters, cache, X, Y, hidden)
    return {k: out[k] for k in ("dW1", "db1", "dW2", "db2")}


def _hidden_prime(hidden: str, A1: np.ndarray, Z1: np.ndarray) -> np.ndarray:
    """``g'(Z1)`` as the slide writes it, from the cache."""
    if hidden == "tanh":
        return 1 - A1**2
    if hidden == "sigmoid":
        return A1 * (1 - A1)
    return (Z1 > 0).astype(np.float64)  # relu


def _check_hidden(hidden):
    if not isinstance(hidden, str) or hidden not in HIDDEN_ACTIVATIONS:
        raise CourseInputError(
            f"hidden must be one of {list(HIDDEN_ACTIVATIONS)}, got {hidden!r}"
        )


def _cached(cache, keys, where):
    if not isinstance(cache, dict):
        raise CourseInputError(
            f"cache in {where} must be the dict from forward_propagation, "
            f"got {type(cache).__name__}"
        )
    missing = [k for k in keys if k not in cache]
    if missing:
        raise CourseInputError(f"cache in {where} lacks {missing}: run forward_propagation first")
    arrays = tuple(as_matrix(f"cache['{k}']", cache[k], where=where) for k in keys)
    for k, arr in zip(keys, arrays, strict=True):
        expect_finite(f"cache['{k}']", arr, where=where)
    return arrays
