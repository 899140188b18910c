"""A class at once: one voila server, N students opening and stepping the app together.

One voila serves ``notebooks/app.ipynb`` from the repo root, so the repo's ``voila.json``
applies (one preheated kernel, cell timeout, culling). Once its preheated kernel is warm,
``--sessions`` browser sessions (default 10) open the app at the same moment and each
records, in the page:

- time-to-interactive (TTI): navigation start to `.stage-label` visible, the "Next" button
  enabled and voila's ``#loading`` gone (bench_app_latency's in-page probe);
- click latency over ``--clicks`` clicks (default 10): a click on "Next" or "Previous" to
  the `.stage-label` text change; the sessions click at the same time, each pausing a
  random 50-250 ms between clicks (harsher than a class: nobody reads the page);
- whether it stepped correctly: the label reads "Stage 1 of 9: <title>" when interactive
  and after every click names the stage the clicks lead to (Next up to stage 9, then
  Previous down to 1, and so on);
- when the page's HTML had fully arrived ("HTML"): voila streams the page while the kernel
  executes the notebook, so this is the server's share of the TTI, the rest the browser's.

A page can also fail without any error text: when a kernel's output messages come more
than ``VoilaExecutor.iopub_timeout`` (nbclient's default: 4 s) after its execute reply,
voila logs "Timeout waiting for IOPub output" and renders the page without them, here
without the app's widget. A page that is loaded, spinner gone, every output rendered and
with no widget for 10 s counts as failed at once instead of waiting out ``--timeout``, and
the distinct warnings of the voila log are printed at the end.

Then, per kernel process (the server's descendants, each named by the kernel id in its
connection file, matched to the session whose page embeds that id): RSS, PSS and USS from
/proc/<pid>/smaps_rollup, and the same for the voila server itself. RSS counts the shared
libraries in every process; PSS splits them among the processes sharing them (the PSS sum
is what the processes cost together, close to what a container's memory limit sees); USS
is what one more kernel adds. Memory is read with the server idle, with every session
loaded, and after the clicks. CPU is the utime + stime of the server and its descendants
(/proc), during the page loads and during the clicks, so a page load and a click can be
priced in CPU seconds.

Why one Chromium with one browser context per session: a context is a separate profile
(its own cookies and storage, its own renderer process, its own websocket and hence its
own kernel), which is all the server can tell of a student. Ten Chromium processes would
add nine browser processes' memory and CPU on this 2-core machine without changing what
the server sees, and the browser competes with the server for the same cores either way
(students' browsers run on their own machines: measured latencies here are pessimistic).
Concurrency is the async Playwright API: one event loop drives all the pages, so every
session's navigation starts within a few milliseconds of the others.

Every wait is bounded (page loads ``--timeout``, each click 15 s, quiet periods 40 s).
At the end each session's kernel is shut down through voila's shutdown endpoint, and
``VoilaServer.stop`` ends the server and, by pid, any kernel it left: nothing else is
signalled. The exit status is 1 unless every session became interactive and stepped
correctly.

Usage: .venv/bin/python benchmarks/bench_load.py [--sessions 10] [--clicks 10]
           [--voila-arg=--VoilaExecutor.iopub_timeout=60 ...]  (over the repo's voila.json)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "benchmarks"), str(REPO_ROOT / "tests" / "browser")]

import browser_support as bs  # noqa: E402
from bench_app_latency import (  # noqa: E402
    APP,
    CLICK_ONCE,
    TTI_INIT_SCRIPT,
    cpu_ticks,
    median,
    p95,
    wait_quiet,
)
from voila_server import VoilaServer, descendants  # noqa: E402

LABEL_RE = re.compile(r"^Stage (\d) of 9: \S")
STAGES = 9
CLICK_MAX_MS = 15_000
CLICK_QUIET_MS = 100
THINK_MS = (50, 250)
KERNEL_FILE_RE = re.compile(rb"kernel-([0-9a-f-]{36})\.json")
TICKS = os.sysconf("SC_CLK_TCK")

# Interactive (bench_app_latency's probe set window.__tti), visibly failed (an error text;
# "Loading widget" is one only once the page says it is interactive), or finished without
# the app: loaded, spinner gone, every output rendered, and for ``emptyMs`` not one widget
# on the page (voila drops a cell's outputs when they come late: see the module docstring).
INTERACTIVE_OR_FAILED = """([texts, emptyMs]) => {
    if (window.__tti !== null) return true;
    if (document.body === null) return false;
    const text = document.body.innerText;
    if (texts.some(t => t !== 'Loading widget' && text.includes(t))) return true;
    const loading = document.querySelector('#loading');
    const empty = document.readyState === 'complete'
        && (!loading || getComputedStyle(loading).display === 'none')
        && !document.querySelector('script[type="application/vnd.voila.cell-output+json"]')
        && !document.querySelector('.jupyter-widgets') && !text.includes('Loading widget');
    if (!empty) { window.__emptySince = null; return false; }
    window.__emptySince = window.__emptySince || performance.now();
    return performance.now() - window.__emptySince >= emptyMs;
}"""
EMPTY_PAGE_MS = 10_000

# When the page's HTML had fully arrived (ms from navigation start): voila streams the page
# while the notebook executes, so this is the server's share of the time-to-interactive.
HTML_DONE = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return nav && nav.responseEnd > 0 ? nav.responseEnd : null;
}"""

