"""The assignment's formulation: one generic layer, split into two steps.

Every layer is a *linear* step ``Z = W @ A_prev + b`` followed by an
*activation* step ``A = g(Z)``. Backward, each is undone on its own:
``dA -> dZ`` (``sigmoid_backward``, ``relu_backward``, ``tanh_backward``) then
``dZ -> dW, db, dA_prev`` (``linear_backward``). Because ``linear_backward``
serves every layer, it always returns ``dA_prev`` -- for the first layer that is
``dA0``, the gradient for ``X``, which nothing uses.

Function names, argument order, caches and the random initialisation follow the
course's week-4 assignments ("step by step" and the application), so a student's
assignment can be laid beside this file (the week-3 planar assignment's are in
``course_lib.slide``). ``dA`` and ``dZ`` are per-example ``dL/d.``; ``1/m`` lives only
in ``dW`` and ``db``. The initial draw, the cost and the update are the plumbing both
formulations share (``course_lib.training``); every gradient here is computed here.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from course_lib.activations import sigmoid
from course_lib.checks import INIT_SCHEMES as INIT_SCHEMES  # the schemes, kept importable here
from course_lib.checks import (
    SaturationWarning,
    as_matrix,
    check_activation,
    check_activation_backward,
    check_caches,
    check_deep_dims,
    check_dims,
    check_hidden,
    check_items,
    check_layer_count,
    check_layer_sizes,
    check_linear_backward,
    check_linear_forward,
    check_model,
    check_output_and_labels,
    check_product_finite,
    check_saturation,
    check_two_layer_dims,
    checked_after,
)
from course_lib.training import cross_entropy_cost, draw_parameters, gradient_descent_step

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
    with ``seed=1`` the numbers equal the course's (week 4's 2-layer model).
    """
    return draw_parameters(check_layer_sizes(n_x, n_h, n_y), seed)


def initialize_parameters_deep(layer_dims, seed: int = 3, scheme: str = "course") -> dict:
    """Parameters ``W1, b1, ..., WL, bL`` for layer sizes ``[n_x, n_1, ..., n_L]``.

    scheme : ``"course"`` draws ``randn * 0.01`` (the step-by-step assignment, seed 3);
        ``"application"`` draws ``randn / sqrt(n[l-1])`` (the deep network
        application, seed 1), which keeps activations from shrinking layer by layer.
    """
    return draw_parameters(check_dims(layer_dims, "layer_dims"), seed, scheme)


# ----------------------------------------------------------------------------- forward


def linear_forward(A, W, b):
    """``Z = W @ A + b``.

    A : (n[l-1], m); W : (n[l], n[l-1]); b : (n[l], 1).
    Returns ``Z`` (n[l], m) and the cache ``(A, W, b)``.
    """
    A, W, b = check_linear_forward(A, W, b)
    with checked_after():  # A is large (X in the first layer): checked through Z
        Z = W @ A + b
    check_product_finite(Z, {"A": A}, where="linear_forward (Z = W @ A + b)")
    return Z, LinearCache(A, W, b)


def linear_activation_forward(A_prev, W, b, activation: str):
    """One layer: ``Z = W @ A_prev + b`` then ``A = g(Z)``.

    activation : "sigmoid", "relu" or "tanh".
    Returns ``A`` (n[l], m) and the cache ``(linear_cache, Z)``.
    """
    g = check_activation(activation).g
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = g(Z)
    return A, LayerCache(linear_cache, Z)


