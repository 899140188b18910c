"""The project sets itself up with two commands, from package lists that agree.

- pyproject.toml: the core requirements are what runs in a browser (Pyodide), the ``server``
  extra what a Jupyter server needs, ``site`` what builds the static site, and ``test``
  includes both extras;
- constraints.txt pins, ``name==version``, every package ``make`` installs, within
  pyproject's ranges; the Makefile installs with it;
- binder/ is pip's (requirements.txt, runtime.txt with python 3.12, postBuild): the core and
  the server, no tooling, each pin the one in constraints.txt;
- environment.yml, for conda users, names the same packages as pyproject and pins python 3.12.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "course-lib"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)=(?P<version>[0-9][0-9A-Za-z.+!-]*)$")


def normalise(name: str) -> str:
    """PEP 503 form: lower case, runs of ``-``, ``_``, ``.`` become one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str:
    return normalise(re.split(r"[\s\[<>=!~;@]", spec.strip(), maxsplit=1)[0])


def conda_dependencies(path: Path) -> list[str]:
    """The ``dependencies:`` list of a simple conda environment file, parsed by hand."""
    items, inside = [], False
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line:
            continue
        if not line.startswith((" ", "-")):
            inside = line.startswith("dependencies:")
            continue
        if inside:
            item = line.strip()
            assert item.startswith("- "), f"{path}: unexpected line {raw!r}"
            value = item[2:].strip()
            assert not value.endswith(":"), f"{path}: nested lists (e.g. pip:) are not expected"
            items.append(value)
    return items


def conda_pins(path: Path) -> dict[str, str]:
    pins = {}
    for item in conda_dependencies(path):
        match = PIN.match(item)
        assert match, f"{path.relative_to(ROOT)}: {item!r} is not pinned as name=version"
        pins[normalise(match["name"])] = match["version"]
    return pins


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pyproject_requirements(*extras: str) -> list[str]:
    """The core requirements and those of ``extras`` (every extra when none is named),
    without the project's own name (``test`` includes ``course-lib[server]``)."""
    project = pyproject()["project"]
    chosen = extras or tuple(project["optional-dependencies"])
    specs = list(project["dependencies"])
    for extra in chosen:
        specs += project["optional-dependencies"][extra]
    return [spec for spec in specs if requirement_name(spec) != PROJECT]


