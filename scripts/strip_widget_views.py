"""Remove widget-view outputs from notebooks after ``make notebooks`` has run them.

A stored widget view points at a widget model that lived only in the kernel that ran the
notebook. Opened later (JupyterLab, GitHub, nbviewer) it shows "Error displaying widget:
model not found" instead of nothing, so widget cells are stored without outputs and their
execution count is cleared: the reader runs the cell and gets a live widget. Every other
output is kept as it is.

Usage: python scripts/strip_widget_views.py NOTEBOOK...
"""

from __future__ import annotations

import sys

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip(nb: nbformat.NotebookNode) -> int:
    """Drop every widget-view output from ``nb`` in place; return how many cells changed."""
    changed = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = [out for out in cell.get("outputs", []) if WIDGET_VIEW not in out.get("data", {})]
        if len(kept) != len(cell.outputs):
            cell.outputs = kept
            if not kept:
                cell.execution_count = None
            changed += 1
    return changed


def main(paths: list[str]) -> int:
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if strip(nb):
            nbformat.write(nb, path)
            print(f"{path}: widget views removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
