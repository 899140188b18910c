"""The views ipywidgets cannot do, written for the browser with anywidget: small ES modules
and stylesheets in ``js/`` beside this file, shipped in the wheel (package data), loaded
from the package at run time and never from a CDN. Supported where the tests run them:
voila and JupyterLab.

- ``StageLabel``: the stage title, an ``<h2>`` inside a live region that stays in the page
  (an ``HTML`` widget replaces its inner DOM on every update, so a live region inside it is
  recreated and often not announced). It also names the app's root (``.course-app``) as a
  region landmark and makes the entry's expansion (``.entry-expansion``) and each stage's
  equations (``.equation-box``), whose formulas can be wider than the screen, a named
  region in the tab order while they scroll (no tab stop while they fit), and carries the app's
  stylesheet (``app.css``: focus, small screens).
- ``StageSlider``: "Stage", a native ``<input type="range">`` with a ``<label>`` and an
  ``aria-valuetext`` of the stage's title (the ``IntSlider``'s handle has no name).
- ``LinkedTables``: the stage's value (the ``stage-values`` table, a one-tab-stop grid)
  beside the arrays it is computed from; the browser marks the linked entries under the
  pointer or the focus with no round trip; a click or Enter sets ``entry``.

Each is a ``BrowserView``: it keeps its model alive in the browser. anywidget (0.11) gives a
model 2 s from its creation in the browser to load its module; a model that misses it, on
a loaded machine, draws but ignores the kernel from then on (the view would keep its first
stage). Every module starts with ``js/keep_alive.js``: the model sends a fresh token
(``bound``), the kernel answers with it (``live``), and a model that has not seen its
answer asks again (a message ``{"event": "lost", "token": ...}``), every 3 s for half a
minute and every 30 s after that, for as long as the view lives. The kernel gives the view
a new model (``reopen``: a new comm, and the boxes that hold it say so) only for a token it
answered at least ``DEAF_AFTER_S`` before it reads the question (a busy kernel reads the
token and the first questions together), at most ``REOPEN_LIMIT`` times; the Python
object, and everything wired to it, stays the same. The kernel judges by when it reads a
question, not when it was sent: a question sent by a page slow to read its answer and read
by a kernel that then ran a long cell can replace a view that was working (rare; it costs
one of the ``REOPEN_LIMIT``).

Every synced trait can be set by a client: the kernel reads only ``value`` (the slider),
``entry`` (the tables) and ``bound`` (a token it only copies back, if it looks like one),
typed here and validated by the stepper's setters like any other control; what it sends
(``data``, ``value_text``, ``live``, ``reopened``) it never reads back.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

from course_lib.widgets.kernel_log import kernel_logger

JS = Path(__file__).resolve().parent / "js"
REOPEN_LIMIT = 3
DEAF_AFTER_S = 5.0  # a page's model that asks this long after its answer left never got it
ANSWERS_KEPT = 8
TOKEN = re.compile(r"[0-9a-z]{1,16}(-[0-9a-z]{1,16}){0,3}")


def module(name: str) -> str:
    """The ES module of a browser view: ``keep_alive.js`` (its ``initialize``), then the
    view's own file (its ``render`` and ``export default``)."""
    return (JS / "keep_alive.js").read_text() + (JS / name).read_text()


