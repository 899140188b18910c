"""Every notebook figure draws, has a title and labelled axes, renders to PNG, and carries a
text alternative that states its title and the numbers it shows, wherever it is displayed."""

import base64
import html
import io
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import assignment, data, figures, gradcheck, measure, stages
from course_lib import notebook_figures as nf
from course_lib import notebook_helpers as nh


def _check(picture):
    """A ``Picture``: a titled, labelled figure, and its alt shown beside it in every form."""
    assert isinstance(picture, nf.Picture)
    fig = picture.figure
    assert isinstance(fig, Figure)
    assert picture.alt.startswith(" ".join(picture.title.split())), (picture.title, picture.alt)
    _check_bundle(picture)
    _check_figure(fig)
    return fig


def _check_bundle(picture):
    bundle = picture._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    assert bundle["text/plain"] == repr(picture) == picture.alt
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG")
    alt = re.fullmatch(
        r'<img alt="([^"]*)" src="data:image/png;base64,([A-Za-z0-9+/=]+)".*>', bundle["text/html"]
    )
    assert alt, bundle["text/html"][:200]
    assert html.unescape(alt[1]) == picture.alt
    assert base64.b64decode(alt[2]) == png


def _check_figure(fig):
    title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    for ax in fig.axes:
        assert ax.get_xlabel(), "every axis needs an x label"
        assert title or ax.get_title(), "every figure needs a title"
    assert any(ax.get_ylabel() for ax in fig.axes)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=40)
    assert buf.getvalue().startswith(b"\x89PNG")


def test_two_formulations():
    fig = _check(nf.two_formulations())
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("eq. 4" in t and "two stages" in t for t in texts)
    assert "not computed" in texts


def test_forward_shapes():
    X, _, p = data.make_problem(n_x=3, n_h=4, m=5)
    picture = nf.forward_shapes(X, p)
    fig = _check(picture)
    assert "n_x = 3, n_h = 4" in fig.get_suptitle()
    assert "W1 (4, 3) @ X (3, 5)" in picture.alt


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_output_pairs(y):
    picture = nf.output_pairs(y)
    fig = _check(picture)
    assert "they agree everywhere" in picture.alt and "they differ" in picture.alt
    titles = [ax.get_title() for ax in fig.axes]
    assert "agree" in titles[0] and "differ" in titles[1]


def test_saturation_precision_figure():
    rows = measure.saturation_precision(np.arange(0, 41, 4), 0.0)
    picture = nf.saturation_precision(rows)
    _check(picture)
    first = min(r.z for r in rows if r.split_failed)
    assert f"From z2 = {first:g} on" in picture.alt


def test_gradcheck_scatter():
    X, Y, p = data.make_problem()
    bp = stages.backward_stages(X, Y, p)
    num = gradcheck.numerical_stage_gradients(X, Y, p, "relu", keys=("dZ2", "dW1"))
    picture = nf.gradcheck_scatter({k: bp[k].value for k in num}, num)
    fig = _check(picture)
    assert "lies on the diagonal" in picture.title and "dW1 (12)" in picture.alt
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "dW1 (12 entries)" in labels
    assert fig.axes[0].get_xlabel() == "finite difference (J(x + h) - J(x - h)) / (2h)"


def test_gradcheck_scatter_labels_the_per_example_stages_as_scaled_by_m():
    # What is plotted for a per-example stage is m times the finite difference of J.
    X, Y, p = data.make_problem()
    bp = stages.backward_stages(X, Y, p)
    num = gradcheck.numerical_stage_gradients(X, Y, p, "relu", keys=("dZ2", "dW1"))
    f, Z2, scale = gradcheck.stage_cost_functions(X, Y, p, "relu")["dZ2"]
    m = X.shape[1]
    assert scale == m
    np.testing.assert_allclose(num["dZ2"], m * gradcheck.numerical_gradient(f, Z2), rtol=1e-12)
    per_example = [s.key for s in bp.stages if s.kind == "dL"]
    picture = nf.gradcheck_scatter({k: bp[k].value for k in num}, num, per_example=per_example)
    label = _check(picture).axes[0].get_xlabel()
    assert label.endswith("times m for the per-example dZ2")  # dW1 is averaged: not scaled
    assert "times m for the per-example dZ2)" in picture.alt


def test_backward_time():
    cost = measure.DA0Cost(10, 2, 3, {"dA2 (output_dA)": 0.001, "dA0 = W1.T dZ1": 0.003}, 1)
    picture = nf.backward_time(cost)
    fig = _check(picture)
    assert "75%" in fig.axes[0].get_title()
    assert "dA0 = W1.T dZ1 3.00 ms" in picture.alt


