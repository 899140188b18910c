"""The stepper's user interface: thin ipywidgets views over ``course_lib.stepper``.

``app()`` returns the whole UI (the voila app's one call). Inside:

- pure functions turn the stepper's state into text and HTML (``label_text``,
  ``equation_html``, ``values_html``, ``checks_html``, ...);
- one function per view builds a widget (``stage_label_view``, ``values_view``, ...);
- ``wire`` connects the controls to the state machine; every handler reads
  ``change["new"]``, passes it to a validating setter, and refreshes the views;
- ``StepperApp.refresh`` pushes the state into the widgets, batched with ``hold_sync``.

Nothing is rebuilt per click: the graph images are drawn once per machine (kept on disk
by ``graph_images``, so a new page's kernel shows the app sooner) and every view is
updated in place. Typesetting LaTeX costs the browser about 50 ms per updated
``HTMLMath``, more than everything else a click does, so the equations and the entry's
expansion get one ``HTMLMath`` per stage, typeset when their content changes (page load,
a new configuration or entry), and a click only shows one and hides the others. Errors
inside a handler are logged (with the traceback) to the kernel's log and shown to the
student as one short sentence in the error area.

DOM contract (the browser tests rely on it): an ``HTML`` with class ``stage-label``
("Stage N of 9: <title>"); exactly one element with class ``stage-equation`` at a time,
the box holding the current stage's ``HTMLMath`` (slide | assignment); an ``HTML`` with
class ``stage-values`` ("shape (r, c)" and "dL: ..." or "dJ: ..."); an ``HTML`` with class
``stage-checks`` ("max |slide - assignment|" and "finite-difference relative error");
an ``HTML`` with class ``stage-error``, empty and hidden unless there is a message;
buttons described exactly "Previous" and "Next" (text, no icons); an ``IntSlider``
"Stage" (1-9); a ``Dropdown`` "Hidden activation" (relu, tanh, sigmoid); an ``HTML`` with
class ``app-stopped`` whose ``role="alert"`` text (``KERNEL_STOPPED``) is hidden until the
page has lost its kernel.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import importlib.metadata
import importlib.util
import json
import logging
import os
import tempfile
from pathlib import Path

import ipywidgets as widgets

from course_lib.activations import HIDDEN_ACTIVATIONS
from course_lib.derivation import Expansion
from course_lib.stages import Stage
from course_lib.stepper import (
    M_RANGE,
    N_STAGES,
    SEED_RANGE,
    SIGNS,
    Stepper,
    finite_difference_note,
)

FRIENDLY_ERROR = ("Something went wrong while updating this view. The app is still working: "
                  "try another step or setting.")
KERNEL_STOPPED = "The app has stopped (its kernel ended). Reload the page to start again."
EXPANSION_CACHE = 256
# Palette size of the graph images: each click sends one, and 32 colours look the same as
# the full-colour render at a quarter of the bytes (figures.png_bytes).
GRAPH_COLORS = 32
WIDE_DESCRIPTION = {"description_width": "initial"}

_log = logging.getLogger(__name__)


def kernel_logger() -> logging.Logger:
    """The running kernel's logger (the server's log, never the page), else this module's."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        log = getattr(kernel, "log", None)
        if isinstance(log, logging.Logger):
            return log
    except Exception:  # no IPython, or a shell without a kernel
        pass
    return _log


# ----------------------------------------------------------------------------- text and HTML


def label_text(stepper: Stepper) -> str:
    """``"Stage N of 9: <title>"``."""
    return f"Stage {stepper.index} of {N_STAGES}: {stepper.stage.title}"


def label_html(stepper: Stepper) -> str:
    """The stage title as the ``stage-label`` widget shows it."""
    return f"<h3 style='margin:0.2em 0'>{html.escape(label_text(stepper))}</h3>"


def _kind_text(kind: str, m: int) -> str:
    if kind == "dL":
        return "dL: per-example gradient (one column per example, not averaged)"
    return f"dJ: averaged over the m = {m} examples (1/m applied)"


