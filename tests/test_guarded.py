"""course_lib.guarded: a student's function run with a time limit, its prints and warnings
captured, its exceptions trimmed to its own lines, its in-place changes named; and
``describe_output``'s one sentence for every kind of unusable output."""

from __future__ import annotations

import _thread
import importlib
import re
import signal
import sys
import threading
import time
import warnings

import numpy as np
import pytest

import course_lib
from course_lib import assignment, guarded
from course_lib.assignment import LayerCache, LinearCache
from course_lib.checks import CourseInputError
from course_lib.guarded import Budget, call, describe_output


def busy(seconds):
    """Run Python bytecode (not a sleep) for ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def forever(*args):
    """Never returns."""
    while True:
        pass


@pytest.fixture(autouse=True)
def watchdog():
    """Were the guard broken, ``forever`` would hang the run (pytest-timeout's timer is
    paused during a guarded call): after 10 s interrupt the main thread instead."""
    timer = threading.Timer(10, _thread.interrupt_main)
    timer.start()
    yield
    timer.cancel()


@pytest.fixture
def alarm_to_ourselves():
    """Pause pytest-timeout's SIGALRM timer for a test that arms its own; put it back after."""
    handler = signal.getsignal(signal.SIGALRM)
    delay, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    start = time.monotonic()
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, handler)
    if delay > 0:
        left = max(delay - (time.monotonic() - start), 1e-3)
        signal.setitimer(signal.ITIMER_REAL, left, interval)


# ----------------------------------------------------------------------------- time


def test_a_function_that_never_returns_is_stopped_within_its_limit():
    start = time.monotonic()
    out = call(forever, (1, 2), name="relu_backward", time_limit=0.3)
    elapsed = time.monotonic() - start
    assert 0.3 <= elapsed < 0.6  # under 2x the limit even on a loaded machine
    assert out.kind == "timeout" and not out.ok and out.value is None
    assert out.message.startswith("relu_backward did not finish within 0.3 s")
    assert "`while True:`" in out.message  # the line it was stopped at
    assert "in forever" in out.traceback and "Stopped" in out.traceback
    assert call(lambda x: x + 1, (1,)).value == 2  # and the process carries on
    assert call(lambda: 3, (), time_limit=1e300).value == 3  # no overflow of the timer


def test_a_function_that_swallows_the_stop_is_stopped_again():
    def stubborn():
        try:
            forever()
        except BaseException:  # a bare except, as students write it
            pass
        busy(2)  # bounded: were the second stop missing, this test fails rather than hangs

    start = time.monotonic()
    out = call(stubborn, (), time_limit=0.2)
    assert out.kind == "timeout" and time.monotonic() - start < 1.0  # not after busy(2)


def test_a_budget_runs_out_across_calls():
    budget = Budget(1.0)
    calls = []
    first = call(busy, (0.3,), name="linear_backward", time_limit=5, budget=budget)
    assert first.ok and first.time_limit == pytest.approx(1.0, abs=0.1)  # the budget's
    start = time.monotonic()
    second = call(forever, (), name="relu_backward", time_limit=5, budget=budget)
    assert time.monotonic() - start < 2  # stopped when the budget ran out, not after 5 s
    assert second.kind == "budget" and "whole check ran out" in second.message
    assert second.message.startswith("relu_backward was stopped")
    third = call(calls.append, (1,), name="sigmoid_backward", budget=budget)
    assert third.kind == "budget" and calls == []  # not called at all
    assert third.message.startswith("sigmoid_backward was not run")
    assert budget.remaining() == 0


def test_a_timer_armed_before_is_re_armed_and_its_handler_restored(alarm_to_ourselves):
    def handler(signum, frame):
        raise AssertionError("the earlier timer fired during the guarded call")

    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 50, 7)
    start = time.monotonic()
    quick = call(lambda: 1, ())
    stopped = call(forever, (), time_limit=0.2)
    delay, interval = signal.getitimer(signal.ITIMER_REAL)
    elapsed = time.monotonic() - start
    assert quick.ok and stopped.kind == "timeout"
    assert signal.getsignal(signal.SIGALRM) is handler
    assert 50 - elapsed - 0.05 <= delay <= 50 - 0.2 and interval == 7


