"""The nine stages of a 2-layer backward pass as typed records: what the courseware knows
about each stage, written once.

Every view of a stage (the graph, the linked tables, the index-notation expansion, the
gradient check, the student's column) dispatches on a ``StageSpec``: the array it is the
gradient of, the step of the assignment's split that computes it, its operands and how they
combine, the slide's equation, the course function, and its words. Nothing parses a key.

====  =====  ====  ==========  ==============  ======  =====================================
 #    key    of    step        combine         kind    the slide
====  =====  ====  ==========  ==============  ======  =====================================
 1    dA2    A2    output dA   elementwise     dL      skipped (inside eq. 1)
 2    dZ2    Z2    activation  elementwise     dL      eq. 1
 3    dW2    W2    dW          matrix product  dJ      eq. 2
 4    db2    b2    db          row sum         dJ      eq. 3
 5    dA1    A1    dA_prev     matrix product  dL      the bracket of eq. 4
 6    dZ1    Z1    activation  elementwise     dL      eq. 4
 7    dW1    W1    dW          matrix product  dJ      eq. 5
 8    db1    b1    db          row sum         dJ      eq. 6
 9    dA0    X     dA_prev     matrix product  dL      not computed
====  =====  ====  ==========  ==============  ======  =====================================

Words carry ``{g}`` for the hidden activation's name; ``Stage`` (``stages.compute``) holds
them filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

# The steps of the assignment's split, and how a stage's operands combine.
OUTPUT_DA, ACTIVATION, DW, DB, DA_PREV = "output dA", "activation", "dW", "db", "dA_prev"
ELEMENTWISE, MATRIX_PRODUCT, ROW_SUM = "elementwise", "matrix product", "row sum"
HIDDEN = "hidden"  # an activation step's g: the net's hidden activation (else "sigmoid")


@dataclass(frozen=True)
class Operand:
    """An array a stage is computed from: its name among the pass's arrays (``W2``, ``dZ2``,
    ``X``), what is applied to it (``"T"`` transposed, ``"g'"`` the activation's
    derivative, ``""`` as it is) and which of its entries produce entry ``(r, c)`` of the
    stage: ``"row"`` its row ``r``, ``"col"`` its column ``c``, ``"same"`` its ``(r, c)``."""

    array: str
    applied: str
    link: str

    @property
    def shown(self) -> str:
        """The operand as the tables and equations name it: ``W2.T``, ``g'(Z2)``, ``dZ2``."""
        return {"T": f"{self.array}.T", "g'": f"g'({self.array})", "": self.array}[self.applied]


@dataclass(frozen=True)
class Words:
    """How the courseware talks about a stage (``{g}``: the hidden activation)."""

    title: str
    slide_note: str  # which slide equation, or why the slide has none
    assignment_function: str  # where in the course's functions it is computed
    code: tuple  # the assignment function and the starts of the lines it shows
    code_names: str  # how that generic line's names map to this 2-layer stage
    forward_line: str  # the forward line this stage reverses
    math_latex: str  # the stage's own formula, in general
    used_by: str  # what consumes it downstream ("" if nothing does)
    rows: str  # what a row of the value is
    columns: str  # what a column of the value is
    slide_latex: str | None = None  # the slide's own writing, where it is not an equation


@dataclass(frozen=True)
class StageSpec:
    """One stage of the backward pass, without numbers."""

    key: str  # "dZ2"
    index: int  # 1..9, backward order
    layer: int  # the layer whose backward step computes it
    of: str  # the array it is the gradient of ("Z2")
    shape: str  # its shape in the course's symbols, "(n_y, m)"
    step: str  # OUTPUT_DA, ACTIVATION, DW, DB or DA_PREV
    kind: str  # "dL" per example, "dJ" averaged over the m examples
    operands: tuple  # Operand records, in the order the formula writes them
    combine: str  # ELEMENTWISE, MATRIX_PRODUCT or ROW_SUM
    function: str  # the course function that computes it ("{g}_backward": the hidden's)
    words: Words
    equation: int | None = None  # the slide's equation (1..6); None where it has none
    bracket: bool = False  # True for dA1: the bracket W2.T dZ2 inside equation 4
    activation: str | None = None  # an activation step's g: "sigmoid" or HIDDEN
    slide_kind: str | None = None  # the slide's value: "dJ", or "per" (its dZ convention)

    @property
    def averaged(self) -> bool:
        """The stage carries 1/m (``dW``, ``db``): its operands are summed over examples."""
        return self.kind == "dJ"

    @property
    def on_slide(self) -> bool:
        return self.slide_kind is not None

    def course_function(self, hidden: str) -> str:
        return self.function.format(g=hidden)

    def activation_of(self, hidden: str) -> str | None:
        """The activation whose derivative an activation step applies."""
        return hidden if self.activation == HIDDEN else self.activation

    @property
    def equation_words(self) -> str:
        """``"equation 2"``, ``"the bracket of equation 4"`` or ``"not on the slide"``."""
        if self.equation is None:
            return "not on the slide"
        if self.bracket:
            return f"the bracket of equation {self.equation}"
        return f"equation {self.equation}"


