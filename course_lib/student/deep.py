"""A whole pass judged at the depths the assignment uses, not only the stepper's two layers.

The student's ``L_model_backward`` also runs on two fixed nets, layer sizes ``[4, 5, 3, 1]``
and ``[4, 5, 4, 3, 1]`` (``m = 5``, drawn from ``compare``'s seed, ReLU hidden layers and a
sigmoid output, as the assignment has), and its ``grads`` are judged key by key against the
course's ``L_model_backward`` on the same caches, by the one comparison rule
(``diagnose.agrees``). A loop that is not reversed, or that reads ``grads["dA" + str(L-1)]``
on every turn, is right at two layers (one hidden layer, one turn) and wrong here.

``at_depth`` gives one ``Departure`` per depth where the pass departs: the first ``grads``
key that differs, or the error it raised, explained in the student's terms. Also here: the
older notebook's ``grads`` key convention (``older_convention``) and which of the student's
helpers a whole pass calls (``helpers_used``).
"""

from __future__ import annotations

import inspect
import linecache
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course_lib import assignment
from course_lib.diagnose import agrees, close_entries
from course_lib.guarded import RAISED, call, describe_output, recording

SIZES = ((4, 5, 3, 1), (4, 5, 4, 3, 1))  # three and four layers
M = 5
NAME = "L_model_backward"  # the whole pass that has a depth (the week-3 one has two layers)
_WORDS = {2: "two", 3: "three", 4: "four"}
_LAST_HIDDEN = re.compile(  # grads["dA" + str(L - 1)] or grads[f"dA{L - 1}"]
    r"""grads\[\s*(?:["']dA["']\s*\+\s*str\(\s*L\s*-\s*1\s*\)|f["']dA\{\s*L\s*-\s*1\s*\}["'])\s*\]"""
)


@dataclass(frozen=True)
class Net:
    """A deep net of the assignment's kind: the arguments of ``L_model_backward`` (``AL``,
    ``Y`` and the caches as the course builds them, plain tuples) and the course's grads."""

    sizes: tuple
    args: tuple
    grads: dict

    @property
    def layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def where(self) -> str:
        """``At three layers (layer sizes [4, 5, 3, 1], m = 5)``, to begin a sentence."""
        return f"At {_WORDS[self.layers]} layers (layer sizes {list(self.sizes)}, m = {M})"


@dataclass(frozen=True)
class Departure:
    """Where a whole pass departs at one depth: the first grads key that differs (None when
    it raised or returned no dict), one sentence saying so, and what the call reported
    (its traceback trimmed to the student's lines, printed output)."""

    layers: int
    sizes: tuple
    key: str | None
    sentence: str
    report: str = ""

    @property
    def brief(self) -> str:
        """The departure in a few words, for a pass already wrong at two layers."""
        where = f"At {_WORDS[self.layers]} layers (layer sizes {list(self.sizes)}, m = {M})"
        if self.key:
            return f"{where} it departs too, first at grads[{self.key!r}]."
        return f"{where} it gives no grads to judge either."


@lru_cache(maxsize=8)
def deep_net(sizes: tuple, seed: int) -> Net:
    """The fixed net of ``sizes`` for ``seed``: weights scaled by 1/sqrt(n[l-1]) so no unit
    saturates, both labels present."""
    rng = np.random.default_rng([abs(int(seed)), len(sizes)])
    X = rng.standard_normal((sizes[0], M))
    parameters = {}
    for l in range(1, len(sizes)):
        parameters[f"W{l}"] = rng.standard_normal((sizes[l], sizes[l - 1])) / np.sqrt(sizes[l - 1])
        parameters[f"b{l}"] = 0.1 * rng.standard_normal((sizes[l], 1))
    Y = (rng.random((1, M)) > 0.5).astype(np.float64)
    Y[0, :2] = (1.0, 0.0)
    AL, named = assignment.L_model_forward(X, parameters)
    caches = [((c.linear_cache.A_prev, c.linear_cache.W, c.linear_cache.b), c.Z) for c in named]
    grads = assignment.L_model_backward(AL, Y, caches)
    for value in (AL, Y, *grads.values()):
        value.flags.writeable = False  # shared by every compare with this seed
    return Net(tuple(sizes), (AL, Y, caches), grads)


def key_order(layers: int) -> tuple:
    """The grads keys in the order the pass computes them: dW{L}, db{L}, dA{L-1}, ..."""
    return tuple(k for l in range(layers, 0, -1) for k in (f"dW{l}", f"db{l}", f"dA{l - 1}"))


def at_depth(fn, seed: int, *, time_limit, budget) -> tuple:
    """The student's whole pass ``fn`` at three and four layers: a ``Departure`` for each
    depth where it departs from the course's ``L_model_backward`` (none when it agrees)."""
    found = []
    for sizes in SIZES:
        net = deep_net(sizes, seed)
        errors = []
        outcome = call(
            recording(fn, errors), net.args, name=NAME, time_limit=time_limit, budget=budget
        )
        report = f"{net.where}: {outcome.report()}" if outcome.report() else ""
        if not outcome.ok:
            sentence = _raised(outcome, errors[-1] if errors else None, fn, net)
            found.append(Departure(net.layers, net.sizes, None, sentence, report))
            continue
        departure = _first_departure(outcome.value, net)
        if departure:
            found.append(Departure(net.layers, net.sizes, *departure, report))
    return tuple(found)


# ----------------------------------------------------------------------------- in words


