"""How fast the voila app feels, measured in headless Chromium, against a minimal page.

In one run, on this machine:

- time-to-interactive (TTI): navigation start to `.stage-label` visible, the "Next" button
  enabled and voila's spinner gone; over several cold page loads (fresh browser context);
  for the app and for a minimal voila page (one label, one button: the floor), each under
  voila's default settings and under the repo's voila.json;
- click-to-update: a click on "Next" to the `.stage-label` text change, and to the last
  DOM change of the update ("settled": no mutation for 150 ms after it), timed in the page
  with performance.now() and a MutationObserver; for the app and for the minimal page;
- in-kernel callback time: the same button clicks run inside a Jupyter kernel (the app's
  notebook executed there, then the buttons' handlers timed), no browser involved.

Targets: click p95 <= 60 ms and <= 1.5x the floor's p95; app TTI (repo config) no slower
than the minimal page under voila's default settings.

Usage: .venv/bin/python benchmarks/bench_app_latency.py [--loads 5] [--clicks 24] [--strict]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

import browser_support as bs  # noqa: E402
from voila_server import VoilaServer, descendants, server_env  # noqa: E402

# COURSE_APP_NOTEBOOK measures another notebook with the same DOM contract instead.
APP = Path(os.environ.get("COURSE_APP_NOTEBOOK", REPO_ROOT / "notebooks" / "app.ipynb"))
CLICK_TARGET_MS = 60.0
FLOOR_RATIO_TARGET = 1.5

MINIMAL_SOURCE = """\
import ipywidgets as widgets

label = widgets.Label("Stage 1 of 9: minimal page")
label.add_class("stage-label")
button = widgets.Button(description="Next")
count = [1]


def on_click(_):
    count[0] = count[0] % 9 + 1
    label.value = f"Stage {count[0]} of 9: minimal page"


button.on_click(on_click)
widgets.VBox([label, button])
"""

# Records, in the page, the first moment the page is interactive (performance.now() counts
# from navigation start). A MutationObserver catches the change as it happens; the interval
# is a safety net for changes it cannot see (computed visibility).
TTI_INIT_SCRIPT = """
(() => {
    window.__tti = null;
    const check = () => {
        if (window.__tti !== null) return;
        const label = document.querySelector('.stage-label');
        const next = Array.from(document.querySelectorAll('button'))
            .find(b => b.textContent.trim() === 'Next');
        const loading = document.querySelector('#loading');
        const spinnerGone = !loading || getComputedStyle(loading).display === 'none';
        if (label && label.offsetParent !== null && label.textContent.trim() !== ''
                && next && !next.disabled && spinnerGone) {
            window.__tti = performance.now();
        }
    };
    const start = () => {
        new MutationObserver(check).observe(document.documentElement, {
            subtree: true, childList: true, attributes: true, characterData: true});
        setInterval(check, 5);
        check();
    };
    if (document.documentElement) start();
    else document.addEventListener('readystatechange', start, {once: true});
})();
"""

CLICK_ONCE = """
async ({button, quietMs, maxMs}) => {
    // The label is looked up each time: a view given a new model (one that missed
    // anywidget's 2 s) is a new element in the page.
    const labelText = () => (document.querySelector('.stage-label') || {}).textContent;
    const target = Array.from(document.querySelectorAll('button'))
        .find(b => b.textContent.trim() === button);
    if (labelText() === undefined || !target) {
        throw new Error('no .stage-label or no ' + button + ' button');
    }
    if (target.disabled) throw new Error(button + ' is disabled');
    const before = labelText();
    return await new Promise((resolve, reject) => {
        let tLabel = null, tLast = null;
        const obs = new MutationObserver(() => {
            const now = performance.now();
            tLast = now;
            if (tLabel === null && labelText() !== before) tLabel = now;
        });
        obs.observe(document.body, {
            subtree: true, childList: true, attributes: true, characterData: true});
        const t0 = performance.now();
        target.click();
        const timer = setInterval(() => {
            const now = performance.now();
            if (tLabel !== null && now - tLast >= quietMs) {
                clearInterval(timer); obs.disconnect();
                resolve({label: tLabel - t0, settled: tLast - t0, text: labelText()});
            } else if (now - t0 > maxMs) {
                clearInterval(timer); obs.disconnect();
                reject(new Error(button + ': no label change within ' + maxMs + ' ms'));
            }
        }, 2);
    });
}
"""

KERNEL_TIMING = """
import json as _json, time as _time
import ipywidgets as _w
from ipywidgets.widgets.widget import _instances as _inst
_buttons = {}
for _x in list(_inst.values()):
    if isinstance(_x, _w.Button) and _x.description in ("Next", "Previous"):
        _buttons.setdefault(_x.description, _x)