# A failed page in a few words: spinner, voila's unrendered outputs, widgets, label, text.
PAGE_STATE = """() => {
    const loading = document.querySelector('#loading');
    const label = document.querySelector('.stage-label');
    return {
        spinner: !!loading && getComputedStyle(loading).display !== 'none',
        unrenderedOutputs: document.querySelectorAll(
            'script[type="application/vnd.voila.cell-output+json"]').length,
        widgets: document.querySelectorAll('.jupyter-widgets').length,
        label: label ? label.textContent.slice(0, 40) : null,
        tti: window.__tti,
        text: document.body ? document.body.innerText.slice(0, 120) : null,
    };
}"""


# ------------------------------------------------------------------------------- memory


@dataclass(frozen=True)
class Memory:
    """Resident memory of one process, in KiB."""

    rss: int
    pss: int | None
    uss: int | None

    def __add__(self, other: Memory) -> Memory:
        def add(a, b):
            return None if a is None or b is None else a + b

        return Memory(self.rss + other.rss, add(self.pss, other.pss), add(self.uss, other.uss))


def memory_of(pid: int) -> Memory | None:
    """RSS, PSS and USS (private clean + dirty) of ``pid``, or None if it is gone.

    From /proc/<pid>/smaps_rollup; where that is unreadable, RSS alone from /proc/<pid>/status.
    """
    try:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            parts = rest.split()
            if parts and parts[-1] == "kB":
                fields[name] = int(parts[0])
        return Memory(
            fields["Rss"], fields["Pss"], fields["Private_Clean"] + fields["Private_Dirty"]
        )
    except (OSError, KeyError):
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return Memory(int(line.split()[1]), None, None)
    except OSError:
        pass
    return None


def kernel_id_of_process(pid: int) -> str | None:
    """The kernel id in a kernel's command line (``-f .../kernel-<id>.json``), if any."""
    try:
        match = KERNEL_FILE_RE.search(Path(f"/proc/{pid}/cmdline").read_bytes())
    except OSError:
        return None
    return match.group(1).decode() if match else None


@dataclass
class MemorySnapshot:
    """The voila server's memory and each kernel's (or other descendant's), at one moment."""

    server: Memory | None
    kernels: dict[str, tuple[int, Memory]]  # kernel id -> (pid, memory)
    others: dict[int, Memory]  # descendants that are not kernels

    @classmethod
    def take(cls, server: VoilaServer) -> MemorySnapshot:
        server.remember_children()
        kernels, others = {}, {}
        for pid in descendants(server.proc.pid):
            mem = memory_of(pid)
            if mem is None:
                continue
            kernel_id = kernel_id_of_process(pid)
            if kernel_id:
                kernels[kernel_id] = (pid, mem)
            else:
                others[pid] = mem
        return cls(memory_of(server.proc.pid), kernels, others)

    def kernel_total(self) -> Memory:
        return sum((m for _, m in self.kernels.values()), Memory(0, 0, 0))


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f}"


