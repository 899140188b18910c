"""A class arriving at once on a real JupyterHub: the README's nbgitpuller link, N students.

One JupyterHub on 127.0.0.1, set up as docs/hub.md describes for one machine (the hub,
configurable-http-proxy, one single-user server per student with the project, nbgitpuller
and voila as a server extension, the shipped binder/jupyter_server_config.json, the idle
culler at its documented intervals), started with tests/hub/hub_server.py. The repository
is served to nbgitpuller from a bare clone by a file:// URL.

Waves of students (10, 20, ... up to ``--students``, default 30; ``--quick``: 5 and 10) each
arrive within ``--spread`` seconds (default 5) on a hub with no server running: every student
(one headless Chromium context: their own cookies, server and kernel) opens the README's app
link logged out, logs in, waits while the hub starts their server and nbgitpuller clones the
course, and gets the app. Per student, by the wall clock from opening the link:

- spawn: login submitted to the server's ``git-pull`` page (the hub started the server);
- pull: to the voila page (nbgitpuller cloned the repository);
- time-to-interactive (TTI): to the app usable (`.stage-label` "Stage 1 of 9: ...", Next
  enabled, voila's spinner gone: bench_app_latency's in-page probe), then one click on Next
  must show stage 2;
- lost views: an anywidget view that does not follow Next (``tests/browser/
  browser_support``'s ``STALE_VIEWS``, given the student's time left). None is allowed: a
  student with one is not interactive. A model that missed anywidget's 2 s ("[anywidget]
  Failed to initialize model.") is counted, not failed, and so is each new model the app
  gave a view (``data-reopened``).

A student counts as interactive only if all of that happened within ``--timeout`` seconds
(default 300). A wave with a student who did not stops the ramp: the largest N for which
all did is the last wave where everyone did (no larger N is tried past ``--students``).
With every page of the last wave still open, memory is read per process from
/proc/<pid>/smaps_rollup (RSS, PSS, USS): the hub, the proxy, each student's single-user
server and kernel. CPU (utime + stime, /proc) is read around each wave for the hub, the
proxy, the single-user servers (with the git processes they ran) and their kernels, and
the client (Playwright and Chromium, which share the two cores with the servers here:
students' browsers run on their own machines).

Then, on the quiet hub, the app against a minimal voila page (one label, one button), served
the same way (voila as a server extension of a hub's single-user server, no preheated
kernel): ``--compare`` fresh users each load the minimal page, the app on a fresh home (a
student's first load), the app again, the minimal page again; TTI in the page (navigation
start to interactive). And what a kernel spends building the app, timed inside a kernel
started as a fresh user's would be.

Everything is bounded in time; the hub's teardown ends only processes it started. The JSON
results go to ``--out`` (default benchmarks/results/bench_hub.json): docs/hub.md's figures
are rendered from that file (``--update-docs``), and a test checks they still agree.

Usage: .venv/bin/python benchmarks/bench_hub.py [--students 30 | --quick] [--spread 5]
           [--compare 3] [--out FILE] [--update-docs]
       .venv/bin/python benchmarks/bench_hub.py --update-docs --from-json FILE
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import datetime
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "benchmarks" / "results" / "bench_hub.json"
# The same benchmark with JupyterHub's default spawn timeouts (--start-timeout 60
# --http-timeout 30 --out this file): why docs/hub.md raises them.
RESULTS_DEFAULT_TIMEOUTS = REPO_ROOT / "benchmarks" / "results" / "bench_hub_default_timeouts.json"
DOCS = REPO_ROOT / "docs" / "hub.md"
DOCS_BEGIN = "<!-- bench_hub figures: rendered by benchmarks/bench_hub.py --update-docs -->"
DOCS_END = "<!-- end of bench_hub figures -->"
TTI_RATIO_TARGET = 1.5
MIB = 1024  # KiB per MiB


# ------------------------------------------------------------------ figures for docs/hub.md
# Pure functions of the results: the docs test imports them without the benchmark's
# heavy imports.


def ceil_to(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def pod_memory_mib(results: dict, kernels: int) -> float:
    """A student's server with ``kernels`` app kernels, counted as in a container of their own:
    the server's RSS (its shared libraries once), one kernel's RSS, and each further kernel's
    USS (what one more kernel adds)."""
    mem = results["memory_mib"]
    server, kernel = mem["server"], mem["kernel"]
    return server["rss"] + kernel["rss"] + (kernels - 1) * kernel["uss"]


def recommended_memory(results: dict) -> dict[str, int]:
    """Per-student memory for a hub, MiB: the guarantee holds the server and one app page's
    kernel; the limit adds two more kernels (a reload leaves its kernel until the kernel
    culler takes it, up to 16 minutes later), rounded up to 64 MiB."""
    return {
        "guarantee": ceil_to(pod_memory_mib(results, 1), 64),
        "limit": ceil_to(pod_memory_mib(results, 3), 64),
    }


def students_per_machine(results: dict, gib: int) -> int:
    """Students one machine of ``gib`` GiB holds, from this run's PSS: hub and proxy once,
    then per student the server, one kernel and the hub's and proxy's growth per student."""
    mem = results["memory_mib"]
    fixed = mem["hub_idle"]["pss"] + mem["proxy_idle"]["pss"]
    per = mem["per_student_pss"]
    return max(0, int((gib * 1024 - fixed) // per))


def fmt_s(x) -> str:
    return "n/a" if x is None else f"{x:.1f} s"


def fmt_ms(x) -> str:
    return "n/a" if x is None else f"{x:.0f} ms"


def load_default_timeouts() -> dict | None:
    try:
        return json.loads(RESULTS_DEFAULT_TIMEOUTS.read_text())
    except OSError:
        return None


def spawn_failures(results: dict) -> int:
    """Students whose server the hub gave up on ("Spawn failed"), over all waves."""
    return sum(
        1
        for w in results["waves"]
        for problems in w["failures"].values()
        if any("Spawn failed" in p for p in problems)
    )


def failure_kind(problem: str) -> str:
    """One failed student's problem in a few words."""
    if "Spawn failed" in problem:
        return '"Spawn failed"'
    if problem.startswith("lost views:"):
        return "a lost view"
    if problem.startswith("app page errors:"):
        try:  # the repr of a list of messages
            first = ast.literal_eval(problem.removeprefix("app page errors:").strip())[0]
        except (ValueError, SyntaxError, IndexError):
            first = problem
        return f"an error on the app's page ({first.splitlines()[0][:60]})"
    if "wait_for_function" in problem:
        return "the app's page not interactive in time"
    for stage, words in (("spawn:", "stuck before their server"), ("pull:", "stuck in the clone")):
        if stage in problem:
            return words
    return problem.split(";")[0][:80]


