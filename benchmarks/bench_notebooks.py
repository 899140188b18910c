"""Time nbval over every notebook: the total, and seconds per notebook.

Runs ``pytest --nbval`` once over ``notebooks/*.ipynb`` with the same options as
``make test`` (fresh kernel per notebook, stored outputs compared, sanitize file),
and reads each cell's time (setup + call + teardown, so kernel start-up counts)
from pytest's JUnit XML report. Prints the wall-clock total of the whole run, the
seconds per notebook, and whether the total meets the target (60 s).

Usage: ``python benchmarks/bench_notebooks.py [--target SECONDS] [notebook ...]``.
Exits 1 if any cell fails; a missed time target is reported, not an error (timing
depends on the machine and on what else it is running).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 60.0
NBVAL = [
    "--nbval",
    "--nbval-current-env",
    "--nbval-cell-timeout=120",
    "--nbval-sanitize-with",
    "notebooks/sanitize.cfg",
]


def run(notebooks: list[str]) -> tuple[float, dict, int, str]:
    """Run nbval once; return (wall seconds, seconds per notebook, exit code, summary line)."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # an inherited Agg backend would strip the notebooks' figures
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "nbval.xml"
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "junit_duration_report=total",
            f"--junitxml={report}",
            *NBVAL,
            *notebooks,
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        per_notebook: dict[str, float] = defaultdict(float)
        if report.exists():
            for case in ET.parse(report).getroot().iter("testcase"):
                # classname is the notebook's path with dots: notebooks.00_start_here.ipynb
                name = ".".join(case.get("classname", "?").split(".")[-2:])
                per_notebook[name] += float(case.get("time", 0.0))
    lines = proc.stdout.strip().splitlines()
    return wall, dict(per_notebook), proc.returncode, lines[-1] if lines else proc.stderr[-500:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=TARGET, help="seconds for the whole run")
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb")
    )
    if not notebooks:
        print("no notebooks found")
        return 1
    wall, per_notebook, code, summary = run(notebooks)
    print(f"nbval over {len(notebooks)} notebooks ({os.cpu_count()} cores)")
    for name in sorted(per_notebook):
        print(f"  {name:40s} {per_notebook[name]:6.1f} s")
    print(f"  {'sum of cell times':40s} {sum(per_notebook.values()):6.1f} s")
    verdict = "meets" if wall <= args.target else "MISSES"
    print(f"total wall time: {wall:.1f} s ({verdict} the {args.target:g} s target)")
    print(f"pytest: {summary}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
