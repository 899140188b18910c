"""A notebook in JupyterLite (the static site's ``lab/``), driven as a student drives it.

JupyterLite has no ``window.jupyterapp`` to script, so everything goes through the page: the
front page's link, the keyboard and the menus. JupyterLab keeps only the cells near the
viewport in the page (a windowed notebook), so a cell is reached by moving the active cell
with command mode's ``j`` and ``k``, which scroll it into view; each cell in the page carries
its index in the notebook (``data-windowed-list-index``), and the notebook's file says which
index holds which source.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CELL = ".jp-NotebookPanel .jp-Cell"
ACTIVE = f"{CELL}.jp-mod-active"
ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.stderr"]'
# How a Run All Cells stands, from the status bar: "done" when the notebook's indicator says
# every code cell ran and it is idle; "stopped" when the kernel has been idle for
# ``quietMs`` while the indicator still counts cells to run (a cell raised: JupyterLab runs
# none after it, and the indicator stays at "Executed 5/16 cells" for good); else null.
RUN_STATE = """([cells, quietMs]) => {
    const e = document.querySelector('.jp-Notebook-ExecutionIndicator');
    if (e === null) return null;
    // the status bar's kernel item: "Python (Pyodide) | Idle"
    const idle = Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
        .some(t => / \\| Idle$/.test(t.textContent.trim()));
    if (e.getAttribute('data-status') === 'idle'
        && e.textContent.includes(`Executed ${cells} cells`)) return 'done';
    if (!idle || !/Executed \\d+\\/\\d+ cells/.test(e.textContent)) {
        window.__courseIdleSince = null;
        return null;
    }
    window.__courseIdleSince = window.__courseIdleSince || performance.now();
    return performance.now() - window.__courseIdleSince >= quietMs ? 'stopped' : null;
}"""
STOPPED_QUIET_MS = 3_000


ACTIVE_INDEX_IS_NOT = """([selector, index]) => {
    const e = document.querySelector(selector);
    return e !== null && e.dataset.windowedListIndex !== String(index);
}"""


class LiteNotebook:
    """Notebook ``path`` (the repository's file) open in JupyterLite's page ``page``."""

    def __init__(self, page, path: Path):
        self.page = page
        self.cells = json.loads(path.read_text())["cells"]

    @classmethod
    def open_from_front_page(cls, page, site: str, path: Path, timeout_ms: float) -> LiteNotebook:
        """Follow the site's front page's link to the notebook and wait for its cells."""
        page.goto(f"{site}/index.html", wait_until="domcontentloaded")
        link = page.locator(f'a[href="lab/index.html?path={path.name}"]')
        assert link.count() == 1, f"the front page has no single link to {path.name}"
        link.click()
        page.wait_for_selector(f"{CELL} .jp-InputPrompt", state="visible", timeout=timeout_ms)
        page.locator(f"{CELL} .jp-InputPrompt").first.click()  # the notebook has the focus
        page.keyboard.press("Escape")  # command mode
        return cls(page, path)

    @property
    def code_cells(self) -> int:
        return sum(c["cell_type"] == "code" for c in self.cells)

    def title(self) -> str:
        return self.page.inner_text(".jp-NotebookPanel .jp-MarkdownOutput h1")

    def _active_index(self) -> int:
        return int(self.page.get_attribute(ACTIVE, "data-windowed-list-index"))

    def index_of(self, starts: str) -> int:
        """The index of the notebook's first cell whose source starts with ``starts``."""
        for index, cell in enumerate(self.cells):
            if "".join(cell["source"]).startswith(starts):
                return index
        raise AssertionError(f"no cell of the notebook starts with {starts!r}")

    def go_to(self, index: int):
        """Make cell ``index`` the active cell (and so in view and in the page), moving one
        cell at a time in command mode; JupyterLab marks the new active cell a frame later."""
        self.page.keyboard.press("Escape")
        while (current := self._active_index()) != index:
            self.page.keyboard.press("j" if current < index else "k")
            self.page.wait_for_function(ACTIVE_INDEX_IS_NOT, arg=[ACTIVE, current])
        return self.page.locator(ACTIVE)

    def cell(self, starts: str):
        """The cell whose source starts with ``starts``, made the active cell."""
        return self.go_to(self.index_of(starts))

    def replace_source(self, starts: str, source: str):
        """Select all of the cell's text in its editor and put ``source`` in its place, as a
        paste does (no auto-indent, no closing brackets added); back to command mode."""
        cell = self.cell(starts)
        cell.locator(".cm-content").click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.insert_text(source)
        self.page.keyboard.press("Escape")
        return cell

    def run_all(self, timeout_ms: float) -> None:
        """Run > Run All Cells, then wait until the notebook's status says every code cell
        ran and the kernel is idle (a first run includes Pyodide's start). A run that stops
        early or outlasts ``timeout_ms`` fails, with the notebook's error outputs."""
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            state = self.page.wait_for_function(
                RUN_STATE,
                arg=[self.code_cells, STOPPED_QUIET_MS],
                timeout=timeout_ms,
                polling=250,
            ).json_value()
        except PlaywrightTimeoutError:
            state = f"still running after {timeout_ms / 1000:.0f} s"
        if state != "done":
            status = self.page.text_content(".jp-Notebook-ExecutionIndicator")
            raise AssertionError(
                f"Run All Cells {state} ({status.strip()!r}); error outputs, by cell: "
                f"{self.error_outputs()}"
            )

    def output(self, starts: str) -> str:
        """The text of the outputs of the cell whose source starts with ``starts``."""
        return self.cell(starts).locator(".jp-OutputArea").inner_text()

    def error_outputs(self) -> list[tuple[int, str]]:
        """Every error or stderr output in the notebook, as (cell index, text): each cell is
        visited, since cells out of view are not in the page."""
        found = []
        for index in range(len(self.cells)):
            texts = self.go_to(index).locator(ERROR_OUTPUT).all_inner_texts()
            found += [(index, text) for text in texts]
        return found
