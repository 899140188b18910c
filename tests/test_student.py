"""course_lib.student.compare: the student's pass stage by stage, and the mistake named.

The oracle for "where does the pass depart" is computed here without compare's machinery:
the mistaken function is put straight into the split pass (or called as the whole pass)
and the first stage whose value or shape differs from the reference is the expected one.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_lib import CourseInputError, assignment, slide
from course_lib.data import make_problem
from course_lib.diagnose import MISTAKES
from course_lib.stages import STAGE_KEYS, backward_stages
from course_lib.student import (
    FUNCTION_OF,
    HIDDEN,
    INHERITS,
    RIGHT,
    WRONG_HERE,
    compare,
    demonstrate,
    suited_hidden,
    summary,
)


def differs(got, want) -> bool:
    got = np.asarray(got)
    return got.shape != want.shape or not np.allclose(got, want, rtol=1e-7, atol=1e-10)


def expected_first_wrong(mistake, seed=0):
    """The first stage whose value departs when ``mistake.apply`` replaces its function."""
    hidden = suited_hidden(mistake.exercise)
    name = FUNCTION_OF[mistake.exercise]
    X, Y, p = make_problem(seed=seed)
    ref = backward_stages(X, Y, p, hidden)
    A1, cache1 = assignment.linear_activation_forward(X, p["W1"], p["b1"], hidden)
    A2, cache2 = assignment.linear_activation_forward(A1, p["W2"], p["b2"], "sigmoid")
    if name == "backward_propagation":
        grads = mistake.apply(p, slide.forward_propagation(X, p, "tanh")[1], X, Y)
    elif name == "L_model_backward":
        grads = mistake.apply(A2, Y, [cache1, cache2])
    elif name == "linear_activation_backward":
        dA2 = assignment.output_dA(A2, Y)
        dA1, dW2, db2 = mistake.apply(dA2, cache2, "sigmoid")
        grads = {"dA2": dA2, "dW2": dW2, "db2": db2, "dA1": dA1}
        if np.shape(dA1) == A1.shape:
            grads.update(
                zip(("dA0", "dW1", "db1"), mistake.apply(dA1, cache1, hidden), strict=True)
            )
    else:
        try:
            grads = assignment.two_layer_backward(
                A2, Y, cache1, cache2, hidden, {name: mistake.apply}
            )
        except (CourseInputError, ValueError):  # a wrong shape passed on: stop there
            return first_bad_until_failure(mistake, name, ref, cache1, cache2, A2, Y, hidden)
    seen = {
        "L_model_backward": ("dA1", "dW2", "db2", "dA0", "dW1", "db1"),
        "backward_propagation": ("dW2", "db2", "dW1", "db1"),
    }.get(name, STAGE_KEYS)
    return next(
        (k for k in STAGE_KEYS if k in seen and k in grads and differs(grads[k], ref[k].value)),
        None,
    )


# The stages each call of a split step computes, in call order.
KEYS_OF = {
    "compute_dAL": [("dA2",)],
    "sigmoid_backward": [("dZ2",), ("dZ1",)],
    "relu_backward": [("dZ1",)],
    "tanh_backward": [("dZ1",)],
    "linear_backward": [("dA1", "dW2", "db2"), ("dA0", "dW1", "db1")],
}


def first_bad_until_failure(mistake, name, ref, cache1, cache2, A2, Y, hidden):
    """A step returned an array the next step cannot read: the departure is among the
    stages the mistaken function computed before the pass stopped."""
    outputs = []

    def recording(*args):
        outputs.append(mistake.apply(*args))
        return outputs[-1]

    try:
        assignment.two_layer_backward(A2, Y, cache1, cache2, hidden, {name: recording})
    except (CourseInputError, ValueError):
        pass
    got = {}
    for keys, out in zip(KEYS_OF[name], outputs, strict=False):
        got.update(zip(keys, out if len(keys) > 1 else (out,), strict=True))
    return next(k for k in STAGE_KEYS if k in got and differs(got[k], ref[k].value))


# ----------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_every_catalogued_mistake_is_found_where_it_departs_and_named(mistake):
    r = demonstrate(mistake.id)
    assert r.unsupported is None
    assert r.first_wrong == expected_first_wrong(mistake)
    assert r.mistake == mistake.id, (r.mistake, r.feedback)
    assert r.mistakes[0] == mistake.id
    name = FUNCTION_OF[mistake.exercise]
    known = getattr(mistake, "stage", None)
    if known:
        assert r.mistake_stage == known
    else:  # made inside a step: the first stage that function gets wrong on its own
        computed_by_it = [s.key for s in r.stages if s.function == name]
        assert r.mistake_stage in computed_by_it
        if r.first_wrong is not None:
            assert r[r.mistake_stage].verdict == WRONG_HERE
    assert r.hint and not r.clean


def test_a_mistake_the_small_net_cannot_show_is_still_named_from_the_exercise_cases():
    # No Z1 entry is exactly 0 on the stepper's net, so Z >= 0 and Z > 0 agree there.
    r = demonstrate("relu_backward.boundary_at_zero")
    assert r.first_wrong is None
    assert r.mistake == "relu_backward.boundary_at_zero" and r.mistake_stage == "dZ1"


def test_a_later_stage_right_on_its_own_inherits_the_error():
    r = demonstrate("dAL.sign_flipped")
    assert r.first_wrong == "dA2" and r["dA2"].verdict == WRONG_HERE
    for key in ("dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"):
        assert r[key].verdict == INHERITS and r[key].inherits_from == "dA2", key
        assert r[key].right_as_fed is False


def test_a_wrong_step_is_wrong_here_and_the_steps_it_feeds_inherit():
    def relu_backward(dA, Z):
        return dA  # the derivative left out

    r = compare({"relu_backward": relu_backward}, hidden="relu")
    assert [s.verdict for s in r.stages[:5]] == [RIGHT] * 5
    assert r["dZ1"].verdict == WRONG_HERE and r["dZ1"].function == "relu_backward"
    assert {r[k].verdict for k in ("dW1", "db1", "dA0")} == {INHERITS}
    assert r.mistake == "relu_backward.derivative_left_out"
    assert "dZ1" in summary(r)


# ----------------------------------------------------------------------------- correct code


def linear_backward_einsum(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.einsum("ki,ji->kj", dZ, A_prev) / m
    db = np.einsum("ki->k", dZ)[:, None] / m
    return np.einsum("kj,ki->ji", W, dZ), dW, db


def relu_backward_loops(dA, cache):
    Z = cache
    dZ = np.zeros_like(dA)
    for k in range(Z.shape[0]):
        for i in range(Z.shape[1]):
            dZ[k, i] = dA[k, i] if Z[k, i] > 0 else 0.0
    return dZ


def tanh_backward_float32(dA, cache):
    t = np.tanh(cache.astype(np.float32))
    return dA.astype(np.float32) * (1 - t * t)


def sigmoid_backward_course(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (1 - s)


def compute_dAL(AL, Y):
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def linear_activation_backward_course(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward_loops(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward_course(dA, activation_cache)
    return linear_backward_einsum(dZ, linear_cache)


def L_model_backward_course(AL, Y, caches):
    grads, L = {}, len(caches)
    dAL = compute_dAL(AL, Y.reshape(AL.shape))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward_course(
        dAL, caches[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = (
            linear_activation_backward_course(grads[f"dA{l + 1}"], caches[l], "relu")
        )
    return grads


def backward_propagation_course(parameters, cache, X, Y):
    m = X.shape[1]
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


CORRECT = [
    (
        {
            "linear_backward": linear_backward_einsum,
            "relu_backward": relu_backward_loops,
            "sigmoid_backward": sigmoid_backward_course,
            "compute_dAL": compute_dAL,
        },
        "relu",
    ),
    (
        {"linear_backward": linear_backward_einsum, "sigmoid_backward": sigmoid_backward_course},
        "sigmoid",
    ),
    ({"tanh_backward": tanh_backward_float32, "linear_backward": linear_backward_einsum}, "tanh"),
    ({"linear_activation_backward": linear_activation_backward_course}, "relu"),
    ({"linear_activation_backward": linear_activation_backward_course}, "sigmoid"),
    ({"L_model_backward": L_model_backward_course}, "relu"),
    ({"backward_propagation": backward_propagation_course}, "tanh"),
]


@pytest.mark.parametrize(
    "functions, hidden", CORRECT, ids=[f"{'+'.join(f)}-{h}" for f, h in CORRECT]
)
@pytest.mark.parametrize("seed", [0, 7])
def test_correct_code_written_differently_is_clean_at_every_stage(functions, hidden, seed):
    r = compare(functions, hidden=hidden, seed=seed)
    assert r.clean, summary(r)
    assert {s.verdict for s in r.stages} <= {RIGHT, HIDDEN}
    assert sum(s.verdict == RIGHT for s in r.stages) >= 4
    assert summary(r) == "Every stage agrees with the reference."


def test_a_function_that_cannot_serve_the_hidden_activation_is_said_so():
    r = compare({"backward_propagation": backward_propagation_course}, hidden="relu")
    assert r.first_wrong is None and r.mistake is None
    assert "tanh" in r.unsupported and "hidden='tanh'" in r.unsupported
    r = compare({"linear_activation_backward": linear_activation_backward_course}, hidden="tanh")
    assert r.first_wrong is None and "tanh" in r.unsupported
    r = compare({"L_model_backward": L_model_backward_course}, hidden="sigmoid")
    assert "relu" in r.unsupported


# ----------------------------------------------------------------------------- hostile code


def raises(dZ, cache):
    return 1 / 0


def never_returns(dZ, cache):
    while True:
        pass


def returns_none(dZ, cache):
    np.sum(dZ)


def returns_list(dZ, cache):
    return [1, 2, 3]


def returns_nan(dA, cache):
    return dA * np.nan


def mutates(dA, cache):
    dA[cache <= 0] = 0
    return dA


def prints(dA, cache):
    print("shapes:", dA.shape, cache.shape)
    return np.where(cache > 0, dA, 0.0)


HOSTILE = [
    ("linear_backward", raises, "ZeroDivisionError"),
    ("linear_backward", returns_none, "returned None"),
    ("linear_backward", returns_list, "tuple"),
    ("relu_backward", returns_nan, "NaN"),
]


@pytest.mark.parametrize("name, fn, words", HOSTILE, ids=[h[1].__name__ for h in HOSTILE])
def test_hostile_code_is_reported_in_a_sentence_and_compare_never_raises(name, fn, words):
    r = compare({name: fn}, hidden="relu")
    assert r.error and words in r.error and name in r.error
    assert summary(r).startswith(r.error)  # what check's cases showed may stand beside it


def test_a_function_that_never_returns_is_stopped():
    t0 = time.perf_counter()
    r = compare({"linear_backward": never_returns}, time_limit=0.3)
    assert time.perf_counter() - t0 < 5
    assert "did not finish within 0.3 s" in r.error and "linear_backward" in r.error
    assert all(s.verdict in (RIGHT, "not reached") for s in r.stages)


def test_in_place_changes_and_printed_output_are_reported_not_fatal():
    r = compare({"relu_backward": mutates}, hidden="relu")
    assert r.first_wrong is None and r.error is None  # the values are right ...
    assert any("changed its argument dA in place" in rep for rep in r.reports)  # ... reported
    r = compare({"relu_backward": prints}, hidden="relu")
    assert r.first_wrong is None
    assert any("shapes: (4, 5) (4, 5)" in rep for rep in r.reports)


def test_bad_arguments_from_the_caller_are_named():
    with pytest.raises(CourseInputError, match="'linear_backwards'.*linear_backward"):
        compare({"linear_backwards": linear_backward_einsum})
    with pytest.raises(CourseInputError, match=r"functions\['relu_backward'\]"):
        compare({"relu_backward": 3})
    with pytest.raises(CourseInputError, match="hidden must be one of"):
        compare({}, hidden="elu")


def test_a_function_the_hidden_layer_leaves_out_is_named_as_unused():
    r = compare(
        {"relu_backward": relu_backward_loops, "tanh_backward": tanh_backward_float32},
        hidden="tanh",
    )
    assert r.unused == ("relu_backward",) and r.first_wrong is None
    assert "relu_backward not used: the hidden layer is tanh" in summary(r)
    # L_model_backward_course calls linear_activation_backward_course, which calls
    # linear_backward_einsum: the whole pass uses it.
    r = compare(
        {"L_model_backward": L_model_backward_course, "linear_backward": linear_backward_einsum},
        hidden="relu",
    )
    assert r.unused == () and r.clean and "not used" not in summary(r)
    # backward_propagation_course writes the six equations itself and calls no helper.
    r = compare(
        {
            "backward_propagation": backward_propagation_course,
            "linear_backward": linear_backward_einsum,
        },
        hidden="tanh",
    )
    assert r.unused == ("linear_backward",)
    assert "(linear_backward not used: your backward_propagation does not call it.)" in summary(r)


def test_mistake_mode_words_the_summary_for_a_pass_with_no_student():
    r = demonstrate("linear_backward.no_one_over_m")
    assert summary(r, whose="This pass").startswith("This pass first departs at dW2.")


def test_the_saturated_net_gives_no_warning_from_the_reference_steps():
    import warnings

    from course_lib.stepper import saturated_output_layer

    X, Y, p = make_problem(seed=0)
    net = (X, Y, saturated_output_layer(X, p, "relu", Y))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = compare({"linear_backward": linear_backward_einsum}, net=net)
    assert r.first_wrong is None


def test_a_failed_check_with_no_catalogued_mistake_is_never_clean():
    """A relu_backward that halves the gradient where Z == 0: the stepper's net has no Z
    exactly 0, so every stage agrees, but ``check``'s case with Z == 0 fails it."""

    def relu_backward(dA, cache):
        dZ = np.array(dA, copy=True)
        dZ[cache < 0] = 0
        dZ[cache == 0] *= 0.5
        return dZ

    r = compare({"relu_backward": relu_backward})
    assert r.first_wrong is None and not r.mistakes  # the net cannot show it ...
    assert r.failed_checks == ("relu_backward",)  # ... the exercise's case can
    assert not r.clean
    text = summary(r)
    assert "Every stage agrees" not in text
    assert (
        "relu_backward fails test case 2 of 2 (n[l] = 4, m = 7, some Z exactly 0), which "
        "this net does not show." in text
    )
    assert "dZ = dA * g'(Z)" in text  # the exercise's hint beside what the case showed


@pytest.mark.parametrize(("factor", "right"), [(1.0, True), (1 + 5e-5, False)])
def test_a_stage_verdict_and_the_diagnosis_judge_float32_by_one_rule(factor, right):
    """A float32 linear_backward, exact or off by 5e-5 of every value: the stage verdicts
    and ``check``'s diagnosis of the same function agree (they once used two tolerances,
    under which the second was right as a stage and wrong as an exercise)."""

    def linear_backward(dZ, cache):
        outputs = assignment.linear_backward(dZ, cache)
        return tuple((factor * v).astype(np.float32) for v in outputs)

    r = compare({"linear_backward": linear_backward})
    assert r["dW2"].right_on_its_own is right
    assert r.feedback["linear_backward"].passed is right
    assert r.clean is right
