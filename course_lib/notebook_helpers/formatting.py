"""Numbers as the notebooks write them: one function per kind of number, so a sentence and
a figure title that state the same number agree to the digit."""

from __future__ import annotations

import numpy as np

from course_lib import gradcheck


def fmt(x, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits; never ``-0``, never ``np.float64(...)``."""
    x = float(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return str(x)
    s = f"{x:.{digits}g}"
    return "0" if float(s) == 0 else s


def below(err: float, floor: float | None = None) -> str:
    """The smallest power of ten above ``err``, as text: ``2.6e-11 -> "below 1e-10"``.

    Relative errors of finite differences are noise in their last digits; the order
    of magnitude is the stable, meaningful part. With ``floor``, anything under it
    (including 0) prints as ``"below {floor}"``: differences at rounding level depend on
    the order of a matrix product's additions, which can vary between machines.
    """
    err = float(err)
    if floor is not None and err < floor:
        exponent = np.log10(floor)
        return f"below 1e{int(exponent)}" if exponent == int(exponent) else f"below {floor:g}"
    if err == 0:
        return "exactly 0"
    return f"below 1e{int(np.floor(np.log10(err))) + 1}"


def difference(d: float, floor: float = 1e-12) -> str:
    """A difference of two computations: ``"below 1e-12"`` at rounding level, else its value."""
    d = float(d)
    return below(d, floor) if d < floor else fmt(d, 3)


def percent(fraction, decimals: int = 1) -> str:
    """A fraction as a percentage, ``0.8967 -> "89.7%"``: the one way a notebook writes one,
    so a figure's title and the sentence printed beside it agree to the digit."""
    return f"{100 * float(fraction):.{decimals}f}%"


def cost(J) -> str:
    """A cost as the training printouts write it: four decimals, ``0.70682 -> "0.7068"``."""
    return f"{float(J):.4f}"


def milliseconds(seconds) -> str:
    """A measured time, ``0.00257 -> "2.57 ms"``."""
    return f"{float(seconds) * 1e3:.2f} ms"


def power(x: float) -> str:
    """A power of ten as the notebooks write it: ``1e-07 -> "1e-7"``."""
    return gradcheck.power_text(x)


def cost_rises(costs, every: int = 100) -> list:
    """Where a recorded cost went up: ``["between iterations 700 and 800, from 0.2513 to
    0.2649"]``. costs : one cost per ``every`` iterations, as ``L_layer_model`` records them."""
    return [
        f"between iterations {i * every} and {(i + 1) * every}, from {cost(a)} to {cost(b)}"
        for i, (a, b) in enumerate(zip(costs, costs[1:], strict=False))
        if b > a
    ]
