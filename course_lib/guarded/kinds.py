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


class StepLimit(BaseException):
    """Raised in the student's code when a tracer's budget of statements is spent: the time
    limit where no timer exists (a browser tab). Not an ``Exception``, so ``except
    Exception`` in the student's code does not swallow it."""
