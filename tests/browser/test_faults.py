"""Faults a classroom meets, in headless Chromium against voila with the repo's voila.json.

- Many page loads in a row: every one reaches a working app (no hang, no widget error) and
  keeps every view (none lost: each anywidget view follows a click; a model that missed
  anywidget's 2 s is replaced, and counted).
- A page whose anywidget models all miss their 2 s (the main thread held 2.5 s as each
  module loads): each is replaced and every view follows a click.
- A cell that runs past ``VoilaExecutor.timeout``: the page ends with voila's timeout message,
  not an endless spinner.
- A kernel killed mid-session: the page tells the student the app stopped and to reload
  (``course_lib.widgets.KERNEL_STOPPED``), and a reload gives a working app.
- A failure inside a callback: the friendly message shows and the app keeps working.

Every server runs from the repo root, so voila.json (pre-heated kernel, cell timeout) applies.
Each test shuts down the kernels of the pages it opened: voila 0.5.13 keeps the kernel of a
closed tab (voila-dashboards/voila#1458).
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from jupyter_client import BlockingKernelClient
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from course_lib.stages import STAGE_KEYS
from course_lib.widgets import FRIENDLY_ERROR, KERNEL_STOPPED

from .browser_support import (
    ARTIFACTS,
    MODEL_FAILED,
    MODELS_REPLACED,
    REPO_ROOT,
    PageLog,
    failure_texts_on,
    kernel_id_of,
    stale_views,
    stderr_outputs_on,
    wait_for_voila,
    wait_for_widgets,
    wait_until,
)
from .voila_server import VoilaServer, descendants

pytestmark = pytest.mark.browser

APP = REPO_ROOT / "notebooks" / "app.ipynb"
LOADS = 50
LOAD_BOUND_S = 60.0  # a load not interactive (and stepping) within this is a hang
MAX_FAILED_LOADS = 3  # stop early: each hang costs LOAD_BOUND_S
STEP_BOUND_MS = 15_000
TIMEOUT_S = 3  # VoilaExecutor.timeout for the hanging notebook
# voila.json interrupts a cell that runs past the timeout (the kernel is freed, not left busy
# for good) and words voila's messages for students: with show_tracebacks off, the
# interrupted cell's output is "There was an error when executing cell [n]. " followed by
# VoilaExecutor.cell_error_instruction.
VOILA_CONFIG = json.loads((REPO_ROOT / "voila.json").read_text())
STUDENT_INSTRUCTION = VOILA_CONFIG["VoilaExecutor"]["cell_error_instruction"]

NEXT_ENABLED = """() => {
    const next = Array.from(document.querySelectorAll('button'))
        .find(b => b.textContent.trim() === 'Next');
    return next !== undefined && !next.disabled;
}"""
LABEL = "() => document.querySelector('.stage-label')?.textContent.trim() ?? ''"


# ----------------------------------------------------------------------------- helpers


def wait_until_interactive(page, deadline: float) -> None:
    """Wait, at most until ``deadline`` (time.monotonic), for the app to be usable: voila
    done, the stage label visible, every widget rendered, Next enabled. An AssertionError
    names the first step not reached and what the page shows instead."""

    def left_ms() -> float:
        return max(1_000.0, (deadline - time.monotonic()) * 1000)

    steps = [
        ("voila finished (spinner gone)", lambda: wait_for_voila(page, timeout_ms=left_ms())),
        (
            "stage label visible",
            lambda: page.wait_for_selector(".stage-label", state="visible", timeout=left_ms()),
        ),
        ("every widget rendered", lambda: wait_for_widgets(page, timeout_ms=left_ms())),
        ("Next enabled", lambda: page.wait_for_function(NEXT_ENABLED, timeout=left_ms())),
    ]
    for name, wait in steps:
        try:
            wait()
        except PlaywrightTimeoutError:
            raise AssertionError(f"not reached: {name}; {what_the_page_shows(page)}") from None
    shown = failure_texts_on(page)
    assert not shown, f"the page shows {shown}"
    label = page.evaluate(LABEL)
    assert label.startswith("Stage 1 of 9:"), f"stage label {label!r}"
    assert not page.locator(".app-stopped-text").is_visible(), "the app-stopped notice shows"


def what_the_page_shows(page) -> str:
    """For a failure message: the failure texts on the page, else the end of its text."""
    try:
        shown = failure_texts_on(page)
        tail = " ".join(page.inner_text("body").split())[-100:]
    except PlaywrightError as exc:
        return f"the page cannot be read ({exc.message.splitlines()[0]})"
    return f"the page shows {shown}" if shown else f"no error text; the page ends {tail!r}"


def click_next_and_wait_for(page, stage: int) -> None:
    """Click Next; the label must reach ``Stage <stage> of 9`` within STEP_BOUND_MS."""
    page.get_by_role("button", name="Next", exact=True).click(timeout=STEP_BOUND_MS)
    try:
        page.wait_for_function(
            f"() => ({LABEL})().startsWith('Stage {stage} of 9:')", timeout=STEP_BOUND_MS
        )
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"Next did not reach stage {stage} within {STEP_BOUND_MS} ms "
            f"(label {page.evaluate(LABEL)!r})"
        ) from None


def kernel_id_of_quietly(page) -> str | None:
    try:
        return kernel_id_of(page)
    except Exception:  # the page may be broken or gone; nothing to shut down then
        return None


def shut_down(server: VoilaServer, kernel_id: str | None) -> None:
    """Shut down a page's kernel after its page closed; a kernel already gone is fine."""
    if kernel_id is None:
        return
    server.remember_children()
    try:
        server.shutdown_kernel(kernel_id)
    except urllib.error.HTTPError:
        pass


