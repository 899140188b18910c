"""The nbgitpuller links the README gives instructors, and the same links on a test hub.

An nbgitpuller link is ``https://<hub>/hub/user-redirect/git-pull?repo=...&branch=...&urlpath=...``:
the hub logs the student in, starts their server, and sends them to the server's ``git-pull``
handler, which clones ``repo`` (or merges its news into an earlier clone) into a folder named
after the repository and then opens ``urlpath``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

README = Path(__file__).resolve().parents[2] / "README.md"
PULL_LINK = re.compile(r"https://[^\s)`'\"<>]+/hub/user-redirect/git-pull\?[^\s)`'\"<>]+")


def readme_pull_links() -> list[str]:
    return PULL_LINK.findall(README.read_text())


def link_parameters(link: str) -> dict[str, str]:
    query = parse_qs(urlsplit(link).query, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), f"{link}: repeated parameter"
    return {key: values[0] for key, values in query.items()}


def readme_link_to(route: str) -> str:
    """The README's link whose urlpath starts with ``route`` (``voila/render``, ``lab/tree``)."""
    found = [
        link
        for link in readme_pull_links()
        if link_parameters(link).get("urlpath", "").startswith(route)
    ]
    assert len(found) == 1, f"README.md: expected one nbgitpuller link to {route}, got {found}"
    return found[0]


def on_hub(link: str, hub_base_url: str, repo_url: str) -> str:
    """The README's ``link`` with the instructor's hub and repository replaced by the test's
    (every other parameter, and their order, kept)."""
    parts = urlsplit(link)
    params = link_parameters(link)
    params["repo"] = repo_url
    hub = urlsplit(hub_base_url)
    return urlunsplit((hub.scheme, hub.netloc, parts.path, urlencode(params), ""))
