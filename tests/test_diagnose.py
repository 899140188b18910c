"""course_lib.diagnose: each output judged on its own; every catalogued mistake named, and
only it, with its stage and outputs; several one-output mistakes named together; correct
code passes in any style and in float32; hostile code gets one sentence and never a raise."""

from __future__ import annotations

import copy
import itertools
import math
import re
import time
import warnings
from html import escape

import numpy as np
import pytest

from course_lib import assignment, diagnose
from course_lib.checks import CourseInputError
from course_lib.diagnose import EXERCISES, MISTAKES, UNKNOWN, Feedback, check
from course_lib.diagnose.catalogue import WHOLE_PASS
from course_lib.stages import STAGE_KEYS

# ----------------------------------------------------------------------------- helpers


def outputs_on_cases(exercise: str, fn) -> list:
    """``fn``'s outputs on every case of the exercise, each as {name: array}."""
    ex = EXERCISES[exercise]
    result = []
    for case in ex.cases():
        with np.errstate(all="ignore"):
            out = fn(*copy.deepcopy(case.args))
        if isinstance(out, dict):
            result.append({k: np.asarray(v) for k, v in out.items()})
        elif isinstance(out, tuple):
            result.append({name: np.asarray(v) for name, v in zip(ex.outputs, out, strict=True)})
        else:
            result.append({ex.outputs[0]: np.asarray(out)})
    return result


def equal(x, y) -> bool:
    return x.shape == y.shape and np.allclose(x, y, rtol=1e-7, atol=1e-10)


def same_outputs(a: list, b: list) -> bool:
    """Independent of diagnose's comparison: equal names, shapes and values on every case."""
    return all(
        set(x) == set(y) and all(equal(x[k], y[k]) for k in x) for x, y in zip(a, b, strict=True)
    )


def changed_outputs(exercise: str, fn) -> set:
    """The reference's outputs that ``fn`` changes on some case, found independently."""
    mine = outputs_on_cases(exercise, fn)
    refs = outputs_on_cases(exercise, EXERCISES[exercise].reference)
    return {
        k
        for x, ref in zip(mine, refs, strict=True)
        for k in ref
        if k not in x or not equal(x[k], ref[k])
    }


def wrong(feedback) -> set:
    return {k for k, ok in feedback.outputs.items() if not ok}


def stub(*args):
    raise NotImplementedError


# ----------------------------------------------------------------------------- the catalogue


def test_catalogue_is_large_with_stable_unique_ids():
    assert len(MISTAKES) >= 60
    ids = [entry.id for entry in MISTAKES]
    assert len(set(ids)) == len(ids)
    for entry in MISTAKES:
        assert entry.exercise in EXERCISES
        assert entry.id.startswith(entry.exercise + ".")
        assert entry.title and entry.hint and callable(entry.apply)
    assert {entry.exercise for entry in MISTAKES} == set(EXERCISES)


def test_each_mistake_is_written_in_its_exercise_module():
    # The README sends whoever adds a mistake to catalogue/<exercise>.py: keep that true.
    for entry in MISTAKES:
        assert entry.apply.__module__ == f"course_lib.diagnose.catalogue.{entry.exercise}", entry.id


def test_each_mistake_has_its_stage_and_the_outputs_it_changes():
    for entry in MISTAKES:
        if entry.exercise in WHOLE_PASS:
            assert entry.stage in STAGE_KEYS, entry.id
        else:
            assert entry.stage is None, entry.id
        # outputs is computed by diagnose; recomputed here without its machinery
        assert set(entry.outputs) == changed_outputs(entry.exercise, entry.apply), entry.id
    assert all(m.stage == "dA2" for m in diagnose.mistakes_for("dAL"))


def test_catalogued_refuses_a_stage_that_does_not_fit():
    with pytest.raises(CourseInputError, match="stage must be one of"):
        diagnose.catalogued("backward_propagation", "new", "t", "h")
    with pytest.raises(CourseInputError, match="stage must be one of"):
        diagnose.catalogued("L_model_backward", "new", "t", "h", stage="dZ3")
    with pytest.raises(CourseInputError, match="stage must be None"):
        diagnose.catalogued("linear_backward", "new", "t", "h", stage="dW1")


