"""Hover-to-mark latency of the linked tables, measured inside the page in headless Chromium.

The pointer (Playwright's mouse, so real input events) moves off the value table and onto
one of its entries; the page records the pointerover event's timestamp, the moment the
first ``is-linked`` class is set (a MutationObserver) and the next animation frame after
it (the mark on screen). No message goes to the kernel: the linked tables mark in the
browser. Measured on the app served by voila with m = 20, where the operand tables are
largest (4 x 20), at dW2, dA1 and dZ1 (a product by rows, a product by columns, an
elementwise step).

Target: median pointer-to-frame <= 50 ms.

Usage: .venv/bin/python benchmarks/bench_hover.py [--hovers 60] [--strict]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

import browser_support as bs  # noqa: E402
from voila_server import VoilaServer  # noqa: E402

APP = Path(os.environ.get("COURSE_APP_NOTEBOOK", REPO_ROOT / "notebooks" / "app.ipynb"))
TARGET_MS = 50.0
CELLS = ".stage-values td[role=gridcell]"

RECORD = """() => {
    window.__hover = [];
    let pending = null;
    document.addEventListener('pointerover', (e) => {
        if (e.target.matches && e.target.matches('.stage-values td[role=gridcell]')) {
            pending = e.timeStamp;
        }
    }, true);
    new MutationObserver((records) => {
        if (pending === null) return;
        if (!records.some(r => r.target.classList.contains('is-linked'))) return;
        const t0 = pending, marked = performance.now();
        pending = null;
        requestAnimationFrame(() => window.__hover.push(
            {mark: marked - t0, frame: performance.now() - t0}));
    }).observe(document.querySelector('.stage-values'),
               {subtree: true, attributes: true, attributeFilter: ['class']});
}"""

SLIDE_TO = """(n) => {
    const input = document.querySelector('.stage-slider input[type=range]');
    input.value = String(n);
    input.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def p95(xs):
    return statistics.quantiles(xs, n=20, method="inclusive")[18] if len(xs) > 1 else xs[0]


def go(page, stage: int, key: str) -> None:
    page.evaluate(SLIDE_TO, stage)
    page.wait_for_function(
        "(key) => (document.querySelector('.lt-caption')?.textContent || '').startsWith(key)",
        arg=key + ",",
        timeout=30_000,
    )
    page.locator(CELLS).first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)


def hover_series(page, hovers: int) -> list[dict]:
    """Move the pointer off the table and onto an entry ``hovers`` times."""
    cells = page.locator(CELLS)
    count = cells.count()
    before = page.evaluate("() => window.__hover.length")
    for k in range(hovers):
        page.mouse.move(2, 2)
        cell = cells.nth((k * 7) % count)
        cell.scroll_into_view_if_needed()  # a wide grid scrolls inside its own region
        box = cell.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            page.wait_for_function(
                "(n) => window.__hover.length > n", arg=before + k, timeout=10_000
            )
        except Exception:
            print(
                k,
                box,
                page.evaluate(
                    """(b) => [window.__hover.length,
                document.querySelectorAll('.is-linked').length,
                document.elementFromPoint(b.x + 5, b.y + 5).outerHTML.slice(0, 120)]""",
                    box,
                ),
            )
            raise
    return page.evaluate("(n) => window.__hover.slice(n)", before)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hovers", type=int, default=60, help="hovers per stage")
    ap.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args = ap.parse_args()
    decision = bs.decide_browser(os.environ)
    if decision.action != "run":
        print(decision.message, file=sys.stderr)
        return 1

    from playwright.sync_api import sync_playwright

    print(f"load average before the run: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    results = {}
    with VoilaServer(APP) as server, sync_playwright() as pw:
        browser = bs.launch_chromium(pw, decision.executable)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(server.url_for(), wait_until="domcontentloaded", timeout=60_000)
            bs.wait_for_voila(page, timeout_ms=120_000)
            page.wait_for_selector(CELLS, timeout=60_000)
            bs.wait_for_widgets(page)
            m = page.get_by_label("Examples m (1-20)", exact=True)
            m.fill("20")
            m.press("Enter")
            page.wait_for_function(
                "() => document.querySelector('.lt-caption').textContent.includes('(1, 20)')",
                timeout=30_000,
            )
            page.evaluate(RECORD)
            for stage, name in (
                (3, "dW2 = (1/m) dZ2 A1.T"),
                (5, "dA1 = W2.T dZ2"),
                (6, "dZ1 = dA1 * g'(Z1)"),
            ):
                go(page, stage, name[:3])
                results[name] = hover_series(page, args.hovers)
        finally:
            browser.close()

    print(f"\n{'milliseconds, pointerover to':<40} {'median':>8} {'p95':>8} {'n':>4}")
    every = []
    for name, series in results.items():
        for what in ("mark", "frame"):
            xs = [s[what] for s in series]
            print(
                f"{name + ', ' + what:<40} {statistics.median(xs):8.2f} {p95(xs):8.2f} {len(xs):4d}"
            )
        every += [s["frame"] for s in series]
    median = statistics.median(every)
    ok = median <= TARGET_MS
    print(
        f"\n{'PASS' if ok else 'MISS'}  median pointer-to-frame {median:.1f} ms "
        f"<= {TARGET_MS:.0f} ms (all stages, n = {len(every)})"
    )
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
