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
import ipywidgets as widgets
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
    """A message from the page to ``widget``'s model, through its comm as a kernel gets it."""
    widget.comm.handle_msg({"content": {"comm_id": widget.model_id, "data": data}, "buffers": []})


def client_bound(widget, token: str) -> None:
    client(widget, {"method": "update", "state": {"bound": token}, "buffer_paths": []})


def client_lost(widget, token=None) -> None:
    client(widget, {"method": "custom", "content": {"event": "lost", "token": token}})


def unheard(widget) -> None:
    """A page's model sent a fresh token, the kernel answered, and the model, deaf, asks
    again ``DEAF_AFTER_S`` later."""
    unheard.tokens += 1
    token = f"k3x9a1-{unheard.tokens}"
    client_bound(widget, token)
    widget._answered[token] -= browser_views.DEAF_AFTER_S
    client_lost(widget, token)


unheard.tokens = 0


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
        assert "export default { initialize, render: counted(render) };" in view._esm


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
    unheard(view)

    assert view.model_id != old and view.reopened == 1
    kinds = [(cid, kind) for cid, kind, _ in recorded]
    assert (old, "comm_close") in kinds
    opened = [data for cid, kind, data in recorded if kind == "comm_open" and cid == view.model_id]
    assert len(opened) == 1 and opened[0]["state"]["value"] == view.value
    children = [s["children"] for s in updates_of(recorded, box.model_id) if "children" in s]
    assert children and children[-1][place] == f"IPY_MODEL_{view.model_id}"
    assert f"IPY_MODEL_{old}" not in children[-1]
    assert old not in widgets.widget._instances and view.comm.comm_id == view.model_id
    # What was wired to the view still works through the new model.
    client(view, {"method": "update", "state": {"value": 4}, "buffer_paths": []})
    assert app.stepper.index == 4
    assert app.views["label"].value.startswith("Stage 4 of 9:")


def test_a_view_is_replaced_at_most_reopen_limit_times(app):
    view = app.views["values"]
    ids = [view.model_id]
    for _ in range(REOPEN_LIMIT + 2):
        unheard(view)
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
    assert view._repr_mimebundle_()[0]["application/vnd.jupyter.widget-view+json"] == {
        "version_major": 2,
        "version_minor": 1,
        "model_id": view.model_id,
    }


def test_a_model_that_asks_while_its_answer_is_on_its_way_keeps_its_view(app):
    """A busy kernel (a long cell) reads the token and the model's first question together:
    it answers, and does not take the model for deaf."""
    view = app.views["slider"]
    old = view.model_id
    client_bound(view, "busy-0")
    client_lost(view, "busy-0")
    assert view.model_id == old and view.reopened == 0


@pytest.mark.parametrize("token", [None, "never-sent", 7, ["busy-0"]], ids=repr)
def test_a_question_for_a_token_the_kernel_never_answered_changes_nothing(app, token):
    view = app.views["values"]
    old = view.model_id
    client_bound(view, "busy-0")
    view._answered["busy-0"] -= browser_views.DEAF_AFTER_S
    client_lost(view, token)
    assert view.model_id == old and view.reopened == 0


def test_a_page_cannot_reset_the_count_of_new_models(app):
    view = app.views["label"]
    unheard(view)
    assert view.reopened == 1
    client(view, {"method": "update", "state": {"reopened": 0}, "buffer_paths": []})
    ids = {view.model_id}
    for _ in range(REOPEN_LIMIT + 1):
        unheard(view)
        ids.add(view.model_id)
    assert len(ids) == REOPEN_LIMIT and view.reopened == REOPEN_LIMIT


def test_a_token_given_at_construction_is_answered_and_answers_keep_the_newest(recorded):
    view = ui.StageLabel(bound="made-1")
    assert view.live == "made-1"
    for n in range(browser_views.ANSWERS_KEPT + 3):
        client_bound(view, f"page-{n}")
    client_bound(view, "page-4")  # a token set again moves to the newest place
    client_bound(view, "page-x")
    kept = list(view._answered)
    assert len(kept) == browser_views.ANSWERS_KEPT
    assert kept[-2:] == ["page-4", "page-x"] and "made-1" not in kept
