"""course_lib.diagnose: every catalogued mistake is named, and only it; correct code passes."""

from __future__ import annotations

import copy
import itertools
import math
import warnings

import numpy as np
import pytest

from course_lib import assignment, diagnose
from course_lib.checks import CourseInputError
from course_lib.diagnose import EXERCISES, MISTAKES, UNKNOWN, Feedback, check

# ----------------------------------------------------------------------------- helpers


def outputs_on_cases(exercise: str, fn) -> list:
    """``fn``'s outputs on every case of the exercise, each as {name: float64 array}."""
    result = []
    for case in EXERCISES[exercise].cases():
        out = fn(*copy.deepcopy(case.args))
        if isinstance(out, dict):
            result.append({k: np.asarray(v) for k, v in out.items()})
        elif isinstance(out, tuple):
            result.append({str(i): np.asarray(v) for i, v in enumerate(out)})
        else:
            result.append({"0": np.asarray(out)})
    return result


def same_outputs(a: list, b: list) -> bool:
    """Independent of diagnose's comparison: equal names, shapes and values on every case."""
    for x, y in zip(a, b, strict=True):
        if set(x) != set(y):
            return False
        for k in x:
            if x[k].shape != y[k].shape or not np.allclose(x[k], y[k], rtol=1e-7, atol=1e-10):
                return False
    return True


def stub(*args):
    raise NotImplementedError


# ----------------------------------------------------------------------------- the catalogue


def test_catalogue_is_large_with_stable_unique_ids():
    assert len(MISTAKES) >= 12
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
        assert entry.apply.__module__ == f"course_lib.diagnose.catalogue.{entry.exercise}", (
            entry.id)


# One catalogued entry for each kind of mistake the course's students make.
KINDS = {
    "transposed product / factor order": "linear_backward.dW_transposed",
    "1/m missing": "linear_backward.no_one_over_m",
    "1/m twice": "backward_propagation.one_over_m_twice",
    "1/m in dA": "linear_backward.one_over_m_in_dA_prev",
    "1/m in dZ": "linear_activation_backward.one_over_m_in_dZ",
    "elementwise where a product belongs": "backward_propagation.dW2_elementwise",
    "product where elementwise belongs": "sigmoid_backward.matrix_product",
    "db over the wrong axis": "linear_backward.db_wrong_axis",
    "db without its column shape": "linear_backward.db_not_kept",
    "derivative at A instead of Z": "sigmoid_backward.derivative_at_A",
    "tanh: 1 - Z**2": "tanh_backward.one_minus_Z_squared",
    "sigma' on top of A - Y": "backward_propagation.sigma_prime_twice",
    "dAL sign flipped": "dAL.sign_flipped",
    "ReLU boundary": "relu_backward.boundary_at_zero",
    "derivative left out": "relu_backward.derivative_left_out",
    "A where A_prev belongs": "backward_propagation.dW1_uses_A1",
    "wrong layer's gradient": "backward_propagation.db1_from_dZ2",
    "index shift": "L_model_backward.dA_index_shifted",
}


def test_catalogue_covers_every_kind_of_mistake():
    ids = {entry.id for entry in MISTAKES}
    missing = {kind: i for kind, i in KINDS.items() if i not in ids}
    assert not missing


@pytest.mark.parametrize("entry", MISTAKES, ids=lambda e: e.id)
def test_each_mistake_is_named_by_its_own_id(entry):
    feedback = check(entry.exercise, entry.apply)
    assert feedback.passed is False
    assert feedback.mistake == entry.id
    assert entry.title in feedback.message
    assert feedback.hint == entry.hint


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_confusion_matrix_is_the_identity(exercise):
    entries = diagnose.mistakes_for(exercise)
    candidates = [("reference", EXERCISES[exercise].reference)] + [
        (entry.id, entry.apply) for entry in entries]
    outs = {name: outputs_on_cases(exercise, fn) for name, fn in candidates}
    # No two candidates give the same outputs on the cases ...
    for (a, _), (b, _) in itertools.combinations(candidates, 2):
        assert not same_outputs(outs[a], outs[b]), f"{a} and {b} cannot be told apart"
    # ... and check names each one as itself: row i of the matrix has its 1 in column i.
    named = {name: check(exercise, fn) for name, fn in candidates}
    matrix = [[int((f.mistake or ("reference" if f.passed else None)) == col)
               for col, _ in candidates] for f in named.values()]
    assert matrix == np.eye(len(candidates), dtype=int).tolist()


