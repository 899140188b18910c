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

from course_lib.stepper import N_STAGES
from course_lib.widgets import render, render_linked, render_student
from course_lib.widgets.browser_views import LinkedTables, StageLabel
from course_lib.widgets.view_parts import Frame, classed, full_width
from course_lib.widgets.views_controls import (
    config_view,
    entry_expansions,
    entry_sends,
    entry_view,
    mistake_view,
    next_view,
    predict_view,
    previous_view,
    slider_view,
    update_config,
    update_entry,
    update_mistake,
    update_next,
    update_predict,
    update_previous,
    update_slider,
)

__all__ = [
    "VIEWS",
    "Frame",
    "View",
    "build_views",
    "checks_view",
    "config_view",
    "entry_view",
    "equation_views",
    "error_view",
    "graph_view",
    "layout",
    "mistake_note_view",
    "mistake_view",
    "next_view",
    "notes_view",
    "predict_view",
    "previous_view",
    "slider_view",
    "stage_label_view",
    "stopped_view",
    "student_summary_view",
    "student_view",
    "values_view",
]

# ----------------------------------------------------------------------------- the stage


def _set_value(widget, value, frame: Frame) -> None:
    widget.value = value


def _show(widget, visible: bool, css_class: str) -> None:
    """Show one of a set of per-stage widgets: only the one on screen has ``css_class``
    (``add_class`` and ``remove_class`` change nothing when it already has, or lacks, it).

    A shown widget's display is "" (the CSS default), never None: in a browser tab
    (Pyodide) None reaches the page as nothing at all, and the widget would stay hidden."""
    widget.layout.display = "" if visible else "none"
    if visible:
        widget.add_class(css_class)
    else:
        widget.remove_class(css_class)


def stage_label_view() -> StageLabel:
    """The stage title, "Stage N of 9: ...", a heading in a live region (CSS class
    ``stage-label``)."""
    return classed(StageLabel(layout=full_width()), "stage-label")


def graph_view() -> widgets.HTML:
    """The computation graph: one widget whose ``<img>`` (with alt text) changes per stage."""
    return classed(
        widgets.HTML(layout=widgets.Layout(width="100%", max_width="660px")), "stage-graph"
    )


def equation_views() -> list:
    """One ``HTMLMath`` per stage for the slide's equation beside the assignment's line,
    each in a box (CSS class ``equation-box``, made a named region in the tab order by the
    stage label's module while a formula wider than a phone scrolls inside it); the box on
    screen carries the CSS class ``stage-equation``.

    The class goes on the box because any change to an ``HTMLMath`` model, its classes
    included, makes the browser typeset it again.
    """
    return [
        classed(
            widgets.VBox(
                [widgets.HTMLMath()], layout=widgets.Layout(display="none", flex="1 1 420px")
            ),
            "equation-box",
        )
        for _ in range(N_STAGES)
    ]


def update_equations(boxes: list, equations: list, frame: Frame) -> None:
    for k, (box, value) in enumerate(zip(boxes, equations, strict=True), start=1):
        box.children[0].value = value
        _show(box, k == frame.stepper.index, "stage-equation")


def _equation_widgets(boxes: list, frame: Frame) -> list:
    current = boxes[frame.stepper.index - 1]
    return [
        current,
        current.layout,
        *boxes,
        *(b.layout for b in boxes),
        *(b.children[0] for b in boxes),
    ]


def values_view() -> LinkedTables:
    """The value matrix with shape and dL/dJ beside its operands, linked under the pointer
    (CSS class ``stage-values``)."""
    return classed(
        LinkedTables(layout=widgets.Layout(flex="2 1 420px", min_width="0")), "stage-values"
    )


def update_values(tables: LinkedTables, data: dict, frame: Frame) -> None:
    tables.data = data
    tables.entry = list(frame.stepper.entry)


def student_view() -> widgets.HTML:
    """The second pass's value at the stage -- the student's, or the mistake's in mistake
    mode -- with its verdict in words (CSS classes ``student-values``, and
    ``student-verdict`` inside); hidden without a second pass."""
    return classed(
        widgets.HTML(layout=widgets.Layout(flex="1 1 360px", display="none")), "student-values"
    )


def mistake_note_view() -> widgets.HTML:
    """The named mistake, title and hint, at the stage where it is made (CSS class
    ``mistake-note``); hidden when no mistake is named."""
    return classed(
        widgets.HTML(layout=widgets.Layout(width="100%", display="none")), "mistake-note"
    )


def student_summary_view() -> widgets.HTML:
    """The second pass in a sentence or two, and what the student's code printed (CSS class
    ``student-summary``); hidden without a second pass."""
    return classed(
        widgets.HTML(layout=widgets.Layout(width="100%", display="none")), "student-summary"
    )


def update_shown(widget: widgets.HTML, content: str, frame: Frame) -> None:
    """Set the content; shown only when there is some."""
    widget.value = content
    widget.layout.display = "" if content else "none"


def _and_layout(widget, frame: Frame) -> list:
    return [widget, widget.layout]


