"""The views ipywidgets cannot do, written for the browser with anywidget: small ES modules
and stylesheets in ``js/`` beside this file, shipped in the wheel (package data), loaded
from the package at run time and never from a CDN. Supported where the tests run them:
voila and JupyterLab.

- ``StageLabel``: the stage title, an ``<h2>`` inside a live region that stays in the page
  (an ``HTML`` widget replaces its inner DOM on every update, so a live region inside it is
  recreated and often not announced). It also names the app's root (``.course-app``) as a
  region landmark and makes the entry's expansion (``.entry-expansion``, whose formulas
  can be wider than the screen) a named region in the tab order, and carries the app's
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
(``bound``), the kernel answers with it (``live``), and a model that does not see its
answer in time says it is lost (a message ``{"event": "lost"}``). The kernel then gives
the view a new model (``reopen``: a new comm, and the boxes that hold it say so), at most
``REOPEN_LIMIT`` times; the Python object, and everything wired to it, stays the same.

Every synced trait can be set by a client: the kernel reads only ``value`` (the slider),
``entry`` (the tables) and ``bound`` (a token it only copies back, if it looks like one),
typed here and validated by the stepper's setters like any other control; what it sends
(``data``, ``value_text``, ``live``) it never reads back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

JS = Path(__file__).resolve().parent / "js"
REOPEN_LIMIT = 3
TOKEN = re.compile(r"[0-9a-z]{1,16}(-[0-9a-z]{1,16}){0,3}")


def module(name: str) -> str:
    """The ES module of a browser view: ``keep_alive.js`` (its ``initialize``), then the
    view's own file (its ``render`` and ``export default``)."""
    return (JS / "keep_alive.js").read_text() + (JS / name).read_text()


class BrowserView(anywidget.AnyWidget):
    """An anywidget view that keeps its model alive in the browser (see the module's
    docstring). ``lost`` callbacks run with the view when it has been given a new model;
    whoever lays the view out in boxes registers one that tells those boxes (``on_reopen``).
    """

    bound = traitlets.Unicode("").tag(sync=True)
    live = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reopened = 0
        self._reopen_callbacks: list[Callable] = []
        self.on_msg(_on_message)

    @traitlets.observe("bound")
    def _answer(self, change) -> None:
        token = change["new"]
        if isinstance(token, str) and TOKEN.fullmatch(token):
            self.live = token

    def on_reopen(self, callback: Callable) -> None:
        """Call ``callback(view)`` each time the view gets a new model."""
        self._reopen_callbacks.append(callback)

    def reopen(self) -> bool:
        """Give the view a new model in the browser: close its comm (the page drops the old
        model and its views) and open one with a new id and the current state. At most
        ``REOPEN_LIMIT`` times; returns whether it did."""
        if self.comm is None or self.reopened >= REOPEN_LIMIT:
            return False
        self.reopened += 1
        self.close()
        # ipywidgets reopens a closed widget under its old id; the page needs a new one.
        self._model_id = None
        self.open()
        for callback in self._reopen_callbacks:
            callback(self)
        return True


def _on_message(view: BrowserView, content, _buffers) -> None:
    """A page's model says it is lost (it never saw its token answered). Any other message
    is ignored: a client may send anything, and ``reopen`` has its limit."""
    if isinstance(content, dict) and content.get("event") == "lost":
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