class BrowserView(anywidget.AnyWidget):
    """An anywidget view that keeps its model alive in the browser (see the module's
    docstring). Whoever lays the view out in boxes registers, with ``on_reopen``, what tells
    those boxes that the view has a new model. ``reopened`` counts the new models it was
    given, for the page to show as ``data-reopened`` (a client may overwrite it: the kernel
    counts in ``_given``)."""

    bound = traitlets.Unicode("").tag(sync=True)
    live = traitlets.Unicode("").tag(sync=True)
    reopened = traitlets.Int(0).tag(sync=True)  # shown only: the kernel counts in ``_given``

    def __init__(self, **kwargs):
        self._reopen_callbacks: list[Callable] = []
        self._answered: dict[str, float] = {}  # token -> when the kernel answered it
        self._given = 0  # new models given
        super().__init__(**kwargs)
        self.on_msg(_on_message)

    @traitlets.observe("bound")
    def _answer(self, change) -> None:
        token = change["new"]
        if isinstance(token, str) and TOKEN.fullmatch(token):
            self._answered.pop(token, None)
            if len(self._answered) >= ANSWERS_KEPT:  # pages come and go: keep the newest
                self._answered.pop(next(iter(self._answered)))
            self._answered[token] = time.monotonic()
            self.live = token

    def on_reopen(self, callback: Callable) -> None:
        """Call ``callback(view)`` each time the view gets a new model."""
        self._reopen_callbacks.append(callback)

    def still_unheard(self, token) -> bool:
        """Whether the page's model with ``token`` asks although its token was answered at
        least ``DEAF_AFTER_S`` ago (a kernel that was busy answers, and is asked, at once)."""
        answered = self._answered.get(token) if isinstance(token, str) else None
        return answered is not None and time.monotonic() - answered >= DEAF_AFTER_S

    def reopen(self) -> bool:
        """Give the view a new model in the browser: close its comm (the page drops the old
        model and its views) and open one with a new id and the current state. At most
        ``REOPEN_LIMIT`` times; returns whether it did."""
        if self.comm is None or self._given >= REOPEN_LIMIT:
            return False
        self._given += 1
        self.reopened = self._given
        self._answered.clear()
        self.close()
        # ipywidgets reopens a closed widget under its old id (the page needs a new one),
        # and leaves it unable to display itself on its own.
        self._model_id = None
        self.__dict__.pop("_repr_mimebundle_", None)
        self.open()
        kernel_logger().info("%s given a new model (%d)", type(self).__name__, self._given)
        for callback in self._reopen_callbacks:
            callback(self)
        return True


def _on_message(view: BrowserView, content, _buffers) -> None:
    """A page's model says it never saw its token answered. It gets a new one only if the
    kernel answered that token a while ago. Any other message is ignored: a client may send
    anything, and ``reopen`` has its limit."""
    if (
        isinstance(content, dict)
        and content.get("event") == "lost"
        and view.still_unheard(content.get("token"))
    ):
        view.reopen()


def keep_alive(root) -> None:
    """Make every ``BrowserView`` in ``root``'s tree (through ``children``) tell the boxes
    that hold it when it gets a new model, so the page draws the new one in its place."""

    def tree(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from tree(child)

    def holders_told(view: BrowserView) -> None:
        for box in tree(root):
            if any(child is view for child in getattr(box, "children", ())):
                box.send_state("children")

    for widget in tree(root):
        if isinstance(widget, BrowserView):
            widget.on_reopen(holders_told)


class StageLabel(BrowserView):
    """The stage title ("Stage N of 9: ...") in a live region; ``value`` is plain text."""

    _esm = module("stage_label.js")
    _css = JS / "app.css"
    value = traitlets.Unicode("").tag(sync=True)
    region_label = traitlets.Unicode("Backpropagation stepper").tag(sync=True)


class StageSlider(BrowserView):
    """A labelled range input from ``min`` to ``max``; ``value_text`` is what a screen
    reader says for the value (the stage's title)."""

    _esm = module("stage_slider.js")
    value = traitlets.Int(1).tag(sync=True)
    min = traitlets.Int(1).tag(sync=True)
    max = traitlets.Int(9).tag(sync=True)
    description = traitlets.Unicode("Stage").tag(sync=True)
    value_text = traitlets.Unicode("").tag(sync=True)


class LinkedTables(BrowserView):
    """The value and its operands (``data``, from ``render_linked.linked_data``) and the
    selected entry (``entry``, ``[row, column]``)."""

    _esm = module("linked_tables.js")
    _css = JS / "linked_tables.css"
    data = traitlets.Dict().tag(sync=True)
    entry = traitlets.List(traitlets.Int(), default_value=[0, 0], minlen=2, maxlen=2).tag(sync=True)
