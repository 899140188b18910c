"""Every notebook figure draws, has a title and labelled axes, and renders to PNG."""

import io
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import assignment, data, figures, gradcheck, measure, stages
from course_lib import notebook_figures as nf


def _check(fig):
    assert isinstance(fig, Figure)
    title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    for ax in fig.axes:
        assert ax.get_xlabel(), "every axis needs an x label"
        assert title or ax.get_title(), "every figure needs a title"
    assert any(ax.get_ylabel() for ax in fig.axes)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    assert buf.getvalue().startswith(b"\x89PNG")


def test_two_formulations():
    fig = nf.two_formulations()
    _check(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("eq. 4" in t and "two stages" in t for t in texts)
    assert "not computed" in texts


def test_forward_shapes():
    X, _, p = data.make_problem(n_x=3, n_h=4, m=5)
    fig = nf.forward_shapes(X, p)
    _check(fig)
    assert "n_x = 3, n_h = 4" in fig.get_suptitle()


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_output_pairs(y):
    fig = nf.output_pairs(y)
    _check(fig)
    titles = [ax.get_title() for ax in fig.axes]
    assert "agree" in titles[0] and "differ" in titles[1]


def test_saturation_precision_figure():
    rows = measure.saturation_precision(np.arange(0, 41, 4), 0.0)
    _check(nf.saturation_precision(rows))


def test_gradcheck_scatter():
    X, Y, p = data.make_problem()
    bp = stages.backward_stages(X, Y, p)
    num = gradcheck.numerical_stage_gradients(X, Y, p, "relu", keys=("dZ2", "dW1"))
    fig = nf.gradcheck_scatter({k: bp[k].value for k in num}, num)
    _check(fig)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "dW1 (12 entries)" in labels


def test_backward_time():
    cost = measure.DA0Cost(10, 2, 3, {"dA2 (output_dA)": 0.001, "dA0 = W1.T dZ1": 0.003}, 1)
    fig = nf.backward_time(cost)
    _check(fig)
    assert "75%" in fig.axes[0].get_title()


def test_decision_boundary_with_and_without_costs():
    X, Y = data.make_dataset("xor", m=40)
    params = assignment.initialize_parameters_deep([2, 3, 1], seed=1, scheme="application")

    def predict(P):
        return assignment.predict(P, params)

    _check(nf.decision_boundary(X, Y, predict, costs=[0.7, 0.6]))
    fig = nf.decision_boundary(X, Y, predict)
    _check(fig)
    assert len(fig.axes) == 1


def test_fan_out_labels_every_weight_of_the_chosen_input():
    X, Y, p = data.make_problem()
    bp = stages.backward_stages(X, Y, p)
    fig = nf.fan_out(p["W1"], bp["dZ1"].value, j=0, i=1, layer=1)
    _check(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum(t.startswith("W1[") for t in texts) == p["W1"].shape[0]
    assert f"{bp['dA0'].value[0, 1]:.4g}" in fig.axes[0].get_title()
    _check(nf.fan_out(p["W2"], bp["dZ2"].value, j=2, i=0, layer=2))


def test_one_okabe_ito_palette_defined_in_figures_and_picked_by_name():
    # The eight Okabe-Ito colours, as published; the figures' colours are these, by name.
    assert figures.OKABE_ITO == {
        "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
        "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
        "reddish purple": "#CC79A7", "black": "#000000",
    }
    names = ("BLUE", "ORANGE", "GREEN", "VERMILLION", "PURPLE", "SKY", "YELLOW", "BLACK", "GREY")
    assert [getattr(nf, n) for n in names] == [getattr(figures, n) for n in names]
    assert (nf.BLUE, nf.ORANGE, nf.GREEN, nf.VERMILLION, nf.PURPLE, nf.SKY, nf.GREY) == (
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#777777")
    # No second copy: notebook_figures spells out none of the palette's colours.
    source = Path(nf.__file__).read_text().upper()
    for name, colour in {**figures.OKABE_ITO, "grey": figures.GREY}.items():
        assert colour.upper() not in source, name
