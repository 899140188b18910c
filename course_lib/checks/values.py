"""Checks of single values: arrays, labels, numbers, choices; and the errors they raise.

Each check raises an error that names the argument (or the equation), the expected
shape or value, and what it got. Shapes and dtypes only, plus finiteness of small
arrays; see ``course_lib.checks`` for the rule at every product.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, Activation

# Where 1/m lives: in dW and db (the course), or folded into dZ2 once (an option).
ONE_OVER_M = ("dW", "dZ")
# The initial weights: randn * 0.01 (the course's assignments), randn / sqrt(n[l-1]) (the
# deep network application).
INIT_SCHEMES = ("course", "application")


class CourseInputError(ValueError):
    """A bad argument: wrong shape, mismatched sizes, bad values or dtype."""


class SaturationError(FloatingPointError):
    """The split form divided by a sigmoid output that saturated to exactly 0 or 1."""


class SaturationWarning(RuntimeWarning):
    """The split form's dA is huge because the output is close to 0 or 1."""


def as_matrix(name: str, value, *, where: str = "") -> np.ndarray:
    """Return ``value`` as a 2-D float64 array, or raise naming ``name``.

    Accepts lists, ints and floats; refuses strings, objects, complex numbers,
    booleans and anything that is not 2-D (the course keeps examples in columns,
    so even one example is ``(n, 1)``).
    """
    ctx = f" in {where}" if where else ""
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError) as exc:  # ragged nested lists
            raise CourseInputError(f"{name}{ctx} must be a 2-D numeric array: {exc}") from None
    if arr.dtype.kind not in "iuf":
        raise CourseInputError(
            f"{name}{ctx} must hold real numbers, got dtype {arr.dtype} (kind {arr.dtype.kind!r})"
        )
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 1:
            hint = f"; for one row use {name}.reshape(1, -1), for one column {name}.reshape(-1, 1)"
        raise CourseInputError(
            f"{name}{ctx} must be 2-D (rows x examples), got {arr.ndim}-D with shape "
            f"{arr.shape}{hint}"
        )
    if arr.size == 0:
        raise CourseInputError(f"{name}{ctx} is empty (shape {arr.shape})")
    if arr.dtype != np.float64:
        arr = arr.astype(np.float64)
    return arr


def as_bias(name: str, value, rows: int, *, where: str = "") -> np.ndarray:
    """A bias or its gradient as the ``(rows, 1)`` column it stands for, or raise naming ``name``.

    ``rows`` is the number of units (the rows of ``W``). Accepted, as NumPy broadcasts them in
    ``Z = W @ A + b`` and in ``b - learning_rate * db``:

    - a column ``(rows, 1)``, one bias per unit (returned as it is when already float64);
    - one number -- a Python or NumPy scalar, a 0-D array or a ``(1, 1)`` array -- the same
      bias for every unit, returned as the column ``(rows, 1)`` it broadcasts to.

    Refused: a 1-D array of any length. NumPy adds a ``(n,)`` bias along the examples (the
    columns of ``W @ A``), not the units, and does so silently when n equals m. A ``(1,)``
    would work only by the accident of its length, and the same code breaks at ``(n,)``, so
    it is refused too and the error says how to make the column. Any other shape is refused.
    """
    ctx = f" in {where}" if where else ""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise CourseInputError(f"{name}{ctx} must be a ({rows}, 1) column: {exc}") from None
    if arr.ndim == 1:
        raise CourseInputError(
            f"{name}{ctx} has shape {arr.shape}, expected ({rows}, 1) or one number: a 1-D "
            f"bias is added along the examples (the columns of W @ A), not the units; use "
            f"{name}.reshape(-1, 1) for the column"
        )
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    arr = as_matrix(name, arr, where=where)
    if arr.shape == (1, 1) and rows != 1:
        arr = np.full((rows, 1), arr[0, 0])  # one number: the same bias for every unit
    expect_shape(name, arr, (rows, 1), where=where)
    expect_finite(name, arr, where=where)
    return arr


def expect_shape(name: str, arr: np.ndarray, expected: tuple, *, where: str = "") -> None:
    """Raise unless ``arr.shape == expected``; ``None`` in ``expected`` matches any size."""
    ok = len(arr.shape) == len(expected) and all(
        e is None or e == a for e, a in zip(expected, arr.shape, strict=True)
    )
    if not ok:
        shown = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
        ctx = f" in {where}" if where else ""
        raise CourseInputError(f"{name}{ctx} has shape {arr.shape}, expected {shown}")


def expect_finite(name: str, arr: np.ndarray, *, where: str = "") -> None:
    """Raise if ``arr`` has NaN or inf, naming the first bad entry."""
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        ctx = f" in {where}" if where else ""
        raise CourseInputError(
            f"{name}{ctx} contains NaN or inf (first at index {tuple(int(i) for i in bad)}: "
            f"{arr[tuple(bad)]})"
        )


def checked_after():
    """A context for one product whose result ``check_product_finite`` inspects next.

    Inside it NumPy's floating-point warnings are off (``np.errstate``, local to the
    block), so a NaN or inf in a large operand is reported once, by the check, as a
    ``CourseInputError`` naming the operand, and never as a machine-dependent warning.
    """
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


