"""What a student does in the browser on the hub, for the hub tests (run in the browser thread).

The app is checked only through its DOM contract (``course_lib.widgets``' docstring): the
``stage-label`` text "Stage N of 9: <title>", buttons "Next" and "Previous".
"""

from __future__ import annotations

import time

from browser.browser_support import (
    FAILURE_TEXTS,
    PageLog,
    failure_texts_on,
    save_screenshot,
    wait_for_voila,
    wait_for_widgets,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

PASSWORD = "any password: DummyAuthenticator takes them all"
LABEL = "(root) => root.querySelector('.stage-label')?.textContent.trim() ?? ''"
NEXT_ENABLED = """(root) => {
    const next = Array.from(root.querySelectorAll('button'))
        .find(b => b.textContent.trim() === 'Next');
    return next !== undefined && !next.disabled;
}"""
STEP_MS = 15_000


def new_page(browser, timeout_ms: float = 60_000):
    """A fresh browser context (a student of their own) and its page, with a PageLog."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    return context, page, PageLog().attach(page)


def log_in(page, user: str) -> None:
    """Fill in the hub's login form the page is showing and submit it."""
    page.wait_for_selector("#username_input", state="visible")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")


def wait_for_app(page, timeout_s: float, root: str = "body") -> float:
    """Wait (bounded) until the app under ``root`` is usable: voila done, every widget
    rendered, the stage label showing stage 1, Next enabled. Returns the seconds waited."""
    t0 = time.monotonic()

    def left_ms() -> float:
        return max(1_000.0, (t0 + timeout_s - time.monotonic()) * 1000)

    # Fail at once on a page that cannot become the app (an error page, a failed render).
    arrived_or_failed = """([root, texts]) => {
        const label = document.querySelector(root + ' .stage-label');
        if (label && label.offsetParent !== null) return true;
        const text = document.body ? document.body.innerText : '';
        return text.includes('404 : Not Found') || text.includes('404: Not Found')
            || texts.some(t => t !== 'Loading widget' && text.includes(t));
    }"""
    steps = [
        (
            "the app or an error on the page",
            lambda: page.wait_for_function(
                arrived_or_failed, arg=[root, list(FAILURE_TEXTS)], timeout=left_ms(), polling=100
            ),
        ),
        ("voila finished (spinner gone)", lambda: wait_for_voila(page, timeout_ms=left_ms())),
        (
            "stage label visible",
            lambda: page.wait_for_selector(
                f"{root} .stage-label", state="visible", timeout=left_ms()
            ),
        ),
        ("every widget rendered", lambda: wait_for_widgets(page, timeout_ms=left_ms())),
        (
            "Next enabled",
            lambda: page.wait_for_function(
                f"() => ({NEXT_ENABLED})(document.querySelector('{root}'))", timeout=left_ms()
            ),
        ),
    ]
    for name, wait in steps:
        try:
            wait()
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"not reached within {timeout_s:.0f} s: {name}; the page at "
                f"{page.url} shows {describe(page)}"
            ) from None
        if (
            name.startswith("the app or an error")
            and not page.locator(f"{root} .stage-label").count()
        ):
            raise AssertionError(f"no app at {page.url}: the page shows {describe(page)}")
    shown = failure_texts_on(page)
    assert not shown, f"the page shows {shown}"
    return time.monotonic() - t0


def label(page, root: str = "body") -> str:
    return page.evaluate(f"() => ({LABEL})(document.querySelector('{root}'))")


def click_and_wait_for(page, button: str, stage: int, root: str = "body") -> None:
    """Click ``button`` ("Next" or "Previous"); the label must reach ``Stage <stage> of 9``."""
    page.locator(root).get_by_role("button", name=button, exact=True).first.click(timeout=STEP_MS)
    try:
        page.wait_for_function(
            f"() => ({LABEL})(document.querySelector('{root}')).startsWith('Stage {stage} of 9:')",
            timeout=STEP_MS,
        )
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"{button} did not reach stage {stage} within {STEP_MS} ms "
            f"(label {label(page, root)!r})"
        ) from None


def step_through(page, root: str = "body") -> list[str]:
    """Next from stage 1 to 9, then Previous back to 1; returns the nine stage labels."""
    seen = [label(page, root)]
    assert seen[0].startswith("Stage 1 of 9:"), f"first label {seen[0]!r}"
    for stage in range(2, 10):
        click_and_wait_for(page, "Next", stage, root)
        seen.append(label(page, root))
    for stage in range(8, 0, -1):
        click_and_wait_for(page, "Previous", stage, root)
    assert label(page, root) == seen[0]
    return seen


def describe(page) -> str:
    """For a failure message: the failure texts on the page, else the end of its text."""
    try:
        shown = failure_texts_on(page)
        tail = " ".join(page.inner_text("body").split())[-160:]
    except Exception as exc:  # the page may be gone or mid-navigation
        return f"(unreadable: {type(exc).__name__})"
    return f"{shown}" if shown else f"no error text; it ends {tail!r}"


def screenshot(page, name: str, **kwargs) -> None:
    try:
        save_screenshot(page, f"hub-{name}", **kwargs)
    except Exception:  # a screenshot is evidence, never the reason a test fails
        pass
