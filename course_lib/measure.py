"""Measurements the notebooks quote: digits kept near saturation, and what ``dA0`` costs.

``saturation_precision`` compares both output-gradient forms (the split's ``dA2`` then
``sigmoid_backward``, and the slide's ``A2 - Y``) with 50-digit values as ``A2``
saturates. ``measure_dA0_cost`` times each backward step of a 2-layer net at the
course's cat-classifier size, and counts the floating-point operations ``dA0`` adds;
``backward_products`` counts those of each of the pass's four matrix products.
Numerical only: ``course_lib.notebook_helpers`` and ``notebook_figures`` show them.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from decimal import Decimal, localcontext

import numpy as np

from course_lib import assignment
from course_lib.activations import sigmoid
from course_lib.checks import SaturationError, SaturationWarning

# ----------------------------------------------------------------------------- saturation


@dataclass(frozen=True)
class PrecisionRow:
    """How many digits each form keeps for one output pre-activation ``z``."""

    z: float
    a: float  # A2 = sigmoid(z) as float64 holds it
    dA_error: float | None  # relative error of the split form's dA2 (None: it failed)
    split_error: float | None  # relative error of the split form's dZ2 (None: it failed)
    collapsed_error: float  # relative error of A2 - Y
    collapsed_abs_error: float  # absolute error of A2 - Y
    split_message: str  # "" or the SaturationError / SaturationWarning text

    @property
    def split_failed(self) -> bool:
        return self.split_error is None


def _exact(z: float, y: float) -> tuple:
    """dA2 and dZ2 for one example, to 50 digits (``Decimal(z)`` is exactly the float ``z``)."""
    with localcontext() as ctx:
        ctx.prec = 50
        zd, yd = Decimal(z), Decimal(y)
        s = 1 / (1 + (-zd).exp())
        dA = -(yd / s - (1 - yd) / (1 - s))
        return float(dA), float(s - yd)


def _rel(value: float, exact: float) -> float:
    return abs(value - exact) / abs(exact) if exact != 0 else abs(value)


def saturation_precision(z_values, y: float = 0.0) -> list:
    """Both output-gradient forms for each ``z`` in ``z_values`` against 50-digit values.

    The split form is the course's ``output_dA`` then ``sigmoid_backward``; the collapsed
    form is ``A2 - Y``. A ``SaturationError`` from the split form is recorded as a failure
    (errors ``None``); a ``SaturationWarning`` is recorded in ``split_message``.
    """
    rows = []
    for z in z_values:
        z = float(z)
        Z = np.array([[z]])
        Y = np.array([[float(y)]])
        A = sigmoid(Z)
        dA_exact, dZ_exact = _exact(z, y)
        message = ""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SaturationWarning)
            try:
                dA = assignment.output_dA(A, Y)
                dZ = assignment.sigmoid_backward(dA, Z)
                dA_err = _rel(float(dA[0, 0]), dA_exact)
                split_err = _rel(float(dZ[0, 0]), dZ_exact)
            except SaturationError as exc:
                dA_err = split_err = None
                message = str(exc)
        if caught and not message:
            message = str(caught[0].message)
        collapsed = float(A[0, 0]) - float(y)
        rows.append(
            PrecisionRow(
                z,
                float(A[0, 0]),
                dA_err,
                split_err,
                _rel(collapsed, dZ_exact),
                abs(collapsed - dZ_exact),
                message,
            )
        )
    return rows


# ----------------------------------------------------------------------------- dA0's cost


@dataclass(frozen=True)
class DA0Cost:
    """Median seconds of each backward step of a 2-layer net, and what ``dA0`` adds."""

    n_x: int
    n_h: int
    m: int
    seconds: dict  # step name -> median seconds, in backward order
    repeat: int

    @property
    def total(self) -> float:
        return sum(self.seconds.values())

    @property
    def dA0_share(self) -> float:
        """Fraction of the backward pass spent on ``dA0 = W1.T @ dZ1``."""
        return self.seconds["dA0 = W1.T dZ1"] / self.total

    @property
    def dA0_bytes(self) -> int:
        return self.n_x * self.m * 8

    @property
    def dA0_flops(self) -> int:
        """Multiply-adds of ``W1.T @ dZ1`` counted as 2 flops: as many as ``dW1``'s."""
        return 2 * self.n_x * self.n_h * self.m

    @property
    def backward_flops(self) -> int:
        """Flops of the four matrix products of the backward pass (dW2, dA1, dW1, dA0)."""
        return 4 * self.n_h * self.m + 2 * self.dA0_flops


