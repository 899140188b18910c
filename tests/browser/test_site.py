"""The static site (``make site``, lite/build_site.py) in headless Chromium: no server, files.

The module builds the site once into a temporary folder (downloads come from the cache outside
the clone), serves it with Python's plain static file server on 127.0.0.1, and opens the app's
Voici page once in one browser context. That context aborts every request for anything but
127.0.0.1 and counts it: the site must load nothing from elsewhere. The app runs in Pyodide in
the page: it reaches stage 1, Next moves, a mistake shows its marks, and axe-core finds nothing
critical or serious. Notebook 10 opens in JupyterLite from the front page and, with a
student's function pasted into its cell and every cell run, shows what it shows in
JupyterLab. Under CI or COURSE_REQUIRE_BROWSER a missing browser or npm fails these
tests (``chromium_executable``; the build itself needs npm).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .app_page import App, assert_clean
from .axe import run_axe, summary, wait_for_typesetting
from .browser_support import REPO_ROOT, PageLog, browser_required, leaves_the_machine
from .lite_notebook import LiteNotebook
from .voila_server import free_port

sys.path.insert(0, str(REPO_ROOT / "lite"))
import build_site  # noqa: E402  (lite/build_site.py: what the build names)

pytestmark = pytest.mark.browser

BUILD_TIMEOUT = 900  # a first build downloads about 80 MB; a cached one takes seconds
COLD_LOAD_MS = 150_000  # measured 21-30 s on these 2 cores; bounded generously for load


@pytest.fixture(scope="module")
def built_site(chromium_executable, tmp_path_factory) -> Path:
    if shutil.which("npm") is None:
        message = "npm is needed to build the site (apt-get install -y npm)"
        if browser_required(os.environ):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # The site's tools live in a venv of their own (make site): COURSE_SITE_PYTHON, which
    # make test sets, or that venv's Python.
    python = os.environ.get("COURSE_SITE_PYTHON") or str(REPO_ROOT / ".venv-site/bin/python")
    if not Path(python).exists():
        message = f"the site's build tools are not installed ({python}): run make site"
        if browser_required(os.environ):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    output = tmp_path_factory.mktemp("site") / "site"
    build = subprocess.run(
        [python, str(REPO_ROOT / "lite" / "build_site.py"), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    if build.returncode != 0:
        pytest.fail(f"make site failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}")
    return output


@pytest.fixture(scope="module")
def static_server(built_site):
    """``python -m http.server`` over the built site on 127.0.0.1 (no headers of ours)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        cwd=built_site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/index.html", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the static file server did not answer within 30 s")
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class Offline:
    """Aborts and counts every request of a context that leaves 127.0.0.1; keeps the URL and
    size of every response a page saw (its Content-Length, which ``python -m http.server``
    sends for every file)."""

    def __init__(self, context):
        self.aborted: list[str] = []
        self.fetched: dict[str, int] = {}
        context.route("**/*", self.route)

    def watch(self, page) -> None:
        page.on("response", self.response)

    def response(self, response) -> None:
        path = urlsplit(response.url).path
        size = int(response.headers.get("content-length") or 0)
        self.fetched[path] = self.fetched.get(path, 0) + size

    def total_mb(self) -> float:
        return sum(self.fetched.values()) / 1e6

    def largest(self, n: int) -> str:
        biggest = sorted(self.fetched.items(), key=lambda item: -item[1])[:n]
        return ", ".join(f"{path.rsplit('/', 1)[-1]} {size / 1e6:.2f} MB" for path, size in biggest)

    def route(self, route):
        if leaves_the_machine(route.request.url):
            self.aborted.append(route.request.url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture(scope="module")
def site_app(browser, static_server):
    """The app's Voici page, loaded once (cold: an empty browser cache) in one context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    offline = Offline(context)
    page = context.new_page()
    log = PageLog().attach(page)
    offline.watch(page)
    started = time.monotonic()
    page.goto(f"{static_server}/voici/render/app.html", wait_until="domcontentloaded")
    page.wait_for_selector(".stage-label", state="visible", timeout=COLD_LOAD_MS)
    print(f"static app: stage 1 after {time.monotonic() - started:.1f} s (cold)")
    print(f"static app: {offline.total_mb():.1f} MB fetched; largest: {offline.largest(5)}")
    app = App(page, log)
    app.settle(quiet_ms=500, max_ms=10_000)
    yield app, offline
    context.close()


def test_the_site_ships_its_files_against_the_locks(built_site):
    lock = json.loads((built_site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    for name, entry in lock["packages"].items():
        data = (built_site / "static" / "pyodide" / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
    assert {"course-lib", "numpy", "ipywidgets", "anywidget"} <= set(lock["packages"])
    config = json.loads((built_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    # The widgets and anywidget load; voila's preview, which needs a server, is left out.
    extensions = {e["name"] for e in config["federated_extensions"]}
    assert {"@jupyter-widgets/jupyterlab-manager", "anywidget"} <= extensions
    assert not extensions & set(build_site.LEFT_OUT_EXTENSIONS)
    assert not any((built_site / "extensions" / n).exists() for n in build_site.LEFT_OUT_EXTENSIONS)
    assert "course-lib" in kernel["loadPyodideOptions"]["packages"]
    # The app's page: its own settings and lock, every file of which is shipped as pinned.
    html = (built_site / "voici" / "render" / "app.html").read_text()
    begin = html.index(">", html.index('id="jupyter-config-data"')) + 1
    page = json.loads(html[begin : html.index("</script>", begin)])
    options = page["litePluginSettings"][build_site.KERNEL_PLUGIN]["loadPyodideOptions"]
    assert options["packages"] == ["course-lib"]
    app_lock = json.loads((built_site / options["lockFileURL"]).read_text())
    for name, entry in app_lock["packages"].items():
        data = (built_site / "static" / "pyodide" / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
    changed = {n for n, e in app_lock["packages"].items() if e != lock["packages"][n]}
    nothing = f"{build_site.NOTHING[0]}-{build_site.NOTHING[1]}-py3-none-any.whl"
    emptied = {n for n in changed if app_lock["packages"][n]["file_name"] == nothing}
    assert emptied == {"ssl", "jedi"}
    # The rest are slim copies: fewer files, each kept one byte for byte the whole wheel's.
    assert changed - emptied == set(build_site.APP_SLIMS)
    pyodide = built_site / "static" / "pyodide"
    pairs = [
        (pyodide / lock["packages"][n]["file_name"], pyodide / app_lock["packages"][n]["file_name"])
        for n in build_site.APP_SLIMS
    ]
    stdlib = built_site / options["stdLibURL"]
    assert stdlib.parent.name == build_site.APP_SLIM_DIR
    pairs.append((pyodide / build_site.STDLIB, stdlib))
    for whole, slim in pairs:
        assert slim.parent == pyodide / build_site.APP_SLIM_DIR and slim.name == whole.name
        with zipfile.ZipFile(whole) as full, zipfile.ZipFile(slim) as cut:
            kept = [m for m in cut.namelist() if not m.endswith(".dist-info/RECORD")]
            assert kept and set(kept) < set(full.namelist()), slim.name
            assert all(cut.read(m) == full.read(m) for m in kept), slim.name
        assert slim.stat().st_size < whole.stat().st_size
    index = (built_site / "index.html").read_text()
    assert 'href="voici/render/app.html"' in index
    assert "lab/index.html?path=00_start_here.ipynb" in index


def test_the_static_app_reaches_stage_1_and_next_moves_with_nothing_from_elsewhere(
    site_app, screenshot
):
    app, offline = site_app
    assert app.stage() == 1
    state = app.click_and_wait("Next", app.state())
    assert state["label"].startswith("Stage 2 of 9:"), state["label"]
    app.click_and_wait("Previous", app.state())
    assert app.stage() == 1
    screenshot(app.page, "static-app-stage-1")
    assert offline.aborted == [], f"requests for other hosts: {offline.aborted}"
    assert_clean(app)
    # The app's page draws nothing: its graphs ship as images, Matplotlib is never fetched.
    # Nor is what the kernel asks for as it starts and the app never imports (its own lock
    # gives an empty wheel for each), nor ipywidgets' JupyterLab extension as a wheel.
    files = [path.rsplit("/", 1)[-1] for path in offline.fetched]
    for unused in ("matplotlib-", "openssl-", "ssl-", "jedi-", "parso-", "jupyterlab_widgets-"):
        assert not [f for f in files if f.startswith(unused)], f"the app fetched {unused}*"
    for used in ("course_lib-", "numpy-", "ipython-", "sqlite3-", build_site.NOTHING[0] + "-"):
        assert [f for f in files if f.startswith(used)], f"the app did not fetch {used}*"
    assert build_site.APP_LOCK in files and "pyodide-lock.json" not in files
    # It loads the slim copies of the standard library and of APP_SLIMS' wheels, not the whole.
    slim = f"/static/pyodide/{build_site.APP_SLIM_DIR}/"
    for name in [build_site.STDLIB, "pygments-", "numpy-", "anywidget-", "ipywidgets-"]:
        paths = [p for p in offline.fetched if p.rsplit("/", 1)[-1].startswith(name)]
        assert paths and all(p.startswith(slim) for p in paths), (name, paths)
    assert offline.total_mb() > 10, offline.fetched  # the WebAssembly alone is 10 MB


def test_a_mistake_shows_its_marks_in_the_static_app(site_app, screenshot):
    from course_lib.diagnose import find_mistake
    from course_lib.widgets.render_student import mistake_label

    app, offline = site_app
    app.go_to_stage(2)
    split = find_mistake("sigmoid_backward.derivative_left_out")
    try:
        state = app.show_mistake(mistake_label(split), ("markers", "verdict"))
        assert state["markers"] == "first departs; mistake made here", state["markers"]
        assert state["verdict"] == "dZ2 with the mistake: wrong here", state["verdict"]
        assert split.title in app.page.inner_text(".mistake-note")
        screenshot(app.page, "static-app-mistake-stage-2")
    finally:
        app.show_mistake("none", ("markers",))
    assert offline.aborted == []


def test_axe_finds_nothing_critical_or_serious_on_the_static_app(site_app, axe_source):
    app, _ = site_app
    app.go_to_stage(1)
    wait_for_typesetting(app.page)
    found = run_axe(app.page, axe_source)
    serious = [v for v in found if v["impact"] in ("critical", "serious")]
    assert not serious, summary(serious)


# What a student pastes into the static app's "Your code": 1/m forgotten in dW, under a star
# import, which reaches every NumPy submodule (the app's slim NumPy keeps every module).
PASTED_MISTAKE = """from numpy import *


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
"""


def paste_and_run(app, source: str, expect: str) -> str:
    """Paste ``source`` into "Your code", press Run and wait for the status to say ``expect``."""
    page = app.page
    area = page.locator(".your-code textarea").first
    area.fill(source)
    area.blur()  # the value reaches the kernel when the field is left
    page.get_by_role("button", name="Run my functions").click()
    try:
        page.wait_for_function(
            "(want) => (document.querySelector('.your-code-status') || {})"
            ".textContent?.includes(want)",
            arg=expect,
            timeout=90_000,
        )
    except PlaywrightTimeoutError:
        said = page.evaluate("() => document.querySelector('.your-code')?.innerText")
        pytest.fail(f"Your code never said {expect!r}; it shows: {said!r}")
    return page.inner_text(".your-code-status")


def test_a_students_pasted_functions_run_in_their_tab_and_fill_the_third_column(
    site_app, screenshot
):
    from course_lib.diagnose import find_mistake

    app, offline = site_app
    paste_and_run(app, PASTED_MISTAKE, "In the third column now: your linear_backward")
    app.go_to_stage(3)
    app.page.wait_for_function(
        "() => (document.querySelector('.student-verdict') || {}).textContent?.trim()"
        " === 'Your dW2: wrong here'",
        timeout=30_000,
    )
    note = app.page.inner_text(".mistake-note")
    assert find_mistake("linear_backward.no_one_over_m_in_dW").title in note
    line = app.page.inner_text(".student-line")
    assert "dW = np.dot(dZ, A_prev.T)" in line and "dW2 (equation 2), wrongly" in line
    screenshot(app.page, "static-app-your-code-stage-3")

    # A loop that never ends: the budget of steps stops it, and the app goes on.
    said = paste_and_run(
        app,
        "def relu_backward(dA, cache):\n    while True:\n        pass\n",
        "In the third column now: your relu_backward",
    )
    assert "linear_backward" not in said
    screenshot(app.page, "static-app-your-code-endless-loop")
    try:
        app.page.wait_for_function(
            "() => document.body.innerText.includes('and was stopped')", timeout=60_000
        )
    except Exception:
        shown = app.page.evaluate(
            "() => Array.from(document.querySelectorAll('.student-values, .student-summary,"
            " .stage-error')).map(e => [e.className, getComputedStyle(e).display,"
            " e.textContent.slice(0, 300)])"
        )
        pytest.fail(f"the stop is not on the page: {shown}\nconsole: {app.log.console_errors}")
    before = app.stage()
    app.click_and_wait("Next", app.state())
    assert app.stage() == before + 1
    assert offline.aborted == []
    assert app.log.page_errors == []


NOTEBOOK_10 = REPO_ROOT / "notebooks" / "10_your_code_stage_by_stage.ipynb"
RUN_ALL_MS = 150_000  # the front page to the last cell run: 21 s here, 31 s with other jobs


def test_notebook_10_in_jupyterlite_judges_a_pasted_function_with_nothing_from_elsewhere(
    browser, static_server, screenshot
):
    """Notebook 10 as a student uses it in JupyterLite: opened from the site's front page,
    their linear_backward (1/m forgotten in dW) pasted over the stub in its cell, Run > Run
    All Cells. The verdict names the first departing stage and the mistake with its hint,
    "Your code, line by line" shows their own line marked wrong, the stepper opens at the
    end, no cell shows an error, and no request leaves 127.0.0.1. (JupyterLite reads its
    settings from every folder above a page, the front page included: without them it
    never starts.)"""
    from course_lib.diagnose import find_mistake

    mistake = find_mistake("linear_backward.no_one_over_m_in_dW")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    offline = Offline(context)
    page = context.new_page()
    log = PageLog().attach(page)
    try:
        started = time.monotonic()
        notebook = LiteNotebook.open_from_front_page(page, static_server, NOTEBOOK_10, 120_000)
        assert "Your code, stage by stage" in notebook.title()
        notebook.replace_source("def linear_backward(dZ, cache):", PASTED_MISTAKE)
        notebook.run_all(RUN_ALL_MS)
        print(f"notebook 10 in JupyterLite: all cells run {time.monotonic() - started:.1f} s "
              "after the front page (cold)")  # fmt: skip

        assert "your functions in the pass: linear_backward" in notebook.output("mine = {")
        verdict = notebook.output("nh.comparison_summary(result)")
        assert "First departure: dW2 (stage 3)." in verdict, verdict
        assert f"The mistake, made at dW2: {mistake.title}." in verdict, verdict
        assert f"Hint: {mistake.hint}" in verdict, verdict
        assert "no_one_over_m_in_dW" not in verdict, verdict  # the title, not the id
        screenshot(page, "verdict", enlarge=False)

        lines = notebook.cell("from course_lib.student import annotate")
        assert "your code, line by line" in lines.locator(".jp-OutputArea").inner_text()
        row = lines.locator("tr", has_text="dW = np.dot(dZ, A_prev.T)")
        assert row.count() == 1, lines.locator(".jp-OutputArea").inner_text()
        assert "dW2: eq. 2, wrong here; dW1: eq. 5, wrong here" in row.inner_text()
        row.scroll_into_view_if_needed()
        screenshot(page, "line-by-line", enlarge=False)

        stepper = notebook.cell("from course_lib.widgets import app")
        label = stepper.locator(".stage-label")
        label.wait_for(state="visible", timeout=30_000)
        assert label.inner_text().startswith("Stage 1 of 9:")

        assert notebook.error_outputs() == []
        assert offline.aborted == [], f"requests for other hosts: {offline.aborted}"
        assert log.page_errors == []
    finally:
        context.close()
