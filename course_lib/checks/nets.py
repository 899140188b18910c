"""Checks of whole arguments lists: the 2-layer net, one layer, an L-layer net.

Each returns the checked arrays, so a function's body is one call to its check and
then the course's lines.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.activations import Activation
from course_lib.checks.values import (
    INIT_SCHEMES,
    CourseInputError,
    as_bias,
    as_labels,
    as_matrix,
    check_choice,
    check_hidden,
    check_int,
    check_items,
    check_probabilities,
    check_real,
    expect_finite,
    expect_shape,
    same_examples,
)

# ----------------------------------------------------------------------------- the 2-layer net


def check_two_layer(X, parameters: dict, where: str):
    """Validate ``X`` and ``W1, b1, W2, b2`` against each other; return them as float arrays.

    The small operands (weights and biases) are checked finite here; ``X`` is large and is
    checked through the first product it feeds. A bias may be one number (``as_bias``).
    """
    if not isinstance(parameters, dict):
        swapped = " (X is a dict: are X and parameters the other way round?)" * isinstance(X, dict)
        raise CourseInputError(
            f"parameters in {where} must be a dict with W1, b1, W2, b2, "
            f"got {type(parameters).__name__}{swapped}"
        )
    missing = [k for k in ("W1", "b1", "W2", "b2") if k not in parameters]
    if missing:
        raise CourseInputError(f"parameters in {where} lacks {missing}; got {sorted(parameters)}")
    X = as_matrix("X", X, where=where)
    W1, W2 = (as_matrix(k, parameters[k], where=where) for k in ("W1", "W2"))
    n_x = X.shape[0]
    expect_shape("W1", W1, (None, n_x), where=where + " (W1 is (n_h, n_x), n_x = rows of X)")
    n_h = W1.shape[0]
    b1 = as_bias("b1", parameters["b1"], n_h, where=where + " (b1 is (n_h, 1))")
    expect_shape("W2", W2, (None, n_h), where=where + " (W2 is (n_y, n_h))")
    b2 = as_bias("b2", parameters["b2"], W2.shape[0], where=where + " (b2 is (n_y, 1))")
    for name, small in (("W1", W1), ("W2", W2)):
        expect_finite(name, small, where=where)
    return X, W1, b1, W2, b2


def check_two_layer_labels(X, Y, W2, where: str) -> np.ndarray:
    """The labels of a 2-layer net: ``(n_y, m)`` in [0, 1], m the columns of ``X``."""
    Y = as_labels(Y, where=where)
    same_examples(("X", "Y"), X, Y, where=where)
    expect_shape("Y", Y, (W2.shape[0], None), where=where + " (Y is (n_y, m), n_y = rows of W2)")
    return Y


def check_cache_dict(cache, keys, where: str) -> tuple:
    """The slide's cache entries ``keys`` as finite float arrays (the cache is small)."""
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


class SlideBackwardArgs(NamedTuple):
    """What the slide's six equations read, checked against each other."""

    X: np.ndarray  # (n_x, m)
    Y: np.ndarray  # (n_y, m)
    W2: np.ndarray  # (n_y, n_h)
    A1: np.ndarray  # (n_h, m)
    A2: np.ndarray  # (n_y, m)
    activation: Activation  # the hidden layer's


def check_slide_backward(
    parameters, cache, X, Y, hidden, where: str = "backward_propagation"
) -> SlideBackwardArgs:
    """Every argument of the slide's backward pass, in one call."""
    activation = check_hidden(hidden)
    X, W1, _, W2, _ = check_two_layer(X, parameters, where)
    Y = check_two_layer_labels(X, Y, W2, where)
    A1, A2 = check_cache_dict(cache, ("A1", "A2"), where)
    expect_shape("cache['A1']", A1, (W1.shape[0], X.shape[1]), where=where)
    expect_shape("cache['A2']", A2, Y.shape, where=where)
    return SlideBackwardArgs(X, Y, W2, A1, A2, activation)


# ----------------------------------------------------------------------------- one layer


def check_linear_forward(A, W, b, where: str = "linear_forward (Z = W @ A + b)"):
    """``A, W, b`` of ``Z = W @ A + b`` as float arrays; ``W`` and ``b`` checked finite.

    ``b`` may be one number, the same bias for every unit (``as_bias``).
    """
    A = as_matrix("A", A, where=where)
    W = as_matrix("W", W, where=where)
    if W.shape[1] != A.shape[0]:
        raise CourseInputError(
            f"{where}: W has shape {W.shape} and A has shape {A.shape}; "
            f"W's columns ({W.shape[1]}) must equal A's rows ({A.shape[0]})"
        )
    b = as_bias("b", b, W.shape[0], where=where)
    expect_finite("W", W, where=where)
    return A, W, b


