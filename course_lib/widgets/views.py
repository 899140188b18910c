"""The views: each a builder that returns its widget(s) once and an update that pushes new
content into them; ``VIEWS`` lists them in the order their updates reach the browser.

A refresh first computes every view's ``content`` from a ``Frame`` (pure: a failure there
leaves the screen as it was), then calls every ``update`` inside one ``hold_sync`` per
widget, in the order of ``VIEWS``. Nothing is rebuilt per click.

Typesetting LaTeX costs the browser about 50 ms per updated ``HTMLMath``, more than
everything else a click does, so the equations and the entry's expansion get one
``HTMLMath`` per stage, typeset when their content changes (page load, a new configuration
or entry), and a click only shows one and hides the others.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, NamedTuple

import ipywidgets as widgets

from course_lib.activations import HIDDEN_ACTIVATIONS
from course_lib.diagnose import MISTAKES
from course_lib.stepper import M_RANGE, N_STAGES, NO_MISTAKE, SEED_RANGE, SIGNS, Stepper
from course_lib.widgets import render, render_linked, render_student
from course_lib.widgets.browser_views import LinkedTables, StageLabel, StageSlider

WIDE_DESCRIPTION = {"description_width": "initial"}


class Frame(NamedTuple):
    """What one refresh shows: the views' contents are computed from this alone."""

    stepper: Stepper
    message: str  # for the error area, "" for none
    graphs: dict  # stage index -> the graph's <img> HTML
    expansion: Callable[[int], str]  # stage index -> its entry's expansion HTML (cached)
    moved: bool  # a stage or configuration not on screen before: the guesses are cleared


def _full_width() -> widgets.Layout:
    return widgets.Layout(width="100%")


def _classed(widget, *classes):
    for name in classes:
        widget.add_class(name)
    return widget


def _widgets(built, frame: Frame) -> list:
    """The widgets an update changes, by default all that the view's builder returned."""
    return list(built.values()) if isinstance(built, dict) else [built]


def _set_value(widget, value, frame: Frame) -> None:
    widget.value = value


def _show(widget, visible: bool, css_class: str) -> None:
    """Show one of a set of per-stage widgets: only the one on screen has ``css_class``."""
    widget.layout.display = None if visible else "none"
    if visible and css_class not in widget._dom_classes:
        widget.add_class(css_class)
    elif not visible and css_class in widget._dom_classes:
        widget.remove_class(css_class)


def _set_bounded(widget, low: int, high: int, value: int) -> None:
    """Restore a bounded widget's range (a client may have changed it) and set its value."""
    if widget.min != low or widget.max != high:
        widget.min = min(low, widget.max)
        widget.max = high
        widget.min = low
    widget.value = value


# ----------------------------------------------------------------------------- the stage


def stage_label_view() -> StageLabel:
    """The stage title, "Stage N of 9: ...", a heading in a live region (CSS class
    ``stage-label``)."""
    return _classed(StageLabel(layout=_full_width()), "stage-label")


def graph_view() -> widgets.HTML:
    """The computation graph: one widget whose ``<img>`` (with alt text) changes per stage."""
    return _classed(widgets.HTML(layout=widgets.Layout(width="100%", max_width="660px")),
                    "stage-graph")


def equation_views() -> list:
    """One ``HTMLMath`` per stage for the slide's equation beside the assignment's line,
    each in a box; the box on screen carries the CSS class ``stage-equation``.

    The class goes on the box because any change to an ``HTMLMath`` model, its classes
    included, makes the browser typeset it again.
    """
    return [widgets.VBox([widgets.HTMLMath()],
                         layout=widgets.Layout(display="none", flex="1 1 420px"))
            for _ in range(N_STAGES)]


def update_equations(boxes: list, equations: list, frame: Frame) -> None:
    for k, (box, value) in enumerate(zip(boxes, equations, strict=True), start=1):
        box.children[0].value = value
        _show(box, k == frame.stepper.index, "stage-equation")


def _equation_widgets(boxes: list, frame: Frame) -> list:
    current = boxes[frame.stepper.index - 1]
    return [current, current.layout, *boxes, *(b.layout for b in boxes),
            *(b.children[0] for b in boxes)]


def values_view() -> LinkedTables:
    """The value matrix with shape and dL/dJ beside its operands, linked under the pointer
    (CSS class ``stage-values``)."""
    return _classed(LinkedTables(layout=widgets.Layout(flex="1 1 420px", min_width="0")),
                    "stage-values")


def update_values(tables: LinkedTables, data: dict, frame: Frame) -> None:
    tables.data = data
    tables.entry = list(frame.stepper.entry)


