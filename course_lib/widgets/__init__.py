"""The stepper's user interface: thin ipywidgets views over ``course_lib.stepper``.

``app()`` returns the whole UI (the voila app's one call). The package, each module built
on the ones before it:

- ``kernel_log``: ``kernel_logger``, where failures are logged;
- ``render``: pure functions turn the stepper's state into text and HTML (``label_text``,
  ``equation_html``, ``values_html``, ``checks_html``, ...);
- ``graph_cache``: the computation-graph images, drawn once per machine and kept on disk
  (``graph_images``), so a new page's kernel shows the app sooner and never imports
  matplotlib;
- ``views``: each view a builder that returns its widget(s) (``stage_label_view``,
  ``values_view``, ...) and an update that pushes new content into them; ``VIEWS`` lists
  them in the order their updates reach the browser (the stage title first);
- ``stepper_app``: ``StepperApp``, whose ``refresh`` is a loop over ``VIEWS``, batched with
  ``hold_sync``, and ``wire``, which connects the controls to the state machine: every
  handler reads ``change["new"]``, passes it to a validating setter, and refreshes the views.

Nothing is rebuilt per click: every view is updated in place. Errors inside a handler are
logged (with the traceback) to the kernel's log (``kernel_logger``) and shown to the student
as one short sentence in the error area.

The names below are re-exported for convenience. To replace one in a test, patch the module
that defines it (``course_lib.widgets.render.checks_html``): the package's copy is not the
one the app calls.

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
    label_html,
    label_text,
    message_html,
    notes_html,
    values_html,
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
    next_view,
    notes_view,
    predict_view,
    previous_view,
    slider_view,
    stage_label_view,
    stopped_view,
    values_view,
)

__all__ = [
    "FRIENDLY_ERROR", "GRAPH_COLORS", "KERNEL_STOPPED", "VIEWS", "StepperApp", "View", "app",
    "build_app", "build_views", "checks_html", "checks_view", "config_view", "entry_view",
    "equation_html", "equation_views", "error_view", "expansion_html", "feedback_html",
    "graph_cache_dir", "graph_images", "graph_view", "kernel_logger", "label_html",
    "label_text", "layout", "message_html", "next_view", "notes_html", "notes_view",
    "predict_view", "previous_view", "render_graph_images", "slider_view", "stage_label_view",
    "stopped_view", "values_html", "values_view", "wire",
]
