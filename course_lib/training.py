"""What training needs besides the gradients: the initial draw, the cost and the update.

Both formulations train the same way around their own backward pass: draw small random
weights, compute the cross-entropy cost, take a gradient-descent step. That plumbing lives
here once, and each formulation calls it under its own assignment's names and signatures
(``slide``: week 3, planar data; ``assignment``: week 4):

- ``draw_parameters``: ``slide.initialize_parameters(n_x, n_h, n_y)`` (seed 2) and
  ``assignment.initialize_parameters`` (seed 1), ``initialize_parameters_deep`` (seed 3);
- ``cross_entropy_cost``: ``slide.compute_cost(A2, Y)`` and ``assignment.compute_cost(AL, Y)``;
- ``gradient_descent_step``: ``slide.update_parameters(parameters, grads, learning_rate=1.2)``
  and ``assignment.update_parameters(parameters, grads, learning_rate)``.

Nothing here computes a gradient: the step receives ``grads`` and subtracts them. The two
formulations share no gradient code, so their agreement stays evidence
(``tests/test_architecture.py`` checks this module for any).
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import check_cost, check_draw, check_saturation, check_update


def draw_parameters(layer_dims: list, seed: int, scheme: str = "course") -> dict:
    """``W1, b1, ..., WL, bL`` for sizes ``[n_x, n_1, ..., n_L]``, drawn from a local generator.

    scheme : ``"course"`` draws ``randn * 0.01`` (the assignments); ``"application"`` draws
        ``randn / sqrt(n[l-1])`` (the deep network application).
    ``np.random.RandomState(seed)`` gives the numbers of the course's ``np.random.seed(seed)``
    while NumPy's global generator is left alone. Biases are zero, ``(n[l], 1)``.
    """
    seed, scheme = check_draw(seed, scheme)
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        W = rng.randn(layer_dims[l], layer_dims[l - 1])
        # Divide rather than multiply by 1/sqrt: the same rounding as the application's draw.
        parameters[f"W{l}"] = W * 0.01 if scheme == "course" else W / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def cross_entropy_cost(A, Y, output: str = "AL") -> float:
    """``J = -(1/m) sum(Y log A + (1-Y) log(1-A))`` as a Python float.

    A : (n_y, m) sigmoid outputs, named ``output`` in errors (``"AL"`` or ``"A2"``);
    Y : (n_y, m) labels in [0, 1]. A saturated output (exactly 0 or 1) whose label agrees
    costs 0, the limit of ``0 * log 0``; one whose label disagrees raises ``SaturationError``.
    """
    A, Y = check_cost(A, Y, output)
    m = Y.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logprobs = Y * np.log(A) + (1 - Y) * np.log(1 - A)
    # 0 * log(0) is 0 in the limit: a label of exactly 0 never pays for log(A) = -inf.
    logprobs = np.where(((Y == 0) & (A == 0)) | ((Y == 1) & (A == 1)), 0.0, logprobs)
    check_saturation(
        logprobs,
        lambda k, i: (
            f"compute_cost: {output}[{k}, {i}] saturated to exactly {float(A[k, i])!r} but its "
            f"label is {float(Y[k, i])!r}, so log({output}) or log(1 - {output}) is -inf. Compute "
            f"the cost from Z instead, as the gradient check does: it stays finite."
        ),
    )
    return float(-np.sum(logprobs) / m)


def gradient_descent_step(parameters: dict, grads: dict, learning_rate: float) -> dict:
    """``W[l] - learning_rate * dW[l]`` and ``b[l] - learning_rate * db[l]``; a new dict.

    parameters : ``W1, b1, ..., WL, bL``; grads : ``dW1, db1, ...`` shaped like them (other
    keys such as ``dA0`` are ignored). Nothing given is changed.
    """
    lr, pairs = check_update(parameters, grads, learning_rate)
    return {key: value - lr * grad for key, (value, grad) in pairs.items()}
