"""The stepper's widgets without a browser: clicks, slider, every control, entry pick,
predict-then-reveal, failures inside callbacks, hostile client states; and its figures."""

from __future__ import annotations

import ast
import base64
import html
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import comm
import ipywidgets as widgets
import numpy as np
import pytest
from comm.base_comm import BaseComm
from matplotlib.figure import Figure

from course_lib import assignment, figures
from course_lib import widgets as ui
from course_lib.diagnose import MISTAKES, find_mistake
from course_lib.stages import STAGE_KEYS, STAGES
from course_lib.stepper import Stepper
from course_lib.student import mistake_functions, suited_hidden
from course_lib.widgets import graph_cache, render, render_linked, render_student, views

REPO = Path(__file__).resolve().parents[1]
SHAPE_RE = re.compile(r"shape \(\d+, \d+\)")


@pytest.fixture(scope="module")
def graphs():
    return ui.graph_images()  # rendered once for the module: the slow part of building


@pytest.fixture
def app(graphs):
    return ui.StepperApp(Stepper(), graphs=graphs)


def linked_text(data: dict, entry) -> str:
    """What the linked tables say, as plain text: the question, or the caption, every number
    of the value, the operands' names and shapes, the rule, the selected entry."""
    if data.get("hidden"):
        return data["question"]
    numbers = " ".join(" ".join(row) for row in data["rows"])
    named = "; ".join(f"{o['name']} {tuple(o['shape'])}" for o in data["operands"])
    return (
        f"{data['caption']} {numbers} (computed from {named}: {data['rule']}) "
        f"selected entry [{entry[0]}, {entry[1]}]"
    )


def text(widget) -> str:
    """What a browser would show as the widget's text (tags stripped, entities decoded); for
    the linked tables, ``linked_text`` of what they were sent."""
    if isinstance(widget, ui.LinkedTables):
        return linked_text(widget.data, widget.entry)
    return html.unescape(re.sub(r"<[^>]+>", " ", widget.value)).strip()


def on_screen(views: list):
    """The one widget of a per-stage set that is displayed."""
    visible = [w for w in views if w.layout.display != "none"]
    assert len(visible) <= 1, "more than one per-stage widget on screen"
    return visible[0] if visible else None


def shown(app) -> dict:
    v = app.views
    out = {k: text(v[k]) for k in ("label", "values", "checks", "notes", "error")}
    box = on_screen(v["equations"])
    assert "stage-equation" in box._dom_classes
    assert sum("stage-equation" in w._dom_classes for w in v["equations"]) == 1
    return {**out, "equation": text(box.children[0])}


def expansion_on_screen(app) -> str:
    widget = on_screen(app.views["entry"]["expansions"])
    return "" if widget is None else widget.value


def client_update(widget, state: dict) -> None:
    """Send a state update as a browser does; the kernel's comm handler calls this."""
    widget._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": [],
        }
    )


def client_click(button) -> None:
    button._handle_msg(
        {"content": {"data": {"method": "custom", "content": {"event": "click"}}}, "buffers": []}
    )


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def assert_works(app) -> None:
    """The app still steps: Next and Previous change every view, and no message is shown."""
    app.views["predict"]["mode"].value = False  # a client may have turned it on: legal
    app.views["slider"].value = 1
    app.views["next"].click()
    after = shown(app)
    assert after["label"].startswith("Stage 2 of 9:") and SHAPE_RE.search(after["values"])
    app.views["previous"].click()
    back = shown(app)
    assert back["label"] == f"Stage 1 of 9: {app.stepper.stage.title}"
    assert back["values"] != after["values"] and SHAPE_RE.search(back["values"])
    assert back["error"] == ""


# ----------------------------------------------------------------------------- the contract


def test_app_is_one_widget_tree_with_the_dom_contract():
    root = ui.app()
    assert isinstance(root, widgets.VBox)
    tree = list(walk(root))
    buttons = [w for w in tree if isinstance(w, widgets.Button)]
    assert [b.description for b in buttons].count("Next") == 1
    assert [b.description for b in buttons].count("Previous") == 1
    assert all(b.description and not b.icon for b in buttons), "icon-only buttons"
    dropdowns = [
        w for w in tree if isinstance(w, widgets.Dropdown) and w.description == "Hidden activation"
    ]
    assert len(dropdowns) == 1 and list(dropdowns[0].options) == ["relu", "tanh", "sigmoid"]
    sliders = [w for w in tree if isinstance(w, ui.StageSlider)]
    assert [(w.description, w.min, w.max) for w in sliders] == [("Stage", 1, 9)]
    by_class = {
        c: [w for w in tree if c in getattr(w, "_dom_classes", ())]
        for c in (
            "stage-label",
            "stage-equation",
            "stage-values",
            "stage-checks",
            "stage-error",
            "entry-expansion",
            "course-app",
        )
    }
    assert all(len(found) == 1 for found in by_class.values()), by_class
    equation = by_class["stage-equation"][0]
    assert isinstance(equation.children[0], widgets.HTMLMath) and "$" in equation.children[0].value
    label = text(by_class["stage-label"][0])
    assert label == "Stage 1 of 9: Output gradient dA2 = dL/dA2"
    values = text(by_class["stage-values"][0])
    assert "shape (1, 5)" in values and "dL" in values
    checks = text(by_class["stage-checks"][0])
    assert "max |slide - assignment|" in checks and "finite-difference relative error" in checks
    assert by_class["stage-error"][0].value == ""
    assert by_class["stage-error"][0].layout.display == "none"


def test_next_walks_nine_stages_changing_every_view_and_previous_walks_back(app):
    seen = [shown(app)]
    for n in range(2, 10):
        app.views["next"].click()
        now = shown(app)
        assert now["label"] == f"Stage {n} of 9: {app.stepper.stage.title}"
        for field in ("label", "equation", "values"):
            assert now[field] != seen[-1][field], (n, field)
        assert SHAPE_RE.search(now["values"])
        seen.append(now)
    assert app.views["slider"].value == 9
    assert app.views["next"].disabled and not app.views["previous"].disabled
    app.views["next"].click()  # a click on the disabled button changes nothing
    assert shown(app) == seen[-1]
    for n in range(8, 0, -1):
        app.views["previous"].click()
        assert shown(app) == seen[n - 1]
    assert app.views["previous"].disabled


