"""Verdicts that never flatter: a whole pass judged at three and four layers, an argument
that grads keeps changed in place, every mistake named beside an error, the wrong return
order, the older notebook's grads keys.

Each expected result is worked out by hand in the test (which key, which layer, which line),
never by compare's own machinery. The student functions are written as students write them,
in this file, so their lines have source.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_lib import assignment
from course_lib.diagnose import check
from course_lib.student import compare, demonstrate, summary
from course_lib.student.deep import SIZES, deep_net, key_order

# ----------------------------------------------------------------------------- helpers


def relu_backward(dA, cache):
    dZ = np.array(dA, copy=True)
    dZ[cache <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (1 - s)


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def output_layer(AL, Y, caches, grads):
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    return L


# ----------------------------------------------------------------------------- whole passes


def loop_not_reversed(AL, Y, caches):
    grads = {}
    L = output_layer(AL, Y, caches, grads)
    for l in range(L - 1):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu"
        )
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def last_hidden_dA_in_loop(AL, Y, caches):
    grads = {}
    L = output_layer(AL, Y, caches, grads)
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(L - 1)], current_cache, "relu")  # fmt: skip  # noqa: E501
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def sigmoid_above_the_first_hidden_layer(AL, Y, caches):
    grads = {}
    L = output_layer(AL, Y, caches, grads)
    for l in reversed(range(L - 1)):
        activation = "relu" if l == 0 else "sigmoid"
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], activation)
        )
    return grads


def course_L_model_backward(AL, Y, caches):
    grads = {}
    L = output_layer(AL, Y, caches, grads)
    for l in reversed(range(L - 1)):
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = (
            linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        )
    return grads


def older_notebook(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(
        dAL, caches[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 2)], caches[l], "relu"
        )
        grads["dA" + str(l + 1)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


# ----------------------------------------------------------------------------- at depth


def test_the_deep_nets_are_the_assignments_kind_and_fixed_by_the_seed():
    for sizes in SIZES:
        net = deep_net(sizes, 0)
        AL, Y, caches = net.args
        assert AL.shape == (1, 5) and Y.shape == (1, 5) and len(caches) == len(sizes) - 1
        assert [c[0][1].shape for c in caches] == [
            (sizes[l], sizes[l - 1]) for l in range(1, len(sizes))
        ]
        assert set(Y.ravel()) == {0.0, 1.0} and np.all((AL > 0.01) & (AL < 0.99))
        assert type(caches[0]) is tuple and type(caches[0][0]) is tuple  # plain tuples
        again = assignment.L_model_backward(AL, Y, caches)
        assert all(np.array_equal(again[k], net.grads[k]) for k in net.grads)
    assert not np.array_equal(deep_net(SIZES[0], 0).args[0], deep_net(SIZES[0], 1).args[0])
    # The order the course's pass writes them: layer 3's dW, db, dA_prev, then layer 2's ...
    assert key_order(3) == ("dW3", "db3", "dA2", "dW2", "db2", "dA1", "dW1", "db1", "dA0")


def test_a_loop_that_is_not_reversed_is_right_at_two_layers_and_named_at_three():
    r = compare({"L_model_backward": loop_not_reversed})
    # Two layers: one hidden layer, so range(1) and reversed(range(1)) are the same turn.
    assert r.first_wrong is None and r.error is None
    assert not r.clean
    # Three layers: the first turn is l = 0, which reads grads['dA1']; only layer 2's step
    # (the turn l = 1) writes it. Four layers fail the same way.
    assert [(d.layers, d.key) for d in r.deep] == [(3, None), (4, None)]
    text = summary(r)
    assert "At three layers (layer sizes [4, 5, 3, 1], m = 5)" in text
    assert "raised KeyError" in text
    assert "grads['dA1'] is read before it is written: layer 2's step writes it." in text
    assert "the last hidden layer down (`for l in reversed(range(L - 1))`)" in text
    assert 'grads["dA" + str(l + 1)], current_cache, "relu"' in text  # the student's line
    assert text.count("test case 1 of 2") == 1  # check's KeyError is said once, not twice
    assert str(r).endswith(text)
    assert any(rep.startswith("At three layers") and "Traceback" in rep for rep in r.reports)


def test_reading_the_last_hidden_dA_inside_the_loop_is_named_at_three_layers():
    r = compare({"L_model_backward": last_hidden_dA_in_loop})
    assert r.first_wrong is None and r.error is None and not r.clean
    # Three layers: the turn l = 1 reads dA2 (right); the turn l = 0 reads dA2 again, of
    # shape (3, 5), where layer 1's Z has shape (5, 5): relu_backward's mask cannot fit.
    assert r.deep[0].layers == 3 and r.deep[0].key is None
    text = summary(r)
    assert 'linear_activation_backward(grads["dA" + str(L - 1)], current_cache' in text
    assert "reads grads['dA' + str(L - 1)] on every turn of the loop" in text
    assert "grads['dA' + str(l + 1)]" in text


def test_a_wrong_value_at_depth_names_the_first_gradient_that_departs():
    r = compare({"L_model_backward": sigmoid_above_the_first_hidden_layer})
    assert r.first_wrong is None and not r.clean
    # Three layers: layer 3 (the output) and its dA2 are right; layer 2 goes back through
    # the sigmoid, so its dW2, the next key written, is the first wrong one.
    # Four layers: layers 3 and 2 use the sigmoid; layer 4 is right, so dW3 departs.
    assert [(d.layers, d.key) for d in r.deep] == [(3, "dW2"), (4, "dW3")]
    text = summary(r)
    assert "At three layers (layer sizes [4, 5, 3, 1], m = 5), grads['dW2'] departs first:" in text
    assert "is expected" in text


def test_correct_code_is_clean_at_every_depth_and_a_helper_it_uses_is_never_unused():
    functions = {
        "L_model_backward": course_L_model_backward,
        "linear_activation_backward": linear_activation_backward,
        "relu_backward": relu_backward,
        "sigmoid_backward": sigmoid_backward,
        "linear_backward": linear_backward,
    }
    for seed in (0, 3):
        r = compare(functions, seed=seed)
        assert r.deep == () and r.clean, summary(r)
        assert r.unused == ()  # each is called by the pass, directly or through another
        assert summary(r) == "Every stage agrees with the reference."


def test_a_whole_pass_that_misbehaves_only_at_depth_never_makes_compare_raise():
    def hangs_at_depth(AL, Y, caches):
        while len(caches) > 2:
            pass
        return course_L_model_backward(AL, Y, caches)

    def odd_key_at_depth(AL, Y, caches):
        if len(caches) > 2:
            raise KeyError(object())
        return course_L_model_backward(AL, Y, caches)

    def list_at_depth(AL, Y, caches):
        return [1, 2] if len(caches) > 2 else course_L_model_backward(AL, Y, caches)

    class Hostile(dict):
        def __getitem__(self, key):
            raise RuntimeError("no")

    def hostile_dict_at_depth(AL, Y, caches):
        grads = course_L_model_backward(AL, Y, caches)
        return Hostile(grads) if len(caches) > 2 else grads

    t0 = time.perf_counter()
    for fn, words in [
        (hangs_at_depth, "did not finish within 0.2 s"),
        (odd_key_at_depth, "raised KeyError"),
        (list_at_depth, "returned a list, not the dict grads"),
    ]:
        r = compare({"L_model_backward": fn}, time_limit=0.2)
        assert r.first_wrong is None and not r.clean, fn.__name__
        assert r.deep and r.deep[0].layers == 3
        assert words in summary(r), summary(r)
    assert time.perf_counter() - t0 < 10
    # A dict whose lookups raise is read as the dict it is: its values are the course's.
    r = compare({"L_model_backward": hostile_dict_at_depth})
    assert r.deep == ()


# ----------------------------------------------------------------------------- in place


def relu_backward_in_place(dA, cache):
    dA[cache <= 0] = 0
    return dA


def sigmoid_backward_in_place(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    dA *= s * (1 - s)
    return dA


def test_changing_dA_in_place_is_not_clean_where_grads_keeps_it():
    r = compare({"relu_backward": relu_backward_in_place})
    # Every value is right: the pass gives each call a copy ...
    assert r.first_wrong is None and r.error is None and not r.mistakes
    # ... but in L_model_backward relu_backward's dA is grads['dA1'] itself.
    assert not r.clean
    text = summary(r)
    assert "Your relu_backward changes its argument dA in place" in text
    assert "a call of your relu_backward overwrites grads['dA1']" in text
    assert "changed its argument dA in place (dA[" in str(r.reports)  # the first change


def test_changing_dA_in_place_where_nothing_keeps_it_stays_a_note():
    # With a ReLU hidden layer sigmoid_backward serves the output layer only: its dA is dAL,
    # which L_model_backward keeps nowhere (grads has dA0 ... dA{L-1}).
    r = compare({"sigmoid_backward": sigmoid_backward_in_place}, hidden="relu")
    assert r.clean and r.overwrites == ()
    assert any("changed its argument dA in place" in rep for rep in r.reports)
    # With a sigmoid hidden layer it also serves layer 1, whose dA is grads['dA1'].
    r = compare({"sigmoid_backward": sigmoid_backward_in_place}, hidden="sigmoid")
    assert not r.clean and "overwrites grads['dA1']" in summary(r)


# ----------------------------------------------------------------------------- every mistake


def db_over_the_wrong_axis(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=0, keepdims=True) / m
    return np.dot(W.T, dZ), dW, db


def test_a_named_mistake_stands_beside_the_error_sentence():
    r = compare({"linear_backward": db_over_the_wrong_axis})
    # db2 sums dZ2 (1, 5) over axis 0: one number per example, shape (1, 5), not (1, 1).
    assert r.error == "linear_backward returned db with shape (1, 5), expected (1, 1)."
    for text in (summary(r), str(r)):
        assert text.count(r.error) == 1
        assert "db is summed over the wrong axis: over the units instead of the examples" in text
        assert "Hint: b is added to every example" in text


def wrong_return_order(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.dot(W.T, dZ)
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return dW, db, dA_prev


def test_outputs_in_another_order_are_named_as_the_wrong_return_order():
    feedback = check("linear_backward", wrong_return_order)
    assert not feedback.passed and feedback.mistake is None
    assert "the right arrays in the wrong order, (dW, db, dA_prev)" in feedback.message
    assert "the course's order is (dA_prev, dW, db)" in feedback.message
    assert feedback.hint == "End with `return dA_prev, dW, db`."
    r = compare({"linear_backward": wrong_return_order})
    assert not r.clean and r.error  # the pass stops on dW passed on as dA_prev ...
    assert "the wrong order, (dW, db, dA_prev)" in summary(r)  # ... and the order is said


def test_a_case_only_the_exercise_shows_is_said_with_the_mistake():
    r = demonstrate("relu_backward.boundary_at_zero")
    text = summary(r)
    assert "fails test case 2 of 2 (n[l] = 4, m = 7, some Z exactly 0)" in text
    assert "you kept Z >= 0 instead of Z > 0. Hint: ReLU is flat at and below 0" in text


def test_the_older_notebooks_grads_keys_are_named_as_that_convention():
    r = compare({"L_model_backward": older_notebook})
    assert not r.clean
    # Two layers: it stores layer 2's dA_prev (the gradient for A1) as dA2 and layer 1's
    # (the gradient for X) as dA1, so there is no dA0.
    assert "older week-4 notebook's convention" in r.convention
    text = summary(r)
    assert "stored layer l's dA_prev as grads['dA' + str(l)]" in text
    assert "the current assignment stores it as grads['dA' + str(l - 1)]" in text
    assert "the dA keys are shifted by one" in text  # the catalogue names it too
    # The course's own pass follows the current convention.
    assert compare({"L_model_backward": course_L_model_backward}).convention == ""


@pytest.mark.parametrize(
    "mistake_id", ["L_model_backward.dA_from_dAL", "L_model_backward.dAL_sign_flipped"]
)
def test_a_pass_wrong_at_two_layers_says_its_depth_briefly(mistake_id):
    r = demonstrate(mistake_id)
    assert r.first_wrong and r.deep and r.deep[0].layers == 3
    assert f"it departs too, first at grads[{r.deep[0].key!r}]." in summary(r)