def pip_pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a pip requirements or constraints file (comments skipped)."""
    pins = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep and re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version.strip()), (
            f"{path.relative_to(ROOT)}: {raw!r} is not pinned as name==version"
        )
        pins[normalise(name.strip())] = version.strip()
    return pins


def test_the_hand_parser_agrees_with_yaml_when_available():
    yaml = pytest.importorskip("yaml")
    for path in (ROOT / "environment.yml",):
        parsed = yaml.safe_load(path.read_text())
        assert [str(d) for d in parsed["dependencies"]] == conda_dependencies(path)


def test_pyproject_declares_the_package_python_and_a_test_extra():
    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.11"
    assert "test" in project["optional-dependencies"]
    # Subpackages are found, not listed: a listed top package would ship without them.
    assert pyproject()["tool"]["setuptools"]["packages"]["find"]["include"] == [
        "course_lib",
        "course_lib.*",
    ]
    names = {requirement_name(r) for r in project["optional-dependencies"]["test"]}
    assert {"pytest", "hypothesis", "nbval", "playwright", "ruff", "jupyter-repo2docker"} <= names


def test_the_core_requirements_are_what_runs_in_a_browser_and_the_server_is_an_extra():
    # Pyodide has NumPy, Matplotlib, ipywidgets and anywidget; voila, JupyterLab, ipykernel
    # and nbgitpuller do not exist there, so a site installing course_lib needs them apart.
    project = pyproject()["project"]
    core = {requirement_name(r) for r in project["dependencies"]}
    assert core == {"numpy", "matplotlib", "ipywidgets", "anywidget"}
    extras = project["optional-dependencies"]
    server = {requirement_name(r) for r in extras["server"]}
    assert server == {"ipykernel", "voila", "jupyterlab", "nbgitpuller"}
    site = {requirement_name(r) for r in extras["site"]}
    tools = {"jupyterlite-core", "jupyterlite-pyodide-kernel", "voici-core"}
    assert site == tools | {"nbformat"}  # nbformat reads the notebooks for JupyterLite
    # `make app` and `make test` install the test extra: it brings the server. The site's
    # tools build in a venv of their own (JupyterLite's lab extension breaks voila's pages).
    assert f"{PROJECT}[server]" in extras["test"]
    assert not any(requirement_name(r) in tools for r in extras["test"])
    assert "$(SITE_VENV)" in (ROOT / "Makefile").read_text()


def test_constraints_pin_every_package_make_installs_within_pyproject():
    packaging = pytest.importorskip("packaging.requirements")
    pins = pip_pins(ROOT / "constraints.txt")
    assert PROJECT not in pins, "constraints.txt must not pin the project itself"
    for spec in pyproject_requirements():
        req = packaging.Requirement(spec)
        version = pins.get(normalise(req.name))
        assert version is not None, f"constraints.txt does not pin {req.name}"
        assert req.specifier.contains(version, prereleases=True), (
            f"constraints.txt pins {req.name}=={version}, outside pyproject's {spec!r}"
        )


def test_make_s_venv_runs_the_constrained_versions():
    # constraints.txt says what the tests ran with: `make`'s venv has exactly it. (A conda
    # environment from environment.yml runs conda-forge's builds: not checked there.)
    from importlib.metadata import PackageNotFoundError, version

    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("not running in make's .venv")

    pins = pip_pins(ROOT / "constraints.txt")
    for spec in pyproject_requirements("server", "test"):
        name = requirement_name(spec)
        try:
            installed = version(name)
        except PackageNotFoundError:
            pytest.fail(f"{name} (pyproject) is not installed here")
        assert installed == pins[name], f"{name} {installed} here, {pins[name]} in constraints.txt"


def test_make_installs_with_the_constraints():
    text = (ROOT / "Makefile").read_text()
    installs = [ln for ln in text.splitlines() if "pip install" in ln and "-e" in ln]
    assert installs and all("-c constraints.txt" in ln for ln in installs), installs
    stamp = re.search(r"^\$\(STAMP\):(.*)$", text, re.MULTILINE)
    assert stamp and "constraints.txt" in stamp.group(1), "a new pin must reinstall"


TEMPLATE = "share/jupyter/voila/templates/course"


def test_the_app_page_template_ships_with_the_package_and_voila_finds_it():
    # Every notebook asks voila, standalone or as a server extension, for the "course"
    # template (no request leaves the machine; a main landmark). A regular install copies it
    # from the data files; an editable one has none, so `make` links it into the venv.
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):  # the app and the rest
        metadata = json.loads(notebook.read_text())["metadata"]
        assert metadata.get("voila") == {"template": "course"}, notebook.name
    shipped = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / TEMPLATE).iterdir())
    assert sorted(pyproject()["tool"]["setuptools"]["data-files"][TEMPLATE]) == shipped
    from voila.paths import collect_template_paths

    found = [
        Path(d, "index.html.j2")
        for d in collect_template_paths(["voila", "nbconvert"], "course", prune=True)
        if Path(d, "index.html.j2").is_file()
    ]
    ours = (ROOT / TEMPLATE / "index.html.j2").read_text()
    assert found and found[0].read_text() == ours, f"voila finds {found[:1]}, not {TEMPLATE}"


def test_conda_environment_names_the_same_packages_as_pyproject():
    pins = conda_pins(ROOT / "environment.yml")
    assert pins.pop("python") == "3.12", "environment.yml must pin python=3.12"
    declared = {requirement_name(r) for r in pyproject_requirements()}
    assert set(pins) == declared, (
        f"only in environment.yml: {sorted(set(pins) - declared)}; "
        f"only in pyproject.toml: {sorted(declared - set(pins))}"
    )


def test_conda_pins_satisfy_pyproject_lower_bounds():
    packaging = pytest.importorskip("packaging.requirements")
    pins = conda_pins(ROOT / "environment.yml")
    for spec in pyproject_requirements():
        req = packaging.Requirement(spec)
        version = pins.get(normalise(req.name))
        if version is None:
            continue  # a missing package is reported by the test above
        assert req.specifier.contains(version, prereleases=True), (
            f"environment.yml pins {req.name}={version}, outside pyproject's {spec!r}"
        )


BINDER = ROOT / "binder"


def test_binder_is_pip_with_python_3_12_and_no_conda_environment():
    # Binder reads binder/ only, and takes a conda environment there over requirements.txt.
    conda = BINDER / "environment.yml"
    assert not (conda.exists() or conda.is_symlink()), "binder/environment.yml would win"
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.12"


def test_binder_pins_the_core_and_the_server_as_constraints_txt_does():
    pins = pip_pins(BINDER / "requirements.txt")
    wanted = {requirement_name(r) for r in pyproject_requirements("server")}
    assert set(pins) == wanted, (
        f"binder/requirements.txt should pin the core and the server extra, no tooling: "
        f"extra {sorted(set(pins) - wanted)}, missing {sorted(wanted - set(pins))}"
    )
    constraints = pip_pins(ROOT / "constraints.txt")
    differ = {n: (v, constraints.get(n)) for n, v in pins.items() if constraints.get(n) != v}
    assert not differ, f"binder pins differ from constraints.txt (binder, constraints): {differ}"


def test_binder_post_build_stops_on_error_and_installs_the_package_with_its_server():
    path = BINDER / "postBuild"
    assert os.access(path, os.X_OK), "binder/postBuild must be executable"
    lines = [ln.strip() for ln in path.read_text().splitlines()]
    assert lines[0].startswith("#!"), "binder/postBuild needs a shebang line"
    code = [ln for ln in lines if ln and not ln.startswith("#")]
    set_e = next(
        (
            i
            for i, ln in enumerate(code)
            if re.match(r"set\s+-[a-z]*e", ln) or ln.startswith("set -o errexit")
        ),
        None,
    )
    install = next(
        (
            i
            for i, ln in enumerate(code)
            if re.search(r"pip install\b.*-c binder/requirements\.txt\s+'\.\[server\]'", ln)
        ),
        None,
    )
    assert set_e is not None, "binder/postBuild must stop on the first error (set -e)"
    assert install is not None, (
        "binder/postBuild must pip install '.[server]' under binder/requirements.txt's pins"
    )
    assert set_e < install, "set -e must come before the install"


def test_readme_opens_with_the_two_set_up_commands():
    head = (ROOT / "README.md").read_text().splitlines()[:10]
    commands = [ln.split("#", 1)[0].strip() for ln in head]
    assert "make app" in commands and "make test" in commands
    assert commands.index("make app") < commands.index("make test")


def test_ci_runs_make_test():
    path = ROOT / ".ci" / "run"
    assert os.access(path, os.X_OK), ".ci/run must be executable"
    code = [
        ln.strip()
        for ln in path.read_text().splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    assert "make test" in code


def test_makefile_has_the_targets_and_lints_in_make_test():
    text = (ROOT / "Makefile").read_text()
    for target in ("app", "test", "lab"):
        assert re.search(rf"^{target}:", text, re.MULTILINE), f"Makefile lacks target {target}"
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert recipe and "ruff check" in recipe.group(1)
    assert "ruff format --check" in recipe.group(1)  # the layout is kept, not only the lint


def test_formatting_commits_are_listed_for_git_blame():
    revs = [
        ln.strip()
        for ln in (ROOT / ".git-blame-ignore-revs").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert revs and all(re.fullmatch(r"[0-9a-f]{40}", r) for r in revs), revs
