"""The computation-graph images: shipped with the package, drawn only when they are stale.

Every page of the app is a new kernel, and drawing the nine graphs (matplotlib, about 1.5 s)
was most of the time a kernel took to show the app. They depend on nothing but the drawing
code, so they are drawn once by a maintainer and shipped as ``graphs.json`` beside this
module (``make graphs`` redraws them; a test fails when the drawing code has changed since).
A kernel reads them without importing matplotlib at all: on a hub or Binder, where every
student has a home of their own, no student pays for the drawing.

Where the shipped file does not match the drawing code (a checkout whose ``figures.py`` was
edited), the first kernel draws the graphs and keeps them in ``graph_cache_dir()`` under a
key of the drawing code and the library versions, and later kernels read them back.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import tempfile
from pathlib import Path

from course_lib.stages import STAGE_KEYS
from course_lib.stepper import N_STAGES
from course_lib.widgets.kernel_log import kernel_logger

# Palette size of the graph images: each click sends one, and 32 colours look the same as
# the full-colour render at a quarter of the bytes (figures.png_bytes).
GRAPH_COLORS = 32

# The drawn graphs shipped with the package (package data in pyproject.toml).
SHIPPED = Path(__file__).with_name("graphs.json")


def render_graph_images() -> dict:
    """Stage index -> the graph's ``<img>`` HTML, drawn now (about 1.5 s for all nine)."""
    # Imported here, not at the top, and only here in the package: importing figures
    # (matplotlib, Pillow) takes longer than building the whole app, and with the graphs
    # shipped or cached a new page's kernel never needs it (tests/test_widgets.py checks).
    from course_lib import figures

    return {
        i: figures.img_html(
            figures.png_bytes(figures.graph_figure(i), colors=GRAPH_COLORS), figures.graph_alt(i)
        )
        for i in range(1, N_STAGES + 1)
    }


def graph_cache_dir() -> Path:
    """Where graphs drawn by a kernel are kept between kernels: ``$COURSE_LIB_CACHE``, else
    ``$XDG_CACHE_HOME/course_lib``, else ``~/.cache/course_lib``."""
    if os.environ.get("COURSE_LIB_CACHE"):
        return Path(os.environ["COURSE_LIB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "course_lib"


def drawing_key() -> str:
    """Changes whenever what the graphs show could: the drawing code, the stage names and
    the palette."""
    source = importlib.util.find_spec("course_lib.figures").origin  # found, not imported
    # Line endings normalised: a checkout with CRLF (git's autocrlf) has the same code.
    digest = hashlib.sha256(Path(source).read_bytes().replace(b"\r\n", b"\n"))
    digest.update(f"{' '.join(STAGE_KEYS)} {GRAPH_COLORS}".encode())
    return digest.hexdigest()[:20]


def _graph_cache_key() -> str:
    """The drawing key and the versions that drew the pixels (matplotlib, Pillow)."""
    versions = " ".join(importlib.metadata.version(name) for name in ("matplotlib", "pillow"))
    return hashlib.sha256(f"{drawing_key()} {versions}".encode()).hexdigest()[:20]


# Exactly what figures.img_html writes: an alt with no markup and an inline PNG. The images
# go into the student's page as HTML, so nothing else read from a file gets there.
_IMG = re.compile(
    r'<img alt="[^"<>]*" src="data:image/png;base64,[A-Za-z0-9+/=]+" '
    r'style="max-width: 100%; height: auto;">'
)


def _valid_graphs(data) -> bool:
    return (
        isinstance(data, dict)
        and sorted(data) == [str(i) for i in range(1, N_STAGES + 1)]
        and all(isinstance(v, str) and _IMG.fullmatch(v) for v in data.values())
    )


def _read_graphs(path: Path, key: str | None = None) -> dict | None:
    """The graphs stored at ``path`` (under ``key`` when given), or None if there are none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if key is not None:
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        data = data.get("graphs")
    return {int(k): v for k, v in data.items()} if _valid_graphs(data) else None


def shipped_graphs() -> dict | None:
    """The graphs shipped with the package, or None when the drawing code has changed."""
    return _read_graphs(SHIPPED, drawing_key())


def graph_images() -> dict:
    """The nine graph images (stage index -> ``<img>`` HTML): the shipped ones, else the
    ones a kernel on this machine drew, else drawn now.

    A missing, unreadable or damaged file is drawn anew; a cache directory that cannot be
    written only costs the drawing.
    """
    graphs = shipped_graphs()
    if graphs is not None:
        return graphs
    path = graph_cache_dir() / f"graphs-{_graph_cache_key()}.json"
    graphs = _read_graphs(path)
    if graphs is not None:
        return graphs
    graphs = render_graph_images()
    try:
        _write_whole(path, json.dumps({str(k): v for k, v in graphs.items()}))
    except OSError:
        kernel_logger().info("graph cache %s not writable; graphs drawn per kernel", path)
    return graphs


def write_shipped_graphs(path: Path = SHIPPED) -> Path:
    """Draw the graphs and store them with their drawing key (``make graphs``)."""
    graphs = {str(k): v for k, v in render_graph_images().items()}
    _write_whole(path, json.dumps({"key": drawing_key(), "graphs": graphs}, indent=0) + "\n")
    path.chmod(0o644)  # package data: readable by every user of a shared install
    return path


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
