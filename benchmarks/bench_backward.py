"""Forward + backward time of both formulations against a bare-NumPy floor.

At the cat classifier's size (n_x = 12288, n_h = 7, n_y = 1, m = 209) one forward and one
backward pass of a 2-layer net with a ReLU hidden layer is timed four ways, interleaved in
one process so that machine noise hits every variant alike:

- ``slide``: ``course_lib.slide.forward_propagation`` + ``backward_propagation``;
- ``slide floor``: the same products written in bare NumPy, no checks;
- ``split``: ``course_lib.assignment``'s ``linear_activation_forward`` twice, ``output_dA``,
  ``linear_activation_backward`` twice (as ``two_layer_model`` does);
- ``split floor``: the same products in bare NumPy, including ``dA0 = W1.T @ dZ1``, which the
  generic layer computes and the slide does not.

Prints the median of each and the ratio of the library to its floor (target: at most 1.10).
Usage: ``python benchmarks/bench_backward.py [--repeats N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from course_lib import assignment, slide

N_X, N_H, N_Y, M = 12288, 7, 1, 209
TARGET = 1.10


def make_inputs(seed: int):
    """Pixel-like ``X`` in [0, 1] (n_x, m), 0/1 labels ``Y`` (1, m), the course's initialisation."""
    rng = np.random.RandomState(seed)
    X = rng.rand(N_X, M)
    Y = rng.randint(0, 2, (N_Y, M)).astype(np.float64)
    parameters = assignment.initialize_parameters(N_X, N_H, N_Y)
    return X, Y, parameters


def slide_library(X, Y, p):
    _, cache = slide.forward_propagation(X, p, hidden="relu")
    return slide.backward_propagation(p, cache, X, Y, hidden="relu")


def split_library(X, Y, p):
    A1, cache1 = assignment.linear_activation_forward(X, p["W1"], p["b1"], "relu")
    A2, cache2 = assignment.linear_activation_forward(A1, p["W2"], p["b2"], "sigmoid")
    dA2 = assignment.output_dA(A2, Y)
    dA1, dW2, db2 = assignment.linear_activation_backward(dA2, cache2, "sigmoid")
    dA0, dW1, db1 = assignment.linear_activation_backward(dA1, cache1, "relu")
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dA0": dA0}


def _forward_floor(X, p):
    Z1 = p["W1"] @ X + p["b1"]
    A1 = np.maximum(Z1, 0.0)
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = 1.0 / (1.0 + np.exp(-Z2))
    return Z1, A1, A2


def slide_floor(X, Y, p):
    m = X.shape[1]
    Z1, A1, A2 = _forward_floor(X, p)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (p["W2"].T @ dZ2) * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def split_floor(X, Y, p):
    m = X.shape[1]
    Z1, A1, A2 = _forward_floor(X, p)
    dA2 = -(Y / A2 - (1 - Y) / (1 - A2))
    dZ2 = dA2 * A2 * (1 - A2)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = p["W2"].T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    dA0 = p["W1"].T @ dZ1  # the generic layer's dA_prev for layer 1
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dA0": dA0}


VARIANTS = {
    "slide": slide_library,
    "slide floor": slide_floor,
    "split": split_library,
    "split floor": split_floor,
}


def check_same_gradients(X, Y, p) -> float:
    """Largest |difference| between any variant's gradients (and dA0) and the floors'."""
    ref = slide_floor(X, Y, p)
    ref_dA0 = split_floor(X, Y, p)["dA0"]
    worst = float(np.max(np.abs(split_library(X, Y, p)["dA0"] - ref_dA0)))
    for f in VARIANTS.values():
        g = f(X, Y, p)
        worst = max(worst, max(float(np.max(np.abs(g[k] - ref[k]))) for k in ref))
    return worst


def time_interleaved(X, Y, p, repeats: int, warmup: int = 5) -> dict:
    """Seconds per call for each variant; the order rotates every round."""
    names = list(VARIANTS)
    for _ in range(warmup):
        for name in names:
            VARIANTS[name](X, Y, p)
    times = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            t0 = time.perf_counter()
            VARIANTS[name](X, Y, p)
            times[name].append(time.perf_counter() - t0)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    X, Y, p = make_inputs(args.seed)
    diff = check_same_gradients(X, Y, p)
    times = time_interleaved(X, Y, p, args.repeats)
    med = {k: float(np.median(v)) * 1e3 for k, v in times.items()}
    q = {
        k: (float(np.percentile(v, 25)) * 1e3, float(np.percentile(v, 75)) * 1e3)
        for k, v in times.items()
    }

    print(
        f"forward + backward, n_x={N_X}, n_h={N_H}, n_y={N_Y}, m={M}, ReLU hidden, "
        f"{args.repeats} interleaved repeats"
    )
    print(f"max |gradient difference| between variants: {diff:.1e}")
    for name in VARIANTS:
        print(f"  {name:<12} median {med[name]:7.3f} ms   (IQR {q[name][0]:.3f}-{q[name][1]:.3f})")
    ratios = {
        "slide": med["slide"] / med["slide floor"],
        "split": med["split"] / med["split floor"],
    }
    for name, ratio in ratios.items():
        verdict = "ok" if ratio <= TARGET else f"over the {TARGET}x target"
        print(f"  {name} / {name} floor: {ratio:.3f}x  ({verdict})")
    print(f"  split / slide (the cost of dA2 and dA0): {med['split'] / med['slide']:.3f}x")
    return 0 if all(r <= TARGET for r in ratios.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