def test_each_stage_shows_its_own_equations_shape_kind_and_checks(app):
    for key in STAGE_KEYS:
        s = app.stepper.stage
        assert s.key == key
        v = shown(app)
        assert f"shape {s.shape}" in v["values"]
        assert ("dL: per-example" if s.kind == "dL" else "dJ: averaged") in v["values"]
        assert s.assignment_code in v["equation"]
        assert s.slide_note in v["equation"]
        assert "$" in on_screen(app.views["equations"]).children[0].value
        if s.max_abs_diff is None:
            assert f"not applicable, the slide does not compute {key}" in v["checks"]
        else:
            assert f"max |slide - assignment| = {s.max_abs_diff:.2e}" in v["checks"]
        assert f"{app.stepper.relative_error:.1e}, passes" in v["checks"]
        assert app.stepper.computed.gradcheck.describe(key) in v["checks"]
        app.views["next"].click()


def test_the_slider_jumps_and_follows_the_buttons(app):
    app.views["slider"].value = 7
    assert shown(app)["label"].startswith("Stage 7 of 9: Hidden weights gradient dW1")
    app.views["next"].click()
    assert app.views["slider"].value == 8


def test_the_graph_is_an_image_with_alt_text_that_follows_the_stage(app):
    first = app.views["graph"].value
    assert first.startswith('<img alt="Computation graph') and "Stage 1 of 9: dA2" in first
    png = base64.b64decode(first.split("base64,")[1].split('"')[0])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    app.views["next"].click()
    assert "Stage 2 of 9: dZ2" in app.views["graph"].value


def test_stepping_draws_nothing_and_creates_no_widgets(app, monkeypatch):
    def no_drawing(*args, **kwargs):
        raise AssertionError("a figure was rendered during a click")

    monkeypatch.setattr(figures, "png_bytes", no_drawing)
    count = len(widgets.widget._instances)
    for _ in range(2):
        for _ in range(8):
            app.views["next"].click()
        for _ in range(8):
            app.views["previous"].click()
    assert len(widgets.widget._instances) == count
    assert shown(app)["error"] == ""


def owned(node):
    """Every widget a view holds: its widgets, their children and their layouts."""
    if isinstance(node, dict | list):
        for part in node.values() if isinstance(node, dict) else node:
            yield from owned(part)
        return
    for w in walk(node):
        yield from (w, w.layout)