def kernel_state(server: VoilaServer, kernel_id: str | None, settle_s: float = 15.0) -> str:
    """The kernel's execution state once it stops being busy (bounded), or why not."""
    if kernel_id is None:
        return "no kernel id in the page"
    model: dict | None = None

    def settled() -> bool:
        nonlocal model
        model = server.kernel_model(kernel_id)
        return model is None or model["execution_state"] != "busy"

    wait_until(settled, timeout=settle_s, interval=0.2)
    return "gone" if model is None else model["execution_state"]


def kernel_process(server: VoilaServer, kernel_id: str) -> int:
    """The pid of the server's kernel process for ``kernel_id``: the descendant of the
    server whose command line names that kernel's connection file."""
    found = [
        pid
        for pid in descendants(server.proc.pid)
        if f"kernel-{kernel_id}.json" in " ".join(command_line(pid))
    ]
    assert len(found) == 1, f"kernel {kernel_id}: found processes {found}"
    return found[0]


def command_line(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode(errors="replace").split("\0")


def kernel_processes(server: VoilaServer) -> list[int]:
    return [
        pid
        for pid in descendants(server.proc.pid)
        if "ipykernel_launcher" in " ".join(command_line(pid))
    ]


def run_in_kernel(server: VoilaServer, kernel_id: str, code: str) -> None:
    """Run ``code`` in a page's kernel through its connection file, as the test owns the
    server (the page itself cannot: voila passes only comm and kernel-info messages)."""
    argv = command_line(kernel_process(server, kernel_id))
    connection_file = next(a for a in argv if a.endswith(f"kernel-{kernel_id}.json"))
    client = BlockingKernelClient(connection_file=connection_file)
    client.load_connection_file()
    client.start_channels()
    try:
        msg_id = client.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                assert reply["content"]["status"] == "ok", reply["content"]
                return
        raise AssertionError("no reply from the kernel within 30 s")
    finally:
        client.stop_channels()


def load_once(server: VoilaServer, context, n: int) -> dict:
    """Load the app in a new tab; the record has the times (s) to the served page, to
    interactive and to the first step done, or the failure; the tab is closed and its kernel
    id returned in the record."""
    page = context.new_page()
    log = PageLog().attach(page)
    t0 = time.monotonic()
    record: dict = {"load": n}
    try:
        page.goto(server.url_for(), wait_until="domcontentloaded", timeout=LOAD_BOUND_S * 1000)
        record["served_s"] = round(time.monotonic() - t0, 2)  # voila's answer (kernel, render)
        wait_until_interactive(page, t0 + LOAD_BOUND_S)
        record["interactive_s"] = round(time.monotonic() - t0, 2)
        click_next_and_wait_for(page, 2)
        record["stepped_s"] = round(time.monotonic() - t0, 2)
        record["lost_views"] = stale_views(page, 2, STAGE_KEYS[1], STEP_BOUND_MS)
        record["models_failed"] = sum(MODEL_FAILED in e for e in log.page_errors)
        record["models_replaced"] = page.evaluate(MODELS_REPLACED)
        assert not record["lost_views"], f"lost views: {record['lost_views']}"
        errors = [e for e in log.page_errors if MODEL_FAILED not in e]
        assert not errors, f"page errors {errors}"
    except (AssertionError, PlaywrightTimeoutError) as exc:
        record["failure"] = str(exc).splitlines()[0]
    finally:
        record["kernel_id"] = kernel_id_of_quietly(page)
        page.close()
    return record


@pytest.fixture(scope="module")
def app_server(voila_factory):
    return voila_factory(APP.relative_to(REPO_ROOT))


@pytest.fixture
def app_page(app_server, page):
    """The app loaded and interactive in the ``page`` fixture's page; its kernel is shut
    down afterwards (and any kernel the test records in ``kernels``)."""
    kernels: list[str] = []
    page.goto(app_server.url_for(), wait_until="domcontentloaded", timeout=60_000)
    kernels.append(kernel_id_of(page))
    wait_until_interactive(page, time.monotonic() + 120)
    app_server.remember_children()
    yield page, kernels
    page.context.close()
    for kernel_id in kernels:
        shut_down(app_server, kernel_id)


# ----------------------------------------------------------------------------- the tests


@pytest.mark.timeout(900)
def test_fifty_page_loads_in_a_row_all_reach_a_working_app(app_server, browser):
    """Each load, in a new tab of one browser, must be interactive and step once within
    LOAD_BOUND_S; then the tab closes and its kernel is shut down (in the background, while
    the next tab loads)."""
    records: list[dict] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(STEP_BOUND_MS)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as shutdowns:
        done = []
        for n in range(1, LOADS + 1):
            records.append(load_once(app_server, context, n))
            done.append(shutdowns.submit(shut_down, app_server, records[-1].pop("kernel_id")))
            if sum("failure" in r for r in records) >= MAX_FAILED_LOADS:
                break
        for shutdown in done:
            shutdown.result(timeout=60)  # re-raises what went wrong in a shutdown
    total = time.monotonic() - started
    context.close()

    times = [r["interactive_s"] for r in records if "interactive_s" in r]
    lost = sum(len(r.get("lost_views", [])) for r in records)
    model_failures = sum(r.get("models_failed", 0) for r in records)
    replaced = sum(r.get("models_replaced", 0) for r in records)
    summary = (
        f"{len(records)} loads in {total:.0f} s; {lost} views lost; {model_failures} anywidget "
        f"models failed, {replaced} replaced; time to interactive: median "
        f"{statistics.median(times) if times else float('nan'):.2f} s, "
        f"max {max(times, default=float('nan')):.2f} s"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-loads.json").write_text(
        json.dumps({"summary": summary, "loads": records}, indent=1)
    )
    print(summary)
    failed = [f"load {r['load']}: {r['failure']}" for r in records if "failure" in r]
    assert not failed, f"{len(failed)} of {len(records)} loads failed ({summary}):\n" + "\n".join(
        failed
    )
    assert len(records) == LOADS
    # Closed pages' kernels were shut down: only the pre-heated pool's kernel remains.
    wait_until(lambda: len(kernel_processes(app_server)) <= 1, timeout=15)
    leftover = kernel_processes(app_server)
    assert len(leftover) <= 1, f"{len(leftover)} kernels still running after {LOADS} loads"


# Hold the page's main thread HELD_MS as each of the first HELD_MODULES anywidget modules
# starts to load (anywidget 0.11 makes a blob: URL of the module right after it creates
# the model and starts its 2 s): every model of the first page misses its 2 s, as on a
# loaded classroom machine. Counts the modules loaded.
HELD_MODULES = 3
HELD_MS = 2_500
HOLD_MODULES = """
(([held, ms]) => {
    window.__modulesLoaded = 0;
    const made = URL.createObjectURL;
    URL.createObjectURL = function (blob) {
        if (blob instanceof Blob && blob.type === 'text/javascript') {
            window.__modulesLoaded += 1;
            if (window.__modulesLoaded <= held) {
                const until = performance.now() + ms;
                while (performance.now() < until) { /* the page is busy */ }
            }
        }
        return made.apply(this, arguments);
    };
})(%s);
"""


def test_views_whose_models_missed_anywidgets_two_seconds_are_replaced_and_follow_a_click(
    app_server, browser, screenshot
):
    """Every anywidget model of the page fails ("[anywidget] Failed to initialize model.":
    it would ignore the kernel from then on); each says so, gets a new model, and every view
    follows Next. Without the replacement the three views stay at stage 1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(STEP_BOUND_MS)
    context.add_init_script(HOLD_MODULES % json.dumps([HELD_MODULES, HELD_MS]))
    page = context.new_page()
    log = PageLog().attach(page)
    kernel_id = None
    try:
        page.goto(app_server.url_for(), wait_until="domcontentloaded", timeout=60_000)
        kernel_id = kernel_id_of(page)
        wait_until_interactive(page, time.monotonic() + LOAD_BOUND_S)
        for _ in range(100):  # the fault really happened: every model failed (10 s at most)
            failed = [e for e in log.page_errors if MODEL_FAILED in e]
            if len(failed) >= HELD_MODULES:
                break
            page.wait_for_timeout(100)
        assert len(failed) == HELD_MODULES, log.page_errors
        page.get_by_role("button", name="Next", exact=True).click()
        lost = stale_views(page, 2, STAGE_KEYS[1], timeout_ms=STEP_BOUND_MS)
        screenshot(page, "views-replaced")
        assert lost == [], f"views that did not follow Next: {lost}"
        assert page.evaluate("window.__modulesLoaded") == 2 * HELD_MODULES  # one new each
        assert page.evaluate(MODELS_REPLACED) == HELD_MODULES
        assert [e for e in log.page_errors if MODEL_FAILED not in e] == []
        assert failure_texts_on(page) == []
    finally:
        context.close()
        if kernel_id:
            shut_down(app_server, kernel_id)


def test_a_cell_past_the_timeout_ends_in_a_message_not_an_endless_spinner(
    page, page_log, tmp_path, screenshot
):
    """voila stops waiting after VoilaExecutor.timeout, interrupts the cell, puts a message
    for the student in place of its outputs, and finishes the page."""
    notebook = tmp_path / "hangs.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A notebook that hangs"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(120)"),
        nbformat.v4.new_code_cell("print('the cell after the hang ran')"),
    ]
    nbformat.write(nb, notebook)
    with VoilaServer(notebook, extra_args=[f"--VoilaExecutor.timeout={TIMEOUT_S}"]) as server:
        t0 = time.monotonic()
        page.goto(server.url_for(), wait_until="domcontentloaded", timeout=60_000)
        kernel_id = kernel_id_of_quietly(page)
        wait_for_voila(page, timeout_ms=60_000)  # bounded: a spinner left would fail here
        finished_s = time.monotonic() - t0
        server.remember_children()
        screenshot(page, "timed-out")
        spinners = page.locator("#loading").count()
        stderr = stderr_outputs_on(page)
        text = page.inner_text("body")
        page.context.close()
        state_after_timeout = kernel_state(server, kernel_id)
        shut_down(server, kernel_id)
    assert spinners == 0, "voila's spinner is still in the page"
    assert any(out.endswith(STUDENT_INSTRUCTION) for out in stderr), stderr
    assert "A notebook that hangs" in text
    # Nothing written for developers (voila's default instructions name command-line flags).
    assert "--" not in text and "Voil" not in " ".join(stderr)
    assert "Traceback" not in text and "time.sleep" not in text
    # The hung cell was interrupted: its kernel is idle again, so culling can free it.
    assert state_after_timeout == "idle", state_after_timeout
    assert page_log.page_errors == []
    print(f"timed-out page finished loading after {finished_s:.1f} s")


def test_a_killed_kernel_shows_the_app_stopped_and_a_reload_recovers(
    app_server, app_page, page_log, screenshot
):
    """By itself the page only puts ipywidgets' broken-link icon on every widget and ignores
    clicks; the app's ``app-stopped`` notice (course_lib.widgets.stopped_view) says what
    happened and what to do."""
    page, kernels = app_page
    click_next_and_wait_for(page, 2)
    notice = page.locator(".app-stopped-text")
    assert not notice.is_visible()

    os.kill(kernel_process(app_server, kernels[0]), signal.SIGKILL)
    # jupyter_server's restarter finds the dead kernel within 3 s and restarts it empty;
    # the page learns of the restart and ipywidgets marks every widget disconnected.
    notice.wait_for(state="visible", timeout=30_000)
    assert notice.inner_text().strip() == KERNEL_STOPPED
    assert page.get_by_role("alert").filter(has_text=KERNEL_STOPPED).count() == 1
    assert "Traceback" not in page.inner_text("body")
    screenshot(page, "kernel-stopped")
    app_server.remember_children()

    page.reload(wait_until="domcontentloaded", timeout=60_000)
    kernels.append(kernel_id_of(page))
    assert kernels[1] != kernels[0], "the reloaded page kept the dead page's kernel"
    wait_until_interactive(page, time.monotonic() + 120)
    click_next_and_wait_for(page, 2)
    click_next_and_wait_for(page, 3)
    assert not notice.is_visible()
    assert page_log.page_errors == []


def test_unreadable_input_and_a_failing_callback_show_messages_and_the_app_keeps_working(
    app_server, app_page, page_log, screenshot
):
    """No client input is known to make a handler raise (tests/test_widgets.py tries hostile
    values), so the failure is put into the page's kernel from outside the page."""
    page, kernels = app_page
    error_area = page.locator(".stage-error")

    # What any student can do: type a shape that cannot be read.
    page.get_by_label("Predict before each stage is shown").check()
    page.get_by_label("Predicted shape").fill("banana")
    page.get_by_role("button", name="Check my prediction", exact=True).click()
    error_area.filter(has_text="Type the shape as two numbers").wait_for(timeout=STEP_BOUND_MS)
    page.get_by_label("Predict before each stage is shown").uncheck()
    click_next_and_wait_for(page, 2)

    # An exception inside the Next handler, put into the page's own kernel.
    run_in_kernel(
        app_server,
        kernels[0],
        (
            "import course_lib.widgets.render as _ui\n"  # where the view finds checks_html
            "_ui._working_checks_html = _ui.checks_html\n"
            "def _broken(stepper):\n"
            "    raise RuntimeError('simulated failure in a view')\n"
            "_ui.checks_html = _broken\n"
        ),
    )
    page.get_by_role("button", name="Next", exact=True).click()
    error_area.filter(has_text=FRIENDLY_ERROR).wait_for(timeout=STEP_BOUND_MS)
    assert page.evaluate(LABEL).startswith("Stage 2 of 9:"), "the failed click moved the stage"
    assert "simulated" not in page.inner_text("body")
    screenshot(page, "friendly-error")

    run_in_kernel(app_server, kernels[0], "_ui.checks_html = _ui._working_checks_html\n")
    click_next_and_wait_for(page, 3)
    error_area.wait_for(state="hidden", timeout=STEP_BOUND_MS)
    assert page_log.page_errors == []