def checks_view() -> widgets.HTML:
    """Slide vs assignment and the finite-difference check (CSS class ``stage-checks``)."""
    return classed(widgets.HTML(layout=widgets.Layout(flex="1 1 320px")), "stage-checks")


def notes_view() -> widgets.HTML:
    """What uses the stage; the saturated demo's explanation (CSS class ``stage-notes``)."""
    return classed(widgets.HTML(layout=full_width()), "stage-notes")


def error_view() -> widgets.HTML:
    """The friendly message area (CSS class ``stage-error``), empty and hidden when fine."""
    return classed(widgets.HTML(layout=widgets.Layout(display="none")), "stage-error")


def update_error(widget: widgets.HTML, message_html: str, frame: Frame) -> None:
    widget.value = message_html
    widget.layout.display = "block" if frame.message else "none"


def stopped_view() -> widgets.HTML:
    """The notice that the app has stopped (CSS class ``app-stopped``): the app's first
    widget, empty and without height until the page has lost its kernel; then its own
    stylesheet shows ``KERNEL_STOPPED`` and dims the widgets after it. The browser alone
    shows it: it has no update."""
    return classed(
        widgets.HTML(render.stopped_html(), layout=widgets.Layout(margin="0px")), "app-stopped"
    )


# ----------------------------------------------------------------------------- the table


def _widgets(built, frame: Frame) -> list:
    """The widgets an update changes, by default all that the view's builder returned."""
    return list(built.values()) if isinstance(built, dict) else [built]


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
    View(
        "equations",
        equation_views,
        update_equations,
        lambda f: [render.equation_html(st) for st in f.stepper.computed.bp.stages],
        _equation_widgets,
    ),
    View("values", values_view, update_values, lambda f: render_linked.linked_data(f.stepper)),
    View(
        "student",
        student_view,
        update_shown,
        lambda f: render_student.student_values_html(f.stepper),
        _and_layout,
    ),
    View("checks", checks_view, _set_value, lambda f: render.checks_html(f.stepper)),
    View(
        "graph",
        graph_view,
        _set_value,
        lambda f: render_student.graph_html(f.graphs[f.stepper.index], f.stepper),
    ),
    View("slider", slider_view, update_slider),
    View("previous", previous_view, update_previous),
    View("next", next_view, update_next),
    View(
        "mistake_note",
        mistake_note_view,
        update_shown,
        lambda f: render_student.mistake_note_html(f.stepper),
        _and_layout,
    ),
    View(
        "summary",
        student_summary_view,
        update_shown,
        lambda f: render_student.student_summary_html(f.stepper),
        _and_layout,
    ),
    View("notes", notes_view, _set_value, lambda f: render.notes_html(f.stepper)),
    View("error", error_view, update_error, lambda f: render.message_html(f.message), _and_layout),
    View("mistake", mistake_view, update_mistake),
    View("config", config_view, update_config),
    View("entry", entry_view, update_entry, entry_expansions, entry_sends),
    View("predict", predict_view, update_predict, lambda f: render.feedback_html(f.stepper)),
    View("stopped", stopped_view),  # no update: the browser shows it when the kernel is gone
)


def build_views() -> dict:
    """Every widget of the app, by view name (built once; never rebuilt)."""
    return {view.name: view.build() for view in VIEWS}


def _panel(title: str, children: list, width: str) -> widgets.VBox:
    heading = widgets.HTML(f'<h3 class="panel-title">{html.escape(title)}</h3>')
    return widgets.VBox(
        [heading, *children],
        layout=widgets.Layout(
            flex=f"1 1 {width}",
            min_width="0",
            border="1px solid #cccccc",
            padding="4px 8px",
            margin="2px",
        ),
    )


def layout(v: dict) -> widgets.VBox:
    """Arrange the views: stage and navigation, the mistake to show, messages, graph and
    equations, values (the reference's linked to its operands, the second pass's) and
    checks, the selected entry's expansion, then the controls in two panels. Everything
    wraps or shrinks: nothing is wider than a 390 px screen. The root has the CSS class
    ``course-app`` (the stage label names it as a region landmark)."""
    wrap = widgets.Layout(flex_flow="row wrap", width="100%", align_items="flex-start")
    e, p = v["entry"], v["predict"]
    expand = _panel(
        "Expand one entry",
        [
            widgets.HTML(
                "Click an entry of the table (or press Enter on it), or type its row and column:"
            ),
            widgets.HBox([e["row"], e["col"]], layout=widgets.Layout(flex_flow="row wrap")),
            e["box"],
        ],
        "100%",
    )
    controls = widgets.HBox(
        [
            _panel("Configuration", list(v["config"].values()), "300px"),
            _panel(
                "Predict, then reveal",
                [
                    p["mode"],
                    p["shape"],
                    p["sign"],
                    widgets.HBox([p["check"], p["reveal"]]),
                    p["feedback"],
                ],
                "300px",
            ),
        ],
        layout=wrap,
    )
    root = widgets.VBox(
        [
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
        ],
        layout=widgets.Layout(width="100%", max_width="1240px"),
    )
    return classed(root, "course-app")
