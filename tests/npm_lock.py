"""npm packages the tests need, installed from a committed lockfile, once per lockfile.

axe-core (tests/browser) and configurable-http-proxy (tests/hub) each have a
``package.json`` and ``package-lock.json`` beside the tests that use them. ``npm ci``
installs exactly what the lockfile pins into a directory of their own: ``$<VARIABLE>`` if
set, else inside the venv running the tests, else the user's cache. A marker file records
the lockfile's digest, so a changed lockfile installs again and an unchanged one never does.

Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

LOCK_FILES = ("package.json", "package-lock.json")
MARKER = ".installed-from"


def install_dir(variable: str, name: str) -> Path:
    """``$variable`` if set, else ``<venv>/<name>``, else ``~/.cache/course-lib/<name>``."""
    chosen = os.environ.get(variable, "").strip()
    if chosen:
        return Path(chosen)
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix) / name
    return Path.home() / ".cache" / "course-lib" / name


def lock_digest(folder: Path) -> str:
    """The digest of the lockfile pair in ``folder``."""
    digest = hashlib.sha256()
    for name in LOCK_FILES:
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def installed(folder: Path, directory: Path, wanted: Path) -> Path | None:
    """``directory / wanted`` if ``directory`` was installed from ``folder``'s lockfile."""
    try:
        current = (directory / MARKER).read_text().strip() == lock_digest(folder)
    except OSError:
        return None
    return directory / wanted if current and (directory / wanted).exists() else None


def npm_ci(npm: str, folder: Path, directory: Path, wanted: Path, timeout: float = 300) -> Path:
    """``npm ci`` of ``folder``'s lockfile into ``directory`` (exact versions, no registry
    resolution); returns ``directory / wanted``, which the install must have made."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in LOCK_FILES:
        shutil.copyfile(folder / name, directory / name)
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm ci in {directory} failed:\n{result.stdout}\n{result.stderr}")
    if not (directory / wanted).exists():
        raise RuntimeError(f"npm ci succeeded but {directory / wanted} is missing")
    (directory / MARKER).write_text(lock_digest(folder) + "\n")
    return directory / wanted