@dataclass(frozen=True)
class Product:
    """One matrix product of the backward pass, ``left @ right``; each operand is
    ``(name, rows, cols)``."""

    name: str
    left: tuple
    right: tuple

    @property
    def flops(self) -> int:
        """Floating-point operations: one multiply-add (counted as 2) per row, inner index
        and column."""
        _, rows, inner = self.left
        return 2 * rows * inner * self.right[2]


def backward_products(n_x: int, n_h: int, m: int) -> list:
    """The four matrix products of a 2-layer backward pass (``n_y = 1``), as ``Product``s.

    Shapes alone decide their operation counts, so these are the same on every machine
    (unlike a timing).
    """
    return [
        Product("dW2 = dZ2 A1.T / m", ("dZ2", 1, m), ("A1.T", m, n_h)),
        Product("dA1 = W2.T dZ2", ("W2.T", n_h, 1), ("dZ2", 1, m)),
        Product("dW1 = dZ1 X.T / m", ("dZ1", n_h, m), ("X.T", m, n_x)),
        Product("dA0 = W1.T dZ1", ("W1.T", n_x, n_h), ("dZ1", n_h, m)),
    ]


def _median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def measure_dA0_cost(
    n_x: int = 12288, n_h: int = 7, m: int = 209, repeat: int = 7, seed: int = 0
) -> DA0Cost:
    """Time each step of the assignment's backward pass on a random net of this size.

    The defaults are the course's cat classifier (64 x 64 x 3 pixels, 7 hidden units,
    209 training images). Layer 1's ``linear_backward`` is timed as its two halves: what
    the slide also computes (``dW1``, ``db1``) and the ``dA0`` it adds.
    """
    rng = np.random.RandomState(seed)
    X = rng.rand(n_x, m)
    Y = (rng.rand(1, m) > 0.5).astype(np.float64)
    params = assignment.initialize_parameters(n_x, n_h, 1)
    A1, cache1 = assignment.linear_activation_forward(X, params["W1"], params["b1"], "relu")
    A2, cache2 = assignment.linear_activation_forward(A1, params["W2"], params["b2"], "sigmoid")
    g = assignment.two_layer_backward(A2, Y, cache1, cache2, "relu")
    dA2, dZ2, dA1, dZ1, W1 = g["dA2"], g["dZ2"], g["dA1"], g["dZ1"], params["W1"]
    steps = {
        "dA2 (output_dA)": lambda: assignment.output_dA(A2, Y),
        "dZ2 (sigmoid_backward)": lambda: assignment.sigmoid_backward(dA2, cache2.Z),
        "dW2, db2, dA1 (linear_backward)": lambda: assignment.linear_backward(
            dZ2, cache2.linear_cache
        ),
        "dZ1 (relu_backward)": lambda: assignment.relu_backward(dA1, cache1.Z),
        "dW1, db1": lambda: (dZ1 @ X.T / m, np.sum(dZ1, axis=1, keepdims=True) / m),
        "dA0 = W1.T dZ1": lambda: W1.T @ dZ1,
    }
    for fn in steps.values():  # warm-up: first calls allocate and page in memory
        fn()
    seconds = {name: _median_seconds(fn, repeat) for name, fn in steps.items()}
    return DA0Cost(n_x, n_h, m, seconds, repeat)
