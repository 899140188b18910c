"""docs/hub.md and the README's hub links agree with what was measured and what is shipped.

No hub runs here (these are not ``hub`` tests): the figures in docs/hub.md must be the ones
``benchmarks/bench_hub.py`` renders from its committed JSON results; the memory figures of
the TLJH commands and the Z2JH ``config.yaml`` must be the recommendation computed from
those results; the executor config in ``config.yaml`` must be the shipped
binder/jupyter_server_config.json; the default URL must be the README's app link's path.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .hub_server import REPO_NAME, SHIPPED_CONFIG_DIR
from .links import link_parameters, readme_link_to, readme_pull_links

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "hub.md"
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_hub  # noqa: E402  (its figures functions import nothing heavy)

BINDER_LINK = re.compile(r"https://mybinder\.org/v2/gh/([^/]+)/([^/]+)/([^?\s)]+)")


def results() -> dict:
    assert bench_hub.RESULTS.is_file(), "run benchmarks/bench_hub.py and commit its JSON"
    return json.loads(bench_hub.RESULTS.read_text())


def config_yaml() -> dict:
    yaml = pytest.importorskip("yaml")
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(), re.DOTALL)
    configs = [yaml.safe_load(b) for b in blocks]
    found = [c for c in configs if isinstance(c, dict) and "singleuser" in c]
    assert len(found) == 1, "docs/hub.md should hold one Z2JH config.yaml"
    return found[0]


def test_the_figures_in_docs_hub_are_rendered_from_the_committed_results():
    block = bench_hub.docs_block(DOCS.read_text())
    assert block is not None, "docs/hub.md has no figures block"
    expected = bench_hub.render_figures(results(), bench_hub.load_default_timeouts())
    assert block == expected, (
        "docs/hub.md's figures differ from benchmarks/results/bench_hub.json: run "
        "`.venv/bin/python benchmarks/bench_hub.py --update-docs --from-json "
        "benchmarks/results/bench_hub.json`"
    )


def test_the_committed_results_are_a_whole_run():
    res = results()
    cls = res["class"]
    assert cls["students"] >= 10 and 0 <= cls["interactive"] <= cls["students"]
    assert res["waves"] and res["waves"][-1]["students"] == cls["students"]
    assert res["settings"]["singleuser"] == json.loads(
        (SHIPPED_CONFIG_DIR / "jupyter_server_config.json").read_text()
    ), "the benchmark ran with other server settings than the shipped ones: run it again"
    for key in ("server", "kernel"):
        assert res["memory_mib"][key]["pss"] > 0


def memory_text(mib: int) -> str:
    return f"{mib}M"


def test_z2jh_config_yaml_memory_culling_and_executor_config():
    config = config_yaml()
    rec = bench_hub.recommended_memory(results())
    memory = config["singleuser"]["memory"]
    assert memory == {
        "guarantee": memory_text(rec["guarantee"]),
        "limit": memory_text(rec["limit"]),
    }
    files = config["singleuser"]["extraFiles"]
    [server_config] = [
        f for f in files.values() if f["mountPath"].endswith("/jupyter_server_config.json")
    ]
    # A directory jupyter_server reads settings from (not a .d directory: see docs/hub.md).
    assert Path(server_config["mountPath"]).parent.name == "jupyter"
    assert server_config["data"] == json.loads(
        (SHIPPED_CONFIG_DIR / "jupyter_server_config.json").read_text()
    )
    assert config["cull"] == {"enabled": True, "timeout": 3600, "every": 300}
    assert (
        config["hub"]["config"]["KubeSpawner"]["http_timeout"]
        == (results()["settings"]["hub"]["Spawner.http_timeout"])
    )


def test_z2jh_default_url_is_the_readme_app_links_path():
    default_url = config_yaml()["singleuser"]["defaultUrl"]
    link = readme_link_to("voila/render")
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    assert default_url == f"/git-pull?{parts.query}"


def test_tljh_commands_use_the_measured_memory_limit_and_the_spawn_timeouts():
    text = DOCS.read_text()
    rec = bench_hub.recommended_memory(results())
    hub_settings = results()["settings"]["hub"]
    assert f"sudo tljh-config set limits.memory {memory_text(rec['limit'])}" in text
    assert f"c.Spawner.http_timeout = {hub_settings['Spawner.http_timeout']}" in text
    assert f"c.Spawner.start_timeout = {hub_settings['Spawner.start_timeout']}" in text
    assert "cp /tmp/course/binder/jupyter_server_config.json" in text


def test_the_readme_hub_links_open_the_app_and_notebook_00_of_the_binder_repository():
    readme = (ROOT / "README.md").read_text()
    owner, repo, ref = BINDER_LINK.search(readme).groups()
    assert repo == REPO_NAME
    links = readme_pull_links()
    assert len(links) == 2
    for link in links:
        params = link_parameters(link)
        assert set(params) == {"repo", "branch", "urlpath"}
        assert params["repo"] == f"https://github.com/{owner}/{repo}"
        assert params["branch"] == ref
        route, _, path = params["urlpath"].partition(f"/{REPO_NAME}/")
        assert route in ("voila/render", "lab/tree"), params["urlpath"]
        assert (ROOT / path).is_file(), f"{link} opens {path}: no such file"
    assert readme_link_to("voila/render").endswith("notebooks%2Fapp.ipynb")
    assert readme_link_to("lab/tree").endswith("notebooks%2F00_start_here.ipynb")


def test_the_readme_and_classroom_page_link_docs_hub():
    assert "(docs/hub.md)" in (ROOT / "README.md").read_text()
    assert "(hub.md)" in (ROOT / "docs" / "classroom.md").read_text()
