"""The backward pass of a 2-layer net as nine ordered stage records.

``spec`` holds the nine ``StageSpec`` records, what the courseware knows about each stage
(written once); ``compute`` runs both formulations on one net and lays the result out as
nine ``Stage`` records, each a spec with its values, in a ``BackwardPass``.
"""

from course_lib.stages.compute import (
    BackwardPass,
    OperandValue,
    Stage,
    backward_stages,
    operands,
    source_lines,
)
from course_lib.stages.spec import (
    ACTIVATION,
    DA_PREV,
    DB,
    DW,
    ELEMENTWISE,
    MATRIX_PRODUCT,
    OUTPUT_DA,
    ROW_SUM,
    SPEC,
    SPEC_AT,
    STAGE_KEYS,
    STAGES,
    Operand,
    StageSpec,
    Words,
)

__all__ = [
    "ACTIVATION",
    "DA_PREV",
    "DB",
    "DW",
    "ELEMENTWISE",
    "MATRIX_PRODUCT",
    "OUTPUT_DA",
    "ROW_SUM",
    "SPEC",
    "SPEC_AT",
    "STAGES",
    "STAGE_KEYS",
    "BackwardPass",
    "Operand",
    "OperandValue",
    "Stage",
    "StageSpec",
    "Words",
    "backward_stages",
    "operands",
    "source_lines",
]
