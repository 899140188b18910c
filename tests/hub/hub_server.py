"""A real JupyterHub on 127.0.0.1 for the hub tests and ``benchmarks/bench_hub.py``.

Standard library only. The hub tests import it as ``hub.hub_server`` (pytest puts ``tests/``
on ``sys.path``); scripts put ``tests/`` on ``sys.path`` themselves.

- ``proxy_command()``: configurable-http-proxy, installed with ``npm ci`` from the committed
  ``tests/hub/package-lock.json`` into the venv (``<venv>/hub-proxy``) the first time, and
  again only when the lockfile changes. ``make app`` never needs npm.
- ``bare_course_repo()``: the repository's HEAD as branch ``main`` of a bare clone, served to
  nbgitpuller by a ``file://`` URL (a shallow clone needs a URL, not a path).
- ``Hub``: ``jupyterhub -f tests/hub/jupyterhub_config.py`` with its settings (free ports,
  state directory, the culler's intervals, per-user arguments) in a JSON file; hub, proxy
  and single-user servers all on 127.0.0.1. Its REST API is reached with a service token.

Stopping (``Hub.stop``, from ``browser.voila_server.ServerProcess``): SIGTERM to the hub's
process group (the hub then stops every single-user server, the proxy and its services),
a bounded wait, SIGKILL to the group, then SIGKILL by pid to every process recorded as a
descendant of the hub (single-user servers and kernels run in sessions of their own) that is
still the same process. Nothing else is ever signalled.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from browser.browser_support import browser_required
from browser.voila_server import LOG_DIR, VENV_BIN, ServerProcess, descendants, free_port
from npm_lock import install_dir, installed, npm_ci

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
HUB_CONFIG = HERE / "jupyterhub_config.py"
PROXY_BIN = Path("node_modules") / ".bin" / "configurable-http-proxy"
# The repository's name on GitHub: nbgitpuller clones into a folder of that name, which is
# what the README's link opens (urlpath=voila/render/<this>/notebooks/app.ipynb).
REPO_NAME = "backprop-courseware"
# The shipped single-user server settings are read from the repository's binder/ folder.
SHIPPED_CONFIG_DIR = REPO_ROOT / "binder"


# --------------------------------------------------------------------------- the proxy


def proxy_install_dir() -> Path:
    """Where configurable-http-proxy is installed: ``$COURSE_HUB_PROXY_DIR``, else inside
    the venv running this code, else the user's cache."""
    return install_dir("COURSE_HUB_PROXY_DIR", "hub-proxy")


def installed_proxy(directory: Path | None = None) -> Path | None:
    """The proxy's executable if it was installed from the current lockfile, else None."""
    binary = installed(HERE, directory or proxy_install_dir(), PROXY_BIN)
    return binary if binary is not None and os.access(binary, os.X_OK) else None


def install_proxy(npm: str, directory: Path | None = None, timeout: float = 300) -> Path:
    """``npm ci`` from the committed lockfile (exact versions, no registry resolution)."""
    binary = npm_ci(npm, HERE, directory or proxy_install_dir(), PROXY_BIN, timeout)
    if not os.access(binary, os.X_OK):
        raise RuntimeError(f"npm ci succeeded but {binary} is not executable")
    return binary


def proxy_decision(env) -> tuple[str, str]:
    """("run", how) when the proxy is installed or npm can install it; otherwise ("skip" or
    "fail", why): the hub tests fail rather than skip under CI=true or
    COURSE_REQUIRE_BROWSER=1, as the browser tests do."""
    if installed_proxy() is not None:
        return "run", f"configurable-http-proxy installed in {proxy_install_dir()}"
    npm = shutil.which("npm")
    if npm:
        return "run", f"configurable-http-proxy will be installed with {npm} ci"
    message = (
        "configurable-http-proxy is not installed and there is no npm to install it "
        "(apt-get install -y nodejs npm)"
    )
    if browser_required(env):
        return "fail", message + " (hub tests are mandatory: CI or COURSE_REQUIRE_BROWSER=1)"
    return "skip", message + "; hub tests skipped"


def proxy_command() -> Path:
    """The proxy's executable, installed first if needed."""
    found = installed_proxy()
    if found is not None:
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to install configurable-http-proxy")
    return install_proxy(npm)


# ------------------------------------------------------------- the users' environment

# What docs/hub.md asks of a hub's user environment: course_lib with its `server` extra.
SERVER_MODULES = ("course_lib", "voila", "nbgitpuller", "jupyterlab", "ipykernel")


