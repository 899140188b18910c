"""What the app shows, as text and HTML: pure functions of the stepper's state.

No widgets here. Each function takes the state (a ``Stepper``, a ``Stage``, an
``Expansion`` or a message) and returns the string a view puts on screen; every piece of
text that comes from the state is escaped. LaTeX (``$...$``) is for ``HTMLMath`` views.
"""

from __future__ import annotations

import html
import math

from course_lib.derivation import Expansion
from course_lib.gradcheck import PASS_MARK_TEXT, TOLERANCE
from course_lib.stages import Stage
from course_lib.stepper import N_STAGES, Stepper

FRIENDLY_ERROR = (
    "Something went wrong while updating this view. The app is still working: "
    "try another step or setting."
)
KERNEL_STOPPED = "The app has stopped (its kernel ended). Reload the page to start again."

# Okabe-Ito orange (figures.ORANGE), written out: importing figures would load matplotlib.
_ORANGE = "#E69F00"


def label_text(stepper: Stepper) -> str:
    """``"Stage N of 9: <title>"``."""
    return f"Stage {stepper.index} of {N_STAGES}: {stepper.stage.title}"


def equation_html(stage: Stage) -> str:
    """The slide's equation and the assignment's line side by side (LaTeX for HTMLMath)."""
    if stage.slide_latex is None:
        slide = f"<i>{html.escape(stage.slide_note)}</i>"
    else:
        slide = f"${stage.slide_latex}$<br><small>{html.escape(stage.slide_note)}</small>"
        if stage.slide_kind != stage.kind:
            slide += (
                "<br><small>With 1/m folded into dZ2 the slide's array is the average "
                f"dJ, 1/m times the assignment's {stage.key}.</small>"
            )
    code = html.escape(stage.assignment_code)
    function = html.escape(stage.assignment_function)
    forward = html.escape(stage.forward_line)
    # Two columns where there is room, one above the other on a narrow screen; code wraps
    # anywhere (a function's name is longer than a phone's column).
    column = 'style="flex:1 1 15em; min-width:0; overflow-wrap:anywhere"'
    return (
        '<div style="display:flex; flex-wrap:wrap; gap:0.3em 1em">'
        f"<div {column}><strong>The slide (six equations)</strong><br>{slide}</div>"
        f"<div {column}><strong>The assignment (activation step + linear step)</strong><br>"
        f"${stage.math_latex}$<br><code>{code}</code><br>"
        f"<small>computed by <code>{function}</code></small></div></div>"
        f'<div style="overflow-wrap:anywhere"><small>reverses the forward line '
        f"<code>{forward}</code></small></div>"
    )


def checks_html(stepper: Stepper) -> str:
    """Slide vs assignment (max |difference|) and the finite-difference relative error."""
    stage = stepper.stage
    if stage.max_abs_diff is None:
        diff = f"max |slide - assignment|: not applicable, the slide does not compute {stage.key}"
    else:
        scaled = " (the slide's dJ times m)" if stage.slide_kind != stage.kind else ""
        diff = f"max |slide - assignment| = {stage.max_abs_diff:.2e}{scaled}"
    report = stepper.computed.gradcheck
    fd = (
        report.describe(stage.key)
        if report is not None
        else finite_difference_note(stage, stepper.relative_error)
    )
    return (
        f"<div>{html.escape(diff)}</div>"
        f"<div>finite-difference relative error ||a - n|| / (||a|| + ||n||): "
        f"{html.escape(fd)}</div>"
    )


def finite_difference_note(stage: Stage, error: float) -> str:
    """Plain-text verdict on one stage's finite-difference relative error."""
    if math.isnan(error):
        return (
            "not measurable here: A2 is so close to 0 or 1 that no step of the finite "
            "difference stays inside (0, 1), where the cross-entropy is defined"
        )
    verdict = "passes" if error < TOLERANCE else "FAILS"
    return f"{error:.1e}, {verdict} (pass mark {PASS_MARK_TEXT})"


def notes_html(stepper: Stepper) -> str:
    """What uses the stage, and the saturated demo's explanation when it is on."""
    stage = stepper.stage
    used = (
        f"Used by: {stage.used_by}."
        if stage.used_by
        else f"Used by: nothing. {stage.key} is the generic linear_backward's dA_prev; no "
        "parameter sits below X, so the value is thrown away."
    )
    parts = [
        f"<div>{html.escape(used)} Hidden activation g = "
        f"{html.escape(stepper.config.hidden)}.</div>"
    ]
    if stepper.explanation:
        parts.append(
            f'<div style="border-left:4px solid {_ORANGE}; padding-left:0.5em">'
            f"<b>Saturated output (not an error).</b> "
            f"{html.escape(stepper.explanation)}</div>"
        )
    for note in stage.notes:
        parts.append(
            f"<div><small>Warning recorded while computing {stage.key}: "
            f"{html.escape(note)}</small></div>"
        )
    return "".join(parts)


def latex_pieces(latex: str) -> list[str]:
    """``latex`` cut before each ``+`` and ``=`` that stands between terms (outside braces
    and ``\\left ... \\right``), so that each piece can be typeset on its own and a long
    sum wraps between them instead of running out of its panel."""
    pieces, depth, start = [], 0, 0
    i = 0
    while i < len(latex):
        if latex.startswith((r"\left", "{"), i):
            depth += 1
        elif latex.startswith((r"\right", "}"), i):
            depth -= 1
        elif depth == 0 and latex.startswith((" + ", " = "), i) and latex[start:i].strip():
            pieces.append(latex[start:i].strip())
            start = i + 1
        i += 1
    return [*pieces, latex[start:].strip()]


def expansion_html(e: Expansion) -> str:
    """An entry as an index-notation sum with its numbers (LaTeX for HTMLMath): the sum on
    a line of its own, then the numbers, one inline formula per term so the line wraps."""
    numbers = " ".join(f"${piece}$" for piece in latex_pieces(e.numeric))
    sums = "".join(f"$${part.strip()}$$" for part in e.symbolic.split(r"\quad"))
    return (
        f"{sums}<div class='expansion-numbers'>{numbers}</div>"
        f"<div>matrix entry {e.key}[{e.index[0]}, {e.index[1]}] = {e.matrix_value:.6g}; "
        f"|sum - entry| = {e.difference:.1e}</div>"
    )


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
    return (
        "<div>Predict the shape (for example <code>(4, 5)</code>) and the sign of entry "
        f"[{r}, {c}] (pick another with Row and Column), then press Check my prediction."
        "</div>"
    )


def message_html(message: str) -> str:
    """A friendly message for the error area ("" for none)."""
    if not message:
        return ""
    return f'<div role="alert" style="color:#A03C00"><b>Note:</b> {html.escape(message)}</div>'


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


def stopped_html() -> str:
    """The ``app-stopped`` notice: its stylesheet and the hidden ``KERNEL_STOPPED`` alert."""
    return (
        f"<style>{_STOPPED_CSS}</style>"
        f'<div class="app-stopped-text" role="alert">{html.escape(KERNEL_STOPPED)}</div>'
    )