def equation_html(stage: Stage) -> str:
    """The slide's equation and the assignment's line side by side (LaTeX for HTMLMath)."""
    if stage.slide_latex is None:
        slide = f"<i>{html.escape(stage.slide_note)}</i>"
    else:
        slide = f"${stage.slide_latex}$<br><small>{html.escape(stage.slide_note)}</small>"
        if stage.slide_kind != stage.kind:
            slide += ("<br><small>With 1/m folded into dZ2 the slide's array is the average "
                      f"dJ, 1/m times the assignment's {stage.key}.</small>")
    code = html.escape(stage.assignment_code)
    function = html.escape(stage.assignment_function)
    forward = html.escape(stage.forward_line)
    return (
        '<table style="width:100%; table-layout:fixed; border-collapse:collapse">'
        '<tr><th style="text-align:left; width:50%">The slide (six equations)</th>'
        '<th style="text-align:left">The assignment (activation step + linear step)</th></tr>'
        f'<tr><td style="vertical-align:top; padding-right:1em">{slide}</td>'
        f'<td style="vertical-align:top">${stage.math_latex}$<br>'
        f"<code>{code}</code><br><small>computed by <code>{function}</code></small></td></tr>"
        f'<tr><td colspan="2"><small>reverses the forward line <code>{forward}</code>'
        "</small></td></tr></table>"
    )


def values_html(stepper: Stepper) -> str:
    """The stage's matrix as a table with its shape and whether it is dL or dJ.

    In predict mode, before the reveal, only the question is shown (not the shape).
    """
    stage, entry = stepper.stage, stepper.entry
    if not stepper.revealed:
        return (f"<b>{stage.key}</b>: values hidden until you predict. What shape does "
                f"{stage.key} have, and what sign has its entry [{entry[0]}, {entry[1]}]? "
                "Check your prediction, or press Reveal.")
    rows = []
    for r, row in enumerate(stage.value):
        cells = []
        for c, v in enumerate(row):
            mark = _CELL + ("; outline:3px solid black; font-weight:bold" if (r, c) == entry
                            else "")
            cells.append(f'<td style="{mark}">{v:.4g}</td>')
        rows.append(f'<tr><th style="{_HEAD}">{r}</th>{"".join(cells)}</tr>')
    header = "".join(f'<th style="{_HEAD}">{c}</th>' for c in range(stage.shape[1]))
    caption = (f"<b>{stage.key}</b>, shape {stage.shape}; "
               f"{_kind_text(stage.kind, stepper.config.m)}")
    return (f"<div>{caption}</div>"
            '<table class="stage-matrix" style="border-collapse:collapse; font-family:monospace;'
            ' margin:4px 0"><tr><th></th>' + header + "</tr>" + "".join(rows) + "</table>"
            f"<small>rows: {html.escape(_row_meaning(stage.key))}; columns: "
            f"{html.escape(_column_meaning(stage.key))}; the outlined entry is "
            f"[{entry[0]}, {entry[1]}]</small>")


_CELL = "border:1px solid #bbbbbb; padding:2px 8px; text-align:right"
_HEAD = "padding:2px 8px; color:#555555; font-weight:normal"


def _row_meaning(key: str) -> str:
    return {"2": "output units", "1": "hidden units", "0": "input features"}[key[-1]]


def _column_meaning(key: str) -> str:
    if key[1] in "AZ":
        return "examples"
    if key[1] == "b":
        return "one column (a bias per unit)"
    return "hidden units (A1 rows)" if key.endswith("2") else "input features (X rows)"


def checks_html(stepper: Stepper) -> str:
    """Slide vs assignment (max |difference|) and the finite-difference relative error."""
    stage = stepper.stage
    if stage.max_abs_diff is None:
        diff = (f"max |slide - assignment|: not applicable, the slide does not compute "
                f"{stage.key}")
    else:
        scaled = " (the slide's dJ times m)" if stage.slide_kind != stage.kind else ""
        diff = f"max |slide - assignment| = {stage.max_abs_diff:.2e}{scaled}"
    fd = finite_difference_note(stage, stepper.relative_error)
    return (f"<div>{html.escape(diff)}</div>"
            f"<div>finite-difference relative error: {html.escape(fd)}</div>")