def test_a_timer_that_expired_during_the_call_fires_at_once_after_it(alarm_to_ourselves):
    fired = []
    signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(time.monotonic()))
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    ended = []
    out = call(lambda: ended.append(busy(0.3) or time.monotonic()), (), time_limit=2)
    while not fired and time.monotonic() < ended[0] + 1:
        pass
    assert out.ok and len(fired) == 1
    assert ended[0] <= fired[0] < ended[0] + 0.2  # not during the call, and at once after


def test_outside_the_main_thread_the_time_limit_becomes_a_budget_of_steps():
    """No timer there (as in a browser tab): a loop that never ends is stopped by the
    tracer's budget, a short call runs to its end, and the main thread's timer is untouched."""
    handler = signal.getsignal(signal.SIGALRM)

    def spins(x):
        while True:
            x += 1

    outcomes = []

    def calls():
        outcomes.append(call(spins, (0,), time_limit=0.05))
        outcomes.append(call(lambda x: x + 1, (1,), time_limit=0.05))

    thread = threading.Thread(target=calls)
    thread.start()
    thread.join(10)
    stopped, returned = outcomes
    assert stopped.kind == "timeout" and stopped.time_limit is None
    assert "within 0.05 s and was stopped" in stopped.message
    assert returned.ok and returned.value == 2
    assert signal.getsignal(signal.SIGALRM) is handler


# ----------------------------------------------------------------------------- exceptions


def test_an_exception_gives_one_sentence_and_a_traceback_of_the_students_lines_only():
    def my_relu_backward(dA, Z):
        dZ = assignment.relu_backward(dA, Z.T)
        return dZ

    out = call(my_relu_backward, (np.ones((2, 3)), np.ones((2, 3))), name="relu_backward")
    assert out.kind == "raised"
    assert out.message.startswith(
        "relu_backward raised CourseInputError at the line `dZ = assignment.relu_backward(dA, "
        "Z.T)`: relu_backward(dA, Z): dA has shape (2, 3) but Z has shape (3, 2)"
    )
    assert "\n" not in out.message and out.message.endswith(".")
    files = re.findall(r'File "([^"]+)"', out.traceback)
    assert files == [__file__]
    assert "dZ = assignment.relu_backward(dA, Z.T)" in out.traceback
    assert out.traceback.rstrip().endswith("so they must match")
    assert course_lib.__path__[0] not in out.traceback


def test_numpy_and_standard_library_frames_are_trimmed():
    def invert(W):
        return np.linalg.inv(W)

    out = call(invert, (np.ones((2, 3)),))
    assert out.kind == "raised" and "LinAlgError" in out.message
    assert re.findall(r'File "([^"]+)"', out.traceback) == [__file__]


def test_a_standard_library_imported_from_a_zip_is_not_the_students(monkeypatch):
    # Pyodide imports its standard library from /lib/python312.zip, a path on sys.path that
    # sysconfig does not name: its frames are not the student's (not traced, not shown).
    from course_lib.guarded import failures

    assert failures.is_student_file("/lib/python312.zip/re/_parser.py")  # not on this path
    monkeypatch.setattr(sys, "path", [*sys.path, "/lib/python312.zip"])
    monkeypatch.setattr(failures, "_LIBRARY_DIRS", failures._library_dirs())
    assert not failures.is_student_file("/lib/python312.zip/re/_parser.py")
    assert not failures.is_student_file(re.__file__)
    assert failures.is_student_file("<your code 1>")
    assert failures.is_student_file("/tmp/ipykernel_1/2.py")
    assert failures.is_student_file("/lib/python312.zip.d/mine.py")  # a name that only begins so


def test_a_students_exception_that_cannot_be_printed_is_still_reported():
    class Odd(Exception):
        def __str__(self):
            raise RuntimeError("no")

    def odd():
        raise Odd

    out = call(odd, ())
    assert out.kind == "raised" and out.message.startswith("odd raised Odd at the line")


def test_the_stub_is_not_implemented():
    def relu_backward(dA, Z):
        raise NotImplementedError

    def linear_activation_backward(dA, cache):
        return relu_backward(dA, cache)

    out = call(relu_backward, (1, 2))
    assert out.kind == "not implemented"
    assert out.message == (
        "relu_backward is not implemented yet: replace `raise NotImplementedError` with your code."
    )
    out = call(linear_activation_backward, (1, 2))
    assert out.kind == "not implemented"
    assert "it calls relu_backward, which still raises NotImplementedError" in out.message


