"""What the linked tables show: the stage's value beside the arrays it is computed from, as
plain data for the browser (``LinkedTables``), with the layout knowledge of which operand
entries produce each entry of the value.

Pure functions of the stepper's state, no widgets. Numbers leave as text (``.4g``); every
string is put on screen by the browser as text, never as HTML.

The operands of each stage, as the assignment computes it (``course_lib.derivation``
writes the same sums entry by entry)::

    dA2 = -(Y/A2 - (1-Y)/(1-A2))   elementwise in A2 and Y
    dZ  = dA * g'(Z)               elementwise in dA and g'(Z)
    dW  = (1/m) dZ A_prev.T        row k of dZ against column j of A_prev.T
    db  = (1/m) sum_i dZ[:, i]     row k of dZ, summed
    dA_prev = W.T dZ               row j of W.T against column i of dZ

An operand's ``link`` says which of its entries produce entry ``(r, c)`` of the value:
``"row"`` its row ``r``, ``"col"`` its column ``c``, ``"same"`` its entry ``(r, c)``.
"""

from __future__ import annotations

import numpy as np

from course_lib import stages
from course_lib.stepper import Stepper


def _kind_text(kind: str, m: int) -> str:
    if kind == "dL":
        return "dL: per-example gradient (one column per example, not averaged)"
    return f"dJ: averaged over the m = {m} examples (1/m applied)"


def _texts(a) -> list:
    """Rows of numbers as text; -0.0 is written 0."""
    return [[f"{float(v) + 0.0:.4g}" for v in row] for row in np.asarray(a)]


def _operand(name: str, value, link: str) -> dict:
    value = np.asarray(value)
    return {"name": name, "shape": list(value.shape), "rows": _texts(value), "link": link}


TIMES = "\u00d7"


def operands(stepper: Stepper) -> tuple[list, list, str]:
    """``(operands, joins, rule)`` of the current stage: ``joins[k]`` is the text shown
    before operand ``k`` ("= (1/m)", "*", ...); ``rule`` says how the shapes combine."""
    bp, spec = stepper.computed.bp, stepper.stage.spec
    found = stages.operands(bp, spec.key)
    ops = [_operand(o.name, o.value, o.operand.link) for o in found]
    names = [o.name for o in found]
    shape, key = stepper.stage.shape, spec.key
    if spec.step == stages.OUTPUT_DA:
        rule = (
            f"{key} = -(Y/{names[0]} - (1-Y)/(1-{names[0]})), entry by entry: {names[0]} and "
            f"Y are both {shape}, and so is {key}."
        )
        return ops, ["is computed from", "and"], rule
    if spec.combine == stages.ELEMENTWISE:
        rule = (
            f"{key} = {names[0]} * {names[1]} with g = {spec.activation_of(bp.hidden)}, "
            f"entry by entry: both are {shape}, and so is {key}."
        )
        return ops, ["=", "*"], rule
    if spec.combine == stages.ROW_SUM:
        a = found[0].value
        rule = (
            f"{key} = (1/m) times the sum of each row of {names[0]}: {a.shape} summed over "
            f"its m = {bp.m} columns gives {shape}."
        )
        return ops, ["= (1/m) row sums of"], rule
    a, b = (o.value for o in found)
    inner = f"m = {bp.m}" if spec.averaged else f"n = {a.shape[1]}"
    scale = "(1/m) " if spec.averaged else ""
    rule = (
        f"{key} = {scale}{names[0]} {names[1]}: {a.shape} {TIMES} {b.shape} gives {shape}; "
        f"the inner sizes ({inner}) meet and are summed over."
    )
    return ops, ["= (1/m)" if spec.averaged else "=", TIMES], rule


def linked_data(stepper: Stepper) -> dict:
    """Everything the linked tables show for the current stage (the ``data`` trait).

    In predict mode, before the reveal, only the question: no numbers, no shapes.
    """
    stage, entry = stepper.stage, stepper.entry
    if not stepper.revealed:
        return {
            "key": stage.key,
            "hidden": True,
            "question": (
                f"{stage.key}: values hidden until you predict. What shape does "
                f"{stage.key} have, and what sign has its entry [{entry[0]}, "
                f"{entry[1]}]? Check your prediction, or press Reveal."
            ),
        }
    ops, joins, rule = operands(stepper)
    return {
        "key": stage.key,
        "hidden": False,
        "operands": ops,
        "joins": joins,
        "rule": rule,
        "shape": list(stage.shape),
        "rows": _texts(stage.value),
        "caption": f"{stage.key}, shape {stage.shape}; {_kind_text(stage.kind, stepper.config.m)}",
        "note": (
            f"rows: {stage.spec.words.rows}; columns: {stage.spec.words.columns}. "
            "Point at an entry, or move to it with the arrow keys, to mark the entries "
            "it is computed from; click it or press Enter to expand it."
        ),
    }
