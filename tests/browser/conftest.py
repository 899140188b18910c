"""Fixtures for the browser tests: voila / JupyterLab servers, one Chromium, pages.

- ``chromium_executable`` (session): the browser to use; skips with a clear message when
  none is found, fails instead under CI=true or COURSE_REQUIRE_BROWSER=1.
- ``browser`` (session): one headless Chromium shared by every test.
- ``page`` (function): a fresh context and page; ``page_log`` holds its page errors,
  console errors and failed requests.
- ``voila_factory`` (module): starts voila servers, stops them at the end of the module.
- ``app_server`` (session): the one voila server of the app that the app's modules share.
- ``axe_source`` (session): axe-core's ``axe.min.js``, from npm (``axe.py``).
- ``screenshot``: saves a PNG of the whole page under test-artifacts/.
"""

from __future__ import annotations

import os

import pytest

from .app_page import APP
from .axe import axe_source as _axe_source
from .browser_support import PageLog, decide_browser, launch_chromium, save_screenshot
from .voila_server import VoilaServer


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    decision = decide_browser(os.environ)
    if decision.action == "fail":
        pytest.fail(decision.message, pytrace=False)
    if decision.action == "skip":
        pytest.skip(decision.message)
    return decision.executable


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw, chromium_executable)
        yield browser
        browser.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page_log.attach(page)
    yield page
    context.close()


@pytest.fixture(scope="module")
def voila_factory(chromium_executable):
    """Start voila (``VoilaServer`` arguments); every server started stops after the module.

    It asks for the browser first, so no server starts when the browser tests are skipped.
    """
    servers: list[VoilaServer] = []

    def start(target, **kwargs) -> VoilaServer:
        server = VoilaServer(target, **kwargs)
        servers.append(server)
        return server.start()

    yield start
    for server in reversed(servers):
        server.stop()


@pytest.fixture(scope="session")
def app_server(chromium_executable):
    """voila serving the app, shared by every module that drives it (test_faults keeps one
    of its own: it kills kernels and loads the page fifty times)."""
    if not APP.exists():
        pytest.fail(f"{APP} not found: the voila app is missing", pytrace=False)
    server = VoilaServer(APP).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def axe_source(chromium_executable) -> str:
    try:
        return _axe_source()
    except RuntimeError as exc:
        pytest.fail(f"axe-core could not be installed: {exc}", pytrace=False)


@pytest.fixture
def screenshot(request):
    """``screenshot(page, label)`` saves test-artifacts/<test name>-<label>.png."""
    stem = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")

    def take(page, label: str, **kwargs):
        return save_screenshot(page, f"{stem}-{label}", **kwargs)

    return take
