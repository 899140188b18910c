"""How fast the static site's app opens in the student's browser, against `make app`.

In one run, on this machine: the site is built (``make site``'s script, into a temporary
folder, with the site venv's Python), served by ``python -m http.server`` on 127.0.0.1, and
opened in headless Chromium with every request for another host aborted:

- cold load: an empty browser cache, navigation to the app's first stage label;
- warm load: a second visit in the same context (the browser's cache holds the files);
- a Next click: click to the stage label's change, several times;
- bytes: what a cold load fetched (every response of the page and its workers: its
  Content-Length, or the body's size where a response has none), the largest files of the
  median load by URL, and the size of the site on disk;
- against the served app: voila (``make app``'s command, the repo's voila.json) cold start
  to the first stage label, in the same run.

Targets on these machines: cold at most 40 s, warm at most 15 s, a click at most 300 ms p95,
a cold load at most 25 MB fetched. Medians over ``--loads`` loads.

Usage: .venv/bin/python benchmarks/bench_site.py [--loads 3] [--clicks 10] [--top 15]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

import browser_support as bs  # noqa: E402
from voila_server import VoilaServer, free_port  # noqa: E402

TARGETS = {"cold_s": 40.0, "warm_s": 15.0, "click_p95_ms": 300.0, "fetched_mb": 25.0}
LABEL = ".stage-label"


def build(output: Path) -> None:
    python = os.environ.get("COURSE_SITE_PYTHON") or str(REPO_ROOT / ".venv-site/bin/python")
    subprocess.run(
        [python, str(REPO_ROOT / "lite/build_site.py"), "--output", str(output)],
        check=True,
        capture_output=True,
        timeout=900,
    )


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def response_bytes(request) -> int:
    """What one finished request fetched: its Content-Length (``python -m http.server`` sends
    one for every file; a response a service worker answers carries the header but reports
    no body of its own), else the size of the body as received."""
    response = request.response()
    length = response.headers.get("content-length") if response else None
    if length is not None:
        return int(length)
    return max(0, request.sizes()["responseBodySize"])


def load(context, url: str, fetched: list | None = None) -> float:
    """Seconds from navigation to the first stage label; appends ``(url, bytes)`` to
    ``fetched`` for every request the page and its workers finished meanwhile."""
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    started = time.monotonic()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(LABEL, state="visible", timeout=180_000)
    seconds = time.monotonic() - started
    if fetched is not None:
        fetched.extend((r.url, response_bytes(r)) for r in list(finished))
    page.close()
    return seconds


def clicks(context, url: str, n: int) -> list:
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(LABEL, state="visible", timeout=180_000)
    times = []
    for _ in range(n):
        before = page.inner_text(LABEL)
        button = "Next" if not before.startswith("Stage 9") else "Previous"
        started = time.monotonic()
        page.get_by_role("button", name=button, exact=True).first.click()
        page.wait_for_function(
            "(b) => document.querySelector('.stage-label').textContent !== b", arg=before
        )
        times.append((time.monotonic() - started) * 1000)
    page.close()
    return times


def largest(fetched: list, n: int) -> list:
    """The ``n`` largest URLs of one load, ``(bytes, path)`` with the host left out."""
    by_path: dict[str, int] = {}
    for url, size in fetched:
        path = urlsplit(url).path
        by_path[path] = by_path.get(path, 0) + size
    return sorted(((size, path) for path, size in by_path.items()), reverse=True)[:n]


def compressed_mb(site: Path, fetched: list) -> float:
    """What ``fetched`` (one load) would weigh from a host that gzips every file it serves
    (many static hosts compress; ``python -m http.server`` does not): each file of the site
    that was fetched, compressed at level 6; a response with no file (a service worker's
    answer) counts as fetched."""
    total, sizes = 0, {}
    for url, size in fetched:  # every response, as the raw figure counts them
        file = site / unquote(urlsplit(url).path).lstrip("/")
        if file.is_file():
            if file not in sizes:
                sizes[file] = len(gzip.compress(file.read_bytes(), 6))
            total += sizes[file]
        else:
            total += size
    return total / 1e6


def offline(context) -> None:
    context.route(
        "**/*",
        lambda route: (
            route.abort() if bs.leaves_the_machine(route.request.url) else route.continue_()
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--clicks", type=int, default=10)
    parser.add_argument("--top", type=int, default=15, help="largest files of a cold load shown")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = bs.decide_browser(os.environ).executable
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
            cwd=site,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/voici/render/app.html"
        try:
            time.sleep(1.0)
            with sync_playwright() as p:
                browser = bs.launch_chromium(p, chromium)
                cold, warm, fetched_mb, loads, click_ms = [], [], [], [], []
                for _ in range(args.loads):
                    context = browser.new_context()
                    offline(context)
                    fetched = []
                    cold.append(load(context, url, fetched))
                    fetched_mb.append(sum(size for _, size in fetched) / 1e6)
                    loads.append(fetched)
                    warm.append(load(context, url))
                    context.close()
                context = browser.new_context()
                offline(context)
                click_ms = clicks(context, url, args.clicks)
                context.close()
                with VoilaServer(REPO_ROOT / "notebooks" / "app.ipynb") as voila:
                    context = browser.new_context()
                    voila_cold = load(context, voila.url_for())
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
        figures = {
            "cold_s": statistics.median(cold),
            "warm_s": statistics.median(warm),
            "click_p95_ms": sorted(click_ms)[max(0, int(0.95 * len(click_ms)) - 1)],
            "fetched_mb": statistics.median(fetched_mb),
        }
        print(f"static site: {size_mb(site):.1f} MB on disk")
        for name, value in figures.items():
            verdict = "ok" if value <= TARGETS[name] else "OVER TARGET"
            print(f"  {name:<14} {value:8.2f}   target <= {TARGETS[name]:g}   {verdict}")
        print(f"  click median   {statistics.median(click_ms):8.2f} ms")
        print(f"make app (voila) cold start to stage 1: {voila_cold:.2f} s")
        median_load = loads[fetched_mb.index(statistics.median_low(fetched_mb))]
        print(f"largest files of a cold load ({len(median_load)} responses):")
        for size, path in largest(median_load, args.top):
            print(f"  {size / 1e6:7.2f} MB  {path}")
        print(
            f"the same load from a host that compresses (gzip -6 of each file): "
            f"{compressed_mb(site, median_load):.2f} MB"
        )


if __name__ == "__main__":
    main()