def failure_summary(wave: dict) -> str:
    """The failed students of a wave, counted by kind."""
    kinds: dict[str, int] = {}
    for problems in wave["failures"].values():
        kind = failure_kind(problems[0]) if problems else "unknown"
        kinds[kind] = kinds.get(kind, 0) + 1
    return "; ".join(f"{n} x {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))


def render_figures(results: dict, defaults: dict | None = None) -> str:
    """The figures block of docs/hub.md, from the JSON results (and, if given, the run with
    JupyterHub's default spawn timeouts)."""

    def others(wave: dict) -> str:
        return f"; failed: {failure_summary(wave)}" if wave["failures"] else ""

    cls = results["class"]
    mem = results["memory_mib"]
    cpu = results["cpu_per_student_s"]
    cmp_ = results["app_vs_minimal"]
    rec = recommended_memory(results)
    cost = results["app_start_cost_ms"]
    m = results["machine"]
    hub_set = results["settings"]["hub"]
    basis = next(w for w in results["waves"] if w["students"] == results["per_student_basis"])
    lines = [
        DOCS_BEGIN,
        "",
        f"Run of {results['date']} on commit {results['course_lib_commit'][:7]} "
        f"({'quick' if results['quick'] else 'full'}: waves of "
        f"{', '.join(str(w['students']) for w in results['waves'])} students, arriving within "
        f"{results['spread_s']:.0f} s; load average {results['load_average_before']:.1f} "
        f"before, {results['load_average_after']:.1f} after): {m['cores']} cores, "
        f"{m['memory_gib']:.0f} GiB, "
        f"Python {m['python']}, JupyterHub {m['jupyterhub']}, configurable-http-proxy "
        f"{m['configurable_http_proxy']}, jupyter_server {m['jupyter_server']}, voila "
        f"{m['voila']}, nbgitpuller {m['nbgitpuller']}; Chromium on the same cores.",
        "",
        "| figure | measured |",
        "|---|---|",
        f"| hub settings | `Spawner.http_timeout` {hub_set['Spawner.http_timeout']} s, "
        f"`start_timeout` {hub_set['Spawner.start_timeout']} s, culler {hub_set['culler']} |",
        f"| students interactive, class of {cls['students']} | {cls['interactive']} of "
        f"{cls['students']}{others(results['waves'][-1])} |",
        f'| students of that class who reloaded the hub\'s "server starting" page (stuck '
        f"after their server was ready) | {len(results['waves'][-1].get('reloads', {}))} |",
    ]
    if "lost_views" in cls:  # counted since the app replaces a model that missed its 2 s
        lines.append(
            f"| class of {cls['students']}: views lost (not following Next) / anywidget "
            f"models that missed their 2 s / models replaced | "
            f"{sum(len(v) for v in cls['lost_views'].values())} / "
            f"{cls.get('models_failed', '-')} / {cls['models_replaced']} |"
        )
    lines += [
        f"| largest class where every student got the app | "
        f"{results['largest_all_interactive']}"
        f"{'' if results['largest_all_interactive'] < cls['students'] else ' (no larger tried)'}"
        " |",
        f"| class of {cls['students']}: time-to-interactive from opening the link, "
        f"median / p95 | {fmt_s(cls['tti_s']['median'])} / {fmt_s(cls['tti_s']['p95'])} |",
        f"| class of {cls['students']}: the hub starting the server, median / p95 | "
        f"{fmt_s(cls['spawn_s']['median'])} / {fmt_s(cls['spawn_s']['p95'])} |",
        f"| class of {cls['students']}: nbgitpuller's clone, median | "
        f"{fmt_s(cls['pull_s']['median'])} |",
        f"| time-to-interactive in the wave of {basis['students']}, median / p95 | "
        f"{fmt_s(basis['tti_s']['median'])} / {fmt_s(basis['tti_s']['p95'])} |",
        f"| of which the hub starting the server, median / p95 | "
        f"{fmt_s(basis['spawn_s']['median'])} / {fmt_s(basis['spawn_s']['p95'])} |",
        f"| the hub's own count of a server's start (what `http_timeout` limits), "
        f"median / max | {fmt_s(basis['server_start_s']['median'])} / "
        f"{fmt_s(basis['server_start_s']['max'])} |",
        f"| the per-student rows below were measured in the wave of | "
        f"{results['per_student_basis']} students |",
        f"| server CPU per student: hub / proxy / single-user server + kernel | "
        f"{cpu['hub']:.2f} / {cpu['proxy']:.2f} / {cpu['singleuser']:.2f} + "
        f"{cpu['kernels']:.2f} s |",
        f"| browser CPU per student (on the same cores here) | {cpu['client']:.1f} s |",
        f"| hub process, idle / with every page open (PSS) | {mem['hub_idle']['pss']:.0f} / "
        f"{mem['hub_loaded']['pss']:.0f} MiB |",
        f"| proxy process, idle / with every page open (PSS) | {mem['proxy_idle']['pss']:.0f} / "
        f"{mem['proxy_loaded']['pss']:.0f} MiB |",
        f"| per student: single-user server (PSS / RSS) | {mem['server']['pss']:.0f} / "
        f"{mem['server']['rss']:.0f} MiB |",
        f"| per student: the app's kernel (PSS / RSS / USS) | {mem['kernel']['pss']:.0f} / "
        f"{mem['kernel']['rss']:.0f} / {mem['kernel']['uss']:.0f} MiB |",
        f"| per student on one machine, all included (PSS) | {mem['per_student_pss']:.0f} MiB |",
        f"| students on one machine of 8 / 16 / 32 GiB (PSS) | "
        f"{students_per_machine(results, 8)} / {students_per_machine(results, 16)} / "
        f"{students_per_machine(results, 32)} |",
        f"| per student in a container of their own: server + 1 kernel / + 3 kernels | "
        f"{pod_memory_mib(results, 1):.0f} / {pod_memory_mib(results, 3):.0f} MiB |",
        f"| memory guarantee / limit per student (rounded up to 64 MiB) | {rec['guarantee']} / "
        f"{rec['limit']} MiB |",
        f"| app TTI, a student's first load (a new home) / minimal page | "
        f"{fmt_ms(cmp_['app_first_tti_ms'])} / {fmt_ms(cmp_['minimal_tti_ms'])}: "
        f"{cmp_['ratio_first']:.2f}x (target {TTI_RATIO_TARGET}x) |",
        f"| app TTI, later loads / minimal page | "
        f"{fmt_ms(cmp_['app_later_tti_ms'])} / {fmt_ms(cmp_['minimal_tti_ms'])}: "
        f"{cmp_['ratio_later']:.2f}x |",
        f"| in a new student's kernel: `from course_lib.widgets import app` / first `app()` / "
        f"second `app()`; matplotlib imported | {fmt_ms(cost['import'])} / "
        f"{fmt_ms(cost['first_app'])} / {fmt_ms(cost['cached_app'])}; "
        f"{'yes (the graphs were drawn)' if cost['matplotlib_imported'] else 'no'} |",
    ]
    if defaults is not None:
        dcls, dset = defaults["class"], defaults["settings"]["hub"]
        lines.append(
            f"| with JupyterHub's default `http_timeout` {dset['Spawner.http_timeout']} s and "
            f"`start_timeout` {dset['Spawner.start_timeout']} s (run of {defaults['date']} on "
            f"commit {defaults['course_lib_commit'][:7]}, "
            f"load average {defaults['load_average_before']:.1f}): class of "
            f"{dcls['students']} | {dcls['interactive']} of {dcls['students']} interactive, "
            f'{spawn_failures(defaults)} "Spawn failed"{others(defaults["waves"][-1])} |'
        )
        for w in defaults["waves"]:
            lines.append(
                f"| same run, wave of {w['students']}: interactive; the hub's count of a "
                f"server's start, median / max | {w['interactive']} of {w['students']}; "
                f"{fmt_s(w['server_start_s']['median'])} / {fmt_s(w['server_start_s']['max'])} |"
            )
    lines += ["", DOCS_END]
    return "\n".join(lines)


def docs_block(text: str) -> str | None:
    start, end = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if start < 0 or end < 0:
        return None
    return text[start : end + len(DOCS_END)]


def update_docs(results: dict, path: Path = DOCS) -> None:
    text = path.read_text()
    block = docs_block(text)
    if block is None:
        raise SystemExit(f"{path} has no figures block ({DOCS_BEGIN!r} ... {DOCS_END!r})")
    path.write_text(text.replace(block, render_figures(results, load_default_timeouts())))


# ---------------------------------------------------------------------------- measuring


def summary(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0, "median": None, "p95": None, "max": None}
    xs = sorted(xs)
    p95 = xs[0] if len(xs) == 1 else statistics.quantiles(xs, n=20, method="inclusive")[18]
    return {"n": len(xs), "median": statistics.median(xs), "p95": p95, "max": xs[-1]}


def setup_paths() -> None:
    sys.path[:0] = [
        str(REPO_ROOT / "benchmarks"),
        str(REPO_ROOT / "tests" / "browser"),
        str(REPO_ROOT / "tests"),
    ]


MINIMAL_NOTEBOOK = "minimal.ipynb"
SPAWN_FAILED = (
    "Spawn failed",
    "500 : Internal Server Error",
    "Server Error",
    "Error cloning",
    "403 : Forbidden",
)


@dataclass
class Student:
    name: str
    delay: float
    context: object = None
    page: object = None
    t_open: float | None = None
    spawn_s: float | None = None
    pull_s: float | None = None
    tti_s: float | None = None
    problems: list[str] = field(default_factory=list)
    reloads: list[str] = field(default_factory=list)
    hub_page_errors: list[str] = field(default_factory=list)
    lost_views: list[str] = field(default_factory=list)
    models_failed: int = 0
    models_replaced: int = 0
    log: object = None

    @property
    def ok(self) -> bool:
        return self.tti_s is not None and not self.problems


STUCK_S = 20  # a "server starting" page this long after the hub called it ready: reload


async def wait_for_path(page, pattern: re.Pattern, deadline: float, what: str, stuck=None) -> None:
    """Poll (bounded) until the page's URL matches ``pattern``; fail at once on a hub or
    nbgitpuller error page. ``stuck``: an async callable run on every poll (it may reload
    the page)."""
    while True:
        if pattern.search(page.url):
            return
        if stuck is not None:
            await stuck()
        try:
            text = await page.evaluate("() => document.body ? document.body.innerText : ''")
        except Exception:  # mid-navigation
            text = ""
        shown = [t for t in SPAWN_FAILED if t in text]
        if shown:
            raise RuntimeError(
                f"{what}: the page shows {' '.join(text.split())[:240]!r} "
                f"(at {page.url.split('?')[0]})"
            )
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"{what}: still at {page.url.split('?')[0]} ({' '.join(text.split())[:160]!r})"
            )
        await asyncio.sleep(0.2)


