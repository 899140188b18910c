"""Idle kernels are culled: the repo's voila.json turns culling on, and it works.

voila starts a kernel for every page load and every plain GET, and voila 0.5.13 cannot shut
it down when the tab closes (the page's unload request is rejected for want of an _xsrf
cookie, voila-dashboards/voila#1458): only jupyter_server's idle culler frees that memory.

The second test serves the app with the repo's config but culling shortened on the command
line, GETs the page with urllib (the kernel executes the notebook; no websocket connects, as
after a closed tab), and waits, bounded, until that kernel is gone: its process ended, voila
answers 404 for its id at /api/kernels/<id>, and the log names it as culled.

voila's preheated pool (``preheat_kernel``, pool of 1) matters here: the page takes the
pooled kernel and voila starts a replacement a second later; the culler skips pooled
kernels (``VoilaKernelManager.cull_kernel_if_idle``). So the test follows the kernel id the
page embeds, never "the server's kernels", and checks the replacement is still there.
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from browser_support import wait_until  # noqa: E402
from voila_server import REPO_ROOT, VoilaServer, descendants  # noqa: E402

APP = "notebooks/app.ipynb"
IDLE_TIMEOUT = 2  # seconds, instead of the repo's 900
CULL_INTERVAL = 1  # seconds, instead of the repo's 60
PAGE_TIMEOUT = 60.0
CULL_WAIT = 30.0  # the kernel must go within this (it needs IDLE_TIMEOUT + CULL_INTERVAL)
KERNEL_FILE_RE = re.compile(rb"kernel-([0-9a-f-]{36})\.json")


def kernel_processes(server: VoilaServer) -> dict[str, int]:
    """Kernel id -> pid of every live kernel of ``server`` (from the kernel's command line,
    ``-f .../kernel-<id>.json``). An exited, unreaped kernel has no command line: not live."""
    found = {}
    for pid in descendants(server.proc.pid):
        try:
            match = KERNEL_FILE_RE.search(Path(f"/proc/{pid}/cmdline").read_bytes())
        except OSError:
            continue
        if match:
            found[match.group(1).decode()] = pid
    return found


def idle_for(model: dict) -> float:
    """Seconds since the kernel's last activity, by the server's account."""
    last = datetime.fromisoformat(model["last_activity"])
    return (datetime.now(UTC) - last).total_seconds()


def log_says(server: VoilaServer, text: str) -> bool:
    return text in server.log_text()


def culled_in_log(server: VoilaServer, kernel_id: str) -> bool:
    """jupyter_server logs "Culling '<state>' kernel '<name>' (<id>) ..." when it culls."""
    pattern = rf"Culling '\w+' kernel '[^']*' \({kernel_id}\)"
    return re.search(pattern, server.log_text()) is not None


def test_repo_config_enables_culling():
    config = json.loads((REPO_ROOT / "voila.json").read_text())
    culling = config.get("MappingKernelManager", {})
    assert culling.get("cull_idle_timeout", 0) > 0, "voila.json must cull idle kernels"
    assert culling.get("cull_interval", 0) > 0, "voila.json must set a culling interval"
    # A closed tab leaves no connection behind, but a tab left open in the background keeps
    # its websocket: cull_connected false spares the students still working.
    assert culling.get("cull_connected") is False
    # Culling a busy kernel would kill a computation in progress.
    assert culling.get("cull_busy", False) is False


@pytest.mark.slow
@pytest.mark.timeout(150)
def test_idle_kernel_of_a_served_page_is_culled():
    args = [
        f"--MappingKernelManager.cull_idle_timeout={IDLE_TIMEOUT}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
    ]
    with VoilaServer(APP, extra_args=args) as server:
        # The command line wins over voila.json: the culler runs with the short settings.
        culler = f"Culling kernels with idle durations > {IDLE_TIMEOUT} seconds"
        assert wait_until(lambda: log_says(server, culler), PAGE_TIMEOUT), server.log_text()
        # Once the pool holds a kernel, the page is served by it.
        assert wait_until(lambda: log_says(server, "is filled with"), PAGE_TIMEOUT)
        pooled = set(kernel_processes(server))

        with urllib.request.urlopen(server.url_for(), timeout=PAGE_TIMEOUT) as resp:
            page = resp.read().decode("utf-8")
        served_at = time.monotonic()
        match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page)
        assert match, "voila's page config names no kernel"
        kernel_id = match.group(1)
        assert kernel_id in pooled, "the page was not served by the preheated kernel"

        # Alive right after the page, and known to voila: what removes it below is the culler.
        assert kernel_id in kernel_processes(server), "the page's kernel is not running"
        assert server.kernel_model(kernel_id) is not None

        gone = wait_until(
            lambda: (
                kernel_id not in kernel_processes(server) and server.kernel_model(kernel_id) is None
            ),
            timeout=CULL_WAIT,
            interval=0.2,
        )
        waited = time.monotonic() - served_at
        assert gone, f"kernel {kernel_id} still there after {waited:.0f} s:\n{server.log_text()}"
        assert culled_in_log(server, kernel_id), f"not culled by the culler:\n{server.log_text()}"

        # voila refilled its pool after the page took the pooled kernel. The replacement is
        # spared by the culler, however long it idles: an idle server keeps one warm kernel.
        assert wait_until(lambda: bool(set(kernel_processes(server)) - pooled), PAGE_TIMEOUT)
        replacement = (set(kernel_processes(server)) - pooled).pop()

        def idle_past_the_timeout() -> bool:
            model = server.kernel_model(replacement)
            return model is None or (
                model["execution_state"] == "idle"
                and idle_for(model) > IDLE_TIMEOUT + 2 * CULL_INTERVAL
            )

        assert wait_until(idle_past_the_timeout, PAGE_TIMEOUT, interval=0.2)
        assert replacement in kernel_processes(server), f"pool kernel gone:\n{server.log_text()}"
        assert not culled_in_log(server, replacement)
