"""What one call of a course function is expected to compute, for ``annotate``: the stages
of that call with the values the reference gives for the call's own arguments, the values of
the closed list of meanings, and what the student's frame holds (arrays, one level inside a
tuple, list or dict, and their fingerprints, to see what a statement bound or changed)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from course_lib.activations import ACTIVATIONS
from course_lib.functions import FUNCTION
from course_lib.stages import SPEC, SPEC_AT


@dataclass
class CallContext:
    """One call of a course function: its name, the stages it computes with the values the
    reference gives for its arguments, the meanings to look for, and what is tied."""

    name: str
    expected: dict  # stage key -> the reference's value on this call's arguments
    returned: tuple  # the stage keys it returns, in return order
    meanings: list  # (meaning, value) pairs to look for
    given: set = field(default_factory=set)  # ids of the arrays its arguments hold
    tied: dict = field(default_factory=dict)  # stage key -> (filename, line)
    # id(object) -> ((filename, line), object): the object is kept, so its id is not reused
    last_change: dict = field(default_factory=dict)

    def note_change(self, obj, where) -> None:
        """``obj`` was bound or changed last by the statement at ``where``."""
        self.last_change[id(obj)] = (where, obj)

    def changed_at(self, obj, default):
        """Where ``obj`` was bound or changed last in this call, else ``default``."""
        found = self.last_change.get(id(obj))
        return found[0] if found is not None and found[1] is obj else default


def arguments(frame) -> tuple:
    code = frame.f_code
    return tuple(frame.f_locals.get(n) for n in code.co_varnames[: code.co_argcount])


def call_context(name: str, k: int, args: tuple, hidden: str, ref) -> CallContext:
    """The stages call ``k`` of ``name`` computes, valued by the reference on ``args``."""
    f = FUNCTION[name]
    calls = f.calls(hidden)
    if k >= len(calls):  # more calls than the pass makes: nothing to tie
        return CallContext(name=name, expected={}, returned=(), meanings=[])
    returned = calls[k]
    if f.whole:
        steps = f.steps + f.inside
        expected = {s.key: ref[s.key].value for s in _ref_specs(ref) if s.step in steps}
        layers = (2, 1)
    else:
        layer = SPEC[returned[0]].layer
        expected = _reference_values(f, args, returned)
        for step in f.inside:
            inside = SPEC_AT[layer, step]
            expected[inside.key] = _activation_value(inside, args, hidden)
        layers = (layer,)
    expected = {k: v for k, v in expected.items() if isinstance(v, np.ndarray)}
    return CallContext(
        name=name, expected=expected, returned=returned, meanings=_meanings(ref, layers)
    )


def _ref_specs(ref) -> tuple:
    return tuple(stage.spec for stage in ref.stages)


def _reference_values(f, args, returned) -> dict:
    """What the reference returns for ``args``, by stage key ({} when it cannot run on
    them: the student's earlier stage fed it a wrong shape)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = f.reference(*args)
    except Exception:
        return {}
    values = out if len(f.outputs) > 1 else (out,)
    return dict(zip(returned, values, strict=False))


def _activation_value(spec, args, hidden):
    """A layer step's inside ``dZ``: the reference activation step on its ``dA`` and Z."""
    g = spec.activation_of(hidden)
    try:
        return FUNCTION[f"{g}_backward"].reference(args[0], args[1][1])
    except Exception:
        return None


def _meanings(ref, layers) -> list:
    """(meaning, value) of the closed list at each layer, from the reference pass."""
    arrays, out = ref.arrays(), []
    for layer in layers:
        dW, dZ = SPEC_AT[layer, "dW"], SPEC_AT[layer, "activation"]
        (dZ_name, A_prev), (W, _) = (
            (o.array for o in dW.operands),
            (o.array for o in SPEC_AT[layer, "dA_prev"].operands),
        )
        g = ACTIVATIONS[dZ.activation_of(ref.hidden)]
        Z = arrays[dZ.operands[1].array]
        dZ_value = arrays[dZ_name]
        out += [
            ("A from Z", g.g(Z)),
            ("g'(Z)", g.prime(Z)),
            ("W.T", arrays[W].T),
            ("m dW", dZ_value @ arrays[A_prev].T),
            ("m db", np.sum(dZ_value, axis=1, keepdims=True)),
        ]
    return out


def ids_within(obj, depth: int = 4) -> set:
    """The ids of the arrays inside ``obj`` (tuples, lists and dicts, ``depth`` deep)."""
    if isinstance(obj, np.ndarray):
        return {id(obj)}
    if depth == 0:
        return set()
    items = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, tuple | list) else ()
    return set().union(*(ids_within(v, depth - 1) for v in items))


def _fingerprint(arr: np.ndarray) -> tuple:
    return (arr.shape, arr.dtype.str, hash(arr.tobytes()))


def arrays_in(obj) -> list:
    """The arrays of a local: itself, or one level inside a tuple, list or dict."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, tuple | list):
        return [v for v in obj if isinstance(v, np.ndarray)]
    if isinstance(obj, dict):
        return [v for v in obj.values() if isinstance(v, np.ndarray)]
    return []


def fingerprints(local_names: dict) -> dict:
    """name -> (fingerprint, object) of every local holding arrays."""
    out = {}
    for name, obj in list(local_names.items()):
        arrays = arrays_in(obj)
        if arrays:
            out[name] = (tuple(_fingerprint(a) for a in arrays), obj)
    return out


def fall_back(ctx: CallContext, value, at_return) -> None:
    """Each returned stage no statement produced goes to the statement that last bound or
    changed the object returned in its place (the return statement when it was built
    there)."""
    for i, key in enumerate(ctx.returned):
        if key in ctx.tied:
            continue
        if isinstance(value, dict):
            obj = value.get(key)
        elif isinstance(value, tuple) and len(ctx.returned) > 1:
            obj = value[i] if i < len(value) else None
        else:
            obj = value
        if obj is None and value is None:
            continue  # the call raised: nothing came back
        ctx.tied[key] = ctx.changed_at(obj, at_return)
