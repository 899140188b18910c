"""The app for everyone, in headless Chromium against the session's voila server: axe-core
(WCAG 2.1 A and AA and best practices, once MathJax has typeset, at 1280 x 900, on a phone
and at 200% zoom; every scrolling box reachable by Tab, and a box of formulas a tab stop
only while it scrolls), the live stage label, the linked tables under the pointer, a
keyboard-only walk through everything, a phone (390 px, touch), 200% zoom and 320 px (WCAG's
reflow width: 1280 px at 400%).

Screenshots go to test-artifacts/: ``test_a_phone_and_200pct_zoom_never_scroll_sideways-*``
(320 px, 390 px and 200% zoom at stage 6 with m = 20),
``test_axe_finds_nothing_of_ours_in_any_mode-*`` and
``test_everything_works_from_the_keyboard-*`` (mistake mode).
"""

from __future__ import annotations

import statistics

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .app_page import LABEL_RE, App, assert_clean, close_app, open_app
from .axe import (
    needless_tab_stops,
    run_axe,
    summary,
    unreachable_scrollers,
    wait_for_typesetting,
)

pytestmark = pytest.mark.browser

# axe findings outside the app (``.course-app``) that are voila's, not ours, and why; none
# at present (the app's voila template puts the notebook's cells in a main landmark). Any
# finding inside the app fails, as does any critical or serious one anywhere.
NOT_OURS: dict[str, str] = {}

GRID_CELL = ".stage-values td[role=gridcell]"
HOVER_TIMES = """async ([selector, n]) => {
    const cells = Array.from(document.querySelectorAll(selector));
    const times = [];
    for (let k = 0; k < n; k++) {
        const td = cells[k % cells.length];
        const t0 = performance.now();
        td.dispatchEvent(new PointerEvent('pointerover', {bubbles: true}));
        await new Promise(r => requestAnimationFrame(() => r()));
        if (td.classList.contains('is-linked')) times.push(performance.now() - t0);
    }
    return times;
}"""


def wait_for(app: App, script: str, arg=None) -> None:
    try:
        app.page.wait_for_function(script, arg=arg, timeout=15_000)
    except PlaywrightTimeoutError:
        seen = app.page.evaluate("""() => ['.stage-label', '.stage-error', '.stage-feedback',
            '.stage-values'].map(s => (document.querySelector(s)?.textContent || '')
            .trim().slice(0, 300))""")
        raise AssertionError(
            f"never true: {script} {arg!r}; the page shows {seen}, the "
            f"focus is on {focused(app)}; page errors "
            f"{app.log.page_errors} {app.log.local_console_errors()}"
        ) from None
    app.settle(quiet_ms=200)


LABEL_IS = (
    "(n) => document.querySelector('.stage-label').textContent.trim()"
    ".startsWith(`Stage ${n} of 9:`)"
)
TEXT_HAS = "([sel, text]) => (document.querySelector(sel)?.textContent || '').includes(text)"
SHOWN_HAS = "([sel, text]) => (document.querySelector(sel)?.innerText || '').includes(text)"


@pytest.fixture(scope="module")
def app(browser, app_server):
    app = open_app(browser, app_server)
    yield app
    close_app(app, app_server)


SLIDE_TO = """(n) => {
    const input = document.querySelector('.stage-slider input[type=range]');
    input.value = String(n);
    input.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def go(app: App, stage: int) -> None:
    """Bring the app to ``stage`` through the Stage slider (its range input)."""
    if app.stage() != stage:
        app.page.evaluate(SLIDE_TO, stage)
        wait_for(app, LABEL_IS, stage)


def assert_accessible(app: App, source: str, where: str) -> list[dict]:
    """axe once the formulas are typeset (a box of formulas has its width only then), and
    every box that scrolls, by however little, reachable by Tab."""
    wait_for_typesetting(app.page)
    stuck = unreachable_scrollers(app.page)
    assert not stuck, f"{where}: a keyboard cannot scroll {stuck}"
    needless = needless_tab_stops(app.page)
    assert not needless, f"{where}: {needless}"
    found = run_axe(app.page, source)
    serious = [v for v in found if v["impact"] in ("critical", "serious")]
    ours = [v for v in found if any(n["inside"] for n in v["nodes"])]
    unexplained = [v for v in found if v["id"] not in NOT_OURS]
    assert not (serious or ours or unexplained), f"{where}:\n{summary(found)}"
    return found


def assert_accessible_at_stages_1_and_9(app: App, source: str, where: str) -> None:
    """At stage 1, and at stage 9 with dA0's entry expanded (a sum over every hidden unit)."""
    go(app, 1)
    assert_accessible(app, source, f"{where}, stage 1")
    go(app, 9)
    wait_for(app, SHOWN_HAS, [".entry-expansion", "matrix entry dA0["])
    assert_accessible(app, source, f"{where}, stage 9, dA0's entry expanded")
    # MathJax 3 does not break long formulas: the box scrolls where they do not fit, so it is
    # a named region in the tab order.