def stuck_page_reloader(student: Student, hub):
    """What a student does when the hub's "Your server is starting up" page stays at 0 %
    long after their server is running: reload it. Each reload is recorded, with what the
    page's console and network said."""
    state = {"since": None}

    async def check() -> None:
        page = student.page
        if "/spawn-pending/" not in page.url:
            state["since"] = None
            return
        server = await asyncio.to_thread(hub.server_model, student.name)
        if not (server and server.get("ready")):
            return
        state["since"] = state["since"] or time.monotonic()
        if time.monotonic() - state["since"] < STUCK_S:
            return
        student.reloads.append(
            f"spawn-pending page still shown {STUCK_S} s after the server was ready; "
            f"console errors {student.log.console_errors[:2]}, "
            f"failed requests {student.log.failed_requests[:2]}"
        )
        state["since"] = None
        try:
            await page.reload(wait_until="commit")
        except Exception as exc:  # the page moved on by itself meanwhile: nothing to do
            student.reloads[-1] += f" (the reload was overtaken: {str(exc).splitlines()[0]})"

    return check


async def arrive(student: Student, browser, link: str, timeout: float, mods, hub) -> None:
    bs, lat, load = mods["bs"], mods["lat"], mods["load"]
    await asyncio.sleep(student.delay)
    student.context = await browser.new_context(viewport={"width": 1280, "height": 900})
    # Every step may take long when the machine is saturated: bounded by the student's
    # deadline, not Playwright's default 30 s.
    student.context.set_default_timeout(timeout * 1000)
    await student.context.add_init_script(lat.TTI_INIT_SCRIPT)
    page = student.page = await student.context.new_page()
    student.log = bs.PageLog().attach(page)
    t0 = student.t_open = time.monotonic()
    deadline = t0 + timeout
    await page.goto(link, wait_until="commit", timeout=timeout * 1000)
    await page.wait_for_selector("#username_input", timeout=timeout * 1000)
    await page.fill("#username_input", student.name)
    await page.fill("#password_input", "any password")
    t_login = time.monotonic()
    await page.click("#login_submit")
    await wait_for_path(
        page,
        re.compile(r"/user/[^/]+/git-pull"),
        deadline,
        "spawn",
        stuck_page_reloader(student, hub),
    )
    t_pull = time.monotonic()
    student.spawn_s = t_pull - t_login
    await wait_for_path(page, re.compile(r"/user/[^/]+/voila/render/"), deadline, "pull")
    t_voila = time.monotonic()
    student.pull_s = t_voila - t_pull
    # Errors so far came from the hub's and nbgitpuller's pages (a slow hub page can time
    # out loading its scripts); only the app's page errors make the student fail.
    student.hub_page_errors = list(student.log.page_errors)
    hub_errors = len(student.log.page_errors)
    left = max(1.0, deadline - time.monotonic())
    await page.wait_for_function(
        load.INTERACTIVE_OR_FAILED,
        arg=[list(bs.FAILURE_TEXTS), load.EMPTY_PAGE_MS],
        timeout=left * 1000,
        polling=50,
    )
    if await page.evaluate("() => window.__tti") is None:
        text = await page.inner_text("body")
        raise RuntimeError(
            f"the voila page failed: {[t for t in bs.FAILURE_TEXTS if t in text] or text[-160:]!r}"
        )
    t_tti = time.monotonic()
    label = (await page.inner_text(".stage-label")).strip()
    if not label.startswith("Stage 1 of 9:"):
        raise RuntimeError(f"first label {label!r}")
    click = await page.evaluate(lat.CLICK_ONCE, {"button": "Next", "quietMs": 50, "maxMs": 15_000})
    if not click["text"].strip().startswith("Stage 2 of 9:"):
        raise RuntimeError(f"after Next the label reads {click['text']!r}")
    student.lost_views = await views_lost(page, bs, max(15.0, deadline - time.monotonic()))
    if student.lost_views:
        student.problems.append(f"lost views: {student.lost_views}")
    student.tti_s = t_tti - t0
    app_errors = student.log.page_errors[hub_errors:]
    student.models_failed = sum(bs.MODEL_FAILED in e for e in app_errors)
    student.models_replaced = await page.evaluate(bs.MODELS_REPLACED)
    app_errors = [e for e in app_errors if bs.MODEL_FAILED not in e]
    if app_errors:
        student.problems.append(f"app page errors: {app_errors[:2]}")


