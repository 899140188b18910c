"""The student's own functions: which are still stubs, and ``course_lib.student.compare``'s
result shown stage by stage."""

from __future__ import annotations

import ast
import inspect
import textwrap
from html import escape

from course_lib.notebook_helpers.formatting import difference
from course_lib.notebook_helpers.shown import Shown
from course_lib.notebook_helpers.tables import table


def _is_stub(fn) -> bool:
    """A function whose body (after its docstring) is only ``raise NotImplementedError``."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        return False
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def stubs(functions: dict) -> list:
    """The names in ``functions`` whose function is still ``raise NotImplementedError``."""
    return [name for name, fn in functions.items() if _is_stub(fn)]


def written(functions: dict) -> dict:
    """``functions`` without the stubs: the ones you have written."""
    left = set(stubs(functions))
    return {name: fn for name, fn in functions.items() if name not in left}


def _as_fed(s) -> str:
    if s.right_as_fed is None:
        return "-"
    if s.right_as_fed:
        return "agrees"
    return "differs" if s.max_abs_diff is None else f"differs by {difference(s.max_abs_diff)}"


def _verdict(s) -> str:
    return f"inherits from {s.inherits_from}" if s.inherits_from else s.verdict


def comparison_table(r, whose: str = "your") -> Shown:
    """``compare``'s nine stages: who computed each, as fed, on its own, and the verdict.

    whose : how the compared functions are named ("your"; "the mistaken" for a
    demonstration, where a catalogued mistake stands in).
    """
    rows = [
        [
            s.index,
            s.key,
            f"{whose} {s.function}" if s.function else "reference",
            _as_fed(s),
            {None: "-", True: "right", False: "wrong"}[s.right_on_its_own],
            _verdict(s),
        ]
        for s in r.stages
    ]
    return table(
        [
            "stage",
            "array",
            "computed by",
            "as fed: max |yours - reference|",
            "on its own",
            "verdict",
        ],
        rows,
        caption=f"hidden activation {r.hidden}, seed {r.seed}",
    )


def comparison_summary(r) -> Shown:
    """What ``compare`` found, in a few lines: the first departure, which stages are wrong
    on their own and which inherit, the mistake named with its hint."""
    from course_lib.diagnose import find_mistake

    lines = []
    if r.unsupported or r.error:
        lines.append(r.unsupported or r.error)
    if r.clean:
        lines.append("Every stage agrees with the reference.")
    unnamed = [name for name in r.failed_checks if not r.feedback[name].mistake]
    lines += [f"Check of {name}: {r.feedback[name].message}" for name in unnamed]
    if r.first_wrong:
        index = next(s.index for s in r.stages if s.key == r.first_wrong)
        lines.append(f"First departure: {r.first_wrong} (stage {index}).")
    here = [s.key for s in r.stages if s.verdict == "wrong here"]
    inherit = [s.key for s in r.stages if s.verdict == "inherits"]
    if here:
        lines.append(f"Wrong here (wrong even on the reference's inputs): {', '.join(here)}.")
    if inherit:
        sources = sorted({s.inherits_from for s in r.stages if s.inherits_from})
        lines.append(
            f"Inherits (right on its own, wrong only because it was fed a wrong "
            f"value from {', '.join(sources)}): {', '.join(inherit)}."
        )
    for mistake in r.mistakes:
        entry = find_mistake(mistake)
        where = f", made at {r.mistake_stage}" if r.mistake_stage and mistake == r.mistake else ""
        lines.append(f"The mistake{where}: {entry.title}.")
        lines.append(f"Hint: {entry.hint}")
    lines += list(r.findings)  # at three and four layers, an overwritten grads key, ...
    lines += list(r.reports)
    html = "".join(f"<div>{escape(line)}</div>" for line in lines)
    return Shown(text="\n".join(lines), html=html)


def line_by_line(annotation, comparison=None, whose: str = "your") -> Shown:
    """The student's source, statement by statement, with a margin saying which stage and
    which of the slide's equations each computes (``student.annotate``'s result); a line
    whose value came out wrong carries its stage's verdict from ``comparison``. ``whose``
    names the code ("your", "the mistaken", "the course's")."""
    verdicts = {s.key: _verdict(s) for s in comparison.stages} if comparison else {}
    rows, text, current = [], [], None
    for record in annotation.lines:
        if record.function != current:
            current = record.function
            rows.append(f"<tr><th colspan='3' style='text-align:left'>{escape(current)}</th></tr>")
            text.append(current)
        code = record.text if record.text is not None else "(no source)"
        margin = record.margin(verdicts)
        colour = "#D55E00" if record.wrong else "inherit"
        rows.append(
            f"<tr><td style='text-align:right;vertical-align:top'>{record.lineno}</td>"
            f"<td style='text-align:left'><code style='white-space:pre-wrap'>{escape(code)}"
            "</code></td>"
            f"<td style='text-align:left;vertical-align:top;color:{colour}'>"
            f"{'<b>' if record.stages else ''}{escape(margin)}"
            f"{'</b>' if record.stages else ''}</td></tr>"
        )
        first, *rest = code.splitlines() or [""]
        text.append(f"{record.lineno:>4}  {first:<60} | {margin}".rstrip(" |"))
        text += [f"      {more}" for more in rest]
    summary = annotation.summary() or "No line computes a stage yet."
    caption = f"{whose} code, line by line: the stage and the slide's equation each line computes"
    html = (
        f"<table><caption style='text-align:left'>{escape(caption)}</caption>"
        "<thead><tr><th>line</th><th style='text-align:left'>code</th>"
        "<th style='text-align:left'>computes</th></tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table><p>{escape(summary)}</p>"
    )
    return Shown(text="\n".join([caption, *text, "", summary]), html=html)
