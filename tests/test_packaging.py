"""The project sets itself up with two commands, from any of its three package lists.

pyproject.toml (dependencies + the ``test`` extra), environment.yml and binder/environment.yml
must name the same packages; the conda files pin every one with ``=`` and pin python 3.12.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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


def pyproject_requirements() -> list[str]:
    project = pyproject()["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["test"])


def test_the_hand_parser_agrees_with_yaml_when_available():
    yaml = pytest.importorskip("yaml")
    for path in (ROOT / "environment.yml", ROOT / "binder" / "environment.yml"):
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


TEMPLATE = "share/jupyter/voila/templates/course"


def test_the_app_page_template_ships_with_the_package_and_voila_finds_it():
    # The app's notebook asks voila, standalone or as a server extension, for the "course"
    # template (no request leaves the machine; a main landmark). A regular install copies it
    # from the data files; an editable one has none, so `make` links it into the venv.
    app = json.loads((ROOT / "notebooks" / "app.ipynb").read_text())
    assert app["metadata"]["voila"] == {"template": "course"}
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


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_files_name_the_same_packages_as_pyproject(path):
    pins = conda_pins(ROOT / path)
    assert pins.pop("python") == "3.12", f"{path} must pin python=3.12"
    declared = {requirement_name(r) for r in pyproject_requirements()}
    assert set(pins) == declared, (
        f"only in {path}: {sorted(set(pins) - declared)}; "
        f"only in pyproject.toml: {sorted(declared - set(pins))}"
    )


@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_pins_satisfy_pyproject_lower_bounds(path):
    packaging = pytest.importorskip("packaging.requirements")
    pins = conda_pins(ROOT / path)
    for spec in pyproject_requirements():
        req = packaging.Requirement(spec)
        version = pins.get(normalise(req.name))
        if version is None:
            continue  # a missing package is reported by the test above
        assert req.specifier.contains(version, prereleases=True), (
            f"{path} pins {req.name}={version}, outside pyproject's {spec!r}"
        )


def test_binder_environment_matches_the_root_one():
    binder = ROOT / "binder" / "environment.yml"
    assert conda_pins(binder) == conda_pins(ROOT / "environment.yml")


def test_binder_post_build_stops_on_error_and_installs_the_package():
    path = ROOT / "binder" / "postBuild"
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
            if re.search(r"pip install\b.*(\s|^)\.(\s|$|\[)", ln + " ")
        ),
        None,
    )
    assert set_e is not None, "binder/postBuild must stop on the first error (set -e)"
    assert install is not None, "binder/postBuild must pip install the package (.)"
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
