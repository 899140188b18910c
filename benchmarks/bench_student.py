"""How long ``course_lib.student.compare`` takes on the stepper's 2-layer net.

Each configuration is run ``--repeats`` times in one process after a warm-up; the median
and the 90th percentile are printed in milliseconds against its target, for correct
functions (the common case: everything agrees) and for a catalogued mistake (the pass
departs and ``check`` names the mistake). A split pass has a median of at most 30 ms; a
whole ``L_model_backward``, which also runs at three and four layers, at most 60 ms; the
others at most 100 ms.

Usage: ``python benchmarks/bench_student.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course_lib import assignment, slide
from course_lib.student import compare, demonstrate

TARGET_MS = 100.0
SPLIT_MS, WHOLE_MS = 30.0, 60.0


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


def correct_whole():
    def L_model_backward(AL, Y, caches):
        return assignment.L_model_backward(AL, Y, caches)

    return {"L_model_backward": L_model_backward}


CONFIGURATIONS = {  # name -> (the call, its target median in ms)
    "four split steps, correct (relu)": (lambda: compare(correct_split(), "relu"), SPLIT_MS),
    "L_model_backward with its deep runs, correct": (
        lambda: compare(correct_whole(), "relu"),
        WHOLE_MS,
    ),
    "mistake: L_model_backward.dA_from_dAL (deep runs)": (
        lambda: demonstrate("L_model_backward.dA_from_dAL"),
        WHOLE_MS,
    ),
    "linear_activation_backward, correct": (
        lambda: compare(
            {"linear_activation_backward": assignment.linear_activation_backward}, "relu"
        ),
        TARGET_MS,
    ),
    "backward_propagation, correct (tanh)": (lambda: compare(correct_slide(), "tanh"), TARGET_MS),
    "mistake: linear_backward.no_one_over_m (split)": (
        lambda: demonstrate("linear_backward.no_one_over_m"),
        SPLIT_MS,
    ),
    "mistake: backward_propagation.dZ2_sign_flipped": (
        lambda: demonstrate("backward_propagation.dZ2_sign_flipped"),
        TARGET_MS,
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
    print(f"compare(), {args.repeats} runs each; target: the median")
    for name, (fn, target) in CONFIGURATIONS.items():
        median, p90 = measure(fn, args.repeats)
        verdict = "PASS" if median <= target else "FAIL"
        failed += verdict == "FAIL"
        print(
            f"  {name:<52} median {median:7.1f} ms   p90 {p90:7.1f} ms   "
            f"target {target:3.0f} ms   {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