def _first_departure(grads, net: Net) -> tuple | None:
    """``(key, sentence)`` for the first grads key that departs, or None."""
    if not isinstance(grads, dict):
        kind = type(grads).__name__
        return None, f"{net.where}, your {NAME} returned a {kind}, not the dict grads."
    if older_convention(grads, net.grads):
        return f"dA{net.layers - 1}", f"{net.where}: {convention_sentence()}"
    for key in key_order(net.layers):
        want = net.grads[key]
        got = dict.get(grads, key)
        label = f"grads[{key!r}]"
        if got is None and not dict.__contains__(grads, key):
            said = f"grads has no key {key!r}; the course's pass writes {_keys(net)}."
        elif problem := describe_output(
            got, function=NAME, output=label, expected_shape=want.shape
        ):
            said = f"your {problem[0].lower()}{problem[1:]}"
        elif not agrees(got, want):
            said = f"{label} departs first: {_first_entry(label, got, want)}"
        else:
            continue
        return key, f"{net.where}, {said} {_LOOK}"
    return None


_LOOK = (
    "A second hidden layer is what is new here: look at the loop's later turns, at which "
    "grads key each one reads and which cache it takes."
)


def _first_entry(label: str, got: np.ndarray, want: np.ndarray) -> str:
    close = close_entries(got, want)
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    at = f"{label}[{', '.join(map(str, index))}]"
    return f"{at} is {float(got[index]):.6g} but {float(want[index]):.6g} is expected."


def _keys(net: Net) -> str:
    L = net.layers
    return f"dA0 ... dA{L - 1}, dW1 ... dW{L} and db1 ... db{L}"


def _raised(outcome, error, fn, net: Net) -> str:
    """What the pass did at this depth when it gave nothing back, in the student's terms."""
    said = outcome.message
    if outcome.kind != RAISED or error is None:
        return f"{net.where}, your {said[0].lower()}{said[1:]}"
    line = _line_of(fn, error)
    if line and f"`{line}`" not in said:
        said += f" In your {NAME} that is the line `{line}`."
    return f"{net.where}, your {said} {_why(error, line, net)}".rstrip()


def _line_of(fn, error) -> str:
    """The line of ``fn`` itself (not a helper it calls) that the error passed through."""
    code = getattr(fn, "__code__", None)
    tb, line = getattr(error, "__traceback__", None), ""
    while tb is not None:
        if tb.tb_frame.f_code is code:
            line = linecache.getline(code.co_filename, tb.tb_lineno).strip()
        tb = tb.tb_next
    return line


def _why(error, line: str, net: Net) -> str:
    """Why a pass right at two layers fails at this depth, where that can be told."""
    key = error.args[0] if isinstance(error, KeyError) and error.args else None
    if isinstance(key, str) and key in net.grads:
        writer = int(key[2:]) + 1 if key.startswith("dA") else int(key[2:])
        why = f"grads[{key!r}] is read before it is written: layer {writer}'s step writes it."
        if key.startswith("dA"):
            why += (
                " The loop must run from the last hidden layer down "
                "(`for l in reversed(range(L - 1))`), so that each layer reads the dA the "
                "layer above it has just written; at two layers there is one hidden layer, "
                "so the order could not show."
            )
        return why
    if isinstance(key, str):
        depth = _WORDS[net.layers]
        return f"grads has no key {key!r} at {depth} layers: its keys are {_keys(net)}."
    if _LAST_HIDDEN.search(line or ""):
        return (
            "That line reads grads['dA' + str(L - 1)] on every turn of the loop: the dA of "
            "the last hidden layer, right for that layer only (and at two layers it is the "
            "only one). The turn for caches[l] needs grads['dA' + str(l + 1)], the dA the "
            "layer above has just written."
        )
    return f"It ran at two layers. {_LOOK}"


# ----------------------------------------------------------------------------- conventions


def older_convention(grads: dict, want: dict) -> bool:
    """``grads`` keyed as the older week-4 notebook keyed them: layer l's dA_prev stored as
    ``dA{l}`` (``dA1`` ... ``dA{L}``, no ``dA0``), each equal to the course's ``dA{l-1}``."""
    layers = sum(1 for k in want if str(k).startswith("dW"))
    if dict.__contains__(grads, "dA0"):
        return False
    for l in range(1, layers + 1):
        got = dict.get(grads, f"dA{l}")
        if not isinstance(got, np.ndarray) or not agrees(got, want[f"dA{l - 1}"]):
            return False
    return True


def convention_sentence() -> str:
    return (
        "the grads follow the older week-4 notebook's convention, which stored layer l's "
        "dA_prev as grads['dA' + str(l)] (so grads['dA1'] holds the gradient for X); the "
        "current assignment stores it as grads['dA' + str(l - 1)]: grads['dA0'] for X, "
        "grads['dA1'] for A1, and no key for AL."
    )


# ----------------------------------------------------------------------------- helpers


def helpers_used(whole, functions: dict) -> set | None:
    """The names in ``functions`` whose function ``whole`` calls, directly or through the
    student's own functions it calls (found from the names their code looks up, without
    running it); None when ``whole`` has no code to read (a callable object)."""
    if not inspect.isfunction(whole):
        return None
    seen, todo, reached = set(), [whole], set()
    while todo and len(seen) < 200:
        fn = todo.pop()
        if fn.__code__ in seen:
            continue
        seen.add(fn.__code__)
        names = fn.__globals__
        for name in _looked_up(fn.__code__):
            target = names.get(name) if isinstance(names, dict) else None
            if inspect.isfunction(target) and not _library(target):
                reached.add(target)
                todo.append(target)
    return {name for name, f in functions.items() if f in reached}


def _looked_up(code) -> set:
    """The global names ``code`` and the code nested in it (comprehensions) look up."""
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _looked_up(const)
    return names


def _library(fn) -> bool:
    return str(getattr(fn, "__module__", "") or "").startswith(("course_lib", "numpy"))
