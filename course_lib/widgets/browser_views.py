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

Every synced trait can be set by a client: the kernel reads only ``value`` (the slider)
and ``entry`` (the tables), typed here and validated by the stepper's setters like any
other control; what it sends (``data``, ``value_text``) it never reads back.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

JS = Path(__file__).resolve().parent / "js"


class StageLabel(anywidget.AnyWidget):
    """The stage title ("Stage N of 9: ...") in a live region; ``value`` is plain text."""

    _esm = JS / "stage_label.js"
    _css = JS / "app.css"
    value = traitlets.Unicode("").tag(sync=True)
    region_label = traitlets.Unicode("Backpropagation stepper").tag(sync=True)


class StageSlider(anywidget.AnyWidget):
    """A labelled range input from ``min`` to ``max``; ``value_text`` is what a screen
    reader says for the value (the stage's title)."""

    _esm = JS / "stage_slider.js"
    value = traitlets.Int(1).tag(sync=True)
    min = traitlets.Int(1).tag(sync=True)
    max = traitlets.Int(9).tag(sync=True)
    description = traitlets.Unicode("Stage").tag(sync=True)
    value_text = traitlets.Unicode("").tag(sync=True)


class LinkedTables(anywidget.AnyWidget):
    """The value and its operands (``data``, from ``render_linked.linked_data``) and the
    selected entry (``entry``, ``[row, column]``)."""

    _esm = JS / "linked_tables.js"
    _css = JS / "linked_tables.css"
    data = traitlets.Dict().tag(sync=True)
    entry = traitlets.List(traitlets.Int(), default_value=[0, 0], minlen=2, maxlen=2).tag(sync=True)
