"""Security of the served app, tested against a real voila on 127.0.0.1.

A student's browser holds the page voila renders and a websocket to that page's kernel.
These tests play a hostile client with the same access: they read the page, find the
kernel id voila embeds in it, open the kernel websocket directly, and try to run code.
They also check what the page itself gives away (notebook source, tracebacks).

voila is started by ``VoilaServer`` (tests/browser/voila_server.py) from the repo root, so
the repo's ``voila.json`` applies (preheated kernel, cell timeout); every server is stopped
at the end of the module, and every wait below is bounded.
"""

from __future__ import annotations

import html
import json
import re
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from voila_server import VoilaServer  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

APP = "notebooks/app.ipynb"
APP_SOURCE = "from course_lib.widgets import app"
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
PARTS = ("header", "parent_header", "metadata", "content")
PAGE_TIMEOUT = 60.0  # first page load waits for the preheated kernel (about 20 s here)
REPLY_TIMEOUT = 15.0
# After the kernel_info_reply proves the kernel read our messages, how much longer to wait
# for a write that an executed request would have made.
SETTLE = 1.5
# What a rendered traceback or an exception message would leave in the HTML.
TRACEBACK_SIGNS = ("Traceback (most recent call last)", "ename", "evalue", "ansi-red-fg")


# ---------------------------------------------------------------------------- helpers


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=PAGE_TIMEOUT) as resp:
        assert resp.status == 200
        return resp.read().decode("utf-8")


def kernel_id_of(page: str) -> str:
    """The kernel id voila puts in the page config (``"kernelId": "<uuid>"``)."""
    match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page)
    assert match, "voila's page config has no kernelId"
    return match.group(1)


def make_msg(msg_type: str, content: dict, session: str) -> dict:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "student",
        "session": session,
        "date": datetime.now(UTC).isoformat(),
        "version": "5.3",
    }
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content}


def pack_v1(msg: dict, channel: str) -> bytes:
    """Frame a message in the binary ``v1.kernel.websocket.jupyter.org`` protocol.

    Layout, all integers unsigned 64-bit little-endian: the number of offsets, then the
    offsets (start of the channel name, start of header, parent_header, metadata, content,
    and the end of the message), then the channel name and the four JSON parts.
    """
    parts = [json.dumps(msg[key]).encode("utf-8") for key in PARTS]
    chunks = [channel.encode("utf-8"), *parts]
    n_offsets = len(chunks) + 1
    offsets = [8 * (1 + n_offsets)]
    for chunk in chunks:
        offsets.append(offsets[-1] + len(chunk))
    head = n_offsets.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(chunks)


