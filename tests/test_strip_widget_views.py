"""scripts/strip_widget_views.py: what `make notebooks` does after running the notebooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "strip_widget_views.py"
VIEW = {
    "application/vnd.jupyter.widget-view+json": {
        "model_id": "abc",
        "version_major": 2,
        "version_minor": 0,
    },
    "text/plain": ["VBox(...)"],
}


def test_widget_views_go_and_every_other_output_stays(tmp_path):
    widget_only = new_code_cell(
        "app()", execution_count=1, outputs=[new_output("execute_result", VIEW, execution_count=1)]
    )
    mixed = new_code_cell(
        "print(1); app()",
        execution_count=2,
        outputs=[
            new_output("stream", name="stdout", text="1\n"),
            new_output("display_data", VIEW),
        ],
    )
    plain = new_code_cell(
        "1 + 1",
        execution_count=3,
        outputs=[new_output("execute_result", {"text/plain": "2"}, execution_count=3)],
    )
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[widget_only, mixed, plain]), path)

    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "widget views removed" in run.stdout

    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].outputs == [] and cells[0].execution_count is None
    assert [o.output_type for o in cells[1].outputs] == ["stream"]
    assert cells[1].execution_count == 2
    assert cells[2].outputs[0]["data"] == {"text/plain": "2"}


def test_no_stored_notebook_holds_a_widget_view():
    # Opened in JupyterLab before running, a stored view says "model not found".
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert "widget-view+json" not in path.read_text(), path.name
