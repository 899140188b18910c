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
