"""axe-core in the browser tests: installed from npm, injected by Playwright, run in a page.

``axe.min.js`` comes from the npm package ``axe-core`` at the exact version of the committed
lockfile (``tests/browser/package.json``, ``package-lock.json``), installed with ``npm ci``
into ``$COURSE_AXE_DIR``, else the venv (``<venv>/axe-core``), once per lockfile, by
tests/npm_lock.py, as tests/hub installs its proxy. Not committed (650 kB of minified
third-party code), and not the PyPI wrapper: that one only bundles the same file, and
conda-forge must carry whatever pyproject lists.

Standard library only at import time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from npm_lock import install_dir, installed, npm_ci

HERE = Path(__file__).resolve().parent
AXE_FILE = Path("node_modules") / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices (heading order, landmarks, empty headers).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_source(timeout: float = 300) -> str:
    """The text of ``axe.min.js``, installed first (``npm ci``) if the lockfile changed."""
    directory = install_dir("COURSE_AXE_DIR", "axe-core")
    script = installed(HERE, directory, AXE_FILE)
    if script is None:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install axe-core (apt-get install -y npm)")
        script = npm_ci(npm, HERE, directory, AXE_FILE, timeout)
    return script.read_text(encoding="utf-8")


RUN_AXE = """async ([tags, inside]) => {
    const result = await window.axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    resultTypes: ['violations'],
                                                    elementRef: true});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                  inside: !!(n.element && n.element.closest(inside)),
                                  summary: n.failureSummary}))}));
}"""


def run_axe(page, source: str, inside: str = ".course-app") -> list[dict]:
    """axe's violations on the page as it is now: ``[{id, impact, help, nodes}]``; each
    node says whether it lies ``inside`` the element of that selector (the app)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    return page.evaluate(RUN_AXE, [TAGS, inside])


# MathJax done: no TeX delimiters left in a shown HTMLMath, at least one typeset formula, and
# neither the number of formulas nor the size of the boxes they sit in changed for quietMs.
# Before that a box of formulas has not its final width, and axe would judge another page.
TYPESET = r"""([root, quietMs]) => {
    const scope = document.querySelector(root);
    if (scope === null) return false;
    const shown = Array.from(scope.querySelectorAll('.widget-htmlmath, .jupyter-widget-htmlmath'))
        .filter(e => e.offsetParent !== null);
    const raw = shown.some(e => {
        const copy = e.cloneNode(true);
        copy.querySelectorAll('mjx-container').forEach(m => m.remove());
        return /\$|\\\(|\\\[/.test(copy.textContent);
    });
    const formulas = scope.querySelectorAll('mjx-container').length;
    const sizes = shown.map(e => [e.parentElement.scrollWidth, e.parentElement.scrollHeight]);
    const now = [formulas, scope.scrollWidth, scope.scrollHeight, ...sizes].join();
    if (raw || formulas === 0 || window.__courseTypeset !== now) {
        window.__courseTypeset = raw ? null : now;
        window.__courseTypesetSince = performance.now();
        return false;
    }
    return performance.now() - window.__courseTypesetSince >= quietMs;
}"""


def wait_for_typesetting(page, root: str = ".course-app", quiet_ms: int = 500, timeout_ms=15_000):
    """Wait (bounded) until MathJax has typeset every shown formula under ``root`` and the
    layout has stopped changing (Playwright's TimeoutError otherwise)."""
    page.wait_for_function(TYPESET, arg=[root, quiet_ms], timeout=timeout_ms, polling=100)


# A box that scrolls (by any amount: axe-core 4.14 ignores overflows of 13 px or less, and
# boxes whose content it judges visible) must take the focus or hold something that does,
# or a keyboard cannot scroll it (WCAG 2.1.1). Hidden elements do not count.
UNREACHABLE_SCROLLERS = """(root) => {
    const tabbable = 'a[href], button:not([disabled]), input:not([disabled]), '
        + 'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex^="-"])';
    const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    const scrolls = (e, s) =>
        (e.scrollWidth > e.clientWidth && ['auto', 'scroll'].includes(s.overflowX))
        || (e.scrollHeight > e.clientHeight && ['auto', 'scroll'].includes(s.overflowY));
    const out = [];
    for (const e of document.querySelectorAll(`${root}, ${root} *`)) {
        if (!shown(e) || !scrolls(e, getComputedStyle(e))) continue;
        if (e.matches(tabbable) || Array.from(e.querySelectorAll(tabbable)).some(shown)) continue;
        out.push(`${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')} scrolls `
            + `${e.scrollWidth - e.clientWidth} x ${e.scrollHeight - e.clientHeight} px`);
    }
    return out;
}"""


# The app's boxes of formulas are tab stops only while they scroll: a box that fits, once
# MathJax has typeset it, is not one (a tab stop that leads nowhere).
NEEDLESS_TAB_STOPS = """(root) => {
    const out = [];
    for (const e of document.querySelectorAll(
            `${root} .equation-box[tabindex], ${root} .entry-expansion[tabindex]`)) {
        if (e.getClientRects().length === 0) continue;
        const s = getComputedStyle(e);
        const scrolls = (e.scrollWidth > e.clientWidth && ['auto', 'scroll'].includes(s.overflowX))
            || (e.scrollHeight > e.clientHeight && ['auto', 'scroll'].includes(s.overflowY));
        if (!scrolls) out.push(`${Array.from(e.classList).join('.')} fits and is a tab stop`);
    }
    return out;
}"""


def needless_tab_stops(page, root: str = ".course-app") -> list[str]:
    """Shown boxes of formulas under ``root`` that are tab stops though nothing scrolls."""
    return page.evaluate(NEEDLESS_TAB_STOPS, root)


def unreachable_scrollers(page, root: str = ".course-app") -> list[str]:
    """Shown elements under ``root`` that scroll and that no Tab press can reach."""
    return page.evaluate(UNREACHABLE_SCROLLERS, root)


def summary(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']} ({len(v['nodes'])} nodes): {v['help']}")
        lines.extend(
            f"    {'app' if n.get('inside') else 'page'}: {n['target']}  {n['html'][:120]}"
            for n in v["nodes"][:6]
        )
    return "\n".join(lines)
