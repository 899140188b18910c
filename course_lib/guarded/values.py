"""Values in words: why a value a student's function returned cannot be used
(``describe_output``), and which arguments a call changed in place (``in_place_changes``,
``mutation_sentence``)."""

from __future__ import annotations

import inspect

import numpy as np


def describe_output(
    value, *, function: str, output: str, expected_shape=None, dtype_kinds: str = "iuf"
) -> str | None:
    """One sentence saying why ``value`` cannot be used as ``output``; None when it can.

    Parameters
    ----------
    value : object
        What ``function`` returned for ``output`` (``dZ``, ``grads['dW1']``, ...).
    function, output : str
        Names used in the sentence.
    expected_shape : tuple, optional
        The shape ``output`` must have, ``None`` in it matching any size.
    dtype_kinds : str
        The NumPy dtype kinds accepted (``"iuf"``: integers and floats, float32 too).
    """
    if value is None:
        return f"{function} returned None instead of {output}: is the `return` line missing?"
    want = None if expected_shape is None else tuple(expected_shape)
    if not isinstance(value, np.ndarray):
        tip = ""
        if want and want[1:] == (1,) and _describe(value) == "a single number":
            tip = " (a sum with keepdims=True keeps the column shape)"
        shape = f" of shape {_shape_text(want)}" if want else ""
        return f"{function} returned {output} as {_describe(value)}, not a NumPy array{shape}{tip}."
    if value.dtype.kind not in dtype_kinds:
        tip = " (a comparison such as `Z > 0` gives True/False)" if value.dtype == bool else ""
        return (
            f"{function} returned {output} holding values of type {value.dtype}, "
            f"not real numbers{tip}."
        )
    if want is not None and not _fits(value.shape, want):
        note = ""
        if value.ndim == 2 and _fits(value.shape[::-1], want):
            note = ": that is the transposed shape (check the order of the factors and the .T)"
        elif value.ndim == 1 and len(want) == 2 and _fits((*value.shape, 1), want):
            note = ": it is 1-D and lost its column (a sum with keepdims=True keeps it)"
        elif value.ndim == 1 and len(want) == 2 and _fits((1, *value.shape), want):
            note = ": it is 1-D and lost its row (a sum with keepdims=True keeps it)"
        return (
            f"{function} returned {output} with shape {value.shape}, expected "
            f"{_shape_text(want)}{note}."
        )
    if value.dtype.kind in "fc" and not np.isfinite(value).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(value))[0])
        return (
            f"{function} returned {output} holding {value[index]} at "
            f"{_at(output, index)} (its first NaN or inf)."
        )
    return None


# ----------------------------------------------------------------------------- in place


def in_place_changes(fn, before: tuple, after: tuple) -> list[tuple[str, str]]:
    """``(argument name, its first change)`` for each argument ``fn`` changed in place:
    ``before`` is a pristine copy of the arguments, ``after`` the copy ``fn`` was given."""
    names = _argument_names(fn, len(before))
    return [
        (n, c)
        for n, b, a in zip(names, before, after, strict=True)
        if (c := _change(b, a, n)) is not None
    ]


def _argument_names(fn, n: int) -> list[str]:
    """The names of ``fn``'s first ``n`` positional parameters (``argument 3`` if unknown)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except Exception:  # builtins without a signature, or a student's odd callable
        params = []
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [positional[i] if i < len(positional) else f"argument {i + 1}" for i in range(n)]


def _change(before, after, path: str) -> str | None:
    """Where ``after`` (the student's copy) first differs from ``before``, or None."""
    if type(before) is not type(after):
        return f"{path} was {_describe(before)}, now {_describe(after)}"
    if isinstance(before, np.ndarray):
        if before.shape != after.shape or before.dtype != after.dtype:
            return (
                f"{path} had shape {before.shape} and dtype {before.dtype}, now "
                f"{after.shape} and {after.dtype}"
            )
        index = _first_difference(before, after)
        if index is None:
            return None
        return f"{_at(path, index)} was {_number(before[index])}, now {_number(after[index])}"
    if isinstance(before, dict):
        added = [k for k in after if k not in before]
        lost = [k for k in before if k not in after]
        if added or lost:
            return f"{path} {'gained' if added else 'lost'} the key {(added or lost)[0]!r}"
        parts = ((before[k], after[k], f"{path}[{k!r}]") for k in before)
    elif isinstance(before, (tuple, list)):
        if len(before) != len(after):
            return f"{path} had {len(before)} items, now {len(after)}"
        fields = getattr(before, "_fields", None)
        parts = (
            (b, a, f"{path}.{fields[i]}" if fields else f"{path}[{i}]")
            for i, (b, a) in enumerate(zip(before, after, strict=True))
        )
    elif _same_leaf(before, after):
        return None
    else:
        return f"{path} was {before!r:.40}, now {after!r:.40}"
    return next((c for b, a, p in parts if (c := _change(b, a, p)) is not None), None)


def _first_difference(before: np.ndarray, after: np.ndarray):
    """The first index where two arrays of one shape differ (NaN equals NaN), or None."""
    try:
        with np.errstate(all="ignore"):
            differ = np.asarray(before != after, dtype=bool)
            if before.dtype.kind in "fc":
                differ &= ~(np.isnan(before) & np.isnan(after))
    except Exception:  # an object array whose items cannot be compared
        return None
    if not differ.any():
        return None
    return tuple(int(i) for i in np.argwhere(differ)[0])


def _same_leaf(before, after) -> bool:
    if before is after or type(before).__eq__ is object.__eq__:
        return True  # compared by identity only: a deep copy cannot tell
    try:
        return bool(before == after) or (before != before and after != after)  # NaN
    except Exception:
        return True


def mutation_sentence(name, changes) -> str:
    """One sentence naming the arguments ``name`` changed in place and the first change,
    from ``in_place_changes``; "" when there were none."""
    if not changes:
        return ""
    names = [n for n, _ in changes]
    which = (
        f"argument {names[0]}"
        if len(names) == 1
        else f"arguments {', '.join(names[:-1])} and {names[-1]}"
    )
    return (
        f"{name} changed its {which} in place ({changes[0][1]}); return new arrays "
        f"instead of changing the ones you are given (`np.array(x, copy=True)` makes "
        f"a copy you may change)."
    )


# ----------------------------------------------------------------------------- in words


def _describe(value) -> str:
    """A value's type in plain words."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (bool, np.bool_)):
        return "True/False"
    if np.isscalar(value):
        return "a single number"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def _number(x) -> str:
    return f"{x:.6g}" if isinstance(x, (float, np.floating)) else str(x)


def _at(label: str, index: tuple) -> str:
    return f"{label}[{', '.join(map(str, index))}]" if index else label


def _fits(shape: tuple, want: tuple) -> bool:
    if len(shape) != len(want):
        return False
    return all(w is None or w == s for s, w in zip(shape, want, strict=True))


def _shape_text(want: tuple) -> str:
    sizes = ["any" if w is None else str(w) for w in want]
    return "(" + ", ".join(sizes) + "," * (len(sizes) == 1) + ")"
