"""The shipped server settings are in force inside a hub's single-user server, and culling works.

binder/jupyter_server_config.json (the executor's timeouts, interrupting a cell past the
timeout, student-worded messages, idle-kernel culling) is what Binder installs and what
docs/hub.md tells instructors to put into their user image. Here every single-user server
reads that very file (JUPYTER_CONFIG_PATH points at binder/). The user SETTINGS_USER also
reads a config file of its own, ahead of binder/ in JUPYTER_CONFIG_PATH so that it wins,
which shortens only the cell timeout and kernel culling, so the test does not wait 60 s or
15 minutes; everything else comes from the shipped file.

voila runs here as a Jupyter server extension: it builds its executor from the server's
config (the handler gets ``server_app.config``), so ``VoilaExecutor`` settings in a Jupyter
server config file apply. The timeout test is the evidence: a 3 s timeout set in a config
file, not on the command line, ends a sleeping cell after about 3 s.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from browser.browser_support import kernel_id_of

from .conftest import (
    CULL_EVERY,
    CULL_TIMEOUT,
    IDLE_USER,
    SETTINGS_USER,
    SHORT_CELL_TIMEOUT,
    SHORT_KERNEL_CULL,
)
from .hub_server import SHIPPED_CONFIG_DIR, command_line
from .pages import describe, log_in, new_page, screenshot

pytestmark = pytest.mark.hub

SHIPPED = json.loads((SHIPPED_CONFIG_DIR / "jupyter_server_config.json").read_text())
INSTRUCTION = SHIPPED["VoilaExecutor"]["cell_error_instruction"]
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


def write_notebook(path: Path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_the_single_user_server_loads_the_shipped_config_file(hub):
    hub.start_server(SETTINGS_USER)
    log = hub.singleuser_log(SETTINGS_USER)
    shipped = str(SHIPPED_CONFIG_DIR / "jupyter_server_config.json")
    loaded = re.findall(r"Loaded config file: (\S+)", log)
    assert shipped in loaded, f"the shipped file was not loaded; loaded: {loaded}"
    # traitlets loads the highest-priority file last: the test's shortening file, after the
    # shipped one; no other file sets the executor or culling.
    others = [Path(p) for p in loaded if p != shipped]
    overriding = [
        p
        for p in others
        if p.name == "jupyter_server_config.json" and "settings-override" in str(p)
    ]
    assert len(overriding) == 1 and loaded.index(str(overriding[0])) > loaded.index(shipped)
    for path in others:
        if path.suffix == ".json" and path != overriding[0]:
            assert not {"VoilaExecutor", "MappingKernelManager"} & set(
                json.loads(path.read_text())
            ), f"{path} also sets executor or culling"


def run_hanging_page(browser, login_url: str, user: str) -> dict:
    context, page, log = new_page(browser)
    try:
        page.goto(login_url)
        log_in(page, user)
        t0 = time.monotonic()
        page.wait_for_url("**/voila/render/**", timeout=120_000)
        try:
            page.get_by_text("There was an error when executing cell").first.wait_for(
                timeout=45_000
            )
        except Exception:
            raise AssertionError(f"no timeout message within 45 s: {describe(page)}") from None
        waited = time.monotonic() - t0
        screenshot(page, "cell-timeout")
        error = (
            page.locator(".jp-OutputArea-output")
            .filter(has_text="There was an error")
            .first.inner_text()
        )
        spinner = page.evaluate(
            "() => { const l = document.querySelector('#loading');"
            " return !!l && getComputedStyle(l).display !== 'none'; }"
        )
        return {
            "seconds": waited,
            "error": error.strip(),
            "spinner": spinner,
            "kernel_id": kernel_id_of(page),
            "text": page.inner_text("body"),
        }
    finally:
        context.close()


def test_a_cell_past_the_timeout_ends_in_the_student_worded_message(hub, hub_browser):
    write_notebook(hub.home(SETTINGS_USER) / "hang.ipynb", "import time\ntime.sleep(120)")
    target = f"/user/{SETTINGS_USER}/voila/render/hang.ipynb"
    login = f"{hub.base_url}/hub/login?next={urllib.parse.quote(target)}"
    result = hub_browser.run(run_hanging_page, login, SETTINGS_USER, timeout=240)

    assert result["error"] == f"There was an error when executing cell [1]. {INSTRUCTION}"
    assert not result["spinner"], "the page still spins after the timeout"
    assert "Traceback" not in result["text"] and "time.sleep" not in result["text"]
    # About the shortened 3 s (plus a kernel start), far below the shipped 60 s.
    assert result["seconds"] < SHORT_CELL_TIMEOUT + 30, result["seconds"]
    # interrupt_on_timeout (shipped): the kernel was interrupted, not left busy for good.
    # Its tab is closed, so the (shortened) culling may already have ended it: the culler
    # takes only idle kernels (cull_busy is off), so gone counts as idle.
    deadline = time.monotonic() + 15
    state = None
    while time.monotonic() < deadline:
        status, model = hub.user_api(SETTINGS_USER, "GET", f"api/kernels/{result['kernel_id']}")
        state = model.get("execution_state") if status == 200 else f"HTTP {status}"
        if state in ("idle", "HTTP 404"):
            break
        time.sleep(0.25)
    assert state in ("idle", "HTTP 404"), f"the timed-out page's kernel is {state}"


def test_an_idle_kernel_is_culled_inside_the_single_user_server(hub):
    """A page fetched and left (no websocket: a closed tab) keeps a kernel; culling ends it."""
    hub.start_server(SETTINGS_USER)
    write_notebook(hub.home(SETTINGS_USER) / "quick.ipynb", "print('ready')")
    status, page = hub.user_api(SETTINGS_USER, "GET", "voila/render/quick.ipynb", timeout=120)
    assert status == 200, page
    kernel_id = KERNEL_ID.search(page).group(1)
    hub.remember_children()
    t0 = time.monotonic()
    bound = SHORT_KERNEL_CULL["cull_idle_timeout"] + SHORT_KERNEL_CULL["cull_interval"] + 30
    while time.monotonic() - t0 < bound:
        status, _ = hub.user_api(SETTINGS_USER, "GET", f"api/kernels/{kernel_id}")
        if status == 404:
            break
        time.sleep(0.5)
    assert status == 404, f"kernel {kernel_id} still there after {bound} s"
    log = hub.singleuser_log(SETTINGS_USER)
    assert re.search(rf"Culling 'idle' kernel '\w+' \({kernel_id}\) with 0 connections", log)
    alive = [
        pid
        for pid in hub.processes()["kernels"].get(SETTINGS_USER, [])
        if f"kernel-{kernel_id}.json" in " ".join(command_line(pid))
    ]
    assert not alive, f"the culled kernel's process {alive} is still running"


def test_the_hubs_idle_culler_stops_an_idle_server(hub):
    hub.start_server(IDLE_USER)
    pid = hub.server_pid(IDLE_USER)
    assert pid, "the hub reports no pid for the idle user's server"
    t0 = time.monotonic()
    bound = CULL_TIMEOUT + CULL_EVERY + 45
    last_activity = None  # the server's last activity as the hub last reported it
    while time.monotonic() - t0 < bound and (model := hub.server_model(IDLE_USER)):
        last_activity = model.get("last_activity") or last_activity
        time.sleep(0.5)
    culled_at = datetime.now(UTC)
    assert not hub.server_model(IDLE_USER), f"not culled within {bound} s"
    # Idle for the culler's timeout, counted from the server's own last activity (which can
    # come before the server was ready here), never sooner.
    assert last_activity, "the hub never reported the server's last activity"
    idle = (
        culled_at - datetime.fromisoformat(last_activity.replace("Z", "+00:00"))
    ).total_seconds()
    assert idle >= CULL_TIMEOUT - 1, f"culled after only {idle:.1f} s of inactivity"
    assert f"Culling server {IDLE_USER} (inactive for" in hub.log_text()
    assert not Path(f"/proc/{pid}").exists() or "jupyterhub-singleuser" not in Path(
        f"/proc/{pid}/cmdline"
    ).read_bytes().decode(errors="replace")
