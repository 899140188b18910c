"""Untrusted input for the stepper's setters: a browser can send any value for a synced
widget trait. Each helper returns ``(value, message)``: the value it can use (clamped) or
None, and a short message for the student ("" when the value was fine)."""

from __future__ import annotations

import math
import re

import numpy as np

MAX_TEXT = 40  # longest text input a setter looks at


def safe_repr(value) -> str:
    """A short, safe rendering of an untrusted value for a message."""
    try:
        text = repr(value)
    except Exception:  # a hostile object's __repr__ may raise
        text = f"a {type(value).__name__}"
    return text if len(text) <= 30 else text[:27] + "..."


def to_int(value, low: int, high: int, name: str) -> tuple[int | None, str]:
    """``(int in [low, high], message)`` from an untrusted value; ``(None, message)`` if unusable.

    Whole numbers (int, integral float, short digit strings) are clamped into range with a
    message; anything else (NaN, inf, bool, text, objects) is refused with a message.
    """
    refused = f"{name} must be a whole number from {low} to {high}; got {safe_repr(value)}."
    number = None
    if isinstance(value, (bool, np.bool_)):
        return None, refused
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        number = int(value)
    elif isinstance(value, str) and len(value) <= MAX_TEXT and re.fullmatch(r"\s*-?\d+\s*", value):
        number = int(value)
    if number is None:
        return None, refused
    if number < low or number > high:
        clamped = min(max(number, low), high)
        return clamped, f"{name} must be from {low} to {high}; using {clamped}."
    return number, ""


def to_choice(value, choices: tuple, name: str) -> tuple[str | None, str]:
    """``(value, "")`` if it is one of ``choices``, else ``(None, message)``."""
    if isinstance(value, str) and value in choices:
        return value, ""
    return None, f"{name} must be one of {', '.join(choices)}; got {safe_repr(value)}."


def to_bool(value, name: str) -> tuple[bool | None, str]:
    """``(bool, "")`` for a real boolean, else ``(None, message)``."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value), ""
    return None, f"{name} must be on or off; got {safe_repr(value)}."


def parse_shape(text) -> tuple[tuple | None, str]:
    """A predicted shape from text such as ``(4, 5)``, ``4x5`` or ``4 5``; never evaluated."""
    if not isinstance(text, str):
        return None, f"Type the shape as two numbers, like (4, 5); got {safe_repr(text)}."
    if len(text) > MAX_TEXT:
        return None, f"Type the shape as two numbers, like (4, 5) (at most {MAX_TEXT} characters)."
    match = re.fullmatch(
        r"\s*\(?\s*(\d{1,4})\s*(?:,|x|\*|\s)\s*(\d{1,4})\s*,?\s*\)?\s*", text, flags=re.IGNORECASE
    )
    if not match:
        return None, f"Type the shape as two numbers, like (4, 5); got {safe_repr(text)}."
    return (int(match.group(1)), int(match.group(2))), ""


def sign_of(x: float) -> str:
    """``"positive"``, ``"negative"`` or ``"zero"``."""
    return "positive" if x > 0 else "negative" if x < 0 else "zero"


def clamp_entry(entry: tuple, shape: tuple) -> tuple:
    """``entry`` moved inside a matrix of ``shape``."""
    return tuple(min(max(int(i), 0), n - 1) for i, n in zip(entry, shape, strict=True))
