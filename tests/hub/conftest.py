"""Fixtures for the hub tests: one real JupyterHub per test session, Chromium, the course repo.

- ``hub_prerequisites`` (session): Chromium and configurable-http-proxy (or npm to install
  it from tests/hub/package-lock.json). Missing ones skip the hub tests with a message, or
  fail them under CI=true or COURSE_REQUIRE_BROWSER=1, as the browser tests do.
- ``course_remote`` (session): the repository's HEAD as branch ``main`` of a bare clone,
  reached by a ``file://`` URL: what the README's nbgitpuller link points at.
- ``hub`` (session): ``hub_server.Hub`` on 127.0.0.1 with the culler shortened to
  ``CULL_TIMEOUT`` / ``CULL_EVERY`` seconds for the user ``IDLE_USER`` only, and the user
  ``SETTINGS_USER`` whose server reads, besides the shipped binder/jupyter_server_config.json,
  a config file of its own that wins over it (earlier in JUPYTER_CONFIG_PATH) and shortens
  only the cell timeout and kernel culling; it logs at debug level, so the test can see
  which config files were loaded. Stopped at the end of the session:
  the hub stops its single-user servers and proxy, then every process recorded as its
  descendant is ended by pid.
  The user ``FRONT_DOOR_USER`` has docs/hub.md's Z2JH default URL (the app link's path).
- ``hub_browser`` (session): ``BrowserThread``, headless Chromium in a thread of its own.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import parse_qsl, urlencode

import pytest
from browser.browser_support import decide_browser

from .browser_thread import BrowserThread
from .hub_server import Hub, bare_course_repo, proxy_command, proxy_decision
from .links import README

STUDENT = "student"
SETTINGS_USER = "settings"
IDLE_USER = "idle"
FRONT_DOOR_USER = "front-door"  # has docs/hub.md's Z2JH defaultUrl
CULL_TIMEOUT = 10  # jupyterhub-idle-culler --timeout (docs/hub.md: 3600 on a real hub)
CULL_EVERY = 2  # --cull-every (docs/hub.md: 300)
# Over the shipped settings, for SETTINGS_USER only (a config directory read before binder/).
SHORT_CELL_TIMEOUT = 3  # VoilaExecutor.timeout, shipped 60
SHORT_KERNEL_CULL = {"cull_idle_timeout": 4, "cull_interval": 1}  # shipped 900 / 60


def docs_default_url(repo_url: str) -> str:
    """docs/hub.md's Z2JH ``singleuser.defaultUrl``, with the test's repository in it."""
    docs = README.parent / "docs" / "hub.md"
    found = re.findall(r'^\s*defaultUrl:\s*"([^"]+)"', docs.read_text(), re.MULTILINE)
    assert len(found) == 1, "docs/hub.md should give one singleuser.defaultUrl"
    path, _, query = found[0].partition("?")
    params = dict(parse_qsl(query, strict_parsing=True))
    params["repo"] = repo_url
    return f"{path}?{urlencode(params)}"


@pytest.fixture(scope="session")
def hub_prerequisites() -> str:
    browser = decide_browser(os.environ)
    proxy_action, proxy_message = proxy_decision(os.environ)
    for action, message in ((browser.action, browser.message), (proxy_action, proxy_message)):
        if action == "fail":
            pytest.fail(message, pytrace=False)
    for action, message in ((browser.action, browser.message), (proxy_action, proxy_message)):
        if action == "skip":
            pytest.skip(message)
    return browser.executable


@pytest.fixture(scope="session")
def course_remote(tmp_path_factory):
    return bare_course_repo(tmp_path_factory.mktemp("remote"))


@pytest.fixture(scope="session")
def hub(hub_prerequisites, tmp_path_factory, course_remote):
    state = tmp_path_factory.mktemp("hub")
    override = tmp_path_factory.mktemp("settings-override")
    proxy = proxy_command()
    server = Hub(
        state,
        proxy,
        culler_timeout=CULL_TIMEOUT,
        cull_every=CULL_EVERY,
        cull_only=[IDLE_USER],
        user_args={SETTINGS_USER: ["--debug"]},
        user_config_path={SETTINGS_USER: [override]},
        user_default_url={FRONT_DOOR_USER: docs_default_url(course_remote.as_uri())},
    )
    (override / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "VoilaExecutor": {"timeout": SHORT_CELL_TIMEOUT},
                "MappingKernelManager": SHORT_KERNEL_CULL,
            }
        )
    )
    server.start(timeout=90)
    try:
        yield server
    finally:
        server.stop(grace=40)


@pytest.fixture(scope="session")
def hub_browser(hub_prerequisites):
    thread = BrowserThread(hub_prerequisites)
    yield thread
    thread.close()