def test_axe_finds_nothing_of_ours_in_any_mode(app, axe_source, screenshot):
    assert_accessible_at_stages_1_and_9(app, axe_source, "1280 x 900")
    go(app, 3)
    app.page.hover(f"{GRID_CELL}[data-c='2']")
    assert app.page.locator(".is-linked").count() > 1
    assert_accessible(app, axe_source, "stage 3, an entry marked")
    app.mistakes().select_option(index=1)
    app.page.wait_for_selector(".student-verdict", timeout=10_000)
    app.settle()
    try:
        go(app, 2)
        assert_accessible(app, axe_source, "mistake mode, stage 2")
        screenshot(app.page, "mistake-mode")
    finally:
        app.mistakes().select_option(label="none")
        app.activation().select_option("relu")
        app.settle()
    mode = app.page.get_by_label("Predict before each stage is shown", exact=True)
    mode.check()
    app.page.wait_for_selector(".lt-question", timeout=10_000)
    try:
        assert_accessible(app, axe_source, "predict mode, values hidden")
    finally:
        mode.uncheck()
        app.page.wait_for_selector(GRID_CELL, timeout=10_000)
    assert_clean(app)


def test_the_stage_label_is_one_live_region_that_stays(app):
    go(app, 1)
    live = app.page.locator(".stage-label [aria-live=polite]")
    assert live.count() == 1 and live.locator("h2").count() == 1
    live.evaluate("e => { e.__kept = true; }")
    before = app.state()
    app.click_and_wait("Next", before)
    assert live.evaluate("e => e.__kept === true"), "the live region was replaced"
    assert live.inner_text().startswith("Stage 2 of 9:")
    slider = app.page.get_by_role("slider", name="Stage")
    assert slider.get_attribute("aria-valuetext") == live.inner_text()
    region = app.page.get_by_role("region", name="Backpropagation stepper")
    assert region.count() == 1


def test_pointing_at_an_entry_marks_its_operands_in_the_browser(app):
    go(app, 5)  # dA1 = W2.T dZ2: (4, 1) x (1, 5)
    app.page.hover(f"{GRID_CELL}[data-r='2'][data-c='3']")
    linked = app.page.locator(".is-linked")
    assert linked.count() == 3  # the entry, row 2 of W2.T, column 3 of dZ2
    status = app.page.inner_text(".lt-status")
    assert "dA1[2, 3]" in status and "row 2 of W2.T and column 3 of dZ2" in status
    style = linked.first.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.fontWeight]; }"
    )
    assert style[0] != "none" and int(style[1]) >= 600, "marked by colour alone"
    times = app.page.evaluate(HOVER_TIMES, [GRID_CELL, 20])
    assert len(times) == 20 and statistics.median(times) <= 50, times
    app.page.mouse.move(2, 2)
    app.page.wait_for_function("() => !document.querySelector('.is-linked')", timeout=5_000)
    app.page.click(f"{GRID_CELL}[data-r='1'][data-c='4']")
    wait_for(app, TEXT_HAS, [".entry-expansion", "dA1[1, 4]"])
    app.page.wait_for_function(
        "() => document.querySelector('.stage-values .is-selected').dataset.c === '4'"
    )
    assert app.page.get_by_label("Row", exact=True).input_value() == "1"
    assert app.page.get_by_label("Column", exact=True).input_value() == "4"
    assert_clean(app)


