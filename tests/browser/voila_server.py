"""Start and stop voila and JupyterLab on 127.0.0.1 for browser tests and benchmarks.

Standard library only. Tests import it relatively (``from .voila_server import ...``);
scripts put tests/browser on ``sys.path`` and ``import voila_server``.

Each server runs in its own process group (``start_new_session=True``). Kernels are
launched by jupyter_client in sessions of their own, so teardown asks the server to
stop (SIGTERM: voila and jupyter_server shut their kernels down), waits a bounded time,
kills the server's group, and finally kills, by pid, any process it recorded as a
descendant of the server that is still alive. Nothing else is ever signalled.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
LOG_DIR = REPO_ROOT / "test-artifacts" / "logs"


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict[str, str]:
    """The environment for a server and its kernels.

    MPLBACKEND is removed: an inherited Agg backend strips every inline figure. The
    venv's bin directory goes first on PATH so kernels and tools are the venv's.
    """
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc), or [] when unknown."""
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            except OSError:
                continue
            out.extend(int(c) for c in text.split())
    except OSError:
        pass
    return out


def _start_time(pid: int) -> str | None:
    """Field 22 of /proc/pid/stat (start time): identifies a process across pid reuse."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def descendants(pid: int) -> dict[int, str]:
    """Every live descendant of ``pid``, mapped to its start time."""
    found: dict[int, str] = {}
    todo = _children(pid)
    while todo:
        child = todo.pop()
        if child in found:
            continue
        start = _start_time(child)
        if start is not None:
            found[child] = start
            todo.extend(_children(child))
    return found


class ServerProcess:
    """A server started in its own process group, stopped with bounded waits."""

    name = "server"

    def __init__(
        self,
        argv: list[str],
        cwd: Path,
        port: int,
        ready_path: str,
        env_extra: dict[str, str] | None = None,
    ):
        self.argv = argv
        self.env_extra = dict(env_extra or {})
        self.cwd = Path(cwd)
        self.port = port
        self.ready_path = ready_path
        self.proc: subprocess.Popen | None = None
        self._known: dict[int, str] = {}
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{self.name}-{port}.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env={**server_env(), **self.env_extra},
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float) -> None:
        """Poll a cheap URL (one that starts no kernel) until it answers 200."""
        deadline = time.monotonic() + timeout
        url = self.base_url + self.ready_path
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} before answering; "
                    f"log:\n{self.log_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
                    last = f"HTTP {resp.status}"
            except (urllib.error.URLError, OSError) as exc:
                last = repr(exc)
            time.sleep(0.1)
        raise TimeoutError(
            f"{self.name} did not answer {url} within {timeout:.0f} s ({last}); "
            f"log:\n{self.log_text()[-3000:]}"
        )

    def remember_children(self) -> None:
        """Record the server's descendants (kernels) so teardown can end stragglers."""
        if self.proc is not None and self.proc.poll() is None:
            self._known.update(descendants(self.proc.pid))

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, grace: float = 10.0) -> None:
        proc = self.proc
        if proc is None:
            return
        self.remember_children()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # The group leader may be gone while group members remain: kill the group.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        # Kernels live in sessions of their own; give them a moment to exit after
        # their server's shutdown request, then end the ones that did not.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            alive = [p for p, t in self._known.items() if _start_time(p) == t]
            if not alive:
                break
            time.sleep(0.1)
        for pid, start in self._known.items():
            if _start_time(pid) == start:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.proc = None
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


