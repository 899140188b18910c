"""Chromium for the browser tests: whether to run, skip or fail, how to launch, page helpers.

Standard library only at import time (Playwright is imported where it is used), so the
decision logic is testable on a machine without a browser.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"

# Text that means a voila page failed, whatever the app puts on screen.
FAILURE_TEXTS = (
    "Error displaying widget",
    "Loading widget",
    "There was an error when executing cell",
    "Cell execution timed out",
    "Traceback (most recent call last)",
    "Voilà Error",
)

# anywidget's message for a model that did not load its module within 2 s of its creation
# in the browser; ``course_lib.widgets.browser_views`` replaces such a model.
MODEL_FAILED = "[anywidget] Failed to initialize model."

# How many new models the kernel gave the page's browser views (each view shows its count
# as data-reopened).
MODELS_REPLACED = """() => [...document.querySelectorAll('[data-reopened]')]
    .reduce((n, e) => n + Number(e.dataset.reopened), 0)"""

# The anywidget views (course_lib.widgets' DOM contract) that do not show stage ``stage``
# (its value is ``key``): a view whose model failed, and was not replaced, keeps what it
# first showed.
STALE_VIEWS = """([stage, key]) => {
    const stale = [];
    const label = document.querySelector('.stage-label h2.stage-title');
    if (!label || !label.textContent.startsWith(`Stage ${stage} of 9:`)) stale.push('stage label');
    const slider = document.querySelector('.stage-slider input[type=range]');
    if (!slider || slider.value !== String(stage)
            || !(slider.getAttribute('aria-valuetext') || '').startsWith(`Stage ${stage} of 9:`)) {
        stale.push('stage slider');
    }
    const caption = document.querySelector('.stage-values .lt-caption');
    if (!caption || !caption.textContent.startsWith(`${key},`)) stale.push('linked tables');
    return stale;
}"""


def browser_required(env: Mapping[str, str]) -> bool:
    """CI and ``COURSE_REQUIRE_BROWSER=1`` make a missing browser a failure, not a skip."""
    if env.get("COURSE_REQUIRE_BROWSER", "").strip() == "1":
        return True
    return env.get("CI", "").strip().lower() == "true"


@dataclass(frozen=True)
class BrowserDecision:
    action: str  # "run", "skip" or "fail"
    executable: str | None
    message: str


def decide_browser(
    env: Mapping[str, str],
    is_executable: Callable[[str], bool] = lambda p: os.access(p, os.X_OK),
    which: Callable[[str], str | None] = shutil.which,
) -> BrowserDecision:
    """Find Chromium and decide what to do.

    ``COURSE_CHROMIUM`` (a path) wins when set, for machines whose Chromium lives elsewhere
    (GitHub's runners have Google Chrome, and Ubuntu's ``chromium`` package is a snap
    stub); then Debian's path, then ``chromium`` on PATH.
    """
    chosen = env.get("COURSE_CHROMIUM", "").strip()
    if chosen:
        if is_executable(chosen):
            return BrowserDecision("run", chosen, f"using {chosen} (COURSE_CHROMIUM)")
        message = f"COURSE_CHROMIUM={chosen!r} is not an executable file"
        if browser_required(env):
            return BrowserDecision("fail", None, message + " (browser tests are mandatory)")
        return BrowserDecision("skip", None, message + "; browser tests skipped")
    if is_executable(DEBIAN_CHROMIUM):
        return BrowserDecision("run", DEBIAN_CHROMIUM, f"using {DEBIAN_CHROMIUM}")
    found = which("chromium")
    if found:
        return BrowserDecision("run", found, f"using {found}")
    message = (
        f"no Chromium found ({DEBIAN_CHROMIUM} missing, no `chromium` on PATH); "
        "install it with `apt-get install -y chromium`"
    )
    if browser_required(env):
        return BrowserDecision(
            "fail", None, message + " (browser tests are mandatory: CI or COURSE_REQUIRE_BROWSER=1)"
        )
    return BrowserDecision("skip", None, message + "; browser tests skipped")


def launch_chromium(playwright, executable: str, **kwargs):
    """Headless Chromium with the flags that work on these machines (no user-data-dir)."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=list(CHROMIUM_ARGS), **kwargs
    )


