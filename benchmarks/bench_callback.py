"""How long the stepper's Next / Previous callbacks take in the kernel's Python.

Builds the app as the voila page does, then clicks Next eight times and Previous eight
times, over and over, timing each click's handler (state change, views refreshed, widget
messages serialised). Widgets get a comm that serialises every message to JSON the way
the kernel's session does, so that cost is counted; nothing is sent anywhere.

Also times a configuration change the first time (computing the numbers) and again
(a cache hit), and the app's build (which renders the nine graph images once).

Target: the whole click in the browser p95 <= 60 ms, so the callback should stay near
10 ms or less on cache hits.

Usage: .venv/bin/python benchmarks/bench_callback.py [--clicks 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import comm
from comm.base_comm import BaseComm
from jupyter_client.jsonutil import json_default

SENT = {"messages": 0, "bytes": 0}


class SerialisingComm(BaseComm):
    """A comm that does the serialisation work of a kernel's comm and drops the result."""

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        text = json.dumps(
            {"msg_type": msg_type, "data": data, "metadata": metadata}, default=json_default
        )
        SENT["messages"] += 1
        SENT["bytes"] += len(text) + sum(len(b) for b in buffers or ())


def percentile95(xs):
    return statistics.quantiles(xs, n=20, method="inclusive")[18]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clicks", type=int, default=200, help="timed Next clicks (>= 50)")
    args = ap.parse_args()
    clicks = max(args.clicks, 50)

    comm.create_comm = SerialisingComm
    from course_lib.widgets import build_app

    holder = {}
    build_ms = timed(lambda: holder.setdefault("app", build_app()))
    app = holder["app"]
    v = app.views
    times = {"Next": [], "Previous": []}
    SENT.update(messages=0, bytes=0)
    while len(times["Next"]) < clicks:
        for name in ["Next"] * 8 + ["Previous"] * 8:
            button = v["next"] if name == "Next" else v["previous"]
            times[name].append(timed(button.click))
    n_clicks = len(times["Next"]) + len(times["Previous"])
    assert app.views["error"].value == "", app.views["error"].value

    hidden = v["config"]["hidden"]
    miss = timed(lambda: setattr(hidden, "value", "tanh"))
    back = timed(lambda: setattr(hidden, "value", "relu"))
    hit = timed(lambda: setattr(hidden, "value", "tanh"))

    print(f"{'milliseconds':<44} {'median':>8} {'p95':>8} {'n':>5}")
    for name, xs in times.items():
        print(
            f"{'callback, ' + name + ' (cache hit)':<44} {statistics.median(xs):8.2f} "
            f"{percentile95(xs):8.2f} {len(xs):5d}"
        )
    print(f"{'config change, first time (computes)':<44} {miss:8.2f}")
    print(f"{'config change, back to a cached one':<44} {back:8.2f}")
    print(f"{'config change, cached again':<44} {hit:8.2f}")
    print(f"{'build the app (renders 9 graph images)':<44} {build_ms:8.1f}")
    print(
        f"messages per click {SENT['messages'] / n_clicks:.1f}, "
        f"bytes per click {SENT['bytes'] / n_clicks / 1024:.1f} KiB"
    )
    ok = percentile95(times["Next"]) <= 10.0
    print(
        f"{'PASS' if ok else 'MISS'}  Next callback p95 {percentile95(times['Next']):.2f} ms "
        f"<= 10 ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