def print_memory(title: str, snap: MemorySnapshot, owners: dict[str, int]) -> None:
    """One row per kernel (its session's number, or none: voila's preheated pool), totals."""
    print(f"\n{title}")
    print(f"  {'process':<34} {'pid':>7} {'RSS MiB':>9} {'PSS MiB':>9} {'USS MiB':>9}")
    order = sorted(snap.kernels, key=lambda k: (owners.get(k, len(owners) + 1), k))
    for kernel_id in order:
        pid, mem = snap.kernels[kernel_id]
        who = f"session {owners[kernel_id]}" if kernel_id in owners else "no session (pool)"
        name = f"kernel {kernel_id[:8]}, {who}"
        print(f"  {name:<34} {pid:>7} {mib(mem.rss):>9} {mib(mem.pss):>9} {mib(mem.uss):>9}")
    for pid, mem in snap.others.items():
        print(
            f"  {'other descendant':<34} {pid:>7} {mib(mem.rss):>9} {mib(mem.pss):>9} "
            f"{mib(mem.uss):>9}"
        )
    total = snap.kernel_total()
    n = len(snap.kernels)
    print(
        f"  {f'all {n} kernels':<34} {'':>7} {mib(total.rss):>9} {mib(total.pss):>9} "
        f"{mib(total.uss):>9}"
    )
    if n:
        med = [
            median([v for _, m in snap.kernels.values() if (v := getattr(m, k)) is not None])
            for k in ("rss", "pss", "uss")
        ]
        print(f"  {'median kernel':<34} {'':>7} {mib(med[0]):>9} {mib(med[1]):>9} {mib(med[2]):>9}")
    if snap.server is not None:
        s = snap.server
        print(f"  {'voila server':<34} {'':>7} {mib(s.rss):>9} {mib(s.pss):>9} {mib(s.uss):>9}")
        everything = s + total
        print(
            f"  {'voila server + kernels':<34} {'':>7} {mib(everything.rss):>9} "
            f"{mib(everything.pss):>9} {mib(everything.uss):>9}"
        )


# ------------------------------------------------------------------------------ sessions


def click_plan(clicks: int) -> list[tuple[str, int]]:
    """(button, stage expected after the click), from stage 1: Next to 9, Previous to 1, ..."""
    plan, stage, step = [], 1, 1
    for _ in range(clicks):
        if not 1 <= stage + step <= STAGES:
            step = -step
        stage += step
        plan.append(("Next" if step > 0 else "Previous", stage))
    return plan


