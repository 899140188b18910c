"""The browser views keep their models alive: a token answered, a lost model replaced.

anywidget gives a model 2 s in the browser to load its module; one that misses it ignores
the kernel from then on. Each browser view's module sends a token (``bound``) that the
kernel answers (``live``), and says it is lost if the answer never came; the kernel gives
the view a new model, which the boxes holding it then show (``browser_views``). Here the
kernel's side, with the messages a page sends; ``tests/browser/test_faults.py`` has a page
whose models really miss their 2 s.
"""

from __future__ import annotations

import comm
import pytest
from comm.base_comm import BaseComm

from course_lib import widgets as ui
from course_lib.widgets import browser_views
from course_lib.widgets.browser_views import REOPEN_LIMIT, BrowserView

BROWSER_VIEWS = ("label", "slider", "values")


class Recording(BaseComm):
    """A comm that keeps what the kernel sends on it."""

    sent: list = []

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        Recording.sent.append((self.comm_id, msg_type, data))


@pytest.fixture
def recorded(monkeypatch):
    Recording.sent = []
    monkeypatch.setattr(comm, "create_comm", Recording)
    return Recording.sent


@pytest.fixture
def app(recorded):
    return ui.StepperApp()


def client(widget, data: dict) -> None:
    """A message from the page to ``widget``'s model."""
    widget._handle_msg({"content": {"data": data}, "buffers": []})


def client_bound(widget, token: str) -> None:
    client(widget, {"method": "update", "state": {"bound": token}, "buffer_paths": []})


def client_lost(widget) -> None:
    client(widget, {"method": "custom", "content": {"event": "lost"}})


def updates_of(recorded, comm_id: str) -> list[dict]:
    return [
        data["state"]
        for cid, kind, data in recorded
        if cid == comm_id and kind == "comm_msg" and data.get("method") == "update"
    ]


def holder_of(root, view):
    stack = [root]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", ())
        if any(c is view for c in children):
            return box
        stack.extend(children)
    return None


def test_the_app_has_three_browser_views_and_each_module_starts_keeping_itself_alive(app):
    found = [app.views[name] for name in BROWSER_VIEWS]
    assert all(isinstance(v, BrowserView) for v in found)
    keep = (browser_views.JS / "keep_alive.js").read_text()
    for view in found:
        assert view._esm.startswith(keep)
        assert "export default { initialize, render };" in view._esm


@pytest.mark.parametrize("name", BROWSER_VIEWS)
def test_a_token_from_the_page_is_answered(app, recorded, name):
    view = app.views[name]
    client_bound(view, "k3x9a1-0b7c2d")
    assert view.live == "k3x9a1-0b7c2d"
    assert {"live": "k3x9a1-0b7c2d"} in updates_of(recorded, view.model_id)


@pytest.mark.parametrize(
    "token", ["", "x" * 17, "a b", "<img src=x>", "a-b-c-d-e", "ABC"], ids=repr
)
def test_anything_else_sent_as_a_token_is_not_copied_back(app, token):
    view = app.views["label"]
    client_bound(view, "first")
    client_bound(view, token)
    assert view.live == "first"


def test_a_lost_model_is_replaced_by_a_new_one_that_its_box_shows_in_its_place(app, recorded):
    view = app.views["slider"]
    box = holder_of(app.root, view)
    assert box is not None
    old = view.model_id
    place = box.children.index(view)
    recorded.clear()
    client_lost(view)

    assert view.model_id != old and view.reopened == 1
    kinds = [(cid, kind) for cid, kind, _ in recorded]
    assert (old, "comm_close") in kinds
    opened = [data for cid, kind, data in recorded if kind == "comm_open" and cid == view.model_id]
    assert len(opened) == 1 and opened[0]["state"]["value"] == view.value
    children = [s["children"] for s in updates_of(recorded, box.model_id) if "children" in s]
    assert children and children[-1][place] == f"IPY_MODEL_{view.model_id}"
    assert f"IPY_MODEL_{old}" not in children[-1]
    # What was wired to the view still works through the new model.
    client(view, {"method": "update", "state": {"value": 4}, "buffer_paths": []})
    assert app.stepper.index == 4
    assert app.views["label"].value.startswith("Stage 4 of 9:")


def test_a_view_is_replaced_at_most_reopen_limit_times(app):
    view = app.views["values"]
    ids = [view.model_id]
    for _ in range(REOPEN_LIMIT + 2):
        client_lost(view)
        ids.append(view.model_id)
    assert len(set(ids)) == REOPEN_LIMIT + 1
    assert view.reopened == REOPEN_LIMIT


@pytest.mark.parametrize(
    "content",
    [{"event": "bound"}, {"event": "LOST"}, {"lost": True}, "lost", ["lost"], None],
    ids=repr,
)
def test_other_messages_change_nothing(app, content):
    view = app.views["label"]
    old = view.model_id
    client(view, {"method": "custom", "content": content})
    assert view.model_id == old and view.reopened == 0


def test_a_view_outside_any_box_is_reopened_with_no_box_to_tell(recorded):
    view = ui.StageLabel(value="alone")
    old = view.model_id
    assert view.reopen()
    assert view.model_id != old
    client_bound(view, "again")  # the new model's messages reach the view
    assert view.live == "again"