class VoilaServer(ServerProcess):
    """voila serving one notebook (page at ``/``) or a directory (``/voila/render/...``).

    voila is started in ``cwd`` (the repo root by default) so it reads the repo's
    ``voila.json`` when there is one; ``ip``, ``port`` and ``port_retries=0`` are always
    given on the command line, which wins over the file. ``extra_args`` adds more.
    """

    name = "voila"

    def __init__(
        self,
        target: str | Path,
        cwd: str | Path = REPO_ROOT,
        port: int | None = None,
        extra_args: list[str] | tuple[str, ...] = (),
    ):
        self.target = Path(target)
        self.serves_directory = (Path(cwd) / self.target).is_dir()
        port = port or free_port()
        argv = [
            str(VENV_BIN / "voila"),
            str(self.target),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--Voila.port_retries=0",
            *extra_args,
        ]
        # A static asset: answering it proves the server is up without starting a kernel.
        super().__init__(argv, cwd, port, "/voila/static/voila.js")

    def url_for(self, notebook: str | Path | None = None) -> str:
        """The page URL: the single notebook, or ``notebook`` relative to the served dir."""
        if not self.serves_directory:
            return self.base_url + "/"
        if notebook is None:
            return self.base_url + "/"
        rel = Path(notebook)
        if rel.is_absolute():
            rel = rel.relative_to((self.cwd / self.target).resolve())
        return f"{self.base_url}/voila/render/{rel.as_posix()}"

    def kernel_model(self, kernel_id: str) -> dict | None:
        """The server's ``/api/kernels/<id>`` (execution_state, last_activity,
        connections), or None when it answers 404 (no such kernel)."""
        try:
            url = f"{self.base_url}/api/kernels/{kernel_id}"
            with urllib.request.urlopen(url, timeout=10) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def shutdown_kernel(self, kernel_id: str) -> int:
        """Shut down the kernel of a page that is closed; returns the HTTP status (204).

        The page's own unload handler sends this request, but voila 0.5.13 rejects it for
        want of an ``_xsrf`` cookie (voila-dashboards/voila#1458), so closed tabs keep their
        kernels until culled. Here the client supplies the cookie and the matching header.
        """
        token = secrets.token_hex(16)
        request = urllib.request.Request(
            f"{self.base_url}/voila/api/shutdown/{kernel_id}",
            data=b"",
            method="POST",
            headers={"Cookie": f"_xsrf={token}", "X-XSRFToken": token},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status


class JupyterLabServer(ServerProcess):
    """JupyterLab 4 on 127.0.0.1 with no token or password, for a headless browser.

    Its config, runtime, settings and workspace directories are fresh temporary ones, so
    the user's own Jupyter settings neither leak in nor get changed; autosave is off;
    ``lab_url`` adds ``?reset`` so every page load starts from a clean layout. The app is
    exposed as ``window.jupyterapp`` for running JupyterLab commands from a test.
    """

    name = "jupyterlab"

    def __init__(self, root_dir: str | Path, port: int | None = None):
        self._tmp = tempfile.TemporaryDirectory(prefix="course-lab-")
        tmp = Path(self._tmp.name)
        config = {
            "ServerApp": {
                "ip": "127.0.0.1",
                "port_retries": 0,
                "open_browser": False,
                "root_dir": str(Path(root_dir).resolve()),
                # Containers often run as root; the server is loopback-only and token-less
                # for the lifetime of one test module.
                "allow_root": os.geteuid() == 0,
                "terminals_enabled": False,
            },
            "IdentityProvider": {"token": ""},
            "PasswordIdentityProvider": {"hashed_password": "", "password_required": False},
            # window.jupyterapp, so a test can run JupyterLab commands.
            "LabApp": {
                "expose_app_in_browser": True,
                "extension_manager": "readonly",
                "news_url": None,
                "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
            },
        }
        (tmp / "config").mkdir()
        # Nothing a test runs is saved back to the notebook.
        docmanager = tmp / "settings" / "@jupyterlab" / "docmanager-extension"
        docmanager.mkdir(parents=True)
        (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
        # Every cell in the page, not only those scrolled into view (JupyterLab's default
        # windowing): a test that reads the whole notebook (axe) sees all of it.
        notebook = tmp / "settings" / "@jupyterlab" / "notebook-extension"
        notebook.mkdir(parents=True)
        (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
        # No "official Jupyter news?" toast over the page.
        apputils = tmp / "settings" / "@jupyterlab" / "apputils-extension"
        apputils.mkdir(parents=True)
        (apputils / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        (tmp / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
        port = port or free_port()
        argv = [
            str(VENV_BIN / "jupyter"),
            "lab",
            f"--port={port}",
        ]
        env_extra = {
            "JUPYTER_CONFIG_DIR": str(tmp / "config"),
            "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
            "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
        }
        super().__init__(argv, Path(root_dir), port, "/api/status", env_extra)

    def stop(self, grace: float = 10.0) -> None:
        super().stop(grace)
        self._tmp.cleanup()

    def lab_url(self, path: str) -> str:
        return f"{self.base_url}/lab/tree/{path}?reset"

    def shutdown_kernels(self) -> int:
        """Shut down every kernel this server runs (the notebooks a test opened); returns
        how many. The same cookie-and-header pair as ``VoilaServer.shutdown_kernel``."""
        with urllib.request.urlopen(f"{self.base_url}/api/kernels", timeout=10) as resp:
            kernels = json.loads(resp.read())
        token = secrets.token_hex(16)
        for kernel in kernels:
            request = urllib.request.Request(
                f"{self.base_url}/api/kernels/{kernel['id']}",
                method="DELETE",
                headers={"Cookie": f"_xsrf={token}", "X-XSRFToken": token},
            )
            with urllib.request.urlopen(request, timeout=30):
                pass
        return len(kernels)