def L_model_forward(X, parameters: dict):
    """``[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID``.

    X : (n_x, m); parameters : ``W1, b1, ..., WL, bL``.
    Returns ``AL`` (n_y, m) and the list of ``L`` layer caches.
    """
    L = check_layer_count(parameters)
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

    AL : (1, m) sigmoid outputs; Y : (1, m) labels in [0, 1]. The formula is written once,
    in ``course_lib.training.cross_entropy_cost``.
    """
    return cross_entropy_cost(AL, Y, output="AL")


# ----------------------------------------------------------------------------- backward


def sigmoid_backward(dA, cache):
    """``dZ = dA * sigma'(Z) = dA * s * (1 - s)`` with ``s = sigmoid(Z)``.

    dA : (n, m) per-example dL/dA; cache : ``Z`` (n, m), the pre-activation, not ``A``.
    """
    dA, Z = check_activation_backward(dA, cache, "sigmoid_backward")
    s = sigmoid(Z)
    dZ = dA * s * (1 - s)  # reverses A = sigmoid(Z)
    return dZ


def relu_backward(dA, cache):
    """``dZ = dA`` where ``Z > 0``, else 0 (including ``Z == 0``).

    dA : (n, m); cache : ``Z`` (n, m).
    """
    dA, Z = check_activation_backward(dA, cache, "relu_backward")
    dZ = np.where(Z > 0, dA, 0.0)  # reverses A = max(0, Z)
    return dZ


def tanh_backward(dA, cache):
    """``dZ = dA * (1 - tanh(Z)**2)``.

    dA : (n, m); cache : ``Z`` (n, m).
    """
    dA, Z = check_activation_backward(dA, cache, "tanh_backward")
    dZ = dA * (1 - np.tanh(Z) ** 2)  # reverses A = tanh(Z)
    return dZ


def linear_backward(dZ, cache):
    """Undo ``Z = W @ A_prev + b``.

    dZ : (n[l], m) per-example dL/dZ; cache : ``(A_prev, W, b)``.
    Returns ``dA_prev`` (n[l-1], m) = ``W.T @ dZ`` (per-example),
    ``dW`` (n[l], n[l-1]) = ``(1/m) dZ @ A_prev.T`` and
    ``db`` (n[l], 1) = ``(1/m) sum(dZ, axis=1)`` (both averaged over the m examples).
    """
    dZ, A_prev, W = check_linear_backward(dZ, cache)
    m = A_prev.shape[1]
    with checked_after():  # A_prev is large (X in the first layer): checked through dW
        dW = dZ @ A_prev.T / m  # reverses W @ A_prev: dZ[k,i] * A_prev[j,i] summed over i
    check_product_finite(
        dW, {"dZ": dZ, "A_prev": A_prev}, where="linear_backward (dW = dZ A_prev.T / m)"
    )
    db = np.sum(dZ, axis=1, keepdims=True) / m  # reverses "+ b", broadcast over the m columns
    dA_prev = W.T @ dZ  # reverses W @ A_prev: W[k,j] * dZ[k,i] summed over k
    return dA_prev, dW, db


def backward_function(activation: str):
    """The course's ``<activation>_backward`` for a name of the activation table."""
    return {"relu": relu_backward, "tanh": tanh_backward, "sigmoid": sigmoid_backward}[activation]


def linear_activation_backward(dA, cache, activation: str):
    """One layer backward: ``dZ`` from the activation step, then the linear step.

    dA : (n[l], m); cache : ``(linear_cache, Z)`` from ``linear_activation_forward``.
    Returns ``(dA_prev, dW, db)``.
    """
    check_activation(activation)
    linear_cache, Z = check_items(cache, 2, "cache (linear_cache, Z)", "linear_activation_backward")
    dZ = backward_function(activation)(dA, Z)
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
    AL, Y = check_output_and_labels(AL, Y, where=DAL_LINE)
    with np.errstate(divide="ignore", invalid="ignore"):  # a saturated AL is named below
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    check_saturation(dAL, lambda k, i: _saturated(AL, Y, k, i))
    _warn_if_imprecise(dAL)
    return dAL


DAL_LINE = "dAL = -(Y/AL - (1-Y)/(1-AL))"


def _saturated(AL, Y, k, i) -> str:
    return (
        f"{DAL_LINE}: AL[{k}, {i}] = {float(AL[k, i])!r} has saturated (the sigmoid "
        f"rounded to exactly 0 or 1), so the split form divides by zero. The collapsed "
        f"form dZL = AL - Y (in a 2-layer net the slide's dZ2 = A2 - Y) gives "
        f"{float(AL[k, i] - Y[k, i])!r} there: use it."
    )


def _warn_if_imprecise(dAL) -> None:
    biggest = float(np.max(np.abs(dAL)))
    if biggest > SATURATION_WARN:
        warnings.warn(
            f"{DAL_LINE}: |dAL| reaches {biggest:.3g} because AL is within 1e-10 of 0 or 1; "
            f"dAL carries the rounding error of 1 - AL (few of its digits are right), and a "
            f"little further the sigmoid rounds to exactly 0 or 1 and the split form divides "
            f"by zero. The collapsed form dZL = AL - Y (dZ2 = A2 - Y in a 2-layer net) "
            f"never divides.",
            SaturationWarning,
            stacklevel=3,
        )