# One catalogued entry for each kind of mistake the course's students make.
KINDS = {
    "transposed product / factor order": "linear_backward.dW_transposed",
    "dA_prev transposed": "linear_backward.dA_prev_transposed",
    "1/m missing": "linear_backward.no_one_over_m",
    "1/m missing in dW only": "linear_backward.no_one_over_m_in_dW",
    "1/m missing in db only": "linear_backward.no_one_over_m_in_db",
    "1/m twice": "linear_backward.one_over_m_twice",
    "1/m twice in one output": "linear_backward.one_over_m_twice_in_db",
    "1/m in dA": "linear_backward.one_over_m_in_dA_prev",
    "1/m in dZ": "linear_activation_backward.one_over_m_in_dZ",
    "m from the wrong axis": "linear_backward.m_from_rows",
    "elementwise where a product belongs": "backward_propagation.dW2_elementwise",
    "product where elementwise belongs": "sigmoid_backward.matrix_product",
    "db over the wrong axis": "linear_backward.db_wrong_axis",
    "db without its column shape": "linear_backward.db_not_kept",
    "sigmoid: derivative left out": "sigmoid_backward.derivative_left_out",
    "sigmoid: derivative at A instead of Z": "sigmoid_backward.derivative_at_A",
    "sigmoid: derivative twice": "sigmoid_backward.derivative_twice",
    "sigmoid: g instead of g'": "sigmoid_backward.g_instead_of_derivative",
    "sigmoid: the cache Z taken as A": "sigmoid_backward.cache_used_as_A",
    "tanh: derivative left out": "tanh_backward.derivative_left_out",
    "tanh: derivative at A": "tanh_backward.derivative_at_A",
    "tanh: derivative twice": "tanh_backward.derivative_twice",
    "tanh: g instead of g'": "tanh_backward.g_instead_of_derivative",
    "tanh: 1 - Z**2 (the cache Z taken as A)": "tanh_backward.one_minus_Z_squared",
    "ReLU boundary": "relu_backward.boundary_at_zero",
    "ReLU: derivative left out": "relu_backward.derivative_left_out",
    "ReLU: g instead of g'": "relu_backward.g_instead_of_derivative",
    "dAL sign flipped": "dAL.sign_flipped",
    "dAL inner sign": "dAL.inner_sign",
    "AL - Y returned as dAL": "dAL.returned_dZ",
    "1/m in dAL": "dAL.one_over_m",
    "Y and AL swapped": "dAL.Y_AL_swapped",
    "wrong activation in a layer": "linear_activation_backward.always_relu",
    "activation step skipped": "linear_activation_backward.activation_step_skipped",
    "output layer with relu": "L_model_backward.output_layer_relu",
    "hidden layers with sigmoid": "L_model_backward.hidden_layers_sigmoid",
    "sigma' twice": "L_model_backward.sigma_prime_twice",
    "index shift": "L_model_backward.dA_index_shifted",
    "dA of the wrong layer passed on": "L_model_backward.dA_from_dAL",
    "slide: sigma' on top of A2 - Y": "backward_propagation.sigma_prime_twice",
    "slide: tanh' from Z1": "backward_propagation.tanh_prime_from_Z1",
    "slide: 1 - A1": "backward_propagation.one_minus_A1",
    "slide: dZ2 sign": "backward_propagation.dZ2_sign_flipped",
    "slide: 1/m in layer 1 only": "backward_propagation.no_one_over_m_layer1",
    "slide: 1/m in layer 2 only": "backward_propagation.no_one_over_m_layer2",
    "slide: dZ1 without W2.T": "backward_propagation.W2_T_left_out",
    "slide: * A1 instead of g'": "backward_propagation.g_instead_of_derivative",
    "A where A_prev belongs": "backward_propagation.dW1_uses_A1",
    "wrong layer's gradient": "backward_propagation.db1_from_dZ2",
}


def test_catalogue_covers_every_kind_of_mistake():
    ids = {entry.id for entry in MISTAKES}
    missing = {kind: i for kind, i in KINDS.items() if i not in ids}
    assert not missing


@pytest.mark.parametrize("entry", MISTAKES, ids=lambda e: e.id)
def test_each_mistake_is_named_by_its_own_id_stage_and_outputs(entry):
    feedback = check(entry.exercise, entry.apply)
    assert feedback.passed is False
    assert feedback.mistake == entry.id and feedback.mistakes == (entry.id,)
    assert diagnose.find_mistake(feedback.mistakes[0]).stage == entry.stage
    assert wrong(feedback) == set(entry.outputs) and not feedback.unexplained
    assert entry.title in feedback.message
    assert feedback.hint == entry.hint


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_confusion_matrix_is_the_identity(exercise):
    entries = diagnose.mistakes_for(exercise)
    candidates = [("reference", EXERCISES[exercise].reference)] + [
        (entry.id, entry.apply) for entry in entries
    ]
    outs = {name: outputs_on_cases(exercise, fn) for name, fn in candidates}
    # No two candidates give the same outputs on the cases ...
    for (a, _), (b, _) in itertools.combinations(candidates, 2):
        assert not same_outputs(outs[a], outs[b]), f"{a} and {b} cannot be told apart"
    # ... and check names each one as itself: row i of the matrix has its 1 in column i.
    named = {name: check(exercise, fn) for name, fn in candidates}
    matrix = [
        [int((f.mistake or ("reference" if f.passed else None)) == col) for col, _ in candidates]
        for f in named.values()
    ]
    assert matrix == np.eye(len(candidates), dtype=int).tolist()


def test_every_mistake_runs_on_every_case_and_differs_from_the_reference():
    for entry in MISTAKES:
        ref = outputs_on_cases(entry.exercise, EXERCISES[entry.exercise].reference)
        assert not same_outputs(outputs_on_cases(entry.exercise, entry.apply), ref), entry.id


def test_no_mistake_comes_close_under_the_float32_tolerance():
    # A float32 result is judged with a looser tolerance; every mistake, rounded to
    # float32, must still be told from the reference on every output it changes.
    from course_lib.diagnose.outputs import reference_results, results_of, same

    for entry in MISTAKES:
        theirs = results_of(entry.apply, entry.exercise)
        refs = reference_results(entry.exercise)
        for k in entry.outputs:
            assert not all(
                same(np.asarray(mine[k]).astype(np.float32), ref[k])
                if isinstance(mine.get(k), np.ndarray)
                else False
                for mine, ref in zip(theirs, refs, strict=True)
                if k in ref
            ), (entry.id, k)