@pytest.mark.parametrize(
    "student", [None, {"relu_backward": lambda dA, Z: dA}], ids=["plain", "with a student's pass"]
)
def test_a_click_sends_the_title_first_then_each_widget_once_in_the_views_order(
    graphs, monkeypatch, student
):
    sent = []  # comm ids of the state updates, in the order they leave

    class Recording(BaseComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            if msg_type == "comm_msg" and (data or {}).get("method") == "update":
                sent.append(self.comm_id)

    monkeypatch.setattr(comm, "create_comm", Recording)
    app = ui.StepperApp(Stepper(student=student), graphs=graphs)
    view_of = {w.comm.comm_id: name for name, built in app.views.items() for w in owned(built)}
    computing = render_linked.linked_data

    def linked_data(stepper):  # the title has left before the rest is computed
        assert [view_of[c] for c in sent] == ["label"]
        return computing(stepper)

    monkeypatch.setattr(render_linked, "linked_data", linked_data)
    for click in (app.views["next"].click, app.views["previous"].click):
        sent.clear()
        click()
        assert len(sent) == len(set(sent)), "a widget got more than one message"
        names = list(dict.fromkeys(view_of[c] for c in sent))  # every sender is a view's
        assert names[0] == "label" and {"equations", "values", "slider"} <= set(names)
        order = [view.name for view in views.VIEWS]
        assert names == sorted(names, key=order.index), names


def test_only_the_graph_cache_imports_figures_and_only_when_it_draws():
    # figures imports matplotlib: at a module's top it would cost every new page's kernel.
    for path in sorted((REPO / "course_lib" / "widgets").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (
                node.module == "course_lib.figures"
                or node.module == "course_lib"
                and "figures" in {a.name for a in node.names}
            ):
                assert path.name == "graph_cache.py", path.name
                assert node not in tree.body, "figures imported at the top of graph_cache"
        if path.name == "render.py":  # the renderers are pure: strings in, HTML out
            tops = {
                n.split(".")[0]
                for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom)
                for n in (
                    [node.module]
                    if isinstance(node, ast.ImportFrom)
                    else [a.name for a in node.names]
                )
            }
            assert not tops & {"ipywidgets", "IPython", "matplotlib"}, tops


# ----------------------------------------------------------------------------- the controls


def test_hidden_activation_changes_the_values_and_keeps_the_stage(app):
    app.views["slider"].value = 5
    relu = shown(app)
    app.views["config"]["hidden"].value = "tanh"
    tanh = shown(app)
    assert tanh["label"] == relu["label"] and tanh["values"] != relu["values"]
    assert "g = tanh" in tanh["notes"]
    app.views["slider"].value = 6
    assert "tanh_backward" in shown(app)["equation"]
    app.views["slider"].value = 5
    app.views["config"]["hidden"].value = "relu"
    assert shown(app)["values"] == relu["values"]


def test_m_and_seed_change_shape_and_numbers(app):
    app.views["config"]["m"].value = 8
    assert "shape (1, 8)" in shown(app)["values"]
    before = shown(app)["values"]
    app.views["config"]["seed"].value = 42
    assert shown(app)["values"] != before and "shape (1, 8)" in shown(app)["values"]
    app.views["slider"].value = 8  # db1 is (n_h, 1) whatever m is
    assert "shape (4, 1)" in shown(app)["values"]
    assert "averaged over the m = 8 examples" in shown(app)["values"]


def test_one_over_m_placement_shows_the_scaled_comparison(app):
    app.views["slider"].value = 2
    assert "(the slide's dJ times m)" not in shown(app)["checks"]
    app.views["config"]["one_over_m"].value = "dZ"
    v = shown(app)
    assert "(the slide's dJ times m)" in v["checks"] and "1/m folded into dZ2" in v["equation"]
    app.views["slider"].value = 3
    assert "(the slide's dJ times m)" not in shown(app)["checks"]


def test_saturate_explains_on_screen_and_is_not_an_error(app):
    app.views["config"]["saturate"].value = True
    v = shown(app)
    assert "Saturated output (not an error)" in v["notes"] and "A2 - Y" in v["notes"]
    assert re.search(r"e\+1\d", v["values"]), v["values"]  # |dA2| ~ 1e10 .. 1e14
    assert "not measurable" in v["checks"]
    assert v["error"] == ""
    app.views["next"].click()
    assert "passes" in shown(app)["checks"]
    app.views["config"]["saturate"].value = False
    assert "Saturated" not in shown(app)["notes"]


def test_entry_pick_expands_the_entry_and_clamps_to_the_stage(app):
    app.views["slider"].value = 5  # dA1 (4, 5)
    e = app.views["entry"]
    e["row"].value, e["col"].value = 2, 3
    assert app.stepper.entry == (2, 3)
    expansion = expansion_on_screen(app)
    assert r"dA^{[1]}_{2,3}" in expansion and r"\sum_{k}" in expansion
    assert f"{float(app.stepper.stage.value[2, 3]):.6g}" in expansion
    assert app.views["values"].entry == [2, 3]  # the browser outlines it
    app.views["slider"].value = 4  # db2 (1, 1)
    assert (e["row"].max, e["col"].max, e["row"].value, e["col"].value) == (0, 0, 0, 0)
    assert r"db^{[2]}_{0}" in expansion_on_screen(app)
    app.views["slider"].value = 5  # the pick is kept: back at dA1 the entry is (2, 3) again
    assert (e["row"].value, e["col"].value) == (2, 3)
    assert r"dA^{[1]}_{2,3}" in expansion_on_screen(app)


def test_predict_then_reveal(app):
    p = app.views["predict"]
    p["mode"].value = True
    app.views["slider"].value = 3  # dW2 (1, 4)
    hidden = shown(app)["values"]
    assert "values hidden" in hidden and not SHAPE_RE.search(hidden)
    assert expansion_on_screen(app) == ""
    assert app.views["entry"]["hidden_note"].layout.display == "block"
    value = float(app.stepper.stage.value[0, 0])
    sign = "positive" if value > 0 else "negative"
    p["shape"].value, p["sign"].value = "(4, 1)", sign
    p["check"].click()
    feedback = text(p["feedback"])
    assert "not quite" in feedback and "(1, 4)" in feedback and "Sign: right" in feedback
    assert "shape (1, 4)" in shown(app)["values"] and p["check"].disabled
    app.views["next"].click()  # the next stage is hidden again, the guesses cleared
    assert "values hidden" in shown(app)["values"]
    assert (p["shape"].value, p["sign"].value, text(p["feedback"])[:7]) == ("", "", "Predict")
    p["reveal"].click()
    assert SHAPE_RE.search(shown(app)["values"])
    p["mode"].value = False
    assert text(p["feedback"]) == ""


def test_a_bad_prediction_text_gets_a_friendly_message(app):
    app.views["predict"]["mode"].value = True
    app.views["predict"]["shape"].value = "x" * 100_000
    app.views["predict"]["check"].click()
    message = shown(app)["error"]
    assert message.startswith("Note:") and len(message) < 300
    assert "values hidden" in shown(app)["values"]


# ----------------------------------------------------------------------------- failures


def test_an_exception_in_a_callback_shows_the_friendly_message_and_the_app_recovers(
    app, monkeypatch, caplog
):
    def broken(stepper):
        raise RuntimeError("simulated failure in a view")

    monkeypatch.setattr(render, "checks_html", broken)  # where the view finds it
    with caplog.at_level(logging.ERROR, logger="course_lib.widgets"):
        app.views["next"].click()
    error = app.views["error"]
    assert ui.FRIENDLY_ERROR in text(error) and error.layout.display == "block"
    assert "Traceback" not in error.value and "simulated" not in error.value
    # The failed click changed nothing: the stepper and the screen still show stage 1.
    assert app.stepper.index == 1 and text(app.views["label"]).startswith("Stage 1 of 9:")
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and "simulated failure" in str(logged[0].exc_info[1])
    monkeypatch.undo()
    assert_works(app)
    assert app.views["error"].layout.display == "none"


def test_a_failing_setting_is_caught_too(app, monkeypatch):
    monkeypatch.setattr(
        "course_lib.stepper.machine.compute",
        lambda config: (_ for _ in ()).throw(ValueError("no numbers")),
    )
    app.views["config"]["seed"].value = 123
    assert ui.FRIENDLY_ERROR in shown(app)["error"]
    assert app.stepper.config.seed == 0  # the state did not move to a half-built configuration
    monkeypatch.undo()
    assert_works(app)


# ----------------------------------------------------------------------------- hostile clients


HOSTILE_STATES = [
    ("slider", {"max": 10_000}),
    ("slider", {"max": 10_000, "value": 5_000}),
    ("slider", {"min": -5, "value": -5}),
    ("slider", {"value": "9; import os"}),
    ("slider", {"value": None}),
    ("slider", {"value": 1e308}),
    ("config.hidden", {"index": 99}),
    ("config.hidden", {"index": None}),
    ("config.hidden", {"index": "relu"}),
    ("config.m", {"max": 10**9, "value": 10**9}),
    ("config.m", {"value": -7}),
    ("config.m", {"value": "x" * 100_000}),
    ("config.m", {"value": float("nan")}),
    ("config.seed", {"min": -(10**12), "value": -(10**12)}),
    ("config.seed", {"value": [1, 2]}),
    ("config.one_over_m", {"index": 7}),
    ("config.one_over_m", {"index": None}),
    ("config.saturate", {"value": "yes"}),
    ("config.saturate", {"value": None}),
    ("entry.row", {"max": 10**6, "value": 10**6}),
    ("entry.col", {"min": -99, "value": -99}),
    ("entry.row", {"value": {"__class__": "x"}}),
    ("predict.mode", {"value": 1}),
    ("predict.shape", {"value": "(" * 1_000_000}),
    ("predict.sign", {"index": 42}),
    ("predict.sign", {"index": None}),
    ("next", {"disabled": False}),
    ("label", {"value": "<script>alert(1)</script>"}),
]


def _widget(app, path):
    node = app.views
    for part in path.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize(
    "path,state", HOSTILE_STATES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(HOSTILE_STATES)]
)
def test_hostile_client_states_are_clamped_or_refused_and_the_app_keeps_working(app, path, state):
    widget = _widget(app, path)
    client_update(widget, state)  # never raises: the comm handler logs a refused trait
    c = app.stepper.config
    assert 1 <= c.m <= 20 and 0 <= c.seed <= 9999 and c.hidden in ("relu", "tanh", "sigmoid")
    assert (app.views["slider"].min, app.views["slider"].max) in ((1, 9),)
    if path == "predict.shape":
        client_update(app.views["predict"]["mode"], {"value": True})
        client_click(app.views["predict"]["check"])
        assert "Note:" in shown(app)["error"]
    assert_works(app)


