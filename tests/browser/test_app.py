"""The stepper app served by voila, driven in headless Chromium.

One voila server and one page load serve the whole module; each test first brings the
app to the state it needs (stage 1, relu), so the tests do not depend on their order.
DOM contract: `.stage-label` ("Stage N of 9: ..."), buttons "Previous" / "Next", a
dropdown "Hidden activation", `.stage-equation`, `.stage-values` ("shape (r, c)"),
`.stage-checks`, `.stage-error`; in mistake mode (the dropdown "Show a mistake")
`.student-values` with `.student-verdict`, `.graph-marker` over the graph with
`.graph-marker-text` below it, `.mistake-note`, `.student-summary`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .browser_support import (
    REPO_ROOT,
    PageLog,
    failure_texts_on,
    wait_for_voila,
    wait_for_widgets,
)

pytestmark = pytest.mark.browser

# COURSE_APP_NOTEBOOK serves another notebook with the same DOM contract (a mock-up of the
# app, say); by default the tests serve the app itself.
APP = Path(os.environ.get("COURSE_APP_NOTEBOOK", REPO_ROOT / "notebooks" / "app.ipynb"))
STAGES = 9
STEP_TIMEOUT_MS = 10_000
LABEL_RE = re.compile(r"^Stage (\d) of 9:")
SHAPE_RE = re.compile(r"shape \(\d+, \d+\)")

READ_STATE = """() => {
    const text = sel => {
        const e = document.querySelector(sel);
        return e === null ? null : e.textContent.trim();
    };
    return {
        label: text('.stage-label'),
        equation: text('.stage-equation'),
        values: text('.stage-values'),
        checks: text('.stage-checks'),
        error: text('.stage-error'),
        verdict: text('.student-verdict'),
        note: text('.mistake-note'),
        markers: Array.from(document.querySelectorAll('.graph-marker'))
            .map(e => e.textContent.trim()).join(' | '),
    };
}"""


SETTLE = """([quietMs, maxMs]) => new Promise(resolve => {
    const t0 = performance.now();
    let last = t0;
    const obs = new MutationObserver(() => { last = performance.now(); });
    obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                                characterData: true});
    const timer = setInterval(() => {
        const now = performance.now();
        if (now - last >= quietMs || now - t0 >= maxMs) {
            clearInterval(timer); obs.disconnect(); resolve(now - t0);
        }
    }, 20);
})"""


@dataclass
class App:
    page: object
    log: PageLog

    def state(self) -> dict:
        return self.page.evaluate(READ_STATE)

    def stage(self) -> int:
        match = LABEL_RE.match(self.state()["label"] or "")
        assert match, f"stage label does not start with 'Stage N of 9:': {self.state()['label']!r}"
        return int(match.group(1))

    def button(self, name: str):
        return self.page.get_by_role("button", name=name, exact=True)

    def activation(self):
        return self.page.get_by_label("Hidden activation", exact=True)

    def click_and_wait(self, name: str, before: dict, fields=("label",)) -> dict:
        """Click a button; wait (bounded) until every field in ``fields`` has changed."""
        self.button(name).click()
        return self.wait_changed(before, fields)

    def wait_changed(self, before: dict, fields) -> dict:
        try:
            self.page.wait_for_function(
                f"""([before, fields]) => {{
                    const now = ({READ_STATE})();
                    return fields.every(f => now[f] !== null && now[f] !== before[f]);
                }}""",
                arg=[before, list(fields)],
                timeout=STEP_TIMEOUT_MS,
            )
        except PlaywrightTimeoutError:
            now = self.state()
            stuck = [f for f in fields if now[f] == before[f]]
            raise AssertionError(
                f"{stuck} did not change within {STEP_TIMEOUT_MS} ms "
                f"(label {before['label']!r} -> {now['label']!r}; error area {now['error']!r})"
            ) from None
        self.settle()
        return self.state()

    def settle(self, quiet_ms: int = 300, max_ms: int = 5_000) -> None:
        """Wait until the page has not changed for ``quiet_ms`` (at most ``max_ms``).

        One click updates many widgets, each by its own message: the first field to change
        is not the last, so a state read right after it can be half old, half new.
        """
        self.page.evaluate(SETTLE, [quiet_ms, max_ms])

    def go_to_stage(self, target: int) -> dict:
        """Step with Previous / Next until the label shows ``target`` (at most 9 clicks)."""
        for _ in range(STAGES):
            current = self.stage()
            if current == target:
                return self.state()
            self.click_and_wait("Next" if current < target else "Previous", self.state())
        assert self.stage() == target
        return self.state()

    def mistakes(self):
        return self.page.get_by_label("Show a mistake", exact=True)

    def show_mistake(self, label: str, fields=("markers",)) -> dict:
        """Choose a mistake by its option label ("none" for none); wait for ``fields``."""
        before = self.state()
        self.mistakes().select_option(label=label)
        return self.wait_changed(before, fields)

    def set_activation(self, name: str) -> dict:
        before = self.state()
        if self.activation().input_value() == name:
            return before
        self.activation().select_option(name)
        return self.wait_changed(before, ("values",))


@pytest.fixture(scope="module")
def app(browser, voila_factory):
    if not APP.exists():
        pytest.fail(f"{APP} not found: the voila app is missing", pytrace=False)
    server = voila_factory(APP)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    log = PageLog().attach(page)
    page.goto(server.url_for(), wait_until="domcontentloaded", timeout=60_000)
    wait_for_voila(page, timeout_ms=120_000)
    page.wait_for_selector(".stage-label", state="visible", timeout=60_000)
    wait_for_widgets(page)
    server.remember_children()
    yield App(page, log)
    context.close()


def assert_clean(app: App) -> None:
    assert failure_texts_on(app.page) == []
    assert app.log.page_errors == []
    assert app.log.local_console_errors() == []
    assert app.state()["error"] == "", "the app's error area shows a message"


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