def notes_html(stepper: Stepper) -> str:
    """What uses the stage, and the saturated demo's explanation when it is on."""
    stage = stepper.stage
    used = (f"Used by: {stage.used_by}." if stage.used_by else
            f"Used by: nothing. {stage.key} is the generic linear_backward's dA_prev; no "
            "parameter sits below X, so the value is thrown away.")
    parts = [f"<div>{html.escape(used)} Hidden activation g = "
             f"{html.escape(stepper.config.hidden)}.</div>"]
    if stepper.explanation:
        parts.append(f'<div style="border-left:4px solid #E69F00; padding-left:0.5em">'
                     f"<b>Saturated output (not an error).</b> "
                     f"{html.escape(stepper.explanation)}</div>")
    for note in stage.notes:
        parts.append(f"<div><small>Warning recorded while computing {stage.key}: "
                     f"{html.escape(note)}</small></div>")
    return "".join(parts)


def expansion_html(e: Expansion) -> str:
    """An entry as an index-notation sum with its numbers (LaTeX for HTMLMath)."""
    return (f"$${e.symbolic}$$ $${e.numeric}$$"
            f"<div>matrix entry {e.key}[{e.index[0]}, {e.index[1]}] = {e.matrix_value:.6g}; "
            f"|sum - entry| = {e.difference:.1e}</div>")


def feedback_html(stepper: Stepper) -> str:
    """The predict-then-reveal feedback, or the instruction when predict mode is on."""
    state = stepper.state
    if not state.predict_mode:
        return ""
    if state.prediction.feedback:
        return f"<div>{html.escape(state.prediction.feedback)}</div>"
    if state.prediction.revealed:
        return "<div>Revealed without a prediction.</div>"
    r, c = stepper.entry
    return ("<div>Predict the shape (for example <code>(4, 5)</code>) and the sign of entry "
            f"[{r}, {c}] (pick another with Row and Column), then press Check my prediction."
            "</div>")


def message_html(message: str) -> str:
    """A friendly message for the error area ("" for none)."""
    if not message:
        return ""
    return f'<div role="alert" style="color:#A03C00"><b>Note:</b> {html.escape(message)}</div>'


# ----------------------------------------------------------------------------- views


def _full_width() -> widgets.Layout:
    return widgets.Layout(width="100%")


def _classed(widget, *classes):
    for name in classes:
        widget.add_class(name)
    return widget


def stage_label_view() -> widgets.HTML:
    """The stage title, "Stage N of 9: ..." (CSS class ``stage-label``)."""
    return _classed(widgets.HTML(layout=_full_width()), "stage-label")


def navigation_view() -> tuple:
    """The "Previous" and "Next" buttons (text, no icons) and the stage slider."""
    previous = widgets.Button(description="Previous", tooltip="Go back one stage")
    next_ = widgets.Button(description="Next", tooltip="Go on one stage", button_style="primary")
    slider = widgets.IntSlider(value=1, min=1, max=N_STAGES, description="Stage",
                               continuous_update=True,
                               layout=widgets.Layout(width="420px"))
    return previous, next_, slider


def graph_view() -> widgets.HTML:
    """The computation graph: one widget whose ``<img>`` (with alt text) changes per stage."""
    return _classed(widgets.HTML(layout=widgets.Layout(width="660px")), "stage-graph")


def equation_views() -> list:
    """One ``HTMLMath`` per stage for the slide's equation beside the assignment's line,
    each in a box; the box on screen carries the CSS class ``stage-equation``.

    The class goes on the box because any change to an ``HTMLMath`` model, its classes
    included, makes the browser typeset it again.
    """
    return [widgets.VBox([widgets.HTMLMath()],
                         layout=widgets.Layout(display="none", flex="1 1 420px"))
            for _ in range(N_STAGES)]


def values_view() -> widgets.HTML:
    """The value matrix with shape and dL/dJ (CSS class ``stage-values``)."""
    return _classed(widgets.HTML(layout=widgets.Layout(flex="1 1 420px")), "stage-values")