def student_view() -> widgets.HTML:
    """The second pass's value at the stage -- the student's, or the mistake's in mistake
    mode -- with its verdict in words (CSS classes ``student-values``, and
    ``student-verdict`` inside); hidden without a second pass."""
    return _classed(widgets.HTML(layout=widgets.Layout(flex="1 1 360px", display="none")),
                    "student-values")


def mistake_note_view() -> widgets.HTML:
    """The named mistake, title and hint, at the stage where it is made (CSS class
    ``mistake-note``); hidden when no mistake is named."""
    return _classed(widgets.HTML(layout=widgets.Layout(width="100%", display="none")),
                    "mistake-note")


def student_summary_view() -> widgets.HTML:
    """The second pass in a sentence or two, and what the student's code printed (CSS class
    ``student-summary``); hidden without a second pass."""
    return _classed(widgets.HTML(layout=widgets.Layout(width="100%", display="none")),
                    "student-summary")


def update_shown(widget: widgets.HTML, content: str, frame: Frame) -> None:
    """Set the content; shown only when there is some."""
    widget.value = content
    widget.layout.display = None if content else "none"


def _and_layout(widget, frame: Frame) -> list:
    return [widget, widget.layout]


def checks_view() -> widgets.HTML:
    """Slide vs assignment and the finite-difference check (CSS class ``stage-checks``)."""
    return _classed(widgets.HTML(layout=widgets.Layout(flex="1 1 320px")), "stage-checks")


def notes_view() -> widgets.HTML:
    """What uses the stage; the saturated demo's explanation (CSS class ``stage-notes``)."""
    return _classed(widgets.HTML(layout=_full_width()), "stage-notes")


def error_view() -> widgets.HTML:
    """The friendly message area (CSS class ``stage-error``), empty and hidden when fine."""
    return _classed(widgets.HTML(layout=widgets.Layout(display="none")), "stage-error")


def update_error(widget: widgets.HTML, message_html: str, frame: Frame) -> None:
    widget.value = message_html
    widget.layout.display = "block" if frame.message else "none"


def stopped_view() -> widgets.HTML:
    """The notice that the app has stopped (CSS class ``app-stopped``): the app's first
    widget, empty and without height until the page has lost its kernel; then its own
    stylesheet shows ``KERNEL_STOPPED`` and dims the widgets after it. The browser alone
    shows it: it has no update."""
    return _classed(widgets.HTML(render.stopped_html(), layout=widgets.Layout(margin="0px")),
                    "app-stopped")


# ----------------------------------------------------------------------------- navigation


def previous_view() -> widgets.Button:
    """The "Previous" button (text, no icon), disabled at the first stage."""
    return widgets.Button(description="Previous", tooltip="Go back one stage")


def update_previous(button: widgets.Button, _content, frame: Frame) -> None:
    button.disabled = frame.stepper.index == 1


def next_view() -> widgets.Button:
    """The "Next" button (text, no icon), disabled at the last stage."""
    return widgets.Button(description="Next", tooltip="Go on one stage", button_style="primary")


def update_next(button: widgets.Button, _content, frame: Frame) -> None:
    button.disabled = frame.stepper.index == N_STAGES


def slider_view() -> StageSlider:
    """The "Stage" slider, 1 to 9 (a labelled range input)."""
    return _classed(StageSlider(value=1, min=1, max=N_STAGES, description="Stage",
                                layout=widgets.Layout(flex="1 1 240px", max_width="420px")),
                    "stage-slider")


def update_slider(slider: StageSlider, _content, frame: Frame) -> None:
    _set_bounded(slider, 1, N_STAGES, frame.stepper.index)
    slider.value_text = render.label_text(frame.stepper)


# ----------------------------------------------------------------------------- the controls


def config_view() -> dict:
    """The configuration controls."""
    return {
        "hidden": widgets.Dropdown(options=list(HIDDEN_ACTIVATIONS), value="relu",
                                   description="Hidden activation", style=WIDE_DESCRIPTION),
        "m": widgets.BoundedIntText(value=5, min=M_RANGE[0], max=M_RANGE[1],
                                    description=f"Examples m ({M_RANGE[0]}-{M_RANGE[1]})",
                                    style=WIDE_DESCRIPTION,
                                    layout=widgets.Layout(width="230px")),
        "seed": widgets.BoundedIntText(value=0, min=SEED_RANGE[0], max=SEED_RANGE[1],
                                       description=f"Seed ({SEED_RANGE[0]}-{SEED_RANGE[1]})",
                                       style=WIDE_DESCRIPTION,
                                       layout=widgets.Layout(width="230px")),
        "one_over_m": widgets.RadioButtons(
            options=[("in dW, db (the course)", "dW"), ("folded into dZ2", "dZ")], value="dW",
            description="1/m lives", style=WIDE_DESCRIPTION),
        "saturate": widgets.Checkbox(value=False, description="Saturate the output (|Z2| 25-33)",
                                     indent=False),
    }


