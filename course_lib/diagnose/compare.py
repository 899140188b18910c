"""Naming mistakes output by output, and making several catalogued mistakes at once.

``name_mistakes`` judges the student's outputs one by one. A catalogue entry *explains* some
of them when every output it changes (``Mistake.outputs``) is wrong in the student's
results and equal to the entry's on every test case; the outputs it leaves alone are then
right, as they are in the entry's. Among the entries that explain something, it picks
entries touching different outputs that together explain as many of the wrong outputs as
possible, with as few entries as possible (one entry that changes dW and db beats two that
change one each); ties go to catalogue order. They are named in the order of the pass
(``naming_order``): by stage for a whole-pass exercise, else by the first output they change.

``combination`` is the other direction: a ``Mistake`` whose ``apply`` makes two or more
catalogued mistakes of different outputs at once (each output from the entry that changes
it, the rest from the reference).
"""

from __future__ import annotations

from course_lib.checks import CourseInputError
from course_lib.diagnose.catalogue import Mistake, find_mistake, mistakes_for
from course_lib.diagnose.exercises import EXERCISES, Case
from course_lib.diagnose.outputs import MISSING, output_names, parts, results_of, run, same
from course_lib.stages import STAGE_KEYS


def explains(entry: Mistake, student, refs, wrong) -> bool:
    """Every output ``entry`` changes is wrong in ``student`` and equal to the entry's on
    every case (``student``, ``refs``: the named outputs on each case)."""
    theirs = results_of(entry.apply, entry.exercise)
    if theirs is None or not entry.outputs or not set(entry.outputs) <= wrong:
        return False
    return all(
        same(mine.get(k, MISSING), their.get(k, MISSING))
        for mine, their, ref in zip(student, theirs, refs, strict=True)
        for k in entry.outputs
        if k in ref
    )


def name_mistakes(exercise: str, student, refs, wrong: tuple[str, ...]) -> tuple[Mistake, ...]:
    """The catalogued mistakes, of different outputs, that explain most of ``wrong``.

    exercise : a key of ``EXERCISES``. student, refs : the named outputs on each case.
    wrong : the outputs the student got wrong, in output order.
    Returns the entries in ``naming_order``; () when none explains anything.
    """
    candidates = [e for e in mistakes_for(exercise) if explains(e, student, refs, set(wrong))]
    return naming_order(_best_cover(wrong, candidates))


def naming_order(entries) -> tuple[Mistake, ...]:
    """Mistakes of one exercise in the order the pass makes them: by stage where they have
    one, by the first output they change, then in catalogue order."""
    if not entries:
        return ()
    catalogue = mistakes_for(entries[0].exercise)
    order = output_names(entries[0].exercise)

    def place(e):
        first = min((order.index(k) for k in e.outputs), default=len(order))
        stage = STAGE_KEYS.index(e.stage) if e.stage else first
        return stage, first, catalogue.index(e) if e in catalogue else len(catalogue)

    return tuple(sorted(entries, key=place))


def _best_cover(wrong, candidates) -> tuple:
    """Candidates with disjoint outputs covering the most of ``wrong``, then the fewest."""
    best = [(), 0]

    def search(i, chosen, used):
        if i == len(wrong):
            if (len(used), -len(chosen)) > (best[1], -len(best[0])):
                best[:] = [chosen, len(used)]
            return
        if wrong[i] in used:
            search(i + 1, chosen, used)
            return
        for c in candidates:
            if wrong[i] in c.outputs and not used & set(c.outputs):
                search(i + 1, (*chosen, c), used | set(c.outputs))
        search(i + 1, chosen, used)  # this output left unexplained

    search(0, (), frozenset())
    return best[0]


def merge(exercise, ref, made: list) -> object:
    """One case's result: each output from the mistake in ``made`` that changes it (pairs
    ``(its result, its outputs)``), every other from ``ref``."""
    pr = parts(exercise, ref)
    owners = [(parts(exercise, out), set(outputs)) for out, outputs in made]
    keys = dict.fromkeys([*pr, *(k for p, _ in owners for k in p)])
    merged = {}
    for k in keys:
        source = next((p for p, outputs in owners if k in outputs), pr)
        if k not in pr:  # an extra key one of the mistakes adds
            source = next((p for p, _ in owners if k in p), pr)
        merged[k] = source.get(k, MISSING)
    if exercise.kind == "tuple":
        return tuple(merged[k] for k in exercise.outputs)
    if exercise.kind == "dict":
        return {k: v for k, v in merged.items() if v is not MISSING}
    return merged[exercise.outputs[0]]


def combination(*mistake_ids: str) -> Mistake | None:
    """Two or more catalogued mistakes made at once, as a ``Mistake`` whose ``apply`` makes
    them all; its id is theirs joined by ``+`` in ``naming_order`` (as ``check`` names them),
    its stage the earliest of theirs.

    None when two of them change a common output (``check`` never names such a set).
    """
    entries = [find_mistake(i) for i in mistake_ids]
    if (
        len(entries) < 2
        or len({e.exercise for e in entries}) != 1
        or len({e.id for e in entries}) != len(entries)
    ):
        raise CourseInputError(
            f"a combination needs two or more different mistakes of one exercise, got "
            f"{list(mistake_ids)!r}"
        )
    entries = naming_order(entries)
    touched = [set(e.outputs) for e in entries]
    if sum(map(len, touched)) != len(set().union(*touched)) or not all(touched):
        return None
    exercise = EXERCISES[entries[0].exercise]

    def apply(*args):
        case = Case("", args, 0)
        return merge(
            exercise,
            run(exercise.reference, case),
            [(run(e.apply, case), e.outputs) for e in entries],
        )

    stages = [e.stage for e in entries if e.stage is not None]
    stage = min(stages, key=STAGE_KEYS.index) if stages else None
    return Mistake(
        "+".join(e.id for e in entries),
        exercise.name,
        "; and ".join(e.title for e in entries),
        " ".join(e.hint for e in entries),
        apply,
        stage,
    )
