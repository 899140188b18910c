"""Tests for the notebooks' display helpers and measurements."""

import numpy as np
import pytest

from course_lib import data, measure, stages
from course_lib import notebook_helpers as nh


def test_fmt_gives_plain_stable_text():
    assert nh.fmt(np.float64(0.123456789)) == "0.1235"
    assert nh.fmt(-0.0) == "0"
    assert nh.fmt(-1e-20, 3) == "-1e-20"
    assert nh.fmt(2) == "2"
    assert "np.float64" not in nh.fmt(np.float64(1.5))


@pytest.mark.parametrize(("err", "text"), [
    (2.6e-11, "below 1e-10"), (0.0, "exactly 0"), (1e-10, "below 1e-9"), (0.5, "below 1e0"),
])
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


def test_escape_latex_drops_what_would_break_text_mode():
    assert nh.escape_latex(r"a {b} $c\d") == "a b cd"
    assert nh.escape_latex("per-example dL/dZ2, n_h x m") == "per-example dL/dZ2, n_h x m"


@pytest.mark.parametrize(("name", "latex"), [
    ("dW1", "dW^{[1]}"), ("A2", "A^{[2]}"), ("db2", "db^{[2]}"), ("X", "X"), ("L", "L"),
])
def test_course_latex(name, latex):
    assert nh.course_latex(name) == latex