def mistake_view() -> widgets.Dropdown:
    """The "Show a mistake" control: "none", then every catalogued mistake by its function
    and title; the value is the mistake's id."""
    options = [("none", NO_MISTAKE)] + [(render_student.mistake_label(m), m.id)
                                        for m in MISTAKES]
    return widgets.Dropdown(options=options, value=NO_MISTAKE, description="Show a mistake",
                            style=WIDE_DESCRIPTION,
                            layout=widgets.Layout(width="100%", max_width="900px"))


def update_mistake(dropdown: widgets.Dropdown, _content, frame: Frame) -> None:
    dropdown.value = frame.stepper.state.mistake or NO_MISTAKE


def update_config(c: dict, _content, frame: Frame) -> None:
    config = frame.stepper.config
    c["hidden"].value = config.hidden
    _set_bounded(c["m"], *M_RANGE, config.m)
    _set_bounded(c["seed"], *SEED_RANGE, config.seed)
    c["one_over_m"].value = config.one_over_m
    c["saturate"].value = config.saturate


def entry_view() -> dict:
    """Row and column of the entry to expand (a second way in, beside the value table);
    one expansion (``HTMLMath``) per stage and the note shown instead while the values are
    hidden, together in a box with the CSS class ``entry-expansion``."""
    expansions = [widgets.HTMLMath(layout=widgets.Layout(display="none", width="100%"))
                  for _ in range(N_STAGES)]
    note = widgets.HTML("<i>The expansion appears with the values.</i>",
                        layout=widgets.Layout(display="none"))
    return {
        "row": widgets.BoundedIntText(value=0, min=0, max=0, description="Row",
                                      layout=widgets.Layout(width="150px")),
        "col": widgets.BoundedIntText(value=0, min=0, max=0, description="Column",
                                      layout=widgets.Layout(width="150px")),
        "expansions": expansions,
        "hidden_note": note,
        "box": _classed(widgets.VBox([*expansions, note], layout=_full_width()),
                        "entry-expansion"),
    }


def _expansions(frame: Frame) -> list:
    return [frame.expansion(k) for k in range(1, N_STAGES + 1)]


def update_entry(e: dict, expansions: list, frame: Frame) -> None:
    s = frame.stepper
    rows, cols = s.stage.shape
    _set_bounded(e["row"], 0, rows - 1, s.entry[0])
    _set_bounded(e["col"], 0, cols - 1, s.entry[1])
    for k, (w, value) in enumerate(zip(e["expansions"], expansions, strict=True), start=1):
        w.value = value
        w.layout.display = None if k == s.index and s.revealed else "none"
    e["hidden_note"].layout.display = "none" if s.revealed else "block"


def _entry_widgets(e: dict, frame: Frame) -> list:
    expansions = e["expansions"]
    return [e["row"], e["col"], expansions[frame.stepper.index - 1], *expansions,
            *(w.layout for w in expansions), e["hidden_note"], e["hidden_note"].layout]


def predict_view() -> dict:
    """Predict-then-reveal: the mode, the guesses, the buttons and the feedback."""
    return {
        "mode": widgets.Checkbox(value=False, description="Predict before each stage is shown",
                                 indent=False),
        # Sent once, when the field is left (Tab, Enter): a message per keystroke could be
        # held back by the widget's throttle and reach the kernel after the Check click.
        "shape": widgets.Text(value="", placeholder="(rows, columns)", continuous_update=False,
                              description="Predicted shape", style=WIDE_DESCRIPTION,
                              layout=widgets.Layout(width="260px")),
        "sign": widgets.Dropdown(options=[("(no guess)", "")] + [(s, s) for s in SIGNS],
                                 value="", description="Sign of the entry",
                                 style=WIDE_DESCRIPTION, layout=widgets.Layout(width="260px")),
        "check": widgets.Button(description="Check my prediction"),
        "reveal": widgets.Button(description="Reveal"),
        "feedback": _classed(widgets.HTML(layout=_full_width()), "stage-feedback"),
    }


def update_predict(p: dict, feedback: str, frame: Frame) -> None:
    s = frame.stepper
    p["mode"].value = s.state.predict_mode
    p["shape"].disabled = p["sign"].disabled = p["check"].disabled = \
        not s.state.predict_mode or s.state.prediction.revealed
    p["reveal"].disabled = s.revealed
    p["feedback"].value = feedback
    if frame.moved:
        p["shape"].value, p["sign"].value = "", ""


# ----------------------------------------------------------------------------- the table


