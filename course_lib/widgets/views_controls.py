"""The views of the controls: navigation (Previous, Next, the Stage slider), the mistake to
show, the configuration, the entry to expand and predict-then-reveal. Each a builder and
an update, as in ``views``; the entry's view also its content (``entry_expansions``) and
what its update sends (``entry_sends``)."""

from __future__ import annotations

import ipywidgets as widgets

from course_lib.activations import HIDDEN_ACTIVATIONS
from course_lib.diagnose import MISTAKES
from course_lib.stepper import M_RANGE, N_STAGES, NO_MISTAKE, SEED_RANGE, SIGNS
from course_lib.widgets import render, render_student
from course_lib.widgets.browser_views import StageSlider
from course_lib.widgets.view_parts import Frame, classed, full_width

WIDE_DESCRIPTION = {"description_width": "initial"}


def _set_bounded(widget, low: int, high: int, value: int) -> None:
    """Restore a bounded widget's range (a client may have changed it) and set its value."""
    if widget.min != low or widget.max != high:
        widget.min = min(low, widget.max)
        widget.max = high
        widget.min = low
    widget.value = value


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
    return classed(
        StageSlider(
            value=1,
            min=1,
            max=N_STAGES,
            description="Stage",
            layout=widgets.Layout(flex="1 1 240px", max_width="420px"),
        ),
        "stage-slider",
    )


def update_slider(slider: StageSlider, _content, frame: Frame) -> None:
    _set_bounded(slider, 1, N_STAGES, frame.stepper.index)
    slider.value_text = render.label_text(frame.stepper)


# ----------------------------------------------------------------------------- the controls


def config_view() -> dict:
    """The configuration controls."""
    return {
        "hidden": widgets.Dropdown(
            options=list(HIDDEN_ACTIVATIONS),
            value="relu",
            description="Hidden activation",
            style=WIDE_DESCRIPTION,
        ),
        "m": widgets.BoundedIntText(
            value=5,
            min=M_RANGE[0],
            max=M_RANGE[1],
            description=f"Examples m ({M_RANGE[0]}-{M_RANGE[1]})",
            style=WIDE_DESCRIPTION,
            layout=widgets.Layout(width="230px"),
        ),
        "seed": widgets.BoundedIntText(
            value=0,
            min=SEED_RANGE[0],
            max=SEED_RANGE[1],
            description=f"Seed ({SEED_RANGE[0]}-{SEED_RANGE[1]})",
            style=WIDE_DESCRIPTION,
            layout=widgets.Layout(width="230px"),
        ),
        "one_over_m": widgets.RadioButtons(
            options=[("in dW, db (the course)", "dW"), ("folded into dZ2", "dZ")],
            value="dW",
            description="1/m lives",
            style=WIDE_DESCRIPTION,
        ),
        "saturate": widgets.Checkbox(
            value=False, description="Saturate the output (|Z2| 25-33)", indent=False
        ),
    }


def mistake_view() -> widgets.Dropdown:
    """The "Show a mistake" control: "none", then every catalogued mistake by its function
    and title; the value is the mistake's id."""
    options = [("none", NO_MISTAKE)] + [(render_student.mistake_label(m), m.id) for m in MISTAKES]
    return widgets.Dropdown(
        options=options,
        value=NO_MISTAKE,
        description="Show a mistake",
        style=WIDE_DESCRIPTION,
        layout=widgets.Layout(width="100%", max_width="900px"),
    )


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
    expansions = [
        widgets.HTMLMath(layout=widgets.Layout(display="none", width="100%"))
        for _ in range(N_STAGES)
    ]
    note = widgets.HTML(
        "<i>The expansion appears with the values.</i>", layout=widgets.Layout(display="none")
    )
    return {
        "row": widgets.BoundedIntText(
            value=0, min=0, max=0, description="Row", layout=widgets.Layout(width="150px")
        ),
        "col": widgets.BoundedIntText(
            value=0, min=0, max=0, description="Column", layout=widgets.Layout(width="150px")
        ),
        "expansions": expansions,
        "hidden_note": note,
        "box": classed(widgets.VBox([*expansions, note], layout=full_width()), "entry-expansion"),
    }


def entry_expansions(frame: Frame) -> list:
    """The entry view's content: the selected entry's expansion at every stage."""
    return [frame.expansion(k) for k in range(1, N_STAGES + 1)]


def update_entry(e: dict, expansions: list, frame: Frame) -> None:
    s = frame.stepper
    rows, cols = s.stage.shape
    _set_bounded(e["row"], 0, rows - 1, s.entry[0])
    _set_bounded(e["col"], 0, cols - 1, s.entry[1])
    for k, (w, value) in enumerate(zip(e["expansions"], expansions, strict=True), start=1):
        w.value = value
        w.layout.display = "" if k == s.index and s.revealed else "none"
    e["hidden_note"].layout.display = "none" if s.revealed else "block"


def entry_sends(e: dict, frame: Frame) -> list:
    """What ``update_entry`` changes, the current stage's expansion first."""
    expansions = e["expansions"]
    return [
        e["row"],
        e["col"],
        expansions[frame.stepper.index - 1],
        *expansions,
        *(w.layout for w in expansions),
        e["hidden_note"],
        e["hidden_note"].layout,
    ]


def predict_view() -> dict:
    """Predict-then-reveal: the mode, the guesses, the buttons and the feedback."""
    return {
        "mode": widgets.Checkbox(
            value=False, description="Predict before each stage is shown", indent=False
        ),
        # Sent once, when the field is left (Tab, Enter): a message per keystroke could be
        # held back by the widget's throttle and reach the kernel after the Check click.
        "shape": widgets.Text(
            value="",
            placeholder="(rows, columns)",
            continuous_update=False,
            description="Predicted shape",
            style=WIDE_DESCRIPTION,
            layout=widgets.Layout(width="260px"),
        ),
        "sign": widgets.Dropdown(
            options=[("(no guess)", "")] + [(s, s) for s in SIGNS],
            value="",
            description="Sign of the entry",
            style=WIDE_DESCRIPTION,
            layout=widgets.Layout(width="260px"),
        ),
        "check": widgets.Button(description="Check my prediction"),
        "reveal": widgets.Button(description="Reveal"),
        "feedback": classed(widgets.HTML(layout=full_width()), "stage-feedback"),
    }


def update_predict(p: dict, feedback: str, frame: Frame) -> None:
    s = frame.stepper
    p["mode"].value = s.state.predict_mode
    p["shape"].disabled = p["sign"].disabled = p["check"].disabled = (
        not s.state.predict_mode or s.state.prediction.revealed
    )
    p["reveal"].disabled = s.revealed
    p["feedback"].value = feedback
    if frame.moved:
        p["shape"].value, p["sign"].value = "", ""
