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
from course_lib.stages import SPEC, backward_stages
from course_lib.student.compare import compare
from course_lib.student.expected import (
    arguments,
    arrays_in,
    call_context,
    fall_back,
    fingerprints,
    ids_within,
)
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
            args = arguments(frame)
            ctx = call_context(name, k, args, self.hidden, self.ref)
            ctx.given = ids_within(args)
            self.contexts.append(ctx)
        self.state[frame] = fingerprints(frame.f_locals)

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
            fall_back(ctx, value, (frame.f_code.co_filename, start))
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
        now = fingerprints(frame.f_locals)
        self.state[frame] = now
        return [obj for name, (fp, obj) in now.items() if before.get(name, (None,))[0] != fp]

    def _tie(self, frame, start, changed, returned=None) -> None:
        """Tie each stage of the running call that a changed array (or the value returned
        from this statement) first agrees with to this statement."""
        ctx, where = self.contexts[-1], (frame.f_code.co_filename, start)
        fresh = [arr for obj in changed for arr in arrays_in(obj)]
        for arr in fresh:
            ctx.note_change(arr, where)
        for arr in fresh + arrays_in(returned):
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
        if ctx.changed_at(arr, where) != where:  # computed earlier, passed on here
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