def checks_view() -> widgets.HTML:
    """Slide vs assignment and the finite-difference check (CSS class ``stage-checks``)."""
    return _classed(widgets.HTML(layout=widgets.Layout(flex="1 1 320px")), "stage-checks")


def notes_view() -> widgets.HTML:
    """What uses the stage; the saturated demo's explanation (CSS class ``stage-notes``)."""
    return _classed(widgets.HTML(layout=_full_width()), "stage-notes")


def error_view() -> widgets.HTML:
    """The friendly message area (CSS class ``stage-error``), empty and hidden when fine."""
    return _classed(widgets.HTML(layout=widgets.Layout(display="none")), "stage-error")


# The kernel cannot announce its own death, so the browser alone shows the notice: when the
# kernel behind the page restarts or dies, ipywidgets gives every widget view the class
# jupyter-widgets-disconnected (the widgets' state died with the kernel, and nothing the page
# sends reaches the app any more). Then the notice appears above the app and the rest of the
# app is dimmed and stops taking clicks. Only in voila (body[data-voila]): in JupyterLab the
# cure is to run the notebook again, not to reload the page.
_STOPPED_CSS = """
.app-stopped-text { display: none; }
body[data-voila] .app-stopped.jupyter-widgets-disconnected .app-stopped-text {
  display: block; margin: 4px 0 8px; padding: 12px 16px; font-size: 16px; line-height: 1.4;
  color: #5C2600; background: #FFF3CD; border: 2px solid #A03C00; border-radius: 4px;
}
body[data-voila] .app-stopped.jupyter-widgets-disconnected ~ * {
  opacity: 0.4; pointer-events: none;
}
.app-stopped.jupyter-widgets-disconnected::before { content: none; }
"""


def stopped_view() -> widgets.HTML:
    """The notice that the app has stopped (CSS class ``app-stopped``): the app's first
    widget, empty and without height until the page has lost its kernel; then its own
    stylesheet shows ``KERNEL_STOPPED`` and dims the widgets after it."""
    return _classed(
        widgets.HTML(f"<style>{_STOPPED_CSS}</style>"
                     f'<div class="app-stopped-text" role="alert">{html.escape(KERNEL_STOPPED)}'
                     "</div>", layout=widgets.Layout(margin="0px")),
        "app-stopped")


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


def entry_view() -> dict:
    """Row and column of the entry to expand; one expansion (``HTMLMath``) per stage, and
    the note shown instead while the values are hidden."""
    return {
        "row": widgets.BoundedIntText(value=0, min=0, max=0, description="Row",
                                      layout=widgets.Layout(width="150px")),
        "col": widgets.BoundedIntText(value=0, min=0, max=0, description="Column",
                                      layout=widgets.Layout(width="150px")),
        "expansions": [widgets.HTMLMath(layout=widgets.Layout(display="none", width="100%"))
                       for _ in range(N_STAGES)],
        "hidden_note": widgets.HTML("<i>The expansion appears with the values.</i>",
                                    layout=widgets.Layout(display="none")),
    }


def predict_view() -> dict:
    """Predict-then-reveal: the mode, the guesses, the buttons and the feedback."""
    return {
        "mode": widgets.Checkbox(value=False, description="Predict before each stage is shown",
                                 indent=False),
        "shape": widgets.Text(value="", placeholder="(rows, columns)",
                              description="Predicted shape", style=WIDE_DESCRIPTION,
                              layout=widgets.Layout(width="260px")),
        "sign": widgets.Dropdown(options=[("(no guess)", "")] + [(s, s) for s in SIGNS],
                                 value="", description="Sign of the entry",
                                 style=WIDE_DESCRIPTION, layout=widgets.Layout(width="260px")),
        "check": widgets.Button(description="Check my prediction"),
        "reveal": widgets.Button(description="Reveal"),
        "feedback": _classed(widgets.HTML(layout=_full_width()), "stage-feedback"),
    }


