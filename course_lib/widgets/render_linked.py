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

from course_lib.activations import ACTIVATIONS
from course_lib.stepper import Stepper

ROWS_MEAN = {"2": "output units", "1": "hidden units", "0": "input features"}


def _kind_text(kind: str, m: int) -> str:
    if kind == "dL":
        return "dL: per-example gradient (one column per example, not averaged)"
    return f"dJ: averaged over the m = {m} examples (1/m applied)"


def _column_meaning(key: str) -> str:
    if key[1] in "AZ":
        return "examples"
    if key[1] == "b":
        return "one column (a bias per unit)"
    return "hidden units (A1 rows)" if key.endswith("2") else "input features (X rows)"


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
    bp, key = stepper.computed.bp, stepper.stage.key
    f, p, layer = bp.forward, bp.parameters, key[-1]
    v = {s.key: s.value for s in bp.stages}
    shape, m = stepper.stage.shape, bp.m
    if key == "dA2":
        ops = [_operand("A2", f["A2"], "same"), _operand("Y", bp.Y, "same")]
        rule = (
            f"dA2 = -(Y/A2 - (1-Y)/(1-A2)), entry by entry: A2 and Y are both {shape}, "
            "and so is dA2."
        )
        return ops, ["is computed from", "and"], rule
    if key in ("dZ2", "dZ1"):
        act = "sigmoid" if layer == "2" else bp.hidden
        gp = ACTIVATIONS[act].prime(f[f"Z{layer}"])
        ops = [
            _operand(f"dA{layer}", v[f"dA{layer}"], "same"),
            _operand(f"g'(Z{layer})", gp, "same"),
        ]
        rule = (
            f"{key} = dA{layer} * g'(Z{layer}) with g = {act}, entry by entry: both are "
            f"{shape}, and so is {key}."
        )
        return ops, ["=", "*"], rule
    if key in ("dW2", "dW1"):
        prev = "X" if layer == "1" else "A1"
        a, b = v[f"dZ{layer}"], (bp.X if layer == "1" else f["A1"]).T
        ops = [_operand(f"dZ{layer}", a, "row"), _operand(f"{prev}.T", b, "col")]
        rule = (
            f"{key} = (1/m) dZ{layer} {prev}.T: {a.shape} {TIMES} {b.shape} gives {shape}; "
            f"the inner sizes (m = {m}) meet and are summed over."
        )
        return ops, ["= (1/m)", TIMES], rule
    if key in ("db2", "db1"):
        a = v[f"dZ{layer}"]
        rule = (
            f"{key} = (1/m) times the sum of each row of dZ{layer}: {a.shape} summed over "
            f"its m = {m} columns gives {shape}."
        )
        return [_operand(f"dZ{layer}", a, "row")], ["= (1/m) row sums of"], rule
    above = str(int(layer) + 1)  # dA1, dA0: W.T of the layer above times its dZ
    a, b = p[f"W{above}"].T, v[f"dZ{above}"]
    ops = [_operand(f"W{above}.T", a, "row"), _operand(f"dZ{above}", b, "col")]
    rule = (
        f"{key} = W{above}.T dZ{above}: {a.shape} {TIMES} {b.shape} gives {shape}; the "
        f"inner sizes (n = {a.shape[1]}) meet and are summed over."
    )
    return ops, ["=", TIMES], rule


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
            f"rows: {ROWS_MEAN[stage.key[-1]]}; columns: {_column_meaning(stage.key)}. "
            "Point at an entry, or move to it with the arrow keys, to mark the entries "
            "it is computed from; click it or press Enter to expand it."
        ),
    }


def linked_text(data: dict, entry) -> str:
    """What the linked tables say, as plain text (for tests and logs): the question, or the
    caption, every number of the value, the operands' names and shapes, the rule, the
    selected entry."""
    if data.get("hidden"):
        return data["question"]
    numbers = " ".join(" ".join(row) for row in data["rows"])
    named = "; ".join(f"{o['name']} {tuple(o['shape'])}" for o in data["operands"])
    return (
        f"{data['caption']} {numbers} (computed from {named}: {data['rule']}) "
        f"selected entry [{entry[0]}, {entry[1]}]"
    )