def test_cases_are_built_to_tell_mistakes_apart():
    for name, exercise in EXERCISES.items():
        cases = exercise.cases()
        assert len(cases) >= 2
        for case in cases:
            arrays = _arrays(case.args)
            for a in arrays:
                rows, cols = a.shape
                if rows > 1 and cols > 1:
                    assert rows != cols, f"{name}: square array {a.shape} in {case.label}"
                if cols == case.m:
                    assert rows != case.m, f"{name}: m equals a layer width in {case.label}"
        again = exercise.cases()  # built afresh from fixed seeds: the same numbers
        for c1, c2 in zip(cases, again, strict=True):
            for a1, a2 in zip(_arrays(c1.args), _arrays(c2.args), strict=True):
                np.testing.assert_array_equal(a1, a2)
    zeros = [np.sum(c.args[1] == 0) for c in EXERCISES["relu_backward"].cases()]
    assert max(zeros) >= 2  # a ReLU case with Z exactly 0
    for c in EXERCISES["linear_backward"].cases():
        assert all(np.all(a != 0) for a in _arrays(c.args))  # no zeros to hide a factor


def _arrays(obj):
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in _arrays(v)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in _arrays(v)]
    return []


# ----------------------------------------------------------------------------- output by output


def test_a_mistake_in_one_output_is_reported_with_the_other_outputs_right():
    feedback = check(
        "linear_backward", diagnose.find_mistake("linear_backward.no_one_over_m_in_dW").apply
    )
    assert feedback.outputs == {"dA_prev": True, "dW": False, "db": True}
    assert feedback.message.startswith(
        "linear_backward: dW lacks 1/m: it is m times too large; dA_prev and db are right."
    )
    feedback = check(
        "backward_propagation",
        diagnose.find_mistake("backward_propagation.no_one_over_m_layer1").apply,
    )
    assert feedback.outputs == {"dW1": False, "db1": False, "dW2": True, "db2": True}
    assert feedback.message.startswith(
        "backward_propagation: 1/m is missing in layer 1 only: dW1 and db1 are m times too "
        "large; dW2 and db2 are right."
    )
    assert diagnose.find_mistake(feedback.mistake).stage == "dW1"


def _one_output_pairs(exercise):
    for a, b in itertools.combinations(diagnose.mistakes_for(exercise), 2):
        both = diagnose.combination(a.id, b.id)
        if both is not None:
            yield a, b, both


def _single_equal_to(exercise, fn):
    """The one catalogued entry whose outputs equal ``fn``'s on every case, if any."""
    outs = outputs_on_cases(exercise, fn)
    return next(
        (
            e.id
            for e in diagnose.mistakes_for(exercise)
            if same_outputs(outputs_on_cases(exercise, e.apply), outs)
        ),
        None,
    )


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_mistakes_in_different_outputs_are_all_named(exercise):
    pairs = 0
    for a, b, both in _one_output_pairs(exercise):
        feedback = check(exercise, both.apply)
        single = _single_equal_to(exercise, both.apply)
        if single is not None:  # 1/m missing in dW and in db is "1/m missing": one entry
            assert feedback.mistake == single
            continue
        pairs += 1
        assert feedback.mistake == both.id and set(feedback.mistakes) == {a.id, b.id}
        assert a.title in feedback.message and b.title in feedback.message
        assert wrong(feedback) == set(a.outputs) | set(b.outputs)
    assert pairs >= {
        "linear_backward": 30,
        "backward_propagation": 30,
        "linear_activation_backward": 3,
    }.get(exercise, 0)


def test_three_one_output_mistakes_are_all_named():
    ids = (
        "linear_backward.dA_prev_transposed",
        "linear_backward.no_one_over_m_in_dW",
        "linear_backward.db_not_kept",
    )
    three = diagnose.combination(*reversed(ids))
    assert three.id == "+".join(ids)  # named in the order of the outputs
    feedback = check("linear_backward", three.apply)
    assert feedback.mistakes == ids and feedback.mistake == three.id
    assert feedback.message.startswith(
        "linear_backward: three mistakes at once. First, dA_prev is transposed"
    )
    assert "Right on every test case" not in feedback.message


def test_pairs_are_named_in_the_order_of_the_pass():
    both = diagnose.combination(
        "backward_propagation.db1_not_kept", "backward_propagation.dW2_transposed"
    )
    assert both.id == "backward_propagation.dW2_transposed+backward_propagation.db1_not_kept"
    assert both.stage == "dW2"
    feedback = check("backward_propagation", both.apply)
    assert feedback.mistake == both.id
    assert "Right on every test case: dW1 and db2." in feedback.message


def test_a_named_output_and_an_unknown_one_are_both_reported():
    def lb(dZ, cache):
        A_prev, W, _ = cache
        m = A_prev.shape[1]
        return W.T @ dZ, dZ @ A_prev.T, 3 * np.sum(dZ, axis=1, keepdims=True) / m

    feedback = check("linear_backward", lb)
    assert feedback.mistake == "linear_backward.no_one_over_m_in_dW"
    assert feedback.unexplained == ("db",) and feedback.status == "mistake"
    assert "(Your dW equals this mistake's on all 3 test cases.)" in feedback.message
    assert f"Also, db is {UNKNOWN}." in feedback.message
    assert "db is exactly 3 times the expected" in feedback.message
    assert feedback.message.endswith("Right on every test case: dA_prev.")
    assert EXERCISES["linear_backward"].hint in feedback.hint