_times = {"Next": [], "Previous": []}
_walk = ["Next"] * 8 + (["Previous"] * 8 if "Previous" in _buttons else [])
while len(_times["Next"]) < {clicks}:
    for _name in _walk:
        _t = _time.perf_counter()
        _buttons[_name].click()
        _times[_name].append((_time.perf_counter() - _t) * 1000)
print("KERNEL-TIMING " + _json.dumps(_times))
"""


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def p95(xs):
    if len(xs) < 2:
        return xs[0] if xs else float("nan")
    return statistics.quantiles(xs, n=20, method="inclusive")[18]


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` and its descendants, in clock ticks."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


def wait_quiet(server: VoilaServer, quiet: float = 1.0, timeout: float = 40.0) -> None:
    """Wait until voila and its kernels use (almost) no CPU for ``quiet`` seconds (bounded):
    a pre-heated kernel pool refilling would otherwise slow the next measurement."""
    deadline = time.monotonic() + timeout
    last = cpu_ticks(server.proc.pid)
    calm_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_ticks(server.proc.pid)
        if now - last > 1:
            calm_since = time.monotonic()
        last = now
        if time.monotonic() - calm_since >= quiet:
            return


def load_once(browser, server: VoilaServer, timeout_ms: float = 120_000):
    """One cold page load; returns (tti_ms, context, page)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(TTI_INIT_SCRIPT)
    page = context.new_page()
    log = bs.PageLog().attach(page)
    page.goto(server.url_for(), wait_until="commit", timeout=timeout_ms)
    # Interactive, or visibly failed (a cell error): whichever comes first.
    page.wait_for_function(
        """(texts) => window.__tti !== null || (document.body !== null
            && texts.some(t => t !== 'Loading widget' && document.body.innerText.includes(t)))""",
        arg=list(bs.FAILURE_TEXTS),
        timeout=timeout_ms,
        polling=50,
    )
    tti = page.evaluate("() => window.__tti")
    failures = [t for t in bs.failure_texts_on(page) if tti is None or t != "Loading widget"]
    if tti is None or failures or log.page_errors:
        context.close()
        raise RuntimeError(f"{server.url_for()} failed: {failures} {log.page_errors}")
    return tti, context, page


def close_page(server: VoilaServer, context, page) -> None:
    kernel_id = bs.kernel_id_of(page)
    context.close()
    if kernel_id:
        try:
            server.shutdown_kernel(kernel_id)
        except OSError:
            pass


def measure_tti(browser, server: VoilaServer, loads: int) -> list[float]:
    out = []
    for _ in range(loads):
        wait_quiet(server)
        tti, context, page = load_once(browser, server)
        out.append(tti)
        close_page(server, context, page)
    return out


def measure_clicks(browser, server: VoilaServer, clicks: int, walk_back: bool):
    """Click Next (and Previous back, for the app) until ``clicks`` Next clicks are timed."""
    wait_quiet(server)
    _, context, page = load_once(browser, server)
    args = {"quietMs": 150, "maxMs": 10_000}
    times = {"Next": [], "Previous": []}
    try:
        page.wait_for_timeout(500)
        # Start from stage 1 (a pre-heated page shows stage 1 too; this is a guard).
        while walk_back and not page.inner_text(".stage-label").startswith("Stage 1 of 9:"):
            page.evaluate(CLICK_ONCE, {**args, "button": "Previous"})
        walk = ["Next"] * 8 + (["Previous"] * 8 if walk_back else [])
        while len(times["Next"]) < clicks:
            for name in walk:
                times[name].append(page.evaluate(CLICK_ONCE, {**args, "button": name}))
                page.wait_for_timeout(50)
        if bs.failure_texts_on(page):
            raise RuntimeError(f"page failed while clicking: {bs.failure_texts_on(page)}")
    finally:
        close_page(server, context, page)
    return times