# ----------------------------------------------------------------------------- keyboard


FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
    const name = (e.getAttribute('aria-label') || label || e.textContent || '').trim();
    const b = e.getBoundingClientRect();
    (window.__stops = window.__stops || []).push(e);
    return {name, role: e.getAttribute('role') || e.type || e.tagName.toLowerCase(),
            x: b.x, y: b.y, w: b.width, inApp: !!e.closest('.course-app'),
            cell: e.dataset.r === undefined ? null : [+e.dataset.r, +e.dataset.c]};
}"""


def focused(app: App) -> dict | None:
    return app.page.evaluate(FOCUSED)


def tab_to(app: App, name: str, back: bool = False, limit: int = 60) -> dict:
    """Press Tab (Shift+Tab with ``back``) until the focused control's name starts with
    ``name`` (or, for "gridcell", a grid cell has the focus)."""
    for _ in range(limit):
        app.page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(app)
        if now and (now["role"] == name if name == "gridcell" else now["name"].startswith(name)):
            return now
    raise AssertionError(f"Tab never reached {name!r}; the focus is on {focused(app)}")


FROM_THE_TOP = """() => {
    const start = document.createElement('button');
    start.textContent = 'test start';
    document.body.prepend(start);
    start.focus();
    start.addEventListener('blur', () => start.remove());
}"""


def tab_order(app: App) -> list[dict]:
    """Every tab stop of the app, in order, from the top of the page."""
    app.page.evaluate(FROM_THE_TOP)
    app.page.evaluate("() => { window.__stops = []; }")
    stops: list[dict] = []
    for _ in range(80):
        app.page.keyboard.press("Tab")
        now = focused(app)
        if now is None or not now["inApp"] or (stops and now == stops[0]):
            app.page.evaluate("() => window.__stops.pop()")
            if stops:
                break
            continue
        stops.append(now)
    return stops


STOP_IS = "([sel, on]) => (document.querySelector(sel).getAttribute('tabindex') === '0') === on"


def test_a_box_of_formulas_is_a_tab_stop_exactly_while_it_scrolls(app):
    go(app, 4)  # db's sum, the widest formula
    wait_for_typesetting(app.page)
    box = ".course-app .stage-equation"
    assert app.page.get_attribute(box, "tabindex") is None  # it fits a wide screen
    narrow = app.page.add_style_tag(content=f"{box} {{ max-width: 160px !important; }}")
    wait_for(app, STOP_IS, [box, True])
    region = app.page.get_by_role("region", name="Equations of this stage", exact=True)
    assert region.evaluate("e => e.matches('.stage-equation') && e.scrollWidth > e.clientWidth")
    assert unreachable_scrollers(app.page) == []
    region.focus()
    app.page.keyboard.press("ArrowRight")  # the keyboard scrolls it
    app.page.wait_for_function(
        "(sel) => document.querySelector(sel).scrollLeft > 0", arg=box, timeout=5_000
    )
    narrow.evaluate("e => e.remove()")
    wait_for(app, STOP_IS, [box, False])
    assert app.page.get_attribute(box, "role") is None
    assert needless_tab_stops(app.page) == []


def test_the_focus_order_follows_the_screen_and_the_grid_is_one_stop(app):
    go(app, 3)
    stops = tab_order(app)
    names = [s["name"] for s in stops]
    assert sum(s["role"] == "gridcell" for s in stops) == 1, names
    for first, then in (
        ("Next", "Stage"),
        ("Stage", "Show a mistake"),
        ("Row", "Column"),
        ("Column", "Hidden activation"),  # the entry's expansion fits: it is no tab stop
        ("Hidden activation", "Examples m"),
        ("Seed", "in dW, db"),
    ):
        i = next(k for k, n in enumerate(names) if n.startswith(first))
        assert names[i + 1].startswith(then), names
    # Down the page, or on to the right (where a panel stands beside the one before it);
    # measured at one scroll position.
    boxes = app.page.evaluate("""() => window.__stops.map(e => {
        const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, w: b.width}; })""")
    for k, (a, b) in enumerate(zip(boxes, boxes[1:], strict=False)):
        assert b["y"] >= a["y"] - 4 or b["x"] >= a["x"] + a["w"] - 4, names[k : k + 2]
    assert (
        app.page.locator(".course-app [tabindex]:not([tabindex='-1']):not([tabindex='0'])").count()
        == 0
    ), "a positive tabindex reorders the page"


def test_everything_works_from_the_keyboard(app, screenshot):
    go(app, 1)
    page = app.page
    page.evaluate(FROM_THE_TOP)
    tab_to(app, "Next")
    for n in range(2, 10):  # all nine stages with Enter
        page.keyboard.press("Enter")
        wait_for(app, LABEL_IS, n)
    tab_to(app, "Previous", back=True)
    page.keyboard.press("Enter")
    wait_for(app, LABEL_IS, 8)
    tab_to(app, "Stage")
    page.keyboard.press("Home")
    wait_for(app, LABEL_IS, 1)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    wait_for(app, LABEL_IS, 3)

    cell = tab_to(app, "gridcell")  # dW2 (1, 4): the selected entry has the focus
    selected = page.evaluate(
        "() => Object.values(document.querySelector('.stage-values .is-selected').dataset)"
    )
    assert cell["cell"] == [int(i) for i in selected] and page.locator(".is-linked").count() > 1
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert focused(app)["cell"] == [0, 1] and "dW2[0, 1]" in page.inner_text(".lt-status")
    page.keyboard.press("Enter")
    wait_for(app, "() => document.querySelector('.stage-values .is-selected')?.dataset.c === '1'")
    wait_for(app, TEXT_HAS, [".entry-expansion", "dW2[0, 1]"])
    page.keyboard.press("End")
    page.keyboard.press(" ")
    wait_for(app, TEXT_HAS, [".entry-expansion", "dW2[0, 3]"])
    tab_to(app, "Column")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    wait_for(app, TEXT_HAS, [".entry-expansion", "dW2[0, 2]"])

    tab_to(app, "Show a mistake", back=True)  # mistake mode and back
    page.keyboard.press("ArrowDown")
    wait_for(
        app,
        "() => document.querySelector('.student-verdict') !== null"
        " && document.querySelector('.student-values').offsetParent !== null",
    )
    screenshot(page, "keyboard-mistake-mode")
    page.keyboard.press("Home")
    wait_for(app, "() => document.querySelector('.student-values').offsetParent === null")

    _keyboard_settings(app)
    _keyboard_predict(app)
    assert_clean(app)


def _keyboard_settings(app: App) -> None:
    page = app.page
    tab_to(app, "Hidden activation")
    page.keyboard.press("ArrowDown")
    wait_for(app, TEXT_HAS, [".stage-notes", "g = tanh"])
    page.keyboard.press("ArrowUp")
    wait_for(app, TEXT_HAS, [".stage-notes", "g = relu"])
    tab_to(app, "Examples m")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    wait_for(app, TEXT_HAS, [".stage-values", "m = 8 examples"])
    tab_to(app, "in dW, db")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("folded into dZ2").is_checked()
    page.keyboard.press("ArrowUp")
    tab_to(app, "Saturate the output")
    page.keyboard.press(" ")
    wait_for(app, TEXT_HAS, [".stage-notes", "Saturated output"])
    page.keyboard.press(" ")
    wait_for(
        app,
        "() => !document.querySelector('.stage-notes').textContent.includes('Saturated output')",
    )
    tab_to(app, "Examples m", back=True)
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    wait_for(app, TEXT_HAS, [".stage-values", "m = 5 examples"])


def _keyboard_predict(app: App) -> None:
    page = app.page
    tab_to(app, "Predict before each stage is shown")
    page.keyboard.press(" ")
    wait_for(
        app,
        "() => document.querySelector('.lt-question') !== null && !document"
        ".querySelector('input[placeholder=\"(rows, columns)\"]').disabled",
    )
    tab_to(app, "Predicted shape")
    page.keyboard.type("(1, 4)")
    tab_to(app, "Sign of the entry")
    page.keyboard.press("ArrowDown")
    tab_to(app, "Check my prediction")
    page.keyboard.press("Enter")
    wait_for(app, TEXT_HAS, [".stage-feedback", "Shape (1, 4): right"])
    assert page.locator(GRID_CELL).count() == 4  # revealed
    tab_to(app, "Next", back=True)
    page.keyboard.press("Enter")
    wait_for(app, LABEL_IS, 4)
    wait_for(app, "() => document.querySelector('.lt-question') !== null")
    tab_to(app, "Reveal")
    page.keyboard.press("Enter")
    wait_for(app, "() => document.querySelector('.stage-values td[role=gridcell]') !== null")
    tab_to(app, "Predict before each stage is shown", back=True)
    page.keyboard.press(" ")
    wait_for(app, "() => document.querySelector('.stage-feedback').textContent.trim() === ''")


# ----------------------------------------------------------------------------- small screens


BEYOND_THE_EDGE = """() => {
    const width = document.documentElement.clientWidth;
    const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    const out = [];
    for (const e of document.querySelectorAll('body, body *')) {
        if (e.closest('.lt-scroll')) continue;  // the tables' own scrolling regions
        if (scrolls(e) && e.scrollWidth > e.clientWidth + 1) out.push('scrolls: ' + e.className);
        const r = e.getBoundingClientRect();
        if (!r.width || r.right <= width + 1) continue;
        let p = e.parentElement, inside = false;
        for (; p; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            if (o !== 'visible' && p.getBoundingClientRect().right <= width + 1) {
                inside = o !== 'hidden' || p.closest('.course-app') === null;
                break;
            }
        }
        if (!inside) out.push('beyond: ' + e.tagName + '.' + e.className);
    }
    return [...new Set(out)].slice(0, 10);
}"""


@pytest.mark.parametrize(
    "width,height,scale",
    [(320, 640, 1), (390, 844, 1), (640, 450, 2)],
    ids=["reflow-320px", "phone-390px", "zoom-200pct"],
)
def test_a_phone_and_200pct_zoom_never_scroll_sideways(
    browser, app_server, axe_source, screenshot, width, height, scale
):
    app = open_app(browser, app_server, width, height, scale, touch=True)
    page = app.page
    try:
        assert_accessible(app, axe_source, f"{width} x {height}, stage 1")
        assert page.evaluate(BEYOND_THE_EDGE) == []
        page.get_by_role("button", name="Next", exact=True).tap()
        wait_for(app, LABEL_IS, 2)
        page.evaluate(SLIDE_TO, 4)  # the widest formula (db's sum with its keywords)
        wait_for(app, LABEL_IS, 4)
        assert page.evaluate(BEYOND_THE_EDGE) == []
        page.evaluate(SLIDE_TO, 6)
        wait_for(app, LABEL_IS, 6)
        m = page.get_by_label("Examples m (1-20)", exact=True)
        m.fill("20")
        m.press("Enter")
        wait_for(app, TEXT_HAS, [".lt-caption", "shape (4, 20)"])
        page.locator(f"{GRID_CELL}[data-r='1'][data-c='17']").tap()
        wait_for(app, TEXT_HAS, [".entry-expansion", "dZ1[1, 17]"])
        assert page.locator(".is-linked").count() == 3  # the entry and one in each operand
        # The 4 x 20 tables scroll inside regions a keyboard can reach; the page does not.
        assert page.locator(".lt-scroll[role=region][tabindex='0']").count() >= 1
        assert page.evaluate(BEYOND_THE_EDGE) == []
        sizes = page.evaluate("""() => [
            parseFloat(getComputedStyle(document.querySelector('.stage-values td')).fontSize),
            document.querySelector('.stage-graph img').getBoundingClientRect().width]""")
        assert sizes[0] >= 12 and sizes[1] >= min(width - 60, 500), sizes
        assert LABEL_RE.match(app.state()["label"])
        screenshot(page, "stage-6-m-20", width=width)
        assert_accessible_at_stages_1_and_9(app, axe_source, f"{width} x {height}, m = 20")
        assert_clean(app)
    finally:
        close_app(app, app_server)