def test_several_unknown_outputs_the_first_in_full_the_others_in_a_few_words():
    def lmb(AL, Y, caches):
        grads = {k: -v for k, v in lmb_course_style(AL, Y, caches).items()}
        return {**grads, "dW1": grads["dW1"].T}

    feedback = check("L_model_backward", lmb)
    assert feedback.mistake is None and feedback.unexplained == tuple(feedback.outputs)
    first, _, others = feedback.message.partition(" Also wrong: ")
    assert "grads['dA2'][0, 0] is" in first and "grads['dW3']" not in first
    assert others == (
        "grads['dW3'], grads['db3'], grads['dA1'], grads['dW2'], grads['db2'], "
        "grads['dA0'] and grads['db1'] (exactly -1 times the expected on every "
        "test case) and grads['dW1'] (shape (4, 5), expected (5, 4))."
    )


def test_combination_refuses_mistakes_of_different_exercises():
    with pytest.raises(CourseInputError, match="one exercise"):
        diagnose.combination("dAL.sign_flipped", "linear_backward.dW_transposed")
    with pytest.raises(CourseInputError, match="one exercise"):
        diagnose.combination("dAL.sign_flipped")
    assert (
        diagnose.combination("linear_backward.no_one_over_m", "linear_backward.m_from_rows") is None
    )  # both change dW


# ----------------------------------------------------------------------------- correct code passes


def lb_dot(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), 1 / m * np.dot(dZ, A_prev.T), 1 / m * np.sum(dZ, 1, keepdims=True)


def lb_matmul(dZ, cache):
    A_prev, W, _ = cache
    return (dZ.T @ W).T, (A_prev @ dZ.T).T / dZ.shape[1], dZ.mean(axis=1, keepdims=True)