def missing_server_modules(python: Path = VENV_BIN / "python") -> list[str]:
    """Which of SERVER_MODULES the single-user servers' Python cannot find (a plain
    ``pip install .`` installs none of the server)."""
    probe = (
        "import importlib.util, sys; "
        "print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))"
    )
    found = subprocess.run(
        [str(python), "-c", probe, *SERVER_MODULES],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return found.stdout.split()


# ------------------------------------------------------------------------ the course repo


def git(*args: str, cwd: Path | None = None, timeout: float = 60) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LANG": "C"}
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def bare_course_repo(parent: Path) -> Path:
    """A bare repository ``<parent>/backprop-courseware`` whose branch ``main`` is this
    repository's HEAD (committed files only), as the instructor's GitHub repository would be.

    No ``.git`` suffix: nbgitpuller names the student's folder after the URL's last part,
    suffix included, and the README's link opens ``backprop-courseware/...``."""
    bare = parent / REPO_NAME
    git("init", "--quiet", "--bare", str(bare))
    # CI checkouts are often shallow; a push from a shallow clone needs this on the receiver.
    git("config", "receive.shallowUpdate", "true", cwd=bare)
    git("push", "--quiet", str(bare), "HEAD:refs/heads/main", cwd=REPO_ROOT, timeout=120)
    git("symbolic-ref", "HEAD", "refs/heads/main", cwd=bare)
    return bare


def commit_upstream(bare: Path, work: Path, change, message: str) -> None:
    """Clone ``bare`` into ``work``, let ``change(work)`` edit files, commit all and push:
    the instructor updating the course after the students' first pull."""
    if not work.exists():
        git("clone", "--quiet", bare.as_uri(), str(work))
    git("pull", "--quiet", cwd=work)
    change(work)
    git("add", "-A", cwd=work)
    git(
        "-c",
        "user.name=Instructor",
        "-c",
        "user.email=instructor@example.org",
        "commit",
        "--quiet",
        "-m",
        message,
        cwd=work,
    )
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)


# ------------------------------------------------------------------------------ the hub