async def views_lost(page, bs, wait_s: float) -> list[str]:
    """The anywidget views of the app's page that do not show stage 2 after ``wait_s``."""
    try:
        await page.wait_for_function(
            f"(a) => ({bs.STALE_VIEWS})(a).length === 0",
            arg=[2, "dZ2"],
            timeout=wait_s * 1000,
            polling=100,
        )
    except Exception:  # a timeout: the views still stale are returned
        pass
    return await page.evaluate(bs.STALE_VIEWS, [2, "dZ2"])


@dataclass
class CpuSample:
    hub: float
    proxy: float
    singleuser: float
    kernels: float
    culler: float
    client: float

    def __sub__(self, other):
        return CpuSample(*(getattr(self, f) - getattr(other, f) for f in self.__dataclass_fields__))


def ticks(pid: int, children: bool = False) -> int:
    """utime + stime (and, with ``children``, the reaped children's) of ``pid``, in ticks."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children else 0)


def cpu_now(hub) -> CpuSample:
    """CPU seconds so far by role. Single-user servers include the git processes they ran
    (reaped children); kernels are counted apart."""
    tick = os.sysconf("SC_CLK_TCK")
    procs = hub.processes()
    singleuser = sum(ticks(p, children=True) for p in procs["servers"].values())
    kernels = sum(ticks(p) for pids in procs["kernels"].values() for p in pids)
    proxy = sum(ticks(p) for p in procs["proxy"])
    culler = sum(ticks(p) for p in procs["services"])
    hub_own = ticks(procs["hub"])
    from voila_server import descendants

    hub_tree = {procs["hub"], *descendants(procs["hub"])}
    me = os.getpid()
    client = sum(ticks(p) for p in descendants(me) if p not in hub_tree)
    return CpuSample(
        hub_own / tick,
        proxy / tick,
        singleuser / tick,
        kernels / tick,
        culler / tick,
        client / tick,
    )


def memory_snapshot(hub, mods) -> dict:
    """PSS/RSS/USS (MiB) of the hub, the proxy, and per user their server and kernels."""
    load = mods["load"]
    procs = hub.processes()

    def mem(pid):
        m = load.memory_of(pid)
        return (
            None
            if m is None
            else {"rss": m.rss / MIB, "pss": (m.pss or 0) / MIB, "uss": (m.uss or 0) / MIB}
        )

    def total(pids):
        parts = [m for m in (mem(p) for p in pids) if m]
        return {k: sum(p[k] for p in parts) for k in ("rss", "pss", "uss")}

    return {
        "hub": mem(procs["hub"]),
        "proxy": total(procs["proxy"]),
        "servers": {user: mem(pid) for user, pid in procs["servers"].items()},
        "kernels": {user: [mem(p) for p in pids] for user, pids in procs["kernels"].items()},
    }


async def run_wave(hub, browser, link: str, names: list[str], args, mods) -> dict:
    rng = random.Random(len(names))
    students = [Student(name, rng.uniform(0, args.spread)) for name in names]

    async def guarded(student):
        try:
            await asyncio.wait_for(
                arrive(student, browser, link, args.timeout, mods, hub),
                args.timeout + args.spread + 30,
            )
        except Exception as exc:
            first = (str(exc) or type(exc).__name__).splitlines()[0]
            log = student.log
            seen = (
                ""
                if log is None
                else (
                    f"; console errors {log.console_errors[:2]}, page errors "
                    f"{log.page_errors[:2]}, failed requests {log.failed_requests[:2]}"
                )
            )
            student.problems.append(f"{type(exc).__name__}: {first[:300]}{seen}")

    cpu0 = await asyncio.to_thread(cpu_now, hub)
    t0 = time.monotonic()
    await asyncio.gather(*(guarded(s) for s in students))
    wall = time.monotonic() - t0
    cpu = (await asyncio.to_thread(cpu_now, hub)) - cpu0
    loaded = await asyncio.to_thread(memory_snapshot, hub, mods)
    ok = [s for s in students if s.ok]
    # The hub's own measure of each server's start (spawn request to the server answering):
    # what Spawner.http_timeout limits.
    started = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r"User (\S+) took ([0-9.]+) seconds to start", hub.log_text())
        if m.group(1) in names
    }
    wave = {
        "students": len(students),
        "interactive": len(ok),
        "wall_s": wall,
        "tti_s": summary([s.tti_s for s in ok]),
        "spawn_s": summary([s.spawn_s for s in students if s.spawn_s is not None]),
        "pull_s": summary([s.pull_s for s in students if s.pull_s is not None]),
        "server_start_s": summary(list(started.values())),
        "cpu_s": cpu.__dict__,
        "failures": {s.name: s.problems for s in students if not s.ok},
        "reloads": {s.name: s.reloads for s in students if s.reloads},
        "hub_page_errors": {s.name: s.hub_page_errors for s in students if s.hub_page_errors},
        "lost_views": {s.name: s.lost_views for s in students if s.lost_views},
        "models_failed": sum(s.models_failed for s in students),
        "models_replaced": sum(s.models_replaced for s in students),
        "interactive_after_a_reload": sum(1 for s in ok if s.reloads),
    }
    for s in students:
        if s.context is not None:
            await s.context.close()
    return wave, loaded


async def stop_all(hub, names: list[str]) -> None:
    def stop(name):
        try:
            hub.stop_server(name, timeout=90)
        except Exception as exc:
            print(f"  stopping {name}: {exc}", file=sys.stderr)

    await asyncio.gather(*(asyncio.to_thread(stop, n) for n in names))


def wait_calm(hub, quiet: float = 2.0, timeout: float = 60.0) -> None:
    """Until the hub's whole tree uses (almost) no CPU for ``quiet`` seconds (bounded)."""
    from voila_server import descendants

    def tree_ticks():
        pid = hub.proc.pid
        return sum(ticks(p) for p in [pid, *descendants(pid)])

    deadline = time.monotonic() + timeout
    last, calm = tree_ticks(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = tree_ticks()
        if now - last > 2:
            calm = time.monotonic()
        last = now
        if time.monotonic() - calm >= quiet:
            return


async def compare_pages(hub, browser, remote: Path, users: int, mods) -> dict:
    """On the quiet hub: minimal page vs the app, in-page TTI, per fresh user."""
    bs, lat, load = mods["bs"], mods["lat"], mods["load"]
    import nbformat

    rows = []
    for i in range(users):
        name = f"compare-{i + 1}"
        home = hub.home(name)
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "clone", "--quiet", "--depth", "1", remote.as_uri(), str(home / remote.name)],
            check=True,
            timeout=120,
        )
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(lat.MINIMAL_SOURCE)]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, home / MINIMAL_NOTEBOOK)
        await asyncio.to_thread(hub.start_server, name)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        await context.add_init_script(lat.TTI_INIT_SCRIPT)
        page = await context.new_page()
        # Log in (the server is running: the hub sends the browser straight to it).
        await page.goto(f"{hub.base_url}/hub/login", wait_until="commit")
        await page.fill("#username_input", name)
        await page.fill("#password_input", "any password")
        await page.click("#login_submit")
        await wait_for_path(page, re.compile(r"/user/"), time.monotonic() + 120, "login")
        app = hub.user_url(name, f"voila/render/{remote.name}/notebooks/app.ipynb")
        minimal = hub.user_url(name, f"voila/render/{MINIMAL_NOTEBOOK}")
        row = {}
        # The first voila page of a new server also loads voila's templates: untimed.
        for key, url in (
            ("warm-up", minimal),
            ("minimal", minimal),
            ("app_first", app),
            ("app_later", app),
            ("minimal_again", minimal),
        ):
            await asyncio.to_thread(wait_calm, hub)
            await page.goto(url, wait_until="commit", timeout=120_000)
            await page.wait_for_function(
                load.INTERACTIVE_OR_FAILED,
                arg=[list(bs.FAILURE_TEXTS), load.EMPTY_PAGE_MS],
                timeout=120_000,
                polling=20,
            )
            tti = await page.evaluate("() => window.__tti")
            html = await page.evaluate(load.HTML_DONE)
            if tti is None:
                raise RuntimeError(f"{url} did not become interactive")
            row[key] = {"tti_ms": tti, "html_ms": html}
        row.pop("warm-up")
        rows.append(row)
        await context.close()
        await asyncio.to_thread(hub.stop_server, name)

    def med(key, field_="tti_ms"):
        return statistics.median(r[key][field_] for r in rows)

    minimal = statistics.median(
        [r[k]["tti_ms"] for r in rows for k in ("minimal", "minimal_again")]
    )
    return {
        "users": users,
        "minimal_tti_ms": minimal,
        "app_first_tti_ms": med("app_first"),
        "app_later_tti_ms": med("app_later"),
        "ratio_first": med("app_first") / minimal,
        "ratio_later": med("app_later") / minimal,
        "minimal_html_ms": statistics.median(
            [r[k]["html_ms"] for r in rows for k in ("minimal", "minimal_again")]
        ),
        "app_first_html_ms": med("app_first", "html_ms"),
        "app_later_html_ms": med("app_later", "html_ms"),
        "rows": rows,
    }