def leaves_the_machine(url: str) -> bool:
    """Whether a request for ``url`` goes anywhere but 127.0.0.1, where every server of the
    tests listens. A ``data:`` URL is no request, and a ``blob:`` URL names memory of the
    page whose origin it carries."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return False
    if parts.scheme == "blob":
        parts = urlsplit(parts.path)
    return parts.hostname != "127.0.0.1"


@dataclass
class PageLog:
    """Page errors, console errors, failed requests, and requests that left the machine
    (``elsewhere``: a classroom's network may allow none) seen by one page."""

    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    def note_if_elsewhere(self, request) -> None:
        if leaves_the_machine(request.url):
            self.elsewhere.append(request.url)

    def attach(self, page) -> PageLog:
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                self.console_errors.append(f"{msg.text} @ {msg.location.get('url', '')}")
                if msg.type == "error"
                else None
            ),
        )
        page.on(
            "requestfailed",
            lambda req: self.failed_requests.append(f"{req.url} ({req.failure})"),
        )
        page.on("request", self.note_if_elsewhere)
        return self

    def local_console_errors(self) -> list[str]:
        """Console errors other than resources that failed to load from other hosts.

        Offline, voila's page cannot fetch Font Awesome from its CDN; the failure shows
        up as a console error naming no URL of ours. Errors about 127.0.0.1 stay.
        """
        external = {u.split(" ")[0] for u in self.failed_requests if not _is_local(u)}
        kept = []
        for text in self.console_errors:
            if text.startswith("Failed to load resource") and not _is_local(text.split("@")[-1]):
                continue
            if any(u in text for u in external):
                continue
            kept.append(text)
        return kept


def _is_local(url: str) -> bool:
    url = url.strip()
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1")) or url == ""


def wait_for_voila(page, timeout_ms: float = 60_000) -> None:
    """Wait until voila's ``#loading`` spinner is gone (the notebook has executed)."""
    page.wait_for_selector("body", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('#loading') || "
        "getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=timeout_ms,
    )


def stale_views(page, stage: int, key: str, timeout_ms: float) -> list[str]:
    """The anywidget views that still do not show stage ``stage`` (value ``key``, e.g.
    "dZ2") after up to ``timeout_ms``: lost views. [] when every view follows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(
            f"(a) => ({STALE_VIEWS})(a).length === 0",
            arg=[stage, key],
            timeout=timeout_ms,
            polling=100,
        )
    except PlaywrightTimeoutError:
        pass
    return page.evaluate(STALE_VIEWS, [stage, key])


def wait_for_widgets(page, timeout_ms: float = 30_000, stable_ms: float = 300) -> None:
    """Wait until voila has rendered every output and no widget view says "Loading widget...".

    voila ships each output as a ``<script type="application/vnd.voila.cell-output+json">``
    and replaces it once rendered; widget views show "Loading widget..." until their model
    arrives. Both must be gone, and stay gone for ``stable_ms``: the placeholders can appear
    a moment after voila's spinner goes. Times out (Playwright TimeoutError) otherwise.
    """
    page.wait_for_function(
        """(stableMs) => {
            const loading = document.querySelector('#loading');
            const done = document.body !== null
                && (!loading || getComputedStyle(loading).display === 'none')
                && !document.querySelector(
                    'script[type="application/vnd.voila.cell-output+json"]')
                && !document.body.innerText.includes('Loading widget');
            if (!done) { window.__courseWidgetsSince = null; return false; }
            window.__courseWidgetsSince = window.__courseWidgetsSince || performance.now();
            return performance.now() - window.__courseWidgetsSince >= stableMs;
        }""",
        arg=stable_ms,
        timeout=timeout_ms,
        polling=50,
    )


def stderr_outputs_on(page) -> list[str]:
    """Text of every stderr or error output shown on the page (warnings, exceptions)."""
    return page.eval_on_selector_all(
        '[data-mime-type="application/vnd.jupyter.stderr"]', "els => els.map(e => e.innerText)"
    )


def kernel_id_of(page) -> str | None:
    """The kernel id a voila page is connected to (from its page config), if any."""
    return page.evaluate(
        """() => {
            const e = document.getElementById('jupyter-config-data');
            return e ? (JSON.parse(e.textContent).kernelId || null) : null;
        }"""
    )


def broken_images_on(page) -> list[str]:
    """Sources of images that finished loading without a picture (a broken figure)."""
    return page.evaluate(
        """() => Array.from(document.images)
            .filter(i => i.complete && i.naturalWidth === 0)
            .map(i => i.src.slice(0, 80))"""
    )


def failure_texts_on(page) -> list[str]:
    """Which of FAILURE_TEXTS appear in the page's visible text."""
    text = page.inner_text("body")
    return [t for t in FAILURE_TEXTS if t in text]


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds pass; returns the last result."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def save_screenshot(
    page, name: str, width: int = 1280, min_height: int = 900, enlarge: bool = True
) -> Path:
    """Save a PNG of the page under test-artifacts/.

    voila scrolls inside a container, so a full-page screenshot would show only the
    viewport: with ``enlarge`` the viewport is first set to the content's height (bounded)
    and restored afterwards. JupyterLab renders only the cells near the viewport, so there
    scroll the element of interest into view and pass ``enlarge=False``.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if not enlarge:
        page.screenshot(path=str(path))
        return path
    height = page.evaluate(
        """() => Math.max(
            document.body.scrollHeight,
            ...Array.from(document.querySelectorAll('body *'))
                .filter(e => e.scrollHeight > e.clientHeight + 1)
                .map(e => e.scrollHeight))"""
    )
    old = page.viewport_size
    page.set_viewport_size({"width": width, "height": int(min(max(height, min_height), 6000))})
    page.screenshot(path=str(path), full_page=True)
    if old:
        page.set_viewport_size(old)
    return path
