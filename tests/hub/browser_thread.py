"""Headless Chromium for the hub tests, driven from a thread of its own.

Playwright's sync API allows one running instance per thread, and the browser tests keep
theirs (a session fixture in tests/browser) open until the session ends. The hub tests
therefore run their browser in a worker thread: ``BrowserThread.run(fn, ...)`` calls
``fn(browser, ...)`` there and returns its result or raises its exception. Every page
operation of a test happens inside ``fn``.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from browser.browser_support import launch_chromium


class BrowserThread:
    def __init__(self, executable: str):
        self._jobs: queue.Queue = queue.Queue()
        self._executable = executable
        self._thread = threading.Thread(target=self._serve, name="hub-browser", daemon=True)
        started: Future = Future()
        self._thread.start()
        self._jobs.put((self._launch, (), started))
        started.result(timeout=120)

    def _launch(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = launch_chromium(self._pw, self._executable)

    def _close(self):
        try:
            self._browser.close()
        finally:
            self._pw.stop()

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, args, future = job
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to the caller's thread
                future.set_exception(exc)

    def run(self, fn, *args, timeout: float = 240):
        """``fn(browser, *args)`` in the browser's thread; bounded by ``timeout`` seconds."""
        future: Future = Future()
        self._jobs.put((lambda: fn(self._browser, *args), (), future))
        return future.result(timeout=timeout)

    def close(self, timeout: float = 60) -> None:
        future: Future = Future()
        self._jobs.put((self._close, (), future))
        self._jobs.put(None)
        try:
            future.result(timeout=timeout)
        finally:
            self._thread.join(timeout=5)