def distinct_free_ports(n: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < n:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


class HubError(RuntimeError):
    pass


class Hub(ServerProcess):
    """A JupyterHub started from ``tests/hub/jupyterhub_config.py``.

    ``culler_timeout`` / ``cull_every``: jupyterhub-idle-culler's ``--timeout`` and
    ``--cull-every`` (seconds); ``cull_only``: if given, the culler stops only these users'
    servers (tests shorten the timeout; see idle_culler_config.py). ``user_args``: extra
    single-user command-line arguments per user name; ``user_config_path``: Jupyter config
    directories a user's server reads before (with priority over) the shipped binder/ one;
    ``user_default_url``: a user's ``Spawner.default_url``; ``environment``: more variables
    for every single-user server.
    """

    name = "jupyterhub"

    def __init__(
        self,
        state_dir: Path,
        proxy: Path,
        *,
        culler_timeout: int = 3600,
        cull_every: int = 300,
        cull_only: list[str] | None = None,
        user_args: dict[str, list[str]] | None = None,
        user_config_path: dict[str, list[str]] | None = None,
        user_default_url: dict[str, str] | None = None,
        environment: dict[str, str] | None = None,
        start_timeout: int = 120,
        http_timeout: int = 60,
        concurrent_spawn_limit: int = 100,
    ):
        missing = missing_server_modules()
        if missing:
            raise RuntimeError(
                f"{VENV_BIN} lacks {missing}: install course_lib with its server extra "
                "(pip install '.[server]', docs/hub.md)"
            )
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        port, hub_port, proxy_api_port = distinct_free_ports(3)
        self.api_token = secrets.token_hex(32)
        self.singleuser_log_dir = LOG_DIR / f"hub-{port}"
        self.settings = {
            "state_dir": str(self.state_dir),
            "port": port,
            "hub_port": hub_port,
            "proxy_api_port": proxy_api_port,
            "proxy_command": str(proxy),
            "proxy_token": secrets.token_hex(32),
            "api_token": self.api_token,
            "python": sys.executable,
            "singleuser_command": [str(VENV_BIN / "jupyterhub-singleuser")],
            "path": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
            "jupyter_config_path": [str(SHIPPED_CONFIG_DIR)],
            "allow_root": os.geteuid() == 0,
            "start_timeout": start_timeout,
            "http_timeout": http_timeout,
            "concurrent_spawn_limit": concurrent_spawn_limit,
            "user_args": dict(user_args or {}),
            "user_config_path": {
                k: [str(p) for p in v] for k, v in (user_config_path or {}).items()
            },
            "user_default_url": dict(user_default_url or {}),
            "environment": dict(environment or {}),
            "log_dir": str(self.singleuser_log_dir),
            "culler": {
                "timeout": culler_timeout,
                "cull_every": cull_every,
                "only_users": list(cull_only or []),
            },
        }
        settings_path = self.state_dir / "hub-settings.json"
        settings_path.write_text(json.dumps(self.settings, indent=1))
        argv = [str(VENV_BIN / "jupyterhub"), "-f", str(HUB_CONFIG)]
        super().__init__(
            argv, self.state_dir, port, "/hub/health", {"COURSE_HUB_SETTINGS": str(settings_path)}
        )

    # -- files
    def home(self, user: str) -> Path:
        return self.state_dir / "homes" / user

    def singleuser_log(self, user: str) -> str:
        try:
            return (self.singleuser_log_dir / f"singleuser-{user}.log").read_text(errors="replace")
        except OSError:
            return ""

    # -- URLs
    def user_url(self, user: str, path: str = "") -> str:
        return f"{self.base_url}/user/{urllib.parse.quote(user)}/{path.lstrip('/')}"

    # -- the REST API, with the tests' service token
    def request(self, method: str, url: str, body=None, timeout: float = 30):
        """(status, parsed JSON body or None); HTTP errors are returned, not raised."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={
                "Authorization": f"token {self.api_token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def api(self, method: str, path: str, body=None, timeout: float = 30):
        return self.request(method, f"{self.base_url}/hub/api/{path.lstrip('/')}", body, timeout)

    def user_model(self, user: str) -> dict | None:
        status, model = self.api("GET", f"users/{urllib.parse.quote(user)}")
        return model if status == 200 else None

    def server_model(self, user: str) -> dict | None:
        """The user's default server (``ready``, ``pending``, ``state.pid``...), or None."""
        model = self.user_model(user)
        return (model or {}).get("servers", {}).get("")

    def server_pid(self, user: str) -> int | None:
        server = self.server_model(user) or {}
        return (server.get("state") or {}).get("pid")

    def start_server(self, user: str, timeout: float = 120) -> dict:
        """Create the user if needed, start their server, wait (bounded) until it is ready."""
        self.api("POST", f"users/{urllib.parse.quote(user)}")  # 201, or 409 if it exists
        status, body = self.api("POST", f"users/{urllib.parse.quote(user)}/server")
        if status not in (201, 202, 400):  # 400: already running
            raise HubError(f"starting {user}'s server: HTTP {status} {body}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.server_model(user)
            if server and server.get("ready"):
                self.remember_children()
                return server
            time.sleep(0.25)
        raise HubError(
            f"{user}'s server not ready within {timeout:.0f} s; its log:\n"
            f"{self.singleuser_log(user)[-3000:]}"
        )

    def stop_server(self, user: str, timeout: float = 60) -> None:
        self.remember_children()
        self.api("DELETE", f"users/{urllib.parse.quote(user)}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.server_model(user):
                return
            time.sleep(0.25)
        raise HubError(f"{user}'s server did not stop within {timeout:.0f} s")

    def user_api(self, user: str, method: str, path: str, body=None, timeout: float = 30):
        """The user's single-user server API (``api/kernels`` ...), through the proxy."""
        return self.request(method, self.user_url(user, path), body, timeout)

    # -- processes
    def processes(self) -> dict[str, object]:
        """The hub's process tree by role: ``hub`` pid, ``proxy`` pids, ``services`` pids,
        ``servers`` {user: pid}, ``kernels`` {user: [pid]}, ``other`` pids."""
        self.remember_children()
        found = {
            "hub": self.proc.pid,
            "proxy": [],
            "services": [],
            "servers": {},
            "kernels": {},
            "other": [],
        }
        tree = descendants(self.proc.pid)
        for pid in tree:
            argv = command_line(pid)
            joined = " ".join(argv)
            if "configurable-http-proxy" in joined:
                found["proxy"].append(pid)
            elif "jupyterhub_idle_culler" in joined:
                found["services"].append(pid)
            elif "jupyterhub-singleuser" in joined:
                found["servers"][environment_of(pid).get("JUPYTERHUB_USER", "?")] = pid
            elif "ipykernel_launcher" in joined:
                found["kernels"].setdefault(owner_of(pid), []).append(pid)
            else:
                found["other"].append(pid)
        return found


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def environment_of(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)


def owner_of(pid: int) -> str:
    """The hub user a process belongs to (JUPYTERHUB_USER in its environment), or '?'."""
    return environment_of(pid).get("JUPYTERHUB_USER", "?")
