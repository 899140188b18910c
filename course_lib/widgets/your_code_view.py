"""The static app's "Your code" area: where a student pastes their backward functions, in a
browser tab only (``student.pasted.in_browser``), to see them in the third column.

The served app (voila, a hub, Binder) never builds it: there the kernel is a server's, and
no student's text runs in it. In a tab, the code is the student's own and runs in their own
Pyodide, with a budget of steps as its time limit.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from course_lib.student import pasted

EXAMPLE = """def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
"""
INTRO = (
    "<h3>Your code</h3><p>Paste your backward functions (any of <code>compute_dAL</code>, "
    "<code>sigmoid_backward</code>, <code>relu_backward</code>, <code>tanh_backward</code>, "
    "<code>linear_backward</code>, <code>linear_activation_backward</code>, "
    "<code>L_model_backward</code>, <code>backward_propagation</code>), then press "
    "<b>Run my functions</b>: the third column judges them stage by stage and shows the "
    "line of yours that computed each stage. They run here, in this tab; <code>np</code> is "
    "NumPy. A loop that never ends is stopped after a few seconds, but one "
    "NumPy call that never returns (a product of two enormous arrays) cannot be stopped in a "
    "browser tab: the tab would hang until you close it.</p>"
)


def your_code_view(app) -> widgets.VBox | None:
    """The "Your code" area wired to ``app`` (a ``StepperApp``), or None outside a browser
    tab: the served app builds no such widget."""
    if not pasted.in_browser():
        return None
    text = widgets.Textarea(
        placeholder=EXAMPLE,
        description="Your code",
        layout=widgets.Layout(width="100%", height="16em"),
    )
    run = widgets.Button(description="Run my functions", button_style="primary")
    clear = widgets.Button(description="Remove my functions")
    status = widgets.HTML(value="")
    box = widgets.VBox(
        [widgets.HTML(INTRO), text, widgets.HBox([run, clear]), status],
        layout=widgets.Layout(width="100%"),
    )
    box.add_class("your-code")
    status.add_class("your-code-status")

    def show(message: str) -> None:
        status.value = f'<div role="status">{html.escape(message)}</div>'

    def on_run(_button) -> None:
        show("Running your code...")
        found = pasted.load(text.value)
        if found.ok:
            app.run(app.stepper.set_student, found.functions)
        show(found.message)

    def on_clear(_button) -> None:
        app.run(app.stepper.set_student, None)
        show("The third column is gone: only the course's functions run.")

    run.on_click(on_run)
    clear.on_click(on_clear)
    return box
