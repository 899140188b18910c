"""The student's pass: their functions called guarded, through the split's seam
(``assignment.two_layer_backward``'s ``steps``) or as a whole pass, and each step function
on the reference inputs of its stages."""

from __future__ import annotations

import warnings

import numpy as np

from course_lib import assignment, slide
from course_lib.checks import SaturationWarning
from course_lib.functions import FUNCTION
from course_lib.guarded import Budget, call, describe_output
from course_lib.stages import ACTIVATION, OUTPUT_DA, SPEC_AT


class Stopped(Exception):
    """The student's code failed; ``message`` says how."""


class Runner:
    """Calls the student's functions guarded and keeps what they printed or changed."""

    def __init__(self, functions: dict, time_limit, budget: Budget):
        self.functions, self.time_limit, self.budget = functions, time_limit, budget
        self.reports: list[str] = []  # printed output, in-place changes, warnings
        self.problems: list[str] = []  # unusable outputs, one sentence each
        self.fed: list = []  # (course name, result) of each split step, in call order
        self.failed: set[str] = set()  # functions that raised, ran too long or gave nothing
        self.returned = None  # what a whole pass returned, as it returned it

    def run(self, name: str, args: tuple, outputs: tuple, shapes: tuple):
        """``functions[name](*args)`` guarded; raises ``Stopped`` if nothing usable came back.

        An array of the wrong shape or with NaN is still returned (it is judged wrong);
        its sentence goes to ``problems``.
        """
        outcome = call(
            self.functions[name], args, name=name, time_limit=self.time_limit, budget=self.budget
        )
        if outcome.report() and outcome.report() not in self.reports:
            self.reports.append(outcome.report())
        if not outcome.ok:
            self.failed.add(name)
            raise Stopped(outcome.message)
        if outcome.value is None:
            self.failed.add(name)
            raise Stopped(describe_output(None, function=name, output=", ".join(outputs)))
        value = outcome.value if len(outputs) > 1 else (outcome.value,)
        if len(outputs) > 1 and (not isinstance(value, tuple) or len(value) != len(outputs)):
            raise Stopped(
                f"{name} must return the tuple ({', '.join(outputs)}), got {_kind(value)}."
            )
        for out, v, shape in zip(outputs, value, shapes, strict=True):
            problem = describe_output(v, function=name, output=out, expected_shape=shape)
            if problem and not isinstance(v, np.ndarray):
                raise Stopped(problem)
            if problem and problem not in self.problems:
                self.problems.append(problem)
        return value if len(outputs) > 1 else value[0]

    def step(self, name: str):
        """A split step: the student's function (guarded) or the reference's, its result
        recorded, so a pass that stops part-way still shows the stages it computed. An
        unusable array that the next step would read stops the pass there."""
        outputs, shapes = FUNCTION[name].outputs, FUNCTION[name].shapes
        reference = FUNCTION[name].reference

        def stand_in(*args):
            if name not in self.functions:
                with warnings.catch_warnings():  # the reference stages carry it as a note
                    warnings.simplefilter("ignore", SaturationWarning)
                    value = reference(*args)
                self.fed.append((name, value))
                return value
            problems = len(self.problems)
            value = self.run(name, args, outputs, shapes(args))
            self.fed.append((name, value))
            passed_on = value[0] if len(outputs) > 1 else value  # dA_prev, dZ or dAL
            if len(self.problems) > problems and describe_output(
                passed_on, function=name, output=outputs[0], expected_shape=shapes(args)[0]
            ):
                raise Stopped(self.problems[-1])
            return value

        return stand_in


def _kind(value) -> str:
    return f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__


# ----------------------------------------------------------------------------- the passes


def split_pass(runner: Runner, ref, hidden: str) -> dict:
    """The student's pass through the split's steps: as fed, every stage it computes."""
    A2, Y = ref.forward["A2"], ref.Y
    cache1, cache2 = _caches(ref)
    if "linear_activation_backward" not in runner.functions:
        steps = {
            name: runner.step(name)
            for name in ("compute_dAL", "sigmoid_backward", "linear_backward", f"{hidden}_backward")
        }
        return assignment.two_layer_backward(A2, Y, cache1, cache2, hidden, steps)
    # A layer at a time: the activation step happens inside the student's function, so
    # the dZ stages are not seen.
    dA = runner.step("compute_dAL")(A2, Y)
    layer = runner.step("linear_activation_backward")
    dA = layer(dA, cache2, "sigmoid")[0]
    layer(dA, cache1, hidden)
    return partial(runner.fed, hidden)


