"""Display helpers used by the numbered notebooks.

Everything a notebook shows as a matrix, an equation or a table goes through
``Shown``: one object with a rich view (LaTeX or HTML, for JupyterLab, GitHub
and voila) and a plain-text view with the same numbers (what nbval compares).
Numbers are printed with a fixed number of significant digits, so stored
outputs are identical run to run.

A number that a sentence and a figure title both state is formatted by one function here
(``percent``, ``cost``, ``fmt``), so the two agree to the digit. The gradient check is
stated one way everywhere (``relative_error_rule``, ``gradcheck_table``: the relative error
and pass mark of ``course_lib.gradcheck``). ``comparison_table`` and ``comparison_summary``
show ``course_lib.student.compare``'s result, stage by stage.

The measurements the notebooks print (``saturation_precision``, ``measure_dA0_cost``,
the operation counts of ``backward_products``) are numerical work and live in
``course_lib.measure``; ``precision_table`` and ``backward_products`` show them.

The modules, each importing only those above it:

==============  ==============================================================
``formatting``  numbers as text: ``fmt``, ``below``, ``difference``, ``percent``,
                ``cost``, ``milliseconds``, ``power``, ``cost_rises``
``shown``       ``Shown``; matrices, equations and stages shown; ``verify``
``tables``      ``table`` and the notebooks' tables, the gradient check's rule
``your_code``   ``stubs``, ``written``; ``compare``'s result shown
==============  ==============================================================
"""

from course_lib.notebook_helpers.formatting import (
    below,
    cost,
    cost_rises,
    difference,
    fmt,
    milliseconds,
    percent,
    power,
)
from course_lib.notebook_helpers.shown import (
    KIND_WORDS,
    Shown,
    course_latex,
    kind_note,
    matrix_latex,
    matrix_text,
    plain_text,
    show_math,
    show_matrix,
    show_stage,
    verify,
)
from course_lib.notebook_helpers.tables import (
    backward_products,
    equation_map,
    gradcheck_table,
    precision_table,
    relative_error_rule,
    shapes_table,
    table,
)
from course_lib.notebook_helpers.your_code import (
    comparison_summary,
    comparison_table,
    line_by_line,
    stubs,
    written,
)

__all__ = [
    "KIND_WORDS",
    "Shown",
    "backward_products",
    "below",
    "comparison_summary",
    "comparison_table",
    "cost",
    "cost_rises",
    "line_by_line",
    "course_latex",
    "difference",
    "equation_map",
    "fmt",
    "gradcheck_table",
    "kind_note",
    "matrix_latex",
    "matrix_text",
    "milliseconds",
    "percent",
    "plain_text",
    "power",
    "precision_table",
    "relative_error_rule",
    "shapes_table",
    "show_math",
    "show_matrix",
    "show_stage",
    "stubs",
    "table",
    "verify",
    "written",
]
