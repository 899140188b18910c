"""The stepper's user interface: thin ipywidgets views over ``course_lib.stepper``.

``app()`` returns the whole UI (the voila app's one call); ``app(student={...})`` adds the
student's own pass beside the reference (``course_lib.stepper.Stepper``'s ``student``), and
the "Show a mistake" control shows a catalogued mistake's pass instead (mistake mode: no
student code runs, so the served app has it too). The package, each module built on the
ones before it:

- ``kernel_log``: ``kernel_logger``, where failures are logged;
- ``render``: pure functions turn the stepper's state into text and HTML (``label_text``,
  ``equation_html``, ``expansion_html``, ``checks_html``, ...);
- ``render_linked``: the same for the linked tables, as plain data (``linked_data``: the
  stage's value, its operands and which operand entries produce each entry);
- ``render_student``: the same for the second pass (``student_values_html``,
  ``graph_html``, which lays the marks over the stage's graph image, ``mistake_note_html``,
  ``student_summary_html``);
- ``browser_views``: the views written for the browser with anywidget (``StageLabel``,
  ``StageSlider``, ``LinkedTables``), their ES modules and stylesheets in ``js/``; each is a
  ``BrowserView``, given a new model (``BrowserView.reopen``, at most three times) when its
  model still asks 5 s after its token was answered: a model that missed anywidget's 2 s
  to load hears nothing from the kernel (``keep_alive`` tells the boxes holding it);
- ``graph_cache``: the computation-graph images, shipped with the package (``graphs.json``,
  ``graph_images``), so a new page's kernel shows the app sooner and never imports
  matplotlib;
- ``view_parts`` (the ``Frame`` and the builders' helpers), ``views_controls`` (navigation
  and the controls) and ``views``: each view a builder that returns its widget(s)
  (``stage_label_view``, ``values_view``, ...) and an update that pushes new content into
  them; ``VIEWS`` lists them in the order their updates reach the browser (the stage title
  first);
- ``stepper_app``: ``StepperApp``, whose ``refresh`` is a loop over ``VIEWS``, batched with
  ``hold_sync``, and ``wire``, which connects the controls to the state machine: every
  handler reads ``change["new"]``, passes it to a validating setter, and refreshes the views.

Nothing is rebuilt per click: every view is updated in place. Errors inside a handler are
logged (with the traceback) to the kernel's log (``kernel_logger``) and shown to the student
as one short sentence in the error area.

The names below are re-exported for convenience. To replace one in a test, patch the module
that defines it (``course_lib.widgets.render.checks_html``): the package's copy is not the
one the app calls.

DOM contract (the browser tests rely on it): the app's root has class ``course-app`` and is a
region landmark named "Backpropagation stepper"; the ``StageLabel`` with class ``stage-label``
holds an ``h2.stage-title`` ("Stage N of 9: <title>") inside an ``aria-live="polite"`` element
that stays in the page; exactly one element with class ``stage-equation`` at a time, the box
holding the current stage's ``HTMLMath`` (slide | assignment; each stage's box has class
``equation-box``, and while a formula wider than the screen makes it scroll it is a region
named "Equations of this stage" with ``tabindex="0"``, and otherwise no tab stop); the
``LinkedTables`` with class ``stage-values``: ``.lt-caption`` ("<key>, shape (r, c); dL: ..."
or "dJ: ..."), the value as ``table.stage-matrix[role=grid]`` (one tab stop: its
``td[role=gridcell]`` cells carry ``data-r``/``data-c``, one has ``tabindex=0``, the arrow
keys, Home and End move, Enter or Space selects; the selected cell has class ``is-selected``
and ``aria-selected="true"``), then for each operand an ``.lt-block`` with its ``.lt-name`` and
shape and a ``table.lt-matrix`` inside an ``.lt-scroll`` (a focusable region when wider than
its box), ``.lt-rule`` (the shape rule in words) and ``.lt-status`` (a live line naming the
marked entries); pointing at or focusing a value cell gives it and the operand cells that
produce it the class ``is-linked`` (in the browser, no kernel message), clicking it or Enter
selects it; in predict mode before the reveal only ``.lt-question``. The element with class
``entry-expansion`` shows the selected entry's expansion (its sum with the numbers, in pieces
that wrap), a region named "Expansion of the selected entry" with ``tabindex="0"`` while a
formula too wide for the screen makes it scroll, and otherwise no tab stop. An ``HTML`` with
class ``stage-checks`` ("max |slide - assignment|" and "finite-difference relative error"); an
``HTML`` with class ``stage-error``, empty and hidden unless there is a message; buttons
described exactly "Previous" and "Next" (text, no icons); a ``StageSlider`` with class
``stage-slider``: an ``input[type=range]`` labelled "Stage" (1-9) whose ``aria-valuetext`` is
the stage label; panel headings are ``h3.panel-title``; a ``Dropdown`` "Hidden activation"
(relu, tanh, sigmoid); a ``Dropdown`` "Show a mistake" (first option "none", then one option
per catalogued mistake labelled "<function>: <title>", value its id); an ``HTML`` with class
``app-stopped`` whose ``role="alert"`` text (``KERNEL_STOPPED``) is hidden until the page has
lost its kernel.

With a second pass (the student's functions, or a mistake chosen), and hidden without one:
an ``HTML`` with class ``student-values`` holding an element with class ``student-verdict``
("Your dZ2: wrong here" or "dZ2 with the mistake: ...", the verdict one of "agrees", "wrong
here", "inherits the error from stage k (key)", "not observable: <function> returns only
...", "not reached: <why>") and, where the pass computed it, the value ("shape (r, c)", a
table, "*" on entries that differ from the reference); an ``HTML`` with class
``student-summary`` (``course_lib.student.summary`` and what the student's code printed);
an ``HTML`` with class ``mistake-note``, shown when a mistake is named: at the stage where
it is made "The mistake is made here, at stage k (key):" with its title and "Hint:",
elsewhere a pointer to that stage. When the pass departs or a mistake is named, the
``stage-graph`` widget wraps the unchanged cached ``<img>`` in ``.graph-overlay`` with one
``.graph-marker`` per marked stage laid over its node (a dashed outline and the words "first
departs" and/or "mistake made here"), and a ``.graph-marker-text`` below saying the same in
a sentence ("Marked on the graph (dashed outline): first departs at stage 2 (dZ2), node Z2").
"""