APP_COST = r"""
import json, sys, time
t0 = time.perf_counter()
from course_lib.widgets import app
t1 = time.perf_counter()
first = app()
t2 = time.perf_counter()
drawn = "matplotlib" in sys.modules
second = app()
t3 = time.perf_counter()
import course_lib
print("APP-COST " + json.dumps({"import": (t1 - t0) * 1e3, "first_app": (t2 - t1) * 1e3,
      "cached_app": (t3 - t2) * 1e3, "matplotlib_imported": drawn,
      "course_lib": course_lib.__file__}))
"""


def committed_course_lib(target: Path, commit: str) -> Path:
    """``course_lib`` as committed at ``commit``, extracted under ``target`` (for PYTHONPATH)."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", commit, "course_lib"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True, timeout=60)
    return target


def app_start_cost(repo: Path, snapshot: Path) -> dict:
    """What a kernel spends building the app for a new student: a kernel started with a fresh
    HOME (no graph cache of its own), as a hub starts a new student's. Kernel start is timed
    too."""
    from jupyter_client.manager import start_new_kernel

    home = Path(tempfile.mkdtemp(prefix="bench-hub-home-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MPLBACKEND", "COURSE_LIB_CACHE", "XDG_CACHE_HOME"}
    }
    env["HOME"] = str(home)
    env["PYTHONPATH"] = str(snapshot)
    try:
        t0 = time.perf_counter()
        km, kc = start_new_kernel(
            kernel_name="python3", env=env, cwd=str(repo), startup_timeout=120
        )
        started = (time.perf_counter() - t0) * 1e3
        try:
            out = []

            def keep(msg):
                if msg["header"]["msg_type"] == "stream":
                    out.append(msg["content"]["text"])

            kc.execute_interactive(APP_COST, timeout=180, output_hook=keep)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        line = next(ln for ln in "".join(out).splitlines() if ln.startswith("APP-COST "))
        cost = json.loads(line[len("APP-COST ") :])
        cost["kernel_start"] = started
        return cost
    finally:
        shutil.rmtree(home, ignore_errors=True)


def versions() -> dict:
    from importlib.metadata import version

    def run(cmd):
        try:
            return (
                subprocess.run(cmd, capture_output=True, text=True, timeout=30)
                .stdout.strip()
                .split()[-1]
            )
        except Exception:
            return "unknown"

    mem_kib = int(
        next(
            ln
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal:")
        ).split()[1]
    )
    from hub.hub_server import installed_proxy

    proxy = installed_proxy()
    return {
        "cores": os.cpu_count(),
        "memory_gib": mem_kib / 1024 / 1024,
        "python": platform.python_version(),
        "jupyterhub": version("jupyterhub"),
        "jupyterhub_idle_culler": version("jupyterhub-idle-culler"),
        "configurable_http_proxy": run([str(proxy), "--version"]) if proxy else "unknown",
        "node": run(["node", "--version"]),
        "jupyter_server": version("jupyter_server"),
        "voila": version("voila"),
        "nbgitpuller": version("nbgitpuller"),
        "ipykernel": version("ipykernel"),
        "chromium": run(["/usr/bin/chromium", "--version"])
        if Path("/usr/bin/chromium").exists()
        else "unknown",
    }


def per_student(wave: dict, idle: dict, loaded: dict, names: list[str]) -> dict:
    servers = [loaded["servers"][n] for n in names if loaded["servers"].get(n)]
    kernels = [k for n in names for k in loaded["kernels"].get(n, []) if k]

    def med(items, key):
        return statistics.median(i[key] for i in items) if items else None

    n = max(1, len(servers))
    server = {k: med(servers, k) for k in ("rss", "pss", "uss")}
    kernel = {k: med(kernels, k) for k in ("rss", "pss", "uss")}
    hub_growth = (loaded["hub"]["pss"] - idle["hub"]["pss"]) / n
    proxy_growth = (loaded["proxy"]["pss"] - idle["proxy"]["pss"]) / n
    return {
        "hub_idle": idle["hub"],
        "hub_loaded": loaded["hub"],
        "proxy_idle": idle["proxy"],
        "proxy_loaded": loaded["proxy"],
        "server": server,
        "kernel": kernel,
        "kernels_per_student": len(kernels) / n,
        "per_student_pss": (server["pss"] or 0)
        + (kernel["pss"] or 0) * len(kernels) / n
        + hub_growth
        + proxy_growth,
        "servers_measured": len(servers),
    }


async def measure(args, executable: str) -> dict:
    import bench_app_latency as lat
    import bench_load as load
    import browser_support as bs
    from hub import hub_server as hs
    from hub.links import on_hub, readme_link_to
    from playwright.async_api import async_playwright

    mods = {"bs": bs, "lat": lat, "load": load}
    step = 5 if args.quick else 10
    sizes = list(range(step, args.students + 1, step))
    if not sizes or sizes[-1] != args.students:
        sizes.append(args.students)
    workdir = Path(tempfile.mkdtemp(prefix="bench-hub-"))
    proxy = hs.proxy_command()
    remote = hs.bare_course_repo(workdir)
    # The committed course_lib, not the work tree (which may be mid-edit): every single-user
    # server and kernel imports this copy first.
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    snapshot = committed_course_lib(workdir / "course-lib-snapshot", commit)
    hub = hs.Hub(
        workdir / "hub",
        proxy,
        culler_timeout=3600,
        cull_every=300,
        start_timeout=args.start_timeout,
        http_timeout=args.http_timeout,
        environment={"PYTHONPATH": str(snapshot)},
    )
    results = {
        "date": datetime.date.today().isoformat(),
        "course_lib_commit": commit,
        "quick": args.quick,
        "load_average_before": os.getloadavg()[0],
        "spread_s": args.spread,
        "timeout_s": args.timeout,
        "machine": versions(),
        "settings": {
            "singleuser": json.loads(
                (hs.SHIPPED_CONFIG_DIR / "jupyter_server_config.json").read_text()
            ),
            "hub": {
                "Spawner.start_timeout": args.start_timeout,
                "Spawner.http_timeout": args.http_timeout,
                "culler": "--timeout=3600 --cull-every=300",
            },
        },
        "waves": [],
    }
    hub.start(timeout=120)
    try:
        link = on_hub(readme_link_to("voila/render"), hub.base_url, remote.as_uri())
        print(f"hub at {hub.base_url}; link {link}", flush=True)
        async with async_playwright() as pw:
            browser = await bs.launch_chromium(pw, executable)
            try:
                await asyncio.to_thread(wait_calm, hub)
                idle = await asyncio.to_thread(memory_snapshot, hub, mods)
                largest = 0
                for w, size in enumerate(sizes, 1):
                    names = [f"w{w}-s{i + 1:02d}" for i in range(size)]
                    print(f"wave {w}: {size} students ...", flush=True)
                    wave, loaded = await run_wave(hub, browser, link, names, args, mods)
                    results["waves"].append(wave)
                    print(
                        f"  {wave['interactive']} of {size} interactive; TTI median "
                        f"{fmt_s(wave['tti_s']['median'])}, p95 {fmt_s(wave['tti_s']['p95'])}"
                        f"; spawn median {fmt_s(wave['spawn_s']['median'])}; "
                        f"wall {wave['wall_s']:.0f} s",
                        flush=True,
                    )
                    print(
                        f"  {sum(len(v) for v in wave['lost_views'].values())} views lost; "
                        f"{wave['models_failed']} anywidget models failed, "
                        f"{wave['models_replaced']} replaced",
                        flush=True,
                    )
                    for name, problems in wave["failures"].items():
                        print(f"  FAIL {name}: {'; '.join(problems)}", flush=True)
                    # Memory with every page of the wave still open.
                    wave["memory_mib"] = per_student(wave, idle, loaded, names)
                    await stop_all(hub, names)
                    await asyncio.to_thread(wait_calm, hub)
                    if wave["interactive"] < size:
                        break
                    largest = size
                wave = results["waves"][-1]
                results["largest_all_interactive"] = largest
                results["class"] = {
                    k: wave[k]
                    for k in (
                        "students",
                        "interactive",
                        "tti_s",
                        "spawn_s",
                        "pull_s",
                        "wall_s",
                        "reloads",
                        "hub_page_errors",
                        "lost_views",
                        "models_failed",
                        "models_replaced",
                    )
                }
                # Per-student costs from the largest wave where every student had the app
                # (a wave that did not finish loading would understate them).
                done = [w for w in results["waves"] if w["interactive"] == w["students"]]
                basis = done[-1] if done else wave
                results["per_student_basis"] = basis["students"]
                results["memory_mib"] = basis["memory_mib"]
                results["cpu_per_student_s"] = {
                    k: v / basis["students"] for k, v in basis["cpu_s"].items()
                }
                print("comparing the app with a minimal page ...", flush=True)
                results["app_vs_minimal"] = await compare_pages(
                    hub, browser, remote, args.compare, mods
                )
            finally:
                await browser.close()
    finally:
        hub.stop(grace=60)
    results["load_average_after"] = os.getloadavg()[0]
    results["app_start_cost_ms"] = await asyncio.to_thread(app_start_cost, REPO_ROOT, snapshot)
    results["recommended_memory_mib"] = recommended_memory(results)
    shutil.rmtree(workdir, ignore_errors=True)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--students", type=int, default=None, help="class size (default 30)")
    ap.add_argument("--quick", action="store_true", help="10 students, waves of 5")
    ap.add_argument("--spread", type=float, default=5.0, help="arrivals within this many s")
    ap.add_argument("--timeout", type=float, default=300.0, help="s for one student")
    ap.add_argument("--compare", type=int, default=3, help="users for app vs minimal page")
    # docs/hub.md's hub settings; JupyterHub's defaults are 60 and 30 (too short for a class
    # arriving at once on a small machine: see docs/hub.md).
    ap.add_argument("--start-timeout", type=int, default=120, help="Spawner.start_timeout")
    ap.add_argument("--http-timeout", type=int, default=120, help="Spawner.http_timeout")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--update-docs", action="store_true", help="rewrite docs/hub.md's figures")
    ap.add_argument("--from-json", type=Path, help="no run: use these results")
    args = ap.parse_args()
    if args.students is None:
        args.students = 10 if args.quick else 30
    setup_paths()

    if args.from_json:
        results = json.loads(args.from_json.read_text())
    else:
        import browser_support as bs

        decision = bs.decide_browser(os.environ)
        if decision.action != "run":
            print(decision.message, file=sys.stderr)
            return 1
        print(
            f"{args.students} students{' (quick)' if args.quick else ''}; load average "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
            flush=True,
        )
        results = asyncio.run(measure(args, decision.executable))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
        print(f"results: {args.out}")
    print(render_figures(results, load_default_timeouts()))
    if args.update_docs:
        update_docs(results)
        print(f"updated {DOCS}")
    cls = results["class"]
    return 0 if cls["interactive"] == cls["students"] else 1


if __name__ == "__main__":
    sys.exit(main())