def test_every_mistake_runs_on_every_case_and_differs_from_the_reference():
    for entry in MISTAKES:
        ref = outputs_on_cases(entry.exercise, EXERCISES[entry.exercise].reference)
        assert not same_outputs(outputs_on_cases(entry.exercise, entry.apply), ref), entry.id


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


def test_two_mistakes_in_different_outputs_are_named_together():
    pairs = 0
    for exercise in EXERCISES:
        for a, b in itertools.combinations(diagnose.mistakes_for(exercise), 2):
            both = diagnose.combination(a.id, b.id)
            if both is None:
                continue
            pairs += 1
            feedback = check(exercise, both.apply)
            assert feedback.mistake == f"{a.id}+{b.id}"
            assert a.title in feedback.message and b.title in feedback.message
    assert pairs >= 5


def test_combination_refuses_mistakes_of_different_exercises():
    with pytest.raises(CourseInputError, match="one exercise"):
        diagnose.combination("dAL.sign_flipped", "linear_backward.dW_transposed")
    assert diagnose.combination("linear_backward.no_one_over_m",
                                "linear_backward.m_from_rows") is None  # both change dW


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
    return (np.einsum("kj,ki->ji", W, dZ), np.einsum("ki,ji->kj", dZ, A_prev) / m,
            np.einsum("ki->k", dZ)[:, None] / m)


def lb_loops(dZ, cache):
    A_prev, W, _ = cache
    (n, m), n_prev = dZ.shape, A_prev.shape[0]
    dA_prev = [[sum(W[k, j] * dZ[k, i] for k in range(n)) for i in range(m)]
               for j in range(n_prev)]
    dW = [[sum(dZ[k, i] * A_prev[j, i] for i in range(m)) / m for j in range(n_prev)]
          for k in range(n)]
    db = [[sum(dZ[k, i] for i in range(m)) / m] for k in range(n)]
    return np.array(dA_prev), np.array(dW), np.array(db)


