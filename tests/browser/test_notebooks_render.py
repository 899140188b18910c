"""Every notebook renders in voila and opens in JupyterLab 4 with nothing axe-core calls
critical or serious in its content, and a widget notebook runs in JupyterLab.

The voila and JupyterLab tests are parametrized over notebooks/*.ipynb at collection time,
so notebooks added later are picked up. One voila server serves the notebooks directory for
the whole module, and one JupyterLab server a copy of it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from .axe import run_axe, summary
from .browser_support import (
    REPO_ROOT,
    broken_images_on,
    failure_texts_on,
    kernel_id_of,
    stderr_outputs_on,
    wait_for_voila,
    wait_for_widgets,
)
from .voila_server import JupyterLabServer

pytestmark = pytest.mark.browser

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))

# A notebook's content, where axe must find nothing critical or serious: in voila every
# cell (voila shows no code and no prompts); in JupyterLab the rendered markdown and the
# outputs (the editors, prompts and toolbars around them are JupyterLab's interface).
VOILA_CONTENT = ".jp-Cell"
LAB_CONTENT = ".jp-MarkdownOutput, .jp-OutputArea-output"

# axe findings outside a notebook's content, which the notebooks do not control, and why.
# Any other finding outside the content fails the test, as does any critical or serious
# finding inside it.
NOT_OURS_VOILA: dict = {}  # the course template puts the cells in a main landmark
NOT_OURS_LAB = {
    "aria-allowed-attr": "JupyterLab's toolbar buttons (jp-button) carry aria-pressed",
    "aria-input-field-name": "JupyterLab's code editors (CodeMirror) have no accessible name",
    "aria-required-children": "JupyterLab's cell list has role=feed without article children",
    "button-name": "JupyterLab's collapse-heading buttons beside a heading have no text",
    "region": "JupyterLab's skip-link wrapper lies outside any landmark",
}


def assert_content_accessible(page, source: str, content: str, not_ours: dict, where: str):
    found = run_axe(page, source, inside=content)
    inside = [v for v in found if any(n["inside"] for n in v["nodes"])]
    serious = [v for v in inside if v["impact"] in ("critical", "serious")]
    unexplained = [
        v for v in found if v["id"] not in not_ours and not all(n["inside"] for n in v["nodes"])
    ]
    assert not (serious or unexplained), f"{where}:\n{summary(found)}"


@pytest.fixture(scope="module")
def notebooks_server(voila_factory):
    # voila serves the directory with the repo's voila.json. Pre-heating is turned off for
    # this server only: in directory mode voila pre-heats a kernel for every notebook at
    # start-up, all at once; here each page starts its own kernel when it is opened.
    return voila_factory(
        NOTEBOOKS_DIR.relative_to(REPO_ROOT),
        extra_args=["--VoilaConfiguration.preheat_kernel=False"],
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_renders_in_voila(
    notebook, notebooks_server, page, page_log, screenshot, axe_source
):
    page.goto(notebooks_server.url_for(notebook), wait_until="domcontentloaded", timeout=60_000)
    wait_for_voila(page, timeout_ms=180_000)
    kernel_id = kernel_id_of(page)
    try:
        wait_for_widgets(page)
        notebooks_server.remember_children()
        screenshot(page, "voila")
        assert failure_texts_on(page) == []
        assert stderr_outputs_on(page) == []
        assert broken_images_on(page) == []
        assert page_log.page_errors == []
        assert page_log.local_console_errors() == []
        # Every notebook chooses the course template: no Font Awesome from a CDN.
        assert page_log.elsewhere == [], f"requests for other hosts: {page_log.elsewhere}"
        assert page.locator("[role=main] .jp-Cell").count() > 0, "voila rendered no cells"
        assert_content_accessible(
            page, axe_source, VOILA_CONTENT, NOT_OURS_VOILA, f"{notebook} in voila"
        )
    finally:
        # One kernel per notebook would otherwise live until the server stops.
        if kernel_id:
            page.close()
            notebooks_server.shutdown_kernel(kernel_id)


def lab_notebook() -> str | None:
    """The notebook opened in JupyterLab: the embedded stepper, else the app."""
    for pattern in ("07_*.ipynb", "app.ipynb"):
        found = sorted(NOTEBOOKS_DIR.glob(pattern))
        if found:
            return found[0].name
    return None


@pytest.fixture(scope="module")
def lab_server(chromium_executable):
    # JupyterLab works on a copy of the notebooks: nothing it runs touches the repository.
    with tempfile.TemporaryDirectory(prefix="course-lab-root-") as root:
        shutil.copytree(NOTEBOOKS_DIR, Path(root) / "notebooks")
        with JupyterLabServer(Path(root) / "notebooks") as server:
            server.notebooks_dir = Path(root) / "notebooks"  # the copy: a test may add one
            yield server


KERNEL_IDLE = """() => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = w && w.sessionContext && w.sessionContext.session
        && w.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

