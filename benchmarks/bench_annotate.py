"""How long ``course_lib.student.annotate`` takes on the stepper's 2-layer net.

``annotate`` runs the student's pass once more under the line tracer, after ``compare``;
each configuration is run ``--repeats`` times in one process after a warm-up, and the
median and 90th percentile are printed in milliseconds against the target (median at most
100 ms). The code annotated is written in a file of its own, as a student's would be.

Usage: ``python benchmarks/bench_annotate.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import textwrap
from pathlib import Path

from bench_student import measure  # beside this file: the same timing

from course_lib.student import annotate, course_lines, mistake_functions

TARGET_MS = 100.0
STUDENT = textwrap.dedent(
    """
    import numpy as np

    def linear_backward(dZ, cache):
        A_prev, W, b = cache
        m = A_prev.shape[1]
        dW = np.dot(dZ, A_prev.T) / m
        db = np.sum(dZ, axis=1, keepdims=True) / m
        dA_prev = np.dot(W.T, dZ)
        return dA_prev, dW, db

    def relu_backward(dA, cache):
        dZ = np.array(dA, copy=True)
        dZ[cache <= 0] = 0
        return dZ

    def sigmoid_backward(dA, cache):
        s = 1 / (1 + np.exp(-cache))
        return dA * s * (1 - s)
    """
)


def student_module():
    path = Path(tempfile.mkdtemp()) / "student_code.py"
    path.write_text(STUDENT)
    spec = importlib.util.spec_from_file_location("student_code", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["student_code"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    repeats = parser.parse_args().repeats
    mod = student_module()
    yours = {n: getattr(mod, n) for n in ("linear_backward", "relu_backward", "sigmoid_backward")}
    configurations = {
        "a student's three split steps (relu)": lambda: annotate(yours, "relu"),
        "the course's own functions (notebook 06)": lambda: course_lines("relu"),
        "mistake mode: linear_backward.one_over_m_in_dA_prev": lambda: annotate(
            mistake_functions("linear_backward.one_over_m_in_dA_prev")
        ),
    }
    print(f"annotate on the stepper's net, {repeats} runs each (target: median <= {TARGET_MS} ms)")
    for label, fn in configurations.items():
        median, p90 = measure(fn, repeats)
        verdict = "ok" if median <= TARGET_MS else "OVER TARGET"
        print(f"  {label:<55} median {median:7.1f} ms  p90 {p90:7.1f} ms  {verdict}")


if __name__ == "__main__":
    main()
