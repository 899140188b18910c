# JupyterHub configuration for the hub tests and benchmarks/bench_hub.py.
#
# A real single-machine hub on 127.0.0.1: the hub, configurable-http-proxy (npm, installed from
# tests/hub/package-lock.json), SimpleLocalProcessSpawner (no system users: every user's home
# is a directory under the test's state directory) and DummyAuthenticator (any password).
# Single-user servers are the venv's `jupyterhub-singleuser`: the venv has the project with its
# `server` extra (voila as a Jupyter server extension, nbgitpuller), as docs/hub.md asks of a
# hub's user environment (hub_server.py refuses a venv without it). jupyterhub-idle-culler runs
# as a hub-managed service with the scopes it needs and no more.
#
# Everything that differs between runs (ports, paths, tokens, the culler's intervals) comes
# from the JSON file named by $COURSE_HUB_SETTINGS, written by tests/hub/hub_server.py.
# The single-user servers read the repository's binder/jupyter_server_config.json itself
# (JUPYTER_CONFIG_PATH points at binder/): the file Binder installs and docs/hub.md tells
# instructors to put into their image.
#
# SimpleLocalProcessSpawner and DummyAuthenticator are for tests only: no isolation between
# users, no real passwords. docs/hub.md says what to use on a real hub.

import json
import os
import subprocess
from pathlib import Path

settings = json.loads(Path(os.environ["COURSE_HUB_SETTINGS"]).read_text())
state = Path(settings["state_dir"])
c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)

# -- where everything listens: loopback only, ports chosen free by the caller
c.JupyterHub.bind_url = f"http://127.0.0.1:{settings['port']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [settings["proxy_command"]]
c.ConfigurableHTTPProxy.auth_token = settings["proxy_token"]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every single-user server
c.JupyterHub.cleanup_proxy = True

# -- users: any name, any password; every user may log in
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True

# -- single-user servers: the venv's, as local processes with a home under the state dir
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
c.Spawner.cmd = settings["singleuser_command"]
c.Spawner.ip = "127.0.0.1"
# jupyter_server refuses to run as root without --allow-root (these machines run as root).
c.Spawner.args = ["--allow-root"] if settings["allow_root"] else []
c.Spawner.environment = {
    "PATH": settings["path"],
    "JUPYTER_CONFIG_PATH": os.pathsep.join(settings["jupyter_config_path"]),
    **settings["environment"],
}
c.Spawner.start_timeout = settings["start_timeout"]
c.Spawner.http_timeout = settings["http_timeout"]
c.Spawner.interrupt_timeout = 5
c.Spawner.term_timeout = 5
c.JupyterHub.concurrent_spawn_limit = settings["concurrent_spawn_limit"]


def per_user_process(spawner):
    """Each user's server logs to a file of its own; some test users get extra arguments."""
    name = spawner.user.name
    log_dir = Path(settings["log_dir"])
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"singleuser-{name}.log", "ab")  # the child process writes to it
    spawner.popen_kwargs = {"stdout": log, "stderr": subprocess.STDOUT}
    base = ["--allow-root"] if settings["allow_root"] else []
    spawner.args = base + list(settings["user_args"].get(name, []))
    # A test user may have a default URL (Z2JH's singleuser.defaultUrl, docs/hub.md) ...
    if name in settings["user_default_url"]:
        spawner.default_url = settings["user_default_url"][name]
    # ... or read a config directory of its own before the shipped one.
    extra = settings["user_config_path"].get(name, [])
    if extra:
        paths = os.pathsep.join([*extra, *settings["jupyter_config_path"]])
        spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": paths}


c.Spawner.pre_spawn_hook = per_user_process

# -- services: the idle culler (managed by the hub) and the tests' own API client
culler = settings["culler"]
culler_command = [
    settings["python"],
    "-m",
    "jupyterhub_idle_culler",
    f"--timeout={culler['timeout']}",
    f"--cull-every={culler['cull_every']}",
]
culler_environment = {}
if culler.get("only_users"):
    # Tests: cull only these users' servers, so the short timeout cannot stop a server
    # another test is using (see tests/hub/idle_culler_config.py).
    culler_command.append(f"--config={Path(__file__).with_name('idle_culler_config.py')}")
    culler_environment["COURSE_CULL_ONLY_USERS"] = ",".join(culler["only_users"])
c.JupyterHub.services = [
    {"name": "idle-culler", "command": culler_command, "environment": culler_environment},
    {"name": "course-tests", "api_token": settings["api_token"]},
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
    {
        # The tests start and stop servers, read their state (pid) and reach them.
        "name": "course-tests",
        "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"],
        "services": ["course-tests"],
    },
]