def whole_pass(runner: Runner, name: str, ref) -> dict:
    """A whole-pass function's grads, keyed by stage."""
    p = ref.parameters
    if name == "L_model_backward":
        args = (ref.forward["A2"], ref.Y, list(_caches(ref)))
    else:
        _, cache = slide.forward_propagation(ref.X, p, "tanh")
        args = (p, cache, ref.X, ref.Y)
    (keys,) = FUNCTION[name].calls(ref.hidden)
    outcome = call(
        runner.functions[name], args, name=name, time_limit=runner.time_limit, budget=runner.budget
    )
    if outcome.report():
        runner.reports.append(outcome.report())
    if not outcome.ok:
        raise Stopped(outcome.message)
    grads = runner.returned = outcome.value
    if not isinstance(grads, dict):
        raise Stopped(f"{name} must return the dict grads, got {type(grads).__name__}.")
    out = {}
    for key in keys:
        if key not in grads:
            runner.problems.append(
                f"{name}'s grads has no key {key!r}; its keys are {sorted(map(str, grads))}."
            )
            continue
        problem = describe_output(
            grads[key], function=name, output=f"grads[{key!r}]", expected_shape=ref[key].value.shape
        )
        if problem and not isinstance(grads[key], np.ndarray):
            raise Stopped(problem)
        if problem:
            runner.problems.append(problem)
        out[key] = grads[key]
    return out


def on_their_own(runner: Runner, ref, hidden: str):
    """Each step function of the student's on the reference inputs of its stages."""
    f, v = runner.functions, ref.grads()
    caches = dict(zip((1, 2), _caches(ref), strict=True))
    output = SPEC_AT[2, OUTPUT_DA]
    calls = [("compute_dAL", (ref.forward["A2"], ref.Y), (output.key,))]
    for layer in (2, 1):  # each activation step reads the dA the layer above gave it
        act = SPEC_AT[layer, ACTIVATION]
        dA = act.operands[0].array
        calls.append((act.course_function(hidden), (v[dA], caches[layer][1]), (act.key,)))
    layers = "linear_activation_backward" if "linear_activation_backward" in f else None
    for layer in (2, 1):
        act = SPEC_AT[layer, ACTIVATION]
        if layers:  # the activation step inside, from this layer's dA
            g = act.activation_of(hidden)
            args = (v[act.operands[0].array], caches[layer], g)
        else:
            args = (v[act.key], caches[layer][0])
        name = layers or "linear_backward"
        calls.append((name, args, FUNCTION[name].stages(hidden, layer)))
    own, responsible = {}, {}
    for name, args, keys in calls:
        if name not in f or name in runner.failed:
            continue
        try:
            value = runner.run(name, args, FUNCTION[name].outputs, FUNCTION[name].shapes(args))
        except Stopped:
            continue  # reported by the pass already, or below as not reached
        for key, val in zip(keys, value if len(keys) > 1 else (value,), strict=True):
            own[key], responsible[key] = val, name
    return own, responsible


def partial(fed: list, hidden: str) -> dict:
    """The stages a split pass computed, from its steps' results in call order (all of
    them, or those before it stopped): a function's k-th call is its k-th layer's."""
    out, seen = {}, {}
    for name, value in fed:
        k = seen[name] = seen.get(name, -1) + 1
        keys = FUNCTION[name].calls(hidden)[k]
        out.update(zip(keys, value if len(keys) > 1 else (value,), strict=True))
    return out


def _caches(ref):
    """The two layer caches of the reference forward pass, as the course builds them: plain
    tuples ``((A_prev, W, b), Z)``, so a student's error names a tuple, as in the course."""
    p, f = ref.parameters, ref.forward
    cache1 = ((ref.X, p["W1"], p["b1"]), f["Z1"])
    cache2 = ((f["A1"], p["W2"], p["b2"]), f["Z2"])
    return cache1, cache2
