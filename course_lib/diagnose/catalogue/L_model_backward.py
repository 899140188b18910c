"""Catalogued mistakes in ``L_model_backward(AL, Y, caches) -> grads``.

``AL`` and ``Y`` have shape ``(1, m)``; ``caches[l - 1]`` is layer ``l``'s
``((A_prev, W, b), Z)``. ``grads`` is keyed ``dA0 ... dA{L-1}``, ``dW1 ... dWL``,
``db1 ... dbL``. The correct pass: ``dAL``, the sigmoid output layer once, then the ReLU
hidden layers from ``l = L-1`` down to 1. Each entry's ``stage`` is where the mistake is
made in a 2-layer net (``L = 2``: output layer 2, hidden layer 1).
"""

from __future__ import annotations

import numpy as np

from course_lib import assignment
from course_lib.diagnose.catalogue.registry import catalogued


def _deep_backward(dAL, caches, output="sigmoid", hidden="relu"):
    """The course's loop from a given dAL, with the activations as arguments."""
    L = len(caches)
    grads = {}
    dA_prev, grads[f"dW{L}"], grads[f"db{L}"] = assignment.linear_activation_backward(
        dAL, caches[L - 1], output
    )
    grads[f"dA{L - 1}"] = dA_prev
    for l in reversed(range(L - 1)):
        dA_prev, grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = assignment.linear_activation_backward(
            grads[f"dA{l + 1}"], caches[l], hidden
        )
        grads[f"dA{l}"] = dA_prev
    return grads


@catalogued(
    "L_model_backward",
    "dAL_sign_flipped",
    "the sign of dAL is flipped",
    "Where the label is 1, raising AL lowers the loss: dAL must be negative there.",
    stage="dA2",
)
def _lmb_dAL_sign_flipped(AL, Y, caches):
    return _deep_backward(Y / AL - (1 - Y) / (1 - AL), caches)


@catalogued(
    "L_model_backward",
    "sigma_prime_twice",
    "sigma' is applied twice: dAL = AL - Y already includes it",
    "AL - Y is dZL: sigmoid_backward then multiplies by AL(1 - AL) a second time. "
    "Start from the dAL the course gives, or skip the sigmoid step.",
    stage="dA2",
)
def _lmb_sigma_prime_twice(AL, Y, caches):
    return _deep_backward(AL - Y, caches)


@catalogued(
    "L_model_backward",
    "output_layer_relu",
    "the output layer goes back through relu_backward instead of sigmoid_backward",
    "The last layer's forward step is a sigmoid.",
    stage="dZ2",
)
def _lmb_output_layer_relu(AL, Y, caches):
    return _deep_backward(assignment.output_dA(AL, Y), caches, output="relu")


@catalogued(
    "L_model_backward",
    "dA_index_shifted",
    "the dA keys are shifted by one: layer l's dA_prev is stored as dA{l}",
    "linear_backward of layer l returns the gradient of the layer below: dA[l-1]. "
    "grads['dA0'] is the gradient for X.",
    stage="dA1",
)
def _lmb_dA_index_shifted(AL, Y, caches):
    grads = assignment.L_model_backward(AL, Y, caches)
    return {(f"dA{int(k[2:]) + 1}" if k.startswith("dA") else k): v for k, v in grads.items()}


@catalogued(
    "L_model_backward",
    "hidden_layers_sigmoid",
    "the hidden layers go back through sigmoid_backward instead of relu_backward",
    "Only the output layer is a sigmoid; layers 1 to L-1 used ReLU in the forward pass.",
    stage="dZ1",
)
def _lmb_hidden_layers_sigmoid(AL, Y, caches):
    return _deep_backward(assignment.output_dA(AL, Y), caches, hidden="sigmoid")


@catalogued(
    "L_model_backward",
    "dA_from_dAL",
    "every hidden layer is given dAL instead of the dA its upper layer returned",
    "Layer l's backward step takes the gradient of its own output A[l]: the dA_prev "
    "that layer l+1 returned, stored as grads['dA' + str(l)].",
    stage="dA1",
)
def _lmb_dA_from_dAL(AL, Y, caches):
    L = len(caches)
    dAL = assignment.output_dA(AL, Y)
    grads = _deep_backward(dAL, caches[L - 1 :])  # the output layer, keyed as layer 1
    grads = {f"dA{L - 1}": grads["dA0"], f"dW{L}": grads["dW1"], f"db{L}": grads["db1"]}
    for l in reversed(range(1, L)):
        (A_prev, W, _), Z = caches[l - 1]
        dZ = np.where(Z > 0, dAL, 0.0)  # dAL's single row broadcast over the layer's units
        m = A_prev.shape[1]
        grads[f"dA{l - 1}"] = W.T @ dZ
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
    return grads
