"""Activation functions and the one table that names them.

Each entry of ``ACTIVATIONS`` gives ``g`` and its derivative written two ways, kept
apart on purpose:

- ``prime(Z)``, the derivative at the pre-activation, as the assignment's split writes
  it (``relu_backward(dA, Z)`` and friends take ``Z``);
- ``prime_from_A(A)``, the same derivative from the layer's output, as the slide writes
  it (``1 - A**2`` for tanh, ``A (1 - A)`` for sigmoid, ``A > 0`` for ReLU).

The two formulations must not borrow each other's gradient code (their 1e-12 agreement
is evidence only while each computes on its own), so the slide uses ``prime_from_A``
and the split its own ``<name>_backward``; ``prime`` serves the derivations and the
gradient check. Adding an activation is one entry here plus its course-named
``<name>_backward`` in ``course_lib.assignment``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-Z))`` without overflow for any finite ``Z``.

    ``exp`` only ever sees ``-|Z|``, so ``Z = -1e4`` gives 0.0 with no warning.
    """
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(Z: np.ndarray) -> np.ndarray:
    """``sigma'(Z) = sigma(Z) * (1 - sigma(Z))``."""
    s = sigmoid(Z)
    return s * (1.0 - s)


def relu(Z: np.ndarray) -> np.ndarray:
    """``max(0, Z)``."""
    return np.maximum(Z, 0.0)


def relu_prime(Z: np.ndarray) -> np.ndarray:
    """1 where ``Z > 0``, else 0 (the course's choice at ``Z == 0``)."""
    return (Z > 0).astype(np.float64)


def tanh(Z: np.ndarray) -> np.ndarray:
    """``tanh(Z)``."""
    return np.tanh(Z)


def tanh_prime(Z: np.ndarray) -> np.ndarray:
    """``1 - tanh(Z)**2``."""
    return 1.0 - np.tanh(Z) ** 2


class Activation(NamedTuple):
    """One activation: ``g``, its derivative from ``Z`` (the split) and from ``A`` (the slide)."""

    name: str
    g: Callable  # Z -> A
    prime: Callable  # Z -> g'(Z)
    prime_from_A: Callable  # A = g(Z) -> g'(Z)
    latex: str  # g(z) in LaTeX
    prime_latex: str  # g'(z) in LaTeX
    prime_from_A_code: str  # the slide's g'(Z1), in the course's code


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid",
        sigmoid,
        sigmoid_prime,
        lambda A: A * (1 - A),
        r"\sigma(z)",
        r"\sigma(z)\,(1-\sigma(z))",
        "A1 * (1 - A1)",
    ),
    "relu": Activation(
        "relu",
        relu,
        relu_prime,
        lambda A: (A > 0).astype(np.float64),
        r"\max(0, z)",
        r"\mathbb{1}[z > 0]",
        "(A1 > 0)",
    ),
    "tanh": Activation(
        "tanh",
        tanh,
        tanh_prime,
        lambda A: 1 - A**2,
        r"\tanh(z)",
        r"1 - \tanh^2(z)",
        "(1 - np.power(A1, 2))",
    ),
}

# The hidden activations the 2-layer net offers (the output is always a sigmoid).
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid")
