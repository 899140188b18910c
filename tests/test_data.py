"""course_lib.data: generated data sets, examples in columns, reproducible from a seed."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import CourseInputError, data

MAKERS = {"flower": data.make_flower, "xor": data.make_xor, "moons": data.make_moons}


def linear_accuracy(X, Y) -> float:
    """Training accuracy of the least-squares linear classifier (the best a line does, roughly)."""
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T
    w, *_ = np.linalg.lstsq(A, Y.ravel() * 2 - 1, rcond=None)
    return float(np.mean((A @ w > 0) == (Y.ravel() > 0.5)))


@pytest.mark.parametrize("name", data.DATASETS)
def test_layout_labels_and_both_classes(name):
    X, Y = MAKERS[name](m=60, seed=3)
    assert X.shape == (2, 60) and Y.shape == (1, 60)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", data.DATASETS)
def test_seeded_reproducible_and_local(name):
    np.random.seed(99)
    state = np.random.get_state()[1].copy()
    X1, Y1 = MAKERS[name](m=50, seed=4)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global RNG untouched
    X2, Y2 = MAKERS[name](m=50, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    X3, _ = MAKERS[name](m=50, seed=5)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", data.DATASETS)
def test_make_dataset_delegates(name):
    X, Y = data.make_dataset(name, m=40, seed=2)
    Xd, Yd = MAKERS[name](m=40, seed=2)
    np.testing.assert_array_equal(X, Xd)
    np.testing.assert_array_equal(Y, Yd)


def test_xor_label_is_the_xor_of_the_coordinate_signs():
    # Corners at (+-1, +-1) with noise 0.15: no point crosses an axis (that is 6.7 sigma).
    X, Y = data.make_xor(m=500, seed=7)
    np.testing.assert_array_equal(((X[0] > 0) ^ (X[1] > 0)).astype(float), Y[0])


@pytest.mark.parametrize("name", ["flower", "xor"])
def test_flower_and_xor_defeat_a_straight_line(name):
    X, Y = MAKERS[name](m=400, seed=0)
    assert linear_accuracy(X, Y) < 0.75


def test_moons_upper_moon_is_class_zero():
    # Class 0 lies on (cos t, sin t), class 1 on (1 - cos t, 1/2 - sin t), t in [0, pi].
    X, Y = data.make_moons(m=400, seed=1, noise=0.0)
    upper, lower = X[:, Y[0] == 0], X[:, Y[0] == 1]
    np.testing.assert_allclose(upper[0] ** 2 + upper[1] ** 2, 1.0)
    np.testing.assert_allclose((1 - lower[0]) ** 2 + (0.5 - lower[1]) ** 2, 1.0)
    assert upper[1].min() >= 0 and lower[1].max() <= 0.5


def test_flower_without_noise_stays_within_radius_four():
    X, _ = data.make_flower(m=300, seed=0, noise=0.0)
    assert np.sqrt((X**2).sum(axis=0)).max() <= 4.0 + 1e-12


def test_make_problem_draw_order_and_shapes():
    X, Y, p = data.make_problem(n_x=3, n_h=5, n_y=2, m=7, seed=11, weight_scale=2.0)
    rng = np.random.RandomState(11)
    np.testing.assert_array_equal(X, rng.randn(3, 7))
    np.testing.assert_array_equal(Y, (rng.rand(2, 7) > 0.5).astype(float))
    np.testing.assert_array_equal(p["W1"], rng.randn(5, 3) * 2.0 / np.sqrt(3))
    np.testing.assert_array_equal(p["b1"], rng.randn(5, 1) * 0.1)
    np.testing.assert_array_equal(p["W2"], rng.randn(2, 5) * 2.0 / np.sqrt(5))
    np.testing.assert_array_equal(p["b2"], rng.randn(2, 1) * 0.1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.make_flower(m=1), "m must be between 2 and"),
        (lambda: data.make_flower(petals=0), "petals must be between 1 and"),
        (lambda: data.make_xor(noise=-0.1), "noise must be a finite number >= 0, got -0.1"),
        (lambda: data.make_moons(noise=float("nan")), "noise must be .* got nan"),
        (lambda: data.make_moons(seed=-1), "seed must be between 0 and"),
        (lambda: data.make_flower(m=2.5), "m must be an integer, got float 2.5"),
        (lambda: data.make_dataset("spiral"), r"\['flower', 'xor', 'moons'\], got 'spiral'"),
        (lambda: data.make_problem(n_h=0), "n_h must be between 1 and"),
        (lambda: data.make_problem(weight_scale=0), "weight_scale must be a positive finite"),
        (lambda: data.make_problem(seed="a"), "seed must be an integer, got str 'a'"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(CourseInputError, match=message):
        call()
