"""Run a numbered notebook's code cells in this process, as a kernel would, to inspect what
they draw: IPython's magics are dropped, ``display`` and a cell's last expression show
their value through its ``_repr_mimebundle_`` (which renders a ``Picture``'s PNG)."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"


def show(value) -> None:
    """What the notebook's front end asks of a displayed value: its rich representation."""
    bundle = getattr(value, "_repr_mimebundle_", None)
    if callable(bundle):
        bundle()


def code_cells(path: Path, skip=lambda source: False):
    """The sources of the code cells of ``path``, magics dropped, ``skip``ped ones left out."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if skip(source):
            continue
        yield "\n".join(line for line in source.splitlines() if not line.startswith("%"))


def run_notebook(path: Path, skip=lambda source: False) -> dict:
    """Execute the code cells of ``path`` top to bottom in a fresh namespace, in the
    notebooks' directory; returns the namespace."""
    namespace = {"display": show, "__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(NOTEBOOKS_DIR)
    try:
        for source in code_cells(path, skip):
            tree = ast.parse(source)
            last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            body = ast.Module(tree.body[:-1] if last else tree.body, type_ignores=[])
            exec(compile(body, str(path), "exec"), namespace)
            if last is not None:
                show(eval(compile(ast.Expression(last.value), str(path), "eval"), namespace))
    finally:
        os.chdir(cwd)
    return namespace
