"""How long ``course_lib.student.compare`` takes on the stepper's 2-layer net.

Each configuration is run ``--repeats`` times in one process after a warm-up; the median
and the 90th percentile are printed in milliseconds against the target (median at most
100 ms), for correct functions (the common case: everything agrees) and for a catalogued
mistake (the pass departs and ``check`` names the mistake).

Usage: ``python benchmarks/bench_student.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course_lib import assignment, slide
from course_lib.student import compare, demonstrate

TARGET_MS = 100.0


def correct_split():
    return {
        "compute_dAL": assignment.output_dA,
        "sigmoid_backward": assignment.sigmoid_backward,
        "relu_backward": assignment.relu_backward,
        "linear_backward": assignment.linear_backward,
    }


def correct_slide():
    def backward_propagation(parameters, cache, X, Y):
        return slide.backward_propagation(parameters, cache, X, Y, hidden="tanh")

    return {"backward_propagation": backward_propagation}


CONFIGURATIONS = {
    "four split steps, correct (relu)": lambda: compare(correct_split(), "relu"),
    "linear_activation_backward, correct": lambda: compare(
        {"linear_activation_backward": assignment.linear_activation_backward}, "relu"
    ),
    "backward_propagation, correct (tanh)": lambda: compare(correct_slide(), "tanh"),
    "mistake: linear_backward.no_one_over_m": lambda: demonstrate("linear_backward.no_one_over_m"),
    "mistake: backward_propagation.dZ2_sign_flipped": lambda: demonstrate(
        "backward_propagation.dZ2_sign_flipped"
    ),
}


def measure(fn, repeats: int) -> tuple[float, float]:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times)), float(np.percentile(times, 90))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    failed = 0
    print(f"compare(), {args.repeats} runs each; target: median <= {TARGET_MS:.0f} ms")
    for name, fn in CONFIGURATIONS.items():
        median, p90 = measure(fn, args.repeats)
        verdict = "PASS" if median <= TARGET_MS else "FAIL"
        failed += verdict == "FAIL"
        print(f"  {name:<50} median {median:7.1f} ms   p90 {p90:7.1f} ms   {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