def check_product_finite(result: np.ndarray, inputs: dict, *, where: str) -> None:
    """After ``result`` was computed from ``inputs``, find the culprit if it is not finite.

    Cheap on the happy path: only ``result`` (small) is scanned. On failure each input is
    scanned and the first that holds NaN or inf is named.
    """
    if np.isfinite(result).all():
        return
    for name, arr in inputs.items():
        expect_finite(name, np.asarray(arr), where=where)
    raise CourseInputError(
        f"{where} overflowed: the inputs are finite but the result is not "
        f"(largest |input| entries are too large for float64)"
    )


def check_labels(Y: np.ndarray, *, where: str = "") -> None:
    """Raise unless every label lies in [0, 1] (and is finite)."""
    expect_finite("Y", Y, where=where)
    if Y.min() < 0 or Y.max() > 1:
        ctx = f" in {where}" if where else ""
        bad = Y[(Y < 0) | (Y > 1)][0]
        raise CourseInputError(
            f"Y{ctx} must hold labels in [0, 1] (cross-entropy), got a value {bad}"
        )


def as_labels(Y, *, where: str = "", check_values: bool = True) -> np.ndarray:
    """Return the labels ``Y`` as a 2-D float64 array, or raise naming ``Y``.

    Like ``as_matrix``, and also accepts booleans (``True`` is label 1), since labels are
    often made by a comparison such as ``Y = X[0:1] > 0``. Every label must lie in [0, 1],
    unless ``check_values`` is false (for a function that reads only ``Y``'s shape).
    """
    if not isinstance(Y, np.ndarray):
        try:
            Y = np.asarray(Y)
        except (ValueError, TypeError):
            pass  # as_matrix names the problem
    if isinstance(Y, np.ndarray) and Y.dtype == np.bool_:
        Y = Y.astype(np.float64)
    Y = as_matrix("Y", Y, where=where)
    if check_values:
        check_labels(Y, where=where)
    return Y


def check_probabilities(name: str, A: np.ndarray, *, where: str = "") -> None:
    """Raise unless ``A`` holds finite values in [0, 1] (a sigmoid output)."""
    expect_finite(name, A, where=where)
    if A.min() < 0 or A.max() > 1:
        ctx = f" in {where}" if where else ""
        raise CourseInputError(
            f"{name}{ctx} must be a sigmoid output in [0, 1], got values in "
            f"[{A.min():.4g}, {A.max():.4g}]"
        )


def same_examples(names: tuple[str, str], a: np.ndarray, b: np.ndarray, *, where: str) -> None:
    """Raise unless ``a`` and ``b`` have the same number of examples (columns)."""
    if a.shape[1] != b.shape[1]:
        raise CourseInputError(
            f"{names[0]} and {names[1]} in {where} must have the same number of examples m "
            f"(columns): {names[0]} has shape {a.shape}, {names[1]} has shape {b.shape}"
        )


def check_int(name: str, value, *, low: int, high: int) -> int:
    """Return ``value`` as an int in [low, high], or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise CourseInputError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if not low <= int(value) <= high:
        raise CourseInputError(f"{name} must be between {low} and {high}, got {value}")
    return int(value)


def check_real(name: str, value, *, positive: bool = False) -> float:
    """Return ``value`` as a finite real float (> 0 if ``positive``, else >= 0), or raise."""
    wanted = "a positive finite number" if positive else "a finite number >= 0"
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not np.isfinite(value)
        or value < 0
        or (positive and value == 0)
    ):
        raise CourseInputError(f"{name} must be {wanted}, got {value!r}")
    return float(value)


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``; the error lists them."""
    if not isinstance(value, str) or value not in choices:
        raise CourseInputError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_activation(name, *, argument: str = "activation", choices=None) -> Activation:
    """The activation called ``name`` (one of ``choices``, default all), from the one table."""
    return ACTIVATIONS[check_choice(argument, name, choices or sorted(ACTIVATIONS))]


def check_hidden(hidden) -> Activation:
    """The 2-layer net's hidden activation: ``"relu"``, ``"tanh"`` or ``"sigmoid"``."""
    return check_activation(hidden, argument="hidden", choices=HIDDEN_ACTIVATIONS)


def check_one_over_m(one_over_m) -> str:
    """Where 1/m lives: ``"dW"`` (the course) or ``"dZ"`` (folded into dZ2)."""
    return check_choice("one_over_m", one_over_m, ONE_OVER_M)


def check_saturation(result: np.ndarray, explain: Callable[[int, int], str]) -> None:
    """Raise ``SaturationError`` at the first non-finite entry of ``result``.

    ``explain(k, i)`` words the message for entry ``(k, i)``: a division by a sigmoid output
    or a log of one that rounded to exactly 0 or 1.
    """
    if np.isfinite(result).all():
        return
    k, i = (int(v) for v in np.argwhere(~np.isfinite(result))[0])
    raise SaturationError(explain(k, i))


def check_items(value, n: int, what: str, where: str) -> tuple:
    """``value`` as a tuple of ``n`` items (a course cache), or raise naming ``what``."""
    try:
        items = tuple(value)
    except TypeError:
        raise CourseInputError(
            f"{what} in {where} must be a tuple of {n}, got {type(value).__name__}"
        ) from None
    if len(items) != n:
        raise CourseInputError(f"{what} in {where} must have {n} items, got {len(items)}")
    return items