class View(NamedTuple):
    """One part of the screen, under ``name`` in the app's ``views``.

    ``build()`` returns its widget(s), made once; ``content(frame)`` computes what it will
    show (pure; None for a view that shows the state as it is); ``update(widgets, content,
    frame)`` pushes that in; ``sends(widgets, frame)`` lists the widgets and layouts the
    update changes, in the order their messages should leave.
    """

    name: str
    build: Callable[[], Any]
    update: Callable[[Any, Any, Frame], None] | None = None
    content: Callable[[Frame], Any] | None = None
    sends: Callable[[Any, Frame], list] = _widgets


# The send order: every view, in the order its update reaches the browser. The stage title
# first: it is what a click waits for, and it alone leaves before the rest is computed. Then
# what changes with the stage, then the controls. Adding a view is one entry here (and a
# place in ``layout``; a control also gets its handler in ``wire``).
VIEWS = (
    View("label", stage_label_view, _set_value, lambda f: render.label_text(f.stepper)),
    View("equations", equation_views, update_equations,
         lambda f: [render.equation_html(st) for st in f.stepper.computed.bp.stages],
         _equation_widgets),
    View("values", values_view, update_values, lambda f: render_linked.linked_data(f.stepper)),
    View("student", student_view, update_shown,
         lambda f: render_student.student_values_html(f.stepper), _and_layout),
    View("checks", checks_view, _set_value, lambda f: render.checks_html(f.stepper)),
    View("graph", graph_view, _set_value,
         lambda f: render_student.graph_html(f.graphs[f.stepper.index], f.stepper)),
    View("slider", slider_view, update_slider),
    View("previous", previous_view, update_previous),
    View("next", next_view, update_next),
    View("mistake_note", mistake_note_view, update_shown,
         lambda f: render_student.mistake_note_html(f.stepper), _and_layout),
    View("summary", student_summary_view, update_shown,
         lambda f: render_student.student_summary_html(f.stepper), _and_layout),
    View("notes", notes_view, _set_value, lambda f: render.notes_html(f.stepper)),
    View("error", error_view, update_error, lambda f: render.message_html(f.message),
         _and_layout),
    View("mistake", mistake_view, update_mistake),
    View("config", config_view, update_config),
    View("entry", entry_view, update_entry, _expansions, _entry_widgets),
    View("predict", predict_view, update_predict, lambda f: render.feedback_html(f.stepper)),
    View("stopped", stopped_view),  # no update: the browser shows it when the kernel is gone
)


def build_views() -> dict:
    """Every widget of the app, by view name (built once; never rebuilt)."""
    return {view.name: view.build() for view in VIEWS}


def _panel(title: str, children: list, width: str) -> widgets.VBox:
    heading = widgets.HTML(f'<h3 class="panel-title">{html.escape(title)}</h3>')
    return widgets.VBox([heading, *children], layout=widgets.Layout(
        flex=f"1 1 {width}", min_width="0", border="1px solid #cccccc", padding="4px 8px",
        margin="2px"))


def layout(v: dict) -> widgets.VBox:
    """Arrange the views: stage and navigation, the mistake to show, messages, graph and
    equations, values (the reference's linked to its operands, the second pass's) and
    checks, the selected entry's expansion, then the controls in two panels. Everything
    wraps or shrinks: nothing is wider than a 390 px screen. The root has the CSS class
    ``course-app`` (the stage label names it as a region landmark)."""
    wrap = widgets.Layout(flex_flow="row wrap", width="100%", align_items="flex-start")
    e, p = v["entry"], v["predict"]
    expand = _panel("Expand one entry", [
        widgets.HTML("Click an entry of the table (or press Enter on it), or type its row "
                     "and column:"),
        widgets.HBox([e["row"], e["col"]], layout=widgets.Layout(flex_flow="row wrap")),
        e["box"]], "100%")
    controls = widgets.HBox([
        _panel("Configuration", list(v["config"].values()), "300px"),
        _panel("Predict, then reveal", [p["mode"], p["shape"], p["sign"],
                                        widgets.HBox([p["check"], p["reveal"]]), p["feedback"]],
               "300px"),
    ], layout=wrap)
    root = widgets.VBox([
        v["stopped"],
        v["label"],
        widgets.HBox([v["previous"], v["next"], v["slider"]], layout=wrap),
        v["mistake"],
        v["error"],
        v["mistake_note"],
        widgets.HBox([v["graph"], *v["equations"]], layout=wrap),
        widgets.HBox([v["values"], v["student"], v["checks"]], layout=wrap),
        expand,
        v["summary"],
        v["notes"],
        controls,
    ], layout=widgets.Layout(width="100%", max_width="1240px"))
    return _classed(root, "course-app")