def _panel(title: str, children: list, width: str) -> widgets.VBox:
    heading = widgets.HTML(f"<b>{html.escape(title)}</b>")
    return widgets.VBox([heading, *children], layout=widgets.Layout(
        flex=f"1 1 {width}", border="1px solid #cccccc", padding="4px 8px", margin="2px"))


def layout(v: dict) -> widgets.VBox:
    """Arrange the views: stage and navigation, graph and equations, values and checks,
    then the controls in three panels."""
    wrap = widgets.Layout(flex_flow="row wrap", width="100%", align_items="flex-start")
    c, e, p = v["config"], v["entry"], v["predict"]
    controls = widgets.HBox([
        _panel("Configuration", [c["hidden"], c["m"], c["seed"], c["one_over_m"],
                                 c["saturate"]], "300px"),
        _panel("Expand one entry", [widgets.HBox([e["row"], e["col"]]), *e["expansions"],
                                    e["hidden_note"]], "360px"),
        _panel("Predict, then reveal", [p["mode"], p["shape"], p["sign"],
                                        widgets.HBox([p["check"], p["reveal"]]), p["feedback"]],
               "300px"),
    ], layout=wrap)
    return widgets.VBox([
        v["stopped"],
        v["label"],
        widgets.HBox([v["previous"], v["next"], v["slider"]]),
        v["error"],
        widgets.HBox([v["graph"], *v["equations"]], layout=wrap),
        widgets.HBox([v["values"], v["checks"]], layout=wrap),
        v["notes"],
        controls,
    ], layout=widgets.Layout(width="100%", max_width="1240px"))


def build_views() -> dict:
    """Every widget of the app, by name (built once; never rebuilt)."""
    previous, next_, slider = navigation_view()
    return {
        "label": stage_label_view(), "previous": previous, "next": next_, "slider": slider,
        "graph": graph_view(), "equations": equation_views(), "values": values_view(),
        "checks": checks_view(), "notes": notes_view(), "error": error_view(),
        "stopped": stopped_view(),
        "config": config_view(), "entry": entry_view(), "predict": predict_view(),
    }


# ----------------------------------------------------------------------------- the app


def render_graph_images() -> dict:
    """Stage index -> the graph's ``<img>`` HTML, drawn now (about 1.5 s for all nine).

    ``figures`` (matplotlib, Pillow) is imported here, not at the top: importing it takes
    longer than building the whole app, and with the graphs cached a kernel never needs it.
    """
    from course_lib import figures

    return {
        i: figures.img_html(
            figures.png_bytes(figures.graph_figure(i), colors=GRAPH_COLORS), figures.graph_alt(i)
        )
        for i in range(1, N_STAGES + 1)
    }