def check_activation_backward(dA, cache, name: str):
    """``dA`` and the activation cache ``Z`` of ``<name>(dA, cache)``: same shape, finite."""
    where = f"{name}(dA, Z)"
    dA = as_matrix("dA", dA, where=where)
    Z = as_matrix("Z (the activation cache)", cache, where=where)
    if dA.shape != Z.shape:
        raise CourseInputError(
            f"{where}: dA has shape {dA.shape} but Z has shape {Z.shape}; dZ = dA * g'(Z) "
            f"is elementwise, so they must match"
        )
    expect_finite("dA", dA, where=where)
    expect_finite("Z (the activation cache)", Z, where=where)
    return dA, Z


def check_linear_backward(dZ, cache, where: str = "linear_backward"):
    """``dZ`` and the linear cache ``(A_prev, W, b)``; returns ``dZ, A_prev, W``.

    ``W`` is checked finite; ``dZ`` and ``A_prev`` reach ``dW`` entry by entry and are
    checked through it.
    """
    A_prev, W, _ = check_items(cache, 3, "cache (A_prev, W, b)", where)
    dZ = as_matrix("dZ", dZ, where=where)
    A_prev = as_matrix("A_prev", A_prev, where=where)
    W = as_matrix("W", W, where=where)
    expect_shape("dZ", dZ, (W.shape[0], A_prev.shape[1]), where=where + " (rows of W, m)")
    expect_shape("A_prev", A_prev, (W.shape[1], None), where=where)
    expect_finite("W", W, where=where)
    return dZ, A_prev, W


def check_output_and_labels(AL, Y, where: str):
    """A finite output ``AL`` and its labels ``Y`` of the same shape (``Y`` may be any
    array of the same size: it is reshaped, as the course's notebooks do)."""
    AL = as_matrix("AL", AL, where=where)
    Y = as_labels(Y, where=where)
    if Y.size == AL.size and Y.shape != AL.shape:
        Y = Y.reshape(AL.shape)
    expect_shape("Y", Y, AL.shape, where=where)
    expect_finite("AL", AL, where=where)
    return AL, Y


# ----------------------------------------------------------------------------- L layers


def check_layer_count(parameters) -> int:
    """``L`` for parameters ``W1, b1, ..., WL, bL`` (and nothing else)."""
    if not isinstance(parameters, dict):
        raise CourseInputError(
            f"parameters must be a dict of W1, b1, ..., got {type(parameters).__name__}"
        )
    layers = [
        int(k[1:])
        for k in parameters
        if isinstance(k, str) and k[:1] in "Wb" and k[1:].isdigit() and k[1:] != "0"
    ]
    L = max(layers, default=0)
    expected = [k for l in range(1, L + 1) for k in (f"W{l}", f"b{l}")]
    missing = [k for k in expected if k not in parameters]
    extra = sorted(str(k) for k in parameters if k not in expected)
    if L == 0 or missing or extra:
        raise CourseInputError(
            f"parameters must hold W1, b1, ..., WL, bL and nothing else: missing {missing}, "
            f"unexpected {extra} (got keys {sorted(map(str, parameters))})"
        )
    return L


def check_caches(caches, where: str = "L_model_backward") -> list:
    """The list of layer caches from ``L_model_forward``, not empty."""
    if isinstance(caches, (str, bytes, dict, np.ndarray)) or not hasattr(caches, "__iter__"):
        raise CourseInputError(
            f"caches in {where} must be the list of layer caches from L_model_forward, "
            f"got {type(caches).__name__}"
        )
    caches = list(caches)
    if not caches:
        raise CourseInputError(f"caches in {where} is empty: run L_model_forward first")
    return caches


def check_seed(seed) -> int:
    return check_int("seed", seed, low=0, high=2**32 - 1)


def check_dims(layer_dims, name: str) -> list:
    """Layer sizes as a list of positive ints, at least ``[n_x, n_y]``."""
    if isinstance(layer_dims, (str, bytes, dict)) or not hasattr(layer_dims, "__iter__"):
        raise CourseInputError(
            f"{name} must be a list of layer sizes [n_x, n_1, ..., n_L], got "
            f"{type(layer_dims).__name__} {layer_dims!r}"
        )
    dims = list(layer_dims)
    if len(dims) < 2:
        raise CourseInputError(f"{name} needs at least 2 sizes [n_x, n_1, ...], got {dims}")
    return [check_int(f"{name}[{i}]", d, low=1, high=10**6) for i, d in enumerate(dims)]


def check_training_data(X, Y, where: str):
    """``X`` and labels ``Y`` with the same m; ``X`` scanned once (training re-reads it)."""
    X = as_matrix("X", X, where=where)
    Y = as_labels(Y, where=where)
    same_examples(("X", "Y"), X, Y, where=where)
    expect_finite("X", X, where=where)
    return X, Y