def sb_exp(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def sb_loops(dA, Z):
    def prime(z):
        s = 1 / (1 + math.exp(-z))
        return s * (1 - s)
    return np.array([[dA[r, c] * prime(Z[r, c]) for c in range(Z.shape[1])]
                     for r in range(Z.shape[0])])


def rb_course_style(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def rb_mask(dA, Z):
    return dA * (Z > 0)


def rb_in_place(dA, Z):
    dZ = dA  # writes into the caller's dA: check passes private copies
    dZ[Z <= 0] = 0
    return dZ


def tb_cosh(dA, Z):
    return dA / np.cosh(Z) ** 2


def tb_loops(dA, Z):
    return np.array([[dA[r, c] * (1 - math.tanh(Z[r, c]) ** 2) for c in range(Z.shape[1])]
                     for r in range(Z.shape[0])])


def dal_divide(AL, Y):
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def dal_combined(AL, Y):
    return (AL - Y) / (AL * (1 - AL))


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


def lmb_course_style(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = lab_composed(
        dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = lab_composed(grads["dA" + str(l + 1)], caches[l], "relu")
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


def bp_dot(parameters, cache, X, Y):
    m = X.shape[1]
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def bp_einsum(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = (cache["A2"] - Y) / m  # 1/m folded into dZ2: the same dW and db
    dZ1 = np.einsum("kj,ki->ji", parameters["W2"], dZ2) * (1 - np.tanh(cache["Z1"]) ** 2)
    return {"dW1": np.einsum("ji,ni->jn", dZ1, X), "db1": dZ1.sum(axis=1, keepdims=True),
            "dW2": np.einsum("ki,ji->kj", dZ2, cache["A1"]),
            "db2": dZ2.sum(axis=1, keepdims=True), "dZ1": dZ1}  # an extra key is fine


def bp_loops(parameters, cache, X, Y):
    (n_x, m), n_h = X.shape, parameters["W1"].shape[0]
    W2, A1, A2 = parameters["W2"], cache["A1"], cache["A2"]
    dZ2 = [A2[0, i] - Y[0, i] for i in range(m)]
    dZ1 = [[W2[0, j] * dZ2[i] * (1 - A1[j, i] ** 2) for i in range(m)] for j in range(n_h)]
    return {
        "dW1": np.array([[sum(dZ1[j][i] * X[x, i] for i in range(m)) / m for x in range(n_x)]
                         for j in range(n_h)]),
        "db1": np.array([[sum(dZ1[j]) / m] for j in range(n_h)]),
        "dW2": np.array([[sum(dZ2[i] * A1[j, i] for i in range(m)) / m for j in range(n_h)]]),
        "db2": np.array([[sum(dZ2) / m]]),
    }


CORRECT = {
    "linear_backward": [lb_dot, lb_matmul, lb_einsum, lb_loops, assignment.linear_backward],
    "sigmoid_backward": [sb_exp, sb_loops],
    "relu_backward": [rb_course_style, rb_mask, rb_in_place],
    "tanh_backward": [tb_cosh, tb_loops],
    "dAL": [dal_divide, dal_combined],
    "linear_activation_backward": [lab_composed, lab_inline],
    "L_model_backward": [lmb_course_style, lmb_from_dZ],
    "backward_propagation": [bp_dot, bp_einsum, bp_loops],
}


@pytest.mark.parametrize(("exercise", "fn"),
                         [(e, fn) for e, fns in CORRECT.items() for fn in fns],
                         ids=lambda v: getattr(v, "__name__", v))
def test_correct_implementations_written_differently_pass(exercise, fn):
    feedback = check(exercise, fn)
    assert feedback.passed, str(feedback)
    assert feedback.mistake is None
    assert "correct on all" in feedback.message


def test_every_exercise_has_a_correct_implementation_here():
    assert set(CORRECT) == set(EXERCISES)


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
    ("L_model_backward",
     lambda AL, Y, caches: {k: v * 0.5 for k, v in lmb_course_style(AL, Y, caches).items()}),
    ("backward_propagation",
     lambda p, c, X, Y: {k: np.random.RandomState(0).randn(*v.shape)
                         for k, v in bp_dot(p, c, X, Y).items()}),
]


@pytest.mark.parametrize(("exercise", "fn"), WRONG, ids=[w[0] for w in WRONG])
def test_arbitrary_wrong_functions_are_not_given_a_name(exercise, fn):
    feedback = check(exercise, fn)
    assert not feedback.passed
    assert feedback.mistake is None
    assert UNKNOWN in feedback.message
    assert "test case 1 of" in feedback.message
    assert feedback.status == "not correct"


def test_the_first_differing_entry_is_named_with_both_values():
    feedback = check("relu_backward", lambda dA, Z: dA * (Z < 0))
    case = EXERCISES["relu_backward"].cases()[0]
    dA, Z = case.args
    yours, expected = dA * (Z < 0), assignment.relu_backward(dA, Z)
    i, j = np.argwhere(~np.isclose(yours, expected))[0]
    assert f"dZ[{i}, {j}] is {yours[i, j]:.6g} but {expected[i, j]:.6g} is expected" in (
        feedback.message)


def test_a_constant_factor_is_reported():
    feedback = check("linear_backward", lambda dZ, c: (lambda r: (r[0], r[1], r[2] * dZ.shape[1]))(
        lb_dot(dZ, c)))
    assert feedback.mistake is None
    assert "db is m times the expected" in feedback.message
    feedback = check("dAL", lambda AL, Y: 2 * dal_divide(AL, Y))
    assert "exactly 2 times the expected" in feedback.message


# ----------------------------------------------------------------------------- stubs, errors, types


@pytest.mark.parametrize("exercise", list(EXERCISES))
def test_the_shipped_stub_is_not_implemented_yet(exercise):
    feedback = check(exercise, stub)
    assert feedback == Feedback(
        False, None, f"{exercise}: not implemented yet.", feedback.hint)
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


def test_a_matrix_product_that_does_not_fit_is_explained_with_the_line():
    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        dA_prev = W @ dZ
        return dA_prev, dZ @ A_prev.T, dZ

    feedback = check("linear_backward", linear_backward)
    assert not feedback.passed and feedback.mistake is None
    assert "raised ValueError" in feedback.message
    assert "matrix product" in feedback.message
    assert "at the line `dA_prev = W @ dZ`" in feedback.message
    assert "order of the factors" in feedback.hint


def test_np_dot_and_broadcasting_errors_are_explained():
    feedback = check("sigmoid_backward", lambda dA, Z: np.dot(dA, Z))
    assert "matrix product" in feedback.message and "shapes (3,5) and (3,5)" in feedback.message
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


@pytest.mark.parametrize(("exercise", "fn", "words"), [
    ("sigmoid_backward", lambda dA, Z: None, "returned None: is the `return` line missing?"),
    ("sigmoid_backward", lambda dA, Z: (dA * Z).tolist(), "returned a list of 3 items, not a "
                                                         "NumPy array"),
    ("sigmoid_backward", lambda dA, Z: 0.5, "returned a single number, not a NumPy array"),
    ("linear_backward", lambda dZ, c: list(lb_dot(dZ, c)),
     "returned a list of 3 items; it should return the tuple (dA_prev, dW, db)"),
    ("linear_backward", lambda dZ, c: lb_dot(dZ, c)[:2],
     "returned a tuple of 2 items; it should return 3: (dA_prev, dW, db)"),
    ("linear_backward", lambda dZ, c: lb_dot(dZ, c)[1],
     "returned a ndarray; it should return the tuple"),
    ("L_model_backward", lambda AL, Y, caches: list(lmb_course_style(AL, Y, caches).values()),
     "it should return the dict grads"),
])
def test_wrong_return_types_are_explained(exercise, fn, words):
    feedback = check(exercise, fn)
    assert not feedback.passed and feedback.mistake is None
    assert words in feedback.message


def test_wrong_parts_inside_the_result_are_explained():
    def bp_scalar_db2(p, c, X, Y):
        return {**bp_dot(p, c, X, Y), "db2": float(np.sum(c["A2"] - Y) / X.shape[1])}

    feedback = check("backward_propagation", bp_scalar_db2)
    assert "grads['db2'] is a single number, not a NumPy array of shape (1, 1)" in (
        feedback.message)
    assert "keepdims=True" in feedback.message

    def bp_list_dW1(p, c, X, Y):
        return {**bp_dot(p, c, X, Y), "dW1": bp_dot(p, c, X, Y)["dW1"].tolist()}

    assert "grads['dW1'] is a list of 4 items, not a NumPy array" in check(
        "backward_propagation", bp_list_dW1).message

    def lmb_missing(AL, Y, caches):
        grads = lmb_course_style(AL, Y, caches)
        return {k: v for k, v in grads.items() if k != "dW1"}

    assert "grads has no key 'dW1'" in check("L_model_backward", lmb_missing).message


def test_wrong_shapes_are_explained():
    def bp_dW2_transposed(p, c, X, Y):
        grads = bp_dot(p, c, X, Y)
        return {**grads, "dW2": grads["dW2"].T}

    feedback = check("backward_propagation", bp_dW2_transposed)
    assert feedback.mistake is None
    assert "grads['dW2'] has shape (4, 1), expected (1, 4)" in feedback.message
    assert "exactly the transpose" in feedback.message

    def bp_db1_flat(p, c, X, Y):
        grads = bp_dot(p, c, X, Y)
        return {**grads, "db1": grads["db1"].ravel()}

    assert "It is 1-D" in check("backward_propagation", bp_db1_flat).message

    feedback = check("relu_backward", lambda dA, Z: (dA * (Z > 0))[:, :-1])
    assert "dZ has shape (3, 4), expected (3, 5)" in feedback.message


def test_a_function_with_other_parameters_is_explained():
    feedback = check("relu_backward", lambda dA: dA)
    assert not feedback.passed
    assert "cannot be called the way the exercise calls it" in feedback.message
    assert "relu_backward(dA, cache)" in feedback.hint


def test_warnings_from_student_code_do_not_leak():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        feedback = check("dAL", lambda AL, Y: np.log(-AL) / 0)
    assert not caught
    assert not feedback.passed


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
    assert f"Mistake id: {entry.id}" in text
    assert text.splitlines()[-1] == f"Hint: {entry.hint}"
    assert repr(check("linear_backward", lb_dot)) == (
        "[passed] linear_backward: correct on all 3 test cases.")
    assert repr(check("linear_backward", stub)).startswith(
        "[to do] linear_backward: not implemented yet.\nHint: ")


def test_feedback_html_shows_the_verdict_in_words_and_escapes_the_text():
    html = check("linear_backward", stub)._repr_html_()
    assert "Not implemented yet" in html
    assert "<code>raise NotImplementedError</code>" in html
    assert "Correct" in check("linear_backward", lb_dot)._repr_html_()
    known = check("dAL", diagnose.find_mistake("dAL.sign_flipped").apply)._repr_html_()
    assert "Known mistake" in known and "<code>dAL.sign_flipped</code>" in known
    odd = Feedback(False, None, "a <b> & `x < y`", "")
    assert "a &lt;b&gt; &amp; <code>x &lt; y</code>" in odd._repr_html_()
    assert "Not correct" in odd._repr_html_()
