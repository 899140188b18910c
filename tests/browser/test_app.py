"""The stepper app served by voila, driven in headless Chromium.

One voila server and one page load serve the whole module; each test first brings the
app to the state it needs (stage 1, relu), so the tests do not depend on their order.
DOM contract: `.stage-label` ("Stage N of 9: ..."), buttons "Previous" / "Next", a
dropdown "Hidden activation", `.stage-equation`, `.stage-values` ("shape (r, c)"),
`.stage-checks`, `.stage-error`.
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
