"""Skip or fail when Chromium is missing: the decision, tested without a browser; and which
requests leave the machine."""

import pytest

from .browser_support import (
    DEBIAN_CHROMIUM,
    browser_required,
    decide_browser,
    leaves_the_machine,
)


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


@pytest.mark.parametrize(
    "url, leaves",
    [
        ("http://127.0.0.1:8866/voila/static/voila.js", False),
        ("ws://127.0.0.1:8866/api/kernels/abc/channels", False),
        ("blob:http://127.0.0.1:8866/0b7c6a1e-6f1d-4c4e-9a43-0d8c2f3b1e2a", False),
        ("data:image/png;base64,iVBORw0KGgo=", False),
        ("https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/all.min.css", True),
        ("https://cdnjs.cloudflare.com/ajax/libs/mathjax/3.2.2/es5/latest.min.js", True),
        ("http://localhost:8866/", True),  # not where the tests' servers listen
        ("http://127.0.0.1.example.org/", True),
        ("blob:https://example.org/0b7c6a1e", True),
        ("chrome-extension://abc/script.js", True),
    ],
)
def test_only_requests_to_127_0_0_1_stay_on_the_machine(url, leaves):
    assert leaves_the_machine(url) is leaves