def test_importing_the_original_courses_helpers_says_what_to_use_instead():
    def relu_backward(dA, Z):
        import dnn_utils  # noqa: F401

    out = call(relu_backward, (1, 2))
    assert out.kind == "import"
    assert out.message.startswith("relu_backward imports dnn_utils, a helper module")
    assert "`from course_lib.assignment import sigmoid_backward, relu_backward`" in out.message


def test_every_replacement_named_for_a_helper_module_exists():
    # The advice is code a student will paste: every name in it must import.
    for module, advice in guarded.COURSE_HELPERS.items():
        named = re.findall(r"from course_lib\.(\w+) import ([\w, ]+)`", advice)
        named += [(m, n) for m, n in re.findall(r"course_lib\.(\w+)\.(\w+)", advice)]
        assert named, module
        for submodule, names in named:
            lib = importlib.import_module(f"course_lib.{submodule}")
            for name in names.split(", "):
                assert callable(getattr(lib, name)), (module, submodule, name)


# ----------------------------------------------------------------------------- output


def test_prints_are_captured_and_returned_not_shown(capsys):
    def chatty(x):
        print("shape", np.shape(x))
        print("oops", file=sys.stderr)
        return x

    out = call(chatty, (np.ones((2, 3)),))
    assert out.ok and out.printed == "shape (2, 3)\noops\n"
    assert "chatty printed:\nshape (2, 3)\noops" in out.report()
    assert capsys.readouterr() == ("", "")


def test_a_print_loop_is_cut_short():
    out = call(lambda: print("x" * 50_000), ())
    assert out.printed.startswith("x" * guarded.PRINT_LIMIT + "\n... (")
    assert len(out.printed) < guarded.PRINT_LIMIT + 100


def test_numpy_warnings_are_collected_and_numpys_global_state_is_untouched(capsys):
    before = np.geterr()

    def cost(A):
        return -np.log(A)

    with warnings.catch_warnings(record=True) as escaped, np.errstate(all="raise"):
        warnings.simplefilter("always")
        out = call(cost, (np.array([[0.0, 0.5]]),))
    assert out.ok and out.value[0, 0] == np.inf
    assert out.warnings == (
        "RuntimeWarning: divide by zero encountered in log at the line `return -np.log(A)`",
    )
    assert "cost warned: RuntimeWarning: divide by zero" in out.report()
    assert escaped == [] and capsys.readouterr() == ("", "")
    assert np.geterr() == before


# ----------------------------------------------------------------------------- mutation


def test_changing_dA_in_place_is_reported_and_the_callers_arrays_are_untouched():
    def relu_backward(dA, Z):
        dA[Z <= 0] = 0
        return dA

    dA, Z = np.array([[1.0, -2.0], [3.0, 4.0]]), np.array([[1.0, -1.0], [0.0, 2.0]])
    out = call(relu_backward, (dA, Z))
    assert out.ok and out.mutated == ("dA",)
    np.testing.assert_array_equal(out.value, [[1, 0], [0, 4]])
    assert out.mutation.startswith(
        "relu_backward changed its argument dA in place (dA[0, 1] was -2, now 0); "
    )
    np.testing.assert_array_equal(dA, [[1, -2], [3, 4]])


def test_a_change_inside_a_nested_cache_is_named_by_its_path():
    rng = np.random.default_rng(0)
    A_prev, W, b, Z = rng.normal(size=(3, 5)), rng.normal(size=(2, 3)), np.zeros((2, 1)), None
    caches = [LayerCache(LinearCache(A_prev, W + k, b), rng.normal(size=(2, 5))) for k in (0, 1)]
    plain = ((A_prev, W, b), Z)

    def L_model_backward(AL, Y, caches):
        caches[1].linear_cache.W[0, 2] += 1.0
        return {}

    def linear_backward(dZ, cache):
        (A_prev, W, b), Z = cache
        W -= 0.5
        return dZ

    out = call(L_model_backward, (np.ones((1, 5)), np.ones((1, 5)), caches))
    assert out.mutated == ("caches",)
    assert "(caches[1].linear_cache.W[0, 2] was " in out.mutation
    out = call(linear_backward, (np.ones((2, 5)), plain))
    assert out.mutated == ("cache",) and "(cache[0][1][0, 0] was " in out.mutation
    assert caches[1].linear_cache.W[0, 2] == W[0, 2] + 1 and np.all(plain[0][1] == W)