def unpack_v1(data: bytes) -> dict:
    """Read a v1 frame back into a message dict with its ``channel``."""
    n = int.from_bytes(data[:8], "little")
    offsets = [int.from_bytes(data[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
    pieces = [data[offsets[i] : offsets[i + 1]] for i in range(n - 1)]
    msg = {"channel": pieces[0].decode("utf-8")}
    for key, raw in zip(PARTS, pieces[1:5], strict=True):
        msg[key] = json.loads(raw) if raw else {}
    return msg


class KernelSocket:
    """A client of voila's kernel websocket, as a script outside the page would open it."""

    def __init__(self, server: VoilaServer, kernel_id: str, binary: bool):
        self.binary = binary
        self.session = uuid.uuid4().hex
        url = (
            f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels"
            f"?session_id={self.session}"
        )
        self.ws = websocket.create_connection(
            url,
            timeout=REPLY_TIMEOUT,
            origin=server.base_url,
            subprotocols=[V1_PROTOCOL] if binary else None,
        )
        if binary:
            assert self.ws.getsubprotocol() == V1_PROTOCOL, "server refused the v1 protocol"
        self.received: list[dict] = []

    def send(self, msg: dict, channel: str) -> None:
        if self.binary:
            self.ws.send_binary(pack_v1(msg, channel))
        else:
            self.ws.send(json.dumps({**msg, "channel": channel}))

    def recv_until(self, done: Callable[[dict], bool], timeout: float) -> dict | None:
        """Collect messages until one satisfies ``done``; None when ``timeout`` runs out."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(max(left, 0.05))
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                return None
            msg = unpack_v1(frame) if isinstance(frame, bytes) else json.loads(frame)
            self.received.append(msg)
            if done(msg):
                return msg
        return None

    def close(self) -> None:
        self.ws.close()


def replies_to(msg: dict) -> Callable[[dict], bool]:
    msg_id = msg["header"]["msg_id"]
    return lambda m: (m.get("parent_header") or {}).get("msg_id") == msg_id


def marker_code(marker: Path) -> str:
    """Code that leaves a file behind if the kernel ever runs it."""
    return (
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('code ran')\n"
        f"open({str(marker)!r} + '.os', 'w').close()\n"
    )


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def app_server() -> Iterator[VoilaServer]:
    server = VoilaServer(APP).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_page(app_server) -> str:
    page = fetch(app_server.url_for())
    app_server.remember_children()
    return page


# ---------------------------------------------------------------------------- tests


@pytest.mark.parametrize(
    ("channel", "binary"),
    [("shell", False), ("control", False), ("shell", True), ("control", True)],
    ids=["json-shell", "json-control", "v1-shell", "v1-control"],
)
def test_kernel_websocket_refuses_execute_request(app_server, app_page, tmp_path, channel, binary):
    """Attack: a client takes the kernel id from the served page, opens that kernel's
    websocket itself and sends ``execute_request`` (JSON or binary v1 framing, on the shell
    or the control channel) to run arbitrary code on the server.

    voila 0.5.13 gives its kernel manager an allow-list of message types (comm messages,
    ``kernel_info_request``, ``comm_info_request``, ``shutdown_request``); jupyter_server
    drops anything else before it reaches the kernel, whatever the channel or framing. The
    kernel_info_request sent after the execute_request is answered, which proves the
    websocket, the framing and the channel work, so the missing marker file means the
    execute_request was dropped, not lost.
    """
    kernel_id = kernel_id_of(app_page)
    marker = tmp_path / "pwned"
    client = KernelSocket(app_server, kernel_id, binary=binary)
    try:
        execute = make_msg(
            "execute_request",
            {
                "code": marker_code(marker),
                "silent": False,
                "store_history": False,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            client.session,
        )
        client.send(execute, channel)
        info = make_msg("kernel_info_request", {}, client.session)
        client.send(info, channel)

        reply = client.recv_until(
            lambda m: replies_to(info)(m) and m["header"]["msg_type"] == "kernel_info_reply",
            REPLY_TIMEOUT,
        )
        assert reply is not None, f"no kernel_info_reply on {channel} within {REPLY_TIMEOUT} s"
        assert reply["channel"] == channel
        assert reply["content"]["status"] == "ok"

        # Anything the kernel says about the execute_request (execute_input on iopub,
        # execute_reply on shell/control) would mean it was delivered.
        client.recv_until(lambda m: False, SETTLE)
        about_execute = [m for m in client.received if replies_to(execute)(m)]
        assert about_execute == [], [m["header"]["msg_type"] for m in about_execute]
    finally:
        client.close()
    assert not marker.exists()
    assert not Path(f"{marker}.os").exists()
    app_server.remember_children()


def test_app_page_has_no_source_or_traceback(app_page):
    """Attack: read the served HTML (view-source) to learn the notebook's code or internals.

    voila strips code-cell sources by default and renders only outputs and markdown.
    """
    text = html.unescape(app_page)
    assert APP_SOURCE not in text
    assert "course_lib.widgets" not in text
    assert "app()" not in text
    for sign in TRACEBACK_SIGNS:
        assert sign not in text, sign
    # The markdown title still renders, so the page is the app and not an error page.
    assert "Backpropagation, two ways" in text


def test_failing_cell_shows_no_traceback_or_source(tmp_path):
    """Attack: make the app fail (or find a cell that fails) and read the error page for the
    traceback, the exception message and the source of the failing cell.

    With the repo's voila.json (``show_tracebacks`` left at its default, False) voila replaces
    the cell's output with a generic message that names no code, exception or message.
    """
    secret_src = "secret_source_marker_4821 = 'x'"
    secret_msg = "secret_exception_detail_7723"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Failing page"),
            nbformat.v4.new_code_cell(f"{secret_src}\nraise ValueError({secret_msg!r})"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = tmp_path / "fails.ipynb"
    nbformat.write(nb, path)

    # Started from the repo root on the notebook's absolute path, so voila.json applies.
    server = VoilaServer(path).start()
    try:
        page = html.unescape(fetch(server.url_for()))
        server.remember_children()
    finally:
        server.stop()

    assert "Failing page" in page, "the page did not render"
    for leak in (secret_src, "secret_source_marker_4821", secret_msg, "ValueError"):
        assert leak not in page, leak
    for sign in TRACEBACK_SIGNS:
        assert sign not in page, sign
    # voila says something went wrong instead of failing silently.
    assert re.search(r"error", page, re.IGNORECASE)