def test_backward_time_at_the_cat_classifiers_size_keeps_its_title_inside():
    # Notebook 06's figure: the widest numbers and every step's name.
    steps = [
        "dA2 (output_dA)",
        "dZ2 (sigmoid_backward)",
        "dW2, db2, dA1 (linear_backward)",
        "dZ1 (relu_backward)",
        "dW1, db1",
        "dA0 = W1.T dZ1",
    ]
    cost = measure.DA0Cost(12288, 7, 209, dict.fromkeys(steps, 0.002), 7)
    picture = nf.backward_time(cost)
    assert text_outside(_check(picture)) == []
    assert picture.alt.startswith(
        "Backward pass at n_x = 12288, n_h = 7, m = 209, measured here: dA0 (hatched) took "
    )


def test_decision_boundary_with_and_without_costs():
    X, Y = data.make_dataset("xor", m=40)
    params = assignment.initialize_parameters_deep([2, 3, 1], seed=1, scheme="application")

    def predict(P):
        return assignment.predict(P, params)

    picture = nf.decision_boundary(X, Y, predict, costs=[0.7, 0.6, 0.65, 0.5], title="T: 90.0%")
    _check(picture)
    assert picture.alt.startswith("T: 90.0%.")
    assert "rises between iterations 100 and 200, from 0.6000 to 0.6500" in picture.alt
    fig = _check(nf.decision_boundary(X, Y, predict))
    assert len(fig.axes) == 1


def test_fan_out_labels_every_weight_of_the_chosen_input():
    X, Y, p = data.make_problem()
    bp = stages.backward_stages(X, Y, p)
    picture = nf.fan_out(p["W1"], bp["dZ1"].value, j=0, i=1, layer=1)
    fig = _check(picture)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum(t.startswith("W1[") for t in texts) == p["W1"].shape[0]
    # The title states dA0[0, 1] as notebook 05 prints it (six digits).
    assert f"= {nh.fmt(bp['dA0'].value[0, 1], 6)}" in fig.axes[0].get_title()
    assert all(f"W1[{k},0] = {nh.fmt(p['W1'][k, 0])}" in picture.alt for k in range(4))
    _check(nf.fan_out(p["W2"], bp["dZ2"].value, j=2, i=0, layer=2))


def test_one_okabe_ito_palette_defined_in_figures_and_picked_by_name():
    # The eight Okabe-Ito colours, as published; the figures' colours are these, by name.
    assert figures.OKABE_ITO == {
        "orange": "#E69F00",
        "sky blue": "#56B4E9",
        "bluish green": "#009E73",
        "yellow": "#F0E442",
        "blue": "#0072B2",
        "vermillion": "#D55E00",
        "reddish purple": "#CC79A7",
        "black": "#000000",
    }
    names = ("BLUE", "ORANGE", "GREEN", "VERMILLION", "PURPLE", "SKY", "YELLOW", "BLACK", "GREY")
    assert [getattr(nf, n) for n in names] == [getattr(figures, n) for n in names]
    assert (nf.BLUE, nf.ORANGE, nf.GREEN, nf.VERMILLION, nf.PURPLE, nf.SKY, nf.GREY) == (
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#D55E00",
        "#CC79A7",
        "#56B4E9",
        "#777777",
    )
    # No second copy: no module of notebook_figures spells out any of the palette's colours.
    modules = sorted(Path(nf.__file__).parent.glob("*.py"))
    assert len(modules) > 1, "notebook_figures is a package of modules"
    for module in modules:
        source = module.read_text().upper()
        for name, colour in {**figures.OKABE_ITO, "grey": figures.GREY}.items():
            assert colour.upper() not in source, (module.name, name)


@pytest.mark.parametrize("index", range(1, 10))
def test_stepper_still_draws_the_stage_the_stepper_shows(index):
    from course_lib.stepper import Config, compute

    picture = nf.stepper_still(index)
    assert picture.figure is None
    _check_bundle(picture)
    stage = compute(Config()).bp.stages[index - 1]
    assert picture.alt.startswith(f"A still of the stepper at stage {index} of 9, {stage.title}")
    assert figures.graph_alt(index) in picture.alt
    assert figures.matrix_alt(stage.value, stage.key, stage.kind) in picture.alt
    assert "Gradient check: relative error below 1e-7, passes (pass mark 1e-7)." in picture.alt
    assert (
        picture.title == f"A still of the stepper at stage {index} of 9, {stage.title} "
        "(hidden relu, m = 5, seed 0)"
    )


