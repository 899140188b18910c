"""The computation-graph images, drawn once per machine and kept on disk.

Every page of the app is a new kernel, and drawing the nine graphs (matplotlib) was most of
the time a kernel took to show the app. They depend on nothing but the drawing code and the
library versions, so the first kernel stores them in ``graph_cache_dir()`` under a key of
those, and later kernels read them back without importing matplotlib at all.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
from pathlib import Path

from course_lib.stepper import N_STAGES
from course_lib.widgets.kernel_log import kernel_logger

# Palette size of the graph images: each click sends one, and 32 colours look the same as
# the full-colour render at a quarter of the bytes (figures.png_bytes).
GRAPH_COLORS = 32


def render_graph_images() -> dict:
    """Stage index -> the graph's ``<img>`` HTML, drawn now (about 1.5 s for all nine)."""
    # Imported here, not at the top, and only here in the package: importing figures
    # (matplotlib, Pillow) takes longer than building the whole app, and with the graphs
    # cached a new page's kernel never needs it (tests/test_widgets.py checks this).
    from course_lib import figures

    return {
        i: figures.img_html(
            figures.png_bytes(figures.graph_figure(i), colors=GRAPH_COLORS), figures.graph_alt(i)
        )
        for i in range(1, N_STAGES + 1)
    }


def graph_cache_dir() -> Path:
    """Where rendered graphs are kept between kernels: ``$COURSE_LIB_CACHE``, else
    ``$XDG_CACHE_HOME/course_lib``, else ``~/.cache/course_lib``."""
    if os.environ.get("COURSE_LIB_CACHE"):
        return Path(os.environ["COURSE_LIB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "course_lib"


def _graph_cache_key() -> str:
    """Changes whenever the pictures could: the drawing code, matplotlib, Pillow, palette."""
    source = importlib.util.find_spec("course_lib.figures").origin  # found, not imported
    digest = hashlib.sha256(Path(source).read_bytes())
    versions = " ".join(importlib.metadata.version(name) for name in ("matplotlib", "pillow"))
    digest.update(f"{versions} {GRAPH_COLORS}".encode())
    return digest.hexdigest()[:20]


def _valid_graphs(data) -> bool:
    return (
        isinstance(data, dict)
        and sorted(data) == [str(i) for i in range(1, N_STAGES + 1)]
        and all(isinstance(v, str) and v.startswith("<img alt=") for v in data.values())
    )


def graph_images() -> dict:
    """The nine graph images (stage index -> ``<img>`` HTML), rendered once per machine
    rather than once per page.

    A missing, unreadable or damaged file is drawn anew; a cache directory that cannot be
    written only costs the drawing.
    """
    path = graph_cache_dir() / f"graphs-{_graph_cache_key()}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if _valid_graphs(data):
            return {int(k): v for k, v in data.items()}
    except (OSError, ValueError):
        pass
    graphs = render_graph_images()
    try:
        _write_whole(path, json.dumps({str(k): v for k, v in graphs.items()}))
    except OSError:
        kernel_logger().info("graph cache %s not writable; graphs drawn per kernel", path)
    return graphs


def _write_whole(path: Path, text: str) -> None:
    """Write a temporary file beside ``path``, then rename it: kernels starting together
    never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
