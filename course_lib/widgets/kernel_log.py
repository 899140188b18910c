"""Where the app's failures are logged: the running kernel's log (the server's), never the
page. Outside a kernel, the package's logger, ``course_lib.widgets``."""

from __future__ import annotations

import logging

# The package's name, not this module's: one logger for the whole app, as before it was split.
_log = logging.getLogger("course_lib.widgets")


def kernel_logger() -> logging.Logger:
    """The running kernel's logger (the server's log, never the page), else the package's."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        log = getattr(kernel, "log", None)
        if isinstance(log, logging.Logger):
            return log
    except Exception:  # no IPython, or a shell without a kernel
        pass
    return _log