def kernel_callback_times(notebook: Path, clicks: int) -> dict | str:
    """Execute the notebook's code in a fresh kernel, then time the buttons' handlers there."""
    import nbformat
    from jupyter_client.manager import KernelManager

    nb = nbformat.read(notebook, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    km = KernelManager(kernel_name="python3")
    env = server_env()
    km.start_kernel(
        cwd=str(notebook.parent), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    kc = km.client()
    kc.start_channels()
    lines: list[str] = []
    errors: list[str] = []

    def hook(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream":
            lines.append(content["text"])
        elif msg["msg_type"] == "error":
            errors.append(f"{content['ename']}: {content['evalue']}")

    try:
        kc.wait_for_ready(timeout=60)
        for source in [*code, KERNEL_TIMING.replace("{clicks}", str(clicks))]:
            kc.execute_interactive(source, output_hook=hook, timeout=120)
            if errors:
                return f"n/a ({errors[0]})"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    for line in "".join(lines).splitlines():
        if line.startswith("KERNEL-TIMING "):
            return json.loads(line[len("KERNEL-TIMING ") :])
    return "n/a (no timing printed)"


def row(name, xs, target=""):
    if isinstance(xs, str):
        return f"{name:<48} {xs}"
    return f"{name:<48} {median(xs):9.1f} {p95(xs):9.1f} {len(xs):4d}   {target}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--loads", type=int, default=5, help="page loads per TTI series")
    ap.add_argument("--clicks", type=int, default=24, help="timed Next clicks (>= 20)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args()

    decision = bs.decide_browser(os.environ)
    if decision.action != "run":
        print(decision.message, file=sys.stderr)
        return 1
    if not APP.exists():
        print(f"{APP} not found: nothing to measure", file=sys.stderr)
        return 1

    from playwright.sync_api import sync_playwright

    print(f"load average before the run: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp, sync_playwright() as pw:
        import nbformat

        minimal = Path(tmp) / "minimal.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(MINIMAL_SOURCE)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, minimal)

        browser = bs.launch_chromium(pw, decision.executable)
        try:
            # cwd = the temp dir: no voila.json there, so voila's defaults apply.
            setups = [
                ("app, repo voila.json", APP, REPO_ROOT),
                ("minimal page, voila defaults", minimal, Path(tmp)),
                ("app, voila defaults", APP, Path(tmp)),
                ("minimal page, repo voila.json", minimal, REPO_ROOT),
            ]
            for name, notebook, cwd in setups:
                with VoilaServer(notebook, cwd=cwd) as server:
                    results[f"tti {name}"] = measure_tti(browser, server, args.loads)
                    if name == "app, repo voila.json":
                        results["click app"] = measure_clicks(
                            browser, server, args.clicks, walk_back=True
                        )
                    if name == "minimal page, voila defaults":
                        results["click floor"] = measure_clicks(
                            browser, server, args.clicks, walk_back=False
                        )
                print(f"  measured: {name}", flush=True)
        finally:
            browser.close()
        results["kernel app"] = kernel_callback_times(APP, args.clicks)
        results["kernel floor"] = kernel_callback_times(minimal, args.clicks)

    app_next = results["click app"]["Next"]
    app_prev = results["click app"]["Previous"]
    floor_next = results["click floor"]["Next"]
    app_label = [c["label"] for c in app_next]
    app_settled = [c["settled"] for c in app_next]
    floor_label = [c["label"] for c in floor_next]
    floor_settled = [c["settled"] for c in floor_next]

    print()
    print(f"{'milliseconds':<48} {'median':>9} {'p95':>9} {'n':>4}   target")
    print(
        row(
            "TTI app (repo voila.json)",
            results["tti app, repo voila.json"],
            "<= minimal page, voila defaults",
        )
    )
    print(row("TTI minimal page (voila defaults)", results["tti minimal page, voila defaults"]))
    print(row("TTI app (voila defaults)", results["tti app, voila defaults"]))
    print(row("TTI minimal page (repo voila.json)", results["tti minimal page, repo voila.json"]))
    print(
        row(
            "click Next -> stage label, app",
            app_label,
            f"p95 <= {CLICK_TARGET_MS:.0f} and <= {FLOOR_RATIO_TARGET}x floor",
        )
    )
    print(row("click Next -> settled, app", app_settled))
    print(row("click Previous -> stage label, app", [c["label"] for c in app_prev]))
    print(row("click Next -> label, minimal page (floor)", floor_label))
    print(row("click Next -> settled, minimal page (floor)", floor_settled))
    for key, name in (("kernel app", "app"), ("kernel floor", "minimal page")):
        value = results[key]
        if isinstance(value, str):
            print(row(f"callback in kernel, {name}, Next", value))
        else:
            print(row(f"callback in kernel, {name}, Next", value["Next"]))
            if value["Previous"]:
                print(row(f"callback in kernel, {name}, Previous", value["Previous"]))

    tti_app = median(results["tti app, repo voila.json"])
    tti_floor = median(results["tti minimal page, voila defaults"])
    ratio = p95(app_label) / p95(floor_label)
    checks = [
        (
            f"click p95 {p95(app_label):.1f} ms <= {CLICK_TARGET_MS:.0f} ms",
            p95(app_label) <= CLICK_TARGET_MS,
        ),
        (
            f"click p95 / floor p95 = {ratio:.2f} <= {FLOOR_RATIO_TARGET}",
            ratio <= FLOOR_RATIO_TARGET,
        ),
        (
            f"app TTI median {tti_app:.0f} ms <= minimal page (voila defaults) {tti_floor:.0f} ms",
            tti_app <= tti_floor,
        ),
    ]
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 1 if args.strict and not all(ok for _, ok in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