def lb_einsum(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return (
        np.einsum("kj,ki->ji", W, dZ),
        np.einsum("ki,ji->kj", dZ, A_prev) / m,
        np.einsum("ki->k", dZ)[:, None] / m,
    )


def lb_loops(dZ, cache):
    A_prev, W, _ = cache
    (n, m), n_prev = dZ.shape, A_prev.shape[0]
    dA_prev = [[sum(W[k, j] * dZ[k, i] for k in range(n)) for i in range(m)] for j in range(n_prev)]
    dW = [
        [sum(dZ[k, i] * A_prev[j, i] for i in range(m)) / m for j in range(n_prev)]
        for k in range(n)
    ]
    db = [[sum(dZ[k, i] for i in range(m)) / m] for k in range(n)]
    return np.array(dA_prev), np.array(dW), np.array(db)


def lb_float32(dZ, cache):
    A_prev, W, _ = (a.astype(np.float32) for a in cache)
    dZ = dZ.astype(np.float32)
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def sb_exp(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def sb_loops(dA, Z):
    def prime(z):
        s = 1 / (1 + math.exp(-z))
        return s * (1 - s)

    return np.array(
        [[dA[r, c] * prime(Z[r, c]) for c in range(Z.shape[1])] for r in range(Z.shape[0])]
    )


def sb_float32(dA, Z):
    s = 1 / (1 + np.exp(-Z.astype(np.float32)))
    return np.multiply(dA.astype(np.float32), np.multiply(s, 1 - s))


def rb_course_style(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def rb_mask(dA, Z):
    return dA * (Z > 0)


def rb_multiply(dA, Z):
    return np.multiply(dA, np.greater(Z, 0).astype(np.float32))


def rb_float32(dA, Z):
    return np.where(Z > 0, dA.astype(np.float32), np.float32(0))


def tb_cosh(dA, Z):
    return dA / np.cosh(Z) ** 2


def tb_loops(dA, Z):
    return np.array(
        [
            [dA[r, c] * (1 - math.tanh(Z[r, c]) ** 2) for c in range(Z.shape[1])]
            for r in range(Z.shape[0])
        ]
    )


def tb_float32(dA, Z):
    return np.multiply(dA, 1 - np.power(np.tanh(Z), 2)).astype(np.float32)


def dal_divide(AL, Y):
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def dal_combined(AL, Y):
    return (AL - Y) / (AL * (1 - AL))


def dal_float32(AL, Y):
    AL, Y = AL.astype(np.float32), Y.astype(np.float32)
    return -(Y / AL - (1 - Y) / (1 - AL))


BACKWARD = {"sigmoid": sb_exp, "relu": rb_mask, "tanh": tb_cosh}


def lab_composed(dA, cache, activation):
    linear_cache, Z = cache
    return lb_dot(BACKWARD[activation](dA, Z), linear_cache)


def lab_inline(dA, cache, activation):
    (A_prev, W, _), Z = cache
    if activation == "relu":
        dZ = np.where(Z > 0, dA, 0.0)
    else:
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    m = Z.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def lab_float32(dA, cache, activation):
    linear_cache, Z = cache
    dZ = {"sigmoid": sb_float32, "relu": rb_float32}[activation](dA, Z)
    return lb_float32(dZ, linear_cache)


def lmb_course_style(AL, Y, caches, layer=lab_composed):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = layer(
        dAL, caches[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = layer(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def lmb_from_dZ(AL, Y, caches):
    """Starts from the collapsed dZL = AL - Y: the same gradients by another road."""
    L = len(caches)
    (A_prev, W, _), _ = caches[-1]
    dZ = AL - Y
    m = AL.shape[1]
    grads = {f"dW{L}": dZ @ A_prev.T / m, f"db{L}": dZ.sum(axis=1, keepdims=True) / m}
    dA = W.T @ dZ
    grads[f"dA{L - 1}"] = dA
    for l in range(L - 1, 0, -1):
        (A_prev, W, _), Z = caches[l - 1]
        dZ = dA * (Z > 0)
        grads[f"dW{l}"] = dZ @ A_prev.T / m
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        dA = W.T @ dZ
        grads[f"dA{l - 1}"] = dA
    return grads


def lmb_float32(AL, Y, caches):
    return lmb_course_style(AL.astype(np.float32), Y, caches, layer=lab_float32)


def bp_dot(parameters, cache, X, Y):
    m = X.shape[1]
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def bp_einsum(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = (cache["A2"] - Y) / m  # 1/m folded into dZ2: the same dW and db
    dZ1 = np.einsum("kj,ki->ji", parameters["W2"], dZ2) * (1 - np.tanh(cache["Z1"]) ** 2)
    return {
        "dW1": np.einsum("ji,ni->jn", dZ1, X),
        "db1": dZ1.sum(axis=1, keepdims=True),
        "dW2": np.einsum("ki,ji->kj", dZ2, cache["A1"]),
        "db2": dZ2.sum(axis=1, keepdims=True),
        "dZ1": dZ1,
    }  # an extra key is fine


def bp_loops(parameters, cache, X, Y):
    (n_x, m), n_h = X.shape, parameters["W1"].shape[0]
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    dZ2 = [A2[0, i] - Y[0, i] for i in range(m)]
    dZ1 = [[W2[0, j] * dZ2[i] * (1 - A1[j, i] ** 2) for i in range(m)] for j in range(n_h)]
    return {
        "dW1": np.array(
            [
                [sum(dZ1[j][i] * X[x, i] for i in range(m)) / m for x in range(n_x)]
                for j in range(n_h)
            ]
        ),
        "db1": np.array([[sum(dZ1[j]) / m] for j in range(n_h)]),
        "dW2": np.array([[sum(dZ2[i] * A1[j, i] for i in range(m)) / m for j in range(n_h)]]),
        "db2": np.array([[sum(dZ2) / m]]),
    }


def bp_float32(parameters, cache, X, Y):
    f32 = {k: v.astype(np.float32) for k, v in {**parameters, **cache}.items()}
    return bp_dot(f32, f32, X.astype(np.float32), Y.astype(np.float32))


CORRECT = {
    "linear_backward": [
        lb_dot,
        lb_matmul,
        lb_einsum,
        lb_loops,
        lb_float32,
        assignment.linear_backward,
    ],
    "sigmoid_backward": [sb_exp, sb_loops, sb_float32],
    "relu_backward": [rb_course_style, rb_mask, rb_multiply, rb_float32],
    "tanh_backward": [tb_cosh, tb_loops, tb_float32],
    "dAL": [dal_divide, dal_combined, dal_float32],
    "linear_activation_backward": [lab_composed, lab_inline, lab_float32],
    "L_model_backward": [lmb_course_style, lmb_from_dZ, lmb_float32],
    "backward_propagation": [bp_dot, bp_einsum, bp_loops, bp_float32],
}


@pytest.mark.parametrize(
    ("exercise", "fn"),
    [(e, fn) for e, fns in CORRECT.items() for fn in fns],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_correct_implementations_written_differently_pass(exercise, fn):
    feedback = check(exercise, fn)
    assert feedback.passed, str(feedback)
    assert feedback.mistake is None and feedback.mistakes == ()
    assert "correct on " in feedback.message and feedback.passed
    assert feedback.outputs and all(feedback.outputs.values())
    assert not feedback.notes and not feedback.printed


def test_every_exercise_has_a_correct_implementation_here_also_in_float32():
    assert set(CORRECT) == set(EXERCISES)
    for exercise, fns in CORRECT.items():
        out = outputs_on_cases(exercise, fns[-2] if exercise == "linear_backward" else fns[-1])
        assert any(a.dtype == np.float32 for case in out for a in case.values()), exercise


# ----------------------------------------------------------------------------- wrong code


def lb_dZ_for_db_halved(dZ, cache):
    dA_prev, dW, db = lb_dot(dZ, cache)
    return dA_prev, dW, db / 2


WRONG = [
    ("linear_backward", lambda dZ, cache: tuple(np.zeros_like(a) for a in lb_dot(dZ, cache))),
    ("linear_backward", lb_dZ_for_db_halved),
    ("relu_backward", lambda dA, Z: dA * (Z < 0)),
    ("sigmoid_backward", lambda dA, Z: dA * 0.25),
    ("tanh_backward", lambda dA, Z: dA * (1 - np.tanh(Z) ** 2) + 1e-3),
    ("dAL", lambda AL, Y: -Y / AL),
    (
        "L_model_backward",
        lambda AL, Y, caches: {k: v * 0.5 for k, v in lmb_course_style(AL, Y, caches).items()},
    ),
    (
        "backward_propagation",
        lambda p, c, X, Y: {
            k: np.random.RandomState(0).randn(*v.shape) for k, v in bp_dot(p, c, X, Y).items()
        },
    ),
]


@pytest.mark.parametrize(("exercise", "fn"), WRONG, ids=[w[0] for w in WRONG])
def test_arbitrary_wrong_functions_are_not_given_a_name(exercise, fn):
    feedback = check(exercise, fn)
    assert not feedback.passed
    assert feedback.mistake is None and feedback.mistakes == ()
    assert UNKNOWN in feedback.message
    assert "test case 1 of" in feedback.message
    assert feedback.status == "not correct"
    assert set(feedback.unexplained) == wrong(feedback)


def test_the_first_differing_entry_the_largest_and_the_relative_difference_are_given():
    feedback = check("relu_backward", lambda dA, Z: dA * (Z < 0))
    case = EXERCISES["relu_backward"].cases()[0]
    dA, Z = case.args
    yours, expected = dA * (Z < 0), assignment.relu_backward(dA, Z)
    i, j = np.argwhere(~np.isclose(yours, expected))[0]
    assert f"dZ[{i}, {j}] is {yours[i, j]:.6g} but {expected[i, j]:.6g} is expected" in (
        feedback.message
    )
    gap = np.abs(yours - expected)
    assert f"the largest difference is {gap.max():.6g}" in feedback.message
    relative = np.linalg.norm(yours - expected) / (np.linalg.norm(yours) + np.linalg.norm(expected))
    assert f"is {relative:.6g}." in feedback.message


def test_a_constant_factor_is_reported():
    feedback = check(
        "linear_backward",
        lambda dZ, c: (lambda r: (r[0], r[1] * dZ.shape[1] ** 2, r[2]))(lb_dot(dZ, c)),
    )
    assert feedback.mistake is None
    assert "dW is exactly" not in feedback.message  # m**2 differs per case: no one factor
    feedback = check(
        "linear_backward", lambda dZ, c: (lambda r: (r[0], r[1], r[2] * 3))(lb_dot(dZ, c))
    )
    assert "db is exactly 3 times the expected" in feedback.message
    assert "dA_prev and dW" in feedback.message  # the right ones
    feedback = check("dAL", lambda AL, Y: 2 * dal_divide(AL, Y))
    assert "exactly 2 times the expected" in feedback.message
    feedback = check("dAL", lambda AL, Y: dal_divide(AL, Y) * AL.shape[1] ** 2)
    assert feedback.mistake is None and "exactly" not in feedback.message
    feedback = check(
        "linear_backward", lambda dZ, c: (lambda r: (r[0] * dZ.shape[1], r[1], r[2]))(lb_dot(dZ, c))
    )
    assert "On every test case dA_prev is m times the expected" in feedback.message


# ----------------------------------------------------------------------------- hostile code


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_the_shipped_stub_is_not_implemented_yet(exercise):
    feedback = check(exercise, stub)
    assert feedback == Feedback(False, None, f"{exercise}: not implemented yet.", feedback.hint)
    assert "NotImplementedError" in feedback.hint
    assert feedback.status == "not implemented"


def test_a_solution_calling_an_unfinished_stub_says_which():
    def linear_backward(dZ, cache):
        raise NotImplementedError

    def linear_activation_backward(dA, cache, activation):
        linear_cache, Z = cache
        return linear_backward(BACKWARD[activation](dA, Z), linear_cache)

    feedback = check("linear_activation_backward", linear_activation_backward)
    assert not feedback.passed
    assert "not implemented yet: it calls linear_backward" in feedback.message


def test_a_function_that_never_returns_is_stopped_in_one_sentence():
    def relu_backward(dA, Z):
        while True:
            pass

    start = time.monotonic()
    feedback = check("relu_backward", relu_backward, time_limit=0.2)
    assert time.monotonic() - start < 2
    assert re.fullmatch(
        r"relu_backward: relu_backward ran past the time limit of 0\.2 s on test case 1 of 2 "
        r"\(n\[l\] = 3, m = 5\) and was stopped at the line `(while True:|pass)`: look for "
        r"a loop whose condition never becomes false\.",
        feedback.message,
    ), feedback.message
    assert feedback.status == "not correct" and "in relu_backward" in feedback.traceback


def test_the_whole_check_has_a_budget():
    def slow(dA, Z):
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            pass
        return dA * (Z > 0)

    start = time.monotonic()
    feedback = check("relu_backward", slow, budget=diagnose.running.guarded.Budget(0.5))
    assert time.monotonic() - start < 2
    assert re.search(
        r"slow was stopped.* after [0-9.]+ s, when the 0\.5 s allowed for the whole "
        r"check ran out on test case [12] of 2",
        feedback.message,
    ), feedback.message


def test_a_matrix_product_that_does_not_fit_is_explained_with_the_line_and_traceback():
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        dA_prev = W @ dZ
        return dA_prev, dZ @ A_prev.T, dZ

    feedback = check("linear_backward", linear_backward)
    assert not feedback.passed and feedback.mistake is None
    assert "raised ValueError" in feedback.message
    assert "matrix product" in feedback.message
    assert "at the line `dA_prev = W @ dZ`" in feedback.message
    assert "order of the factors" in feedback.hint and "W or W.T" in feedback.hint
    lines = feedback.traceback.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "in linear_backward" in lines[1] and "course_lib" not in feedback.traceback
    assert lines[-1].startswith("ValueError: matmul")


def test_np_dot_and_broadcasting_errors_are_explained():
    feedback = check("sigmoid_backward", lambda dA, Z: np.dot(dA, Z))
    assert "matrix product" in feedback.message and "shapes (3,5) and (3,5)" in feedback.message
    assert "W or W.T" not in feedback.hint
    feedback = check("sigmoid_backward", lambda dA, Z: dA * Z.T)
    assert "elementwise operation" in feedback.message
    assert "(3,5) and (5,3)" in feedback.message


def test_a_missing_key_is_explained():
    feedback = check("backward_propagation", lambda p, c, X, Y: {"dW1": p["W3"]})
    assert "looked up the key 'W3'" in feedback.message
    assert "W1, b1, W2, b2" in feedback.hint


def test_any_other_exception_is_reported_not_raised():
    feedback = check("dAL", lambda AL, Y: 1 / 0)
    assert "raised ZeroDivisionError" in feedback.message
    feedback = check("dAL", lambda AL, Y: exit())
    assert "raised SystemExit" in feedback.message


def test_importing_a_helper_of_the_original_course_is_answered_in_one_sentence():
    def relu_backward(dA, Z):
        from dnn_utils import relu_backward as theirs  # noqa: F401

        return dA

    feedback = check("relu_backward", relu_backward)
    assert feedback.message.startswith(
        "relu_backward: relu_backward imports dnn_utils, a helper module of the original course"
    )
    assert "course_lib.assignment import sigmoid_backward, relu_backward" in feedback.message
    feedback = check("linear_backward", lambda dZ, c: __import__("testCases"))
    assert "imports testCases" in feedback.message


@pytest.mark.parametrize(
    ("exercise", "fn", "words"),
    [
        ("sigmoid_backward", lambda dA, Z: None, "returned None: is the `return` line missing?"),
        (
            "sigmoid_backward",
            lambda dA, Z: (dA * Z).tolist(),
            "returned a list of 3 items, not a NumPy array",
        ),
        ("sigmoid_backward", lambda dA, Z: 0.5, "returned a single number, not a NumPy array"),
        (
            "linear_backward",
            lambda dZ, c: list(lb_dot(dZ, c)),
            "returned a list of 3 items; it should return the tuple (dA_prev, dW, db)",
        ),
        (
            "linear_backward",
            lambda dZ, c: lb_dot(dZ, c)[:2],
            "returned a tuple of 2 items; it should return 3: (dA_prev, dW, db)",
        ),
        (
            "linear_backward",
            lambda dZ, c: lb_dot(dZ, c)[1],
            "returned a ndarray; it should return the tuple",
        ),
        (
            "L_model_backward",
            lambda AL, Y, caches: list(lmb_course_style(AL, Y, caches).values()),
            "it should return the dict grads",
        ),
    ],
)
def test_wrong_return_types_are_explained(exercise, fn, words):
    feedback = check(exercise, fn)
    assert not feedback.passed and feedback.mistake is None
    assert words in feedback.message
    assert feedback.outputs == {}


def test_wrong_parts_inside_the_result_are_explained_naming_the_output():
    def bp_scalar_db2(p, c, X, Y):
        return {**bp_dot(p, c, X, Y), "db2": float(np.sum(c["A2"] - Y) / X.shape[1])}

    feedback = check("backward_propagation", bp_scalar_db2)
    assert (
        "bp_scalar_db2 returned grads['db2'] as a single number, not a NumPy array of "
        "shape (1, 1) (a sum with keepdims=True keeps the column shape)"
    ) in feedback.message
    assert feedback.outputs == {"dW1": True, "db1": True, "dW2": True, "db2": False}
    assert feedback.message.endswith("Right on every test case: dW1, db1 and dW2.")

    def bp_list_dW1(p, c, X, Y):
        return {**bp_dot(p, c, X, Y), "dW1": bp_dot(p, c, X, Y)["dW1"].tolist()}

    assert (
        "returned grads['dW1'] as a list of 4 items, not a NumPy array"
        in check("backward_propagation", bp_list_dW1).message
    )

    def lmb_missing(AL, Y, caches):
        grads = lmb_course_style(AL, Y, caches)
        return {k: v for k, v in grads.items() if k != "dW1"}

    feedback = check("L_model_backward", lmb_missing)
    assert "grads has no key 'dW1'" in feedback.message
    assert wrong(feedback) == {"dW1"}


def test_nan_and_inf_are_reported_naming_the_output():
    def lb_nan_db(dZ, cache):
        dA_prev, dW, db = lb_dot(dZ, cache)
        return dA_prev, dW, db * np.nan

    feedback = check("linear_backward", lb_nan_db)
    assert "lb_nan_db returned db holding nan at db[0, 0] (its first NaN or inf)" in (
        feedback.message
    )
    assert wrong(feedback) == {"db"} and feedback.unexplained == ("db",)
    feedback = check("dAL", lambda AL, Y: -(Y / AL - (1 - Y) / (1 - AL)) / (Y - Y))
    assert "compute_dAL returned dAL holding" in feedback.message
    assert any("divide by zero" in n for n in feedback.notes)  # the warning, as a note


def test_wrong_shapes_are_explained():
    def bp_dW2_T(p, c, X, Y):
        grads = bp_dot(p, c, X, Y)
        return {**grads, "dW2": grads["dW2"].T * 2}

    feedback = check("backward_propagation", bp_dW2_T)
    assert feedback.mistake is None
    assert "grads['dW2'] with shape (4, 1), expected (1, 4)" in feedback.message
    assert "transposed shape" in feedback.message and "exactly the transpose" not in (
        feedback.message
    )

    def bp_db2_flat(p, c, X, Y):
        grads = bp_dot(p, c, X, Y)
        return {**grads, "db2": grads["db2"].ravel()}

    assert "it is 1-D and lost its column" in check("backward_propagation", bp_db2_flat).message
    feedback = check("relu_backward", lambda dA, Z: (dA * (Z > 0))[:, :-1])
    assert "dZ with shape (3, 4), expected (3, 5)" in feedback.message


def test_a_function_with_other_parameters_is_explained():
    feedback = check("relu_backward", lambda dA: dA)
    assert not feedback.passed
    assert "cannot be called the way the exercise calls it" in feedback.message
    assert "relu_backward(dA, cache)" in feedback.hint


def test_printed_output_is_shown_by_test_case_not_swallowed(capsys):
    def relu_backward(dA, Z):
        print("dA shape", dA.shape)
        return dA * (Z > 0)

    feedback = check("relu_backward", relu_backward)
    assert feedback.passed
    assert capsys.readouterr().out == ""  # kept in the feedback, not in the cell's output
    assert feedback.printed == (
        "--- test case 1 of 2 (n[l] = 3, m = 5) ---\ndA shape (3, 5)\n"
        "--- test case 2 of 2 (n[l] = 4, m = 7, some Z exactly 0) ---\n"
        "dA shape (4, 7)"
    )
    assert "Your function printed:\n--- test case 1 of 2" in str(feedback)
    assert "<pre style='margin: 2px 0'>--- test case 1" in feedback._repr_html_()


def test_an_argument_changed_in_place_is_a_note_and_the_outputs_still_count():
    def relu_backward(dA, Z):
        dZ = dA  # writes into the caller's dA
        dZ[Z <= 0] = 0
        return dZ

    feedback = check("relu_backward", relu_backward)
    assert feedback.passed
    assert len(feedback.notes) == 1
    assert feedback.notes[0].startswith("relu_backward changed its argument dA in place (dA[")
    assert f"Note: {feedback.notes[0]}" in str(feedback)

    def lmb_pops(AL, Y, caches):
        grads = lmb_course_style(AL, Y, caches)
        caches.pop()
        return grads

    feedback = check("L_model_backward", lmb_pops)
    assert feedback.passed and "changed its argument caches in place" in feedback.notes[0]


def test_warnings_from_student_code_do_not_leak():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        feedback = check("dAL", lambda AL, Y: np.log(-AL) / 0)
    assert not caught
    assert not feedback.passed
    assert feedback.notes and all("warned: RuntimeWarning" in n for n in feedback.notes)


HOSTILE = [
    lambda dA, Z: None,
    lambda dA, Z: [1, 2],
    lambda dA, Z: dA[:1],
    lambda dA, Z: dA * np.nan,
    lambda dA, Z: "dZ",
    lambda dA, Z: dA.astype(complex),
    lambda dA, Z: dA > 0,
    lambda dA, Z: np.array(object()),
    lambda dA, Z: {"dZ": dA},
    lambda dA, Z: dA[..., None],
    lambda dA, Z: print(dA) or dA * (Z > 0),
    lambda dA, Z: Z.resize((1,)),
]


@pytest.mark.parametrize("fn", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_functions_never_make_check_raise(fn):
    feedback = check("relu_backward", fn)
    assert isinstance(feedback, Feedback) and feedback.message
    assert str(feedback) and feedback._repr_html_()


def test_bad_arguments_to_check_name_the_argument():
    with pytest.raises(CourseInputError, match="exercise must be one of"):
        check("linear_forward", lb_dot)
    with pytest.raises(CourseInputError, match="student_fn must be the function"):
        check("linear_backward", lb_dot(*EXERCISES["linear_backward"].cases()[0].args))
    with pytest.raises(CourseInputError, match="mistake_id"):
        diagnose.find_mistake("no.such_mistake")


# ----------------------------------------------------------------------------- display


def test_feedback_text_is_deterministic_and_complete():
    entry = diagnose.find_mistake("linear_backward.no_one_over_m")
    first, second = check(entry.exercise, entry.apply), check(entry.exercise, entry.apply)
    assert first == second
    text = repr(first)
    assert text == str(second)
    assert text.splitlines()[0].startswith("[known mistake] linear_backward: 1/m is missing")
    assert entry.id not in text  # the id is the instructors'; the student reads title and hint
    assert text.splitlines()[-1] == f"Hint: {entry.hint}"
    assert repr(check("linear_backward", lb_dot)) == (
        "[passed] linear_backward: correct on all 3 test cases."
    )
    assert repr(check("linear_backward", stub)).startswith(
        "[to do] linear_backward: not implemented yet.\nHint: "
    )


def test_the_notebooks_demo_reads_as_before():
    # notebooks/08_exercises.ipynb stores this output; nbval compares it.
    def someones_dAL(AL, Y):
        return -(Y / AL + (1 - Y) / (1 - AL))

    assert str(check("dAL", someones_dAL)) == (
        "[known mistake] dAL: the two terms are added: the derivative of log(1 - AL) lost its "
        "minus sign. (Your outputs equal this mistake's outputs on both test cases.)\n"
        "Hint: d/da log(1 - a) has a minus sign from the chain rule (the inner 1 - a)."
    )


def test_feedback_html_shows_the_verdict_in_words_and_escapes_the_text():
    html = check("linear_backward", stub)._repr_html_()
    assert "Not implemented yet" in html
    assert "<code>raise NotImplementedError</code>" in html
    assert "Correct" in check("linear_backward", lb_dot)._repr_html_()
    known = check("dAL", diagnose.find_mistake("dAL.sign_flipped").apply)._repr_html_()
    assert "Known mistake" in known and "dAL.sign_flipped" not in known
    assert escape(diagnose.find_mistake("dAL.sign_flipped").title, quote=False) in known
    odd = Feedback(
        False,
        None,
        "a <b> & `x < y`",
        "",
        traceback="Traceback <x>",
        notes=("n <1>",),
        printed="p & q",
    )
    html = odd._repr_html_()
    assert "a &lt;b&gt; &amp; <code>x &lt; y</code>" in html
    assert "<pre style='margin: 2px 0'>Traceback &lt;x&gt;</pre>" in html
    assert "<em>Note:</em> n &lt;1&gt;" in html and "p &amp; q" in html
    assert "Not correct" in html