def graph_cache_dir() -> Path:
    """Where rendered graphs are kept between kernels: ``$COURSE_LIB_CACHE``, else
    ``$XDG_CACHE_HOME/course_lib``, else ``~/.cache/course_lib``."""
    if os.environ.get("COURSE_LIB_CACHE"):
        return Path(os.environ["COURSE_LIB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "course_lib"


def _graph_cache_key() -> str:
    """Changes whenever the pictures could: the drawing code, matplotlib, Pillow, palette."""
    source = importlib.util.find_spec("course_lib.figures").origin  # found, not imported
    digest = hashlib.sha256(Path(source).read_bytes())
    versions = " ".join(importlib.metadata.version(name) for name in ("matplotlib", "pillow"))
    digest.update(f"{versions} {GRAPH_COLORS}".encode())
    return digest.hexdigest()[:20]


def _valid_graphs(data) -> bool:
    return (isinstance(data, dict) and sorted(data) == [str(i) for i in range(1, N_STAGES + 1)]
            and all(isinstance(v, str) and v.startswith("<img alt=") for v in data.values()))


def graph_images() -> dict:
    """The nine graph images, rendered once per machine rather than once per page.

    Every page of the app is a new kernel, and drawing the graphs was most of the time a
    kernel took to show the app. They depend on nothing but the drawing code and library
    versions, so the first kernel stores them in ``graph_cache_dir()`` under a key of those,
    and later kernels read them back. A missing, unreadable or damaged file is drawn anew;
    a cache directory that cannot be written only costs the drawing.
    """
    path = graph_cache_dir() / f"graphs-{_graph_cache_key()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if _valid_graphs(data):
            return {int(k): v for k, v in data.items()}
    except (OSError, ValueError):
        pass
    graphs = render_graph_images()
    try:
        _write_whole(path, json.dumps({str(k): v for k, v in graphs.items()}))
    except OSError:
        kernel_logger().info("graph cache %s not writable; graphs drawn per kernel", path)
    return graphs


def _write_whole(path: Path, text: str) -> None:
    """Write a temporary file beside ``path``, then rename it: kernels starting together
    never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class StepperApp:
    """The state machine, its views, and the refresh that keeps them in step."""

    def __init__(self, stepper: Stepper | None = None, graphs: dict | None = None):
        self.stepper = stepper or Stepper()
        self.graphs = graphs or graph_images()
        self.views = build_views()
        self.root = layout(self.views)
        self.message = ""
        self._refreshing = False
        self._shown = None  # (config, stage) on screen, to clear stale guesses on a change
        self._expansions: dict = {}  # (config, stage, entry) -> expansion HTML
        wire(self)
        self.refresh()

    @contextlib.contextmanager
    def _quiet(self):
        """Widget changes made by ``refresh`` do not call the handlers back."""
        self._refreshing, before = True, self._refreshing
        try:
            yield
        finally:
            self._refreshing = before

    def _send_order(self) -> list:
        """Every widget (and toggled layout) in the order its update should reach the
        browser: the stage title first, then what changes with it, then the controls."""
        v, s = self.views, self.stepper
        current = s.index - 1
        boxes = v["equations"]
        expansions = v["entry"]["expansions"]
        order = [v["label"], boxes[current], boxes[current].layout, *boxes,
                 *(b.layout for b in boxes), *(b.children[0] for b in boxes),
                 v["values"], v["checks"], v["graph"], v["slider"],
                 v["previous"], v["next"], v["notes"], v["error"], v["error"].layout,
                 *v["config"].values(), v["entry"]["row"], v["entry"]["col"],
                 expansions[current], *expansions, *(w.layout for w in expansions),
                 v["entry"]["hidden_note"], v["entry"]["hidden_note"].layout,
                 *v["predict"].values()]
        return list(dict.fromkeys(order))  # each once, first place kept

    def _expansion_html(self, index: int) -> str:
        s = self.stepper
        key = (s.config, index, s.entry_at(index))
        if key not in self._expansions:
            if len(self._expansions) >= EXPANSION_CACHE:
                self._expansions.pop(next(iter(self._expansions)))
            self._expansions[key] = expansion_html(s.expansion(index))
        return self._expansions[key]

    def _content(self) -> dict:
        """Everything the views will show, computed before any widget changes, so a
        failure here leaves the screen as it was."""
        s = self.stepper
        return {
            "label": label_html(s),
            "equations": [equation_html(st) for st in s.computed.bp.stages],
            "values": values_html(s), "checks": checks_html(s), "graph": self.graphs[s.index],
            "notes": notes_html(s), "error": message_html(self.message),
            "expansions": [self._expansion_html(k) for k in range(1, N_STAGES + 1)],
            "feedback": feedback_html(s),
        }

    def refresh(self, message: str | None = None) -> None:
        """Push the stepper's state into every view, one batched message per widget."""
        if message is not None:
            self.message = message
        s, v = self.stepper, self.views
        config, index, revealed = s.config, s.index, s.revealed
        rows, cols = s.stage.shape
        # The stage title is what a click is waiting for: it leaves at once, before the rest
        # is computed. If the rest fails, ``run`` puts the state back and refreshes again.
        with self._quiet():
            v["label"].value = label_html(s)
        content = self._content()
        with contextlib.ExitStack() as stack, self._quiet():
            # ExitStack sends the last-entered first: enter in reverse of the send order.
            for w in reversed(self._send_order()):
                stack.enter_context(w.hold_sync())
            v["label"].value = content["label"]
            for k, (box, value) in enumerate(zip(v["equations"], content["equations"],
                                                 strict=True), start=1):
                box.children[0].value = value
                _show(box, k == index, "stage-equation")
            for name in ("values", "checks", "graph", "notes", "error"):
                v[name].value = content[name]
            _set_bounded(v["slider"], 1, N_STAGES, index)
            v["previous"].disabled = index == 1
            v["next"].disabled = index == N_STAGES
            v["error"].layout.display = "block" if self.message else "none"
            c = v["config"]
            c["hidden"].value = config.hidden
            _set_bounded(c["m"], *M_RANGE, config.m)
            _set_bounded(c["seed"], *SEED_RANGE, config.seed)
            c["one_over_m"].value = config.one_over_m
            c["saturate"].value = config.saturate
            e = v["entry"]
            _set_bounded(e["row"], 0, rows - 1, s.entry[0])
            _set_bounded(e["col"], 0, cols - 1, s.entry[1])
            for k, (w, value) in enumerate(zip(e["expansions"], content["expansions"],
                                               strict=True), start=1):
                w.value = value
                w.layout.display = None if k == index and revealed else "none"
            e["hidden_note"].layout.display = "none" if revealed else "block"
            p = v["predict"]
            p["mode"].value = s.state.predict_mode
            p["shape"].disabled = p["sign"].disabled = p["check"].disabled = \
                not s.state.predict_mode or s.state.prediction.revealed
            p["reveal"].disabled = revealed
            p["feedback"].value = content["feedback"]
            if self._shown != (config, index):
                p["shape"].value, p["sign"].value = "", ""
        self._shown = (config, index)

    def run(self, action, *args) -> None:
        """Run one stepper action and refresh. If anything fails, the stepper goes back to
        the state before the action and the friendly message is shown."""
        before = self.stepper.state
        try:
            self.refresh(action(*args) or "")
        except Exception:
            kernel_logger().exception("stepper callback failed")
            self.stepper.state = before
            self._show_failure()

    def _show_failure(self) -> None:
        self.message = FRIENDLY_ERROR
        try:
            self.refresh()
        except Exception:
            kernel_logger().exception("stepper refresh failed")
            with self._quiet():
                self.views["error"].value = message_html(FRIENDLY_ERROR)
                self.views["error"].layout.display = "block"


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


def wire(app: StepperApp) -> None:
    """Connect every control to the stepper; handlers read ``change["new"]``."""
    s, v = app.stepper, app.views

    def on_value(widget, action):
        def handler(change):
            if not app._refreshing:
                app.run(action, change["new"])
        widget.observe(handler, names="value")

    def on_click(button, action):
        button.on_click(lambda _button: app.run(action))

    on_click(v["next"], s.next)
    on_click(v["previous"], s.previous)
    on_value(v["slider"], s.jump)
    c, e, p = v["config"], v["entry"], v["predict"]
    on_value(c["hidden"], s.set_hidden)
    on_value(c["m"], s.set_m)
    on_value(c["seed"], s.set_seed)
    on_value(c["one_over_m"], s.set_one_over_m)
    on_value(c["saturate"], s.set_saturate)
    on_value(e["row"], lambda new: s.select_entry(new, s.entry[1]))
    on_value(e["col"], lambda new: s.select_entry(s.entry[0], new))
    on_value(p["mode"], s.set_predict_mode)
    # A client may widen a range without touching the value: put the range back.
    for bounded in (v["slider"], c["m"], c["seed"], e["row"], e["col"]):
        bounded.observe(lambda _change: None if app._refreshing else app.run(lambda: ""),
                        names=["min", "max"])
    on_click(p["check"], lambda: s.predict(p["shape"].value, p["sign"].value or None))
    on_click(p["reveal"], s.reveal)


def build_app(stepper: Stepper | None = None) -> StepperApp:
    """The app object (state machine, views, wiring), for tests and embedding."""
    return StepperApp(stepper)


def app() -> widgets.VBox:
    """The whole stepper UI, ready to display (the voila app's one call)."""
    return build_app().root


__all__ = ["StepperApp", "app", "build_app"]
