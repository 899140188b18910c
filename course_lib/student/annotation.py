"""``annotate``: the student's own lines tied to the stages and the slide's equations they
compute.

The student's functions run through the as-fed pass (as in ``compare``) under a line tracer
(``guarded.Tracer``). Each call of a course function is a *call context* with the values the
reference returns for that call's own arguments (its stages). After each statement of the
student's frames, the arrays it bound or changed (locals, and arrays one level inside a
local tuple, list or dict) are compared with the context's stages by the one comparison
rule (``diagnose.agrees``); the first statement after which one agrees carries that stage.
A stage no statement produced (the student's value is wrong) goes to the statement that last
bound or changed the object returned in its place, marked wrong. A statement that produced
no stage but a value of a closed list (a forward value recomputed, ``g'(Z)``, ``W.T``, the
product or sum before its 1/m) says which.
"""

from __future__ import annotations

import linecache
import warnings
from dataclasses import dataclass, field

import numpy as np

from course_lib.activations import ACTIVATIONS
from course_lib.checks import SaturationWarning, check_hidden
from course_lib.data import make_problem
from course_lib.diagnose import agrees
from course_lib.functions import FUNCTION
from course_lib.guarded import (
    DEFAULT_TIME_LIMIT,
    Budget,
    Tracer,
    Watch,
    loop_names,
    statement_text,
)
from course_lib.stages import SPEC, SPEC_AT, backward_stages
from course_lib.student.compare import compare
from course_lib.student.passes import Runner, Stopped, split_pass, whole_pass
from course_lib.student.records import BUDGET_SECONDS

MEANINGS = ("A from Z", "g'(Z)", "W.T", "m dW", "m db")  # the closed list, in words below
_MEANING_WORDS = {
    "A from Z": "the forward value A = g(Z) recomputed",
    "g'(Z)": "g'(Z), the activation's derivative",
    "W.T": "W.T, the weights transposed",
    "m dW": "m dW: the product dZ A_prev.T before its 1/m",
    "m db": "m db: the row sums of dZ before their 1/m",
}


@dataclass
class LineRecord:
    """One statement of the student's that ran in the as-fed pass."""

    function: str  # the course name it was given under, or a helper's __qualname__
    filename: str
    lineno: int  # where the statement starts
    text: str | None  # all its lines as written; None without source
    stages: tuple = ()  # the stage keys it produced, in order (one per call it served)
    equations: tuple = ()  # the slide's equation numbers of those stages
    wrong: tuple = ()  # stages it carries only because their value came out wrong
    turns: tuple = ()  # beside each stage, the loop turn that produced it ("l = 0"; "")
    meaning: str | None = None  # a value of MEANINGS it produced, when no stage
    notes: tuple = ()  # the stages the slide never forms, in words

    @property
    def meaning_words(self) -> str:
        return _MEANING_WORDS.get(self.meaning, "")

    def margin(self, verdicts: dict | None = None) -> str:
        """What the line computes, for the margin beside it: each stage with its slide
        equation (``dW2 = eq. 2``), a wrong one with its verdict, else the meaning."""
        parts = []
        turns = self.turns + ("",) * (len(self.stages) - len(self.turns))
        for key, turn in zip(self.stages, turns, strict=True):
            spec = SPEC[key]
            said = f"{key}: {_short_equation(spec)}" + (f" ({turn})" if turn else "")
            if key in self.wrong:
                said += f", {(verdicts or {}).get(key, 'wrong')}"
            parts.append(said)
        if not parts and self.meaning:
            parts.append(self.meaning_words)
        return "; ".join(parts)

    def sentence(self) -> str:
        """``"Line 12 of linear_backward computes dW2 (equation 2) and dW1 (equation 5)."``"""
        said = [
            f"{key} ({SPEC[key].equation_words}{', wrongly' if key in self.wrong else ''})"
            for key in self.stages
        ]
        listed = ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]
        return f"Line {self.lineno} of {self.function} computes {listed}."


@dataclass(frozen=True, eq=False)
class Annotation:
    """What ``annotate`` found: the lines, the stages no line carries, and as in ``compare``
    the error that stopped the pass or why it is not supported."""

    lines: tuple
    untied: tuple
    values: dict = field(default_factory=dict)  # stage key -> the student's value, as tied
    error: str | None = None
    unsupported: str | None = None

    def summary(self) -> str:
        """One sentence per line that computes a stage, in source order."""
        return " ".join(r.sentence() for r in self.lines if r.stages)

    def line_for(self, key: str) -> LineRecord | None:
        """The statement that carries stage ``key`` (its first, for a loop)."""
        return next((r for r in self.lines if key in r.stages), None)


