"""Property tests: random non-square nets, every hidden activation.

Shapes: n_x, n_h and m are distinct (so no matrix is square and a transposed product cannot
pass by accident), n_y is 1 or 2 and differs from n_h. Values are non-zero and all distinct
(so no array is symmetric), scaled by 1/sqrt(fan-in) so the output stays clear of 0 and 1
where the finite difference for dA2 needs room.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import assignment, gradcheck, slide
from course_lib.activations import HIDDEN_ACTIVATIONS
from course_lib.stages import STAGE_KEYS, backward_stages

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)

# Any stage whose gradient is this small is skipped by the gradient-check property: the
# centred difference has an absolute error floor near 1e-10, so a relative error of a
# gradient this close to zero measures rounding, not correctness.
TINY_GRADIENT = 1e-3
# Finite differences step a ReLU pre-activation by about 1e-6; keep every Z1 this far from 0.
RELU_MARGIN = 1e-3


def nonzero(low: float, high: float):
    return st.one_of(st.floats(-high, -low), st.floats(low, high))


def matrix(shape, low=0.25, high=2.0):
    return arrays(np.float64, shape, elements=nonzero(low, high), unique=True)


@st.composite
def nets(draw, hidden: str):
    n_x, n_h, m = draw(st.lists(st.integers(2, 7), min_size=3, max_size=3, unique=True))
    n_y = draw(st.integers(1, 2).filter(lambda n: n != n_h))
    X = draw(matrix((n_x, m), 0.1, 1.0))
    p = {
        "W1": draw(matrix((n_h, n_x))) / np.sqrt(n_x),
        "b1": draw(matrix((n_h, 1), 0.05, 0.5)),
        "W2": draw(matrix((n_y, n_h))) / np.sqrt(n_h),
        "b2": draw(matrix((n_y, 1), 0.05, 0.5)),
    }
    Y = draw(arrays(np.float64, (n_y, m), elements=st.sampled_from([0.0, 1.0])))
    if hidden == "relu":
        assume(np.abs(p["W1"] @ X + p["b1"]).min() > RELU_MARGIN)
    return X, Y, p


def for_each_hidden(test):
    """Run a property once per hidden activation, each with its own examples."""

    @pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
    @SETTINGS
    @given(data=st.data())
    def wrapper(hidden, data):
        test(hidden, *data.draw(nets(hidden)))

    wrapper.__name__ = test.__name__
    wrapper.__doc__ = test.__doc__
    return wrapper


@for_each_hidden
def test_slide_equals_assignment_for_every_stage_the_slide_has(hidden, X, Y, p):
    """Each of the slide's values equals the split's within 1e-12."""
    _, cache = slide.forward_propagation(X, p, hidden)
    s = slide.six_equations(p, cache, X, Y, hidden)

    A1, c1 = assignment.linear_activation_forward(X, p["W1"], p["b1"], hidden)
    A2, c2 = assignment.linear_activation_forward(A1, p["W2"], p["b2"], "sigmoid")
    dA1, dW2, db2 = assignment.linear_activation_backward(
        assignment.output_dA(A2, Y), c2, "sigmoid"
    )
    _, dW1, db1 = assignment.linear_activation_backward(dA1, c1, hidden)
    dZ2 = assignment.sigmoid_backward(assignment.output_dA(A2, Y), c2.Z)
    dZ1 = {
        "relu": assignment.relu_backward,
        "tanh": assignment.tanh_backward,
        "sigmoid": assignment.sigmoid_backward,
    }[hidden](dA1, c1.Z)
    split = {"dZ2": dZ2, "dW2": dW2, "db2": db2, "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}

    np.testing.assert_allclose(cache["A2"], A2, rtol=0, atol=1e-15)
    for key, value in split.items():
        assert s[key].shape == value.shape, key
        assert np.max(np.abs(s[key] - value)) <= 1e-12, key

    bp = backward_stages(X, Y, p, hidden)
    for stage in bp.stages:
        if stage.slide_value is not None:
            assert stage.max_abs_diff <= 1e-12, stage.key
    assert [st.key for st in bp.stages if st.slide_value is None] == ["dA2", "dA0"]


@for_each_hidden
def test_every_stage_passes_the_gradient_check(hidden, X, Y, p):
    """Centred finite differences agree with every stage to a relative error below 1e-6."""
    grads = backward_stages(X, Y, p, hidden).grads()
    checked = {k: v for k, v in grads.items() if np.linalg.norm(v) > TINY_GRADIENT}
    assume({"dZ2", "dW2", "dZ1", "dW1", "dA0"} <= set(checked))
    report = gradcheck.gradient_check(checked, X, Y, p, hidden)
    assert report.passed, str(report)
    assert set(report.relative_errors) <= set(STAGE_KEYS)
    assert max(report.relative_errors.values()) < 1e-6


@for_each_hidden
def test_both_one_over_m_placements_give_equal_dW_db(hidden, X, Y, p):
    """Folding 1/m into dZ2 instead of dW, db changes dZ by 1/m and nothing else."""
    m = X.shape[1]
    _, cache = slide.forward_propagation(X, p, hidden)
    per_example = slide.six_equations(p, cache, X, Y, hidden)
    averaged = slide.six_equations_averaged_dZ(p, cache, X, Y, hidden)
    for key in ("dW1", "db1", "dW2", "db2"):
        assert np.max(np.abs(averaged[key] - per_example[key])) <= 1e-12, key
    for key in ("dZ2", "dA1", "dZ1"):
        np.testing.assert_allclose(averaged[key] * m, per_example[key], rtol=1e-12, atol=1e-15)

    folded = backward_stages(X, Y, p, hidden, one_over_m="dZ")
    plain = backward_stages(X, Y, p, hidden, one_over_m="dW")
    for key in ("dW1", "db1", "dW2", "db2"):
        assert np.max(np.abs(folded[key].slide_value - plain[key].slide_value)) <= 1e-12
        assert folded[key].max_abs_diff <= 1e-12