@dataclass
class Session:
    """One student: a browser context, its page, what it measured and what went wrong."""

    index: int
    context: object = None
    page: object = None
    log: bs.PageLog = field(default_factory=bs.PageLog)
    kernel_id: str | None = None
    tti_ms: float | None = None
    html_ms: float | None = None
    clicks_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.tti_ms is not None

    async def open(self, browser) -> None:
        self.context = await browser.new_context(viewport={"width": 1280, "height": 900})
        await self.context.add_init_script(TTI_INIT_SCRIPT)
        self.page = await self.context.new_page()
        self.log.attach(self.page)

    async def load(self, url: str, timeout_ms: float) -> None:
        page = self.page
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        await page.wait_for_function(
            INTERACTIVE_OR_FAILED,
            arg=[list(bs.FAILURE_TEXTS), EMPTY_PAGE_MS],
            timeout=timeout_ms,
            polling=50,
        )
        self.tti_ms = await page.evaluate("() => window.__tti")
        self.html_ms = await page.evaluate(HTML_DONE)
        await self.learn_kernel_id()
        await self.check_page("after loading")
        if self.tti_ms is None:
            if await page.evaluate("() => window.__emptySince !== null"):
                self.problems.append(
                    "voila finished the page without the app: no widget on it (its output "
                    "was dropped: see 'Timeout waiting for IOPub output' in the voila log)"
                )
            return
        label = (await page.inner_text(".stage-label")).strip()
        if not (LABEL_RE.match(label) and label.startswith("Stage 1 of 9:")):
            self.problems.append(f"first label {label!r}, expected 'Stage 1 of 9: ...'")

    async def step(self, clicks: int, seed: int) -> None:
        rng = random.Random(seed)
        for n, (button, stage) in enumerate(click_plan(clicks), 1):
            await asyncio.sleep(rng.uniform(*THINK_MS) / 1000)
            result = await self.page.evaluate(
                CLICK_ONCE, {"button": button, "quietMs": CLICK_QUIET_MS, "maxMs": CLICK_MAX_MS}
            )
            self.clicks_ms.append(result["label"])
            label = result["text"].strip()
            match = LABEL_RE.match(label)
            if not match or int(match.group(1)) != stage:
                self.problems.append(
                    f"click {n} ({button}): label {label!r}, expected 'Stage {stage} of 9: ...'"
                )
                return
        await self.check_page("after clicking")

    async def check_page(self, when: str) -> None:
        text = await self.page.inner_text("body")
        failures = [t for t in bs.FAILURE_TEXTS if t in text]
        if failures or self.log.page_errors:
            self.problems.append(f"{when}: {failures} {self.log.page_errors[:3]}")

    async def learn_kernel_id(self) -> None:
        """The page's kernel id (voila embeds it in the page config); bounded, never raises."""
        if self.kernel_id is None and self.page is not None:
            try:
                # browser_support's helper returns page.evaluate(...): awaitable here.
                self.kernel_id = await asyncio.wait_for(bs.kernel_id_of(self.page), 10)
            except Exception:
                pass

    async def describe(self) -> str:
        """What the page shows now (for a failure report); bounded, never raises."""
        try:
            state = await asyncio.wait_for(self.page.evaluate(PAGE_STATE), 10)
            state["htmlDone"] = await asyncio.wait_for(self.page.evaluate(HTML_DONE), 10)
        except Exception as exc:
            return f"page state unknown ({type(exc).__name__})"
        return (
            f"page state: {state}, page errors {self.log.page_errors[:2]}, "
            f"console errors {self.log.local_console_errors()[:2]}"
        )

    async def close(self, server: VoilaServer) -> None:
        if self.context is not None:
            await self.context.close()
        if self.kernel_id:
            try:
                await asyncio.to_thread(server.shutdown_kernel, self.kernel_id)
            except OSError as exc:
                print(f"session {self.index}: kernel shutdown failed: {exc}", file=sys.stderr)


async def run_phase(sessions: list[Session], what: str, make, timeout: float) -> float:
    """Run ``make(session)`` for every session at once; returns the phase's wall seconds.

    A session that raises or overruns ``timeout`` records the problem; the others go on.
    """

    async def guarded(session: Session) -> None:
        try:
            await asyncio.wait_for(make(session), timeout)
        except Exception as exc:  # Playwright and asyncio timeouts, page errors
            first_line = (str(exc) or type(exc).__name__).splitlines()[0]
            session.problems.append(
                f"{what}: {type(exc).__name__}: {first_line}; {await session.describe()}"
            )
            await session.learn_kernel_id()

    t0 = time.monotonic()
    await asyncio.gather(*(guarded(s) for s in sessions))
    return time.monotonic() - t0


# ----------------------------------------------------------------------------------- CPU


