"""Activation functions and their derivatives, looked up by name.

Derivatives take ``Z`` (the pre-activation), never ``A``: ``g'(Z)``. The slide
writes some of them from ``A`` instead (``1 - A**2`` for tanh); it computes
those itself, so the two formulations share only the functions here.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib.checks import CourseInputError


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
    name: str
    g: object  # callable Z -> A
    g_prime: object  # callable Z -> g'(Z)
    latex: str  # g(z) in LaTeX
    prime_latex: str  # g'(z) in LaTeX


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid", sigmoid, sigmoid_prime, r"\sigma(z)", r"\sigma(z)\,(1-\sigma(z))"
    ),
    "relu": Activation("relu", relu, relu_prime, r"\max(0, z)", r"\mathbb{1}[z > 0]"),
    "tanh": Activation("tanh", tanh, tanh_prime, r"\tanh(z)", r"1 - \tanh^2(z)"),
}

HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid")


def get_activation(name: str) -> Activation:
    """The activation called ``name``; the error lists the valid names."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise CourseInputError(
            f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}"
        )
    return ACTIVATIONS[name]
