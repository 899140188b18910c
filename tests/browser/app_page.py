"""The stepper app in a page: what a test reads from it and how it drives it.

``open_app`` loads the app (a fresh browser context: a viewport, a device scale factor,
touch); ``App`` reads the DOM contract (``course_lib.widgets``' docstring) and drives the
buttons, the dropdowns and the stage; ``assert_clean`` checks the page shows no failure.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .browser_support import (
    REPO_ROOT,
    PageLog,
    failure_texts_on,
    kernel_id_of,
    wait_for_voila,
    wait_for_widgets,
)

# COURSE_APP_NOTEBOOK serves another notebook with the same DOM contract (a mock-up of the
# app, say); by default the tests serve the app itself.
APP = Path(os.environ.get("COURSE_APP_NOTEBOOK", REPO_ROOT / "notebooks" / "app.ipynb"))
STAGES = 9
STEP_TIMEOUT_MS = 10_000
LABEL_RE = re.compile(r"^Stage (\d) of 9:")

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


def open_app(
    browser, server, width: int = 1280, height: int = 900, scale: float = 1, touch: bool = False
) -> App:
    """The app in a new context of that viewport; close it with ``close_app``."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, has_touch=touch
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    log = PageLog().attach(page)
    page.goto(server.url_for(), wait_until="domcontentloaded", timeout=60_000)
    wait_for_voila(page, timeout_ms=120_000)
    page.wait_for_selector(".stage-label", state="visible", timeout=60_000)
    wait_for_widgets(page)
    server.remember_children()
    return App(page, log)


def close_app(app: App, server) -> None:
    """Close the page and shut its kernel down (voila keeps a closed tab's kernel)."""
    kernel_id = kernel_id_of(app.page)
    app.page.context.close()
    if kernel_id:
        try:
            server.shutdown_kernel(kernel_id)
        except OSError:
            pass


def assert_clean(app: App) -> None:
    assert app.log.elsewhere == [], f"requests left the machine: {app.log.elsewhere}"
    assert failure_texts_on(app.page) == []
    assert app.log.page_errors == []
    assert app.log.local_console_errors() == []
    assert app.state()["error"] == "", "the app's error area shows a message"
