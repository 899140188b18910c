"""Skip or fail when Chromium is missing: the decision, tested without a browser."""

import pytest

from .browser_support import DEBIAN_CHROMIUM, browser_required, decide_browser


def nothing_installed(path):
    return False


def not_on_path(name):
    return None


@pytest.mark.parametrize(
    "env, required",
    [
        ({}, False),
        ({"COURSE_REQUIRE_BROWSER": "1"}, True),
        ({"COURSE_REQUIRE_BROWSER": "0"}, False),
        ({"COURSE_REQUIRE_BROWSER": ""}, False),
        ({"CI": "true"}, True),
        ({"CI": "TRUE"}, True),
        ({"CI": "false"}, False),
        ({"CI": "1"}, False),
        ({"CI": "false", "COURSE_REQUIRE_BROWSER": "1"}, True),
    ],
)
def test_browser_required_follows_ci_and_course_require_browser(env, required):
    assert browser_required(env) is required


def test_missing_browser_is_skipped_outside_ci():
    d = decide_browser({}, is_executable=nothing_installed, which=not_on_path)
    assert d.action == "skip"
    assert d.executable is None
    assert "no Chromium found" in d.message and "apt-get install" in d.message


@pytest.mark.parametrize("env", [{"CI": "true"}, {"COURSE_REQUIRE_BROWSER": "1"}])
def test_missing_browser_fails_in_ci_or_when_required(env):
    d = decide_browser(env, is_executable=nothing_installed, which=not_on_path)
    assert d.action == "fail"
    assert "mandatory" in d.message


def test_debian_chromium_is_preferred_over_path():
    d = decide_browser(
        {"CI": "true"},
        is_executable=lambda p: p == DEBIAN_CHROMIUM,
        which=lambda name: "/opt/other/chromium",
    )
    assert (d.action, d.executable) == ("run", DEBIAN_CHROMIUM)


def test_chromium_on_path_is_used_when_debian_path_is_missing():
    d = decide_browser({}, is_executable=nothing_installed, which=lambda n: f"/opt/bin/{n}")
    assert (d.action, d.executable) == ("run", "/opt/bin/chromium")


def test_course_chromium_wins_when_set():
    d = decide_browser(
        {"COURSE_CHROMIUM": "/opt/google/chrome/chrome"},
        is_executable=lambda p: True,
        which=lambda name: "/usr/bin/chromium",
    )
    assert (d.action, d.executable) == ("run", "/opt/google/chrome/chrome")


@pytest.mark.parametrize("env, action", [({}, "skip"), ({"CI": "true"}, "fail")])
def test_a_course_chromium_that_is_not_executable_is_named(env, action):
    env = {**env, "COURSE_CHROMIUM": "/nowhere/chrome"}
    # Debian's Chromium exists, but the explicit choice is not silently replaced by it.
    d = decide_browser(env, is_executable=lambda p: p == DEBIAN_CHROMIUM, which=not_on_path)
    assert d.action == action and d.executable is None
    assert "COURSE_CHROMIUM='/nowhere/chrome' is not an executable file" in d.message