ALL_CELLS_RAN = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const cells = w.content.widgets.filter(c => c.model.type === 'code');
    return cells.every(c => c.model.executionCount !== null)
        && w.sessionContext.session.kernel.status === 'idle';
}"""


def run_all_in_lab(page, lab_server, notebook: str):
    """Open ``notebook`` in JupyterLab, run all its cells and wait until its widgets have
    rendered; returns the notebook panel and its widget views."""
    page.goto(lab_server.lab_url(notebook), wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", state="visible", timeout=90_000)
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)
    lab_server.remember_children()

    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_CELLS_RAN, timeout=180_000, polling=250)

    panel = page.locator(".jp-NotebookPanel")
    widget_views = panel.locator(".jp-OutputArea-output .jupyter-widgets")
    widget_views.first.wait_for(state="visible", timeout=60_000)
    page.wait_for_function(
        """() => {
            const busy = document.querySelector('.jp-NotebookPanel').innerText
                .includes('Loading widget');
            if (busy) { window.__courseLabSince = null; return false; }
            window.__courseLabSince = window.__courseLabSince || performance.now();
            return performance.now() - window.__courseLabSince >= 300;
        }""",
        timeout=30_000,
        polling=50,
    )
    return panel, widget_views


MARKDOWN_RENDERED = """(n) => {
    // Every cell in the page, every markdown cell rendered, and MathJax 3 done: the count of
    // typeset formulas unchanged for half a second.
    const panel = document.querySelector('.jp-NotebookPanel');
    const cells = panel.querySelectorAll('.jp-Notebook .jp-Cell');
    const rendered = Array.from(panel.querySelectorAll('.jp-MarkdownCell'))
        .every(c => c.querySelector('.jp-MarkdownOutput'));
    if (cells.length !== n || !rendered) return false;
    const typeset = panel.querySelectorAll('mjx-container').length;
    if (window.__courseTypeset !== typeset) {
        window.__courseTypeset = typeset;
        window.__courseTypesetSince = performance.now();
        return false;
    }
    return performance.now() - window.__courseTypesetSince >= 500;
}"""


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_jupyterlab_has_accessible_content(
    notebook, lab_server, page, page_log, screenshot, axe_source
):
    """The notebook as a student opens it in JupyterLab (its stored outputs, not run)."""
    import nbformat

    cells = len(nbformat.read(NOTEBOOKS_DIR / notebook, as_version=4).cells)
    page.goto(lab_server.lab_url(notebook), wait_until="domcontentloaded", timeout=60_000)
    try:
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", state="visible", timeout=90_000)
        page.wait_for_function(MARKDOWN_RENDERED, arg=cells, timeout=60_000, polling=200)
        screenshot(page, "jupyterlab", enlarge=False)
        assert_content_accessible(
            page, axe_source, LAB_CONTENT, NOT_OURS_LAB, f"{notebook} in JupyterLab"
        )
        assert page_log.page_errors == []
    finally:
        page.close()
        lab_server.shutdown_kernels()


def test_widgets_render_in_jupyterlab(lab_server, page, page_log, screenshot):
    notebook = lab_notebook()
    if notebook is None:
        pytest.fail("no notebook with widgets (notebooks/07_*.ipynb or app.ipynb)", pytrace=False)
    panel, widget_views = run_all_in_lab(page, lab_server, notebook)
    labels = panel.locator(".stage-label")
    (labels.first if labels.count() else widget_views.first).scroll_into_view_if_needed()
    screenshot(page, "jupyterlab", enlarge=False)
    text = panel.inner_text()
    assert "Error displaying widget" not in text
    assert "Traceback" not in text
    assert panel.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0
    assert page_log.page_errors == []
    if notebook == "app.ipynb" or panel.locator(".stage-label").count():
        # The stepper is live in JupyterLab too: Next reaches the kernel and comes back.
        label = panel.locator(".stage-label").first
        assert label.inner_text().startswith("Stage 1 of 9:")
        panel.get_by_role("button", name="Next", exact=True).first.click()
        page.wait_for_function(
            """() => document.querySelector('.jp-NotebookPanel .stage-label')
                .textContent.trim().startsWith('Stage 2 of 9:')""",
            timeout=15_000,
        )
        # The anywidget views run in JupyterLab too: the labelled Stage slider, the live
        # title, and the linked tables marking under the pointer and selecting on Enter.
        assert panel.get_by_role("slider", name="Stage").count() >= 1
        page.wait_for_function(
            """() => document.querySelector('.jp-NotebookPanel .stage-slider input')
                .getAttribute('aria-valuetext').startsWith('Stage 2 of 9:')""",
            timeout=15_000,
        )
        assert panel.locator(".stage-label [aria-live=polite] h2").count() >= 1
        cell = panel.locator(".stage-values td[role=gridcell]").first
        cell.scroll_into_view_if_needed()
        page.wait_for_function(  # the linked tables show stage 2: dZ2 = dA2 * g'(Z2)
            """() => document.querySelector('.jp-NotebookPanel .lt-caption')
                .textContent.startsWith('dZ2,')""",
            timeout=15_000,
        )
        cell.hover()
        assert panel.locator(".stage-values .is-linked").count() == 3
        cell.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        page.wait_for_function(
            """() => document.querySelector('.jp-NotebookPanel .entry-expansion')
                .textContent.includes('dZ2[0, 1]')""",
            timeout=15_000,
        )


# What a student writes into notebook 10's linear_backward cell: 1/m forgotten in dW.
STUDENT_LINEAR_BACKWARD = """\
def linear_backward(dZ, cache):
    \"\"\"dZ: (n[l], m); cache = (A_prev, W, b). Returns (dA_prev, dW, db).\"\"\"
    A_prev, W, b = cache
    m = A_prev.shape[1]
    print("my linear_backward ran")
    dW = dZ @ A_prev.T  # 1/m forgotten here
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return W.T @ dZ, dW, db
"""


def test_a_students_own_functions_are_judged_stage_by_stage_in_jupyterlab(
    lab_server, page, page_log, screenshot
):
    """Notebook 10 as a student uses it: their linear_backward written into its cell, the
    notebook run top to bottom, and its live stepper (``app(student=yours)``) judging it."""
    import nbformat

    from course_lib.diagnose import find_mistake

    name = "10_your_code_stage_by_stage.ipynb"
    nb = nbformat.read(lab_server.notebooks_dir / name, as_version=4)
    cells = [c for c in nb.cells if "yours:linear_backward" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "notebook 10 has one cell for the student's linear_backward"
    cells[0].source = STUDENT_LINEAR_BACKWARD
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []  # what the run shows, not what was stored
    nbformat.write(nb, lab_server.notebooks_dir / name)
    panel, _ = run_all_in_lab(page, lab_server, name)
    verdict = panel.locator(".student-verdict").first
    assert verdict.inner_text() == "Your dA2: agrees"
    assert panel.locator(".graph-marker").first.inner_text() == "first departs; mistake made here"
    for stage in (2, 3):
        panel.get_by_role("button", name="Next", exact=True).first.click()
        page.wait_for_function(
            """(n) => document.querySelector('.jp-NotebookPanel .stage-label')
                .textContent.trim().startsWith(`Stage ${n} of 9:`)""",
            arg=stage,
            timeout=15_000,
        )
    page.wait_for_function(
        """() => document.querySelector('.jp-NotebookPanel .student-verdict')
            .textContent.trim() === 'Your dW2: wrong here'""",
        timeout=15_000,
    )
    note = panel.locator(".mistake-note").first.inner_text()
    title = find_mistake("linear_backward.no_one_over_m_in_dW").title
    assert "The mistake is made here, at stage 3 (dW2):" in note and title in note
    assert "Hint:" in note
    assert "my linear_backward ran" in panel.locator(".student-summary").first.inner_text()
    # The stepper names the student's own line of the stage, and the equation it breaks.
    line = panel.locator(".student-line").first.inner_text()
    assert "of your linear_backward" in line and "dW = dZ @ A_prev.T" in line
    assert "dW2 (equation 2), wrongly" in line
    panel.locator(".mistake-note").first.scroll_into_view_if_needed()
    screenshot(page, "jupyterlab-student-stage-3", enlarge=False)
    # Notebook 10's margin: each of the student's lines beside the stage and equation.
    margin = panel.locator("table", has_text="your code, line by line").first
    margin.scroll_into_view_if_needed()
    row = margin.locator("tr", has_text="dW = dZ @ A_prev.T").first.inner_text()
    assert "dW2: eq. 2, wrong here" in row and "dW1: eq. 5" in row
    assert "dA1: eq. 4's bracket" in margin.inner_text()
    screenshot(page, "jupyterlab-student-line-by-line", enlarge=False)
    text = panel.inner_text()
    assert "Error displaying widget" not in text and "Traceback" not in text
    assert panel.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0
    assert page_log.page_errors == []