def test_a_changed_dict_entry_and_a_new_key_are_named():
    parameters = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}

    def update_parameters(parameters, grads, learning_rate):
        parameters["W1"] -= learning_rate * grads["dW1"]
        grads["dW2"] = 0
        return parameters

    out = call(update_parameters, (parameters, {"dW1": np.ones((2, 3))}, 0.5))
    assert out.mutated == ("parameters", "grads")
    assert out.mutation.startswith(
        "update_parameters changed its arguments parameters and "
        "grads in place (parameters['W1'][0, 0] was 1, now 0.5)"
    )
    out = call(lambda grads: grads.update(dW2=0), ({"dW1": 1},))
    assert "(grads gained the key 'dW2')" in out.mutation


def test_a_function_that_changes_nothing_is_not_reported():
    def reads_only(dA, cache, activation):
        return dA * 2

    args = (np.array([[np.nan, 1.0]]), ((np.ones((1, 2)),), np.zeros((1, 2))), "relu")
    out = call(reads_only, args)
    assert out.ok and out.mutated == () and out.mutation == "" and out.report() == ""


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "kwargs",
    [
        {"time_limit": 0},
        {"time_limit": -1},
        {"time_limit": float("nan")},
        {"time_limit": True},
        {"time_limit": "3"},
    ],
)
def test_a_bad_time_limit_is_refused(kwargs):
    with pytest.raises(CourseInputError, match="time_limit"):
        call(lambda: 1, (), **kwargs)


def test_a_result_passed_instead_of_the_function_is_refused():
    with pytest.raises(CourseInputError, match="without calling it"):
        call(np.ones((2, 2)), ())
    with pytest.raises(CourseInputError, match="args must be a tuple"):
        call(lambda x: x, np.ones(2))


# ----------------------------------------------------------------------------- describe_output


F32 = np.ones((3, 1), dtype=np.float32)


@pytest.mark.parametrize(
    "value,shape,sentence",
    [
        (None, (3, 1), "f returned None instead of db: is the `return` line missing?"),
        (
            [1.0, 2.0],
            (3, 1),
            "f returned db as a list of 2 items, not a NumPy array of shape (3, 1).",
        ),
        ((F32, F32), None, "f returned db as a tuple of 2 items, not a NumPy array."),
        (
            2.5,
            (3, 1),
            "f returned db as a single number, not a NumPy array of shape (3, 1) "
            "(a sum with keepdims=True keeps the column shape).",
        ),
        ("db", (3, 1), "f returned db as a string, not a NumPy array of shape (3, 1)."),
        (
            np.ones((3, 1)) > 0,
            (3, 1),
            "f returned db holding values of type bool, not real "
            "numbers (a comparison such as `Z > 0` gives True/False).",
        ),
        (
            np.ones((3, 1)) * 1j,
            (3, 1),
            "f returned db holding values of type complex128, not real numbers.",
        ),
        (
            np.ones((1, 3)),
            (3, 1),
            "f returned db with shape (1, 3), expected (3, 1): that is the "
            "transposed shape (check the order of the factors and the .T).",
        ),
        (
            np.ones(3),
            (3, 1),
            "f returned db with shape (3,), expected (3, 1): it is 1-D and lost "
            "its column (a sum with keepdims=True keeps it).",
        ),
        (
            np.ones(4),
            (1, None),
            "f returned db with shape (4,), expected (1, any): it is 1-D and "
            "lost its row (a sum with keepdims=True keeps it).",
        ),
        (np.ones((2, 1)), (3, 1), "f returned db with shape (2, 1), expected (3, 1)."),
        (
            np.array([[1.0], [np.nan], [np.inf]]),
            (3, 1),
            "f returned db holding nan at db[1, 0] (its first NaN or inf).",
        ),
        (
            np.array([[1.0], [2.0], [-np.inf]]),
            (3, 1),
            "f returned db holding -inf at db[2, 0] (its first NaN or inf).",
        ),
        (np.array(np.nan), None, "f returned db holding nan at db (its first NaN or inf)."),
        (F32, (3, 1), None),
        (np.ones((3, 1), dtype=int), (3, 1), None),
        (np.ones((3, 7)), (3, None), None),
        (np.ones((3, 3)), None, None),
    ],
)
def test_describe_output(value, shape, sentence):
    assert describe_output(value, function="f", output="db", expected_shape=shape) == sentence


def test_describe_output_accepts_the_dtype_kinds_asked_for():
    mask = np.ones((2, 2)) > 0
    assert describe_output(mask, function="f", output="mask", dtype_kinds="biuf") is None