from course_lib.widgets.browser_views import LinkedTables, StageLabel, StageSlider
from course_lib.widgets.graph_cache import (
    GRAPH_COLORS,
    graph_cache_dir,
    graph_images,
    render_graph_images,
)
from course_lib.widgets.kernel_log import kernel_logger
from course_lib.widgets.render import (
    FRIENDLY_ERROR,
    KERNEL_STOPPED,
    checks_html,
    equation_html,
    expansion_html,
    feedback_html,
    label_text,
    latex_pieces,
    message_html,
    notes_html,
)
from course_lib.widgets.render_linked import linked_data
from course_lib.widgets.render_student import (
    graph_html,
    mistake_note_html,
    student_line_html,
    student_summary_html,
    student_values_html,
)
from course_lib.widgets.stepper_app import StepperApp, app, build_app, wire
from course_lib.widgets.views import (
    VIEWS,
    View,
    build_views,
    checks_view,
    config_view,
    entry_view,
    equation_views,
    error_view,
    graph_view,
    layout,
    mistake_note_view,
    mistake_view,
    next_view,
    notes_view,
    predict_view,
    previous_view,
    slider_view,
    stage_label_view,
    stopped_view,
    student_summary_view,
    student_view,
    values_view,
)

__all__ = [
    "FRIENDLY_ERROR",
    "GRAPH_COLORS",
    "KERNEL_STOPPED",
    "VIEWS",
    "LinkedTables",
    "StageLabel",
    "StageSlider",
    "StepperApp",
    "View",
    "app",
    "build_app",
    "build_views",
    "checks_html",
    "checks_view",
    "config_view",
    "entry_view",
    "equation_html",
    "equation_views",
    "error_view",
    "expansion_html",
    "feedback_html",
    "graph_cache_dir",
    "graph_html",
    "graph_images",
    "graph_view",
    "kernel_logger",
    "label_text",
    "latex_pieces",
    "layout",
    "linked_data",
    "message_html",
    "mistake_note_html",
    "mistake_note_view",
    "mistake_view",
    "next_view",
    "notes_html",
    "notes_view",
    "predict_view",
    "previous_view",
    "render_graph_images",
    "slider_view",
    "stage_label_view",
    "stopped_view",
    "student_summary_html",
    "student_summary_view",
    "student_line_html",
    "student_values_html",
    "student_view",
    "values_view",
    "wire",
]
