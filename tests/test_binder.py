"""Binder opens what the README promises: the launch links, the package install, the image.

test_packaging.py already checks that binder/ is pip's (runtime.txt with python 3.12,
requirements.txt pinning the core and the server extra as constraints.txt does) and that
binder/postBuild stops on error and runs ``pip install '.[server]'``. This file goes further:

* every mybinder.org launch link in README.md is well formed, and its ``urlpath`` opens a file
  that exists in the repository; so does every JupyterHub or nbgitpuller path the README names;
* binder/postBuild, run the way Binder runs it, installs a ``course_lib`` that imports, every
  module of it, from outside the repository;
* repo2docker, the tool that builds Binder's images, renders the Dockerfile for this repository
  (``--no-build`` needs no container engine): python 3.12, binder/requirements.txt installed
  with pip into the environment the kernel and the server use, then binder/postBuild.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from test_packaging import ROOT

README = ROOT / "README.md"
BINDER_URL = re.compile(r"https?://mybinder\.org/[^\s)\]>\"'`]*")
LAUNCH_PATH = re.compile(r"^/v2/(?P<provider>[^/]+)/(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<ref>.+)$")
GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
GITHUB_REPO = re.compile(r"^[A-Za-z0-9._-]+$")
# A Jupyter server route that opens a file, and the file's path below the server's root.
ROUTE = re.compile(r"(?:^|/)(?P<route>voila/render|lab/tree)/(?P<path>[^?#]+)")
PLACEHOLDERS = re.compile(r"^(?:<[^<>/]+>/)+")  # `<repo-folder>/`: where nbgitpuller clones
BINDER_USER = ["--user-id", "1000", "--user-name", "jovyan"]  # mybinder.org's user


def binder_urls() -> list[str]:
    return BINDER_URL.findall(README.read_text())


def launch_links() -> list[str]:
    return [url for url in binder_urls() if urlsplit(url).path.startswith("/v2/")]


def launch_parts(url: str) -> dict[str, str]:
    match = LAUNCH_PATH.match(urlsplit(url).path)
    assert match, f"{url}: expected https://mybinder.org/v2/gh/<owner>/<repo>/<ref>"
    return {key: unquote(value) for key, value in match.groupdict().items()}


def hub_paths() -> list[str]:
    """Paths to open on a JupyterHub that the README quotes in backticks."""
    return [text for text in re.findall(r"`([^`\n]+)`", README.read_text()) if ROUTE.search(text)]


def file_opened_by(urlpath: str) -> tuple[str, Path]:
    """The route (voila/render or lab/tree) and the repository file a URL path opens."""
    match = ROUTE.search(urlpath)
    assert match, f"{urlpath!r} opens no file: expected voila/render/<path> or lab/tree/<path>"
    return match["route"], ROOT / PLACEHOLDERS.sub("", unquote(match["path"]))


def assert_opens_a_repository_file(urlpath: str) -> None:
    route, target = file_opened_by(urlpath)
    assert target.resolve().is_relative_to(ROOT), f"{urlpath!r} leaves the repository"
    assert target.is_file(), f"{urlpath!r} opens {target.relative_to(ROOT)}: no such file"
    if route == "voila/render":
        assert target.suffix == ".ipynb", f"{urlpath!r}: voila renders notebooks only"


def test_every_binder_url_in_the_readme_is_a_badge_or_a_launch_link():
    urls = binder_urls()
    assert launch_links(), "README.md has no Binder launch link"
    odd = [
        url
        for url in urls
        if not urlsplit(url).path.startswith("/v2/") and not urlsplit(url).path.endswith(".svg")
    ]
    assert not odd, f"mybinder.org URLs that are neither a badge image nor a launch link: {odd}"


@pytest.mark.parametrize("url", launch_links())
def test_binder_launch_link_names_a_github_repository_and_ref(url):
    assert urlsplit(url).scheme == "https", f"{url}: use https"
    parts = launch_parts(url)
    assert parts["provider"] == "gh", f"{url}: expected a GitHub (gh) repository"
    assert GITHUB_OWNER.match(parts["owner"]), f"{url}: {parts['owner']!r} is no GitHub owner"
    assert GITHUB_REPO.match(parts["repo"]) and parts["repo"] not in {".", ".."}, (
        f"{url}: {parts['repo']!r} is no GitHub repository name"
    )
    assert not parts["repo"].endswith(".git"), f"{url}: drop the .git suffix"
    ref_ok = subprocess.run(
        ["git", "check-ref-format", f"refs/heads/{parts['ref']}"], capture_output=True, timeout=30
    )
    assert ref_ok.returncode == 0, f"{url}: {parts['ref']!r} is not a valid git ref"


@pytest.mark.parametrize("url", launch_links())
def test_binder_launch_link_opens_a_file_of_the_repository(url):
    query = parse_qs(urlsplit(url).query, strict_parsing=True)
    assert set(query) == {"urlpath"}, f"{url}: expected one urlpath= parameter, got {query}"
    [urlpath] = query["urlpath"]
    assert urlpath.lstrip("/").startswith(("voila/render/", "lab/tree/")), (
        f"{url}: urlpath {urlpath!r} must start with voila/render/ or lab/tree/"
    )
    assert_opens_a_repository_file(urlpath)


def test_binder_launch_links_all_name_one_repository_and_ref():
    named = {tuple(launch_parts(url).values()) for url in launch_links()}
    assert len(named) == 1, f"the launch links disagree: {sorted(named)}"


@pytest.mark.parametrize("path", hub_paths())
def test_jupyterhub_and_nbgitpuller_paths_in_the_readme_open_a_file(path):
    assert_opens_a_repository_file(path)


def copy_of_the_repository(destination: Path) -> Path:
    """The files Binder would get (tracked, plus new ones git does not ignore), as they are now."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if not (source.exists() or source.is_symlink()):
            continue  # deleted in the work tree, not yet committed
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)  # keeps links and the exec bit
    return destination


