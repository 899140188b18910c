"""Tests for the notebooks' display helpers and measurements."""

import numpy as np
import pytest

from course_lib import data, measure, stages
from course_lib import notebook_helpers as nh
from course_lib.diagnose import find_mistake


def test_fmt_gives_plain_stable_text():
    assert nh.fmt(np.float64(0.123456789)) == "0.1235"
    assert nh.fmt(-0.0) == "0"
    assert nh.fmt(-1e-20, 3) == "-1e-20"
    assert nh.fmt(2) == "2"
    assert "np.float64" not in nh.fmt(np.float64(1.5))


@pytest.mark.parametrize(
    ("err", "text"),
    [
        (2.6e-11, "below 1e-10"),
        (0.0, "exactly 0"),
        (1e-10, "below 1e-9"),
        (0.5, "below 1e0"),
    ],
)
def test_below_names_the_next_power_of_ten(err, text):
    assert nh.below(err) == text


def test_below_with_a_floor_hides_rounding_noise():
    assert nh.below(0.0, floor=1e-12) == nh.below(3e-17, floor=1e-12) == "below 1e-12"
    assert nh.below(3e-5, floor=1e-12) == "below 1e-4"
    assert nh.below(3e-9, floor=1e-7) == "below 1e-7"
    assert nh.below(1e-9, floor=2.5e-3) == "below 0.0025"


def test_difference_hides_rounding_and_shows_real_gaps():
    assert nh.difference(0.0) == nh.difference(1e-17) == "below 1e-12"
    assert nh.difference(0.4316) == "0.432"


def test_show_matrix_has_numbers_shape_and_latex():
    A = np.array([[1.0, -2.5], [0.125, 3.0], [0.0, 1e-5]])
    shown = nh.show_matrix("dW1", A, "averaged dJ/dW1", latex_name="dW^{[1]}")
    assert repr(shown) == shown.text
    assert "shape 3 x 2" in shown.text and "-2.5" in shown.text and "1e-05" in shown.text
    assert shown._repr_latex_().startswith("$$dW^{[1]} = \\begin{bmatrix}")
    assert "0.125" in shown.latex
    assert shown._repr_html_() is None


def test_large_matrices_are_shortened():
    A = np.arange(12288.0 * 3).reshape(12288, 3)
    text = nh.matrix_text(A)
    assert len(text.splitlines()) == 6 and "..." in text
    latex = nh.matrix_latex(A)
    assert r"\vdots" in latex and latex.count(r"\\") == 5


def test_table_aligns_text_and_escapes_html():
    t = nh.table(["a", "b"], [[1, "<x>"], ["long cell", 2]], caption="cap")
    lines = t.text.splitlines()
    assert lines[0] == "cap" and lines[1].startswith("a          b")
    assert "&lt;x&gt;" in t.html and "<x>" not in t.html
    assert t._repr_latex_() is None


def test_shapes_table_lists_every_forward_array():
    X, Y, p = data.make_problem(n_x=3, n_h=4, m=5)
    bp = stages.backward_stages(X, Y, p)
    t = nh.shapes_table(X, p, bp.forward)
    assert "n_x = 3, n_h = 4, n_y = 1, m = 5" in t.text
    assert "W1     4 x 3" in t.text and "A2     1 x 5" in t.text


def test_equation_map_has_nine_stages_and_marks_dA0_unused():
    X, Y, p = data.make_problem()
    rows = nh.equation_map(stages.backward_stages(X, Y, p)).text.splitlines()[2:]
    assert len(rows) == 9
    assert rows[0].split()[1] == "dA2" and rows[-1].split()[1] == "dA0"
    assert rows[-1].endswith("nothing")
    assert "below 1e-12" in rows[1] and rows[0].split()[-2] == "-"
    assert "eq. 4" in rows[5] and "relu_backward(dA1, Z1)" in rows[5]


def test_show_stage_names_kind_and_formula():
    X, Y, p = data.make_problem()
    bp = stages.backward_stages(X, Y, p)
    shown = nh.show_stage(bp["dW2"])
    assert "averaged dJ/dW2" in shown.text and "shape 1 x 4" in shown.text
    assert bp["dW2"].math_latex in shown.latex
    assert "per-example dL/dZ2" in nh.show_stage(bp["dZ2"]).text


