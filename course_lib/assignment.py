"""The assignment's formulation: one generic layer, split into two steps.

Every layer is a *linear* step ``Z = W @ A_prev + b`` followed by an
*activation* step ``A = g(Z)``. Backward, each is undone on its own:
``dA -> dZ`` (``sigmoid_backward``, ``relu_backward``, ``tanh_backward``) then
``dZ -> dW, db, dA_prev`` (``linear_backward``). Because ``linear_backward``
serves every layer, it always returns ``dA_prev`` -- for the first layer that is
``dA0``, the gradient for ``X``, which nothing uses.

Function names, argument order, caches and the random initialisation follow the
course, so a student's assignment can be laid beside this file. ``dA`` and
``dZ`` are per-example ``dL/d.``; ``1/m`` lives only in ``dW`` and ``db``.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from course_lib.activations import get_activation, relu, sigmoid, tanh
from course_lib.checks import (
    CourseInputError,
    SaturationError,
    SaturationWarning,
    as_labels,
    as_matrix,
    check_int,
    check_probabilities,
    check_product_finite,
    checked_after,
    expect_finite,
    expect_shape,
    same_examples,
)

# |dAL| above this means 1 - AL (or AL) is below about 1e-10: the division still gives a
# number, but 1 - AL has been rounded to a few significant digits, and so has dAL.
SATURATION_WARN = 1e10


class LinearCache(NamedTuple):
    """What ``linear_forward`` keeps for ``linear_backward``."""

    A_prev: np.ndarray  # (n[l-1], m)
    W: np.ndarray  # (n[l], n[l-1])
    b: np.ndarray  # (n[l], 1)


class LayerCache(NamedTuple):
    """What ``linear_activation_forward`` keeps: the linear cache and ``Z``."""

    linear_cache: LinearCache
    Z: np.ndarray  # (n[l], m), the activation cache


# ----------------------------------------------------------------------------- initialisation


def initialize_parameters(n_x: int, n_h: int, n_y: int, seed: int = 1) -> dict:
    """Parameters of a 2-layer net: ``randn * 0.01`` weights, zero biases.

    Returns ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``;
    with ``seed=1`` the numbers equal the course's.
    """
    n_x = check_int("n_x", n_x, low=1, high=10**6)
    n_h = check_int("n_h", n_h, low=1, high=10**5)
    n_y = check_int("n_y", n_y, low=1, high=10**5)
    rng = np.random.RandomState(_check_seed(seed))
    W1 = rng.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = rng.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


INIT_SCHEMES = ("course", "application")


def initialize_parameters_deep(layer_dims, seed: int = 3, scheme: str = "course") -> dict:
    """Parameters ``W1, b1, ..., WL, bL`` for layer sizes ``[n_x, n_1, ..., n_L]``.

    scheme : ``"course"`` draws ``randn * 0.01`` (the step-by-step assignment, seed 3);
        ``"application"`` draws ``randn / sqrt(n[l-1])`` (the deep network
        application, seed 1), which keeps activations from shrinking layer by layer.
    """
    dims = _as_dims(layer_dims, "layer_dims")
    if scheme not in INIT_SCHEMES:
        raise CourseInputError(f"scheme must be one of {list(INIT_SCHEMES)}, got {scheme!r}")
    rng = np.random.RandomState(_check_seed(seed))
    parameters = {}
    for l in range(1, len(dims)):
        W = rng.randn(dims[l], dims[l - 1])
        # Divide rather than multiply by 1/sqrt: the same rounding as the application's draw.
        parameters[f"W{l}"] = W * 0.01 if scheme == "course" else W / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


# ----------------------------------------------------------------------------- forward


def linear_forward(A, W, b):
    """``Z = W @ A + b``.

    A : (n[l-1], m); W : (n[l], n[l-1]); b : (n[l], 1).
    Returns ``Z`` (n[l], m) and the cache ``(A, W, b)``.
    """
    where = "linear_forward (Z = W @ A + b)"
    A = as_matrix("A", A, where=where)
    W = as_matrix("W", W, where=where)
    b = as_matrix("b", b, where=where)
    if W.shape[1] != A.shape[0]:
        raise CourseInputError(
            f"{where}: W has shape {W.shape} and A has shape {A.shape}; "
            f"W's columns ({W.shape[1]}) must equal A's rows ({A.shape[0]})"
        )
    expect_shape("b", b, (W.shape[0], 1), where=where)
    expect_finite("W", W, where=where)
    expect_finite("b", b, where=where)
    with checked_after():  # A is large (X in the first layer): checked through Z
        Z = W @ A + b
    check_product_finite(Z, {"A": A}, where=where)
    return Z, LinearCache(A, W, b)


_FORWARD = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh}


def linear_activation_forward(A_prev, W, b, activation: str):
    """One layer: ``Z = W @ A_prev + b`` then ``A = g(Z)``.

    activation : "sigmoid", "relu" or "tanh".
    Returns ``A`` (n[l], m) and the cache ``(linear_cache, Z)``.
    """
    get_activation(activation)
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = _FORWARD[activation](Z)
    return A, LayerCache(linear_cache, Z)


def L_model_forward(X, parameters: dict):
    """``[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID``.

    X : (n_x, m); parameters : ``W1, b1, ..., WL, bL``.
    Returns ``AL`` (n_y, m) and the list of ``L`` layer caches.
    """
    L = _count_layers(parameters)
    A = as_matrix("X", X, where="L_model_forward")
    caches = []
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y) -> float:
    """Cross-entropy ``J = -(1/m) sum(Y log AL + (1-Y) log(1-AL))`` as a Python float.

    AL : (1, m) sigmoid outputs; Y : (1, m) labels in [0, 1].
    """
    where = "compute_cost"
    AL = as_matrix("AL", AL, where=where)
    Y = as_labels(Y, where=where)
    expect_shape("Y", Y, AL.shape, where=where)
    check_probabilities("AL", AL, where=where)
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = Y * np.log(AL) + (1 - Y) * np.log(1 - AL)
    # 0 * log(0) is 0 in the limit: a label of exactly 0 never pays for log(AL) = -inf.
    logprobs = np.where(((Y == 0) & (AL == 0)) | ((Y == 1) & (AL == 1)), 0.0, logprobs)
    if not np.isfinite(logprobs).all():
        k, i = (int(v) for v in np.argwhere(~np.isfinite(logprobs))[0])
        raise SaturationError(
            f"compute_cost: AL[{k}, {i}] saturated to exactly {float(AL[k, i])!r} but its label "
            f"is {float(Y[k, i])!r}, so log(AL) or log(1 - AL) is -inf. Compute the cost from "
            f"Z instead (course_lib.gradcheck.cost_from_logits), which stays finite."
        )
    return float(-np.sum(logprobs) / m)


# ----------------------------------------------------------------------------- backward


def _activation_backward_args(dA, Z, name):
    where = f"{name}(dA, Z)"
    dA = as_matrix("dA", dA, where=where)
    Z = as_matrix("Z (the activation cache)", Z, where=where)
    if dA.shape != Z.shape:
        raise CourseInputError(
            f"{where}: dA has shape {dA.shape} but Z has shape {Z.shape}; dZ = dA * g'(Z) "
            f"is elementwise, so they must match"
        )
    expect_finite("dA", dA, where=where)
    expect_finite("Z (the activation cache)", Z, where=where)
    return dA, Z


def sigmoid_backward(dA, cache):
    """``dZ = dA * sigma'(Z) = dA * s * (1 - s)`` with ``s = sigmoid(Z)``.

    dA : (n, m) per-example dL/dA; cache : ``Z`` (n, m), the pre-activation, not ``A``.
    """
    dA, Z = _activation_backward_args(dA, cache, "sigmoid_backward")
    s = sigmoid(Z)
    return dA * s * (1 - s)


def relu_backward(dA, cache):
    """``dZ = dA`` where ``Z > 0``, else 0 (including ``Z == 0``).

    dA : (n, m); cache : ``Z`` (n, m).
    """
    dA, Z = _activation_backward_args(dA, cache, "relu_backward")
    return np.where(Z > 0, dA, 0.0)


def tanh_backward(dA, cache):
    """``dZ = dA * (1 - tanh(Z)**2)``.

    dA : (n, m); cache : ``Z`` (n, m).
    """
    dA, Z = _activation_backward_args(dA, cache, "tanh_backward")
    return dA * (1 - np.tanh(Z) ** 2)


_BACKWARD = {"sigmoid": sigmoid_backward, "relu": relu_backward, "tanh": tanh_backward}


def linear_backward(dZ, cache):
    """Undo ``Z = W @ A_prev + b``.

    dZ : (n[l], m) per-example dL/dZ; cache : ``(A_prev, W, b)``.
    Returns ``dA_prev`` (n[l-1], m) = ``W.T @ dZ`` (per-example),
    ``dW`` (n[l], n[l-1]) = ``(1/m) dZ @ A_prev.T`` and
    ``db`` (n[l], 1) = ``(1/m) sum(dZ, axis=1)`` (both averaged over the m examples).
    """
    where = "linear_backward"
    A_prev, W, b = _unpack(cache, 3, "cache (A_prev, W, b)", where)
    dZ = as_matrix("dZ", dZ, where=where)
    A_prev = as_matrix("A_prev", A_prev, where=where)
    W = as_matrix("W", W, where=where)
    expect_shape("dZ", dZ, (W.shape[0], A_prev.shape[1]), where=where + " (rows of W, m)")
    expect_shape("A_prev", A_prev, (W.shape[1], None), where=where)
    expect_finite("W", W, where=where)
    m = A_prev.shape[1]
    with checked_after():
        dW = (dZ @ A_prev.T) / m  # reverses Z = W @ A_prev: dZ[k,i] * A_prev[j,i] summed over i
    # Every entry of dZ and of A_prev reaches dW, so NaN or inf in either shows up there:
    # scanning the small dW spares a pass over a large A_prev (X in the first layer).
    check_product_finite(dW, {"dZ": dZ, "A_prev": A_prev}, where=where + " (dW = dZ A_prev.T / m)")
    db = np.sum(dZ, axis=1, keepdims=True) / m  # reverses "+ b" broadcast over the m columns
    dA_prev = W.T @ dZ  # reverses W @ A_prev: W[k,j] * dZ[k,i] summed over k
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation: str):
    """One layer backward: ``dZ`` from the activation step, then the linear step.

    dA : (n[l], m); cache : ``(linear_cache, Z)`` from ``linear_activation_forward``.
    Returns ``(dA_prev, dW, db)``.
    """
    get_activation(activation)
    linear_cache, Z = _unpack(cache, 2, "cache (linear_cache, Z)", "linear_activation_backward")
    dZ = _BACKWARD[activation](dA, Z)
    return linear_backward(dZ, linear_cache)


def output_dA(AL, Y):
    """The course's first backward line: ``dAL = -(Y/AL - (1-Y)/(1-AL))``.

    AL : (n_y, m), normally a sigmoid output in (0, 1); any finite value other than 0 and 1
    is accepted, so hand-made test caches with random ``AL`` work. Y : (n_y, m) labels in
    [0, 1] (booleans count as 0/1), or any array of the same size (it is reshaped).

    Per-example ``dL/dAL`` of the cross-entropy. It divides by ``AL`` and ``1-AL``:
    raises ``SaturationError`` where the sigmoid output is exactly 0 or 1, and warns
    (``SaturationWarning``) when the result is so large that ``dZL`` loses precision.
    The collapsed form ``dZL = AL - Y`` (``course_lib.slide.output_dZ``) has neither problem.
    """
    where = "dAL = -(Y/AL - (1-Y)/(1-AL))"
    AL = as_matrix("AL", AL, where=where)
    Y = as_labels(Y, where=where)
    if Y.size == AL.size and Y.shape != AL.shape:
        Y = Y.reshape(AL.shape)  # as a course notebook does: Y.reshape(AL.shape)
    expect_shape("Y", Y, AL.shape, where=where)
    expect_finite("AL", AL, where=where)
    with np.errstate(divide="ignore", invalid="ignore"):
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    if not np.isfinite(dAL).all():
        k, i = (int(v) for v in np.argwhere(~np.isfinite(dAL))[0])
        raise SaturationError(
            f"{where}: AL[{k}, {i}] = {float(AL[k, i])!r} has saturated (the sigmoid rounded to "
            f"exactly 0 or 1), so the split form divides by zero. The collapsed form "
            f"dZL = AL - Y (in a 2-layer net the slide's dZ2 = A2 - Y) gives "
            f"{float(AL[k, i] - Y[k, i])!r} there: use it (course_lib.slide.output_dZ)."
        )
    biggest = float(np.max(np.abs(dAL)))
    if biggest > SATURATION_WARN:
        warnings.warn(
            f"{where}: |dAL| reaches {biggest:.3g} because AL is within 1e-10 of 0 or 1; "
            f"dAL carries the rounding error of 1 - AL (few of its digits are right), and a "
            f"little further the sigmoid rounds to exactly 0 or 1 and the split form divides "
            f"by zero. The collapsed form dZL = AL - Y (dZ2 = A2 - Y in a 2-layer net) "
            f"never divides.",
            SaturationWarning,
            stacklevel=2,
        )
    return dAL


def L_model_backward(AL, Y, caches):
    """Backward pass of ``[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID``.

    AL : (1, m) output; Y : (1, m) labels; caches : from ``L_model_forward``.
    Starts from ``dAL = -(Y/AL - (1-Y)/(1-AL))`` and returns ``grads`` with keys
    ``dA{l-1}``, ``dW{l}``, ``db{l}`` for ``l = L .. 1`` -- so ``grads["dA0"]`` is the
    gradient for ``X``, computed because ``linear_backward`` always returns ``dA_prev``.
    """
    if isinstance(caches, (str, bytes, dict, np.ndarray)) or not hasattr(caches, "__iter__"):
        raise CourseInputError(
            f"caches in L_model_backward must be the list of layer caches from L_model_forward, "
            f"got {type(caches).__name__}"
        )
    caches = list(caches)
    if not caches:
        raise CourseInputError("caches in L_model_backward is empty: run L_model_forward first")
    L = len(caches)
    dAL = output_dA(AL, Y)
    grads = {}
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = linear_activation_backward(grads[f"dA{l + 1}"], caches[l], "relu")
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = dA_prev, dW, db
    return grads


# ----------------------------------------------------------------------------- training


def update_parameters(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """One gradient-descent step, ``W[l] - learning_rate * dW[l]``; returns a new dict."""
    where = "update_parameters"
    L = _count_layers(parameters)
    lr = _check_rate(learning_rate)
    if not isinstance(grads, dict):
        raise CourseInputError(
            f"grads in {where} must be a dict of dW1, db1, ..., got {type(grads).__name__}"
        )
    new = {}
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key, gkey = f"{p}{l}", f"d{p}{l}"
            if gkey not in grads:
                raise CourseInputError(f"grads has no {gkey!r} (needed to update {key})")
            value = as_matrix(key, parameters[key], where=where)
            g = as_matrix(gkey, grads[gkey], where=where)
            expect_shape(gkey, g, value.shape, where=where + f" (shaped like {key})")
            expect_finite(gkey, g, where=where)
            new[key] = value - lr * g
    return new


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                    print_cost=False):
    """Train ``LINEAR -> RELU -> LINEAR -> SIGMOID`` with the split backward pass.

    X : (n_x, m); Y : (1, m); layers_dims : ``(n_x, n_h, n_y)``.
    Returns ``(parameters, costs)``, the cost recorded every 100 iterations.
    """
    X, Y = _check_training_data(X, Y, "two_layer_model")
    n_x, n_h, n_y = _check_dims(layers_dims, X, Y)
    iterations = check_int("num_iterations", num_iterations, low=0, high=10**7)
    lr = _check_rate(learning_rate)
    parameters = initialize_parameters(n_x, n_h, n_y)
    costs = []
    for i in range(iterations):
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = output_dA(A2, Y)
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")  # dA0: unused
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, lr)
        _record(i, iterations, cost, costs, print_cost)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000,
                  print_cost=False):
    """Train ``[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID``.

    Initialised as the deep network application does (seed 1, ``randn / sqrt(n_prev)``).
    Returns ``(parameters, costs)``, the cost recorded every 100 iterations.
    """
    X, Y = _check_training_data(X, Y, "L_layer_model")
    dims = _as_dims(layers_dims, "layers_dims")
    if dims[0] != X.shape[0] or dims[-1] != Y.shape[0]:
        raise CourseInputError(
            f"layers_dims must start with n_x = {X.shape[0]} (rows of X) and end with "
            f"n_y = {Y.shape[0]} (rows of Y), got {dims}"
        )
    iterations = check_int("num_iterations", num_iterations, low=0, high=10**7)
    lr = _check_rate(learning_rate)
    parameters = initialize_parameters_deep(dims, seed=1, scheme="application")
    costs = []
    for i in range(iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, lr)
        _record(i, iterations, cost, costs, print_cost)
    return parameters, costs


def predict(X, parameters: dict) -> np.ndarray:
    """0/1 predictions of an L-layer net (``AL > 0.5``), shape (1, m)."""
    AL, _ = L_model_forward(X, parameters)
    return (AL > 0.5).astype(np.float64)


# ----------------------------------------------------------------------------- helpers


def _record(i, iterations, cost, costs, print_cost):
    if print_cost and (i % 100 == 0 or i == iterations - 1):
        print(f"Cost after iteration {i}: {cost}")
    if i % 100 == 0:
        costs.append(cost)


def _unpack(cache, n, what, where):
    try:
        items = tuple(cache)
    except TypeError:
        raise CourseInputError(
            f"{what} in {where} must be a tuple of {n}, got {type(cache).__name__}"
        ) from None
    if len(items) != n:
        raise CourseInputError(f"{what} in {where} must have {n} items, got {len(items)}")
    return items


def _count_layers(parameters) -> int:
    if not isinstance(parameters, dict):
        raise CourseInputError(
            f"parameters must be a dict of W1, b1, ..., got {type(parameters).__name__}"
        )
    layers = [int(k[1:]) for k in parameters
              if isinstance(k, str) and k[:1] in "Wb" and k[1:].isdigit() and k[1:] != "0"]
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


def _check_seed(seed) -> int:
    return check_int("seed", seed, low=0, high=2**32 - 1)


def _as_dims(layer_dims, name: str) -> list:
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


def _check_rate(learning_rate) -> float:
    if isinstance(learning_rate, bool) or not isinstance(
        learning_rate, (int, float, np.integer, np.floating)
    ):
        raise CourseInputError(f"learning_rate must be a number, got {learning_rate!r}")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise CourseInputError(
            f"learning_rate must be a positive finite number, got {learning_rate}"
        )
    return float(learning_rate)


def _check_training_data(X, Y, where):
    X = as_matrix("X", X, where=where)
    Y = as_labels(Y, where=where)
    same_examples(("X", "Y"), X, Y, where=where)
    # Training re-reads X every iteration: one scan here names a bad entry up front.
    expect_finite("X", X, where=where)
    return X, Y


def _check_dims(layers_dims, X, Y):
    dims = tuple(_as_dims(layers_dims, "layers_dims"))
    if len(dims) != 3:
        raise CourseInputError(f"layers_dims must have 3 sizes (n_x, n_h, n_y), got {dims}")
    if dims[0] != X.shape[0] or dims[-1] != Y.shape[0]:
        raise CourseInputError(
            f"layers_dims {dims} does not fit the data: n_x must be {X.shape[0]} (rows of X) "
            f"and n_y {Y.shape[0]} (rows of Y)"
        )
    return dims
