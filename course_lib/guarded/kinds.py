"""The kinds of ``Outcome`` and the time limits, shared by the modules of ``guarded``."""

DEFAULT_TIME_LIMIT = 3.0  # seconds per call; the course's functions take milliseconds
PRINT_LIMIT = 10_000  # characters of a call's printed output kept for showing

OK, RAISED, NOT_IMPLEMENTED, TIMEOUT, BUDGET, IMPORT = (
    "ok",
    "raised",
    "not implemented",
    "timeout",
    "budget",
    "import",
)