def throwaway_venv(path: Path) -> Path:
    """A venv that sees this environment's packages (pip, numpy, ...) through a .pth file but
    has no course_lib of its own: the editable install's hook is not run from an added path.
    Returns its site-packages."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120
    )
    ask = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(
        subprocess.run(
            [str(path / "bin" / "python"), "-c", ask],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    )
    (site / "parent-environment.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return site


IMPORT_EVERY_MODULE = """
import importlib, pkgutil, course_lib
for module in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
    importlib.import_module(module.name)
from course_lib.widgets import graph_cache
assert graph_cache.shipped_graphs() is not None, "the installed graphs.json is not read"
print(course_lib.__file__)
"""


def binder_server_config() -> dict:
    return json.loads((ROOT / "binder" / "jupyter_server_config.json").read_text())


def test_binder_server_config_carries_voila_json_server_settings():
    # Served as a server extension (Binder, JupyterHub), voila takes only VoilaConfiguration
    # from voila.json; the executor and culling settings must reach the server another way.
    voila = json.loads((ROOT / "voila.json").read_text())
    server = binder_server_config()
    assert set(server) == {"ServerApp", "VoilaExecutor", "MappingKernelManager"}
    for section in ("VoilaExecutor", "MappingKernelManager"):
        assert server[section] == voila[section], section
    assert server["VoilaExecutor"]["timeout"] > 0
    assert server["MappingKernelManager"]["cull_idle_timeout"] > 0


def test_binder_server_config_makes_voila_typeset_with_its_own_mathjax():
    # Standalone, voila typesets with the MathJax its page bundles. As a server extension it
    # reads MathJax's URL from the server's settings, and without one it loads MathJax from a
    # CDN: a hub or classroom network with no way out shows students raw TeX. No URL and no
    # config there makes it use the bundled one (tests/hub checks the typeset page).
    settings = binder_server_config()["ServerApp"]["tornado_settings"]
    assert settings == {"mathjax_url": None, "mathjax_config": None}


@pytest.mark.slow
def test_binder_post_build_installs_course_lib_importable_outside_the_repository(tmp_path):
    repo = copy_of_the_repository(tmp_path / "repo")
    site = throwaway_venv(tmp_path / "venv")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    env["PATH"] = f"{tmp_path / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_NO_INPUT"] = "1"
    env["HOME"] = str(tmp_path / "home")  # postBuild writes the user's Jupyter config
    env.pop("JUPYTER_CONFIG_DIR", None)

    build = subprocess.run(
        ["./binder/postBuild"],
        cwd=repo,
        env=env,  # as repo2docker runs it
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert build.returncode == 0, f"binder/postBuild failed:\n{build.stdout}\n{build.stderr}"
    server_config = tmp_path / "home" / ".jupyter" / "jupyter_server_config.json"
    assert json.loads(server_config.read_text()) == binder_server_config()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "python"), "-I", "-c", IMPORT_EVERY_MODULE],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert imported.returncode == 0, f"importing course_lib failed:\n{imported.stderr}"
    installed = Path(imported.stdout.strip().splitlines()[-1]).parent
    assert installed == site / "course_lib", f"course_lib came from {installed}, not the install"
    # pip install . builds a wheel: every module of every subpackage, and the package data
    # (a view's JavaScript and CSS), must be in it.
    shipped = {".py", ".js", ".css", ".json"}

    def files(root):
        return {
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and p.suffix in shipped and "__pycache__" not in p.parts
        }

    missing = files(ROOT / "course_lib") - files(installed)
    assert not missing, f"the installed course_lib lacks {sorted(map(str, missing))}"


def dockerfile_instructions(text: str) -> list[str]:
    """One string per Dockerfile instruction: continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
        else:
            instructions.append(pending.strip())
            pending = ""
    return instructions