def check_two_layer_dims(layers_dims, X, Y) -> tuple:
    """``(n_x, n_h, n_y)`` that fit ``X`` and ``Y``."""
    dims = tuple(check_dims(layers_dims, "layers_dims"))
    if len(dims) != 3:
        raise CourseInputError(f"layers_dims must have 3 sizes (n_x, n_h, n_y), got {dims}")
    if dims[0] != X.shape[0] or dims[-1] != Y.shape[0]:
        raise CourseInputError(
            f"layers_dims {dims} does not fit the data: n_x must be {X.shape[0]} (rows of X) "
            f"and n_y {Y.shape[0]} (rows of Y)"
        )
    return dims


def check_deep_dims(layers_dims, X, Y) -> list:
    """``[n_x, n_1, ..., n_y]`` that start at the rows of ``X`` and end at those of ``Y``."""
    dims = check_dims(layers_dims, "layers_dims")
    if dims[0] != X.shape[0] or dims[-1] != Y.shape[0]:
        raise CourseInputError(
            f"layers_dims must start with n_x = {X.shape[0]} (rows of X) and end with "
            f"n_y = {Y.shape[0]} (rows of Y), got {dims}"
        )
    return dims


def check_update(parameters, grads, learning_rate, where: str = "update_parameters"):
    """The learning rate and ``{key: (value, gradient)}`` for every parameter.

    Each ``dW`` is shaped like its ``W``. A bias and its gradient are read as the column
    ``(n[l], 1)`` they broadcast to, so either may be one number (``as_bias``).
    """
    lr = check_real("learning_rate", learning_rate, positive=True)
    L = check_layer_count(parameters)
    if not isinstance(grads, dict):
        raise CourseInputError(
            f"grads in {where} must be a dict of dW1, db1, ..., got {type(grads).__name__}"
        )
    pairs = {}
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            if f"d{key}" not in grads:
                raise CourseInputError(f"grads has no {'d' + key!r} (needed to update {key})")
        W = as_matrix(f"W{l}", parameters[f"W{l}"], where=where)
        dW = as_matrix(f"dW{l}", grads[f"dW{l}"], where=where)
        expect_shape(f"dW{l}", dW, W.shape, where=where + f" (shaped like W{l})")
        expect_finite(f"dW{l}", dW, where=where)
        db_where = where + f" (shaped like b{l}: (n[{l}], 1), n[{l}] = rows of W{l})"
        pairs[f"W{l}"] = (W, dW)
        pairs[f"b{l}"] = (
            as_bias(f"b{l}", parameters[f"b{l}"], W.shape[0], where=where),
            as_bias(f"db{l}", grads[f"db{l}"], W.shape[0], where=db_where),
        )
    return lr, pairs


# ----------------------------------------------------------------------------- training


def check_layer_sizes(n_x, n_h, n_y) -> list:
    """``[n_x, n_h, n_y]`` of a 2-layer net as positive ints, each named in its error."""
    return [
        check_int("n_x", n_x, low=1, high=10**6),
        check_int("n_h", n_h, low=1, high=10**5),
        check_int("n_y", n_y, low=1, high=10**5),
    ]


def check_draw(seed, scheme) -> tuple:
    """The initial draw's seed and scheme (its sizes are checked by the caller, by name)."""
    return check_seed(seed), check_choice("scheme", scheme, INIT_SCHEMES)


def check_shapes_of(X, Y, where: str = "layer_sizes"):
    """``X`` and ``Y`` as 2-D arrays with the same m, for a function that reads only their
    shapes: ``Y``'s values are not checked (the course's own test passes ``randn`` for it)."""
    X = as_matrix("X", X, where=where)
    Y = as_labels(Y, where=where, check_values=False)
    same_examples(("X", "Y"), X, Y, where=where)
    return X, Y


def check_cost(A, Y, output: str, where: str = "compute_cost"):
    """A sigmoid output ``A`` (named ``output``: ``AL`` or ``A2``) in [0, 1] and labels ``Y``
    of its shape."""
    A = as_matrix(output, A, where=where)
    Y = as_labels(Y, where=where)
    expect_shape("Y", Y, A.shape, where=where)
    check_probabilities(output, A, where=where)
    return A, Y


def check_nn_model(X, Y, n_h, num_iterations, where: str = "nn_model"):
    """The planar assignment's ``nn_model`` arguments: data, ``n_h`` and the iterations."""
    X, Y = check_training_data(X, Y, where)
    n_h = check_int("n_h", n_h, low=1, high=10**5)
    iterations = check_int("num_iterations", num_iterations, low=0, high=10**7)
    return X, Y, n_h, iterations


def check_model(X, Y, learning_rate, num_iterations, where: str):
    """The data, learning rate and iterations of ``two_layer_model`` and ``L_layer_model``."""
    X, Y = check_training_data(X, Y, where)
    iterations = check_int("num_iterations", num_iterations, low=0, high=10**7)
    lr = check_real("learning_rate", learning_rate, positive=True)
    return X, Y, lr, iterations