def test_verify_prints_or_raises(capsys):
    nh.verify("one is one", 1 == 1)
    assert capsys.readouterr().out == "Checked: one is one\n"
    with pytest.raises(AssertionError, match="Not true: two is one"):
        nh.verify("two is one", 2 == 1)


def test_exact_values_match_closed_forms():
    dA, dZ = measure._exact(0.0, 1.0)
    assert dA == -2.0 and dZ == -0.5
    dA, dZ = measure._exact(3.0, 0.0)
    assert dA == pytest.approx(1 + np.exp(3.0), rel=1e-15)
    assert dZ == pytest.approx(1 / (1 + np.exp(-3.0)), rel=1e-15)


def test_saturation_precision_measures_both_forms():
    rows = {r.z: r for r in measure.saturation_precision([0.0, 25.0, 30.0, 40.0], y=0.0)}
    assert rows[0.0].split_error == 0 and rows[0.0].collapsed_error == 0
    # Near saturation dA2 has lost digits, dZ2 = dA2 * A2(1-A2) has not (the error cancels).
    assert rows[30.0].dA_error > 1e-4
    assert rows[30.0].split_error < 1e-15 and rows[30.0].collapsed_error < 1e-15
    assert "SaturationWarning" not in rows[25.0].split_message  # the message, not the class
    assert "1e-10" in rows[25.0].split_message
    # Saturated: the split form divides by zero, the collapsed form is still right.
    assert rows[40.0].split_failed and rows[40.0].dA_error is None
    assert "saturated" in rows[40.0].split_message
    assert rows[40.0].collapsed_error < 1e-15
    text = nh.precision_table(list(rows.values())).text
    assert "fails (divides by 0)" in text and "1.0 " in text


def test_saturation_precision_label_one_shares_the_rounding_of_A2():
    (row,) = measure.saturation_precision([20.0], y=1.0)
    # A2 itself is rounded; neither form can get back the digits lost there.
    assert row.split_error == pytest.approx(row.collapsed_error, rel=1e-6)
    assert row.collapsed_abs_error < 2e-16


def test_measure_dA0_cost_small_net():
    cost = measure.measure_dA0_cost(n_x=50, n_h=3, m=8, repeat=2)
    assert list(cost.seconds)[-1] == "dA0 = W1.T dZ1"
    assert len(cost.seconds) == 6 and all(t >= 0 for t in cost.seconds.values())
    assert 0 < cost.dA0_share < 1
    assert cost.dA0_bytes == 50 * 8 * 8
    assert cost.dA0_flops == 2 * 50 * 3 * 8
    assert cost.backward_flops == 4 * 3 * 8 + 2 * cost.dA0_flops


def test_dA0_at_cat_size_is_half_the_flops():
    cost = measure.DA0Cost(12288, 7, 209, {"dA0 = W1.T dZ1": 1.0, "rest": 1.0}, 1)
    assert cost.dA0_bytes == 12288 * 209 * 8
    assert 0.4999 < cost.dA0_flops / cost.backward_flops < 0.5
    assert cost.dA0_share == 0.5


def test_text_beside_the_maths_is_never_read_as_maths():
    assert nh.plain_text(r"a $b$ \(c\) d") == "a b (c) d"
    assert nh.plain_text("stage 6: relu_backward(dA1, Z1)") == "stage 6: relu_backward(dA1, Z1)"


def test_a_matrix_caption_lies_under_the_maths_not_beside_it():
    # Beside it, the display is as wide as both and scrolls sideways in a narrow notebook
    # (axe: a scrolling region a keyboard cannot reach), and "_" in \text{} falls back.
    shown = nh.show_matrix("dZ1", np.ones((4, 5)), "stage 6: relu_backward(dA1, Z1)")
    maths, caption = shown.latex.rsplit("$$", 1)
    assert maths.endswith(r"\end{bmatrix}") and r"\text" not in maths
    assert caption == "\nshape 4 x 5, stage 6: relu_backward(dA1, Z1)"


@pytest.mark.parametrize(
    ("name", "latex"),
    [
        ("dW1", "dW^{[1]}"),
        ("A2", "A^{[2]}"),
        ("db2", "db^{[2]}"),
        ("X", "X"),
        ("L", "L"),
    ],
)
def test_course_latex(name, latex):
    assert nh.course_latex(name) == latex


