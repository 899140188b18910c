"""Catalogued mistakes in ``linear_backward(dZ, cache) -> (dA_prev, dW, db)``.

``cache`` is ``(A_prev, W, b)``: ``A_prev`` shape ``(n[l-1], m)``, ``W`` ``(n[l], n[l-1])``,
``b`` ``(n[l], 1)``; ``dZ`` has shape ``(n[l], m)``. The correct lines are
``dA_prev = W.T @ dZ``, ``dW = dZ @ A_prev.T / m``, ``db = sum(dZ, axis=1, keepdims) / m``.

The 1/m mistakes are catalogued per output (only in dW, only in db, both), so a student who
divides one of them correctly hears which one is wrong. ``W @ dZ`` where ``W.T @ dZ``
belongs is not an entry: with the non-square ``W`` of every case it raises, and ``check``
explains the raise with the student's line (``dZ.T @ W``, the same mistake made to fit, is
``dA_prev_transposed``).
"""

from __future__ import annotations

import numpy as np

from course_lib.diagnose.catalogue.registry import catalogued


def _sums(dZ, m):
    """The correct db: each unit's dZ averaged over the m examples, shape (n[l], 1)."""
    return np.sum(dZ, axis=1, keepdims=True) / m


@catalogued(
    "linear_backward",
    "dW_transposed",
    "dW is transposed: its product has the factors in the wrong order",
    "dW must have the shape of W, (n[l], n[l-1]). Which factor of the product "
    "brings the n[l] rows?",
)
def _lb_dW_transposed(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, A_prev @ dZ.T / m, _sums(dZ, m)


@catalogued(
    "linear_backward",
    "dA_prev_transposed",
    "dA_prev is transposed: its product has the factors in the wrong order",
    "dA_prev must have the shape of A_prev, (n[l-1], m): one column per example.",
)
def _lb_dA_prev_transposed(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return dZ.T @ W, dZ @ A_prev.T / m, _sums(dZ, m)


@catalogued(
    "linear_backward",
    "no_one_over_m",
    "1/m is missing: dW and db are m times too large",
    "J is the mean of the m examples' losses, so dW and db are means over the examples too.",
)
def _lb_no_one_over_m(dZ, cache):
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


@catalogued(
    "linear_backward",
    "m_from_rows",
    "m is taken from the wrong axis: you divided by n[l-1], the rows of A_prev",
    "m counts examples, and examples are the columns.",
)
def _lb_m_from_rows(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[0]
    return W.T @ dZ, dZ @ A_prev.T / m, _sums(dZ, m)


@catalogued(
    "linear_backward",
    "one_over_m_in_dA_prev",
    "1/m is put into dA_prev as well: dA_prev is m times too small",
    "dA_prev is per example (dL/dA_prev, one column each); only dW and db average "
    "over the examples.",
)
def _lb_one_over_m_in_dA_prev(dZ, cache):
    # Written out as a student would, one line per output: notebook 10 and mistake mode
    # show its lines, each tied to the equation it computes.
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ) / m
    return dA_prev, dW, db


@catalogued(
    "linear_backward",
    "db_wrong_axis",
    "db is summed over the wrong axis: over the units instead of the examples",
    "b is added to every example (every column), so db collects one number per "
    "unit (row). Which axis runs over the examples?",
)
def _lb_db_wrong_axis(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=0, keepdims=True) / m


@catalogued(
    "linear_backward",
    "db_not_kept",
    "db lost its column shape: it is 1-D instead of (n[l], 1)",
    "A sum over an axis drops that axis unless you ask NumPy to keep it.",
)
def _lb_db_not_kept(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1) / m


@catalogued(
    "linear_backward",
    "no_one_over_m_in_dW",
    "dW lacks 1/m: it is m times too large",
    "dW is a mean over the m examples, like db: the product dZ A_prev.T only sums them.",
)
def _lb_no_one_over_m_in_dW(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T, _sums(dZ, m)


@catalogued(
    "linear_backward",
    "no_one_over_m_in_db",
    "db lacks 1/m: it is m times too large",
    "db is a mean over the m examples, like dW: np.sum only adds them up.",
)
def _lb_no_one_over_m_in_db(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True)


@catalogued(
    "linear_backward",
    "one_over_m_twice",
    "1/m is applied twice: dW and db are m times too small",
    "Divide by m once per gradient: count the divisions on each line (1/m written "
    "in front and / m at the end are two).",
)
def _lb_one_over_m_twice(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, 1 / m * (dZ @ A_prev.T) / m, 1 / m * _sums(dZ, m)


@catalogued(
    "linear_backward",
    "one_over_m_twice_in_dW",
    "dW has 1/m twice: it is m times too small",
    "Divide by m once per gradient: count the divisions on the dW line.",
)
def _lb_one_over_m_twice_in_dW(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, 1 / m * (dZ @ A_prev.T) / m, _sums(dZ, m)


@catalogued(
    "linear_backward",
    "one_over_m_twice_in_db",
    "db has 1/m twice: it is m times too small",
    "Divide by m once per gradient: count the divisions on the db line.",
)
def _lb_one_over_m_twice_in_db(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, 1 / m * _sums(dZ, m)


@catalogued(
    "linear_backward",
    "m_from_dZ_rows",
    "m is taken from the rows of dZ: you divided by n[l], the units of the layer",
    "m counts examples, and examples are the columns of dZ and A_prev.",
)
def _lb_m_from_dZ_rows(dZ, cache):
    A_prev, W, _ = cache
    m = dZ.shape[0]
    return W.T @ dZ, dZ @ A_prev.T / m, _sums(dZ, m)