EXAMPLES, BIASES = "examples", "one column (a bias per unit)"
OUTPUT_UNITS, HIDDEN_UNITS, INPUT_FEATURES = "output units", "hidden units", "input features"
LINEAR = "linear_activation_backward -> linear_backward"

STAGES = (
    StageSpec(
        key="dA2",
        index=1,
        layer=2,
        of="A2",
        shape="(n_y, m)",
        step=OUTPUT_DA,
        kind="dL",
        operands=(Operand("A2", "", "same"), Operand("Y", "", "same")),
        combine=ELEMENTWISE,
        function="compute_dAL",
        words=Words(
            title="Output gradient dA2 = dL/dA2",
            slide_note="Skipped: the slide folds it into equation 1, since "
            "dA2 * A2(1-A2) simplifies to A2 - Y.",
            assignment_function="L_model_backward / two_layer_model (first backward line)",
            code=("output_dA", "dAL ="),
            code_names="dAL is dA2 and AL is A2 in the 2-layer net",
            forward_line="L = -(Y log A2 + (1-Y) log(1-A2))",
            math_latex=r"dA^{[2]} = -\left(\frac{Y}{A^{[2]}} - \frac{1-Y}{1-A^{[2]}}\right)",
            used_by="dZ2 (stage 2)",
            rows=OUTPUT_UNITS,
            columns=EXAMPLES,
        ),
    ),
    StageSpec(
        key="dZ2",
        index=2,
        layer=2,
        of="Z2",
        shape="(n_y, m)",
        step=ACTIVATION,
        kind="dL",
        operands=(Operand("dA2", "", "same"), Operand("Z2", "g'", "same")),
        combine=ELEMENTWISE,
        function="sigmoid_backward",
        activation="sigmoid",
        equation=1,
        slide_kind="per",
        words=Words(
            title="Output pre-activation gradient dZ2",
            slide_note="Equation 1",
            assignment_function="linear_activation_backward -> sigmoid_backward(dA2, Z2)",
            code=("sigmoid_backward", "s =", "dZ ="),
            code_names="dA is dA2 and Z is Z2 here",
            forward_line="A2 = sigmoid(Z2)",
            math_latex=r"dZ^{[2]} = dA^{[2]} \ast \sigma'(Z^{[2]})",
            used_by="dW2, db2, dA1 (stages 3-5)",
            rows=OUTPUT_UNITS,
            columns=EXAMPLES,
        ),
    ),
    StageSpec(
        key="dW2",
        index=3,
        layer=2,
        of="W2",
        shape="(n_y, n_h)",
        step=DW,
        kind="dJ",
        operands=(Operand("dZ2", "", "row"), Operand("A1", "T", "col")),
        combine=MATRIX_PRODUCT,
        function="linear_backward",
        equation=2,
        slide_kind="dJ",
        words=Words(
            title="Output weights gradient dW2",
            slide_note="Equation 2",
            assignment_function=f"{LINEAR}(dZ2, cache)",
            code=("linear_backward", "dW ="),
            code_names="dZ is dZ2 and A_prev is A1 here",
            forward_line="Z2 = W2 A1 + b2",
            math_latex=r"dW^{[2]} = \tfrac{1}{m}\, dZ^{[2]} A^{[1]T}",
            used_by="update_parameters (W2 -= learning_rate * dW2)",
            rows=OUTPUT_UNITS,
            columns="hidden units (A1 rows)",
        ),
    ),
    StageSpec(
        key="db2",
        index=4,
        layer=2,
        of="b2",
        shape="(n_y, 1)",
        step=DB,
        kind="dJ",
        operands=(Operand("dZ2", "", "row"),),
        combine=ROW_SUM,
        function="linear_backward",
        equation=3,
        slide_kind="dJ",
        words=Words(
            title="Output bias gradient db2",
            slide_note="Equation 3",
            assignment_function=f"{LINEAR}(dZ2, cache)",
            code=("linear_backward", "db ="),
            code_names="dZ is dZ2 here",
            forward_line="Z2 = W2 A1 + b2",
            math_latex=r"db^{[2]} = \tfrac{1}{m} \textstyle\sum_i dZ^{[2]}_{:,i}",
            used_by="update_parameters (b2 -= learning_rate * db2)",
            rows=OUTPUT_UNITS,
            columns=BIASES,
        ),
    ),
    StageSpec(
        key="dA1",
        index=5,
        layer=2,
        of="A1",
        shape="(n_h, m)",
        step=DA_PREV,
        kind="dL",
        operands=(Operand("W2", "T", "row"), Operand("dZ2", "", "col")),
        combine=MATRIX_PRODUCT,
        function="linear_backward",
        equation=4,
        bracket=True,
        slide_kind="per",
        words=Words(
            title="Hidden activation gradient dA1",
            slide_note="The bracket inside equation 4, never given its own name.",
            assignment_function=f"{LINEAR}: dA_prev",
            code=("linear_backward", "dA_prev ="),
            code_names="W is W2 and dZ is dZ2 here, so dA_prev is dA1",
            forward_line="Z2 = W2 A1 + b2",
            math_latex=r"dA^{[1]} = W^{[2]T} dZ^{[2]}",
            used_by="dZ1 (stage 6)",
            rows=HIDDEN_UNITS,
            columns=EXAMPLES,
            slide_latex=r"W^{[2]T} dZ^{[2]}",
        ),
    ),
    StageSpec(
        key="dZ1",
        index=6,
        layer=1,
        of="Z1",
        shape="(n_h, m)",
        step=ACTIVATION,
        kind="dL",
        operands=(Operand("dA1", "", "same"), Operand("Z1", "g'", "same")),
        combine=ELEMENTWISE,
        function="{g}_backward",
        activation=HIDDEN,
        equation=4,
        slide_kind="per",
        words=Words(
            title="Hidden pre-activation gradient dZ1",
            slide_note="Equation 4 (stages 5 and 6 in one line)",
            assignment_function="linear_activation_backward -> {g}_backward(dA1, Z1)",
            code=("{g}_backward", "s =", "dZ ="),
            code_names="dA is dA1 and Z is Z1 here",
            forward_line="A1 = {g}(Z1)",
            math_latex=r"dZ^{[1]} = dA^{[1]} \ast g'(Z^{[1]})",
            used_by="dW1, db1, dA0 (stages 7-9)",
            rows=HIDDEN_UNITS,
            columns=EXAMPLES,
        ),
    ),
    StageSpec(
        key="dW1",
        index=7,
        layer=1,
        of="W1",
        shape="(n_h, n_x)",
        step=DW,
        kind="dJ",
        operands=(Operand("dZ1", "", "row"), Operand("X", "T", "col")),
        combine=MATRIX_PRODUCT,
        function="linear_backward",
        equation=5,
        slide_kind="dJ",
        words=Words(
            title="Hidden weights gradient dW1",
            slide_note="Equation 5",
            assignment_function=f"{LINEAR}(dZ1, cache)",
            code=("linear_backward", "dW ="),
            code_names="dZ is dZ1 and A_prev is X here",
            forward_line="Z1 = W1 X + b1",
            math_latex=r"dW^{[1]} = \tfrac{1}{m}\, dZ^{[1]} X^{T}",
            used_by="update_parameters (W1 -= learning_rate * dW1)",
            rows=HIDDEN_UNITS,
            columns="input features (X rows)",
        ),
    ),
    StageSpec(
        key="db1",
        index=8,
        layer=1,
        of="b1",
        shape="(n_h, 1)",
        step=DB,
        kind="dJ",
        operands=(Operand("dZ1", "", "row"),),
        combine=ROW_SUM,
        function="linear_backward",
        equation=6,
        slide_kind="dJ",
        words=Words(
            title="Hidden bias gradient db1",
            slide_note="Equation 6",
            assignment_function=f"{LINEAR}(dZ1, cache)",
            code=("linear_backward", "db ="),
            code_names="dZ is dZ1 here",
            forward_line="Z1 = W1 X + b1",
            math_latex=r"db^{[1]} = \tfrac{1}{m} \textstyle\sum_i dZ^{[1]}_{:,i}",
            used_by="update_parameters (b1 -= learning_rate * db1)",
            rows=HIDDEN_UNITS,
            columns=BIASES,
        ),
    ),
    StageSpec(
        key="dA0",
        index=9,
        layer=1,
        of="X",
        shape="(n_x, m)",
        step=DA_PREV,
        kind="dL",
        operands=(Operand("W1", "T", "row"), Operand("dZ1", "", "col")),
        combine=MATRIX_PRODUCT,
        function="linear_backward",
        words=Words(
            title="Input gradient dA0 = dL/dX (unused)",
            slide_note="Not computed: no parameter sits below X, so the slide stops at equation 6.",
            assignment_function=f"{LINEAR}: dA_prev",
            code=("linear_backward", "dA_prev ="),
            code_names="W is W1 and dZ is dZ1 here, so dA_prev is dA0",
            forward_line="Z1 = W1 X + b1",
            math_latex=r"dA^{[0]} = W^{[1]T} dZ^{[1]}",
            used_by="",
            rows=INPUT_FEATURES,
            columns=EXAMPLES,
        ),
    ),
)
STAGE_KEYS = tuple(spec.key for spec in STAGES)
SPEC = {spec.key: spec for spec in STAGES}
SPEC_AT = {(spec.layer, spec.step): spec for spec in STAGES}  # (layer, step) -> its stage
