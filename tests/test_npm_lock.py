"""The npm lockfile installs of the browser and hub tests (tests/npm_lock.py), without npm."""

from __future__ import annotations

from pathlib import Path

import npm_lock
import pytest

WANTED = Path("node_modules") / "tool" / "tool.js"


@pytest.fixture
def lock(tmp_path):
    folder = tmp_path / "lock"
    folder.mkdir()
    for name in npm_lock.LOCK_FILES:
        (folder / name).write_text(f'{{"name": "{name}"}}\n')
    return folder


def fake_install(folder: Path, directory: Path) -> None:
    """What a successful ``npm ci`` leaves: the file and the marker."""
    (directory / WANTED).parent.mkdir(parents=True)
    (directory / WANTED).write_text("tool")
    (directory / npm_lock.MARKER).write_text(npm_lock.lock_digest(folder) + "\n")


def test_an_install_from_this_lockfile_is_used(lock, tmp_path):
    directory = tmp_path / "install"
    assert npm_lock.installed(lock, directory, WANTED) is None  # nothing yet
    fake_install(lock, directory)
    assert npm_lock.installed(lock, directory, WANTED) == directory / WANTED


def test_a_changed_lockfile_or_a_missing_file_installs_again(lock, tmp_path):
    directory = tmp_path / "install"
    fake_install(lock, directory)
    (lock / "package-lock.json").write_text('{"name": "changed"}\n')
    assert npm_lock.installed(lock, directory, WANTED) is None
    (directory / npm_lock.MARKER).write_text(npm_lock.lock_digest(lock) + "\n")
    (directory / WANTED).unlink()
    assert npm_lock.installed(lock, directory, WANTED) is None


def test_the_install_directory_follows_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_TEST_NPM_DIR", str(tmp_path / "chosen"))
    assert npm_lock.install_dir("COURSE_TEST_NPM_DIR", "tool") == tmp_path / "chosen"
    monkeypatch.setenv("COURSE_TEST_NPM_DIR", " ")
    assert npm_lock.install_dir("COURSE_TEST_NPM_DIR", "tool").name == "tool"


def test_a_failed_npm_ci_says_so_and_leaves_no_marker(lock, tmp_path):
    directory = tmp_path / "install"
    with pytest.raises(RuntimeError, match="npm ci in .* failed"):
        npm_lock.npm_ci("false", lock, directory, WANTED, timeout=30)
    assert not (directory / npm_lock.MARKER).exists()