def test_a_client_that_widens_a_range_is_clamped_back_with_a_message(app):
    client_update(app.views["config"]["m"], {"max": 10**9, "value": 10**9})
    assert app.stepper.config.m == 20
    assert (app.views["config"]["m"].max, app.views["config"]["m"].value) == (20, 20)
    assert "from 1 to 20; using 20" in shown(app)["error"]
    client_update(app.views["slider"], {"max": 500, "value": 400})
    assert app.stepper.index == 9 and app.views["slider"].max == 9
    client_update(app.views["config"]["hidden"], {"index": None})
    assert app.views["config"]["hidden"].value == "relu"
    assert "must be one of relu, tanh, sigmoid" in shown(app)["error"]
    app.views["previous"].click()  # the next good action clears the message
    assert shown(app)["error"] == ""


def test_clicks_sent_by_a_client_to_disabled_buttons_stay_in_bounds(app):
    for _ in range(3):
        client_click(app.views["previous"])
    assert app.stepper.index == 1
    for _ in range(12):
        client_click(app.views["next"])
    assert app.stepper.index == 9 and shown(app)["error"] == ""


def test_no_widget_value_is_ever_evaluated_as_code():
    # Nowhere in the library: not only the app's modules, everything they may call. The one
    # exception is the module that runs what a student pastes into the static app, in their
    # own browser tab (the served app never builds that area: tests/test_pasted.py).
    sources = sorted((REPO / "course_lib").rglob("*.py"))  # every subpackage too
    assert len(sources) > 10
    running_text = []
    for path in sources:
        tree = ast.parse(path.read_text())
        calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
        builtins = {f.id for f in calls if isinstance(f, ast.Name)}
        methods = {f.attr for f in calls if isinstance(f, ast.Attribute)}
        if builtins & {"eval", "exec", "compile", "__import__"}:
            running_text.append(path.relative_to(REPO).as_posix())
            assert builtins & {"eval", "__import__"} == set(), path.name
        assert not methods & {"eval", "exec", "literal_eval", "import_module"}, path.name
    assert running_text == ["course_lib/student/pasted.py"]


def test_outside_a_kernel_failures_are_logged_to_the_module_logger():
    assert ui.kernel_logger() is logging.getLogger("course_lib.widgets")


# ----------------------------------------------------------------------------- figures


@pytest.mark.parametrize("index", range(1, 10))
def test_graph_figure_highlights_the_stage_and_is_titled(index):
    key = STAGE_KEYS[index - 1]
    fig = figures.graph_figure(index)
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith(f"Stage {index} of 9: {key}") for t in texts)
    assert f"now: {key}" in texts  # the highlight is labelled, not only coloured
    assert sum(t == "done" for t in texts) == index - 1
    assert any("backward" in t for t in texts)
    alt = figures.graph_alt(index)
    assert f"Stage {index} of 9: {key} is highlighted" in alt


def test_gradient_paths_run_from_the_loss_back_to_the_stage():
    assert figures.gradient_path("dA2") == ["L", "A2"]
    assert figures.gradient_path("dW1") == ["L", "A2", "Z2", "A1", "Z1", "W1"]
    assert figures.gradient_path("dA0")[-1] == "X"


def test_matrix_figure_prints_every_value_with_shape_and_kind():
    values = np.array([[1.5, -2.25, 0.0], [3.0, -0.125, 7.0]])
    fig = figures.matrix_figure(values, "dW1", "dJ", entry=(1, 2))
    ax = fig.axes[0]
    assert ax.get_title() == "dW1, shape (2, 3), dJ, averaged over m"
    assert ax.get_xlabel() and ax.get_ylabel()
    assert sorted(t.get_text() for t in ax.texts) == sorted(f"{v:.3g}" for v in values.ravel())
    assert figures.png_bytes(fig)[:4] == b"\x89PNG"
    alt = figures.matrix_alt(values, "dZ1", "dL")
    assert "shape (2, 3)" in alt and "per-example dL" in alt and "-2.25" in alt


def _no_drawing():
    raise AssertionError("the graphs were drawn again")


@pytest.fixture
def unshipped(tmp_path, monkeypatch):
    """As if the shipped graphs were older than the drawing code (an edited figures.py)."""
    monkeypatch.setattr(graph_cache, "SHIPPED", tmp_path / "shipped-graphs.json")
    return graph_cache.SHIPPED


def test_the_shipped_graphs_are_up_to_date_with_the_drawing_code():
    assert graph_cache.shipped_graphs() is not None, (
        "course_lib/widgets/graphs.json is older than course_lib/figures.py or the stage "
        "names: run `make graphs` and commit it"
    )


def test_the_shipped_graphs_are_what_the_code_draws():
    from PIL import Image

    def decoded(img_html):
        alt, src = re.fullmatch(
            r'<img alt="(.*)" src="data:image/png;base64,([^"]*)".*', img_html
        ).groups()
        pixels = Image.open(io.BytesIO(base64.b64decode(src)))
        return alt, np.asarray(pixels.convert("RGB"), dtype=float)

    drawn = graph_cache.render_graph_images()
    for index, shipped in graph_cache.shipped_graphs().items():
        shipped_alt, shipped_pixels = decoded(shipped)
        drawn_alt, drawn_pixels = decoded(drawn[index])
        assert shipped_alt == drawn_alt
        assert shipped_pixels.shape == drawn_pixels.shape
        # Equal with the pinned-down versions here; another matplotlib may anti-alias an
        # edge differently, which is not a different picture.
        assert np.abs(shipped_pixels - drawn_pixels).mean() < 1.0, f"graph {index} differs"