def own_ticks(pid: int) -> int:
    """utime + stime of ``pid`` alone, in clock ticks (0 if unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class Cpu:
    """CPU seconds (utime + stime) so far: the voila server process, its kernels (all its
    descendants), and the client (Playwright's driver and Chromium: every descendant of
    this script outside the server's tree)."""

    server: float
    kernels: float
    client: float

    @classmethod
    def now(cls, server: VoilaServer) -> Cpu:
        pid, me = server.proc.pid, os.getpid()
        server_tree = cpu_ticks(pid)
        own = own_ticks(pid)
        client = cpu_ticks(me) - own_ticks(me) - server_tree
        return cls(own / TICKS, (server_tree - own) / TICKS, client / TICKS)

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(
            self.server - other.server, self.kernels - other.kernels, self.client - other.client
        )

    @property
    def served(self) -> float:
        return self.server + self.kernels


# ---------------------------------------------------------------------------------- main


async def measure(args, executable: str) -> int:
    """Start voila, run the sessions' two phases (load, click), report; the exit status."""
    from playwright.async_api import async_playwright

    with VoilaServer(APP, cwd=REPO_ROOT, extra_args=args.voila_arg) as server:
        # A class meets a server that has been up for a while: its preheated kernel is warm.
        await asyncio.to_thread(wait_quiet, server)
        idle = MemorySnapshot.take(server)
        sessions = [Session(i + 1) for i in range(args.sessions)]
        async with async_playwright() as pw:
            browser = await bs.launch_chromium(pw, executable)
            try:
                for session in sessions:
                    await session.open(browser)
                cpu0 = Cpu.now(server)
                load_s = await run_phase(
                    sessions,
                    "load",
                    lambda s: s.load(server.url_for(), args.timeout * 1000),
                    args.timeout + 10,
                )
                # Until voila has refilled its pool: that kernel's start is a page load's cost
                # too, and the clicks are then timed on a quiet server.
                await asyncio.to_thread(wait_quiet, server)
                load_cpu = Cpu.now(server) - cpu0
                loaded = MemorySnapshot.take(server)
                cpu1 = Cpu.now(server)
                click_s = await run_phase(
                    [s for s in sessions if s.ok],
                    "clicks",
                    lambda s: s.step(args.clicks, seed=s.index),
                    args.clicks * (CLICK_MAX_MS + THINK_MS[1]) / 1000 + 10,
                )
                click_cpu = Cpu.now(server) - cpu1
                stepped = MemorySnapshot.take(server)
            finally:
                for session in sessions:
                    await session.close(server)
                await browser.close()
        owners = {s.kernel_id: s.index for s in sessions if s.kernel_id}

        def session_kernels_left() -> set[str]:
            return set(MemorySnapshot.take(server).kernels) & set(owners)

        # The sessions' kernels were asked to shut down: they should go within seconds.
        await asyncio.to_thread(bs.wait_until, lambda: not session_kernels_left(), 20)
        remaining = session_kernels_left()

    print_sessions(sessions)
    started = len(set(loaded.kernels) - set(idle.kernels))
    n_clicks = sum(len(s.clicks_ms) for s in sessions)
    print(
        f"\nCPU seconds, {os.cpu_count()} cores: server side = voila process + kernels; "
        "client = Playwright + Chromium"
    )
    print(
        f"  page loads: server side {load_cpu.served:.1f} ({load_cpu.server:.1f} + "
        f"{load_cpu.kernels:.1f}), client {load_cpu.client:.1f}, in {load_s:.1f} s wall; "
        f"{started} kernels started (sessions and pool refill): "
        f"{load_cpu.served / max(started, 1):.2f} server CPU s per kernel start and render"
    )
    print(
        f"  clicks:     server side {click_cpu.served:.2f} ({click_cpu.server:.2f} + "
        f"{click_cpu.kernels:.2f}), client {click_cpu.client:.2f}, in {click_s:.1f} s wall; "
        f"{n_clicks} clicks: {1000 * click_cpu.served / max(n_clicks, 1):.1f} server CPU ms "
        f"and {1000 * click_cpu.client / max(n_clicks, 1):.1f} client CPU ms per click"
    )
    print_memory("memory, server idle (before any session):", idle, owners)
    print_memory(f"memory, {len(owners)} sessions opened, page loads over:", loaded, owners)
    print_memory(f"memory, after {n_clicks} clicks:", stepped, owners)
    print_capacity(idle, loaded, owners)
    if remaining:
        print(f"\nkernels still alive 20 s after their shutdown request: {sorted(remaining)}")
    print_log_warnings(server.log_text())
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")

    failed = [s for s in sessions if not s.ok]
    for s in failed:
        print(f"FAIL session {s.index}: {'; '.join(s.problems)}", file=sys.stderr)
    if not failed:
        print(f"PASS  all {len(sessions)} sessions interactive and stepping correctly")
    return 1 if failed else 0


CAPACITY_LIMITS_GIB = (1, 2, 4, 8)


def print_capacity(idle: MemorySnapshot, loaded: MemorySnapshot, owners: dict[str, int]) -> None:
    """Students one standalone voila can hold under a memory limit, from this run's figures.

    memory(N) = server idle + N x (server growth per session) + (N + 1) x kernel, the
    kernel being the median of the sessions' kernels and the + 1 voila's preheated pool.
    PSS shares the libraries among the processes (what a container limit sees); RSS counts
    them in every process (pessimistic).
    """
    n = len(owners)
    if n == 0 or idle.server is None or loaded.server is None:
        return
    session_mems = [loaded.kernels[k][1] for k in owners if k in loaded.kernels]
    print(f"\ncapacity of one standalone voila (from this run; {n} sessions):")
    for measure in ("pss", "rss"):
        if getattr(idle.server, measure) is None:
            continue
        server0 = getattr(idle.server, measure) / 1024
        growth = (getattr(loaded.server, measure) / 1024 - server0) / n
        kernel = median([getattr(m, measure) / 1024 for m in session_mems])
        per_student = growth + kernel
        fixed = server0 + kernel
        counts = ", ".join(
            f"{gib} GiB: {max(0, int((gib * 1024 - fixed) // per_student))}"
            for gib in CAPACITY_LIMITS_GIB
        )
        print(
            f"  {measure.upper()}: memory(N) = {server0:.0f} + {growth:.1f} N + "
            f"{kernel:.1f} (N + 1) MiB; students per limit: {counts}"
        )


def print_log_warnings(log: str) -> None:
    """Each distinct WARNING or ERROR line of the voila log (kernels' own lines aside), counted."""
    counts = Counter(
        line.strip()
        for line in log.splitlines()
        if line.startswith("[Voila]") and ("WARNING" in line or "ERROR" in line)
    )
    print("\nvoila log warnings and errors:" if counts else "\nvoila log: no warnings or errors")
    for line, n in counts.most_common():
        print(f"  {n:>3} x {line[:150]}")


def print_sessions(sessions: list[Session]) -> None:
    def ms(x):
        return "-" if x is None or x != x else f"{x:.0f}"

    print(
        f"\n{'session':>7} {'HTML ms':>8} {'TTI ms':>8} {'click median':>13} {'click p95':>10} "
        f"{'n':>3}  {'kernel':<8}  stepped correctly"
    )
    for s in sessions:
        print(
            f"{s.index:>7} {ms(s.html_ms):>8} {ms(s.tti_ms):>8} {ms(median(s.clicks_ms)):>13} "
            f"{ms(p95(s.clicks_ms)):>10} {len(s.clicks_ms):>3}  {(s.kernel_id or '-')[:8]:<8}  "
            f"{'yes' if s.ok else 'NO: ' + '; '.join(s.problems)}"
        )
    html = [s.html_ms for s in sessions if s.html_ms is not None]
    ttis = [s.tti_ms for s in sessions if s.tti_ms is not None]
    clicks = [c for s in sessions for c in s.clicks_ms]
    per_session = [median(s.clicks_ms) for s in sessions if s.clicks_ms]
    print(
        "(HTML: the page's HTML fully arrived, i.e. voila executed the notebook; TTI: the app"
        " usable)"
    )
    print(
        f"\nHTML over sessions:      median {ms(median(html))} ms, "
        f"min {ms(min(html, default=None))}, max {ms(max(html, default=None))} ms"
    )
    print(
        f"TTI over sessions:       median {ms(median(ttis))} ms, "
        f"min {ms(min(ttis, default=None))}, max {ms(max(ttis, default=None))} ms"
    )
    print(
        f"click, all clicks:       median {ms(median(clicks))} ms, p95 {ms(p95(clicks))} ms, "
        f"max {ms(max(clicks, default=None))} ms (n={len(clicks)})"
    )
    print(f"click, session medians:  median {ms(median(per_session))} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=10, help="concurrent browser sessions")
    ap.add_argument("--clicks", type=int, default=10, help="timed clicks per session")
    ap.add_argument("--timeout", type=float, default=240, help="seconds for one page load")
    ap.add_argument(
        "--voila-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra voila command-line argument, over voila.json (repeatable), "
        "e.g. --voila-arg=--VoilaExecutor.iopub_timeout=60",
    )
    args = ap.parse_args()
    if args.sessions < 1 or args.clicks < 1:
        ap.error("--sessions and --clicks must be at least 1")

    decision = bs.decide_browser(os.environ)
    if decision.action != "run":
        print(decision.message, file=sys.stderr)
        return 1
    print(
        f"{args.sessions} sessions x {args.clicks} clicks on {APP.name}; "
        f"load average before the run: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)",
        flush=True,
    )
    print(f"voila: repo voila.json{''.join(' ' + a for a in args.voila_arg)}", flush=True)
    return asyncio.run(measure(args, decision.executable))


if __name__ == "__main__":
    sys.exit(main())