@pytest.fixture(scope="module")
def repo2docker_dry_run() -> subprocess.CompletedProcess:
    """repo2docker's Dockerfile for the repository. With --no-build it reads a local directory
    in place, writes nothing to it and talks to no container engine."""
    pytest.importorskip("repo2docker", reason="jupyter-repo2docker (the test extra) is missing")
    result = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", *BINDER_USER, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"repo2docker --no-build failed:\n{result.stderr}"
    return result


def test_repo2docker_installs_binder_requirements_with_pip_under_python_3_12(repo2docker_dry_run):
    assert "Building conda environment for python=3.12" in repo2docker_dry_run.stderr
    steps = dockerfile_instructions(repo2docker_dry_run.stdout)
    assert not [step for step in steps if re.search(r"\benv update\b", step)], (
        "Binder should not build a conda environment of the repository's"
    )
    installs = [step for step in steps if re.search(r"\bpip install\b", step)]
    assert installs == [
        'RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"'
    ], installs
    assert "ENV KERNEL_PYTHON_PREFIX=${NB_PYTHON_PREFIX}" in steps, (
        "the kernel and the server (voila's extension) must share the environment pip fills"
    )


def test_repo2docker_runs_post_build_as_the_user_after_copying_the_repository(repo2docker_dry_run):
    steps = dockerfile_instructions(repo2docker_dry_run.stdout)
    post_build = steps.index("RUN ./binder/postBuild")
    copy_all = next(
        i
        for i, step in enumerate(steps)
        if re.fullmatch(r"COPY (--chown=\S+ )?src/ \$\{REPO_DIR\}/", step)
    )
    pins = next(i for i, step in enumerate(steps) if "binder/requirements.txt" in step)
    assert pins < copy_all < post_build, "postBuild must run after the pinned install and copy"
    user = [step for step in steps[:post_build] if step.startswith("USER ")][-1]
    assert user == "USER ${NB_USER}", f"postBuild runs as {user.split()[1]}, not the user"