# ----------------------------------------------------------------------------- one format


def test_numbers_have_one_format_each():
    assert nh.percent(0.89666) == "89.7%" and nh.percent(0.4567, 0) == "46%"
    assert nh.cost(0.706823) == "0.7068" and nh.milliseconds(0.002571) == "2.57 ms"
    assert nh.power(1e-7) == "1e-7"


def test_cost_rises_names_each_rise_between_records():
    assert nh.cost_rises([0.7, 0.5, 0.55, 0.4, 0.41]) == [
        "between iterations 100 and 200, from 0.5000 to 0.5500",
        "between iterations 300 and 400, from 0.4000 to 0.4100",
    ]
    assert nh.cost_rises([0.7, 0.6, 0.5]) == []


def test_backward_products_count_the_dA0_product_like_dW1():
    table, flops = nh.backward_products(12288, 7, 209)
    assert flops["dA0 = W1.T dZ1"] == flops["dW1 = dZ1 X.T / m"] == 2 * 12288 * 7 * 209
    assert flops["dA0 = W1.T dZ1"] == measure.DA0Cost(12288, 7, 209, {}, 0).dA0_flops
    assert sum(flops.values()) == measure.DA0Cost(12288, 7, 209, {}, 0).backward_flops
    lines = table.text.splitlines()
    assert "W1.T (12288, 7) times dZ1 (7, 209)" in lines[-1] and "(12288, 209)" in lines[-1]
    assert lines[-1].endswith("50.0%") and "under 0.1%" in lines[3]


# ----------------------------------------------------------------------------- gradient check


def test_the_relative_error_rule_is_gradchecks():
    from course_lib import gradcheck

    rule = nh.relative_error_rule()
    assert gradcheck.RELATIVE_ERROR in rule.text and rule.text.endswith("below 1e-7")
    assert gradcheck.RELATIVE_ERROR_LATEX in rule.latex and "10^{-7}" in rule.latex


def test_gradcheck_table_prints_the_verdicts_stably():
    from course_lib import gradcheck

    report = gradcheck.GradCheckReport(
        {"dW1": 3e-10, "dW2": 0.2, "dA2": float("nan")}, reasons={"dA2": "saturated"}
    )
    lines = nh.gradcheck_table(report).text.splitlines()
    assert lines[0] == "pass mark 1e-7"
    assert lines[3].split() == ["dW1", "below", "1e-7", "passes"]
    assert lines[4].split() == ["dW2", "2.0e-01", "fails"]
    assert lines[5].split() == ["dA2", "-", "not", "measurable"]


# ----------------------------------------------------------------------------- your code


def test_stubs_are_found_by_their_body_alone():
    def stub(dA, cache):
        """A docstring."""
        raise NotImplementedError

    def stub_called(dA, cache):
        raise NotImplementedError("write me")

    def written(dA, cache):
        return dA

    def raises_other(dA, cache):
        raise ValueError

    functions = {"a": stub, "b": stub_called, "c": written, "d": raises_other, "e": len}
    assert nh.stubs(functions) == ["a", "b"]
    assert list(nh.written(functions)) == ["c", "d", "e"]


def test_comparison_table_and_summary_of_a_demonstrated_mistake():
    from course_lib.student import compare, demonstrate

    r = demonstrate("linear_backward.one_over_m_in_dA_prev")
    rows = nh.comparison_table(r, whose="the mistaken").text.splitlines()
    assert rows[0] == "hidden activation relu, seed 0"
    assert "the mistaken linear_backward" in rows[7] and "wrong here" in rows[7]
    assert rows[8].endswith("inherits from dA1") and "differs by" in rows[8]
    summary = nh.comparison_summary(r).text.splitlines()
    assert summary[0] == "First departure: dA1 (stage 5)."
    assert summary[1].endswith(": dA1, dA0.") and summary[2].endswith(": dZ1, dW1, db1.")
    assert summary[3] == (
        "The mistake, made at dA1: "
        + find_mistake("linear_backward.one_over_m_in_dA_prev").title
        + "."
    )  # its title, not its id
    assert summary[4].startswith("Hint: ")
    clean = compare({})
    assert nh.comparison_summary(clean).text == "Every stage agrees with the reference."
    assert all(
        line.split()[-1] == "right" for line in nh.comparison_table(clean).text.splitlines()[3:]
    )
