"""How long ``course_lib.diagnose.check`` takes, per exercise, against its target.

For every exercise ``check`` is timed with a correct function (the reference) and with a
catalogued mistake (the exercise's first entry), ``--repeats`` times each after one warm-up
call, in one process. The warm-up is timed too and shown as "first": it computes the
reference's and the catalogue's outputs on the test cases, which later checks reuse.

Prints the median and the 90th percentile in milliseconds, and PASS when both medians are
at most the target (50 ms per check). Usage:
``python benchmarks/bench_diagnose.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from course_lib.diagnose import EXERCISES, check, mistakes_for

TARGET_MS = 50.0


def timings(exercise: str, fn, repeats: int) -> tuple[float, list[float]]:
    """The first call's milliseconds, then ``repeats`` more."""

    def once():
        start = time.perf_counter()
        check(exercise, fn)
        return (time.perf_counter() - start) * 1000

    first = once()
    return first, [once() for _ in range(repeats)]


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    print(f"check per exercise, {args.repeats} runs each; target: median <= {TARGET_MS:g} ms")
    print(f"{'exercise':<28} {'function':<9} {'first':>8} {'median':>8} {'p90':>8}  verdict")
    failed = 0
    for name, exercise in EXERCISES.items():
        rows = [("correct", exercise.reference), ("mistake", mistakes_for(name)[0].apply)]
        measured = [(label, *timings(name, fn, args.repeats)) for label, fn in rows]
        ok = all(statistics.median(runs) <= TARGET_MS for _, _, runs in measured)
        failed += not ok
        for i, (label, first, runs) in enumerate(measured):
            verdict = ("PASS" if ok else "FAIL") if i == len(measured) - 1 else ""
            print(
                f"{name:<28} {label:<9} {first:8.2f} {statistics.median(runs):8.2f} "
                f"{p90(runs):8.2f}  {verdict}".rstrip()
            )
    print("all PASS" if not failed else f"{failed} exercise(s) FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