def test_a_new_kernel_reads_the_shipped_graphs_and_never_imports_matplotlib(tmp_path):
    # A new page's kernel builds the app; importing matplotlib took longer than the build,
    # and drawing the graphs longer still. No student's kernel does either.
    env = {**os.environ, "COURSE_LIB_CACHE": str(tmp_path)}
    script = (
        "import sys; from course_lib import widgets; widgets.app(); "
        "print('matplotlib' in sys.modules)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert ran.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []  # nothing drawn, nothing cached


def test_stale_shipped_graphs_are_drawn_once_then_read_from_the_cache(
    tmp_path, monkeypatch, graphs, unshipped
):
    stale = {"key": "a-key-of-older-drawing-code", "graphs": {str(k): v for k, v in graphs.items()}}
    unshipped.write_text(json.dumps(stale))
    monkeypatch.setenv("COURSE_LIB_CACHE", str(tmp_path / "cache"))
    drawn = []
    monkeypatch.setattr(graph_cache, "render_graph_images", lambda: drawn.append(1) or dict(graphs))
    assert graph_cache.graph_images() == graphs
    assert drawn == [1]
    [stored] = (tmp_path / "cache").glob("graphs-*.json")
    assert list((tmp_path / "cache").iterdir()) == [stored]  # no temporary file left
    monkeypatch.setattr(graph_cache, "render_graph_images", _no_drawing)
    assert graph_cache.graph_images() == graphs


def test_a_damaged_cache_file_is_drawn_anew_and_replaced(tmp_path, monkeypatch, graphs, unshipped):
    monkeypatch.setenv("COURSE_LIB_CACHE", str(tmp_path))
    monkeypatch.setattr(graph_cache, "render_graph_images", lambda: dict(graphs))
    graph_cache.graph_images()
    [stored] = tmp_path.glob("graphs-*.json")
    for damage in ("{not json", json.dumps({"1": "<img alt='x'>"}), json.dumps([1, 2])):
        stored.write_text(damage)
        assert graph_cache.graph_images() == graphs
        assert json.loads(stored.read_text()) == {str(k): v for k, v in graphs.items()}


def test_a_cache_file_with_more_than_an_image_never_reaches_the_page(
    tmp_path, monkeypatch, graphs, unshipped
):
    # The graphs are put into the student's page as HTML: only an <img> exactly as
    # figures.img_html writes it is read back, never a script or an event handler.
    monkeypatch.setenv("COURSE_LIB_CACHE", str(tmp_path))
    monkeypatch.setattr(graph_cache, "render_graph_images", lambda: dict(graphs))
    graph_cache.graph_images()
    [stored] = tmp_path.glob("graphs-*.json")
    good = graphs[1]
    for bad in (
        good.replace('" src=', '" onerror="alert(1)" src='),
        good.replace('<img alt="', '<img alt="<script>alert(1)</script>'),
        good + "<script>alert(1)</script>",
        '<img alt="x" src="javascript:alert(1)">',
    ):
        stored.write_text(json.dumps({str(k): bad if k == 1 else v for k, v in graphs.items()}))
        assert graph_cache.graph_images() == graphs


def test_the_drawing_key_is_the_same_for_a_checkout_with_crlf_line_endings(tmp_path, monkeypatch):
    source = Path(figures.__file__).read_bytes()
    crlf = tmp_path / "figures.py"
    crlf.write_bytes(source.replace(b"\n", b"\r\n"))
    key = graph_cache.drawing_key()
    monkeypatch.setattr(
        graph_cache.importlib.util, "find_spec", lambda name: type("Spec", (), {"origin": crlf})
    )
    assert graph_cache.drawing_key() == key


def test_a_damaged_shipped_file_costs_only_the_drawing(tmp_path, monkeypatch, graphs, unshipped):
    monkeypatch.setenv("COURSE_LIB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(graph_cache, "render_graph_images", lambda: dict(graphs))
    key = graph_cache.drawing_key()
    for damage in ("{not json", json.dumps({"key": key, "graphs": [1]}), json.dumps([key])):
        unshipped.write_text(damage)
        assert graph_cache.graph_images() == graphs


def test_an_unwritable_cache_only_costs_the_drawing(tmp_path, monkeypatch, graphs, unshipped):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("COURSE_LIB_CACHE", str(blocker / "cache"))  # below a file: no mkdir
    monkeypatch.setattr(graph_cache, "render_graph_images", lambda: dict(graphs))
    assert graph_cache.graph_images() == graphs


def test_make_graphs_writes_what_the_package_reads(tmp_path, monkeypatch, graphs, unshipped):
    monkeypatch.setattr(graph_cache, "render_graph_images", lambda: dict(graphs))
    path = graph_cache.write_shipped_graphs(unshipped)
    assert path.stat().st_mode & 0o777 == 0o644  # readable by every user of a shared install
    monkeypatch.setattr(graph_cache, "render_graph_images", _no_drawing)
    assert graph_cache.shipped_graphs() == graphs


def test_the_keys_follow_the_palette_and_the_stage_names(monkeypatch):
    before = graph_cache.drawing_key(), graph_cache._graph_cache_key()
    monkeypatch.setattr(graph_cache, "GRAPH_COLORS", graph_cache.GRAPH_COLORS * 2)
    palette = graph_cache.drawing_key(), graph_cache._graph_cache_key()
    monkeypatch.undo()
    monkeypatch.setattr(graph_cache, "STAGE_KEYS", ("dZ2",) + tuple(graph_cache.STAGE_KEYS[1:]))
    names = graph_cache.drawing_key(), graph_cache._graph_cache_key()
    for after in (palette, names):
        assert after[0] != before[0] and after[1] != before[1]


def test_palette_png_keeps_the_picture_at_a_fraction_of_the_bytes():
    import io

    from PIL import Image

    fig = figures.graph_figure(5)
    full, small = figures.png_bytes(fig), figures.png_bytes(fig, colors=32)
    assert small[:4] == b"\x89PNG"
    assert len(small) < len(full) / 2, (len(small), len(full))
    a = np.asarray(Image.open(io.BytesIO(full)).convert("RGB"), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(small)).convert("RGB"), dtype=float)
    assert a.shape == b.shape
    # Flat colours survive: the mean pixel error is a few levels out of 255.
    assert np.abs(a - b).mean() < 3.0
    with pytest.raises(ValueError, match="colors must be between 2 and 256, got 1"):
        figures.png_bytes(fig, colors=1)


def test_img_html_carries_an_escaped_text_alternative():
    tag = figures.img_html(b"\x89PNG fake", 'a "quoted" <alt> & more')
    assert tag.startswith('<img alt="a &quot;quoted&quot; &lt;alt&gt; &amp; more" ')
    assert base64.b64encode(b"\x89PNG fake").decode() in tag


# ----------------------------------------------------------------------------- a second pass


def linear_backward_without_one_over_m_in_dW(dZ, cache):
    """A student's linear_backward that forgets 1/m in dW only (and prints as it goes)."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    print("linear_backward: m =", m)
    dW = dZ @ A_prev.T
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return W.T @ dZ, dW, db


def student_app(graphs, functions, **kw):
    return ui.StepperApp(Stepper(student=functions, **kw), graphs=graphs)


def verdict(app) -> str:
    found = re.search(r'class="student-verdict"[^>]*>(.*?)</div>', app.views["student"].value)
    assert found, app.views["student"].value
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def words(widget) -> str:
    """The widget's text with runs of white space made one space."""
    return " ".join(text(widget).split())


def visible(widget) -> bool:
    return widget.layout.display != "none"


def markers(app) -> list:
    """The words of each mark laid over the graph."""
    return [
        html.unescape(m)
        for m in re.findall(
            r'class="graph-marker".*?<span[^>]*>(.*?)</span>', app.views["graph"].value
        )
    ]


def test_the_plain_app_shows_no_second_pass_and_offers_every_catalogued_mistake(app, graphs):
    for name in ("student", "mistake_note", "summary"):
        assert not visible(app.views[name]) and app.views[name].value == ""
    assert app.views["graph"].value == graphs[1]  # the cached image, nothing laid over it
    dropdown = app.views["mistake"]
    assert isinstance(dropdown, widgets.Dropdown) and dropdown.description == "Show a mistake"
    assert dropdown.options[0] == ("none", "none") and dropdown.value == "none"
    assert [value for _, value in dropdown.options[1:]] == [m.id for m in MISTAKES]
    labels = [label for label, _ in dropdown.options]
    assert len(set(labels)) == len(labels)
    assert "linear_backward: " + find_mistake("linear_backward.no_one_over_m").title in labels
    tree = list(walk(app.root))
    assert {"student-values", "mistake-note", "student-summary"} <= {
        c for w in tree for c in getattr(w, "_dom_classes", ())
    }
    assert dropdown in tree


def test_a_students_mistake_is_marked_judged_stage_by_stage_and_named_where_it_is_made(graphs):
    app = student_app(graphs, {"linear_backward": linear_backward_without_one_over_m_in_dW})
    expected = {
        "dA2": "agrees",
        "dZ2": "agrees",
        "dW2": "wrong here",
        "db2": "agrees",
        "dA1": "agrees",
        "dZ1": "agrees",
        "dW1": "wrong here",
        "db1": "agrees",
        "dA0": "agrees",
    }
    title = find_mistake("linear_backward.no_one_over_m_in_dW").title
    for k, key in enumerate(STAGE_KEYS, start=1):
        app.views["slider"].value = k
        assert visible(app.views["student"]) and verdict(app) == f"Your {key}: {expected[key]}"
        assert markers(app) == ["first departs; mistake made here"]
        assert graphs[k] in app.views["graph"].value  # the cached image, unchanged, inside
        marked = words(app.views["graph"])
        assert "first departs; mistake made here at stage 3 (dW2), node W2" in marked
        note = words(app.views["mistake_note"])
        if key == "dW2":
            assert f"made here, at stage 3 (dW2): {title}" in note and "Hint:" in note
            assert "differs from the reference" in words(app.views["student"])
        else:
            assert note.endswith("at stage 3 (dW2): step there to read it.") and title not in note
    summary = words(app.views["summary"])
    assert "first departs at dW2" in summary and title in summary
    assert "linear_backward: m = 5" in summary  # what the student's code printed
    assert shown(app)["error"] == ""
    assert_works(app)


def test_a_mistake_in_the_middle_shows_inheriting_stages(graphs):
    def relu_backward(dA, Z):  # the mask left out: dZ1 = dA1
        return np.array(dA, copy=True)

    app = student_app(graphs, {"relu_backward": relu_backward})
    words = []
    for k in range(1, 10):
        app.views["slider"].value = k
        words.append(verdict(app).split(": ", 1)[1])
    assert words == ["agrees"] * 5 + ["wrong here"] + ["inherits the error from stage 6 (dZ1)"] * 3
    assert markers(app) == ["first departs; mistake made here"]


def test_correct_functions_agree_at_every_stage_and_nothing_is_marked(graphs):
    functions = {
        "compute_dAL": assignment.output_dA,
        "linear_backward": assignment.linear_backward,
        "sigmoid_backward": assignment.sigmoid_backward,
        "relu_backward": assignment.relu_backward,
    }
    app = student_app(graphs, functions)
    for k, key in enumerate(STAGE_KEYS, start=1):
        app.views["slider"].value = k
        assert verdict(app) == f"Your {key}: agrees"
        assert app.views["graph"].value == graphs[k]
        assert not visible(app.views["mistake_note"])
    assert "Every stage agrees with the reference." in words(app.views["summary"])


def test_the_app_call_takes_a_students_functions():
    root = ui.app(student={"linear_backward": assignment.linear_backward})
    student = [w for w in walk(root) if "student-values" in getattr(w, "_dom_classes", ())]
    assert len(student) == 1 and "Your dA2: agrees" in words(student[0])


def test_a_whole_pass_function_hides_stages_and_the_catalogue_places_its_mistake(graphs):
    app = student_app(graphs, mistake_functions("backward_propagation.sigma_prime_twice"))
    assert app.stepper.config.hidden == "tanh"  # the course's backward_propagation's
    assert verdict(app) == (
        "Your dA2: not observable: backward_propagation returns only grads dW1, db1, dW2, db2"
    )
    app.views["slider"].value = 2
    assert verdict(app).startswith("Your dZ2: wrong here: the mistake is made at this stage")
    assert "made here, at stage 2 (dZ2)" in words(app.views["mistake_note"])
    assert sorted(markers(app)) == ["first departs", "mistake made here"]
    app.views["slider"].value = 3
    assert verdict(app) == "Your dW2: inherits the error from stage 2 (dZ2)"
    app.views["config"]["hidden"].value = "relu"  # the function cannot serve it: it says so
    assert "written for a tanh hidden layer" in verdict(app)
    assert "written for a tanh hidden layer" in words(app.views["summary"])
    assert markers(app) == [] and shown(app)["error"] == ""


def test_a_function_the_hidden_activation_leaves_out_is_said_to_take_no_part(graphs):
    app = student_app(graphs, {"relu_backward": assignment.relu_backward})
    app.views["config"]["hidden"].value = "tanh"
    for view in ("summary", "student"):
        assert (
            "relu_backward takes no part in the pass with a tanh hidden layer: choose relu"
            in words(app.views[view])
        )


def hangs(dZ, cache):
    while True:
        pass


def raises(dZ, cache):
    raise ValueError("my own bug")


def returns_none(dZ, cache):
    return None


@pytest.mark.parametrize(
    "function,said",
    [(raises, "my own bug"), (hangs, "0.2"), (returns_none, "None")],
    ids=["raises", "hangs", "returns None"],
)
def test_hostile_student_functions_are_reported_and_the_app_keeps_working(graphs, function, said):
    app = student_app(graphs, {"linear_backward": function}, time_limit=0.2)
    app.views["slider"].value = 3
    assert verdict(app).startswith("Your dW2: not reached:") and said in verdict(app)
    assert said in words(app.views["summary"]) and "Traceback" not in shown(app)["error"]
    assert markers(app) == [] and shown(app)["error"] == ""
    computed = app.stepper.comparisons
    assert_works(app)
    app.views["config"]["seed"].value = 7  # a new configuration: judged again, still working
    assert app.stepper.comparisons == computed + 1
    app.views["slider"].value = 3
    assert "not reached" in verdict(app) and shown(app)["error"] == ""


def test_stepping_never_compares_again_and_predict_mode_hides_the_students_values(graphs):
    app = student_app(graphs, {"linear_backward": linear_backward_without_one_over_m_in_dW})
    for _ in range(8):
        client_click(app.views["next"])
    for _ in range(8):
        client_click(app.views["previous"])
    assert app.stepper.comparisons == 1
    app.views["predict"]["mode"].value = True
    app.views["slider"].value = 3
    student = words(app.views["student"])
    assert "values hidden until you predict" in student and not SHAPE_RE.search(student)
    app.views["predict"]["reveal"].click()
    assert SHAPE_RE.search(words(app.views["student"]))


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_mode_marks_and_names_every_catalogued_mistake(app, graphs, mistake):
    client_update(app.views["mistake"], {"index": 1 + MISTAKES.index(mistake)})
    s = app.stepper
    assert s.state.mistake == mistake.id and app.views["mistake"].value == mistake.id
    r = s.comparison
    suited = suited_hidden(mistake.exercise)
    if s.config.hidden != "relu":
        assert f"the hidden activation is now {suited}" in shown(app)["error"]
        assert app.views["config"]["hidden"].value == suited
    assert "No code of yours runs here" in words(app.views["summary"])
    assert mistake.title in words(app.views["summary"])
    assert markers(app) and all(
        m in ("first departs", "mistake made here", "first departs; mistake made here")
        for m in markers(app)
    )
    app.views["slider"].value = STAGE_KEYS.index(r.mistake_stage) + 1
    note = words(app.views["mistake_note"])
    assert f"made here, at stage {app.stepper.index} ({r.mistake_stage})" in note
    assert mistake.title in note and "Hint: " + mistake.hint in note
    if r.first_wrong:
        assert verdict(app).startswith(f"{r.mistake_stage} with the mistake: wrong here")
    else:  # the ReLU boundary: this net has no Z1 entry exactly 0
        assert verdict(app) == f"{r.mistake_stage} with the mistake: agrees"
        assert "shows only on inputs this net does not have" in note
    client_update(app.views["mistake"], {"index": 0})  # "none": the plain stepper again
    assert s.comparison is None and not visible(app.views["student"])
    assert app.views["graph"].value == graphs[app.stepper.index]
    assert_works(app)


@pytest.mark.parametrize(
    "state",
    [
        {"index": 10_000},
        {"index": -1},
        {"index": None},
        {"index": "dAL.sign_flipped"},
        {"value": "os.system"},
        {"_options_labels": ["x", "y"]},
        {"index": 1.5},
    ],
)
def test_hostile_mistake_values_are_refused_with_a_message_and_change_nothing(app, state):
    client_update(app.views["mistake"], {"index": 2})
    before = app.stepper.state
    client_update(app.views["mistake"], state)  # never raises: refused traits are logged
    assert app.stepper.state.mistake == before.mistake
    assert app.views["mistake"].value == before.mistake
    if state == {"index": None}:
        assert "Show a mistake must be none or a catalogued mistake" in shown(app)["error"]
    app.run(app.stepper.set_mistake, "__import__('os').system('true')")
    assert "Show a mistake must be none or a catalogued mistake" in shown(app)["error"]
    assert app.stepper.state.mistake == before.mistake
    assert app.views["mistake"].value == before.mistake
    assert len(app.views["mistake"].options) == 1 + len(MISTAKES)
    client_update(app.views["mistake"], {"index": 0})
    assert_works(app)


def test_the_marks_sit_on_the_graphs_own_nodes():
    fig = figures.graph_figure(1)
    ax = fig.axes[0]
    width, height = fig.canvas.get_width_height() if fig.canvas else (None, None)
    width, height = fig.get_size_inches() * fig.dpi
    (x0, y0), (x1, y1) = ax.transData.transform([(0, 0), (figures.NODE_W, figures.NODE_H)])
    for spec in STAGES:
        key, node = spec.key, spec.of
        left, top, w, h = render_student.node_box(key)
        cx, cy = ax.transData.transform(figures.NODES[node])
        assert abs(left + w / 2 - 100 * cx / width) < 0.2, key
        assert abs(top + h / 2 - 100 * (1 - cy / height)) < 0.2, key
        assert abs(w - 100 * (x1 - x0) / width) < 0.2 and abs(h - 100 * (y1 - y0) / height) < 0.2
    assert set(render_student._NODE_AT) == set(figures.NODES) - {"L"}


# ----------------------------------------------------------------------------- linked tables


def _floats(rows) -> np.ndarray:
    return np.array([[float(x) for x in row] for row in rows])


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_each_stage_shows_its_operands_and_the_links_produce_every_entry(app, hidden):
    app.views["config"]["hidden"].value = hidden
    for k, key in enumerate(STAGE_KEYS, start=1):
        app.views["slider"].value = k
        data = app.views["values"].data
        value, ops = _floats(data["rows"]), [_floats(o["rows"]) for o in data["operands"]]
        assert data["key"] == key and list(value.shape) == data["shape"]
        assert [list(o.shape) for o in ops] == [o["shape"] for o in data["operands"]]
        links = [o["link"] for o in data["operands"]]
        m = app.stepper.config.m
        for (r, c), v in np.ndenumerate(value):
            # The entries each link marks, put together by the stage's rule, give the entry.
            if links == ["row", "col"]:  # a product: row r of one against column c
                a, b = ops[0][r, :], ops[1][:, c]
                got = a @ b / (m if key.startswith("dW") else 1)
                scale = np.abs(a) @ np.abs(b)
            elif links == ["row"]:  # db: the sum of row r, times 1/m
                got, scale = ops[0][r].sum() / m, np.abs(ops[0][r]).sum()
            elif key == "dA2":
                a, y = ops[0][r, c], ops[1][r, c]
                got, scale = -(y / a - (1 - y) / (1 - a)), abs(v)
            else:  # dZ = dA * g'(Z), entry by entry
                assert links == ["same", "same"]
                got, scale = ops[0][r, c] * ops[1][r, c], abs(ops[0][r, c] * ops[1][r, c])
            assert abs(got - v) <= 2e-3 * scale + 1e-3 * abs(v) + 1e-9, (key, r, c, got, v)
        assert str(tuple(value.shape)) in data["rule"] and len(data["joins"]) == len(ops)


def test_an_entry_picked_in_the_table_is_selected_and_expanded(app):
    app.views["slider"].value = 3  # dW2 (1, 4)
    client_update(app.views["values"], {"entry": [0, 2]})
    assert app.stepper.entry == (0, 2) and app.views["values"].entry == [0, 2]
    assert (app.views["entry"]["row"].value, app.views["entry"]["col"].value) == (0, 2)
    assert r"dW^{[2]}_{0,2}" in expansion_on_screen(app) and shown(app)["error"] == ""
    client_update(app.views["values"], {"entry": [3, 99]})  # out of range: clamped, said
    assert app.stepper.entry == (0, 3) and app.views["values"].entry == [0, 3]
    assert "The row must be from 0 to 0; using 0." in shown(app)["error"]


@pytest.mark.parametrize(
    "state",
    [
        {"entry": None},
        {"entry": [1]},
        {"entry": [1, 2, 3]},
        {"entry": ["0", "x"]},
        {"entry": [1.5, 0]},
        {"entry": {"__class__": "x"}},
        {"entry": "__import__('os')"},
        {"data": {"hidden": False, "rows": [["<img src=x onerror=alert(1)>"]]}},
        {"data": None},
        {"_esm": "export default {render() { alert(1) }}"},
    ],
)
def test_hostile_table_states_are_refused_or_ignored_and_the_app_keeps_working(app, state):
    app.views["slider"].value = 5
    client_update(app.views["values"], {"entry": [2, 3]})
    client_update(app.views["values"], state)  # never raises: refused traits are logged
    assert app.stepper.entry == (2, 3) and shown(app)["error"] == ""
    assert_works(app)
    assert app.views["values"].data == ui.linked_data(app.stepper)  # the kernel's own again


def test_predict_mode_sends_no_numbers_and_no_shapes(app):
    app.views["predict"]["mode"].value = True
    app.views["slider"].value = 3
    data = app.views["values"].data
    assert data["hidden"] and set(data) == {"key", "hidden", "question"}
    assert "(1, 4)" not in data["question"] and "values hidden" in data["question"]


def test_the_stage_label_and_slider_say_the_stage_in_plain_text(app):
    app.views["next"].click()
    label, slider = app.views["label"], app.views["slider"]
    assert label.value == slider.value_text == f"Stage 2 of 9: {app.stepper.stage.title}"
    assert "<" not in label.value  # the browser puts it in as text


def test_long_expansions_are_cut_into_pieces_that_wrap_and_keep_every_term(app):
    app.views["config"]["m"].value = 20
    for k in range(1, 10):
        app.views["slider"].value = k
        e = app.stepper.expansion()
        pieces = ui.latex_pieces(e.numeric)
        assert " ".join(pieces) == e.numeric and len(pieces) >= 2
        assert all(p.count("{") == p.count("}") for p in pieces)
        assert all(f"${p}$" in expansion_on_screen(app) for p in pieces)


def test_the_browser_views_are_small_local_files_with_no_imports():
    js = sorted((REPO / "course_lib" / "widgets" / "js").glob("*.*"))
    assert {p.name for p in js} >= {
        "linked_tables.js",
        "linked_tables.css",
        "stage_label.js",
        "stage_slider.js",
        "app.css",
    }
    for path in js:
        source = path.read_text()
        assert len(source.splitlines()) < 300, path.name
        assert "://" not in source and not re.search(
            r"^\s*import\b|\bimport\(", source, re.MULTILINE
        ), path.name
        assert not re.search(r"innerHTML|insertAdjacentHTML|eval\(|new Function", source)
    for cls in (ui.LinkedTables, ui.StageLabel, ui.StageSlider):
        assert "export default" in str(cls._esm)  # read from the file, not a URL
