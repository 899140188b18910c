"""Small data sets generated from a seed, in the course's layout.

Every function returns ``X`` (2, m) and ``Y`` (1, m) with labels 0/1: examples
are columns. Nothing is downloaded.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import CourseInputError, check_int, check_real

DATASETS = ("flower", "xor", "moons")


def make_flower(m: int = 400, seed: int = 1, petals: int = 4, noise: float = 0.2):
    """A planar "flower": ``petals`` petals whose colour alternates, not linearly separable."""
    m = check_int("m", m, low=2, high=10**6)
    petals = check_int("petals", petals, low=1, high=100)
    rng = _rng(seed, noise)
    t = rng.uniform(0, np.pi, m)  # angle
    y = rng.randint(0, 2, m)  # class picks which set of petals
    angle = t + y * np.pi / petals
    r = 4 * np.sin(petals * t) + rng.randn(m) * noise
    X = np.vstack([r * np.sin(angle), r * np.cos(angle)])
    return X, y.reshape(1, m).astype(np.float64)


def make_xor(m: int = 200, seed: int = 0, noise: float = 0.15):
    """Four clusters at the corners of a square; label = x1 XOR x2."""
    m = check_int("m", m, low=2, high=10**6)
    rng = _rng(seed, noise)
    corners = rng.randint(0, 2, (2, m))
    X = corners * 2.0 - 1.0 + rng.randn(2, m) * noise
    Y = (corners[0] ^ corners[1]).reshape(1, m).astype(np.float64)
    return X, Y


def make_moons(m: int = 200, seed: int = 0, noise: float = 0.1):
    """Two interleaving half circles."""
    m = check_int("m", m, low=2, high=10**6)
    rng = _rng(seed, noise)
    y = rng.randint(0, 2, m)
    t = rng.uniform(0, np.pi, m)
    x1 = np.where(y == 0, np.cos(t), 1 - np.cos(t))
    x2 = np.where(y == 0, np.sin(t), 0.5 - np.sin(t))
    X = np.vstack([x1, x2]) + rng.randn(2, m) * noise
    return X, y.reshape(1, m).astype(np.float64)


def _rng(seed, noise) -> np.random.RandomState:
    """A local generator for ``seed``, after checking ``seed`` and ``noise``."""
    seed = check_int("seed", seed, low=0, high=2**32 - 1)
    check_real("noise", noise)
    return np.random.RandomState(seed)


def make_dataset(name: str, m: int = 200, seed: int = 0):
    """One of ``DATASETS`` by name."""
    makers = {"flower": make_flower, "xor": make_xor, "moons": make_moons}
    if name not in makers:
        raise CourseInputError(f"data set must be one of {list(DATASETS)}, got {name!r}")
    return makers[name](m=m, seed=seed)


def make_problem(
    n_x: int = 3, n_h: int = 4, n_y: int = 1, m: int = 5, seed: int = 0, weight_scale: float = 1.0
):
    """A small random net and batch for showing every stage with readable numbers.

    Weights are ``randn * weight_scale / sqrt(fan_in)`` and biases ``randn * 0.1``, so
    hidden units are neither all active nor all dead and gradients are not tiny.
    Returns ``X`` (n_x, m), ``Y`` (n_y, m) of 0/1 labels and ``parameters``.
    """
    n_x = check_int("n_x", n_x, low=1, high=100_000)
    n_h = check_int("n_h", n_h, low=1, high=10_000)
    n_y = check_int("n_y", n_y, low=1, high=100)
    m = check_int("m", m, low=1, high=100_000)
    check_real("weight_scale", weight_scale, positive=True)
    rng = np.random.RandomState(check_int("seed", seed, low=0, high=2**32 - 1))
    X = rng.randn(n_x, m)
    Y = (rng.rand(n_y, m) > 0.5).astype(np.float64)
    parameters = {
        "W1": rng.randn(n_h, n_x) * weight_scale / np.sqrt(n_x),
        "b1": rng.randn(n_h, 1) * 0.1,
        "W2": rng.randn(n_y, n_h) * weight_scale / np.sqrt(n_h),
        "b2": rng.randn(n_y, 1) * 0.1,
    }
    return X, Y, parameters
