"""The stepper app served by voila, driven in headless Chromium.

The session's voila server (``app_server``) and one page load serve the whole module; each
test first brings the app to the state it needs (stage 1, relu), so the tests do not depend
on their order.
DOM contract (course_lib.widgets' docstring has it whole; test_app_access.py tests the
linked tables, the keyboard and small screens): `.stage-label` ("Stage N of 9: ..."),
buttons "Previous" / "Next", a dropdown "Hidden activation", `.stage-equation`,
`.stage-values` ("shape (r, c)"),
`.stage-checks`, `.stage-error`; in mistake mode (the dropdown "Show a mistake")
`.student-values` with `.student-verdict`, `.graph-marker` over the graph with
`.graph-marker-text` below it, `.mistake-note`, `.student-summary`.
"""

from __future__ import annotations

import re

import pytest

from .app_page import LABEL_RE, STAGES, App, assert_clean, close_app, open_app
from .browser_support import failure_texts_on

pytestmark = pytest.mark.browser

SHAPE_RE = re.compile(r"shape \(\d+, \d+\)")


@pytest.fixture(scope="module")
def app(browser, app_server):
    app = open_app(browser, app_server)
    yield app
    close_app(app, app_server)


def test_app_renders_without_errors(app, screenshot):
    app.set_activation("relu")
    state = app.go_to_stage(1)
    assert state["label"].startswith("Stage 1 of 9:")
    for field in ("equation", "values", "checks", "error"):
        assert state[field] is not None, f"no element with class stage-{field}"
    assert state["equation"], "the equation area is empty"
    assert SHAPE_RE.search(state["values"]), state["values"]
    assert app.button("Previous").is_visible() and app.button("Next").is_visible()
    assert app.button("Next").is_enabled()
    # MathJax typeset the equation (no raw TeX delimiters left on screen).
    assert app.page.locator(".stage-equation mjx-container").count() >= 1
    assert_clean(app)
    screenshot(app.page, "stage-1")


def test_next_walks_all_nine_stages_and_previous_walks_back(app, screenshot):
    app.set_activation("relu")
    state = app.go_to_stage(1)
    seen = [state]
    for expected in range(2, STAGES + 1):
        state = app.click_and_wait("Next", state, ("label", "equation", "values"))
        assert state["label"].startswith(f"Stage {expected} of 9:"), state["label"]
        assert SHAPE_RE.search(state["values"]), state["values"]
        seen.append(state)
        if expected == 5:
            screenshot(app.page, "stage-5")
    assert [app_stage(s) for s in seen] == list(range(1, STAGES + 1))
    assert len({s["label"] for s in seen}) == STAGES
    assert_clean(app)

    for expected in range(STAGES - 1, 0, -1):
        state = app.click_and_wait("Previous", state, ("label", "equation", "values"))
        assert state["label"] == seen[expected - 1]["label"]
        # Stepping back shows the same stage again (replayable, no hidden accumulation).
        assert state["values"] == seen[expected - 1]["values"]
    assert app.stage() == 1
    assert_clean(app)


def test_switching_hidden_activation_changes_the_values(app, screenshot):
    app.set_activation("relu")
    relu = app.go_to_stage(5)
    tanh = app.set_activation("tanh")
    assert tanh["values"] != relu["values"]
    assert tanh["label"].startswith("Stage 5 of 9:"), "switching activation moved the stage"
    assert SHAPE_RE.search(tanh["values"]), tanh["values"]
    assert app.activation().input_value() == "tanh"
    screenshot(app.page, "stage-5-tanh")
    assert_clean(app)
    back = app.set_activation("relu")
    assert back["values"] == relu["values"], (
        f"relu -> tanh -> relu does not restore the values: {relu['values']!r} != "
        f"{back['values']!r}"
    )


def app_stage(state: dict) -> int:
    return int(LABEL_RE.match(state["label"]).group(1))


def marked_box(app: App) -> dict:
    """Where the first mark and the graph image are on screen, and whether the mark shows."""
    return app.page.evaluate("""() => {
        const m = document.querySelector('.graph-marker');
        const img = document.querySelector('.graph-overlay img');
        const r = e => { const b = e.getBoundingClientRect();
                         return {x: b.x, y: b.y, w: b.width, h: b.height}; };
        return {marker: r(m), image: r(img), visible: getComputedStyle(m).visibility};
    }""")


def test_mistake_mode_marks_the_stage_and_names_the_mistake_where_it_is_made(app, screenshot):
    from course_lib.diagnose import find_mistake
    from course_lib.widgets.render_student import mistake_label

    app.set_activation("relu")
    app.go_to_stage(1)
    split = find_mistake("sigmoid_backward.derivative_left_out")
    whole = find_mistake("backward_propagation.sigma_prime_twice")
    try:
        state = app.show_mistake(mistake_label(split), ("markers", "verdict"))
        assert state["markers"] == "first departs; mistake made here", state["markers"]
        assert state["verdict"] == "dA2 with the mistake: agrees", state["verdict"]
        assert "at stage 2 (dZ2): step there to read it" in state["note"]
        marked = app.page.inner_text(".graph-marker-text")
        assert "first departs; mistake made here at stage 2 (dZ2), node Z2" in marked
        box = marked_box(app)
        assert box["visible"] == "visible" and box["marker"]["w"] > 20
        # The mark lies over the graph image, around node Z2 (left of centre-right).
        image, marker = box["image"], box["marker"]
        centre = (marker["x"] + marker["w"] / 2 - image["x"]) / image["w"]
        assert image["y"] < marker["y"] < image["y"] + image["h"] and 0.5 < centre < 0.62

        state = app.click_and_wait("Next", state, ("label", "verdict", "note"))
        assert state["verdict"] == "dZ2 with the mistake: wrong here"
        note = app.page.inner_text(".mistake-note")
        assert "The mistake is made here, at stage 2 (dZ2):" in note and split.title in note
        assert f"Hint: {split.hint}" in note
        assert "No code of yours runs here" in app.page.inner_text(".student-summary")
        assert app.page.locator(".student-values table").count() == 1
        assert failure_texts_on(app.page) == [] and app.log.page_errors == []
        screenshot(app.page, "sigmoid-mistake-stage-2")

        state = app.click_and_wait("Next", state, ("label", "verdict"))
        assert state["verdict"] == "dW2 with the mistake: inherits the error from stage 2 (dZ2)"

        # A whole pass hides dZ2: the hidden activation switches, the mistake stays placed.
        state = app.show_mistake(mistake_label(whole), ("markers", "error"))
        assert "the hidden activation is now tanh" in state["error"]
        assert app.activation().input_value() == "tanh"
        assert sorted(state["markers"].split(" | ")) == ["first departs", "mistake made here"]
        state = app.go_to_stage(2)
        assert state["verdict"].startswith("dZ2 with the mistake: wrong here")
        assert whole.title in app.page.inner_text(".mistake-note")
        screenshot(app.page, "whole-pass-mistake-stage-2")

        state = app.show_mistake("none", ("markers",))
        assert state["verdict"] is None and state["markers"] == ""
        assert not app.page.locator(".student-values").is_visible()
    finally:
        chosen = app.mistakes().evaluate("e => e.options[e.selectedIndex].text")
        if chosen != "none":
            app.mistakes().select_option(label="none")
            app.settle()
        app.set_activation("relu")
        app.go_to_stage(1)
    assert_clean(app)