def test_the_still_of_a_saturated_stage_says_why_it_cannot_be_checked():
    from course_lib.stepper import Config

    alt = nf.stepper_still(1, Config(saturate=True)).alt
    assert "Gradient check: not measurable: A2[" in alt


# ----------------------------------------------------------------------------- text in the canvas

NOTEBOOKS = sorted(Path(__file__).resolve().parents[1].joinpath("notebooks").glob("[0-9]*.ipynb"))


def text_outside(fig: Figure) -> list:
    """``(text, its extent, the figure's)`` for every visible text of ``fig`` that does not lie
    wholly inside the figure's canvas once the figure is drawn (titles, labels, legends,
    annotations, tick labels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    canvas_box = fig.bbox
    outside = []
    undrawn = _undrawn_tick_labels(fig)
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or id(text) in undrawn:
            continue
        box = text.get_window_extent(renderer)
        if (
            box.x0 < canvas_box.x0 - 0.5
            or box.y0 < canvas_box.y0 - 0.5
            or box.x1 > canvas_box.x1 + 0.5
            or box.y1 > canvas_box.y1 + 0.5
        ):
            outside.append((text.get_text(), box.bounds, canvas_box.bounds))
    return outside


def _undrawn_tick_labels(fig: Figure) -> set:
    """The ids of tick labels matplotlib keeps but does not draw: their tick lies outside
    the axis' view interval."""
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(abs(low), abs(high), 1.0)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    undrawn.update({id(tick.label1), id(tick.label2)})
    return undrawn


def test_text_outside_finds_a_title_cut_at_the_right_edge():
    fig = Figure(figsize=(3, 2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlabel("x")
    ax.set_title("a title far too long for a figure only three inches wide, cut off")
    assert [t for t, _, _ in text_outside(fig)] == [ax.get_title()]
    ax.set_title("short")
    assert text_outside(fig) == []


def _draws_the_app(source: str) -> bool:
    # The stepper app's screen is tested with its widgets and in the browser (tests/browser).
    return "course_lib.widgets import app" in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_figure_of_any_notebook_has_text_outside_its_canvas(path, monkeypatch):
    from notebook_run import run_notebook

    drawn, clipped = [], []
    render = figures.png_bytes

    def checked_png_bytes(fig, *args, **kwargs):
        drawn.append(fig)
        clipped.extend(text_outside(fig))
        return render(fig, *args, **kwargs)

    monkeypatch.setattr(figures, "png_bytes", checked_png_bytes)
    run_notebook(path, skip=_draws_the_app)
    stored = sum(
        "image/png" in output.get("data", {})
        for cell in __import__("json").loads(path.read_text())["cells"]
        for output in cell.get("outputs", [])
    )
    assert len(drawn) >= stored, "every figure the notebook stores was drawn here"
    assert clipped == [], clipped


def test_stills_of_the_things_to_try_show_what_each_switch_does():
    from course_lib.derivation import expand
    from course_lib.diagnose import find_mistake
    from course_lib.stepper import Config

    assert "Saturated output: |Z2| lies between" in nf.stepper_still(1, Config(saturate=True)).alt
    moved = nf.stepper_still(2, Config(one_over_m="dZ")).alt
    assert "The slide's kind: averaged dJ/dZ2: 1/m moved into dZ2" in moved
    assert "The slide's kind" not in nf.stepper_still(2).alt
    expanded = nf.stepper_still(9, entry=(0, 1), expanded=True).alt
    X, Y, p = data.make_problem()
    e = expand(stages.backward_stages(X, Y, p), "dA0", (0, 1))
    assert f"Entry [0, 1] expanded: 4 terms: {' + '.join(nh.fmt(t) for t in e.terms)}" in expanded
    assert expanded.endswith("The outlined entry is [0, 1].")
    mistake = "linear_backward.one_over_m_in_dA_prev"
    shown = nf.stepper_still(5, mistake=mistake).alt
    assert f"Show a mistake: {find_mistake(mistake).title}; the mistake is made at dA1." in shown
    assert "This pass, with it: dA1 wrong here: entry [0, 0] is " in shown
    assert mistake not in shown


def test_the_stills_facts_wrap_inside_the_figure():
    from course_lib.notebook_figures.still import _facts_figure

    fig = _facts_figure("Stage 1 of 9", [("Saturated output", "a long explanation " * 30)])
    assert text_outside(fig) == []
