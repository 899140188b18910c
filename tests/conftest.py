"""Settings for every test, and for the kernels and servers the tests start."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_graph_cache(tmp_path_factory):
    """The app keeps rendered graphs in a cache directory (course_lib.widgets.graph_cache_dir).
    Tests, and the kernels they start (which inherit the environment), use a fresh one of
    their own instead of the user's."""
    before = os.environ.get("COURSE_LIB_CACHE")
    os.environ["COURSE_LIB_CACHE"] = str(tmp_path_factory.mktemp("course-lib-cache"))
    yield
    if before is None:
        os.environ.pop("COURSE_LIB_CACHE", None)
    else:
        os.environ["COURSE_LIB_CACHE"] = before
