"""The app: the stepper (state machine), its views, the refresh that keeps them in step, and
the wiring from every control to the stepper's actions."""

from __future__ import annotations

import contextlib

import ipywidgets as widgets

from course_lib.stepper import Stepper
from course_lib.widgets import render
from course_lib.widgets.browser_views import keep_alive
from course_lib.widgets.graph_cache import graph_images
from course_lib.widgets.kernel_log import kernel_logger
from course_lib.widgets.views import VIEWS, Frame, build_views, layout
from course_lib.widgets.your_code_view import your_code_view

EXPANSION_CACHE = 256


class StepperApp:
    """The state machine, its views, and the refresh that keeps them in step."""

    def __init__(self, stepper: Stepper | None = None, graphs: dict | None = None):
        self.stepper = stepper or Stepper()
        self.graphs = graphs or graph_images()
        self.views = build_views()
        self.root = layout(self.views)
        keep_alive(self.root)  # a browser view given a new model is redrawn in its place
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

    def _expansion_html(self, index: int) -> str:
        s = self.stepper
        key = (s.config, index, s.entry_at(index))
        if key not in self._expansions:
            if len(self._expansions) >= EXPANSION_CACHE:
                self._expansions.pop(next(iter(self._expansions)))
            self._expansions[key] = render.expansion_html(s.expansion(index))
        return self._expansions[key]

    def _send(self, views, frame: Frame) -> None:
        """Update ``views``: every content is computed before any widget changes (so a
        failure leaves the screen as it was), then one batched message per widget leaves,
        in the order of ``views``."""
        contents = [view.content(frame) if view.content else None for view in views]
        order = [
            w for view in views if view.update for w in view.sends(self.views[view.name], frame)
        ]
        with contextlib.ExitStack() as stack, self._quiet():
            # ExitStack sends the last-entered first: enter in reverse of the send order.
            for w in reversed(list(dict.fromkeys(order))):  # each once, first place kept
                stack.enter_context(w.hold_sync())
            for view, content in zip(views, contents, strict=True):
                if view.update:
                    view.update(self.views[view.name], content, frame)

    def refresh(self, message: str | None = None) -> None:
        """Push the stepper's state into every view, one batched message per widget."""
        if message is not None:
            self.message = message
        s = self.stepper
        shown = (s.config, s.index)
        frame = Frame(
            s, self.message, self.graphs, self._expansion_html, moved=self._shown != shown
        )
        # The stage title is what a click is waiting for: it leaves at once, before the rest
        # is computed. If the rest fails, ``run`` puts the state back and refreshes again.
        self._send(VIEWS[:1], frame)
        self._send(VIEWS, frame)
        self._shown = shown

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
        self.message = render.FRIENDLY_ERROR
        try:
            self.refresh()
        except Exception:
            kernel_logger().exception("stepper refresh failed")
            with self._quiet():
                self.views["error"].value = render.message_html(render.FRIENDLY_ERROR)
                self.views["error"].layout.display = "block"


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
    # An entry picked in the value table (click, tap, Enter): ``[row, column]``, each
    # clamped by the stepper like the Row and Column boxes.
    v["values"].observe(
        lambda change: None if app._refreshing else app.run(s.select_entry, *change["new"]),
        names="entry",
    )
    on_value(p["mode"], s.set_predict_mode)
    on_value(v["mistake"], s.set_mistake)

    # A client may widen a range without touching the value, or rewrite what the kernel
    # shows: put it back.
    def restore(_change):
        if not app._refreshing:
            app.run(lambda: "")

    for bounded in (v["slider"], c["m"], c["seed"], e["row"], e["col"]):
        bounded.observe(restore, names=["min", "max"])
    v["values"].observe(restore, names="data")
    v["slider"].observe(restore, names="value_text")
    on_click(p["check"], lambda: s.predict(p["shape"].value, p["sign"].value or None))
    on_click(p["reveal"], s.reveal)


def build_app(stepper: Stepper | None = None, student: dict | None = None) -> StepperApp:
    """The app object (state machine, views, wiring), for tests and embedding.

    student : as for ``app``; ignored when a ``stepper`` is given (give it to the stepper).
    """
    return StepperApp(stepper or Stepper(student=student))


def app(student: dict | None = None) -> widgets.VBox:
    """The whole stepper UI, ready to display (the voila app's one call).

    student : your own functions by course name, e.g. ``{"linear_backward": linear_backward,
        "relu_backward": relu_backward}`` (``course_lib.student.compare`` lists the names);
        every stage then shows your value beside the reference's, with a verdict, the
        first stage where your pass departs marked on the graph, and any catalogued mistake
        named at the stage where it is made. Without it, the plain stepper.
    """
    built = build_app(student=student)
    # "Your code" in a browser tab only (the static app), and not where the functions are
    # given already (notebook 10 passes the student's own from its cells).
    pasting = your_code_view(built) if not student else None
    return built.root if pasting is None else widgets.VBox([built.root, pasting])