def L_model_backward(AL, Y, caches):
    """Backward pass of ``[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID``.

    AL : (1, m) output; Y : (1, m) labels; caches : from ``L_model_forward``.
    Starts from ``dAL = -(Y/AL - (1-Y)/(1-AL))`` and returns ``grads`` with keys
    ``dA{l-1}``, ``dW{l}``, ``db{l}`` for ``l = L .. 1`` -- so ``grads["dA0"]`` is the
    gradient for ``X``, computed because ``linear_backward`` always returns ``dA_prev``.
    """
    caches = check_caches(caches)
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
    """One gradient-descent step, ``W[l] - learning_rate * dW[l]``; returns a new dict.

    A bias gradient may be one number (``(1, 1)`` or a scalar): it moves every unit's bias
    alike. The step is written once, in ``course_lib.training.gradient_descent_step``.
    """
    return gradient_descent_step(parameters, grads, learning_rate)


def two_layer_backward(
    AL, Y, cache1: LayerCache, cache2: LayerCache, hidden: str = "relu", steps: dict | None = None
) -> dict:
    """The split backward pass of a 2-layer net, one course function per step.

    AL : (n_y, m); Y : (n_y, m); cache1, cache2 : from ``linear_activation_forward``, or
        plain ``((A_prev, W, b), Z)`` tuples.
    steps : course function names (``compute_dAL``, ``sigmoid_backward``,
        ``<hidden>_backward``, ``linear_backward``) mapped to functions to use instead of
        these, the seam through which another implementation (a student's) runs the pass.
    Returns the nine stage values ``dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1, dA0``.
    """
    f = {
        "compute_dAL": output_dA,
        "linear_backward": linear_backward,
        "sigmoid_backward": sigmoid_backward,
        f"{hidden}_backward": backward_function(check_hidden(hidden).name),
        **(steps or {}),
    }
    (linear_cache1, Z1), (linear_cache2, Z2) = cache1, cache2  # named or plain tuples
    dA2 = f["compute_dAL"](AL, Y)
    dZ2 = f["sigmoid_backward"](dA2, Z2)
    dA1, dW2, db2 = f["linear_backward"](dZ2, linear_cache2)
    dZ1 = f[f"{hidden}_backward"](dA1, Z1)
    dA0, dW1, db1 = f["linear_backward"](dZ1, linear_cache1)  # dA0: computed, unused
    return {
        "dA2": dA2,
        "dZ2": dZ2,
        "dW2": dW2,
        "db2": db2,
        "dA1": dA1,
        "dZ1": dZ1,
        "dW1": dW1,
        "db1": db1,
        "dA0": dA0,
    }


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Train ``LINEAR -> RELU -> LINEAR -> SIGMOID`` with the split backward pass.

    X : (n_x, m); Y : (1, m); layers_dims : ``(n_x, n_h, n_y)``.
    Returns ``(parameters, costs)``, the cost recorded every 100 iterations.
    """
    X, Y, lr, iterations = check_model(X, Y, learning_rate, num_iterations, "two_layer_model")
    n_x, n_h, n_y = check_two_layer_dims(layers_dims, X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y)
    costs = []
    for i in range(iterations):
        W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        g = two_layer_backward(A2, Y, cache1, cache2, "relu")
        grads = {"dW1": g["dW1"], "db1": g["db1"], "dW2": g["dW2"], "db2": g["db2"]}
        parameters = update_parameters(parameters, grads, lr)
        _record(i, iterations, cost, costs, print_cost)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """Train ``[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID``.

    Initialised as the deep network application does (seed 1, ``randn / sqrt(n_prev)``).
    Returns ``(parameters, costs)``, the cost recorded every 100 iterations.
    """
    X, Y, lr, iterations = check_model(X, Y, learning_rate, num_iterations, "L_layer_model")
    dims = check_deep_dims(layers_dims, X, Y)
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


def _record(i, iterations, cost, costs, print_cost):
    if print_cost and (i % 100 == 0 or i == iterations - 1):
        print(f"Cost after iteration {i}: {cost}")
    if i % 100 == 0:
        costs.append(cost)