def annotate(
    functions,
    hidden: str = "relu",
    seed: int = 0,
    *,
    m: int = 5,
    net=None,
    comparison=None,
    time_limit: float = DEFAULT_TIME_LIMIT,
):
    """The student's statements, each tied to the stages and slide equations it computes.

    Takes what ``compare`` takes (``comparison``: ``compare``'s result for the same
    arguments, when the caller has it already); returns an ``Annotation``.
    """
    verdict = comparison or compare(functions, hidden, seed, m=m, net=net, time_limit=time_limit)
    hidden = check_hidden(hidden).name
    if verdict.unsupported:
        return Annotation(lines=(), untied=(), unsupported=verdict.unsupported)
    X, Y, parameters = make_problem(m=m, seed=seed) if net is None else net
    ref = backward_stages(X, Y, parameters, hidden)
    tracing = _Annotator(functions=dict(functions), hidden=hidden, ref=ref)
    runner = Runner(dict(functions), time_limit, Budget(BUDGET_SECONDS))
    whole = next((n for n in functions if FUNCTION[n].whole), None)
    roots = frozenset(fn.__code__ for fn in functions.values() if hasattr(fn, "__code__"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SaturationWarning)
        with Tracer(tracing.watch(), roots=roots):
            try:
                whole_pass(runner, whole, ref) if whole else split_pass(runner, ref, hidden)
            except Stopped:
                pass
    return Annotation(
        lines=tracing.records(),
        untied=tracing.untied(),
        values=tracing.values,
        error=verdict.error,
    )


def course_lines(hidden: str = "relu") -> Annotation:
    """The course's own split functions annotated the same way: which of its lines is which
    equation, before a student writes any."""
    steps = ("compute_dAL", "sigmoid_backward", f"{check_hidden(hidden).name}_backward")
    names = (*steps, "linear_backward")
    found = annotate({name: FUNCTION[name].reference for name in names}, hidden)
    own = tuple(r for r in found.lines if r.function in names)  # not the checks' helpers
    return Annotation(lines=own, untied=found.untied)


# ----------------------------------------------------------------------------- the tracing


@dataclass
class _Context:
    """One call of a course function: its name, the stages it computes with the values the
    reference gives for its arguments, the meanings to look for, and what is tied."""

    name: str
    expected: dict  # stage key -> the reference's value on this call's arguments
    returned: tuple  # the stage keys it returns, in return order
    meanings: list  # (meaning, value) pairs to look for
    given: set = field(default_factory=set)  # ids of the arrays its arguments hold
    tied: dict = field(default_factory=dict)  # stage key -> (filename, line)
    last_change: dict = field(default_factory=dict)  # id(object) -> (filename, line)


@dataclass
class _Annotator:
    functions: dict
    hidden: str
    ref: object
    contexts: list = field(default_factory=list)
    calls: dict = field(default_factory=dict)  # course name -> calls so far
    lines: dict = field(default_factory=dict)  # (filename, start) -> LineRecord
    state: dict = field(default_factory=dict)  # frame -> name -> fingerprint
    finished: list = field(default_factory=list)
    values: dict = field(default_factory=dict)  # stage key -> the array first tied to it

    def watch(self) -> Watch:
        return Watch(on_call=self.on_call, on_statement=self.on_statement, on_return=self.on_return)

    def course_name(self, code) -> str | None:
        return next(
            (n for n, fn in self.functions.items() if getattr(fn, "__code__", None) is code),
            None,
        )

    # -- hooks ----------------------------------------------------------------------------

    def on_call(self, frame) -> None:
        name = self.course_name(frame.f_code)
        if name is not None:
            k = self.calls[name] = self.calls.get(name, -1) + 1
            args = _arguments(frame)
            ctx = _context(name, k, args, self.hidden, self.ref)
            ctx.given = _ids_within(args)
            self.contexts.append(ctx)
        self.state[frame] = _fingerprints(frame.f_locals)

    def on_statement(self, frame, start) -> None:
        self._record(frame, start)
        changed = self._changed(frame)
        if self.contexts:
            self._tie(frame, start, changed)

    def on_return(self, frame, value, start) -> None:
        if start is not None:
            self._record(frame, start)
            changed = self._changed(frame)
            if self.contexts:
                self._tie(frame, start, changed, returned=value)
        self.state.pop(frame, None)
        if self.course_name(frame.f_code) is not None and self.contexts:
            ctx = self.contexts.pop()
            _fall_back(ctx, value, (frame.f_code.co_filename, start))
            self.finished.append(ctx)
            self._mark_wrong(ctx)

    # -- bookkeeping ----------------------------------------------------------------------

    def _record(self, frame, start) -> LineRecord:
        where = (frame.f_code.co_filename, start)
        if where not in self.lines:
            name = self.course_name(frame.f_code) or frame.f_code.co_qualname
            self.lines[where] = LineRecord(
                function=name,
                filename=where[0],
                lineno=start,
                text=statement_text(*where) if linecache.getline(*where) else None,
            )
        return self.lines[where]

    def _changed(self, frame) -> list:
        """The arrays the last statement bound or changed (in a local, or one level inside
        a local tuple, list or dict)."""
        before = self.state.get(frame, {})
        now = _fingerprints(frame.f_locals)
        self.state[frame] = now
        return [obj for name, (fp, obj) in now.items() if before.get(name, (None,))[0] != fp]

    def _tie(self, frame, start, changed, returned=None) -> None:
        """Tie each stage of the running call that a changed array (or the value returned
        from this statement) first agrees with to this statement."""
        ctx, where = self.contexts[-1], (frame.f_code.co_filename, start)
        fresh = [arr for obj in changed for arr in _arrays(obj)]
        for arr in fresh:
            ctx.last_change[id(arr)] = where
        for arr in fresh + _arrays(returned):
            key = next(
                (k for k, want in ctx.expected.items() if k not in ctx.tied and agrees(arr, want)),
                None,
            )
            if key is not None:
                ctx.tied[key] = where
                self.values.setdefault(key, arr.copy())
                self._add_stage(where, key, turn=_turn(frame, start))
            else:
                self._add_meaning(where, ctx, arr)

    def _add_stage(self, where, key, wrong=False, turn="") -> None:
        record = self.lines[where]
        spec = SPEC[key]
        record.stages += (key,)
        record.turns += (turn,)
        if spec.equation is not None:
            record.equations += (spec.equation,)
        if wrong:
            record.wrong += (key,)
        note = _stage_note(key)
        if note and note not in record.notes:
            record.notes += (note,)

    def _add_meaning(self, where, ctx, arr) -> None:
        record = self.lines[where]
        if id(arr) in ctx.given:  # unpacked from the arguments, not computed here
            return
        if record.meaning is None and not record.stages:
            record.meaning = next(
                (m for m, v in ctx.meanings if v is not None and agrees(arr, v)), None
            )

    def _mark_wrong(self, ctx) -> None:
        for key, where in ctx.tied.items():
            if where not in self.lines or key in self.lines[where].stages:
                continue
            self._add_stage(where, key, wrong=True)

    def records(self) -> tuple:
        return tuple(sorted(self.lines.values(), key=lambda r: (r.filename, r.lineno)))

    def untied(self) -> tuple:
        """The stages some call was to compute and no statement of any call carries (a whole
        pass's inner dZ is carried by the helper that computed it)."""
        tied = {k for ctx in self.finished for k in ctx.tied}
        keys = [k for ctx in self.finished for k in ctx.expected if k not in tied]
        return tuple(dict.fromkeys(keys))


# ----------------------------------------------------------------------------- helpers


def _arguments(frame) -> tuple:
    code = frame.f_code
    return tuple(frame.f_locals.get(n) for n in code.co_varnames[: code.co_argcount])


def _context(name: str, k: int, args: tuple, hidden: str, ref) -> _Context:
    """The stages call ``k`` of ``name`` computes, valued by the reference on ``args``."""
    f = FUNCTION[name]
    calls = f.calls(hidden)
    if k >= len(calls):  # more calls than the pass makes: nothing to tie
        return _Context(name=name, expected={}, returned=(), meanings=[])
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
    return _Context(
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


def _ids_within(obj, depth: int = 4) -> set:
    """The ids of the arrays inside ``obj`` (tuples, lists and dicts, ``depth`` deep)."""
    if isinstance(obj, np.ndarray):
        return {id(obj)}
    if depth == 0:
        return set()
    items = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, tuple | list) else ()
    return set().union(*(_ids_within(v, depth - 1) for v in items))


def _fingerprint(arr: np.ndarray) -> tuple:
    return (arr.shape, arr.dtype.str, hash(arr.tobytes()))


def _arrays(obj) -> list:
    """The arrays of a local: itself, or one level inside a tuple, list or dict."""
    if isinstance(obj, np.ndarray):
        return [obj]
    if isinstance(obj, tuple | list):
        return [v for v in obj if isinstance(v, np.ndarray)]
    if isinstance(obj, dict):
        return [v for v in obj.values() if isinstance(v, np.ndarray)]
    return []


def _fingerprints(local_names: dict) -> dict:
    """name -> (fingerprint, object) of every local holding arrays."""
    out = {}
    for name, obj in list(local_names.items()):
        arrays = _arrays(obj)
        if arrays:
            out[name] = (tuple(_fingerprint(a) for a in arrays), obj)
    return out


def _fall_back(ctx: _Context, value, at_return) -> None:
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
        ctx.tied[key] = ctx.last_change.get(id(obj), at_return)


def _turn(frame, start: int) -> str:
    """Which turn of the loops around line ``start`` is running: ``"l = 0"`` ("" outside a
    loop, or when its variable is not a small value worth showing)."""
    names = loop_names(frame.f_code).get(start, ())
    shown = []
    for name in names:
        value = frame.f_locals.get(name)
        if isinstance(value, int | str) and len(repr(value)) <= 12:
            shown.append(f"{name} = {value!r}")
    return ", ".join(shown)


def _short_equation(spec) -> str:
    if spec.equation is None:
        return "not on the slide"
    return f"eq. {spec.equation}'s bracket" if spec.bracket else f"eq. {spec.equation}"


def _stage_note(key: str) -> str:
    """Words for a stage the slide never writes as its own equation."""
    spec = SPEC[key]
    if spec.bracket:
        return f"{key} is {spec.equation_words}, never given a name on the slide"
    if spec.equation is None and not spec.words.used_by:
        return f"{key} is not on the slide: computed here and never used"
    if spec.equation is None:
        return f"{key} is not on the slide: equation 1 starts from A2 - Y, which folds it in"
    return ""
